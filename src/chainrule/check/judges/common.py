"""Small things every judge uses: numbers side by side where they differ, ratios, words."""
from __future__ import annotations

import numpy as np


def arrays(params):
    """(weights, biases) of a Params as float64 arrays (None where a value is not an array)."""
    if params is None:
        return None
    return [v.numbers() for v in params.weights], [v.numbers() for v in params.biases]


def layers(value):
    """The arrays of a returned sequence (None for a layer that is not an array)."""
    if value is None or value.kind != "sequence":
        return None
    return [item.numbers() for item in value.items]


def same_shapes(mine, ref):
    return mine is not None and len(mine) == len(ref) and all(
        m is not None and np.shape(m) == np.shape(r) for m, r in zip(mine, ref))


def flat(groups):
    return np.concatenate([np.ravel(a) for group in groups for a in group]) if groups else np.zeros(0)


def constant_ratio(mine, ref):
    """c when every number of ``mine`` is c times the one of ``ref`` (to 1e-6), else None."""
    m, r = np.asarray(mine, dtype=float), np.asarray(ref, dtype=float)
    if m.shape != r.shape or m.size == 0:
        return None
    big = np.abs(r) > 1e-12 * max(1.0, float(np.max(np.abs(r))))
    if not big.any() or not np.allclose(m[~big], 0, atol=1e-12):
        return None
    ratios = m[big] / r[big]
    c = float(np.median(ratios))
    return c if np.allclose(ratios, c, rtol=1e-6, atol=0) else None


def number(value):
    if value is None:
        return "-"
    if isinstance(value, str):
        return value
    return f"{value:.6f}" if abs(value) < 1e4 else f"{value:.4g}"


def fmt_list(values, digits=4):
    return "[" + ", ".join(f"{v:.{digits}g}" for v in np.ravel(values)) + "]"


def plural(n, word):
    return f"{n} {word}{'' if n == 1 else 's'}"


def visible_rows(columns, tol, limit=12, extra=None):
    """Rows (label, v1, v2, ...) for the parameters where the first and the last column differ most (the
    difference is visible there), at most ``limit``, in layer order. ``columns``: one (weights, biases) per
    column, arrays of the same shapes (a column may be None). ``extra(values)`` adds trailing values."""
    ref = columns[-1]
    entries = []
    for layer in range(len(ref[0])):
        for group, name in ((0, "W"), (1, "b")):
            reference = ref[group][layer]
            scale = max(float(np.max(np.abs(reference), initial=0.0)), 1e-300)
            for index in np.ndindex(np.shape(reference)):
                values = []
                for column in columns:
                    try:
                        values.append(float(column[group][layer][index]))
                    except (TypeError, IndexError, ValueError):
                        values.append(None)
                mine, last = values[0], values[-1]
                gap = abs(mine - last) / (tol.atol * scale + tol.rtol * abs(last) + 1e-300) \
                    if mine is not None and last is not None else float("inf")
                label = f"Layer {layer + 1} {name}[{','.join(map(str, index))}]"
                entries.append(((layer, group, index), gap, (label, *values, *(extra(values) if extra else ()))))
    different = [e for e in entries if e[1] > 1]
    chosen = sorted(different, key=lambda e: -e[1])[:limit] if different else entries[:limit]
    return [row for _, _, row in sorted(chosen, key=lambda e: e[0])]


def ratio_column(values):
    mine, ref = values[0], values[-1]
    return ((mine / ref) if mine is not None and ref not in (None, 0.0) else None,)
