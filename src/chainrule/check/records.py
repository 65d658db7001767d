"""Everything that crosses the boundary between the learner's process and chainrule's: declared here, once.

The parent sends a ``Request`` (load a file, run the probes of a ``Spec``, or evaluate one ``LabState``);
the worker answers with records, one per probe, then ``Done``. Every record is a dataclass below; the same
types are filled in-process when chainrule runs its mistake models on the probes, so the learner's numbers
and a model's numbers are compared field by field, never through string keys.

Over the pipe the records travel as JSON (``wire.dumps``/``wire.loads``): dataclasses tagged with their name,
NumPy arrays with their dtype and shape. What the learner's code returned is kept as a ``Value`` (an array in the
learner's own dtype, ``None``, a sequence of values, or the type and a short repr of anything else), so the
analysis can say what came back without ever showing an internal encoding.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List, Optional, Tuple

import numpy as np

MAX_VALUE_ELEMENTS = 100_000      # a returned array larger than this is described, not kept
MAX_SEQUENCE = 64                 # items of a returned list kept


# --- what the learner's code returned ---

@dataclass
class Value:
    """One thing the learner's code returned (or holds): enough to judge it and to describe it."""
    kind: str                                  # "array" (numbers too), "none", "sequence", "other"
    array: Optional[np.ndarray] = None         # kind "array": the values in the learner's dtype
    items: Optional[List["Value"]] = None      # kind "sequence": one Value per item
    container: str = ""                        # the Python type: "ndarray", "list", "tuple", "float", ...
    text: str = ""                             # kind "other": a short repr

    @classmethod
    def of(cls, obj, depth=0) -> "Value":
        if obj is None:
            return cls("none", container="NoneType")
        container = type(obj).__name__
        if isinstance(obj, (list, tuple)) or (isinstance(obj, np.ndarray) and obj.dtype == object):
            if depth < 2 and len(obj) <= MAX_SEQUENCE and not _is_flat_numbers(obj):
                return cls("sequence", items=[cls.of(item, depth + 1) for item in obj], container=container)
        if isinstance(obj, (bool, np.bool_)):
            return cls("other", container=container, text=repr(obj))
        if isinstance(obj, (np.ndarray, np.number, int, float, list, tuple)):
            try:
                array = np.array(obj)
            except (ValueError, TypeError):
                array = None
            if array is not None and array.dtype.kind in "fiub" and array.size <= MAX_VALUE_ELEMENTS:
                return cls("array", array=array, container=container)
            if array is not None and array.dtype.kind in "fiub":
                return cls("other", container=container, text=f"an array of shape {array.shape} (too large to keep)")
        text = repr(obj)
        return cls("other", container=container, text=text if len(text) <= 120 else text[:117] + "...")

    # reading it back
    def numbers(self) -> Optional[np.ndarray]:
        """The values as float64 (a copy), or None if this is not an array of real numbers."""
        if self.kind != "array" or self.array.dtype.kind not in "fiub":
            return None
        return np.array(self.array, dtype=np.float64)

    @property
    def dtype(self) -> str:
        return self.array.dtype.name if self.kind == "array" else ""

    @property
    def shape(self) -> Optional[tuple]:
        return tuple(self.array.shape) if self.kind == "array" else None

    def describe(self) -> str:
        """How a person would say what this is: 'None', 'an array of shape (2,)', 'a list of 2 items'."""
        if self.kind == "none":
            return "None"
        if self.kind == "array":
            if self.array.ndim == 0:
                return f"the number {self.array.item():.6g} ({self.container})"
            return f"an array of shape {tuple(self.array.shape)} ({self.array.dtype.name})"
        if self.kind == "sequence":
            return f"a {self.container} of {len(self.items)} item{'' if len(self.items) == 1 else 's'}"
        return f"a {self.container}" + (f": {self.text}" if self.text and self.container not in self.text else "")


def _is_flat_numbers(obj) -> bool:
    """A list such as [0.1, 0.2]: an array, not a sequence of arrays."""
    return all(isinstance(item, (int, float, np.number)) and not isinstance(item, bool) for item in obj) and len(obj) > 0


