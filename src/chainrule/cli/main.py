"""The ``chainrule`` command: a thin layer over the library.

Each module in ``chainrule.cli.commands`` adds one subcommand through a
``register(subparsers)`` function that sets ``func`` on its parser; ``func(args)``
calls the library and returns an exit code.
"""
import argparse
import importlib
import pkgutil
import sys
import traceback

from .. import __version__, limits
from ..errors import ChainruleError
from . import commands
from .defaults import DefaultsHelpFormatter, none_means


def _size(text):
    try:
        return limits.parse_size(text)
    except ChainruleError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def build_parser():
    parser = argparse.ArgumentParser(
        prog="chainrule",
        description="Neural-network training from scratch in NumPy: every gradient seen, checked and trusted.")
    parser.add_argument("--version", action="version", version=f"chainrule {__version__}")
    parser.add_argument("--debug", action="store_true", help="show the full traceback on errors")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module_info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{commands.__name__}.{module_info.name}")
        module.register(subparsers)
    for command in subparsers.choices.values():   # one budget for every command (chainrule.limits)
        none_means(command.add_argument("--max-memory", type=_size, default=None, metavar="SIZE",
                                        help="the most memory one file, array or setting may claim, e.g. 4G"),
                   f"${limits.ENV_VAR} or {limits.format_bytes(limits.DEFAULT_MAX_MEMORY)}")
    _show_defaults(parser)
    return parser


def _show_defaults(parser):
    """Every (sub)command's help shows each option's real default (cli/defaults.py)."""
    parser.formatter_class = DefaultsHelpFormatter
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for command in action.choices.values():
                _show_defaults(command)


def main(argv=None):
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 0
    token = limits.set_max_memory(args.max_memory) if args.max_memory is not None else None
    try:
        return args.func(args) or 0
    except ChainruleError as exc:
        return _error(args, exc)
    except BrokenPipeError:  # output piped into `head` and closed early
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        print(f"\nchainrule {args.command}: interrupted", file=sys.stderr)
        return 130
    except OSError as exc:  # a file or folder that cannot be read or written: the system's reason is enough
        return _error(args, exc)
    except MemoryError:
        return _error(args, "not enough memory (try smaller layers, a smaller batch or --max-train)")
    finally:
        if token is not None:
            limits.reset_max_memory(token)


def _error(args, message):
    """One line on stderr and exit code 2; the traceback only with --debug."""
    if args.debug:
        traceback.print_exc()
    print(f"chainrule {args.command}: error: {message}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
