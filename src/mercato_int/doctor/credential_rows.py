"""`doctor --deep`: every credential row opened with its key, in batches (values discarded)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from mercato_int.keys import MasterKeys

BATCH = 500


def damaged_rows(engine: Engine, keys: MasterKeys) -> list[str]:
    """`integration · tenant · org` of every row whose key is here but does not open it, read
    in batches of BATCH rows (values discarded)."""
    from sqlalchemy import select, true

    from mercato_int.keys.envelope import (
        EnvelopeError,
        associated_data,
        envelope_kid,
        open_envelope,
    )
    from mercato_int.services.credentials.rotation import ROW_COLUMNS, T

    out: list[str] = []
    after: Any = None
    while True:
        with engine.connect() as conn:
            found = conn.execute(
                select(*ROW_COLUMNS)
                .where(T.c.id > after if after is not None else true())
                .order_by(T.c.id)
                .limit(BATCH)
            ).all()
        if not found:
            return out
        after = found[-1].id
        for row in found:
            kid = envelope_kid(row.encrypted_values) or row.key_id
            key = keys.find(kid) if kid else None
            aad = associated_data(row.integration_id, row.organization_id, row.tenant_id)
            try:
                if key is None:
                    raise EnvelopeError("no key")
                open_envelope(row.encrypted_values, key=key.material, aad=aad)
            except EnvelopeError:
                out.append(f"{row.integration_id} · {row.tenant_id} · {row.organization_id}")
