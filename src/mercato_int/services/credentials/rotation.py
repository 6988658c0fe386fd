"""Re-encrypting credentials rows under a new master key, one batch per transaction (the
`keys rotate` loop in keys.py calls it until no row is left under an old key)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, or_, select, true, update

from mercato_int.errors import KeyProblem, msg, scope_msg
from mercato_int.keys import MasterKey, MasterKeys
from mercato_int.keys.envelope import (
    EnvelopeError,
    associated_data,
    envelope_kid,
    open_envelope,
    seal,
)
from mercato_int.scope import TenantScope
from mercato_int.services.credentials import rows
from mercato_int.store.engine import Store
from mercato_int.store.schema import CREDENTIALS as T

# what an envelope check or a re-encryption reads of a row (keyset-paged by id)
ROW_COLUMNS = (
    T.c.id,
    T.c.integration_id,
    T.c.organization_id,
    T.c.tenant_id,
    T.c.encrypted_values,
    T.c.key_id,
    T.c.version,
)


def rotate_batch(
    store: Store, keys: MasterKeys, target: MasterKey, batch_size: int, after: Any
) -> tuple[int, Any]:
    """Re-encrypt up to `batch_size` rows not yet under `target`, in one transaction.
    The write only applies if the row still has the key and version it was read with, so
    a save made meanwhile is never overwritten with stale values (the version is kept:
    the values did not change). Returns (rows done, last id)."""
    with store.session() as session:
        found = session.execute(
            select(*ROW_COLUMNS)
            # the envelope's key id decides (a row whose column and envelope disagree is
            # re-encrypted too, which makes them agree)
            .where(
                or_(
                    rows.envelope_kid_column() != target.kid,
                    T.c.key_id != target.kid,
                    T.c.key_id.is_(None),
                )
            )
            .where(T.c.id > after if after is not None else true())
            .order_by(T.c.id)
            .limit(batch_size)
        ).all()
        if not found:
            return 0, after
        params = []
        for row in found:
            # the envelope names the key it was sealed with, as reads decide (credentials._open)
            old_kid = envelope_kid(row.encrypted_values) or row.key_id
            key = keys.find(old_kid) if old_kid else None
            scope = TenantScope(row.organization_id, row.tenant_id)
            aad = associated_data(row.integration_id, row.organization_id, row.tenant_id)
            if key is None:
                raise KeyProblem(
                    msg(
                        "creds.keys.err.rotate_row_no_key",
                        integration=row.integration_id,
                        scope=scope_msg(scope),
                        kid=old_kid,
                        places=keys.places_text(),
                    )
                )
            try:
                values = open_envelope(row.encrypted_values, key=key.material, aad=aad)
            except EnvelopeError as exc:
                raise KeyProblem(
                    msg(
                        "creds.keys.err.rotate_row",
                        integration=row.integration_id,
                        scope=scope_msg(scope),
                        reason=exc,
                    ),
                    hint=msg(
                        "creds.keys.hint.rotate_row",
                        integration=row.integration_id,
                        flags=scope.cli_flags(),
                    ),
                ) from None
            params.append(
                {
                    "b_id": row.id,
                    "b_old": row.key_id,
                    "b_ver": row.version,
                    "b_env": seal(values, key=target.material, kid=target.kid, aad=aad),
                    "b_kid": target.kid,
                }
            )
        stmt = (
            update(T)
            .where(T.c.id == bindparam("b_id"))
            .where(T.c.key_id.is_not_distinct_from(bindparam("b_old")))
            .where(T.c.version == bindparam("b_ver"))
            .values(encrypted_values=bindparam("b_env"), key_id=bindparam("b_kid"))
        )
        session.connection().execute(stmt, params)
        return len(found), found[-1].id
