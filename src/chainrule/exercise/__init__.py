"""Hand-trace exercises with a variant per learner: the guide's Exercise 2.1 (the 2 -> 2 -> 1 network) with
each learner's own numbers, an answer file, and a marker that says where a learner went wrong and which later
values only inherited the mistake.

    from chainrule.exercise import make_variant, parse_answers, mark, format_marking
    variant = make_variant("Ada Lovelace", course="ml101")     # deterministic: SHA-256 of name and course
    print(format_task(variant)); print(template(variant))
    marking = mark(read_answers("answers.txt"), variant)       # Marking: every value right/carried/wrong/missing
    marking.passed, marking.first_wrong, marking.new_errors
    result = mark_folder("answers/", course="ml101", roster="roster.csv")   # ClassMarking, to_csv(), to_dict()

Modules: ``variant`` (the numbers), ``conditioning`` (the rules a variant must pass), ``steps`` (each value's
inputs and how chainrule computes it), ``answers`` (the file format), ``marking``, ``classroom`` (a folder),
``text`` (what the command prints).
"""
from .answers import Answer, AnswerFileError, Answers, parse_answers, read_answers
from .classroom import ClassMarking, Submission, mark_file, mark_folder, read_roster
from .conditioning import problems as conditioning_problems
from .marking import TOLERANCE, TOLERANCE_TEXT, Marking, Status, ValueMark, mark
from .steps import Rule, rules
from .text import format_class, format_marking, format_solution, format_task, template
from .variant import Variant, guide_variant, make_variant, normalise

__all__ = ["Answer", "AnswerFileError", "Answers", "ClassMarking", "Marking", "Rule", "Status", "Submission",
           "TOLERANCE", "TOLERANCE_TEXT", "ValueMark", "Variant", "conditioning_problems", "format_class",
           "format_marking", "format_solution", "format_task", "guide_variant", "make_variant", "mark", "mark_file",
           "mark_folder", "normalise", "parse_answers", "read_answers", "read_roster", "rules", "template"]
