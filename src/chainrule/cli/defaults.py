"""Every option's default in ``--help``, from the parser itself: one mechanism, so the help cannot drift from
what the command does.

``DefaultsHelpFormatter`` appends ``(default: VALUE)`` to each option's help, VALUE being the option's actual
default (after ``set_defaults``). An option whose default is ``None`` because the command works it out later
(the learning rate from the optimizer, the checkpoint from ``--out``...) says what that means with
``none_means(action, "text")``; help texts never write their defaults by hand (tests/test_cli_help.py).
"""
import argparse


def format_default(value):
    """A default as it would be typed on the command line: ``0.1,1,5,50`` for a list, ``1e-05`` for a float."""
    if isinstance(value, (list, tuple)):
        return ",".join(format_default(v) for v in value) if value else "none"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def none_means(action, text):
    """Declare what an option's ``None`` default means (shown as its default); returns ``action``."""
    action.default_text = text
    return action


def shown_default(action):
    """The default ``--help`` shows for ``action``, or ``None`` (flags, positionals, and ``None``, empty or
    ``""`` defaults without a ``none_means``)."""
    if not action.option_strings or action.nargs == 0 or action.default is argparse.SUPPRESS:
        return None
    if action.default is None or action.default == [] or action.default == "":
        return getattr(action, "default_text", None)
    return format_default(action.default)


class DefaultsHelpFormatter(argparse.HelpFormatter):
    def _get_help_string(self, action):
        help_text = action.help or ""
        default = shown_default(action)
        if default is None:
            return help_text
        return f"{help_text} (default: {default.replace('%', '%%')})".lstrip()
