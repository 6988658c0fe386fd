"""A credentials row that the key cannot open (altered in the store): the hint that every
reader gives is a command that works, and removals name the field keys they removed."""

from __future__ import annotations

import shlex

import sqlalchemy as sa

SCOPE = ["--tenant", "acme"]
STRIPE = ["publishableKey=pk_1", "secretKey=sk_test_good1234", "webhookSecret=whsec_123456"]


def tamper(db_url: str, tenant: str) -> None:
    """Alter the ciphertext of gateway_stripe's row in `tenant`: the real key cannot open it."""
    from mercato_int.store.tables import IntegrationCredentials

    table = IntegrationCredentials.__table__
    engine = sa.create_engine(db_url.replace("postgresql://", "postgresql+psycopg://"))
    mine = table.c.tenant_id == tenant
    with engine.begin() as conn:
        envelope = conn.execute(sa.select(table.c.encrypted_values).where(mine)).scalar_one()
        ct = envelope["ct"]
        altered = ct[:-6] + ("AAAAAA" if ct[-6:] != "AAAAAA" else "BBBBBB")
        conn.execute(table.update().where(mine).values(encrypted_values=envelope | {"ct": altered}))
    engine.dispose()


def test_the_hinted_command_replaces_an_undecryptable_row(cli, db_url) -> None:
    assert cli(*SCOPE, "creds", "set", "gateway_stripe", *STRIPE).exit_code == 0
    assert cli(*SCOPE, "enable", "gateway_stripe").exit_code == 0
    tamper(db_url, "acme")
    as_json = cli(*SCOPE, "health", "--all", "--json")
    (item,) = as_json.json()["items"]
    assert (as_json.exit_code, item["status"], item["latencyMs"]) == (5, "unhealthy", None)
    run = cli(*SCOPE, "health", "--all")
    assert run.exit_code == 5
    assert " ms " not in run.stdout and "gateway_stripe  –  " in run.stdout
    (command,) = [p for p in run.stderr.split("`")[1::2] if p.startswith("mercato-int ")]
    assert command == (
        "mercato-int --tenant acme --org default creds set gateway_stripe "
        "publishableKey=... secretKey=... webhookSecret=..."
    )
    # part of the form is refused (nothing is merged with values nobody can read)
    part = cli(*SCOPE, "creds", "set", "gateway_stripe", "secretKey=sk_test_other123")
    assert part.exit_code == 5 and command in part.stderr
    # the hinted command, values filled in, replaces the row
    args = [a.replace("...", "x_filled_in_1") for a in shlex.split(command)[1:]]
    done = cli(*args)
    assert done.exit_code == 0, done.stderr
    assert "replaced the credentials of gateway_stripe that could not be decrypted" in done.stderr
    got = cli(*SCOPE, "creds", "get", "gateway_stripe", "--reveal", "--json")
    assert got.exit_code == 0
    assert got.json()["credentials"]["publishableKey"] == "x_filled_in_1"
    events = cli(*SCOPE, "events", "--type", "integrations.credentials.updated", "--json")
    last = events.json()["items"][-1]["payload"]
    assert last["replacedUnreadable"] is True
    assert last["changedFields"] == ["publishableKey", "secretKey", "webhookSecret"]


def test_removal_events_name_the_removed_field_keys_never_values(cli, db_url) -> None:
    assert cli("creds", "set", "carrier_dhl", "apiKey=dhl_secret_123").exit_code == 0
    assert cli("creds", "unset", "carrier_dhl", "--yes").exit_code == 0
    kind = ["events", "--type", "integrations.credentials.removed"]
    run = cli(*kind, "--json")
    (item,) = run.json()["items"]
    assert item["payload"]["removedFields"] == ["apiKey"]
    assert "dhl_secret_123" not in run.stdout
    assert "fields: apiKey" in cli(*kind).stdout
    # an unreadable row is still removed; which keys it held is unknown
    assert cli(*SCOPE, "creds", "set", "gateway_stripe", *STRIPE).exit_code == 0
    tamper(db_url, "acme")
    assert cli(*SCOPE, "creds", "unset", "gateway_stripe", "--yes").exit_code == 0
    (gone,) = cli(*SCOPE, *kind, "--json").json()["items"]
    assert gone["payload"]["removedFields"] is None


def test_keys_rotate_past_an_undecryptable_row_by_the_hinted_replacement(cli, db_url) -> None:
    assert cli(*SCOPE, "creds", "set", "gateway_stripe", *STRIPE).exit_code == 0
    tamper(db_url, "acme")
    stuck = cli("keys", "rotate", "--yes")
    assert stuck.exit_code == 5
    assert "replace them by giving every required field: `mercato-int --tenant acme --org " in (
        stuck.stderr
    )
    fresh = ["publishableKey=pk_2", "secretKey=sk_test_fresh123", "webhookSecret=whsec_654321"]
    assert cli(*SCOPE, "creds", "set", "gateway_stripe", *fresh).exit_code == 0
    done = cli("keys", "rotate", "--yes")
    assert done.exit_code == 0, done.stderr
    assert cli(*SCOPE, "creds", "get", "gateway_stripe").exit_code == 0
