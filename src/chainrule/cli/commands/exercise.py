"""``chainrule exercise``: the guide's Exercise 2.1 with a variant per learner, and its marking.

    chainrule exercise trace --student NAME [--course SEED] [--template FILE] [--solution]
    chainrule exercise mark answers.txt [--student NAME] [--course SEED]
    chainrule exercise mark FOLDER [--roster roster.csv] [--course SEED] [--csv FILE] [--json FILE]

Exit codes of ``mark``: 0 when every value (every learner's) is right, 1 otherwise, 2 on bad input.
"""
import os

from ... import files, safe_json
from ...errors import ConfigError, OutputError
from ...exercise import (AnswerFileError, format_class, format_marking, format_solution, format_task, guide_variant,
                         make_variant, mark_file, mark_folder, read_answers, template)
from ...exercise.classroom import ClassMarking
from ..defaults import none_means


def register(subparsers):
    parser = subparsers.add_parser(
        "exercise", help="the guide's hand-trace exercise with a variant per learner, and its marking",
        description="Exercise 2.1 (trace backprop by hand through the guide's 2->2->1 network) with each "
                    "learner's own input, target and weights, derived from their name and a course seed; "
                    "and the marking of their answer files, one or a whole folder.")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)

    trace = actions.add_parser("trace", help="print a learner's exercise and its answer template",
                               description="Print Exercise 2.1 with the learner's own numbers and the answer "
                                           "file to fill in.")
    _who(trace)
    trace.add_argument("--template", metavar="FILE", help="also write the answer file to FILE")
    trace.add_argument("--solution", action="store_true",
                       help="print the worked solution and the filled answer file instead (for the teacher)")
    trace.set_defaults(func=run_trace)

    mark = actions.add_parser("mark", help="mark an answer file, or a folder of them",
                              description="Mark every value of an answer file: right, carried (right for the "
                                          "learner's own earlier values), wrong or missing. A folder: every "
                                          "*.txt file in it, named after its learner or listed in --roster.")
    mark.add_argument("path", metavar="FILE|FOLDER", help="an answer file, or a folder of answer files")
    _who(mark, required=False)
    none_means(mark.add_argument("--roster", metavar="CSV", help="a folder's learners: a CSV file with a 'student' "
                                 "column and optionally a 'file' column"), "each file's name is its learner's")
    mark.add_argument("--csv", metavar="FILE", help="also write the gradebook as CSV, one row per learner")
    mark.add_argument("--json", metavar="FILE", help="also write the marks as JSON")
    mark.set_defaults(func=run_mark)


def _who(parser, required=True):
    group = parser.add_mutually_exclusive_group(required=required)
    group.add_argument("--student", metavar="NAME", help="the learner's name (their numbers follow from it)")
    group.add_argument("--guide", action="store_true",
                       help="the guide's own Exercise 2.1: its network, x = [0.5, 1.5], target 0")
    none_means(parser.add_argument("--course", metavar="SEED", default="",
                        help="the course seed: other numbers for the same names. Anyone who has it can print "
                             "any learner's solution: share it only when learners mark their own work"),
               "none")


def _variant(args):
    return guide_variant() if args.guide else make_variant(args.student, args.course)


def run_trace(args):
    variant = _variant(args)
    if args.template:
        files.check_output_path(args.template)
    if args.solution:
        print(format_solution(variant))
    else:
        print(format_task(variant))
        if not args.template:
            print("\n" + template(variant).rstrip())
    if args.template:
        files.atomic_write_text(args.template, template(variant))
        print(f"\nWrote the answer file {args.template}: fill it in, then mark it.")
    return 0


def run_mark(args):
    for path in (args.csv, args.json):
        if path:
            files.check_output_path(path)
    if os.path.isdir(args.path):
        if args.student:
            raise ConfigError("--student names one learner: a folder's learners come from the file names or "
                              "--roster")
        result = mark_folder(args.path, args.course, args.roster, guide=args.guide)
        print(format_class(result))
    else:
        if args.roster:
            raise ConfigError("--roster is for a folder of answer files; for one file give --student NAME")
        student = args.student
        if not student and not args.guide:
            student = read_answers(args.path).student     # the template's "student =" line
            if not student:
                raise ConfigError(f"whose answers are in {args.path}? Give --student NAME (or --guide), or keep "
                                  "the template's 'student = NAME' line")
        submission = mark_file(args.path, student, args.course, args.guide, args.path)
        if submission.marking is None:       # the file's own problems, every line named: exit code 2
            raise AnswerFileError(args.path, [(0, submission.error)])
        print(format_marking(submission.marking))
        result = ClassMarking(os.path.dirname(args.path) or ".", args.course, (submission,))
    _write(args, result)
    return 0 if result.passed else 1


def _write(args, result):
    if args.csv:
        files.atomic_write_text(args.csv, result.to_csv())
        print(f"Wrote {args.csv}: one row per learner")
    if args.json:
        text = safe_json.dumps(result.to_dict(), f"the marks for {args.json}", OutputError, indent=1)
        files.atomic_write_text(args.json, text + "\n")
        print(f"Wrote {args.json}")
