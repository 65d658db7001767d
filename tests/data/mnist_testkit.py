"""Test helpers for tests/data: small generated MNIST-format files and a local HTTP mirror on 127.0.0.1."""
import contextlib
import hashlib
import http.server
import socket
import struct
import threading
import time

import numpy as np

from chainrule.data import write_idx

NAMES = {"train_images": "train-images-idx3-ubyte.gz", "train_labels": "train-labels-idx1-ubyte.gz",
         "test_images": "t10k-images-idx3-ubyte.gz", "test_labels": "t10k-labels-idx1-ubyte.gz"}


def fake_mnist_arrays(n_train=150, n_test=50, seed=0):
    """Random 'digits' with labels cycling through 0-9 (so every class is present)."""
    rng = np.random.default_rng(seed)
    images = rng.integers(0, 256, size=(n_train + n_test, 28, 28), dtype=np.uint8)
    labels = rng.permutation(np.arange(n_train + n_test) % 10).astype(np.uint8)
    return images, labels


def write_fake_mnist(folder, n_train=150, n_test=50, seed=0):
    """Write the four MNIST-named .gz IDX files; return {filename: bytes} and the arrays."""
    images, labels = fake_mnist_arrays(n_train, n_test, seed)
    folder.mkdir(parents=True, exist_ok=True)
    write_idx(folder / NAMES["train_images"], images[:n_train])
    write_idx(folder / NAMES["train_labels"], labels[:n_train])
    write_idx(folder / NAMES["test_images"], images[n_train:])
    write_idx(folder / NAMES["test_labels"], labels[n_train:])
    contents = {name: (folder / name).read_bytes() for name in NAMES.values()}
    return contents, images, labels


def expected_for(contents):
    """{filename: (size, sha256)} for download_mnist(expected=...)."""
    return {name: (len(data), hashlib.sha256(data).hexdigest()) for name, data in contents.items()}



class _Handler(http.server.BaseHTTPRequestHandler):
    """/good/F serves F; /404/F answers 404; /corrupt/F serves F with flipped bytes (same size);
    /short/F serves F minus its last byte (honest Content-Length); /cut/F announces F's full length,
    sends half and closes the connection; /reset/F sends half, then resets the connection (RST); /drip/F sends
    one byte every ``server.pace`` seconds; /trickle/F sends 2,000 bytes every ``server.pace`` seconds;
    /silent/F answers nothing for ``server.pace`` seconds; /stall/F sends its headers and half of F, then
    nothing for ``server.pace`` seconds; /long/F sends F and 10 bytes more, announcing no length. Each
    request's User-Agent is kept in ``server.user_agents``."""

    def do_GET(self):
        self.server.requests.append(self.path)
        self.server.user_agents.append(self.headers.get("User-Agent"))
        _, mode, name = self.path.split("/", 2)
        data = self.server.files.get(name)
        if mode == "404" or data is None:
            self.send_error(404, "Not Found")
            return
        if mode == "silent":
            time.sleep(self.server.pace)
            return
        if mode == "long":
            self.send_response(200)
            self.end_headers()
            self.wfile.write(data + bytes(10))
            self.close_connection = True
            return
        if mode == "corrupt":
            data = bytes(b ^ 0xFF for b in data[:64]) + data[64:]
        elif mode == "short":
            data = data[:-1]
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if mode in ("drip", "trickle"):
            step = 1 if mode == "drip" else 2000
            try:
                for start in range(0, len(data), step):
                    self.wfile.write(data[start:start + step])
                    self.wfile.flush()
                    time.sleep(self.server.pace)       # the server's own pacing (its thread, not the test's)
            except OSError:                            # the client gave up: what the test wants
                pass
            return
        if mode in ("cut", "reset", "stall"):
            self.wfile.write(data[: len(data) // 2])
            self.wfile.flush()
            self.close_connection = True
            if mode == "stall":
                time.sleep(self.server.pace)
            elif mode == "reset":
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                self.connection.close()
            else:
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        self.wfile.write(data)

    def log_message(self, *args):  # keep test output clean
        pass


@contextlib.contextmanager
def local_mirror(files):
    """A threaded HTTP server on 127.0.0.1 (ephemeral port) serving ``files``; yields (base_url, server)."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    server.handle_error = lambda request, address: None   # a client gone mid-answer is what /reset tests
    server.files, server.requests, server.user_agents, server.pace = dict(files), [], [], 0.5
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def closed_port_url():
    """A URL on 127.0.0.1 where nothing listens: connection refused, like a machine with no network."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/mnist/"
