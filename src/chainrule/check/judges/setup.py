"""initial weights: Network(layer_sizes, seed) builds the guide's network, repeatably, in lists of its own."""
from __future__ import annotations

import numpy as np

from ..catalogue import DETECTORS, entry
from ..result import FAIL, PASS, WARN, Check, Failure
from .common import arrays, constant_ratio, fmt_list, plural, same_shapes

NAME = "initial weights"


class Observed:
    """What the set-up detectors of the catalogue look at."""

    def __init__(self, ctx):
        self.ctx = ctx
        self.weights_attr = ctx.convention.weights_attr

    def inits(self):
        return [(k, r) for k, r in self.ctx.of("init") if not r.failed and r.params is not None]

    def arch(self, k):
        return self.ctx.spec.archs[k]

    def count(self, ks):
        return f"{len(ks)} of {len(self.ctx.spec.archs)} networks"

    def sizes_list(self, ks):
        return self.ctx.arch_list(ks)

    def first_usable(self):
        inits = self.inits()
        return inits[0][0] if inits else None

    def _mine(self, k):
        return arrays(self.ctx.record("init", k).params)

    def matches_guide(self, k, seed):
        weights, _ = self._mine(k)
        rng = np.random.RandomState(seed)
        for W, (n_in, n_out) in zip(weights, zip(self.arch(k).sizes[:-1], self.arch(k).sizes[1:])):
            guide = rng.randn(n_out, n_in) * np.sqrt(2.0 / n_in)
            if W is None or W.shape != guide.shape or not np.allclose(W, guide, rtol=1e-6, atol=1e-7):
                return False
        return True

    def zero_weights(self):
        inits = self.inits()
        return bool(inits) and all(W is not None and not np.any(W) for k, _ in inits for W in self._mine(k)[0])

    def integer_params(self):
        found = []
        for k, r in self.ctx.of("init"):
            raw = self.ctx.raw[("init", k)].params
            if raw is None:
                continue
            attrs = (self.ctx.convention.weights_attr, self.ctx.convention.biases_attr)
            for attr, group in zip(attrs, (raw.weights, raw.biases)):
                found += [f"self.{attr}[{j}] ({v.dtype})" for j, v in enumerate(group)
                          if v.kind == "array" and v.array.dtype.kind in "iub"]
            if found:
                return found
        return found

    def _pairs(self):
        for k, _ in self.inits():
            mine = self._mine(k)
            guide = self.ctx.guide_params(k)
            if same_shapes(mine[0], guide[0]) and same_shapes(mine[1], guide[1]):
                yield k, mine, guide

    def guide_scale(self):
        """How the learner's weights relate to the guide's when they are the same draws, rescaled: (ratio, words)
        with one ratio for every weight, or one standard deviation for every layer (randn * 0.1); else None."""
        ratios, stds = [], []
        for k, mine, guide in self._pairs():
            if any(np.any(b) for b in mine[1]):
                return None
            for W, G, n_in in zip(mine[0], guide[0], self.arch(k).sizes):
                c = constant_ratio(W.ravel(), G.ravel())
                if c is None:
                    return None
                ratios.append(c)
                stds.append(c * np.sqrt(2.0 / n_in))
        if not ratios:
            return None
        if np.allclose(ratios, ratios[0], rtol=1e-6):
            return ratios[0], f"yours = the guide's x {ratios[0]:.6g} everywhere"
        if np.allclose(stds, stds[0], rtol=1e-6):
            return stds[0], f"yours are randn(n_out, n_in) * {stds[0]:.6g} (the guide's scale is sqrt(2 / n_in))"
        return None

    def smaller_than_guide(self):
        sizes = [(np.abs(W).mean(), np.abs(G).mean()) for _, mine, guide in self._pairs()
                 for W, G in zip(mine[0], guide[0])]
        return sum(m for m, _ in sizes) < sum(g for _, g in sizes)

    def differs_from_guide(self):
        return any(not all(np.allclose(m, g, rtol=1e-6, atol=1e-7) for m, g in zip(mine[0] + mine[1], guide[0] + guide[1]))
                   for k, mine, guide in self._pairs())

    def first_difference(self):
        """(network, words) for the first layer whose parameters differ from the guide's: its first differing row,
        yours beside the guide's (a layer the two happen to share is never shown as the difference)."""
        for k, mine, guide in self._pairs():
            for group, name in ((0, "W"), (1, "b")):
                for layer, (m, g) in enumerate(zip(mine[group], guide[group])):
                    if np.allclose(m, g, rtol=1e-6, atol=1e-7):
                        continue
                    row = next(j for j in range(len(m)) if not np.allclose(m[j], g[j], rtol=1e-6, atol=1e-7))
                    index = f"[{row}]" if m.ndim == 2 else ""
                    mine_row, guide_row = (m[row], g[row]) if m.ndim == 2 else (m, g)
                    return k, f"your {name}{layer + 1}{index} = {fmt_list(mine_row)}, the guide's {fmt_list(guide_row)}"
        return None, ""

    def seed_problem(self):
        inits = self.inits()
        return any(r.same_seed_equal is False for _, r in inits) or \
            (bool(inits) and all(r.same_seed_equal and r.other_seed_equal for _, r in inits))

    def independence(self):
        record = self.ctx.record("independence")
        return record if record is not None and not record.failed else None


def judge(ctx):
    inits = ctx.of("init")
    if not inits:
        return None
    n = len(ctx.spec.archs)
    failed = [(k, r) for k, r in inits if r.failed]
    if failed:
        k, r = failed[0]
        where = f"Network({ctx.spec.archs[k].sizes}, seed={ctx.spec.archs[k].seed})"
        if r.error is not None and r.error.api:
            return Check(NAME, FAIL, "your Network does not keep the guide's lists of weights and biases",
                         Failure(NAME, where, message=r.error.message))
        problem = r.error.text() if r.error else f"did not finish within {r.timeout:g} s"
        return Check(NAME, FAIL, f"Network(layer_sizes, seed) raised on {len(failed)} of {n} networks",
                     Failure(NAME, where, message=problem))

    observed = Observed(ctx)
    for mistake in DETECTORS:
        found = mistake.detect(observed)
        if found is not None:
            ctx.setup[mistake.kind] = found
    errors = [kind for kind in ctx.setup if _severity(kind) == "error"]
    if "shared_lists" not in ctx.setup:
        for k, r in inits:
            mine, guide = arrays(r.params), ctx.guide_params(k)
            if not same_shapes(mine[0], guide[0]):
                shapes = [np.shape(W) for W in mine[0]]
                wanted = [W.shape for W in guide[0]]
                return Check(NAME, FAIL, f"the weights of {ctx.arch_label(k)} have shapes {shapes}; the guide's are "
                                         f"{wanted} (n_out, n_in), with z = W @ a + b",
                             Failure(NAME, ctx.arch_label(k), message=f"your weight shapes {shapes}, the guide's {wanted}"))
    if errors:
        seen = ctx.setup[errors[0]][0]
        return Check(NAME, FAIL, seen, Failure(NAME, "Network(layer_sizes, seed) for the probe networks", message=seen))
    if ctx.setup:
        kind = next(iter(ctx.setup))
        return Check(NAME, WARN, f"differ from the guide's on {plural(n, 'network')}: {ctx.setup[kind][0]}; the rest "
                                 f"of the check uses your weights")
    return Check(NAME, PASS, f"the guide's on all {n} networks: np.random.seed(seed), randn(n_out, n_in) * "
                             f"sqrt(2/n_in), zero biases")


def _severity(kind):
    return entry(kind).severity
