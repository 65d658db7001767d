"""Without PyTorch or scikit-learn installed, the bridges say which extra to install."""
import sys

import pytest

from chainrule import Network


def test_to_torch_without_torch_names_the_extra(monkeypatch):
    from chainrule.interop import torch as bridge

    monkeypatch.setitem(sys.modules, "torch", None)  # makes `import torch` raise ImportError
    with pytest.raises(ImportError, match=r'pip install "chainrule\[torch\]"'):
        bridge.to_torch(Network([2, 1]))
