"""The lab's web server: the standard library's threading HTTP server, for one local user.

- It listens on 127.0.0.1 only, on a free port (or ``port``), and answers only requests that carry its
  token: ``?token=...`` in the link (as Jupyter does) or the ``X-Chainrule-Token`` header the page sends.
  Without it: 403. A ``Host`` other than 127.0.0.1/localhost (a DNS-rebinding page) is refused too.
- It reads no file but its own front-end files (a fixed list) and, with ``--mine``, the learner's file (read
  by the sandbox). "Save as page" is a download: the server writes nothing.
- Every request body is read within limits (``api.parse_body``); a refusal is a 4xx answer with the
  ``ChainruleError``'s one-line message as JSON: ``{"error": {"type": "ConfigError", "message": "..."}}``.
- ``serve_forever()`` until Ctrl-C; ``start()`` serves from a thread (tests, benchmarks) and ``stop()`` ends.
"""
import hmac
import json
import secrets
import sys
import threading
import traceback
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from ..errors import ChainruleError, ConfigError
from . import api
from .page import LIVE_POLICY, live_page, static_file

HOST = "127.0.0.1"
TOKEN_HEADER = "X-Chainrule-Token"


class LabServer:
    """``LabServer(port=0, mine=None)``: ``url()``, ``serve_forever()`` / ``start()``, ``stop()``.

    ``mine`` is a provider of the learner's own values (``chainrule.lab.mine``): ``mine(state) -> MineRun``,
    with ``mine.source`` (e.g. ``"my_network.py"``) shown on the page. The server owns it: ``stop()`` calls
    its ``close()`` if it has one (``MineProvider``'s ends the learner's sandbox)."""

    def __init__(self, port=0, mine=None, token=None):
        self.token = token or secrets.token_urlsafe(24)
        self.mine = mine
        try:
            self.httpd = _HTTPServer((HOST, port), _Handler)
        except OSError as exc:
            hint = "; leave out --port to take a free one" if port else ""
            raise ConfigError(f"cannot listen on {HOST}:{port}: {exc.strerror}{hint}") from None
        self.httpd.lab = self
        self.port = self.httpd.server_address[1]
        self._thread = None

    def url(self, fragment=""):
        fragment = fragment.split("#", 1)[1] if "#" in fragment else fragment
        return f"http://{HOST}:{self.port}/?token={self.token}" + (f"#{fragment}" if fragment else "")

    def serve_forever(self):
        self.httpd.serve_forever(poll_interval=0.2)

    def start(self):
        self._thread = threading.Thread(target=self.serve_forever, name="chainrule-lab", daemon=True)
        self._thread.start()
        return self

    def stop(self):
        if self._thread is not None:
            self.httpd.shutdown()
            self._thread.join(timeout=10)
            self._thread = None
        self.httpd.server_close()
        close = getattr(self.mine, "close", None)
        if callable(close):
            close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True        # Ctrl-C never waits for a browser's idle keep-alive connection
    allow_reuse_address = False  # never share a port another process holds


class _Refused(Exception):
    def __init__(self, status, message):
        super().__init__(message)
        self.status = status


