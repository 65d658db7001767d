"""Layers, one kind per file (base.py says what a layer is): ``Dense`` (weights, an activation, the guide's five
backward steps) and ``Dropout``.

``LAYERS`` is their registry: ``LAYERS.from_config({"name": "dropout", "rate": 0.2})``. A new kind is one file
here plus one ``LAYERS.register(...)`` line below; ``Network(sizes, stack=[...])`` places it.
"""
from ..registry import Registry
from .base import Layer
from .dense import Dense
from .dropout import Dropout

LAYERS: Registry[Layer] = Registry("layer", Layer)
LAYERS.register(Dense)
LAYERS.register(Dropout)

__all__ = ["Dense", "Dropout", "LAYERS", "Layer"]
