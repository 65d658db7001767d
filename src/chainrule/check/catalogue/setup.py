"""Set-up: Network(layer_sizes, seed) draws the guide's weights from np.random.seed(seed), into lists of its own.

These are seen directly (``detect``), not reproduced: ``observed`` holds, per probed network, the learner's
initial weights, whether the same seed gave the same weights again and another seed other weights, how long
the weight list was each time a network was built, and whether updating one network changed another.
``methods`` builds a class that makes the mistake, for the tests.
"""
import numpy as np

from . import Mistake

INIT_READ = "Section 2, Implementing backward() (Network.__init__)"


def _find_seed(observed):
    """The seed the learner's weights were drawn with, if it is a small one (they ignore the seed they get)."""
    k = observed.first_usable()
    if k is None:
        return None
    for seed in list(range(0, 101)) + [1234, 2024, 12345]:
        if observed.matches_guide(k, seed):
            return seed
    return None


def _not_seeded(observed):
    if any(len(set(r.n_arrays)) > 1 for _, r in observed.inits()):
        return None          # the lists grow: shared_lists, not the seed
    bad = [k for k, r in observed.inits() if r.same_seed_equal is False]
    if bad:
        return (f"Network(sizes, seed) built twice with the same seed gave different weights on "
                f"{observed.count(bad)} ({observed.sizes_list(bad)})"), {"networks": len(bad)}
    return None


def _seed_ignored(observed):
    inits = observed.inits()
    if inits and all(r.same_seed_equal and r.other_seed_equal for _, r in inits) and not observed.zero_weights():
        seed = _find_seed(observed)
        which = f"; they are the guide's weights for seed {seed}, whatever seed is given" if seed is not None else ""
        return (f"Network(sizes, seed=s) and Network(sizes, seed=s + 1) gave the same weights on all "
                f"{len(inits)} networks{which}"), {"seed": seed}
    return None


def _shared_lists(observed):
    for k, r in observed.inits():
        if len(set(r.n_arrays)) > 1:
            expected = len(observed.arch(k).sizes) - 1
            return (f"building Network({observed.arch(k).sizes}) again made self.{observed.weights_attr} "
                    f"{r.n_arrays[-1]} arrays long ({expected} expected): one list is shared by every network"), \
                {"lengths": r.n_arrays}
    independence = observed.independence()
    if independence is not None and independence.same_lists:
        return f"two networks hold the very same self.{observed.weights_attr} list", {}
    return None


def _shared_arrays(observed):
    independence = observed.independence()
    if independence is None or independence.same_lists or not (independence.shared_arrays or independence.other_changed):
        return None
    what = "share weight arrays" if independence.shared_arrays else "are linked"
    change = f"; after {independence.how} on one, the other's weights changed too" if independence.other_changed else ""
    return f"two Network({observed.arch(independence.arch).sizes}) {what}{change}", {}


def _zero(observed):
    if observed.zero_weights():
        return ("every initial weight is 0 on all networks: the units of a layer all compute the same thing, get "
                "the same gradient and stay the same forever"), {}
    return None


def _integer(observed):
    found = observed.integer_params()
    if found:
        return (f"{found[0]} is an integer array: a float update (b -= lr * db) cannot be stored in it"), \
            {"arrays": found}
    return None


def _scaled(observed):
    found = observed.guide_scale()
    if found is None or observed.seed_problem() or not observed.differs_from_guide():
        return None
    scale, words = found
    smaller = observed.smaller_than_guide()
    consequence = ("smaller weights make smaller deltas in the hidden layers: training starts slower" if smaller else
                   "larger weights push the sigmoids towards saturation (a(1 - a) near 0): training can start slower")
    return f"{words}; every number you print will differ from the guide's, and {consequence}", {"scale": scale}


def _other(observed):
    if observed.differs_from_guide() and observed.guide_scale() is None and not observed.zero_weights() \
            and not observed.seed_problem() and not observed.integer_params():
        k, words = observed.first_difference()
        return (f"{observed.arch(k).sizes} network: {words}; every number you print will differ from the guide's and "
                f"chainrule's (the check uses your weights)"), {}
    return None


# --- classes that make each mistake (for the tests) ---

def _draws(self, sizes, scale=lambda n_in: np.sqrt(2.0 / n_in), draw=None, bias_dtype=float):
    """The guide's layer-by-layer draws from self.rng, with another scale, distribution or bias dtype."""
    draw = draw or (lambda n_out, n_in: self.rng.randn(n_out, n_in) * scale(n_in))
    return ([draw(o, i) for i, o in zip(sizes[:-1], sizes[1:])],
            [np.zeros(o, dtype=bias_dtype) for o in sizes[1:]])


def _unseeded_init(self, sizes, seed):
    return _draws(self, sizes)


def _fixed_seed_init(self, sizes, seed):
    self.rng.seed(42)
    return _draws(self, sizes)


def _scaled_init(self, sizes, seed):
    self.rng.seed(seed)
    return _draws(self, sizes, scale=lambda n_in: 0.1)


def _uniform_init(self, sizes, seed):
    self.rng.seed(seed)
    return _draws(self, sizes, draw=lambda n_out, n_in: self.rng.uniform(-1, 1, (n_out, n_in)))