class _Handler(BaseHTTPRequestHandler):
    server_version = "chainrule-lab"
    protocol_version = "HTTP/1.1"    # keep-alive: a step is one round trip on an open connection
    disable_nagle_algorithm = True   # headers and body leave at once: no 40 ms wait for a delayed ACK
    timeout = 60                     # a connection silent this long is closed (its thread ends)

    def log_message(self, format, *args):   # quiet: the terminal is the learner's, not a log
        pass

    @property
    def lab(self):
        return self.server.lab

    # --- the checks every request passes first ---

    def _authorised(self, query):
        host = (self.headers.get("Host") or "").lower()
        if host not in (f"{HOST}:{self.lab.port}", f"localhost:{self.lab.port}"):
            raise _Refused(HTTPStatus.FORBIDDEN, f"this chainrule lab answers requests for "
                           f"{HOST}:{self.lab.port} only, not for {host or 'no host'}")
        given = self.headers.get(TOKEN_HEADER) or (query.get("token") or [""])[0]
        if not hmac.compare_digest(given.encode(), self.lab.token.encode()):
            raise _Refused(HTTPStatus.FORBIDDEN, "this chainrule lab needs the token of the link it printed "
                           "(http://127.0.0.1:PORT/?token=...); open that link")

    def _route(self, method):
        try:
            parts = urlsplit(self.path)
            self._authorised(parse_qs(parts.query))
            if method == "GET":
                self._get(parts.path)
            elif method == "POST":
                self._post(parts.path)
            else:
                raise _Refused(HTTPStatus.METHOD_NOT_ALLOWED, f"{method} is not a lab request")
        except _Refused as exc:
            self._error(exc.status, "Refused", str(exc))
        except ChainruleError as exc:
            self._error(HTTPStatus.BAD_REQUEST, type(exc).__name__, str(exc))
        except Exception as exc:   # a bug: the learner sees one line, the terminal the traceback
            traceback.print_exc(file=sys.stderr)
            self._error(HTTPStatus.INTERNAL_SERVER_ERROR, "InternalError",
                        f"the lab failed on this request ({type(exc).__name__}: {exc}); the terminal running "
                        f"chainrule lab shows the details")

    def do_GET(self):
        self._route("GET")

    def do_POST(self):
        self._route("POST")

    def do_PUT(self):
        self._route("PUT")

    def do_DELETE(self):
        self._route("DELETE")

    def do_HEAD(self):
        self._route("HEAD")

    # --- the answers ---

    def _get(self, path):
        if path == "/":
            mine = getattr(self.lab.mine, "source", "your network") if self.lab.mine else None
            return self._send(HTTPStatus.OK, live_page(self.lab.token, mine).encode(), "text/html; charset=utf-8")
        if path.startswith("/static/"):
            found = static_file(path[len("/static/"):])
            if found is not None:
                return self._send(HTTPStatus.OK, *found)
        raise _Refused(HTTPStatus.NOT_FOUND, f"the lab has no page {path}")

    def _post(self, path):
        if path not in api.ROUTES:
            raise _Refused(HTTPStatus.NOT_FOUND, f"the lab has no endpoint {path}")
        kind = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if kind != "application/json":
            raise _Refused(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, f"a lab request is JSON "
                           f"(Content-Type: application/json), got {kind or 'no Content-Type'}")
        length = self.headers.get("Content-Length")
        if length is None or not length.isdigit():
            raise _Refused(HTTPStatus.LENGTH_REQUIRED, "a lab request needs a Content-Length")
        if int(length) > api.MAX_BODY:
            raise _Refused(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"the request is {int(length):,} bytes; the lab "
                           f"takes at most {api.MAX_BODY:,}")
        body = api.parse_body(self.rfile.read(int(length)))
        handler, kind = api.ROUTES[path]
        answer = handler(body, mine=self.lab.mine)
        if kind == "html":
            return self._send(HTTPStatus.OK, answer.encode(), "text/html; charset=utf-8",
                              {"Content-Disposition": 'attachment; filename="chainrule-lab.html"'})
        return self._send(HTTPStatus.OK, json.dumps(answer, separators=(",", ":")).encode(),
                          "application/json")

    def _send(self, status, data, content_type, extra=None):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        if content_type.startswith("text/html"):
            self.send_header("Content-Security-Policy", LIVE_POLICY)
        for key, value in (extra or {}).items():
            self.send_header(key, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def _error(self, status, kind, message):
        self.close_connection = True      # a body we refused to read must not be taken for the next request
        if self.command == "POST":
            data, content_type = json.dumps({"error": {"type": kind, "message": message}}).encode(), "application/json"
        else:                             # a page opened in a browser: say it in plain words
            data, content_type = f"{int(status)} {status.phrase}: {message}\n".encode(), "text/plain; charset=utf-8"
        try:
            self._send(status, data, content_type, {"Connection": "close"})
        except OSError:
            pass
