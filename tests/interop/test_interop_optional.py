"""Without PyTorch or scikit-learn installed, the bridges say which extra to install."""
import sys

import pytest

from chainrule import Network


def test_to_torch_without_torch_names_the_extra(monkeypatch):
    from chainrule.interop import torch as bridge

    monkeypatch.setitem(sys.modules, "torch", None)  # makes `import torch` raise ImportError
    with pytest.raises(ImportError, match=r'pip install "chainrule\[torch\]"'):
        bridge.to_torch(Network([2, 1]))


def test_sklearn_estimators_without_sklearn_name_the_extra(monkeypatch):
    import importlib

    for name in [name for name in sys.modules if name.startswith("chainrule.interop.sklearn")]:
        monkeypatch.delitem(sys.modules, name)      # the package and its modules
    monkeypatch.delitem(sys.modules, "chainrule.sklearn", raising=False)
    for name in [name for name in sys.modules if name == "sklearn" or name.startswith("sklearn.")] + ["sklearn"]:
        monkeypatch.setitem(sys.modules, name, None)
    with pytest.raises(ImportError, match=r'pip install "chainrule\[sklearn\]"'):
        importlib.import_module("chainrule.interop.sklearn")
    with pytest.raises(ImportError, match=r'pip install "chainrule\[sklearn\]"'):
        importlib.import_module("chainrule.sklearn")