@dataclass
class ErrorInfo:
    """An exception raised by the learner's code: its type and message, and the line of their file."""
    type: str
    message: str
    line: Optional[int] = None
    source: str = ""
    function: str = ""
    api: str = ""                  # a broken promise of the guide's API chainrule found (texts.API), not an exception

    def text(self) -> str:
        where = f" at line {self.line} ({self.function}): {self.source}" if self.line else ""
        return f"{self.type}: {self.message}{where}"


@dataclass
class Printed:
    """What the learner's code printed during one probe (Python-level prints), capped."""
    text: str = ""
    chars: int = 0                              # how many characters it printed in all


@dataclass
class TraceEvent:
    """A value the learner's code computed: ``name`` got ``value`` on ``line`` of their file."""
    line: int
    function: str
    name: str
    value: Value


@dataclass
class Params:
    """A network's parameters as the learner keeps them (their attribute names, shapes and dtype)."""
    weights: List[Value] = field(default_factory=list)
    biases: List[Value] = field(default_factory=list)


# --- what the parent asks for ---

@dataclass
class Arch:
    sizes: List[int]
    seed: int
    label: str = ""                             # "the guide's Exercise 2.2"


@dataclass
class Example:
    arch: int
    x: List
    target: List
    decoy: Optional[List] = None                 # an input forward() sees first, to catch stale activations
    label: str = ""
    batch: bool = False                          # x, target hold one example per row


@dataclass
class StepProbe:
    arch: int
    x: List
    target: List
    learning_rate: float


@dataclass
class RunProbe:
    arch: int
    X: List
    Y: List
    learning_rate: float
    passes: int


@dataclass
class EpochProbe:
    arch: int
    X: List
    Y: List
    learning_rate: float
    batch_size: int
    epochs: int


@dataclass
class Spec:
    """The probes: every call chainrule makes into the learner's class, on seeded cases."""
    archs: List[Arch]
    examples: List[Example]
    steps: List[StepProbe]
    runs: List[RunProbe]
    epochs: List[EpochProbe]
    loss_pairs: List[Tuple[List, List]]
    independence_arch: int = 2
    traced_examples: List[int] = field(default_factory=list)   # examples whose backward() is traced line by line
    traced_steps: List[int] = field(default_factory=list)
    traced_epochs: List[int] = field(default_factory=list)     # the first epoch of these epoch probes


@dataclass
class LoadRequest:
    path: str
    class_name: Optional[str] = None
    whole_file: bool = False
    probe_timeout: float = 10.0


@dataclass
class LabState:
    """An explicit network state and one example, for ``chainrule lab --mine``: guide orientation
    (W of shape (n_out, n_in)), plain lists."""
    sizes: List[int]
    weights: List[List]
    biases: List[List]
    x: List
    target: List
    learning_rate: float = 0.5


@dataclass
class Request:
    op: str                                      # "load", "probes", "lab"
    load: Optional[LoadRequest] = None
    spec: Optional[Spec] = None
    lab: Optional[LabState] = None


# --- what the worker answers ---

@dataclass
class Outcome:
    """What every probe records besides its numbers: how far it got and what went wrong."""
    stage: str = ""                              # the step reached: where an error or a time-out happened
    error: Optional[ErrorInfo] = None
    timeout: Optional[float] = None
    printed: Optional[Printed] = None
    seconds: float = 0.0

    @property
    def failed(self) -> bool:
        return self.error is not None or self.timeout is not None


@dataclass
class Convention:
    """How the learner's class holds and takes its numbers (found on the first network it builds)."""
    vector: str = "flat"                         # "flat" (n,), "column" (n, 1) as in Nielsen's network.py, "row" (1, n)
    orientation: str = "out_in"                  # weights (n_out, n_in) as the guide, or "in_out" (a @ W)
    weights_attr: str = "weights"
    biases_attr: str = "biases"
    dtype: str = "float64"                       # of the first weight array
    ctor: str = "seed="                          # how Network(sizes, seed) was called: "seed=", "positional", "no seed"


@dataclass
class LoadRecord(Outcome):
    class_name: str = ""
    candidates: List[str] = field(default_factory=list)
    classes: List[str] = field(default_factory=list)
    skipped: List[Tuple[int, int]] = field(default_factory=list)
    own_loss: bool = False
    loss_name: str = "mse_loss"
    train_step: bool = False
    train_epoch: str = ""                        # "", "method" or "function" (the guide's Section 3 helper)