def _zero_init(self, sizes, seed):
    return _draws(self, sizes, draw=lambda n_out, n_in: np.zeros((n_out, n_in)))


def _integer_init(self, sizes, seed):
    self.rng.seed(seed)
    return _draws(self, sizes, bias_dtype=int)


def _class_level(self, name, make):
    """An attribute of the model's class, made once: what a list in the class body is."""
    cls = type(self)
    if name not in cls.__dict__:
        setattr(cls, name, make())
    return getattr(cls, name)


def _class_level_init(self, sizes, seed):
    weights, biases = _class_level(self, "shared_lists", lambda: ([], []))
    self.rng.seed(seed)
    new_weights, new_biases = _draws(self, sizes)
    weights += new_weights
    biases += new_biases
    return weights, biases


def _cached_init(self, sizes, seed):
    cache = _class_level(self, "cache", dict)
    key = (tuple(sizes), seed)
    if key not in cache:
        self.rng.seed(seed)
        cache[key] = _draws(self, sizes)
    weights, biases = cache[key]
    return list(weights), list(biases)


MISTAKES = [
    Mistake("not_seeded", "set-up", "Network(layer_sizes, seed) does not give the same weights twice",
            "the guide's Network draws its weights right after np.random.seed(seed), so the same seed gives the "
            "same network, and every number the guide prints can be reproduced; yours draws without seeding",
            "np.random.seed(seed) at the start of __init__, before drawing the weights", INIT_READ,
            methods={"initial_parameters": _unseeded_init}, detect=_not_seeded,
            where=lambda source: source.call_line("__init__", "randn") or source.def_line("__init__")),
    Mistake("seed_ignored", "set-up", "the seed is ignored: every seed gives the same weights",
            "Network(layer_sizes, seed) must use the seed it is given: two seeds, two networks (the guide's "
            "examples use seeds 0, 42 and 99); yours seeds with a fixed number",
            "np.random.seed(seed) with the argument, not a constant", INIT_READ,
            methods={"initial_parameters": _fixed_seed_init}, detect=_seed_ignored,
            where=lambda source: source.call_line("__init__", "seed") or source.def_line("__init__")),
    Mistake("shared_lists", "set-up", "every network shares one list of weights",
            "self.weights = [] in __init__ gives each network its own list; a list written in the class body "
            "(weights = []) or as a default argument (def __init__(self, sizes, weights=[])) is created once and "
            "shared by every network, so each new network appends to the lists of the ones before",
            "create the lists inside __init__: self.weights = []; self.biases = []", INIT_READ,
            methods={"initial_parameters": _class_level_init}, detect=_shared_lists,
            where=lambda source: source.class_attribute_line("weights", "biases") or source.def_line("__init__")),
    Mistake("shared_arrays", "set-up", "two networks share their weight arrays",
            "each network must own its arrays: training one must leave every other untouched. Yours reuses the "
            "same arrays (a cache, a module-level list, or a copy that is not a copy)",
            "draw new arrays in __init__ (or W.copy() whatever you reuse)", INIT_READ,
            methods={"initial_parameters": _cached_init}, detect=_shared_arrays,
            where=lambda source: source.def_line("__init__")),
    Mistake("zero_init", "set-up", "all the weights start at zero",
            "with equal weights every unit of a layer computes the same output and receives the same gradient, so "
            "the units stay identical forever (and with all weights 0 the hidden layers get no gradient at all)",
            "W = np.random.randn(n_out, n_in) * np.sqrt(2.0 / n_in)", INIT_READ,
            methods={"initial_parameters": _zero_init}, detect=_zero,
            where=lambda source: source.call_line("__init__", "zeros") or source.def_line("__init__")),
    Mistake("integer_params", "set-up", "integer parameter arrays",
            "np.zeros(n) is float, but np.zeros(n, dtype=int) (or np.array([0, 0])) is an integer array: updates "
            "of a fraction are truncated or refused (numpy raises UFuncTypeError for b -= lr * db)",
            "b = np.zeros(n_out)  (float), or np.zeros(n_out, dtype=float)", INIT_READ,
            methods={"initial_parameters": _integer_init}, detect=_integer, raises=True,
            where=lambda source: source.call_line("__init__", "zeros") or source.def_line("__init__")),
    Mistake("init_scaled", "set-up", "the initial weights are the guide's, scaled",
            "the guide draws W = np.random.randn(n_out, n_in) * np.sqrt(2.0 / n_in) (He scaling); another scale "
            "works, but changes every number", "W = np.random.randn(n_out, n_in) * np.sqrt(2.0 / n_in)", INIT_READ,
            severity="warning", methods={"initial_parameters": _scaled_init}, detect=_scaled,
            where=lambda source: source.call_line("__init__", "randn") or source.def_line("__init__")),
    Mistake("init_other", "set-up", "the initial weights are not the guide's",
            "the guide draws W = np.random.randn(n_out, n_in) * np.sqrt(2.0 / n_in) layer by layer right after "
            "np.random.seed(seed), with zero biases; other weights are not wrong, but no number will match the "
            "guide's", "W = np.random.randn(n_out, n_in) * np.sqrt(2.0 / n_in); b = np.zeros(n_out)", INIT_READ,
            severity="warning", methods={"initial_parameters": _uniform_init}, detect=_other,
            where=lambda source: source.def_line("__init__")),
]
