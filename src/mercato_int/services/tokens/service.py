"""Bearer tokens of the HTTP API (`mercato-int tokens …`, issue 13).

A token is `mit_` and 256 random bits (`secrets.token_urlsafe(32)`), bound to an actor and one
(tenant, organization) when it is created. The store keeps only its SHA-256 (hex) and its first
characters (`prefix`, which names it in `tokens list` and `tokens revoke`); the token itself is
shown once, by `create`, and never stored, logged or echoed.

`authenticate` finds the token by its hash on every call (no cache, so a revocation applies to
the next request), refuses it when expired or revoked, and stamps `last_used_at` at most once a
minute. It grants nothing: the API then makes every service call as the token's actor, in the
token's scope, through the normal checks against the tenant's current policy.
"""

from __future__ import annotations

import builtins
import hashlib
import hmac
import logging
import re
import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import bindparam, or_, select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from mercato_int.errors import InvalidInput, NotFound, StoreError, Unauthenticated, msg, scope_msg
from mercato_int.scope import TenantScope
from mercato_int.services.features import MANAGE
from mercato_int.services.policy import Guard, requires
from mercato_int.shapes.base import utc_or_none
from mercato_int.store.engine import Store, rowcount
from mercato_int.store.schema import API_TOKENS

if TYPE_CHECKING:
    from mercato_int.services.events import EventsService

# a whole token somewhere in what was pasted; an id (hex or with dashes) or a prefix
_TOKEN_IN = re.compile(r"mit_[A-Za-z0-9_-]{20,}")
_REF = re.compile(r"[A-Za-z0-9_-]{0,36}")
MARKER = "mit_"  # what every token starts with: recognisable by secret scanners and people
RANDOM_BYTES = 32  # 256 bits
PREFIX_CHARS = 8  # of the random part, kept (with the marker) as the token's visible name
MIN_REF = 4  # characters of an id or prefix (after the marker) that `revoke` accepts
TOUCH_EVERY = timedelta(seconds=60)  # last_used_at is written at most this often per token
TOUCH_WAIT_MS = 200  # how long the stamp waits for another writer of a SQLite store
DEFAULT_EXPIRY = timedelta(days=90)  # what `tokens create` uses without --expires
log = logging.getLogger(__name__)
NAME_MAX: int = getattr(API_TOKENS.c.name.type, "length", None) or 100


# built once: `authenticate` runs on every API request
_BY_HASH = select(API_TOKENS).where(API_TOKENS.c.token_hash == bindparam("token_hash"))


@dataclass(frozen=True)
class ApiPrincipal:
    """Who a valid token lets in: its actor, always in the token's own scope."""

    token_id: str
    name: str
    actor: str
    scope: TenantScope


@dataclass(frozen=True)
class TokenRecord:
    """A stored token as `tokens list` shows it: never the token, never its hash."""

    id: str
    name: str
    actor: str
    scope: TenantScope
    prefix: str
    created_at: datetime
    created_by: str | None
    expires_at: datetime | None
    revoked_at: datetime | None
    last_used_at: datetime | None

    def status(self, now: datetime) -> str:
        """`revoked`, `expired` or `active` at `now`."""
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at is not None and self.expires_at <= now:
            return "expired"
        return "active"


def hash_token(raw: str) -> str:
    """SHA-256 (hex) of the whole token: what the store keeps."""
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def new_token() -> tuple[str, str]:
    """A fresh token and its prefix (the marker and the first characters of the random part)."""
    raw = MARKER + secrets.token_urlsafe(RANDOM_BYTES)
    return raw, raw[: len(MARKER) + PREFIX_CHARS]


