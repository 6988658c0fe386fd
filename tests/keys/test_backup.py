"""`keys export` / `keys import` (issue 11.2): a passphrase-protected backup that brings a
lost key back; a wrong passphrase or any altered byte imports nothing (exit 5); nothing is
replaced on either side."""

from __future__ import annotations

import base64
import json
import os
from pathlib import Path

import pytest

ARGS = ["publishableKey=pk_1", "secretKey=sk_live_BACKUP", "webhookSecret=whsec_BACKUP"]
PASS = "correct horse battery staple"


def _home() -> Path:
    return Path(os.environ["MERCATO_INT_HOME"])


def _status(cli) -> dict:
    return cli("keys", "status", "--json").json()


@pytest.fixture
def db_url(tmp_path) -> str:
    """Keys belong to the host, not the store: a SQLite store is enough here (the stores
    sharing keys, Postgres among them, are in test_never_lost.py)."""
    return f"sqlite:///{tmp_path / 'store.db'}"


@pytest.fixture
def passfile(tmp_path) -> Path:
    path = tmp_path / "pass.txt"
    path.write_text(PASS + "\n")
    return path


def test_export_then_import_brings_a_lost_key_back(cli, tmp_path, passfile) -> None:
    cli("creds", "set", "gateway_stripe", *ARGS)
    cli("keys", "rotate", "--yes")
    cli("--tenant", "t2", "creds", "set", "gateway_stripe", *ARGS)
    status = _status(cli)
    kids = [k["keyId"] for k in status["keys"]]
    backup = tmp_path / "keys.backup"
    run = cli("keys", "export", str(backup), "--passphrase-file", str(passfile))
    assert run.exit_code == 0, run.stderr
    assert run.stdout == (
        f"Exported 2 keys ({', '.join(kids)}) to {backup}; keep the passphrase apart from the "
        "file\n"
    )
    assert backup.stat().st_mode & 0o777 == 0o600
    text = backup.read_text()
    for key_line in (_home() / "master.key").read_text().splitlines():
        if not key_line.startswith("#"):
            assert key_line not in text  # the keys are sealed, not copied
    doc = json.loads(text)
    assert doc["kdf"]["name"] == "scrypt" and doc["kdf"]["n"] >= 2**15

    again = cli("keys", "export", str(backup), "--passphrase-file", str(passfile))
    assert again.exit_code == 2 and "never replaces a file" in again.stderr
    assert backup.read_text() == text

    (_home() / "master.key").unlink()  # the host loses its keys
    assert cli("creds", "get", "gateway_stripe").exit_code == 5
    got = cli("keys", "import", str(backup), env={"MERCATO_INT_KEYS_PASSPHRASE": PASS})
    assert got.exit_code == 0, got.stderr
    assert got.stdout.startswith(f"Imported 2 keys ({', '.join(kids)}) into key file ")
    assert _status(cli)["activeKeyId"] == status["activeKeyId"]  # the export's active one
    for tenant in ("default", "t2"):
        revealed = cli("--tenant", tenant, "creds", "get", "gateway_stripe", "--reveal", "--json")
        assert revealed.json()["credentials"]["secretKey"] == "sk_live_BACKUP"
    same = cli("keys", "import", str(backup), "--passphrase-file", str(passfile))
    assert same.stdout == "Nothing to import: all 2 keys of the file are already here\n"


def test_import_adds_beside_the_keys_here_and_keeps_the_active_one(
    cli, tmp_path, passfile, db_url
) -> None:
    cli("creds", "set", "gateway_stripe", *ARGS)
    backup = tmp_path / "keys.backup"
    cli("keys", "export", str(backup), "--passphrase-file", str(passfile))
    exported = _status(cli)["activeKeyId"]
    # another host (its own home and store) with a key of its own
    other = {
        "MERCATO_INT_HOME": str(tmp_path / "other-home"),
        "MERCATO_INT_DATABASE_URL": f"sqlite:///{tmp_path / 'other.db'}",
    }
    cli("creds", "set", "gateway_stripe", *ARGS, env=other)
    own = cli("keys", "status", "--json", env=other).json()["activeKeyId"]
    run = cli("keys", "import", str(backup), "--passphrase-file", str(passfile), env=other)
    assert run.exit_code == 0, run.stderr
    assert run.stdout.startswith(f"Imported 1 key ({exported}) into key file ")
    after = cli("keys", "status", "--json", env=other).json()
    assert after["activeKeyId"] == own  # not replaced, not demoted
    assert [k["keyId"] for k in after["keys"]] == [own, exported]
    got = cli("creds", "get", "gateway_stripe", "--reveal", "--json", env=other)
    assert got.json()["credentials"]["secretKey"] == "sk_live_BACKUP"


