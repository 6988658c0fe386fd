"""Dialect options of a table or index, attached without loading that dialect until something
asks for them.

SQLAlchemy checks a `postgresql_*` keyword of `Table` or `Index` when the object is made, by
loading the Postgres dialect (the package imports every driver's module: ~20 ms of CPU). The
store's schema has three such options, so every command paid for it on SQLite too, the TUI's
first paint among them. `later(obj, postgresql_ops=...)` keeps them back: they are set, and
checked as SQLAlchemy checks them, the first time that dialect's options of `obj` are looked up
(`obj.dialect_options["postgresql"]`: the Postgres DDL compiler, `get_dialect_option`) or all
of its options are listed (`dialect_kwargs`, `kwargs`, `to_metadata`, Alembic's comparisons).
Looking up another dialect's options (SQLite's) loads nothing more."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from sqlalchemy.exc import ArgumentError
from sqlalchemy.util import PopulateDict


class _Later(PopulateDict[str, Any]):
    """`dialect_options` of one object, with some dialects' options still to be set."""

    def __init__(self, creator: Callable[[str], Any], pending: dict[str, dict[str, Any]]):
        super().__init__(creator)
        self.pending = pending

    def __missing__(self, key: str) -> Any:
        options = super().__missing__(key)  # loads the dialect, with its defaults
        _set(options, key, self.pending.pop(key, {}))
        return options

    def settle(self) -> None:
        """Every option set (their dialects loaded): before the whole collection is read."""
        for key in list(self.pending):
            self[key]

    def __contains__(self, key: object) -> bool:
        return key in self.pending or super().__contains__(key)

    def __iter__(self) -> Iterator[str]:
        self.settle()
        return super().__iter__()

    def __len__(self) -> int:
        self.settle()
        return super().__len__()

    def keys(self) -> Any:
        self.settle()
        return super().keys()

    def values(self) -> Any:
        self.settle()
        return super().values()

    def items(self) -> Any:
        self.settle()
        return super().items()

    def get(self, key: str, default: Any = None) -> Any:  # dict.get skips __missing__
        return self[key] if key in self else default  # noqa: SIM401


def later(obj: Any, **options: Any) -> Any:
    """Give `obj` (a Table or Index) `options` (`<dialect>_<argument>=value`, as its
    constructor takes them) when their dialect's options are first asked for; returns `obj`."""
    pending: dict[str, dict[str, Any]] = {}
    for key, value in options.items():
        match = re.match(r"^(.+?)_(.+)$", key)
        if match is None:
            raise TypeError(f"dialect options are named <dialect>_<argument>, got {key!r}")
        pending.setdefault(match[1], {})[match[2]] = value
    current = obj.dialect_options  # what the constructor set (e.g. sqlite_autoincrement)
    deferred = _Later(obj._kw_reg_for_dialect_cls, pending)
    for key, loaded in current.items():
        deferred[key] = loaded
        _set(loaded, key, pending.pop(key, {}))  # that dialect is loaded already: now
    obj.__dict__["dialect_options"] = deferred
    return obj


def _set(options: Any, dialect: str, values: dict[str, Any]) -> None:
    """Set `values` in one dialect's options of an object, checked as SQLAlchemy checks a
    constructor's keywords."""
    for name, value in values.items():
        if "*" not in options and name not in options:
            raise ArgumentError(f"Argument '{dialect}_{name}' is not accepted by {dialect!r}")
        options[name] = value
