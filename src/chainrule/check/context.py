"""What the judges and the diagnosis share: the learner's records (in the guide's conventions), chainrule's
reference networks on the learner's own weights, labels for the probes, and the facts found so far."""
from __future__ import annotations

import numpy as np

from ..core import Network
from ..errors import ChainruleError
from .compare import Normalizer, Tolerance
from .records import Convention, LoadRecord, Report


class Context:
    def __init__(self, spec, replies, outcome, display_path, source, limits):
        self.spec, self.outcome, self.display_path, self.source, self.limits = spec, outcome, display_path, source, limits
        self.raw = {}
        for reply in replies:
            if isinstance(reply, Report):
                self.raw[(reply.kind, reply.index)] = reply.record
        self.load = self.raw.get(("load", 0)) or LoadRecord()
        conventions = [r.convention for (kind, _), r in sorted(self.raw.items()) if kind == "init" and r.convention]
        self.convention = conventions[0] if conventions else Convention()
        self.normalizer = Normalizer(self.convention, spec.archs)
        self.records = {key: self.normalizer.record(r, spec) for key, r in self.raw.items()}
        dtype = np.dtype(self.convention.dtype)
        self.dtype = dtype if dtype.kind == "f" else np.dtype(np.float64)
        self.tol = Tolerance.for_dtype(self.dtype)
        self.long_tol = Tolerance.for_dtype(self.dtype, long=True)
        self.variant = None           # the catalogue's variant the learner's network is (tanh hidden layers...)
        self.facts = {}               # what the judges measured, for the diagnosis
        self.setup = {}               # set-up mistakes seen: kind -> (seen, evidence)

    # --- records ---

    def of(self, kind):
        """[(index, record)] of one probe kind, in order, in the guide's conventions."""
        return sorted(((i, r) for (k, i), r in self.records.items() if k == kind), key=lambda item: item[0])

    def record(self, kind, index=0):
        return self.records.get((kind, index))

    # --- chainrule's reference ---

    @property
    def options(self):
        return dict(self.variant.options) if self.variant is not None else {}

    def network(self, arch, params):
        """chainrule's Network for probe network ``arch`` with the learner's parameters ``params``, or None
        where they do not fit its shapes."""
        spec = self.spec.archs[arch]
        net = Network(spec.sizes, seed=spec.seed, **self.options)
        if params is None:
            return None
        try:
            weights = [v.numbers() for v in params.weights]
            biases = [v.numbers() for v in params.biases]
            if any(a is None for a in weights + biases):
                return None
            net.set_weights((weights, biases))
        except (ChainruleError, ValueError):
            return None
        return net

    def guide_params(self, arch):
        spec = self.spec.archs[arch]
        net = Network(spec.sizes, seed=spec.seed)
        return net.weights, net.biases

    # --- words ---

    def arch_label(self, k):
        arch = self.spec.archs[k]
        return f"{arch.sizes} network (seed {arch.seed})"

    def sizes(self, k):
        return str(self.spec.archs[k].sizes)

    def example_label(self, i):
        example = self.spec.examples[i]
        label = self.arch_label(example.arch)
        if example.batch:
            return f"{label}, a batch of {len(example.x)} examples (one per row)"
        return label + f", x = {example.x}, target = {example.target}" + (f" ({example.label})" if example.label else "")

    def arch_list(self, archs):
        seen = []
        for k in archs:
            if self.sizes(k) not in seen:
                seen.append(self.sizes(k))
        return ", ".join(seen)

    @property
    def loss_words(self):
        return "your mse_loss" if self.load.own_loss else "the guide's mse_loss (your file has none)"