def _flip(data: str) -> str:
    return data[:-2] + ("A" if data[-2] != "A" else "B") + data[-1]


@pytest.mark.parametrize(
    "tamper",
    [
        lambda d: {**d, "ct": _flip(d["ct"])},
        lambda d: {**d, "nonce": _flip(d["nonce"])},
        lambda d: {**d, "kdf": {**d["kdf"], "salt": _flip(d["kdf"]["salt"])}},
        lambda d: {**d, "kdf": {**d["kdf"], "n": d["kdf"]["n"] * 2}},  # header is bound
        lambda d: {**d, "kdf": {**d["kdf"], "n": 2**40}},  # would eat memory: refused
        lambda d: {**d, "ct": base64.b64encode(b"x" * 40).decode()},
        lambda d: {k: v for k, v in d.items() if k != "nonce"},
        lambda d: {**d, "v": 2},
    ],
)
def test_an_altered_export_imports_nothing(cli, tmp_path, passfile, tamper) -> None:
    cli("creds", "set", "gateway_stripe", *ARGS)
    backup = tmp_path / "keys.backup"
    cli("keys", "export", str(backup), "--passphrase-file", str(passfile))
    backup.write_text(json.dumps(tamper(json.loads(backup.read_text()))))
    fresh = {"MERCATO_INT_HOME": str(tmp_path / "fresh-home")}
    run = cli("keys", "import", str(backup), "--passphrase-file", str(passfile), env=fresh)
    assert run.exit_code == 5
    assert run.stderr.splitlines() == [
        f"error: {backup} does not open: the passphrase is wrong, or the file was altered; "
        "nothing was imported (try the passphrase again, or another copy of the export)"
    ]
    assert not (tmp_path / "fresh-home" / "master.key").exists()


def test_a_wrong_passphrase_imports_nothing_and_shows_nothing(cli, tmp_path, passfile) -> None:
    cli("creds", "set", "gateway_stripe", *ARGS)
    backup = tmp_path / "keys.backup"
    cli("keys", "export", str(backup), "--passphrase-file", str(passfile))
    fresh = {"MERCATO_INT_HOME": str(tmp_path / "fresh-home")}
    wrong = {**fresh, "MERCATO_INT_KEYS_PASSPHRASE": "correct horse battery stapler"}
    run = cli("keys", "import", str(backup), env=wrong)
    assert run.exit_code == 5 and "the passphrase is wrong" in run.stderr
    assert "stapler" not in run.stderr + run.stdout
    assert not (tmp_path / "fresh-home" / "master.key").exists()
    assert cli("keys", "status", "--json", env=fresh).json()["keys"] == []


def test_passphrase_rules(cli, tmp_path) -> None:
    cli("creds", "set", "gateway_stripe", *ARGS)
    backup = tmp_path / "keys.backup"
    none = cli("keys", "export", str(backup))  # no terminal, no file, no variable
    assert none.exit_code == 2
    assert none.stderr.splitlines() == [
        "error: no passphrase: give --passphrase-file or set MERCATO_INT_KEYS_PASSPHRASE (there "
        "is no terminal to ask on)"
    ]
    short = cli("keys", "export", str(backup), env={"MERCATO_INT_KEYS_PASSPHRASE": "short"})
    assert short.exit_code == 2
    assert short.stderr == "error: the passphrase must be at least 8 characters long\n"
    assert not backup.exists()
    not_export = tmp_path / "other.json"
    not_export.write_text('{"hello": 1}')
    run = cli("keys", "import", str(not_export), env={"MERCATO_INT_KEYS_PASSPHRASE": PASS})
    assert run.exit_code == 2 and "is not a mercato-int key export" in run.stderr
    missing = cli(
        "keys", "import", str(tmp_path / "nope"), env={"MERCATO_INT_KEYS_PASSPHRASE": PASS}
    )
    assert missing.exit_code == 2 and "cannot read" in missing.stderr
