"""How a Network holds its layers: the Dense layers in order (``Network.layers``), the full stack the forward
pass runs through (``Network.stack``: the Dense layers with any layer without weights between them, such as
Dropout), and ``Network.weights`` / ``Network.biases``, lists of the Dense layers' own arrays.
"""
from __future__ import annotations

from typing import Any, List, Optional, Sequence

from ..errors import ConfigError
from .layers import LAYERS, Dense, Dropout, Layer


class ParameterList(list):  # type: ignore[type-arg]
    """``net.weights`` (or ``net.biases``): a plain list of the layers' arrays, the same objects the layers
    compute with. Assigning an item (``net.weights[0] = new_W``) hands the new array to its layer too, and
    indexing into an array (``net.weights[0][1, 0] = 0.5``) changes the layer's array, since it is the same one."""

    def __init__(self, layers: Sequence[Dense], attribute: str) -> None:
        super().__init__(getattr(layer, attribute) for layer in layers)
        self._layers = list(layers)
        self._attribute = attribute

    def __setitem__(self, index: Any, value: Any) -> None:
        before = len(self)
        super().__setitem__(index, value)
        if len(self) != before:
            super().__setitem__(slice(None), [getattr(layer, self._attribute) for layer in self._layers])
            raise ConfigError(f"the network has {before} layers: assign arrays to its {self._attribute} "
                              f"lists item by item, never change their length")
        for layer, array in zip(self._layers, list.__iter__(self)):
            setattr(layer, self._attribute, array)


def build_stack(dense: List[Dense], stack: Optional[Sequence[Any]], dropout: float) -> List[Layer]:
    """The forward pass's layers: ``stack`` lists them, each ``"dense"`` standing for the next Dense layer and
    anything else a layer (a name, a config dict or a ``Layer``) placed there; ``dropout=p`` is the stack with a
    ``Dropout(p)`` after every hidden layer. Neither: the Dense layers alone."""
    if stack is not None and dropout:
        raise ConfigError("give dropout= or stack=, not both (a stack lists its Dropout layers itself)")
    if stack is None:
        if not dropout:
            return list(dense)
        Dropout(dropout)   # checks the rate once, with its message
        stack = [item for i in range(len(dense)) for item in
                 (["dense", {"name": "dropout", "rate": dropout}] if i < len(dense) - 1 else ["dense"])]
    if isinstance(stack, (str, bytes)) or not isinstance(stack, Sequence):
        raise ConfigError(f"stack must be a list of layers such as ['dense', {{'name': 'dropout', 'rate': 0.2}}, "
                          f"'dense'], got {str(stack)[:200]}")
    layers: List[Layer] = []
    remaining = iter(dense)
    n_dense = 0
    for item in stack:
        name = item.get("name") if isinstance(item, dict) else item
        if name == "dense" or isinstance(item, Dense):
            n_dense += 1
            layer: Optional[Layer] = next(remaining, None)
            if layer is None:
                break
        else:
            layer = LAYERS.create(item)
        layers.append(layer)
    if n_dense != len(dense):
        raise ConfigError(f"the stack has {n_dense} 'dense' entries for the network's {len(dense)} layers")
    return layers


def copy_layer(layer: Layer) -> Layer:
    """A fresh layer of the same kind and parameters (no saved arrays), for ``Network.astype``."""
    return LAYERS.from_config(layer.config())

