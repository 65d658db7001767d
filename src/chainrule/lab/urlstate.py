"""The lab's state as the fragment of a link (``#layers=2,2,1&W1=0.1,0.3;0.2,0.4&...``), both ways.

A link holds the whole state, readable and editable by hand, so a teacher can hand out a preset::

    #layers=2,2,1&act=sigmoid,sigmoid&loss=mse&lr=0.5&x=1,2&target=1&W1=0.1,0.3;0.2,0.4&b1=0.01,0.02&W2=0.5,0.6&b2=0.03

Vectors are comma-separated, matrix rows end with ``;``. Floats are written with every digit they need to
come back exact. Anything left out takes the value ``chainrule trace`` would take: weights of
``Network(layers, seed)``, zero biases when weights are given, sigmoid activations, mse, learning rate 0.5,
x = 1, 2, ... and a target of ones; ``data=xor`` alone is the XOR data set with its preset network. An
empty fragment is the guide's 2->2->1 hand-trace.
"""
from urllib.parse import quote, unquote

from ..errors import ConfigError
from .datasets import DATASETS
from .state import LabState, check_layers, default_example, guide_state, output_activation, seeded_state

MAX_FRAGMENT = 20_000     # characters: four 8x8 layers at full precision take about 5,000


def _number(value):
    text = repr(float(value))
    return text[:-2] if text.endswith(".0") else text


def fragment(state):
    """The fragment (without ``#``) that ``state_from_fragment`` reads back as ``state``."""
    parts = [("layers", ",".join(map(str, state.layers))), ("act", ",".join(state.activations)),
             ("loss", state.loss), ("lr", _number(state.learning_rate)),
             ("x", ",".join(map(_number, state.x))), ("target", ",".join(map(_number, state.target)))]
    for l, (W, b) in enumerate(zip(state.weights, state.biases), start=1):
        parts.append((f"W{l}", ";".join(",".join(map(_number, row)) for row in W)))
        parts.append((f"b{l}", ",".join(map(_number, b))))
    for key, value, default in (("data", state.data, None), ("example", state.example, 0),
                                ("seed", state.seed, 0), ("steps", state.steps, 0), ("batch", state.batch, 1)):
        if value != default:
            parts.append((key, str(value)))
    return "&".join(f"{key}={quote(value, safe=',;.-_')}" for key, value in parts)


def _parse_numbers(text, key):
    try:
        return [float(v) for v in text.split(",")] if text else []
    except ValueError:
        raise ConfigError(f"link part {key}= must be comma-separated numbers, got {text[:40]!r}") from None


def _parse_matrix(text, key):
    return [_parse_numbers(row, key) for row in text.split(";")]


def _whole(text, key):
    try:
        return int(text)
    except ValueError:
        raise ConfigError(f"link part {key}= must be a whole number, got {text[:40]!r}") from None


KNOWN = {"layers", "act", "loss", "lr", "x", "target", "data", "example", "seed", "steps", "batch"} | {
    f"{p}{l}" for p in "Wb" for l in range(1, 5)}


def parse_fragment(text):
    """``{key: text}`` of a fragment (a leading ``#`` and the link before it are ignored)."""
    if not isinstance(text, str):
        raise ConfigError(f"a link fragment must be text, got {type(text).__name__}")
    if len(text) > MAX_FRAGMENT:
        raise ConfigError(f"the link is {len(text):,} characters long; the lab reads at most {MAX_FRAGMENT:,}")
    text = text.split("#", 1)[1] if "#" in text else text
    parts = {}
    for piece in filter(None, text.split("&")):
        key, sep, value = piece.partition("=")
        key = unquote(key)
        if not sep or key not in KNOWN:
            raise ConfigError(f"unknown link part {piece[:40]!r}; known: {', '.join(sorted(KNOWN))}")
        if key in parts:
            raise ConfigError(f"link part {key}= is given twice")
        parts[key] = unquote(value)
    return parts


def state_from_fragment(text):
    """The state a link describes (see the module docstring), checked like any request."""
    parts = parse_fragment(text)
    if not parts:
        return guide_state()
    data = parts.get("data") or None
    if data is not None and data not in DATASETS:
        raise ConfigError(f"link part data= must be one of {', '.join(DATASETS)}, got {data[:40]!r}")
    preset = DATASETS[data].preset if data else None
    loss = parts.get("loss", preset.loss if preset else "mse")
    if "layers" in parts:
        layers = check_layers([_whole(n, "layers") for n in parts["layers"].split(",")])
    elif preset:
        layers = list(preset.layers)
    elif "W1" in parts:
        rows = [_parse_matrix(parts[f"W{l}"], f"W{l}") for l in range(1, 5) if f"W{l}" in parts]
        layers = [len(rows[0][0])] + [len(W) for W in rows]
    else:
        layers = [2, 2, 1]
    n_layers = len(layers) - 1
    if "act" in parts:
        activations = parts["act"].split(",")
    elif preset and list(preset.layers) == layers:
        activations = list(preset.activations)
    else:
        activations = ["sigmoid"] * (n_layers - 1) + [output_activation(loss)]
    seed = _whole(parts["seed"], "seed") if "seed" in parts else (preset.seed if preset else 0)
    lr = _parse_numbers(parts["lr"], "lr")[0] if parts.get("lr") else (preset.learning_rate if preset else 0.5)
    try:
        base = seeded_state(layers, seed, activations, loss, lr)
    except ConfigError:
        base = None          # a bad activation or loss: the full check below names it
    given = [l for l in range(1, 5) if f"W{l}" in parts]
    if given and given != list(range(1, n_layers + 1)):
        raise ConfigError(f"the link gives weights {', '.join(f'W{l}' for l in given)}: give all of "
                          f"{', '.join(f'W{l}' for l in range(1, n_layers + 1))} or none")
    if given:
        weights = [_parse_matrix(parts[f"W{l}"], f"W{l}") for l in given]
        biases = [_parse_numbers(parts.get(f"b{l}", ""), f"b{l}") or [0.0] * n for l, n in zip(given, layers[1:])]
    else:
        weights = [W.tolist() for W in base.weights] if base else [[[0.0] * a for _ in range(b)] for a, b in
                                                                  zip(layers[:-1], layers[1:])]
        biases = [_parse_numbers(parts[f"b{l}"], f"b{l}") if f"b{l}" in parts else [0.0] * n
                  for l, n in zip(range(1, n_layers + 1), layers[1:])]
    example = _whole(parts["example"], "example") if "example" in parts else 0
    x, target = default_example(layers, loss)
    x, target = x.tolist(), target.tolist()
    if data and 0 <= example < len(DATASETS[data].X):
        x, target = DATASETS[data].X[example].tolist(), DATASETS[data].Y[example].tolist()
    state = {"layers": layers, "activations": activations, "loss": loss, "weights": weights, "biases": biases,
             "x": _parse_numbers(parts["x"], "x") if "x" in parts else x,
             "target": _parse_numbers(parts["target"], "target") if "target" in parts else target,
             "learning_rate": lr, "data": data, "example": example, "seed": seed,
             "steps": _whole(parts["steps"], "steps") if "steps" in parts else 0,
             "batch": _whole(parts["batch"], "batch") if "batch" in parts else (preset.batch if preset else 1)}
    return LabState.from_dict(state, name="link")
