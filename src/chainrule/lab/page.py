"""The lab's page, two ways: live (served with its token, talking to the engine) and saved (one
self-contained HTML file: the values of one state, its phases to step through, its loss curve; no server).

Both are ``static/index.html`` with the same CSS and JavaScript: the live page links them, the saved page
carries them inline together with the snapshot. The front end only draws what the engine sent.
"""
import html
import json
from importlib import resources

from .. import __version__
from ..core import LOSSES
from ..files import atomic_write_text
from .datasets import DATASETS
from .state import lab_activations

#: the files the server may send, and their types: nothing else under the package is reachable
STATIC = {"lab.css": "text/css; charset=utf-8", "lab.js": "text/javascript; charset=utf-8",
          "draw.js": "text/javascript; charset=utf-8", "tables.js": "text/javascript; charset=utf-8",
          "plots.js": "text/javascript; charset=utf-8", "share.js": "text/javascript; charset=utf-8",
          "mine.js": "text/javascript; charset=utf-8"}
SCRIPTS = ("draw.js", "tables.js", "plots.js", "share.js", "mine.js", "lab.js")

#: the live page's policy: its own scripts and styles only, requests to its own server only
LIVE_POLICY = ("default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
               "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
#: the saved page's policy: nothing at all may be fetched
SAVED_POLICY = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data: blob:"


def static_file(name):
    """``(bytes, content type)`` of a front-end file, or None if ``name`` is not one."""
    if name not in STATIC:
        return None
    return resources.files(__package__).joinpath("static", name).read_bytes(), STATIC[name]


def _text(name):
    return resources.files(__package__).joinpath("static", name).read_text(encoding="utf-8")


def choices():
    """What the page's menus offer: chainrule's activations and losses, the lab's data sets."""
    return {"activations": list(lab_activations()), "losses": list(LOSSES),
            "datasets": [{"name": d.name, "title": d.title, "about": d.about} for d in DATASETS.values()]}


def _json_for_script(data):
    """JSON safe inside a <script> element (no "</" can end it early)."""
    return json.dumps(data, separators=(",", ":")).replace("</", "<\\/").replace("<!--", "<\\!--")


def _fill(config, styles, scripts, policy):
    template = _text("index.html")
    return (template.replace("__POLICY__", html.escape(policy, quote=True))
            .replace("__STYLES__", styles).replace("__SCRIPTS__", scripts)
            .replace("__CONFIG__", _json_for_script(config)))


def live_page(token, mine=None):
    """The page the server sends: its files linked with the token, the token in its config."""
    query = f"?token={token}"
    config = {"mode": "live", "token": token, "version": __version__, "choices": choices(),
              "mine": mine}
    styles = f'<link rel="stylesheet" href="static/lab.css{query}">'
    scripts = "\n".join(f'<script src="static/{name}{query}"></script>' for name in SCRIPTS)
    return _fill(config, styles, scripts, LIVE_POLICY)


def render_page(result, losses=()):
    """The saved page of one computed state (``engine.Result.to_dict()``) and its loss history."""
    config = {"mode": "saved", "version": __version__, "choices": choices(),
              "snapshot": {"result": result, "losses": list(losses)}}
    styles = f"<style>\n{_text('lab.css')}</style>"
    scripts = "\n".join(f"<script>\n{_text(name)}</script>" for name in SCRIPTS)
    for name in SCRIPTS:
        if "</script" in _text(name).lower():
            raise AssertionError(f"static/{name} must not contain '</script'")   # it would end the inline script
    return _fill(config, styles, scripts, SAVED_POLICY)


def save_page(state, path, losses=()):
    """Write the saved page of ``state`` to ``path`` (atomically); returns the path."""
    from .engine import compute

    return atomic_write_text(path, render_page(compute(state).to_dict(), losses))
