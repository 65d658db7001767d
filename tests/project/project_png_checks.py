"""Opening a picture for real: its size, and that it is not blank."""
import numpy as np
from PIL import Image


def assert_png_picture(path, min_width=200, min_height=150):
    with open(path, "rb") as handle:
        assert handle.read(8) == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    with Image.open(path) as image:
        width, height = image.size
        pixels = np.asarray(image.convert("L"), dtype=float)
    assert width >= min_width and height >= min_height, f"{path} is only {width}x{height}"
    # Not blank: many grey levels, and a good share of pixels away from the background.
    background = np.median(pixels)
    assert len(np.unique(pixels)) > 20, f"{path} has only {len(np.unique(pixels))} grey levels"
    assert np.mean(np.abs(pixels - background) > 30) > 0.01, f"{path} is (almost) blank"
    return width, height
