from __future__ import annotations

from pathlib import Path

import pytest

SECRETS = {
    "publishableKey": "pk_live_PUBLISHABLE_4242",
    "secretKey": "sk_live_TOPSECRET_4242",
    "webhookSecret": "whsec_WEBHOOK_4242",
}
ARGS = [f"{k}={v}" for k, v in SECRETS.items()]
MASK = "••••••••"


def _store_bytes(db_url: str) -> bytes:
    """Everything the store holds: the SQLite file and its WAL, or the Postgres table's rows
    (and the events outbox) as text."""
    if db_url.startswith("sqlite"):
        path = Path(db_url.removeprefix("sqlite:///"))
        return b"".join(
            p.read_bytes() for p in (path, path.with_name(path.name + "-wal")) if p.exists()
        )
    import sqlalchemy as sa

    engine = sa.create_engine(db_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        text = repr(conn.execute(sa.text("SELECT * FROM integration_credentials")).all())
        text += repr(conn.execute(sa.text("SELECT * FROM integration_events")).all())
        # and the table's heap file on disk, after a checkpoint has flushed it
        conn.execute(sa.text("CHECKPOINT"))
        heap = conn.execute(
            sa.text("SELECT pg_read_binary_file(pg_relation_filepath('integration_credentials'))")
        ).scalar_one()
    engine.dispose()
    assert b"gateway_stripe" in heap  # the right file: it holds the row
    return text.encode() + bytes(heap)


def test_set_leaves_no_value_in_the_store(cli, db_url) -> None:
    run = cli("creds", "set", "gateway_stripe", *ARGS)
    assert run.exit_code == 0, run.stderr
    assert run.stdout == (
        "Saved credentials of gateway_stripe (publishableKey, secretKey, webhookSecret "
        "changed) · tenant default · org default\n"
    )
    data = _store_bytes(db_url)
    assert b"gateway_stripe" in data and b'"kid"' in data.replace(b"'kid'", b'"kid"')
    for value in SECRETS.values():
        assert value.encode() not in data
        assert value.encode("utf-16-le") not in data
    assert "created master key" in run.stderr  # told where the new key lives


def test_get_masks_and_json_has_the_documented_shape(cli) -> None:
    cli("creds", "set", "gateway_stripe", *ARGS)
    data = cli("creds", "get", "gateway_stripe", "--json").json()
    assert set(data) == {
        "integrationId",
        "credentials",
        "secretFieldsConfigured",
        "source",
        "updatedAt",
        "version",
    }
    assert data["version"] == 1
    assert data["credentials"] == {
        "publishableKey": "pk_live_PUBLISHABLE_4242",
        "secretKey": MASK,
        "webhookSecret": MASK,
    }
    assert data["secretFieldsConfigured"] == {"secretKey": True, "webhookSecret": True}
    assert data["source"] == "own"
    human = cli("creds", "get", "gateway_stripe")
    assert human.stdout.splitlines()[0] == "gateway_stripe · tenant default · org default"
    assert "sk_live_TOPSECRET_4242" not in human.stdout + human.stderr
    assert MASK in human.stdout


def test_reveal_prints_plaintext_and_is_audited(cli) -> None:
    cli("creds", "set", "gateway_stripe", *ARGS)
    run = cli("--actor", "auditor", "creds", "get", "gateway_stripe", "--reveal", "--json")
    assert run.exit_code == 0
    assert run.json()["credentials"] == SECRETS
    assert run.stderr == "secrets shown in plaintext; recorded in the audit trail as auditor\n"
    from sqlmodel import select

    from mercato_int.services import Services
    from mercato_int.settings import Settings
    from mercato_int.store.tables import IntegrationEvent

    svc = Services(Settings.load())
    with svc.store.session() as s:
        (ev,) = s.exec(
            select(IntegrationEvent).where(
                IntegrationEvent.type == "integrations.credentials.revealed"
            )
        ).all()
    svc.close()
    assert ev.actor == "auditor" and ev.subject_id == "gateway_stripe"
    assert ev.payload["fields"] == sorted(SECRETS)


def test_tenant_a_ciphertext_in_tenant_b_row_exits_5(cli, db_url) -> None:
    cli("--tenant", "acme_a", "creds", "set", "gateway_stripe", *ARGS)
    cli("--tenant", "acme_b", "creds", "set", "gateway_stripe", *ARGS)
    import sqlalchemy as sa

    from mercato_int.store.engine import create_store_engine

    engine = create_store_engine(db_url)
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "UPDATE integration_credentials SET encrypted_values = (SELECT encrypted_values "
                "FROM integration_credentials WHERE tenant_id = 'acme_a') "
                "WHERE tenant_id = 'acme_b'"
            )
        )
    engine.dispose()
    run = cli("--tenant", "acme_b", "creds", "get", "gateway_stripe")
    assert run.exit_code == 5
    assert run.stderr.splitlines()[0].startswith(
        "error: cannot decrypt the credentials of gateway_stripe in tenant acme_b · org default "
        "with key "
    )
    assert "Traceback" not in run.stderr and run.stdout == ""
    assert cli("--tenant", "acme_a", "creds", "get", "gateway_stripe").exit_code == 0


