"""API tokens in the core: created, found by hash only, refused when unknown, tampered with,
expired or revoked (distinguishably, for logs), last_used_at written at most once a minute,
and create/list/revoke under the tenant's policy. On a real SQLite file and on Postgres."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from mercato_int.errors import InvalidInput, NotAllowed, NotFound, Unauthenticated
from mercato_int.scope import TenantScope
from mercato_int.services import Services
from mercato_int.services.tokens import ApiPrincipal, TokenRecord
from mercato_int.services.tokens.service import hash_token
from mercato_int.settings import Settings
from mercato_int.shapes.events import EventShape

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
SCOPE = TenantScope("org1", "acme")
OTHER = TenantScope("org1", "globex")


class Clock:
    def __init__(self, now: datetime = T0) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def svc(db_url: str, monkeypatch: pytest.MonkeyPatch, clock: Clock):
    monkeypatch.setenv("MERCATO_INT_DATABASE_URL", db_url)
    services = Services(Settings.load(), clock=clock)
    yield services
    services.close()


def _reason(svc: Services, raw: str) -> tuple[str | None, str]:
    with pytest.raises(Unauthenticated) as refused:
        svc.tokens.authenticate(raw)
    return refused.value.code, refused.value.reason


def _row(svc: Services, token_id: str) -> sa.Row:
    from mercato_int.store.schema import API_TOKENS

    with svc.store.connect() as conn:
        rows = conn.execute(sa.select(API_TOKENS)).all()
    return next(r for r in rows if str(r.id).replace("-", "") == token_id.replace("-", ""))


def test_create_authenticate_revoke_then_refused(svc: Services, clock: Clock) -> None:
    record, raw = svc.tokens.create(SCOPE, "ci deploy", actor="deployer", expires_at=None)
    assert isinstance(record, TokenRecord)
    assert raw.startswith("mit_") and len(raw) == 4 + 43  # 32 random bytes, base64url
    assert record.prefix == raw[:12]
    assert (record.name, record.actor, record.scope, record.created_by) == (
        "ci deploy",
        "deployer",
        SCOPE,
        "tester",
    )
    assert svc.tokens.authenticate(raw) == ApiPrincipal(
        token_id=record.id, name="ci deploy", actor="deployer", scope=SCOPE
    )
    assert svc.tokens.authenticate(f"  {raw} ").actor == "deployer"  # header whitespace
    clock.now += timedelta(minutes=5)
    revoked = svc.tokens.revoke(SCOPE, record.prefix)
    assert revoked.revoked_at == clock.now
    assert _reason(svc, raw) == ("tokens.err.revoked", "revoked")
    # a second revoke changes nothing (and records no second event)
    clock.now += timedelta(minutes=5)
    assert svc.tokens.revoke(SCOPE, record.id).revoked_at == revoked.revoked_at
    events, _ = svc.events.query(SCOPE, types=["integrations.tokens.revoked"])
    assert len(events) == 1


def test_each_refusal_has_its_own_code_and_none_names_the_token(
    svc: Services, clock: Clock
) -> None:
    record, raw = svc.tokens.create(SCOPE, "short", expires_at=T0 + timedelta(hours=1))
    tampered = raw[:-1] + ("A" if raw[-1] != "A" else "B")
    cases = {
        "": "missing",
        "   ": "missing",
        "Bearer " + raw: "unknown",  # the header's scheme is the API's to strip, not ours
        tampered: "unknown",
        raw.removeprefix("mit_"): "unknown",
        "mit_" + "x" * 43: "unknown",
        "mit_" + "x" * 5000: "unknown",
    }
    for given, reason in cases.items():
        with pytest.raises(Unauthenticated) as refused:
            svc.tokens.authenticate(given)
        assert refused.value.reason == reason, given
        assert refused.value.code == f"tokens.err.{reason}"
        text = str(refused.value)
        assert raw not in text and raw[12:] not in text and hash_token(raw) not in text
    assert svc.tokens.authenticate(raw).token_id == record.id
    clock.now = T0 + timedelta(hours=1)  # expiry is exclusive: at expires_at it is over
    assert _reason(svc, raw) == ("tokens.err.expired", "expired")
    with pytest.raises(Unauthenticated) as refused:
        svc.tokens.authenticate(raw)
    assert refused.value.params == {"prefix": record.prefix, "at": "2026-03-01T13:00:00Z"}
    from mercato_int import i18n  # worded when shown, in the language then chosen

    english = str(refused.value)
    i18n.choose("pl")
    try:
        assert str(refused.value) not in ("", english)
    finally:
        i18n.reset()


def test_the_store_holds_only_the_hash(svc: Services, db_url: str, clock: Clock) -> None:
    record, raw = svc.tokens.create(SCOPE, "secret-check", expires_at=None)
    svc.tokens.authenticate(raw)
    clock.now += timedelta(seconds=1)
    svc.tokens.revoke(SCOPE, record.prefix)
    row = _row(svc, record.id)
    assert row.token_hash == hash_token(raw) and len(row.token_hash) == 64
    assert raw not in [str(v) for v in row]
    events, _ = svc.events.query(SCOPE)
    assert [e.type for e in events] == [
        "integrations.tokens.created",
        "integrations.tokens.revoked",
    ]
    assert events[0].payload == {
        "id": record.id,
        "name": "secret-check",
        "prefix": record.prefix,
        "actor": "tester",
        "expiresAt": None,
    }
    assert set(events[1].payload) == {"id", "name", "prefix", "actor"}
    for e in events:
        doc = str(EventShape.of(e).document())
        assert raw[12:] not in doc and row.token_hash not in doc
    if db_url.startswith("sqlite"):
        svc.close()  # everything checkpointed into the file
        data = b"".join(
            p.read_bytes() for p in Path(db_url.removeprefix("sqlite:///")).parent.glob("store.db*")
        )
        assert raw.encode() not in data
        assert raw[12:].encode() not in data  # not even the secret part alone
        assert hash_token(raw).encode() in data  # the search would have found it


def test_last_used_is_written_at_most_once_a_minute(svc: Services, clock: Clock) -> None:
    record, raw = svc.tokens.create(SCOPE, "busy", expires_at=None)
    assert _row(svc, record.id).last_used_at is None
    svc.tokens.authenticate(raw)
    assert _row(svc, record.id).last_used_at == T0
    clock.now = T0 + timedelta(seconds=59)
    svc.tokens.authenticate(raw)
    assert _row(svc, record.id).last_used_at == T0  # not written again within the minute
    clock.now = T0 + timedelta(seconds=60)
    svc.tokens.authenticate(raw)
    assert _row(svc, record.id).last_used_at == T0 + timedelta(seconds=60)
    (listed,) = svc.tokens.list(SCOPE)
    assert listed.last_used_at == T0 + timedelta(seconds=60)


def test_revoke_finds_a_token_by_id_prefix_start_or_the_whole_token(svc: Services) -> None:
    first, raw1 = svc.tokens.create(SCOPE, "one", expires_at=None)
    second, raw2 = svc.tokens.create(SCOPE, "two", expires_at=None)
    third, raw3 = svc.tokens.create(SCOPE, "three", expires_at=None)
    foreign, raw4 = svc.tokens.create(OTHER, "theirs", expires_at=None)
    assert svc.tokens.revoke(SCOPE, first.id).id == first.id
    assert svc.tokens.revoke(SCOPE, second.prefix.removeprefix("mit_")).id == second.id
    assert svc.tokens.revoke(SCOPE, raw3).id == third.id  # a leaked token, pasted whole
    # another tenant's token is not found from here, by any name, and stays valid
    for ref in (foreign.id, foreign.prefix, raw4):
        with pytest.raises(NotFound) as missing:
            svc.tokens.revoke(SCOPE, ref)
        assert raw4 not in str(missing.value)
    assert svc.tokens.authenticate(raw4).scope == OTHER
    for raw in (raw1, raw2, raw3):
        assert _reason(svc, raw)[1] == "revoked"
    with pytest.raises(InvalidInput, match="too short"):
        svc.tokens.revoke(SCOPE, "mit_ab")
    assert sorted(r.name for r in svc.tokens.list(SCOPE)) == ["one", "three", "two"]
    assert [r.name for r in svc.tokens.list(OTHER)] == ["theirs"]


def test_a_token_pasted_in_a_wrapper_is_found_or_refused_but_never_echoed(
    svc: Services,
) -> None:
    """`Bearer TOKEN`, a header line, quotes, the token without its marker: what an operator
    pastes from a log. Found by its hash when whole; otherwise refused, never repeated."""
    record, raw = svc.tokens.create(SCOPE, "pasted", expires_at=None)
    other, raw2 = svc.tokens.create(OTHER, "elsewhere", expires_at=None)
    for ref in (f"Bearer {raw2}", f"'{raw2}'", f"Authorization: Bearer {raw2}", raw2[4:], raw[4:]):
        with pytest.raises(NotFound) as missing:
            svc.tokens.revoke(SCOPE, ref)
        assert raw2[4:] not in str(missing.value) and raw[4:] not in str(missing.value)
    assert svc.tokens.revoke(SCOPE, f"Authorization: Bearer {raw}").id == record.id
    assert svc.tokens.authenticate(raw2).token_id == other.id


def test_a_reference_matching_several_tokens_is_refused(
    svc: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mercato_int.services.tokens import service

    made = iter(["mit_SAMEabcd" + "1" * 35, "mit_SAMEefgh" + "2" * 35])
    monkeypatch.setattr(service, "new_token", lambda: (raw := next(made), raw[:12]))
    svc.tokens.create(SCOPE, "a", expires_at=None)
    b, _ = svc.tokens.create(SCOPE, "b", expires_at=None)
    with pytest.raises(InvalidInput) as ambiguous:
        svc.tokens.revoke(SCOPE, "mit_SAME")
    assert str(ambiguous.value).startswith(
        "'mit_SAME' matches 2 API tokens in tenant acme · org org1: mit_SAMEabcd, mit_SAMEefgh"
    )
    assert svc.tokens.revoke(SCOPE, "SAMEefgh").id == b.id


def test_a_prefix_taken_already_is_drawn_again(
    svc: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mercato_int.services.tokens import service

    made = iter(["mit_DUPLICATE" + "1" * 34, "mit_DUPLICATE" + "2" * 34, "mit_FRESHxyz" + "3" * 35])
    monkeypatch.setattr(service, "new_token", lambda: (raw := next(made), raw[:12]))
    first, _ = svc.tokens.create(SCOPE, "a", expires_at=None)
    second, raw = svc.tokens.create(SCOPE, "b", expires_at=None)
    assert (first.prefix, second.prefix) == ("mit_DUPLICAT", "mit_FRESHxyz")
    assert svc.tokens.authenticate(raw).name == "b"
    assert len(svc.events.query(SCOPE)[0]) == 2  # the failed draw left no event behind


def test_create_checks_its_input_and_writes_nothing_on_bad_input(svc: Services) -> None:
    with pytest.raises(InvalidInput, match="1 to 100 printable"):
        svc.tokens.create(SCOPE, " ", expires_at=None)
    with pytest.raises(InvalidInput, match="printable"):
        svc.tokens.create(SCOPE, "a\nb", expires_at=None)
    with pytest.raises(InvalidInput, match="not in the future"):
        svc.tokens.create(SCOPE, "late", expires_at=T0)
    with pytest.raises(InvalidInput, match="actor"):
        svc.tokens.create(SCOPE, "x", actor="two words", expires_at=None)
    assert svc.tokens.list(SCOPE) == []
    assert svc.events.query(SCOPE)[1] == 0


def test_managing_tokens_needs_manage_where_the_tenant_has_a_policy(svc: Services) -> None:
    svc.acl.grant(SCOPE, "boss", "admin", by="boss")
    svc.acl.grant(SCOPE, "tester", "employee", by="boss")  # view only
    _, raw = svc.tokens.create(OTHER, "no policy there", expires_at=None)
    for call in (
        lambda: svc.tokens.create(SCOPE, "x", expires_at=None),
        lambda: svc.tokens.list(SCOPE),
        lambda: svc.tokens.revoke(SCOPE, "mit_abcd"),
    ):
        with pytest.raises(NotAllowed, match=r"tester lacks integrations\.manage"):
            call()
    denied, _ = svc.events.query(SCOPE, types=["integrations.access.denied"])
    assert [e.payload["feature"] for e in denied] == ["integrations.manage"] * 3
    # authenticate checks no feature: it only says who the token is; the token's own
    # requests are then checked as its actor
    svc.acl.grant(SCOPE, "tester", "integrations.manage", by="boss")
    mine, mine_raw = svc.tokens.create(SCOPE, "mine", actor="boss", expires_at=None)
    assert svc.tokens.authenticate(mine_raw).actor == "boss"
    assert svc.tokens.authenticate(raw).scope == OTHER
    assert [r.id for r in svc.tokens.list(SCOPE)] == [mine.id]


def test_a_busy_sqlite_store_does_not_hold_up_authentication(
    svc: Services, db_url: str, clock: Clock
) -> None:
    """Another process holding the write lock (a long log import, say): the token is still
    accepted at once, without its last_used_at stamp, which the next request writes."""
    if not db_url.startswith("sqlite"):
        pytest.skip("the write lock of a whole store is SQLite's")
    record, raw = svc.tokens.create(SCOPE, "busy", expires_at=None)
    import sqlite3
    import time

    other = sqlite3.connect(db_url.removeprefix("sqlite:///"), isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        started = time.monotonic()
        assert svc.tokens.authenticate(raw).token_id == record.id
        assert time.monotonic() - started < 5  # the store's busy timeout is 10 s
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert _row(svc, record.id).last_used_at is None
    svc.tokens.authenticate(raw)
    assert _row(svc, record.id).last_used_at == T0


def test_a_naive_expiry_is_taken_as_utc(svc: Services) -> None:
    record, _ = svc.tokens.create(SCOPE, "naive", expires_at=datetime(2026, 3, 2, 12, 0))
    assert record.expires_at == datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
    (listed,) = svc.tokens.list(SCOPE)
    assert listed.expires_at == record.expires_at
