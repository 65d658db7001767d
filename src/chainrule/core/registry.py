"""One registry per kind of building block (activations, losses, layers): name -> class, and back from a config.

A kind is a class with a ``name`` and a ``config()``: ``{"name": "leaky_relu", "alpha": 0.3}``, its name and
the arguments that rebuild it. Model files store configs; ``Registry.from_config`` rebuilds the object, so a
parameter never falls back to a default on the way through a file. Adding a kind is its own file plus one line,
``ACTIVATIONS.register(MyActivation)`` (see "Extending chainrule" in the README).

A registry is the sequence of its names in registration order, so ``list(ACTIVATIONS)``, ``ACTIVATIONS[0]`` and
``"relu" in ACTIVATIONS`` read as they did when the registries were a tuple of names and a dict.
"""
from __future__ import annotations

import inspect
from collections.abc import Sequence
from typing import Any, Dict, Generic, Iterator, Mapping, Tuple, Type, TypeVar, Union, overload

from ..errors import ConfigError

T = TypeVar("T")


class Registry(Sequence, Generic[T]):  # type: ignore[type-arg]
    """The kinds of one family (``kind`` is "activation", "loss" or "layer"), each under its ``name``."""

    def __init__(self, kind: str, base: Type[T], aliases: Mapping[str, str] | None = None) -> None:
        self.kind = kind
        self.base = base
        self._classes: Dict[str, Type[T]] = {}
        self._aliases: Dict[str, str] = dict(aliases or {})

    def register(self, cls: Type[T]) -> Type[T]:
        """Add ``cls`` under ``cls.name`` (returns it, so it also works as a class decorator)."""
        if not (isinstance(cls, type) and issubclass(cls, self.base)):
            raise ConfigError(f"{cls!r} is not a subclass of {self.base.__name__}, so it cannot be registered "
                              f"as a kind of {self.kind}")
        name = getattr(cls, "name", None)
        if not isinstance(name, str) or not name:
            raise ConfigError(f"{cls.__name__} needs a `name` (a non-empty string) to be registered as a kind of "
                              f"{self.kind}, it has {name!r}")
        known = self._classes.get(name)
        if known is not None and known is not cls:
            raise ConfigError(f"a {self.kind} named {name!r} is already registered ({known.__qualname__})")
        self._classes[name] = cls
        return cls

    # --- names: what menus and error messages list ---

    def __iter__(self) -> Iterator[str]:
        return iter(self._classes)

    def __contains__(self, name: object) -> bool:
        return name in self._classes

    def __len__(self) -> int:
        return len(self._classes)

    @overload
    def __getitem__(self, index: int) -> str: ...

    @overload
    def __getitem__(self, index: slice) -> Tuple[str, ...]: ...

    def __getitem__(self, index: Union[int, slice]) -> Union[str, Tuple[str, ...]]:
        return tuple(self._classes)[index]

    def names(self) -> Tuple[str, ...]:
        return tuple(self._classes)

    def classes(self) -> Tuple[Type[T], ...]:
        return tuple(self._classes.values())

    def __repr__(self) -> str:
        return f"Registry({self.kind!r}: {', '.join(self._classes)})"

    # --- building ---

    def lookup(self, name: str) -> Type[T]:
        """The class registered under ``name`` (case-insensitive, aliases allowed); ``ConfigError`` naming the
        choices otherwise."""
        key = name.lower()
        key = self._aliases.get(key, key)
        if key not in self._classes:
            raise ConfigError(f"unknown {self.kind} {name!r}; choose one of {', '.join(self._classes)}")
        return self._classes[key]

    def create(self, spec: Any) -> T:
        """An instance from a name (``"sigmoid"``), a config dict (``{"name": "leaky_relu", "alpha": 0.3}``)
        or an instance (returned as it is)."""
        if isinstance(spec, self.base):
            return spec
        if isinstance(spec, str):
            return self.lookup(spec)()
        if isinstance(spec, dict):
            return self.from_config(spec)
        raise ConfigError(f"unknown {self.kind} {str(spec)[:200]}; choose one of {', '.join(self._classes)} "
                          f"(a name, a config dict or a {self.base.__name__})")

    def from_config(self, config: Mapping[str, Any]) -> T:
        """Rebuild what ``obj.config()`` described: ``cls(**arguments)``; a ``ConfigError`` names a missing name,
        an unknown kind or an argument the kind does not take."""
        if not isinstance(config, Mapping) or not isinstance(config.get("name"), str):
            raise ConfigError(f"a {self.kind} config must be a dict with a 'name', got {str(config)[:200]}")
        arguments = {key: value for key, value in config.items() if key != "name"}
        cls = self.lookup(config["name"])
        try:
            inspect.signature(cls).bind(**arguments)
        except TypeError as exc:
            raise ConfigError(f"{self.kind} {config['name']!r} cannot take {arguments}: {exc}") from None
        return cls(**arguments)
