"""``chainrule check my_network.py``: check your own Network against chainrule, finite differences and the
catalogue of mistakes learners make. ``chainrule check FOLDER`` (or several files): check a whole class.

    chainrule check my_network.py [--hints 1|2|3] [--json [FILE]]
    chainrule check FOLDER|FILES... [--html FILE] [--csv FILE] [--json [FILE]] [--learner-reports DIR --hints N]

Exit codes: 0 when everything (every file) passed, 1 otherwise, 2 on bad usage.
"""
import json
import os
import sys

from ... import files, safe_json
from ...check import check
from ...errors import ConfigError, OutputError
from ..defaults import none_means


def register(subparsers):
    parser = subparsers.add_parser(
        "check", help="check your own Network class (the guide's API): which mistake, on which line",
        description="Runs your file in a sandbox (its own session, time and memory limits, capped output, nothing "
                    "left running), finds the class with the guide's API - Network(layer_sizes, seed), forward(x), "
                    "backward(target), and where present train_step, train_epoch and mse_loss - and compares it "
                    "with chainrule and with central differences of your own loss on seeded networks. A mistake is "
                    "named when one of the catalogue's models of it (or two together) reproduces your numbers; "
                    "--list-mistakes lists them. A folder (every *.py file in it) or several files: a class check, "
                    "each file in its own sandbox, in parallel, with a summary of what to re-teach (--html, --csv, --json "
                    "for the teacher; --learner-reports DIR --hints N for the learners). Exit code 1 when something "
                    "fails (in a class: when any file did not pass), 2 on bad usage.")
    parser.add_argument("paths", nargs="*", metavar="PATH",
                        help="your .py file; or a folder of learners' .py files, or several files: a class check")
    none_means(parser.add_argument("--class", dest="class_name", metavar="NAME", help="the class to check"),
               "the class with forward() and backward(), preferring one named Network")
    parser.add_argument("--timeout", type=float, default=60.0,
                        help="seconds for the whole check of a file (of each file, in a class)")
    parser.add_argument("--probe-timeout", type=float, default=10.0, help="seconds for each call into your code")
    parser.add_argument("--memory-limit", type=int, default=2048, metavar="MB",
                        help="memory (address space) your code may use, in MB")
    parser.add_argument("--whole-file", action="store_true",
                        help="run your whole file, script statements included (default: only imports, "
                             "functions, classes and constants, so a training script at the bottom is skipped)")
    parser.add_argument("--show-output", action="store_true", help="show everything your code printed")
    none_means(parser.add_argument("--hints", type=int, choices=(1, 2, 3), default=None,
                                   help="what a learner's report shows: 1 which check fails and on what input, 2 "
                                        "also the named mistake and its line, 3 also why and the fix. In a class "
                                        "check, the level of --learner-reports (the teacher's reports always show "
                                        "everything)"), "3")
    parser.add_argument("--json", nargs="?", const="-", default=None, metavar="FILE",
                        help="the result as JSON for a gradebook: printed, or written to FILE (schema "
                             "'chainrule-check/1'; of a class: 'chainrule-check-class/1', one row per file)")
    parser.add_argument("--html", metavar="FILE", help="a class check's report as one self-contained page")
    parser.add_argument("--csv", metavar="FILE", help="a class check's gradebook as CSV, one row per file")
    parser.add_argument("--learner-reports", metavar="DIR",
                        help="a class check: write each learner's report, at the --hints level, into DIR")
    none_means(parser.add_argument("--jobs", type=int, default=None, metavar="N",
                                   help="a class check: files checked at a time"), "the number of cores")
    parser.add_argument("--list-mistakes", action="store_true", help="list the mistakes chainrule check can name")
    parser.add_argument("--explain", metavar="NAME", help="explain one mistake of the list: why it is wrong, the fix")
    parser.set_defaults(func=run)


def run(args):
    if args.list_mistakes:
        from ...check.report import catalogue_text
        print(catalogue_text())
        return 0
    if args.explain:
        from ...check.report import explain_text
        print(explain_text(args.explain))
        return 0
    _json_or_path(args)
    if not args.paths:
        raise ConfigError("chainrule check takes the path of your .py file, a folder of them or several files "
                          "(or --list-mistakes, --explain NAME)")
    for name, value in (("--timeout", args.timeout), ("--probe-timeout", args.probe_timeout),
                        ("--memory-limit", args.memory_limit), ("--jobs", args.jobs)):
        if value is not None and not value > 0:
            raise ConfigError(f"{name} must be > 0, got {value}")
    as_class = (len(args.paths) > 1 or os.path.isdir(args.paths[0]) or args.html or args.csv
                or args.learner_reports)
    return run_class(args) if as_class else run_one(args)


