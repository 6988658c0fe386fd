"""Per-tenant settings (`settings list|get|set`): a small, validated set of keys such as
`log.retention_days`, stored in integration_settings and upserted atomically."""

from __future__ import annotations

import builtins
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from mercato_int.errors import InvalidInput, NotFound, msg
from mercato_int.scope import TenantScope
from mercato_int.services.features import MANAGE, VIEW
from mercato_int.services.policy import Guard, requires
from mercato_int.store.engine import Store
from mercato_int.store.schema import SETTINGS


@dataclass(frozen=True)
class SettingSpec:
    key: str
    default: int
    minimum: int
    maximum: int
    help: str

    def parse(self, raw: Any) -> int:
        """A valid value from user input (text or number), or InvalidInput."""
        text = str(raw).strip()
        if isinstance(raw, bool) or not text.lstrip("+").isdigit():
            raise InvalidInput(
                msg("logs.settings.not_days", name=self.key, raw=raw),
                hint=msg("logs.settings.not_days_hint", minimum=self.minimum, maximum=self.maximum),
            )
        value = int(text)
        if not self.minimum <= value <= self.maximum:
            bounds = {"minimum": self.minimum, "maximum": self.maximum}
            raise InvalidInput(
                msg("logs.settings.out_of_range", name=self.key, value=value, **bounds),
                hint=msg("logs.settings.out_of_range_hint", **bounds),
            )
        return value


SPECS: dict[str, SettingSpec] = {
    s.key: s
    for s in (
        SettingSpec("log.retention_days", 30, 1, 3650, "days to keep log entries below error"),
        SettingSpec("log.error_retention_days", 90, 1, 3650, "days to keep error entries"),
    )
}


@dataclass(frozen=True)
class SettingValue:
    key: str
    value: int
    default: int
    is_default: bool
    help: str
    updated_at: datetime | None = None
    updated_by: str | None = None


def spec_for(key: str) -> SettingSpec:
    try:
        return SPECS[key]
    except KeyError:
        raise NotFound(
            msg("logs.settings.unknown", name=key),
            hint=msg("logs.settings.unknown_hint", known=", ".join(sorted(SPECS))),
        ) from None


class TenantSettingsService:
    def __init__(self, *, guard: Guard, store: Store, clock: Callable[[], datetime]) -> None:
        self.guard = guard
        self.store = store
        self.clock = clock

    @requires(VIEW)
    def list(self, *, scope: TenantScope) -> list[SettingValue]:
        """Every known setting with its value in the scope (or its default)."""
        stmt = sa.select(
            SETTINGS.c.key, SETTINGS.c.value, SETTINGS.c.updated_at, SETTINGS.c.updated_by
        ).where(
            SETTINGS.c.tenant_id == scope.tenant_id,
            SETTINGS.c.organization_id == scope.organization_id,
        )
        with self.store.engine.connect() as conn:
            stored = {r.key: r for r in conn.execute(stmt)}
        values = []
        for key, spec in sorted(SPECS.items()):
            row = stored.get(key)
            if row is None or not _valid(spec, row.value):
                values.append(SettingValue(key, spec.default, spec.default, True, spec.help))
            else:
                values.append(
                    SettingValue(
                        key,
                        int(row.value),
                        spec.default,
                        False,
                        spec.help,
                        row.updated_at,
                        row.updated_by,
                    )
                )
        return values

    @requires(VIEW)
    def get(self, *, scope: TenantScope, key: str) -> SettingValue:
        spec_for(key)
        return next(v for v in self.list(scope=scope) if v.key == key)

    @requires(VIEW)
    def value(self, *, scope: TenantScope, key: str) -> int:
        return self.get(scope=scope, key=key).value

    @requires(MANAGE)
    def set(self, *, scope: TenantScope, key: str, value: Any, actor: str | None) -> SettingValue:
        """Validate and store a value for the scope (an atomic upsert)."""
        spec = spec_for(key)
        parsed = spec.parse(value)
        dialect = self.store.dialect
        insert: Callable[..., Any]  # the dialect's INSERT, with ON CONFLICT
        if dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        now = self.clock()
        import uuid

        stmt = insert(SETTINGS).values(
            id=uuid.uuid4(),
            key=key,
            value=parsed,
            organization_id=scope.organization_id,
            tenant_id=scope.tenant_id,
            updated_at=now,
            updated_by=actor,
        )
        stmt = stmt.on_conflict_do_update(
            index_elements=["organization_id", "tenant_id", "key"],
            set_={"value": parsed, "updated_at": now, "updated_by": actor},
        )
        with self.store.engine.begin() as conn:
            conn.execute(stmt)
        return self.get(scope=scope, key=key)

    @requires(MANAGE)
    def unset(self, *, scope: TenantScope, key: str) -> SettingValue:
        """Remove the scope's value, so the default applies again (nothing to remove is fine)."""
        spec_for(key)
        stmt = sa.delete(SETTINGS).where(
            SETTINGS.c.tenant_id == scope.tenant_id,
            SETTINGS.c.organization_id == scope.organization_id,
            SETTINGS.c.key == key,
        )
        with self.store.engine.begin() as conn:
            conn.execute(stmt)
        return self.get(scope=scope, key=key)

    @requires(VIEW)
    def errors_kept_shorter(self, *, scope: TenantScope) -> tuple[int, int] | None:
        """(error days, general days) when `error` entries are kept for less time than the
        other levels in `scope` (the policy then deletes errors first), else None."""
        values = {v.key: v.value for v in self.list(scope=scope)}
        errors, general = values["log.error_retention_days"], values["log.retention_days"]
        return (errors, general) if errors < general else None

    def scopes(self) -> builtins.list[TenantScope]:  # `list` here is the method above
        """Every (organization, tenant) with a stored setting."""
        stmt = sa.select(SETTINGS.c.organization_id, SETTINGS.c.tenant_id).distinct()
        with self.store.engine.connect() as conn:
            return [TenantScope(o, t) for o, t in sorted(conn.execute(stmt).all())]


def _valid(spec: SettingSpec, value: Any) -> bool:
    try:
        spec.parse(value)
    except InvalidInput:
        return False
    return True
