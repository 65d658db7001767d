"""The lab's endpoints, without HTTP: a request body (bytes) in, a JSON-ready answer out.

Every body is a JSON object, read with limits before anything is computed from it: at most ``MAX_BODY``
bytes, nested at most ``MAX_DEPTH`` deep, no NaN or Infinity, no repeated keys, only the keys the endpoint
knows. The answers of compute, reshape and train are ``engine.Result.to_dict()``: the state, every item
(value, formula, phase), the phases, the data set's picture and, with ``--mine``, the learner's values.

    POST /api/compute  {"state": S} or {"fragment": "layers=2,2,1&..."}        -> Result
    POST /api/reshape  {"state": S, "layers": [2, 3, 1]} | {"state": S, "data": "xor" | null}
                       | {"state": S, "example": 3} | {"state": S, "new_weights": true, "seed": 7}  -> Result
    POST /api/train    {"state": S, "steps": 25}                                -> Result with "losses"
    POST /api/page     {"state": S, "losses": [...]}                            -> a self-contained HTML page
    POST /api/mine     {}   (with --mine)  -> {"source", "changed", "check"}: the background check, and
                       whether the learner's file was saved since it was loaded (the page then asks compute)

With a ``--mine`` provider, compute, reshape and page also carry the learner's values ("mine"); train does not
(the page trains in many small pieces, then asks compute once).
"""
import json
from typing import TYPE_CHECKING, Any

from ..errors import ConfigError
from . import engine, fields
from .page import render_page
from .state import MAX_SEED, LabState
from .urlstate import state_from_fragment

if TYPE_CHECKING:
    from .mine_provider import MineProvider

MAX_BODY = 256 * 1024      # bytes: a 4-layer, 8-unit state at full precision is about 10 KB
MAX_DEPTH = 8              # {"state": {"weights": [[[ ... ]]]}} is 5 deep
MAX_STEPS = 10_000         # per train request
MAX_LOSSES = 100_000       # loss history kept in a saved page


def check_depth(text: str, limit: int = MAX_DEPTH) -> None:
    """Refuse JSON nested deeper than ``limit`` before parsing it (the parser itself would recurse)."""
    depth, in_string, escaped = 0, False, False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            if depth > limit:
                raise ConfigError(f"the request is nested more than {limit} levels deep; a lab request never is")
        elif ch in "]}":
            depth -= 1


def _no_constants(name):
    raise ConfigError(f"the request holds {name}; every number must be finite")


def _unique_keys(pairs):
    out = {}
    for key, value in pairs:
        if key in out:
            raise ConfigError(f"the request gives the key {key!r} twice")
        out[key] = value
    return out


def parse_body(raw: bytes) -> dict[str, Any]:
    """The JSON object of a request body (bytes), read within the limits above."""
    if len(raw) > MAX_BODY:
        raise ConfigError(f"the request is {len(raw):,} bytes; the lab takes at most {MAX_BODY:,}")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ConfigError("the request is not UTF-8 text") from None
    check_depth(text)
    try:
        body = json.loads(text, parse_constant=_no_constants, object_pairs_hook=_unique_keys)
    except json.JSONDecodeError as exc:
        raise ConfigError(f"the request is not valid JSON: {exc}") from None
    if not isinstance(body, dict):
        raise ConfigError(f"the request must be a JSON object, got {type(body).__name__}")
    return body


def _state(body):
    return LabState.from_dict(body["state"])


def compute(body: dict[str, Any], mine: "MineProvider | None" = None) -> dict[str, Any]:
    fields.only_keys(body, "a compute request", ("state", "fragment"))
    if ("state" in body) == ("fragment" in body):
        raise ConfigError("a compute request gives either state or fragment")
    state = _state(body) if "state" in body else state_from_fragment(body["fragment"])
    return engine.compute(state, mine=mine).to_dict()


def reshape(body: dict[str, Any], mine: "MineProvider | None" = None) -> dict[str, Any]:
    fields.only_keys(body, "a reshape request", ("state", "layers", "data", "example", "new_weights", "seed"),
                     required=("state",))
    state = _state(body)
    changes = {}
    if "layers" in body:
        changes["layers"] = body["layers"]
    if "data" in body:
        changes["data"] = body["data"] if body["data"] is None else fields.name_in(
            body["data"], "data", tuple(engine.DATASETS))
    if "example" in body:
        changes["example"] = body["example"]
    if "seed" in body:
        changes["seed"] = fields.whole(body["seed"], "seed", 0, MAX_SEED)
    if body.get("new_weights", False) is not False:
        if body["new_weights"] is not True:
            raise ConfigError(f"new_weights must be true or false, got {fields.describe(body['new_weights'])}")
        changes["new_weights"] = True
    if not changes:
        raise ConfigError("a reshape request changes layers, data, example, seed or new_weights")
    return engine.compute(engine.reshape(state, **changes), mine=mine).to_dict()


def train(body: dict[str, Any], mine: "MineProvider | None" = None) -> dict[str, Any]:
    fields.only_keys(body, "a train request", ("state", "steps"), required=("state", "steps"))
    state = _state(body)
    steps = fields.whole(body["steps"], "steps", 1, MAX_STEPS)
    state, losses, note = engine.train(state, steps)
    return engine.compute(state, losses, note).to_dict()


def page(body: dict[str, Any], mine: "MineProvider | None" = None) -> str:
    """A self-contained HTML snapshot of the state (``str``)."""
    fields.only_keys(body, "a page request", ("state", "losses"), required=("state",))
    losses = body.get("losses", [])
    if not isinstance(losses, list) or len(losses) > MAX_LOSSES:
        raise ConfigError(f"losses must be a list of at most {MAX_LOSSES:,} numbers")
    losses = [fields.number(v, f"losses[{i}]") for i, v in enumerate(losses)]
    result = engine.compute(_state(body), mine=mine).to_dict()
    return render_page(result, losses)


def mine_status(body: dict[str, Any], mine: "MineProvider | None" = None) -> dict[str, Any]:
    """How the background ``chainrule check`` of the learner's file is doing (``MineProvider.status``)."""
    if body:
        raise ConfigError(f"a mine request is the empty object {{}}, got the key(s) {', '.join(sorted(body))}")
    status = getattr(mine, "status", None)
    if not callable(status):
        raise ConfigError("this lab was started without --mine: there is no file of yours to report on")
    return status()


#: path -> (handler, what it answers: "json" or "html")
ROUTES = {"/api/compute": (compute, "json"), "/api/reshape": (reshape, "json"), "/api/train": (train, "json"),
          "/api/page": (page, "html"), "/api/mine": (mine_status, "json")}