class TokenService:
    """Create, list and revoke a tenant's API tokens; authenticate one on each request."""

    def __init__(
        self,
        *,
        guard: Guard,
        store: Store,
        clock: Callable[[], datetime],
        events: Callable[[], EventsService],
    ) -> None:
        self.guard = guard
        self.store = store
        self.clock = clock
        self._events = events

    @requires(MANAGE)
    def create(
        self,
        scope: TenantScope,
        name: str,
        *,
        actor: str | None = None,
        expires_at: datetime | None,
    ) -> tuple[TokenRecord, str]:
        """A new token for `actor` (default: the caller) in `scope`: its record and the token
        itself, which nothing can show again. `expires_at` None: it never expires.
        Recorded as `integrations.tokens.created` (never with the token or its hash)."""
        from mercato_int.services.events import TOKEN_CREATED
        from mercato_int.settings import check_identifier
        from mercato_int.store.tables import ApiToken

        name = _check_name(name)
        by = self.guard.caller.actor
        actor = check_identifier(actor if actor is not None else by, "actor")
        now = self.clock()
        if expires_at is not None and expires_at.tzinfo is None:
            expires_at = expires_at.replace(tzinfo=UTC)  # a naive time is UTC, as everywhere
        if expires_at is not None and expires_at <= now:
            raise InvalidInput(
                msg("tokens.err.expires_past", at=utc_or_none(expires_at)),
                hint=msg("tokens.hint.expires"),
            )
        for attempt in range(3):  # a prefix taken already (2^-48 a pair): draw again
            raw, prefix = new_token()
            row = ApiToken(
                id=uuid.uuid4(),
                name=name,
                actor=actor,
                organization_id=scope.organization_id,
                tenant_id=scope.tenant_id,
                prefix=prefix,
                token_hash=hash_token(raw),
                created_at=now,
                created_by=by,
                expires_at=expires_at,
            )
            record = _record(row)
            try:
                with self.store.session() as session:
                    session.add(row)
                    session.flush()
                    event = self._record_event(session, TOKEN_CREATED, record, by)
            except IntegrityError:
                if attempt == 2:
                    raise
                continue
            self._events().deliver([event])
            return record, raw
        raise AssertionError("unreachable")  # pragma: no cover

    @requires(MANAGE)
    def list(self, scope: TenantScope) -> builtins.list[TokenRecord]:
        """Every token of `scope`, oldest first, revoked and expired ones too."""
        with self.store.connect() as conn:
            rows = conn.execute(
                select(API_TOKENS)
                .where(*_in(scope))
                .order_by(API_TOKENS.c.created_at, API_TOKENS.c.prefix)
            ).all()
        return [_record(r) for r in rows]

    @requires(MANAGE)
    def revoke(self, scope: TenantScope, ref: str) -> TokenRecord:
        """Revoke the token of `scope` that `ref` names: its id, its prefix (with or without
        `mit_`), the start of either, or the whole token. Effective on the next authenticate.
        NotFound when nothing in `scope` matches; InvalidInput when `ref` is too short or
        matches several. A token revoked already stays as it was (no second event)."""
        from mercato_int.services.events import TOKEN_REVOKED

        by = self.guard.caller.actor
        now = self.clock()
        with self.store.session() as session:
            row = self._find(session, scope, ref)
            record = _record(row)
            if row.revoked_at is not None:
                return record
            done = session.execute(
                update(API_TOKENS)
                .where(API_TOKENS.c.id == row.id, API_TOKENS.c.revoked_at.is_(None))
                .values(revoked_at=now)
            )
            if not rowcount(done):  # revoked by someone else meanwhile: theirs is the event
                return _record(
                    session.execute(select(API_TOKENS).where(API_TOKENS.c.id == row.id)).one()
                )
            record = _replace_revoked(record, now)
            event = self._record_event(session, TOKEN_REVOKED, record, by)
        self._events().deliver([event])
        return record

    def authenticate(self, raw: str) -> ApiPrincipal:
        """The principal of a valid token; Unauthenticated (code `tokens.err.missing`,
        `unknown`, `expired` or `revoked`) otherwise. Looks the token up by its hash every
        time (a revocation applies at once); writes `last_used_at` when it is a minute old."""
        raw = (raw or "").strip()
        if not raw:
            raise _refused("missing")
        if not raw.startswith(MARKER) or len(raw) > 200:
            raise _refused("unknown")
        digest = hash_token(raw)
        now = self.clock()
        with self.store.connect() as conn:
            row = conn.execute(_BY_HASH, {"token_hash": digest}).first()
            if row is None or not hmac.compare_digest(row.token_hash, digest):
                raise _refused("unknown")
            if row.revoked_at is not None:
                raise _refused("revoked", prefix=row.prefix, at=utc_or_none(row.revoked_at))
            if row.expires_at is not None and row.expires_at <= now:
                raise _refused("expired", prefix=row.prefix, at=utc_or_none(row.expires_at))
            if row.last_used_at is None or now - row.last_used_at >= TOUCH_EVERY:
                _touch(conn, row.id, now)
        return ApiPrincipal(
            token_id=_id_text(row.id),
            name=row.name,
            actor=row.actor,
            scope=TenantScope(organization_id=row.organization_id, tenant_id=row.tenant_id),
        )

    # --- helpers ----------------------------------------------------------------------------
    def _find(self, session: Any, scope: TenantScope, ref: str) -> Any:
        given = (ref or "").strip()
        pasted = _TOKEN_IN.search(given)  # a token inside `Bearer …`, quotes, a header line
        if pasted and len(pasted.group(0)) > len(MARKER) + PREFIX_CHARS:
            given = pasted.group(0)
        bare = given.removeprefix(MARKER)
        if not given.startswith(MARKER) and not _REF.fullmatch(bare):
            # not an id or a prefix (too long, or characters neither has): perhaps a token
            # without its marker; never echoed
            raise NotFound(
                msg("tokens.err.not_found_token", scope=scope_msg(scope)),
                hint=msg("tokens.hint.list", flags=scope.cli_flags()),
            )
        if given.startswith(MARKER) and len(given) > len(MARKER) + PREFIX_CHARS:
            # a whole token (one that leaked, say): found by its hash, never echoed
            row = session.execute(
                select(API_TOKENS).where(*_in(scope), API_TOKENS.c.token_hash == hash_token(given))
            ).first()
            if row is None:
                raise NotFound(
                    msg("tokens.err.not_found_token", scope=scope_msg(scope)),
                    hint=msg("tokens.hint.list", flags=scope.cli_flags()),
                )
            return row
        if len(bare) < MIN_REF:
            raise InvalidInput(
                msg("tokens.err.ref_short", ref=given, n=MIN_REF),
                hint=msg("tokens.hint.list", flags=scope.cli_flags()),
            )
        rows = session.execute(
            select(API_TOKENS).where(*_in(scope)).order_by(API_TOKENS.c.created_at)
        ).all()
        exact = [r for r in rows if _id_text(r.id) == bare.lower() or r.prefix == MARKER + bare]
        found = exact or [
            r
            for r in rows
            if _id_text(r.id).startswith(bare.lower()) or r.prefix.startswith(MARKER + bare)
        ]
        if not found:
            raise NotFound(
                msg("tokens.err.not_found", ref=given, scope=scope_msg(scope)),
                hint=msg("tokens.hint.list", flags=scope.cli_flags()),
            )
        if len(found) > 1:
            raise InvalidInput(
                msg(
                    "tokens.err.ambiguous",
                    ref=given,
                    n=len(found),
                    scope=scope_msg(scope),
                    prefixes=", ".join(r.prefix for r in found),
                ),
                hint=msg("tokens.hint.ambiguous"),
            )
        return found[0]

    def _record_event(self, session: Any, type: str, record: TokenRecord, by: str) -> Any:
        return self._events().record(
            session,
            type,
            scope=record.scope,
            actor=by,
            subject_id=None,
            payload={
                "id": record.id,
                "name": record.name,
                "prefix": record.prefix,
                "actor": record.actor,
                **(
                    {"expiresAt": utc_or_none(record.expires_at)}
                    if type.endswith("created")
                    else {}
                ),
            },
        )


