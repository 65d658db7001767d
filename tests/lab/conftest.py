"""A lab server on 127.0.0.1 for the lab's tests (helpers to talk to it: labhttp.py)."""
import pytest

from chainrule.lab import LabServer


@pytest.fixture(scope="module")
def server():
    with LabServer() as lab:
        yield lab
