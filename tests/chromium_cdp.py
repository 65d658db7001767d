"""Headless Chromium driven through the Chrome DevTools Protocol, for the browser tests.

Chromium is started with ``--remote-debugging-pipe``: it reads CDP commands from file descriptor 3 and
writes replies and events to descriptor 4, each message JSON ended by a NUL byte. That is the same protocol
Playwright and Puppeteer speak, with nothing to install but Debian's ``chromium`` (no WebSocket library, no
driver binary, no port to collide on).

    with Browser() as browser:
        page = browser.new_page(width=390, height=844, mobile=True)   # a phone
        page.goto(url)
        page.wait_for("document.querySelector('#loss') !== null")
        page.click("#step")
        page.evaluate("document.querySelector('#loss').textContent")
        page.screenshot(path)
        page.smallest_text_px()       # the smallest text on screen, in CSS pixels as rendered

Every wait is bounded (``timeout`` seconds); a page's JavaScript exception is collected in
``page.errors`` and console messages in ``page.console``.
"""
import base64
import fcntl
import json
import os
import queue
import shutil
import subprocess
import tempfile
import threading
import time

CHROMIUM = shutil.which("chromium")

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-extensions", "--mute-audio", "--hide-scrollbars"]


class BrowserError(RuntimeError):
    pass