def _json_or_path(args):
    """``chainrule check --json my_network.py``: a .py file or a folder right after --json is the path to check
    (the JSON is printed), never a file to overwrite with JSON."""
    value = args.json
    if value not in (None, "-") and not value.lower().endswith(".json") and (value.endswith(".py")
                                                                            or os.path.isdir(value)):
        args.paths.insert(0, value)
        args.json = "-"


def _outputs(args):
    """Refuse an output path that cannot be written before any file is checked."""
    for path in (args.html, args.csv, args.json if args.json != "-" else None):
        if path:
            files.check_output_path(path)
    if args.learner_reports:
        files.check_output_folder(args.learner_reports)


def _write_json(path, data, what):
    text = safe_json.dumps(data, what, OutputError, indent=1)
    files.atomic_write_text(path, text + "\n")


def run_one(args):
    _outputs(args)
    if args.jobs is not None:
        raise ConfigError("--jobs is for a class check (a folder, or several files)")
    if args.json == "-" and args.hints is not None:
        raise ConfigError("--hints sets what the printed report shows, and --json prints the whole result instead; "
                          "--json FILE writes the whole result and prints the report at the --hints level")
    result = check(args.paths[0], class_name=args.class_name, timeout=args.timeout, probe_timeout=args.probe_timeout,
                   memory_limit=args.memory_limit, whole_file=args.whole_file)
    if args.json == "-":
        print(json.dumps(result.to_dict(), indent=2))
        return result.exit_code
    from ...check.report import render
    print(render(result, show_printed=10 ** 9 if args.show_output else 5, hints=args.hints or 3))
    if args.json:
        _write_json(args.json, result.to_dict(), f"the result for {args.json}")
        print(f"Wrote {args.json}")
    return result.exit_code


def _progress(done, total, submission):
    """On a terminal: one line that counts the files as they are done (cleared at the end)."""
    print(f"\r\033[Kchecked {done} of {total}: {submission.file} {submission.status}"[:100], end="",
          file=sys.stderr, flush=True)


def run_class(args):
    from ...check.class_html import render_class_html
    from ...check.class_report import format_class, write_learner_reports
    from ...check.classroom import check_class
    if args.hints is not None and not args.learner_reports:
        raise ConfigError("in a class check --hints sets what the learners' reports show: add --learner-reports "
                          "DIR (the teacher's summary, --html, --csv and --json always show everything)")
    if args.show_output:
        raise ConfigError("--show-output is for one file's report; in a class check every file's report "
                          "(with what its code printed) is in --html and --json")
    _outputs(args)
    checked = check_class(args.paths, jobs=args.jobs, class_name=args.class_name, timeout=args.timeout,
                          probe_timeout=args.probe_timeout, memory_limit=args.memory_limit,
                          whole_file=args.whole_file, progress=_progress if sys.stderr.isatty() else None)
    if sys.stderr.isatty():
        print("\r\033[K", end="", file=sys.stderr, flush=True)
    if args.json == "-":
        print(json.dumps(checked.to_dict(), indent=2))
    else:
        print(format_class(checked))
    wrote = []
    if args.html:
        files.atomic_write_text(args.html, render_class_html(checked))
        wrote.append(f"Wrote {args.html}: the summary, the table and every file's report")
    if args.csv:
        files.atomic_write_text(args.csv, checked.to_csv())
        wrote.append(f"Wrote {args.csv}: one row per file")
    if args.json and args.json != "-":
        _write_json(args.json, checked.to_dict(), f"the class check for {args.json}")
        wrote.append(f"Wrote {args.json}: one row per file, with its full result")
    if args.learner_reports:
        paths = write_learner_reports(checked, args.learner_reports, args.hints or 3)
        wrote.append(f"Wrote {len(paths)} learner report(s) into {args.learner_reports} (hint level "
                      f"{args.hints or 3})")
    if wrote:    # after JSON on stdout, on stderr: stdout stays one JSON document
        print("\n".join(wrote) if args.json == "-" else "\n" + "\n".join(wrote),
              file=sys.stderr if args.json == "-" else sys.stdout)
    return checked.exit_code