def test_bundle_credentials_show_through_children(cli) -> None:
    run = cli(
        "creds",
        "set",
        "sync_medusa",
        "medusaApiUrl=https://api.mystore.test",
        "medusaApiKey=medusa_sk_999",
        "medusaWebhookSecret=medusa_wh_999",
    )
    assert run.exit_code == 0, run.stderr
    data = cli("creds", "get", "sync_medusa_products", "--json").json()
    assert data == {
        "integrationId": "sync_medusa_products",
        "credentials": {
            "medusaApiKey": MASK,
            "medusaApiUrl": "https://api.mystore.test",
            "medusaWebhookSecret": MASK,
        },
        "secretFieldsConfigured": {"medusaApiKey": True, "medusaWebhookSecret": True},
        "source": "bundle",
        "version": 0,  # of its own row, which it has not: what `--if-version` compares
        "updatedAt": data["updatedAt"],
    }
    human = cli("creds", "get", "sync_medusa_products")
    assert (
        "credentials of bundle sync_medusa (sync_medusa_products has none of its own)"
        in human.stdout
    )
    refused = cli("creds", "set", "sync_medusa_products", "medusaApiKey=x")
    assert refused.exit_code == 2
    assert refused.stderr.splitlines()[0] == (
        "error: sync_medusa_products has no credentials of its own: they live on its bundle "
        "sync_medusa (run `mercato-int creds set sync_medusa KEY=VALUE...`)"
    )


@pytest.mark.parametrize(
    ("args", "first_line"),
    [
        (
            ["bogus=1"],
            "error: argument 1: the text before '=' is not a field of gateway_stripe (not "
            "shown: it may be part of a value) (known fields: publishableKey, secretKey,",
        ),
        (["publishableKey=pk"], "error: missing required fields secretKey, webhookSecret for"),
        ([*ARGS, "captureMethod=later"], "error: field 'captureMethod' must be one of automatic"),
        ([*ARGS, "enableApplePay=maybe"], "error: field 'enableApplePay' must be true/false"),
        ([*ARGS, "sk_live_oops"], "error: argument 4 is not KEY=VALUE"),
        ([*ARGS, "secretKey=@/nonexistent/file"], "error: field 'secretKey' is given twice"),
        (["secretKey=@/nonexistent/file"], "error: field 'secretKey': cannot read"),
        ([*ARGS[:2], f"webhookSecret={'x' * 20_001}"], "error: field 'webhookSecret' is 20001"),
    ],
)
def test_invalid_input_exits_2_naming_the_field_and_stores_nothing(
    cli, db_url, args, first_line
) -> None:
    run = cli("creds", "set", "gateway_stripe", *args)
    assert run.exit_code == 2
    assert run.stderr.splitlines()[0].startswith(first_line), run.stderr
    assert "sk_live_oops" not in run.stderr
    assert cli("creds", "get", "gateway_stripe", "--json").json()["source"] == "none"
    from mercato_int.settings import Settings

    assert not (Settings.load().config_dir / "master.key").exists()  # not even a key


def test_url_with_userinfo_exits_2_without_echoing_it(cli) -> None:
    run = cli(
        "creds",
        "set",
        "sync_medusa",
        "medusaApiUrl=https://admin:hunter2@api.mystore.test",
        "medusaApiKey=k",
        "medusaWebhookSecret=w",
    )
    assert run.exit_code == 2
    assert run.stderr.splitlines()[0] == (
        "error: field 'medusaApiUrl' must not contain user:password in the URL (put the secret "
        "in its own field)"
    )
    assert "hunter2" not in run.stderr