class Browser:
    """One headless Chromium process; ``new_page`` opens tabs in it. Use as a context manager."""

    def __init__(self, timeout=30.0):
        if CHROMIUM is None:
            raise BrowserError("Debian's chromium is not installed")
        self.timeout = timeout
        self._profile = tempfile.mkdtemp(prefix="chainrule-cdp-")
        to_browser_r, self._to_browser = os.pipe()
        self._from_browser, from_browser_w = os.pipe()

        def place_fds():   # in the child: the pipe ends on descriptors 3 (commands in) and 4 (replies out)
            high_r = fcntl.fcntl(to_browser_r, fcntl.F_DUPFD, 10)    # out of the way first: os.pipe may
            high_w = fcntl.fcntl(from_browser_w, fcntl.F_DUPFD, 10)  # itself have returned 3 or 4
            os.dup2(high_r, 3)
            os.dup2(high_w, 4)
            os.set_inheritable(3, True)   # every other descriptor of ours is not (os.pipe's default),
            os.set_inheritable(4, True)   # so exec closes them

        self.process = subprocess.Popen(
            [CHROMIUM, *FLAGS, "--remote-debugging-pipe", f"--user-data-dir={self._profile}", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            preexec_fn=place_fds, close_fds=False, start_new_session=True)
        os.close(to_browser_r)
        os.close(from_browser_w)
        self._next_id = 0
        self._lock = threading.Lock()
        self._replies = {}
        self._reply_ready = threading.Condition()
        self._events = {}               # sessionId -> queue of events
        self._reader = threading.Thread(target=self._read_loop, daemon=True)
        self._reader.start()
        self.pages = []

    # --- the wire ---

    def _read_loop(self):
        buffer = b""
        with os.fdopen(self._from_browser, "rb", buffering=0) as stream:
            while True:
                chunk = stream.read(65536)
                if not chunk:
                    break
                buffer += chunk
                while b"\0" in buffer:
                    raw, buffer = buffer.split(b"\0", 1)
                    message = json.loads(raw)
                    if "id" in message:
                        with self._reply_ready:
                            self._replies[message["id"]] = message
                            self._reply_ready.notify_all()
                    else:
                        self._events.setdefault(message.get("sessionId"), queue.Queue()).put(message)
        with self._reply_ready:
            self._replies[None] = {"closed": True}
            self._reply_ready.notify_all()

    def send(self, method, params=None, session_id=None, timeout=None):
        """Send one CDP command and return its result; a protocol error raises ``BrowserError``."""
        with self._lock:
            self._next_id += 1
            message_id = self._next_id
        message = {"id": message_id, "method": method, "params": params or {}}
        if session_id:
            message["sessionId"] = session_id
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + (timeout or self.timeout)
        with self._reply_ready:
            while message_id not in self._replies:
                if None in self._replies:
                    raise BrowserError(f"chromium exited while waiting for {method}")
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise BrowserError(f"no reply to {method} within {timeout or self.timeout} s")
                self._reply_ready.wait(remaining)
            reply = self._replies.pop(message_id)
        if "error" in reply:
            raise BrowserError(f"{method}: {reply['error'].get('message')} {reply['error'].get('data', '')}")
        return reply.get("result", {})

    def events(self, session_id):
        return self._events.setdefault(session_id, queue.Queue())

    # --- pages ---

    def new_page(self, width=1200, height=900, mobile=False, scale=1):
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        page = Page(self, target, session)
        page.set_viewport(width, height, mobile=mobile, scale=scale)
        self.pages.append(page)
        return page

    def close(self):
        try:
            if self.process.poll() is None:
                try:
                    self.send("Browser.close", timeout=5)
                except BrowserError:
                    pass
                try:
                    self.process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    os.killpg(self.process.pid, 9)
                    self.process.wait(timeout=10)
        finally:
            try:
                os.close(self._to_browser)
            except OSError:
                pass
            shutil.rmtree(self._profile, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class Page:
    """One tab: navigate, evaluate JavaScript, click, type, take screenshots."""

    def __init__(self, browser, target_id, session_id):
        self.browser = browser
        self.target_id = target_id
        self.session_id = session_id
        self.errors = []       # uncaught JavaScript exceptions, as text
        self.console = []      # console messages, as text
        for domain in ("Page", "Runtime"):
            self.send(f"{domain}.enable")

    def send(self, method, params=None, timeout=None):
        return self.browser.send(method, params, self.session_id, timeout)

    def _drain(self, until=None, timeout=None):
        """Read this page's events (collecting errors and console text) until ``until(event)`` is true."""
        events = self.browser.events(self.session_id)
        deadline = time.monotonic() + (timeout or self.browser.timeout)
        while True:
            remaining = deadline - time.monotonic() if until else 0
            if until and remaining <= 0:
                raise BrowserError("timed out waiting for a page event")
            try:
                event = events.get(timeout=max(remaining, 0.001)) if until else events.get_nowait()
            except queue.Empty:
                if until:
                    continue
                return
            method = event.get("method")
            params = event.get("params", {})
            if method == "Runtime.exceptionThrown":
                details = params.get("exceptionDetails", {})
                self.errors.append(details.get("exception", {}).get("description") or details.get("text"))
            elif method == "Runtime.consoleAPICalled":
                self.console.append(" ".join(str(a.get("value", a.get("description", "")))
                                             for a in params.get("args", [])))
            if until and until(event):
                return

    def set_viewport(self, width, height, mobile=False, scale=1):
        self.width, self.height = width, height
        self.send("Emulation.setDeviceMetricsOverride",
                  {"width": width, "height": height, "deviceScaleFactor": scale, "mobile": mobile})
        if mobile:
            self.send("Emulation.setTouchEmulationEnabled", {"enabled": True, "maxTouchPoints": 1})

    def goto(self, url, timeout=None):
        """Navigate and wait for the load event."""
        self._drain()
        result = self.send("Page.navigate", {"url": url})
        if result.get("errorText"):
            raise BrowserError(f"cannot open {url}: {result['errorText']}")
        self._drain(until=lambda e: e.get("method") == "Page.loadEventFired", timeout=timeout)

    def evaluate(self, expression, timeout=None):
        """The value of a JavaScript expression (promises awaited); a thrown error raises ``BrowserError``."""
        result = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True,
                                                "awaitPromise": True}, timeout=timeout)
        self._drain()
        if "exceptionDetails" in result:
            details = result["exceptionDetails"]
            raise BrowserError(details.get("exception", {}).get("description") or details.get("text"))
        return result["result"].get("value")

    def wait_for(self, condition, timeout=10.0, interval=0.05):
        """Poll a JavaScript condition until it is truthy (bounded by ``timeout`` seconds); return its value."""
        deadline = time.monotonic() + timeout
        while True:
            value = self.evaluate(condition)
            if value:
                return value
            if time.monotonic() > deadline:
                raise BrowserError(f"condition never became true within {timeout} s: {condition}")
            time.sleep(interval)

    def center_of(self, selector):
        box = self.evaluate(
            f"(() => {{ const el = document.querySelector({json.dumps(selector)});"
            f" if (!el) return null; el.scrollIntoView({{block: 'center', inline: 'center'}});"
            f" const r = el.getBoundingClientRect(); return [r.left + r.width / 2, r.top + r.height / 2]; }})()")
        if box is None:
            raise BrowserError(f"no element matches {selector}")
        return box

    def click(self, selector):
        """A real mouse click (pressed and released) at the middle of the element."""
        x, y = self.center_of(selector)
        for kind in ("mouseMoved", "mousePressed", "mouseReleased"):
            self.send("Input.dispatchMouseEvent", {"type": kind, "x": x, "y": y, "button": "left", "clickCount": 1})
        self._drain()

    def tap(self, selector):
        """A touch tap at the middle of the element (for pages emulated as phones)."""
        x, y = self.center_of(selector)
        self.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x, "y": y}]})
        self.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
        self._drain()

    def hover(self, selector):
        x, y = self.center_of(selector)
        self.send("Input.dispatchMouseEvent", {"type": "mouseMoved", "x": x, "y": y})
        self._drain()

    def press(self, key, code=None, key_code=None):
        """One key press, e.g. ``press("ArrowRight")`` or ``press("Enter")``, to the focused element."""
        codes = {"Enter": 13, "Tab": 9, "Escape": 27, " ": 32, "ArrowLeft": 37, "ArrowUp": 38,
                 "ArrowRight": 39, "ArrowDown": 40, "Home": 36, "End": 35, "Backspace": 8}
        params = {"key": key, "code": code or key, "windowsVirtualKeyCode": key_code or codes.get(key, 0)}
        if key == "Enter":
            params["text"] = "\r"
        self.send("Input.dispatchKeyEvent", {"type": "keyDown", **params})
        self.send("Input.dispatchKeyEvent", {"type": "keyUp", **params})
        self._drain()

    def type(self, selector, text, clear=True):
        """Focus the element, optionally select its text, and type ``text`` as real input."""
        self.evaluate(f"(() => {{ const el = document.querySelector({json.dumps(selector)}); el.focus();"
                      f" if ({'true' if clear else 'false'} && el.select) el.select(); }})()")
        self.send("Input.insertText", {"text": text})
        self._drain()

    def screenshot(self, path=None, full_page=False):
        """A PNG of the viewport (or the whole page); written to ``path`` when given; returns the bytes."""
        params = {"format": "png"}
        if full_page:
            params["captureBeyondViewport"] = True
            size = self.evaluate("[document.documentElement.scrollWidth, document.documentElement.scrollHeight]")
            params["clip"] = {"x": 0, "y": 0, "width": size[0], "height": size[1], "scale": 1}
        data = base64.b64decode(self.send("Page.captureScreenshot", params)["data"])
        if path is not None:
            with open(path, "wb") as f:
                f.write(data)
        return data

    def smallest_text_px(self, selector="body"):
        """The smallest rendered text size among the visible text under ``selector``, in CSS pixels of the
        screen: the computed font size times every scale applied to it (an SVG viewBox, a page zoomed out
        for lack of a viewport). Returns ``[size, text, tag]`` of the smallest, or None if there is no text."""
        return self.evaluate(_SMALLEST_TEXT_JS % json.dumps(selector))


_SMALLEST_TEXT_JS = r"""
(() => {
  const root = document.querySelector(%s);
  if (!root) return null;
  const pageScale = window.visualViewport ? window.visualViewport.scale : 1;
  const layoutWidth = document.documentElement.clientWidth;
  const zoom = (window.innerWidth && layoutWidth > window.innerWidth) ? window.innerWidth / layoutWidth : 1;
  let best = null;
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    if (!node.textContent.trim()) continue;
    const el = node.parentElement;
    if (!el) continue;
    const style = getComputedStyle(el);
    if (style.display === 'none' || style.visibility === 'hidden' || parseFloat(style.opacity) === 0) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    const rects = range.getClientRects();
    if (!rects.length || rects[0].width === 0) continue;
    let size = parseFloat(style.fontSize);
    if (el instanceof SVGElement && el.getScreenCTM) {
      const m = el.getScreenCTM();
      if (m) size *= Math.sqrt(Math.abs(m.a * m.d - m.b * m.c));
    }
    size *= pageScale * zoom;
    if (best === null || size < best[0]) best = [size, node.textContent.trim().slice(0, 60), el.tagName];
  }
  return best;
})()
"""
