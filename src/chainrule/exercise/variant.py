"""A learner's own numbers for Exercise 2.1: the guide's 2 -> 2 -> 1 network with an input, a target and
weights derived from the learner's name and a course seed.

    variant = make_variant("Ada Lovelace", course="ml101")
    variant.x, variant.target, variant.weights, variant.biases, variant.learning_rate
    variant.trace()          # chainrule's own trace of the training step (chainrule.viz.record_trace)

Deterministic everywhere: the numbers come from SHA-256 of the exercise's version tag, the normalised course
and the normalised name (never Python's ``hash()``, which is salted per process), read as a byte stream and
turned into choices by rejection sampling. No NumPy random generator is involved, so the same name gives the
same numbers on every machine, operating system, Python and NumPy version.

Each candidate is a set of short numbers a learner can compute with by hand (inputs and weights with one
decimal, biases with two, a target of 0 or 1, the guide's learning rate 0.5). Candidates are drawn from the
name's stream until one passes the conditioning rules (``conditioning.check``): no saturated sigmoid, no two
values of a step alike, nothing that rounds to 0.0000, visible gradients and updates. About one candidate in
two passes, so a name needs two on average.

Names are normalised (``normalise``) so that ``"Ada Lovelace"``, ``" ada  LOVELACE "``, ``"Dana Müller"`` and
the file names ``ada_lovelace.txt`` and ``dana_muller.txt`` give the same variants: Unicode compatibility forms
unified (NFKC), accents of Latin, Greek and Cyrillic letters dropped, case folded, and runs of spaces, ``_``, ``-`` and ``.`` read as one space.
"""
import hashlib
import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property

from ..errors import ConfigError
from ..viz.trace_spec import GUIDE_SPEC, trace_from_spec
from . import conditioning

#: changes whenever the drawing or the rules change, so a variant never changes silently
VERSION = "chainrule exercise 2.1 v1"
LAYER_SIZES = (2, 2, 1)
LEARNING_RATE = 0.5                      # the guide's, in its hand-trace

#: what a candidate is drawn from: numbers a learner can multiply by hand
INPUTS = tuple(k / 10 for k in range(-20, 21) if abs(k) >= 2 and abs(k) != 10)    # +-0.2 .. +-2.0, not +-1
WEIGHTS = tuple(k / 10 for k in range(-9, 10) if k != 0)                          # +-0.1 .. +-0.9
BIASES = tuple(k / 100 for k in range(-15, 16) if k != 0)                         # +-0.01 .. +-0.15
TARGETS = (0.0, 1.0)
MAX_CANDIDATES = 1000        # a name needs ~2; measured over 400 names in tests/exercise: at most 9

GUIDE_X = (0.5, 1.5)         # Exercise 2.1: "trace backpropagation for the input x = [0.5, 1.5] with target [0.0]"
GUIDE_TARGET = (0.0,)

_SEPARATORS = re.compile(r"[\s_.\-]+")
#: the combining accents of Latin, Greek and Cyrillic letters (é = e + U+0301); not the marks that make other
#: scripts' letters (Japanese ぴ = ひ + U+309A stays ぴ)
_ACCENTS = re.compile("[\u0300-\u036f]")


def normalise(text):
    """The form of a name or course seed that the numbers are derived from (see the module docstring)."""
    if not isinstance(text, str):
        raise ConfigError(f"a student name or course seed must be text, got {type(text).__name__}")
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text))
    plain = _ACCENTS.sub("", decomposed)
    return _SEPARATORS.sub(" ", unicodedata.normalize("NFC", plain).casefold()).strip()


def _nested(value):
    return tuple(_nested(v) for v in value) if isinstance(value, (list, tuple)) else float(value)


def _lists(value):
    return [_lists(v) for v in value] if isinstance(value, tuple) else value