def test_values_from_a_file_and_from_stdin(cli, tmp_path) -> None:
    """Surrounding whitespace (a file's blank lines or CRLF, a pasted space) is trimmed from
    secrets (issue 11.4)."""
    secret_file = tmp_path / "sk.txt"
    secret_file.write_bytes(b"sk_from_file\r\n\n")
    run = cli(
        "creds",
        "set",
        "gateway_stripe",
        "publishableKey=pk",
        f"secretKey=@{secret_file}",
        "webhookSecret=-",
        input="whsec_from_stdin \n",
    )
    assert run.exit_code == 0, run.stderr
    revealed = cli("creds", "get", "gateway_stripe", "--reveal", "--json").json()["credentials"]
    assert revealed == {
        "publishableKey": "pk",
        "secretKey": "sk_from_file",
        "webhookSecret": "whsec_from_stdin",
    }


def test_prompt_asks_by_label_hides_secrets_and_keeps_defaults(cli) -> None:
    cli("creds", "set", "gateway_stripe", *ARGS)
    # publishableKey: Enter keeps it; secretKey: new; webhookSecret: Enter keeps the masked
    # current value; captureMethod: manual; enableApplePay: Enter (unset stays unset)
    run = cli("creds", "set", "gateway_stripe", "--prompt", input="\nsk_new\n\nmanual\n\n")
    assert run.exit_code == 0, run.stderr
    # (CliRunner echoes visible answers on stdout; a terminal shows them on the terminal)
    assert run.stdout.splitlines()[-1].startswith(
        "Saved credentials of gateway_stripe (captureMethod, secretKey changed)"
    )
    assert "sk_new" not in run.stdout
    assert "Capture Method (captureMethod) [automatic / manual]" in run.stderr
    assert f"Secret Key (secretKey) * [{MASK}]" in run.stderr
    assert "sk_new" not in run.stderr  # hidden input is not echoed
    revealed = cli("creds", "get", "gateway_stripe", "--reveal", "--json").json()["credentials"]
    assert revealed == {**SECRETS, "secretKey": "sk_new", "captureMethod": "manual"}


def test_explain_names_the_source_of_each_field(cli) -> None:
    cli(
        "creds",
        "set",
        "sync_medusa",
        "medusaApiUrl=https://api.mystore.test",
        "medusaApiKey=k",
        "medusaWebhookSecret=w",
    )
    data = cli("creds", "explain", "sync_medusa_orders", "--json").json()
    assert [(f["key"], f["source"], f["sourceId"], f["value"]) for f in data["fields"]] == [
        ("medusaApiUrl", "bundle", "sync_medusa", "https://api.mystore.test"),
        ("medusaApiKey", "bundle", "sync_medusa", MASK),
        ("medusaWebhookSecret", "bundle", "sync_medusa", MASK),
    ]
    human = cli("creds", "explain", "gateway_stripe")
    assert human.exit_code == 0
    assert "Secret Key (secretKey)" in human.stdout and "unset" in human.stdout


def test_unset_asks_unless_yes(cli) -> None:
    cli("creds", "set", "gateway_stripe", *ARGS)
    # no terminal to ask at (tests/cli/test_confirm_cli.py asks on a real one)
    declined = cli("creds", "unset", "gateway_stripe", input="y\n")
    assert (declined.exit_code, declined.stdout) == (2, "")
    assert declined.stderr == (
        "error: mercato-int creds unset asks for confirmation, and there is no terminal to ask "
        "at: use --yes\n"
    )
    assert cli("creds", "get", "gateway_stripe", "--json").json()["source"] == "own"
    run = cli("creds", "unset", "gateway_stripe", "--yes")
    assert run.exit_code == 0
    assert (
        run.stdout == "Removed the credentials of gateway_stripe · tenant default · org default\n"
    )
    assert cli("creds", "get", "gateway_stripe", "--json").json()["source"] == "none"
    again = cli("creds", "unset", "gateway_stripe", "--yes")
    assert again.exit_code == 3
    assert again.stderr.splitlines()[0] == (
        "error: no credentials of gateway_stripe are set in tenant default · org default"
    )


