"""``chainrule lab``: backprop you can touch. A live, editable network in the browser, on chainrule's numbers.

Every number the page shows is computed here, by chainrule's own layers and losses; the page only draws.

- ``state``: ``LabState``, everything the learner can change (the network, the example, the learning rate)
- ``engine``: ``compute`` (one training step traced and explained), ``reshape``, ``train``
- ``explain``: every value as an ``Item``: its phase, its formula with the numbers plugged in, what it is
- ``formulas``: the one door to formula text (``chainrule.viz.trace_text`` today)
- ``datasets``, ``pictures``: XOR, circles, spiral, sine; the decision boundary or the fitted curve
- ``urlstate``: the state as a link's fragment, both ways
- ``mine``: the learner's own values beside chainrule's (``--mine``): ``MineRun`` in, ``MineView`` out
- ``mine_provider``: ``MineProvider(path)``, the provider ``--mine`` uses: the learner's class in chainrule
  check's sandbox on each state; ``mine_check``: the whole ``chainrule check`` of the file, in the background
- ``api``, ``server``: the endpoints and the token-guarded local HTTP server; ``page``: live and saved pages

    from chainrule.lab import LabServer
    with LabServer() as server:
        print(server.url())
"""
from .datasets import DATASETS
from .engine import Result, compute, reshape, train
from .mine import MineRun, MineView, compare
from .page import render_page, save_page
from .server import LabServer
from .state import LabState, guide_state, seeded_state
from .urlstate import fragment, state_from_fragment
