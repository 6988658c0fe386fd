"""What autogenerate compares: the tables of store/schema.py, not the monthly partitions of
integration_logs on Postgres (created at run time, store/partitions.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.engine import Connection


def include_name(conn: Connection) -> Callable[..., bool]:
    from mercato_int.store.partitions import partition_names

    skip = partition_names(conn)

    def _include(name: str | None, type_: str, parent_names: Any) -> bool:
        return not (type_ == "table" and name in skip)

    return _include