def _touch(conn: Any, token_id: Any, now: datetime) -> None:
    """Stamp `last_used_at`, unless another request did within the minute (the condition is in
    the UPDATE). Best effort: a store that is busy or read-only for a moment must not turn a
    valid token away, so a failed stamp is dropped (the next request tries again)."""
    stale = or_(
        API_TOKENS.c.last_used_at.is_(None),
        API_TOKENS.c.last_used_at <= now - TOUCH_EVERY,
    )
    sqlite = conn.dialect.name == "sqlite"
    try:
        if sqlite:  # wait a moment for another writer, not the store's full busy timeout
            conn.exec_driver_sql(f"PRAGMA busy_timeout = {TOUCH_WAIT_MS}")
        conn.execute(
            update(API_TOKENS).where(API_TOKENS.c.id == token_id, stale).values(last_used_at=now)
        )
        conn.commit()
    except (SQLAlchemyError, StoreError) as exc:
        conn.rollback()
        log.debug("last_used_at of token %s not written: %s", token_id, type(exc).__name__)
    finally:
        if sqlite:
            from mercato_int.store.sqlite_files import BUSY_TIMEOUT_MS

            conn.exec_driver_sql(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")


def _in(scope: TenantScope) -> tuple[Any, Any]:
    return (
        API_TOKENS.c.organization_id == scope.organization_id,
        API_TOKENS.c.tenant_id == scope.tenant_id,
    )


def _check_name(name: str) -> str:
    name = (name or "").strip()
    if not name or len(name) > NAME_MAX or not name.isprintable():
        raise InvalidInput(msg("tokens.err.bad_name", n=NAME_MAX))
    return name


def _refused(reason: str, **params: Any) -> Unauthenticated:
    code = f"tokens.err.{reason}"
    return Unauthenticated(code=code, params=params, hint_code="tokens.hint.auth")


def _record(row: Any) -> TokenRecord:
    return TokenRecord(
        id=_id_text(row.id),
        name=row.name,
        actor=row.actor,
        scope=TenantScope(organization_id=row.organization_id, tenant_id=row.tenant_id),
        prefix=row.prefix,
        created_at=row.created_at,
        created_by=row.created_by,
        expires_at=row.expires_at,
        revoked_at=row.revoked_at,
        last_used_at=row.last_used_at,
    )


def _replace_revoked(record: TokenRecord, at: datetime) -> TokenRecord:
    from dataclasses import replace

    return replace(record, revoked_at=at)


def _id_text(value: Any) -> str:
    # Postgres hands back a UUID, SQLite the 32 hex digits the ORM stored
    return str(value if isinstance(value, uuid.UUID) else uuid.UUID(str(value)))
