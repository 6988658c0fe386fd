"""`creds export` / `creds import` on SQLite and Postgres: the file is sealed (no plaintext in it
unless --decrypted, which is audited), 0600; a wrong passphrase or an altered file imports
nothing; rows are checked against the target's registry one by one; conflict modes and dry
runs; a row whose key is missing is reported and the others exported."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

STRIPE = {
    "publishableKey": "pk_live_PUB_7001",
    "secretKey": "sk_live_SECRET_7001",
    "webhookSecret": "whsec_HOOK_7001",
}
DHL = {
    "apiKey": "dhl-api-key-7002",
    "username": "ops-user-7002",
}  # long enough never to turn up by chance in base64
PASS = "correct horse battery staple"


def _args(values: dict[str, str]) -> list[str]:
    return [f"{k}={v}" for k, v in values.items()]


@pytest.fixture
def passfile(tmp_path: Path) -> Path:
    path = tmp_path / "pass.txt"
    path.write_text(PASS + "\n")
    return path


def _seed(cli) -> None:
    assert cli("creds", "set", "gateway_stripe", *_args(STRIPE)).exit_code == 0
    assert cli("creds", "set", "carrier_dhl", *_args(DHL)).exit_code == 0
    acme = cli("--tenant", "acme", "creds", "set", "carrier_dhl", "apiKey=dhl-acme-key-7003")
    assert acme.exit_code == 0, acme.stderr


def _events(cli, type_: str, tenant: str = "default") -> list[dict]:
    run = cli("--tenant", tenant, "events", "--type", type_, "--json")
    assert run.exit_code == 0, run.stderr
    return run.json()["items"]


def test_export_is_sealed_private_and_audited(cli, tmp_path: Path, passfile: Path) -> None:
    _seed(cli)
    out = tmp_path / "creds.export"
    run = cli(
        "creds",
        "export",
        "--all-tenants",
        "--out",
        str(out),
        "--passphrase-file",
        str(passfile),
        "--json",
    )
    assert run.exit_code == 0, run.stderr
    doc = run.json()
    assert (doc["encrypted"], doc["rows"], doc["problems"]) == (True, 3, [])
    assert [(e["tenantId"], e["integrationId"]) for e in doc["exported"]] == [
        ("acme", "carrier_dhl"),
        ("default", "carrier_dhl"),
        ("default", "gateway_stripe"),
    ]
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    data = out.read_bytes()
    for value in [*STRIPE.values(), *DHL.values(), "dhl-acme-key-7003", "gateway_stripe", PASS]:
        assert value.encode() not in data
    envelope = json.loads(data)
    assert set(envelope) == {
        "format",
        "version",
        "encrypted",
        "createdAt",
        "kdf",
        "check",
        "cipher",
        "ciphertext",
    }
    assert envelope["kdf"]["name"] == "scrypt" and envelope["kdf"]["n"] >= 2**17
    assert envelope["cipher"]["name"] == "AES-256-GCM"
    assert PASS not in run.stdout + run.stderr
    assert [tmp_path / "creds.export"] == [p for p in tmp_path.iterdir() if "export" in p.name]
    # one audit event per tenant: ids, never values
    (event,) = _events(cli, "integrations.credentials.exported")
    assert event["payload"]["integrationIds"] == ["carrier_dhl", "gateway_stripe"]
    assert event["payload"]["decrypted"] is False
    assert "sk_live" not in json.dumps(event)
    assert len(_events(cli, "integrations.credentials.exported", "acme")) == 1


def test_export_of_the_scope_and_of_some_ids(cli, tmp_path: Path, passfile: Path) -> None:
    _seed(cli)
    out = tmp_path / "one.export"
    run = cli(
        "creds",
        "export",
        "carrier_dhl",
        "--out",
        str(out),
        "--passphrase-file",
        str(passfile),
        "--json",
    )
    assert run.exit_code == 0, run.stderr
    assert [(e["tenantId"], e["integrationId"]) for e in run.json()["exported"]] == [
        ("default", "carrier_dhl")
    ]
    other = tmp_path / "two.export"
    unknown = cli(
        "creds", "export", "nope", "--out", str(other), "--passphrase-file", str(passfile)
    )
    assert unknown.exit_code == 3 and not other.exists()


def test_passphrase_rules(cli, tmp_path: Path) -> None:
    _seed(cli)
    out = tmp_path / "x.export"
    short = tmp_path / "short.txt"
    short.write_text("tooshort\n")
    run = cli("creds", "export", "--out", str(out), "--passphrase-file", str(short))
    assert run.exit_code == 2
    assert run.stderr.startswith("error: the passphrase is too short: an export needs at least 12")
    assert "tooshort" not in run.stderr and not out.exists()
    # no passphrase and nobody to ask: exit 2, nothing read
    run = cli("creds", "export", "--out", str(out))
    assert run.exit_code == 2 and "no passphrase and no terminal" in run.stderr
    assert not out.exists()
    assert _events(cli, "integrations.credentials.exported") == []
    # from the environment
    env = {"MERCATO_INT_EXPORT_PASSPHRASE": PASS}
    assert cli("creds", "export", "--out", str(out), env=env).exit_code == 0
    doc = cli("creds", "import", str(out), "--dry-run", "--json", env=env).json()
    assert doc["counts"]["conflict"] == 0 and doc["counts"]["skipped"] == 2


def test_wrong_passphrase_is_exit_5_and_imports_nothing(
    cli, tmp_path: Path, passfile: Path
) -> None:
    _seed(cli)
    out = tmp_path / "creds.export"
    assert (
        cli(
            "creds",
            "export",
            "--all-tenants",
            "--out",
            str(out),
            "--passphrase-file",
            str(passfile),
        ).exit_code
        == 0
    )
    for owner in ("gateway_stripe", "carrier_dhl"):
        assert cli("creds", "unset", owner, "--yes").exit_code == 0
    wrong = tmp_path / "wrong.txt"
    wrong.write_text("not the right passphrase\n")
    run = cli("creds", "import", str(out), "--passphrase-file", str(wrong))
    assert run.exit_code == 5
    assert run.stderr == (
        "error: the passphrase does not open this export file; nothing was imported "
        "(give the passphrase the file was exported with)\n"
    )
    assert cli("creds", "get", "carrier_dhl", "--json").json()["source"] == "none"
    assert len(_events(cli, "integrations.credentials.updated")) == 2


@pytest.mark.parametrize(
    "alter",
    [
        pytest.param(lambda d: d | {"ciphertext": d["ciphertext"][:-8] + "AAAAAAA="}, id="body"),
        pytest.param(lambda d: d | {"createdAt": "2020-01-01T00:00:00Z"}, id="header"),
        pytest.param(lambda d: d | {"kdf": d["kdf"] | {"n": 2**16}}, id="kdf-cost"),
        pytest.param(lambda d: d | {"encrypted": False, "rows": []}, id="claims-plain"),
    ],
)
def test_an_altered_file_is_refused_and_imports_nothing(
    cli, tmp_path: Path, passfile: Path, alter
) -> None:
    _seed(cli)
    out = tmp_path / "creds.export"
    assert (
        cli("creds", "export", "--out", str(out), "--passphrase-file", str(passfile)).exit_code == 0
    )
    for owner in ("gateway_stripe", "carrier_dhl"):
        assert cli("creds", "unset", owner, "--yes").exit_code == 0
    out.write_text(json.dumps(alter(json.loads(out.read_text()))))
    run = cli("creds", "import", str(out), "--passphrase-file", str(passfile), "--json")
    assert run.exit_code in (2, 5), run.stderr
    assert run.stdout == ""
    assert cli("creds", "get", "carrier_dhl", "--json").json()["source"] == "none"
    assert cli("creds", "get", "gateway_stripe", "--json").json()["source"] == "none"


def test_tampered_body_says_altered_and_not_an_export_is_exit_2(
    cli, tmp_path: Path, passfile: Path
) -> None:
    _seed(cli)
    out = tmp_path / "creds.export"
    cli("creds", "export", "--out", str(out), "--passphrase-file", str(passfile))
    doc = json.loads(out.read_text())
    doc["createdAt"] = "2020-01-01T00:00:00Z"  # header is associated data
    out.write_text(json.dumps(doc))
    run = cli("creds", "import", str(out), "--passphrase-file", str(passfile))
    assert run.exit_code == 5
    assert run.stderr.startswith("error: the export file was altered after it was written")
    out.write_text("hello")
    run = cli("creds", "import", str(out), "--passphrase-file", str(passfile))
    assert (run.exit_code, run.stderr.splitlines()[0]) == (
        2,
        "error: this is not a credentials export file "
        "(give a file written by `mercato-int creds export`)",
    )


def _sealed(tmp_path: Path, rows: list[tuple[str, str, dict]]) -> Path:
    """An export file made with the export module itself (rows a store could not hold)."""
    from datetime import UTC, datetime

    from mercato_int.scope import TenantScope
    from mercato_int.services.credentials.export_file import ExportRow, seal

    made = [ExportRow(TenantScope("default", te), i, v, None, 1) for te, i, v in rows]
    path = tmp_path / "made.export"
    path.write_bytes(seal(made, PASS, now=datetime.now(UTC)))
    return path


def test_rows_the_target_refuses_are_rejected_with_a_reason_and_the_rest_go_in(
    cli, tmp_path: Path, passfile: Path
) -> None:
    path = _sealed(
        tmp_path,
        [
            ("default", "carrier_dhl", DHL),
            ("default", "carrier_ups", {"apiKey": "x-123456"}),  # not in this registry
            ("default", "gateway_stripe", {"publishableKey": "pk_1"}),  # required fields missing
            ("t2", "gateway_stripe", STRIPE | {"captureMethod": "sometimes"}),  # not an option
            ("t3", "carrier_dhl", DHL | {"colour": "red"}),  # not a field of the schema
        ],
    )
    run = cli("creds", "import", str(path), "--passphrase-file", str(passfile), "--json")
    assert run.exit_code == 1, run.stderr
    doc = run.json()
    assert [(r["tenantId"], r["integrationId"], r["status"]) for r in doc["rows"]] == [
        ("default", "carrier_dhl", "imported"),
        ("default", "carrier_ups", "rejected"),
        ("default", "gateway_stripe", "rejected"),
        ("t2", "gateway_stripe", "rejected"),
        ("t3", "carrier_dhl", "rejected"),
    ]
    reasons = [r["reason"] for r in doc["rows"][1:]]
    assert reasons[0].startswith("no integration or bundle with id 'carrier_ups'")
    assert "secretKey" in reasons[1] and "captureMethod" in reasons[2] and "colour" in reasons[3]
    for value in (*STRIPE.values(), *DHL.values()):
        assert value not in run.stdout + run.stderr
    assert doc["counts"] == {
        "imported": 1,
        "overwritten": 0,
        "skipped": 0,
        "rejected": 4,
        "conflict": 0,
    }
    got = cli("creds", "get", "carrier_dhl", "--reveal", "--json").json()["credentials"]
    assert got == DHL
    human = cli("creds", "import", str(path), "--passphrase-file", str(passfile))
    assert human.stdout.splitlines()[0] == (
        "skipped      carrier_dhl in tenant default · org default: "
        "this store already has credentials there (--on-conflict overwrite replaces them)"
    )
    assert human.stdout.splitlines()[-1] == "imported 0, overwritten 0, skipped 1, rejected 4"


def test_conflict_modes_and_dry_runs(cli, tmp_path: Path, passfile: Path) -> None:
    _seed(cli)
    out = tmp_path / "creds.export"
    assert (
        cli(
            "creds",
            "export",
            "--all-tenants",
            "--out",
            str(out),
            "--passphrase-file",
            str(passfile),
        ).exit_code
        == 0
    )
    # the target drifts: carrier_dhl changed (and gained a field), gateway_stripe removed
    cli("creds", "set", "carrier_dhl", "apiKey=dhl-new-key-9999", "accountNumber=22222222220101")
    cli("creds", "unset", "gateway_stripe", "--yes")
    updated = len(_events(cli, "integrations.credentials.updated"))

    def imp(*args: str):
        return cli("creds", "import", str(out), "--passphrase-file", str(passfile), "--json", *args)

    def status(doc) -> list[tuple[str, str, str]]:
        return [(r["tenantId"], r["integrationId"], r["status"]) for r in doc["rows"]]

    human = cli("creds", "import", str(out), "--passphrase-file", str(passfile), "--dry-run")
    assert human.stdout.splitlines() == [
        "would skip       carrier_dhl in tenant acme · org default: this store already has "
        "credentials there (--on-conflict overwrite replaces them)",
        "would skip       carrier_dhl in tenant default · org default: this store already has "
        "credentials there (--on-conflict overwrite replaces them)",
        "would import     gateway_stripe in tenant default · org default",
        "dry run, nothing written: would import 1, overwrite 0, skip 2, reject 0",
    ]
    dry = imp("--dry-run", "--on-conflict", "overwrite")
    assert dry.exit_code == 0
    assert (dry.json()["written"], status(dry.json())) == (
        False,
        [
            ("acme", "carrier_dhl", "overwritten"),
            ("default", "carrier_dhl", "overwritten"),
            ("default", "gateway_stripe", "imported"),
        ],
    )
    failed = imp("--on-conflict", "fail")
    assert failed.exit_code == 1
    assert (failed.json()["aborted"], failed.json()["written"]) == (True, False)
    assert [s for *_, s in status(failed.json())] == ["conflict", "conflict", "imported"]
    # fail wrote nothing, not even the row without a conflict
    assert cli("creds", "get", "gateway_stripe", "--json").json()["source"] == "none"
    assert len(_events(cli, "integrations.credentials.updated")) == updated

    skipped = imp()  # skip is the default
    assert skipped.exit_code == 0
    assert [s for *_, s in status(skipped.json())] == ["skipped", "skipped", "imported"]
    dhl = cli("creds", "get", "carrier_dhl", "--reveal", "--json").json()["credentials"]
    assert dhl["apiKey"] == "dhl-new-key-9999"

    over = imp("--on-conflict", "overwrite")
    assert over.exit_code == 0
    assert [s for *_, s in status(over.json())] == ["overwritten", "overwritten", "overwritten"]
    # the row's form replaces the target's: the field the file does not hold is cleared
    dhl = cli("creds", "get", "carrier_dhl", "--reveal", "--json").json()["credentials"]
    assert dhl == DHL
    changed = {r["integrationId"]: r["changedFields"] for r in over.json()["rows"]}
    assert changed["carrier_dhl"] == ["accountNumber", "apiKey"]
    # each write is recorded as a normal save is: imported stripe, overwritten dhl (acme and
    # stripe again were unchanged: no event)
    events = _events(cli, "integrations.credentials.updated")[updated:]
    assert [(e["subjectId"], e["payload"]["changedFields"]) for e in events] == [
        ("gateway_stripe", ["publishableKey", "secretKey", "webhookSecret"]),
        ("carrier_dhl", ["accountNumber", "apiKey"]),
    ]
    bad = imp("--on-conflict", "merge")
    assert bad.exit_code == 2 and "unknown --on-conflict mode merge" in bad.stderr


def test_decrypted_export_is_plaintext_warned_audited_and_imports(cli, tmp_path: Path) -> None:
    _seed(cli)
    out = tmp_path / "plain.json"
    run = cli("creds", "export", "--out", str(out), "--decrypted")
    assert run.exit_code == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert run.stderr.startswith(f"warning: {out} holds the credentials in plaintext; recorded")
    doc = json.loads(out.read_text())
    assert doc["encrypted"] is False
    by_id = {r["integrationId"]: r for r in doc["rows"]}
    assert by_id["gateway_stripe"]["values"] == STRIPE
    assert set(by_id["carrier_dhl"]) == {
        "organizationId",
        "tenantId",
        "integrationId",
        "values",
        "updatedAt",
        "version",
    }
    assert by_id["carrier_dhl"]["version"] == 1
    (event,) = _events(cli, "integrations.credentials.exported")
    assert event["payload"]["decrypted"] is True
    cli("creds", "unset", "gateway_stripe", "--yes")
    imported = cli("creds", "import", str(out), "--json")  # no passphrase needed
    assert imported.exit_code == 0
    assert "unencrypted export" in imported.stderr
    assert (
        cli("creds", "get", "gateway_stripe", "--reveal", "--json").json()["credentials"] == STRIPE
    )


def test_a_row_whose_key_is_missing_is_reported_and_the_others_exported(
    cli, tmp_path: Path, passfile: Path
) -> None:
    from mercato_int.keys.envelope import encode_key, generate_key

    k1, k2 = encode_key(generate_key()), encode_key(generate_key())
    cli("creds", "set", "carrier_dhl", *_args(DHL), env={"MERCATO_INT_MASTER_KEY": k1})
    cli(
        "--tenant",
        "b",
        "creds",
        "set",
        "carrier_dhl",
        *_args(DHL),
        env={"MERCATO_INT_MASTER_KEY": k2},
    )
    out = tmp_path / "creds.export"
    run = cli(
        "creds",
        "export",
        "--all-tenants",
        "--out",
        str(out),
        "--passphrase-file",
        str(passfile),
        "--json",
        env={"MERCATO_INT_MASTER_KEY": k1},
    )
    assert run.exit_code == 5
    doc = run.json()
    assert [(e["tenantId"], e["integrationId"]) for e in doc["exported"]] == [
        ("default", "carrier_dhl")
    ]
    assert [(p["tenantId"], p["integrationId"]) for p in doc["problems"]] == [("b", "carrier_dhl")]
    assert run.stderr.startswith(
        "error: credentials of carrier_dhl in tenant b · org default were not exported:\n"
    )
    assert DHL["apiKey"] not in run.stderr
    assert out.exists()


def test_access_is_checked_in_each_tenant(cli, tmp_path: Path, passfile: Path) -> None:
    _seed(cli)
    out = tmp_path / "creds.export"
    assert (
        cli(
            "creds",
            "export",
            "--all-tenants",
            "--out",
            str(out),
            "--passphrase-file",
            str(passfile),
        ).exit_code
        == 0
    )
    # acme gets a policy in which tester is only an employee
    assert (
        cli("--tenant", "acme", "--actor", "boss", "acl", "grant", "boss", "admin").exit_code == 0
    )
    assert (
        cli("--tenant", "acme", "--actor", "boss", "acl", "grant", "tester", "employee").exit_code
        == 0
    )
    again = tmp_path / "again.export"
    refused = cli(
        "creds", "export", "--all-tenants", "--out", str(again), "--passphrase-file", str(passfile)
    )
    assert refused.exit_code == 6 and not again.exists()
    assert (
        cli("creds", "export", "--out", str(again), "--passphrase-file", str(passfile)).exit_code
        == 0
    )
    cli("creds", "unset", "gateway_stripe", "--yes")
    run = cli("creds", "import", str(out), "--passphrase-file", str(passfile))
    assert run.exit_code == 6
    assert cli("creds", "get", "gateway_stripe", "--json").json()["source"] == "none"


def test_interrupted_export_leaves_no_file(cli, db_url, tmp_path: Path, passfile, interruptible):
    import os
    import signal
    import subprocess
    import sys
    import time

    _seed(cli)
    out = tmp_path / "creds.export"
    proc = subprocess.Popen(
        [
            *(sys.executable, "-m", "mercato_int", "creds", "export", "--all-tenants"),
            *("--out", str(out), "--passphrase-file", str(passfile)),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=os.environ | {"MERCATO_INT_DATABASE_URL": db_url},
        preexec_fn=interruptible,
    )
    time.sleep(1.0)  # inside the key derivation or the write
    proc.send_signal(signal.SIGINT)
    _, stderr = proc.communicate(timeout=60)
    # 130: interrupted by our handler; -SIGINT: a loaded machine had not started Python's yet
    assert proc.returncode in (0, 130, -signal.SIGINT), stderr
    assert "Traceback" not in stderr
    if proc.returncode == 130:  # even as it closes the store (stray_errors): said once
        assert stderr.splitlines()[-1:] == ["error: interrupted"]
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.startswith(".creds.export")]
    assert leftovers == []
    # never half a file: none, or (the interrupt came after the rename) a whole export
    if out.exists():
        assert json.loads(out.read_text())["encrypted"] is True


def test_an_existing_file_is_never_replaced(cli, tmp_path: Path, passfile: Path) -> None:
    _seed(cli)
    out = tmp_path / "creds.export"
    out.write_text("the previous export\n")
    run = cli("creds", "export", "--out", str(out), "--passphrase-file", str(passfile))
    assert (run.exit_code, run.stderr) == (
        2,
        f"error: {out} exists; an export never replaces a file (give --out a new file name, "
        "or remove the old export first)\n",
    )
    assert out.read_text() == "the previous export\n"
    assert _events(cli, "integrations.credentials.exported") == []  # refused before reading


def test_write_private_leaves_nothing_on_error(tmp_path: Path, monkeypatch) -> None:
    import os

    from mercato_int.errors import InvalidInput
    from mercato_int.services.credentials.export_file import write_private

    folder = tmp_path / "out"
    folder.mkdir()

    def interrupted(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "link", interrupted)  # Ctrl-C after the data was written
    with pytest.raises(KeyboardInterrupt):
        write_private(folder / "x.export", b"data")
    assert list(folder.iterdir()) == []
    monkeypatch.undo()
    (folder / "file").write_text("")
    with pytest.raises(InvalidInput, match="cannot write"):
        write_private(folder / "file" / "x", b"data")  # its folder is a file
    assert sorted(p.name for p in folder.iterdir()) == ["file"]