@dataclass(frozen=True)
class Variant:
    """One learner's Exercise 2.1: the network, the example and the learning rate (nested tuples of floats)."""

    student: str                 # as given (shown); the numbers depend on normalise(student)
    course: str
    weights: tuple               # (W1, W2), each a tuple of rows
    biases: tuple                # (b1, b2)
    x: tuple
    target: tuple
    learning_rate: float = LEARNING_RATE
    candidate: int = 0           # which candidate of the name's stream passed the rules (0 = the first)
    guide: bool = False          # the guide's own Exercise 2.1 (its network, x = [0.5, 1.5], target 0)

    @property
    def title(self):
        """Whose exercise it is, as learners may read it: the name, never the course seed."""
        if self.guide:
            return "the guide's numbers (x = [0.5, 1.5], target 0)"
        return self.student

    @property
    def fingerprint(self):
        """Eight hex digits naming these numbers (not the name or seed): the answer file's ``variant`` line."""
        numbers = repr((self.weights, self.biases, self.x, self.target, self.learning_rate))
        return hashlib.sha256(numbers.encode("ascii")).hexdigest()[:8]

    def spec(self):
        """The trace spec of this variant (``chainrule trace --spec`` reads the same dict from JSON)."""
        return {"weights": _lists(self.weights), "biases": _lists(self.biases), "x": list(self.x),
                "target": list(self.target), "activation": "sigmoid", "output_activation": "sigmoid",
                "loss": "mse", "learning_rate": self.learning_rate}

    def trace(self):
        """chainrule's trace of the training step (a new ``chainrule.viz.Trace`` each call)."""
        return trace_from_spec(self.spec())

    @cached_property
    def solution(self):
        """The trace, computed once (do not modify it)."""
        return self.trace()


def _byte_stream(key):
    """SHA-256 in counter mode: the bytes of sha256(key + counter) for counter 0, 1, 2, ..."""
    counter = 0
    while True:
        yield from hashlib.sha256(key + counter.to_bytes(8, "big")).digest()
        counter += 1


def _choose(stream, options):
    """One of ``options`` (at most 256), uniformly: bytes that would favour the first options are skipped."""
    n = len(options)
    limit = 256 - 256 % n
    for byte in stream:
        if byte < limit:
            return options[byte % n]


def _candidate(stream, student, course, number):
    n_in, n_hidden, n_out = LAYER_SIZES
    W1 = tuple(tuple(_choose(stream, WEIGHTS) for _ in range(n_in)) for _ in range(n_hidden))
    b1 = tuple(_choose(stream, BIASES) for _ in range(n_hidden))
    W2 = tuple(tuple(_choose(stream, WEIGHTS) for _ in range(n_hidden)) for _ in range(n_out))
    b2 = tuple(_choose(stream, BIASES) for _ in range(n_out))
    x = tuple(_choose(stream, INPUTS) for _ in range(n_in))
    target = tuple(_choose(stream, TARGETS) for _ in range(n_out))
    return Variant(student, course, (W1, W2), (b1, b2), x, target, LEARNING_RATE, number)


def make_variant(student, course=""):
    """The Exercise 2.1 variant of ``student`` in ``course`` (see the module docstring)."""
    key_name, key_course = normalise(student), normalise(course)
    if not key_name:
        raise ConfigError(f"a student name needs at least one letter or digit, got {student!r}")
    shown = " ".join(student.split())
    key = "\0".join((VERSION, key_course, key_name)).encode("utf-8")
    stream = _byte_stream(key)
    for number in range(MAX_CANDIDATES):
        variant = _candidate(stream, shown, " ".join(course.split()), number)
        if not conditioning.problems(variant.solution):
            return variant
    raise AssertionError(f"no well-conditioned variant in {MAX_CANDIDATES} candidates for {student!r}")


def guide_variant():
    """The guide's own Exercise 2.1: the hand-trace network, x = [0.5, 1.5], target 0, learning rate 0.5.
    It is not held to the conditioning rules (it is the guide's)."""
    return Variant("", "", _nested(GUIDE_SPEC["weights"]), _nested(GUIDE_SPEC["biases"]), GUIDE_X, GUIDE_TARGET,
                   float(GUIDE_SPEC["learning_rate"]), 0, guide=True)