@pytest.mark.parametrize(
    "secret", ["c2tfbGl2ZV9vb3BzX1NFQ1JFVA==", "sk_live_oops=", "sk_live_oops=@/etc/passwd"]
)
def test_a_secret_without_key_is_named_by_position_only(cli, secret) -> None:
    """`creds set carrier_dhl <secret>` (KEY= forgotten): a secret holding `=` (base64
    padding) splits into a "key" and a value; neither part may be printed (issue 11.6)."""
    run = cli("creds", "set", "carrier_dhl", "accountNumber=1", secret)
    assert run.exit_code == 2
    assert run.stderr.splitlines()[0].startswith(
        "error: argument 2: the text before '=' is not a field of carrier_dhl"
    )
    head = secret.partition("=")[0]
    assert head not in run.stdout + run.stderr
    assert cli("creds", "get", "carrier_dhl", "--json").json()["source"] == "none"


def test_the_mask_pasted_back_keeps_the_secret(cli) -> None:
    """A script round-tripping `creds get --json` into `creds set` (issue 10.4)."""
    mask = "\u2022" * 8
    first = cli("creds", "set", "gateway_stripe", "publishableKey=pk", f"secretKey={mask}")
    assert first.exit_code == 2
    assert first.stderr.splitlines()[0].startswith(
        f"error: field 'secretKey' is the mask {mask}, and there is no stored value to keep"
    )
    assert cli("creds", "get", "gateway_stripe", "--json").json()["source"] == "none"
    cli("creds", "set", "gateway_stripe", *ARGS)
    got = cli("creds", "get", "gateway_stripe", "--json").json()["credentials"]
    pairs = [f"{k}={v}" for k, v in got.items()]
    assert f"secretKey={mask}" in pairs
    again = cli("creds", "set", "gateway_stripe", *pairs)
    assert again.exit_code == 0, again.stderr
    assert again.stdout.startswith("Credentials of gateway_stripe unchanged")
    revealed = cli("creds", "get", "gateway_stripe", "--reveal", "--json").json()["credentials"]
    assert revealed["secretKey"] == dict(a.split("=", 1) for a in ARGS)["secretKey"]


def test_a_secret_file_of_two_lines_is_refused_without_echo(cli, tmp_path) -> None:
    secret_file = tmp_path / "sk.txt"
    secret_file.write_bytes(b"sk_line_one\nsk_line_two\n")
    cli("creds", "set", "gateway_stripe", *ARGS)
    two = cli("creds", "set", "gateway_stripe", f"secretKey=@{secret_file}")
    assert two.exit_code == 2
    assert two.stderr.splitlines()[0].startswith("error: field 'secretKey' holds a control")
    assert "sk_line" not in two.stderr


def test_set_if_version_saves_only_at_that_version(cli) -> None:
    first = cli("creds", "set", "gateway_stripe", *ARGS, "--if-version", "1")
    assert first.exit_code == 1
    assert first.stderr.splitlines()[0] == (
        "error: the credentials of gateway_stripe in tenant default · org default changed "
        "meanwhile: they are at version 0, the save expected 1; nothing was saved (read them "
        "again with `mercato-int creds get gateway_stripe` and retry with its version)"
    )
    assert cli("creds", "set", "gateway_stripe", *ARGS, "--if-version", "0").exit_code == 0
    version = cli("creds", "get", "gateway_stripe", "--json").json()["version"]
    assert version == 1
    ok = cli("creds", "set", "gateway_stripe", "publishableKey=pk2", "--if-version", "1")
    assert ok.exit_code == 0, ok.stderr
    stale = cli("creds", "set", "gateway_stripe", "publishableKey=pk3", "--if-version", "1")
    assert stale.exit_code == 1 and "they are at version 2" in stale.stderr
    got = cli("creds", "get", "gateway_stripe", "--json").json()
    assert (got["version"], got["credentials"]["publishableKey"]) == (2, "pk2")
    assert cli("creds", "set", "gateway_stripe", "x=1", "--if-version", "-1").exit_code == 2


def test_creds_get_prints_local_time_like_show(cli, monkeypatch) -> None:
    import time

    monkeypatch.setenv("TZ", "Asia/Kolkata")  # +05:30 all year: never the UTC clock time
    time.tzset()
    try:
        assert cli("creds", "set", "carrier_dhl", "apiKey=dhl_secret_123").exit_code == 0
        at = cli("creds", "get", "carrier_dhl", "--json").json()["updatedAt"]
        from mercato_int.cli.output import local_time

        line = cli("creds", "get", "carrier_dhl").stdout.splitlines()[1]
        assert f", updated {local_time(at)} by tester" in line and "UTC" not in line
        assert f"Credentials: set at {local_time(at)}" in cli("show", "carrier_dhl").stdout
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()
