"""Suite-wide settings: deterministic property tests and a non-interactive Matplotlib backend."""
import matplotlib
from hypothesis import settings

matplotlib.use("Agg")

# Same examples on every run and every machine: CI must never turn red by chance.
settings.register_profile("deterministic", derandomize=True, database=None, deadline=None)
settings.load_profile("deterministic")


import pytest  # noqa: E402

from chromium_cdp import CHROMIUM, Browser  # noqa: E402


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole run, driven over the DevTools Protocol (tests/chromium_cdp.py).
    Tests that use it skip where Debian's chromium is not installed."""
    if CHROMIUM is None:
        pytest.skip("needs Debian's chromium (apt-get install chromium)")
    with Browser() as instance:
        yield instance
