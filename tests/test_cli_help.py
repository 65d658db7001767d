"""`chainrule COMMAND --help` shows every option's real default, from the parser itself (chainrule.cli.defaults):
walk every (sub)command, render its help, and compare each shown default with what parsing no options gives."""
import argparse
import re

import pytest

from chainrule.cli.defaults import format_default, shown_default
from chainrule.cli.main import build_parser
from chainrule.project.cli_options import config_from_args
from chainrule.project.settings import DEFAULT_EPOCHS


def commands(parser=None, prefix=()):
    """(argv prefix, parser) of every command and sub-command."""
    parser = parser or build_parser()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield (*prefix, name), sub
                yield from commands(sub, (*prefix, name))


def leaves():
    """The commands that run (their parsers set ``func``), with what they require: placeholder values for their
    positionals, and a flag of each required either-or group (e.g. exercise trace's --student | --guide)."""
    found = []
    for argv, parser in commands():
        if parser._defaults.get("func") is None:
            continue
        required = [a for a in parser._actions if not a.option_strings and a.required
                    and not isinstance(a, argparse._SubParsersAction)]
        needed = ["x"] * len(required)
        for group in parser._mutually_exclusive_groups:
            if group.required:
                needed.append(next(a for a in group._group_actions if a.nargs == 0).option_strings[0])
        found.append(pytest.param(argv, parser, needed, id=" ".join(argv)))
    return found


def value_options(parser):
    return [a for a in parser._actions if a.option_strings and a.nargs != 0 and a.default is not argparse.SUPPRESS]


def help_of(parser, action):
    """The option's help exactly as --help prints it, on one line."""
    formatter = parser._get_formatter()
    return " ".join(formatter._expand_help(action).split()) if action.help else \
        " ".join(formatter._get_help_string(action).split())


def test_every_command_is_walked_and_described():
    names = {" ".join(argv) for argv, _ in commands()}
    assert {"train", "compare", "demo", "evaluate", "exercise trace", "exercise mark"} <= names
    undescribed = [" ".join(argv) for argv, parser in commands() if not parser.description]
    assert undescribed == []


@pytest.mark.parametrize("argv, parser, positionals", leaves())
def test_every_shown_default_is_the_default_used(argv, parser, positionals):
    """Parsing no options gives, for every option, the default its help shows; an option whose default is None
    shows a default only when it declares what None means; no help text writes a default by hand."""
    args = build_parser().parse_args([*argv, *positionals])
    for action in value_options(parser):
        text = help_of(parser, action)
        assert "default" not in (action.help or "").lower(), f"{action.option_strings[0]}: a hand-written default"
        shown = re.findall(r"\(default: (.*)\)$", text)
        parsed = getattr(args, action.dest)
        if parsed is None or parsed == [] or parsed == "":
            assert shown == ([action.default_text] if hasattr(action, "default_text") else []), text
        else:
            assert shown == [format_default(parsed)], f"{' '.join(argv)} {action.option_strings[0]}: {text}"
        assert text.count("(default") == len(shown)


def test_options_that_take_a_value_show_a_default_unless_it_is_a_choice_of_input():
    """The ones without a default are inputs (a file to read or write, a name, a JSON value), not settings."""
    without = sorted({action.option_strings[0] for argv, parser in commands() for action in value_options(parser)
                      if shown_default(action) is None})
    assert without == ["--animate", "--csv", "--explain", "--guide-npz", "--html", "--json", "--layers",
                       "--learner-reports", "--mine", "--resume", "--save-page", "--spec", "--student", "--template",
                       "--weights"]


def test_the_shown_default_is_what_the_command_runs():
    """train and compare share their options but not their defaults: each one's help says what it runs."""
    parser = build_parser()
    subcommands = dict(commands(parser))
    for name, digits, epochs in (("train", [0, 1, 2, 3, 4], DEFAULT_EPOCHS), ("compare", list(range(10)), 10)):
        config = config_from_args(parser.parse_args([name]))
        assert (config.digits, config.epochs) == (digits, epochs)
        text = subcommands[(name,)].format_help()
        assert f"(default: {'0-4' if name == 'train' else '0-9'})" in " ".join(text.split())
        assert f"passes over the training set (default: {epochs}" in " ".join(text.split())
        for option, value in (("--dtype", "float64"), ("--optimizer", "sgd"), ("--batch-size", "32"),
                              ("--seed", "42"), ("--split-seed", "0")):
            assert re.search(rf"{option} \S+\s+.*?\(default: {value}\)", text, re.S), (name, option)


def test_a_percent_sign_in_a_default_is_printed_as_is():
    parser = argparse.ArgumentParser(formatter_class=build_parser().formatter_class)
    parser.add_argument("--rate", default="50%", help="share")
    assert "share (default: 50%)" in parser.format_help()
