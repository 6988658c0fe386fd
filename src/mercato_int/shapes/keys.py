"""Master key documents: `keys status --json`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Self

from mercato_int.shapes.base import Shape

if TYPE_CHECKING:
    from mercato_int.services.credentials.keys import KeyStatus, KeyUse


class StoreRowsShape(Shape):
    """Rows under a key in another store recorded in the key's source."""

    store: str
    rows: int


class KeyUseShape(Shape):
    """One master key: where it comes from, rows under it here, and rows under it in other
    stores (`otherStores` null: that record cannot be read, so none can be ruled out)."""

    key_id: str
    source: str
    active: bool
    rows: int
    other_stores: list[StoreRowsShape] | None
    can_drop: bool

    @classmethod
    def of(cls, obj: KeyUse) -> Self:
        others = obj.other_stores
        return cls(
            key_id=obj.kid,
            source=obj.source,
            active=obj.active,
            rows=obj.rows,
            other_stores=None
            if others is None
            else [StoreRowsShape(store=k, rows=n) for k, n in sorted(others.items())],
            can_drop=obj.can_drop,
        )


class KeyRowsShape(Shape):
    """Rows under a key that no available key opens."""

    key_id: str
    rows: int


class KeyStatusShape(Shape):
    """`keys status --json`: the active key, each key's rows, rows no key opens, where the
    keys were looked for (`lookedIn`, English), and with `--verify` the damaged rows."""

    active_key_id: str | None
    active_key_source: str | None
    keys: list[KeyUseShape]
    unreadable: list[KeyRowsShape]
    unreadable_rows: int
    total_rows: int
    looked_in: str
    verified: bool
    damaged: list[dict[str, str]]

    @classmethod
    def of(cls, obj: KeyStatus) -> Self:
        return cls(
            active_key_id=obj.active.kid if obj.active else None,
            active_key_source=obj.active.source if obj.active else None,
            keys=[KeyUseShape.of(k) for k in obj.keys],
            unreadable=[KeyRowsShape(key_id=k, rows=n) for k, n in obj.unreadable.items()],
            unreadable_rows=sum(obj.unreadable.values()),
            total_rows=obj.total_rows,
            looked_in=obj.places,
            verified=obj.verified,
            damaged=list(obj.damaged),
        )