@dataclass
class InitRecord(Outcome):
    arch: int = 0
    params: Optional[Params] = None
    convention: Optional[Convention] = None
    same_seed_equal: Optional[bool] = None       # a second Network(sizes, seed) has the same weights
    other_seed_equal: Optional[bool] = None      # Network(sizes, seed + 1) has the same weights too
    n_arrays: List[int] = field(default_factory=list)   # len(weights) of each network built in this probe
    trace: List[TraceEvent] = field(default_factory=list)


@dataclass
class IndependenceRecord(Outcome):
    arch: int = 0
    same_lists: Optional[bool] = None            # net_a.weights is net_b.weights
    shared_arrays: Optional[bool] = None         # some array of one is (a view of) an array of the other
    other_changed: Optional[bool] = None         # updating one network changed the other's weights
    how: str = ""


@dataclass
class LossRecord(Outcome):
    values: List[Optional[float]] = field(default_factory=list)


@dataclass
class NumericalGrads:
    weights: List[np.ndarray] = field(default_factory=list)
    biases: List[np.ndarray] = field(default_factory=list)
    epsilon: float = 1e-5
    copies: str = ""                             # why the nudges were made on float64 copies ("" if on yours)
    loss_dtype: str = "float64"


@dataclass
class CaseRecord(Outcome):
    example: int = 0
    start: Optional[Params] = None
    vector: str = "flat"                         # the input convention used
    output: Optional[Value] = None
    loss: Optional[float] = None
    weight_grads: Optional[Value] = None
    bias_grads: Optional[Value] = None
    returned: Optional[Value] = None             # what backward() returned, when it was not two lists
    numerical: Optional[NumericalGrads] = None
    lists_after_decoy: Dict[str, int] = field(default_factory=dict)
    lists_after: Dict[str, int] = field(default_factory=dict)
    new_attributes: List[str] = field(default_factory=list)
    trace: List[TraceEvent] = field(default_factory=list)


@dataclass
class StepRecord(Outcome):
    step: int = 0
    how: str = "train_step"                      # or "train_epoch" (one example, batch_size 1)
    start: Optional[Params] = None
    own_weight_grads: Optional[Value] = None     # backward() on a fresh network: to read the update rule
    own_bias_grads: Optional[Value] = None
    returned: Optional[Value] = None
    after: Optional[Params] = None
    trace: List[TraceEvent] = field(default_factory=list)


@dataclass
class RunRecord(Outcome):
    run: int = 0
    start: Optional[Params] = None
    returned: List[List[Optional[float]]] = field(default_factory=list)   # train_step's return, per pass
    after: Optional[Params] = None


@dataclass
class EpochOutcome:
    returned: Optional[Value] = None
    forward_rows: List[List[int]] = field(default_factory=list)    # rows of X each forward() call got (-1: none)
    backward_rows: List[List[int]] = field(default_factory=list)   # rows of Y each backward() call got
    pairs: List[Tuple[int, int]] = field(default_factory=list)     # (x row, y row) of each gradient computed
    after: Optional[Params] = None


@dataclass
class EpochRecord(Outcome):
    run: int = 0
    start: Optional[Params] = None
    epochs: List[EpochOutcome] = field(default_factory=list)
    trace: List[TraceEvent] = field(default_factory=list)


@dataclass
class LabRecord(Outcome):
    convention: Optional[Convention] = None
    output: Optional[Value] = None
    saved: Dict[str, Value] = field(default_factory=dict)   # lists forward() saved (activations, z values, ...)
    loss: Optional[float] = None
    weight_grads: Optional[Value] = None
    bias_grads: Optional[Value] = None
    after: Optional[Params] = None
    returned: Optional[Value] = None
    how: str = ""


@dataclass
class Output:
    """Text the learner's code printed (Python-level), sent as it is printed so none is lost if the process dies."""
    text: str


@dataclass
class Started:
    """Sent before each probe, so a probe that never reports (the process died) is known."""
    kind: str
    index: int = 0


@dataclass
class Report:
    """One probe's record, with which probe it is."""
    kind: str                                    # "init", "independence", "loss", "example", "step", "run", "epochs"
    index: int
    record: Outcome


@dataclass
class Done:
    op: str
    probes: int = 0
