"""Nothing may destroy a master key (issue 11.1-11.3), attacked through the CLI on real stores:
a keyring that fails a read once, stores sharing one key file or keyring entry where one
rotates and the other drops, and rows whose envelope and key_id column name different keys."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import sqlalchemy as sa
from keyring.backend import KeyringBackend
from keyring.errors import KeyringLocked

ARGS = ["publishableKey=pk_1", "secretKey=sk_live_KEEP", "webhookSecret=whsec_KEEP"]
KEYRING_ENTRY = ("mercato-int", "master-keys")


class FlakyKeyring(KeyringBackend):
    """A real keyring backend (keyring's own base class, set with keyring.set_keyring) that
    answers `fail_reads` reads with KeyringLocked, as a locked Secret Service does."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}
        self.fail_reads = 0
        self.writes: list[tuple[str, str]] = []

    def get_password(self, service: str, username: str) -> str | None:
        if self.fail_reads:
            self.fail_reads -= 1
            raise KeyringLocked("the collection is locked")
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.writes.append((service, username))
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.entries.pop((service, username), None)


@pytest.fixture
def flaky_keyring():
    import keyring

    previous = keyring.get_keyring()
    backend = FlakyKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


def _env(tmp_path: Path, name: str, url: str | None = None) -> dict[str, str]:
    """Another store with its own home (config dir, lock, key file): only the keyring or
    what the test passes is shared."""
    home = tmp_path / f"home-{name}"
    home.mkdir(exist_ok=True)
    return {
        "MERCATO_INT_HOME": str(home),
        "MERCATO_INT_DATABASE_URL": url or f"sqlite:///{tmp_path / f'{name}.db'}",
    }


def _status(cli, env=None) -> dict:
    return cli("keys", "status", "--json", env=env).json()


def test_a_keyring_read_that_fails_never_costs_the_key(cli, tmp_path, flaky_keyring) -> None:
    a, b, c = _env(tmp_path, "a"), _env(tmp_path, "b"), _env(tmp_path, "c")
    assert cli("creds", "set", "gateway_stripe", *ARGS, env=a).exit_code == 0
    entry = flaky_keyring.entries[KEYRING_ENTRY]
    kid = _status(cli, a)["activeKeyId"]

    def key_writes() -> int:
        return flaky_keyring.writes.count(KEYRING_ENTRY)

    writes = key_writes()
    # Store B's first save meets a keyring that fails one read: it reads again (under the
    # creation lock) before creating anything, finds the key, and creates none.
    flaky_keyring.fail_reads = 1
    once = cli("creds", "set", "gateway_stripe", *ARGS, env=b)
    assert once.exit_code == 0, once.stderr
    assert "created master key" not in once.stderr
    assert flaky_keyring.entries[KEYRING_ENTRY] == entry and key_writes() == writes
    assert _status(cli, b)["activeKeyId"] == kid

    # Store C's first save meets a keyring that keeps failing: exit 5 naming it, nothing
    # written anywhere (neither over the entry nor a key file beside it)
    flaky_keyring.fail_reads = 1000
    run = cli("creds", "set", "gateway_stripe", *ARGS, env=c)
    flaky_keyring.fail_reads = 0
    assert run.exit_code == 5
    assert run.stderr.splitlines()[0] == (
        "error: the OS keyring (service mercato-int) could not be read (KeyringLocked): it may "
        "hold master keys, so mercato-int creates, adds and removes no key until it can "
        "(unlock or repair the keyring and run the command again; to use the key file only, "
        "set PYTHON_KEYRING_BACKEND=keyring.backends.null.Keyring)"
    )
    assert "Traceback" not in run.stderr
    assert flaky_keyring.entries[KEYRING_ENTRY] == entry and key_writes() == writes
    assert not (Path(c["MERCATO_INT_HOME"]) / "master.key").exists()
    assert cli("creds", "get", "gateway_stripe", "--json", env=c).json()["source"] == "none"

    again = cli("creds", "set", "gateway_stripe", *ARGS, env=c)  # the keyring answers now
    assert again.exit_code == 0, again.stderr
    assert _status(cli, c)["activeKeyId"] == kid  # the same key serves every store
    for env in (a, b, c):
        got = cli("creds", "get", "gateway_stripe", "--reveal", "--json", env=env)
        assert got.json()["credentials"]["secretKey"] == "sk_live_KEEP"


def test_rotate_drop_and_import_refuse_while_the_keyring_cannot_be_read(
    cli, tmp_path, flaky_keyring
) -> None:
    a = _env(tmp_path, "a")
    cli("creds", "set", "gateway_stripe", *ARGS, env=a)
    cli("keys", "rotate", "--yes", env=a)
    old = next(k["keyId"] for k in _status(cli, a)["keys"] if not k["active"])
    backup = str(tmp_path / "keys.backup")
    a["MERCATO_INT_KEYS_PASSPHRASE"] = "a long passphrase"
    assert cli("keys", "export", backup, env=a).exit_code == 0
    flaky_keyring.entries[KEYRING_ENTRY] = flaky_keyring.entries[KEYRING_ENTRY].split(",")[0]
    entry = flaky_keyring.entries[KEYRING_ENTRY]  # the old key is gone: import would add it
    for args in (
        ["keys", "rotate", "--yes"],
        ["keys", "drop", old, "--yes"],
        ["keys", "import", backup],
    ):
        flaky_keyring.fail_reads = 1000
        run = cli(*args, env=a)
        flaky_keyring.fail_reads = 0
        assert run.exit_code == 5, args
        assert "could not be read (KeyringLocked)" in run.stderr
        assert flaky_keyring.entries[KEYRING_ENTRY] == entry
    # reading carries on from the other sources (here: none), and says which one failed
    flaky_keyring.fail_reads = 1000
    status = cli("keys", "status", "--json", env=a)
    flaky_keyring.fail_reads = 0
    assert status.exit_code == 5
    assert (
        "the OS keyring (service mercato-int): could not be read (KeyringLocked)"
        in (status.json()["lookedIn"])
    )
    assert flaky_keyring.entries[KEYRING_ENTRY] == entry


def test_an_unreadable_key_file_is_exit_5_and_never_replaced(cli, tmp_path) -> None:
    cli("creds", "set", "gateway_stripe", *ARGS)
    key_file = Path(os.environ["MERCATO_INT_HOME"]) / "master.key"
    before = key_file.read_bytes()
    key_file.write_bytes(b"\xff\xfe not text")
    key_file.chmod(0o600)
    run = cli("creds", "set", "carrier_dhl", "apiKey=k", "accountNumber=1")
    assert run.exit_code == 5
    assert run.stderr.splitlines()[0].startswith(f"error: cannot read key file {key_file}: ")
    assert key_file.read_bytes() == b"\xff\xfe not text"
    key_file.write_bytes(before)
    assert cli("creds", "get", "gateway_stripe").exit_code == 0


# --- several stores, one key source -------------------------------------------------------------
@pytest.fixture(
    params=["two-sqlite-files", pytest.param("sqlite-and-postgres", marks=pytest.mark.postgres)]
)
def two_stores(request, tmp_path) -> tuple[str, str]:
    first = f"sqlite:///{tmp_path / 'first.db'}"
    if request.param == "two-sqlite-files":
        return first, f"sqlite:///{tmp_path / 'second.db'}"
    from mercato_int.store.engine import create_store_engine
    from mercato_int.store.migrate import upgrade

    url = request.getfixturevalue("pg_url")
    engine = create_store_engine(url)
    upgrade(engine)
    engine.dispose()
    return first, url


def _keys_of(cli, env) -> dict[str, dict]:
    return {k["keyId"]: k for k in _status(cli, env)["keys"]}


def _store_name(url: str) -> str:
    if url.startswith("sqlite:///"):
        return "sqlite:///" + str(Path(url.removeprefix("sqlite:///")).resolve())
    return url.replace("postgresql+psycopg://", "postgresql+psycopg://", 1)


@pytest.mark.parametrize("source", ["key file", "keyring"])
def test_a_drop_in_one_store_never_strands_another(
    cli, tmp_path, two_stores, source, memory_keyring
) -> None:
    first_url, second_url = two_stores
    if source == "key file":  # one home: one key file; no keyring
        import keyring
        from keyring.backends.fail import Keyring as NoKeyring

        keyring.set_keyring(NoKeyring())
        home = str(tmp_path / "shared-home")
        a = {"MERCATO_INT_HOME": home, "MERCATO_INT_DATABASE_URL": first_url}
        b = {"MERCATO_INT_HOME": home, "MERCATO_INT_DATABASE_URL": second_url}
    else:  # two homes, one keyring entry
        a = _env(tmp_path, "a", first_url)
        b = _env(tmp_path, "b", second_url)
    assert cli("creds", "set", "gateway_stripe", *ARGS, env=a).exit_code == 0
    assert cli("--tenant", "t2", "creds", "set", "gateway_stripe", *ARGS, env=b).exit_code == 0
    assert cli("creds", "set", "gateway_stripe", *ARGS, env=b).exit_code == 0
    k1 = _status(cli, a)["activeKeyId"]
    assert _status(cli, b)["activeKeyId"] == k1
    if source == "key file":
        assert _status(cli, a)["activeKeySource"].startswith("key file ")
    else:
        assert _status(cli, a)["activeKeySource"].startswith("the OS keyring")

    assert cli("keys", "rotate", "--yes", env=a).exit_code == 0  # A moves to k2
    k1_in_a = _keys_of(cli, a)[k1]
    assert k1_in_a["rows"] == 0
    assert k1_in_a["otherStores"] == [{"store": _store_name(second_url), "rows": 2}]
    assert k1_in_a["canDrop"] is False
    human = cli("keys", "status", env=a).stdout
    assert "recorded as used by other stores: " in human

    refused = cli("keys", "drop", k1, "--yes", env=a)
    assert refused.exit_code == 2
    assert refused.stderr.splitlines()[0].startswith(
        f"error: key {k1} is recorded as used by 1 other store sharing its source: "
        f"{_store_name(second_url)} (2 rows) (rotate each of them first"
    )
    assert "password" not in refused.stderr
    assert cli("keys", "drop", k1, "--yes", env=b).exit_code == 2  # B's own rows need it
    got = cli("--tenant", "t2", "creds", "get", "gateway_stripe", "--reveal", "--json", env=b)
    assert got.json()["credentials"]["secretKey"] == "sk_live_KEEP"

    assert cli("keys", "rotate", "--yes", env=b).exit_code == 0  # B finishes on k2 as well
    assert _keys_of(cli, a)[k1]["canDrop"] is True
    dropped = cli("keys", "drop", k1, "--yes", env=a)
    assert dropped.exit_code == 0, dropped.stderr
    assert dropped.stderr == ""
    for env in (a, b):
        assert k1 not in _keys_of(cli, env)
        got = cli("creds", "get", "gateway_stripe", "--reveal", "--json", env=env)
        assert got.json()["credentials"]["secretKey"] == "sk_live_KEEP"


def test_force_drops_past_another_store_with_a_warning(cli, tmp_path) -> None:
    home = str(tmp_path / "shared-home")
    a = {"MERCATO_INT_HOME": home, "MERCATO_INT_DATABASE_URL": f"sqlite:///{tmp_path / 'a.db'}"}
    b = {"MERCATO_INT_HOME": home, "MERCATO_INT_DATABASE_URL": f"sqlite:///{tmp_path / 'b.db'}"}
    cli("creds", "set", "gateway_stripe", *ARGS, env=a)
    cli("creds", "set", "gateway_stripe", *ARGS, env=b)
    k1 = _status(cli, a)["activeKeyId"]
    cli("keys", "rotate", "--yes", env=a)
    run = cli("keys", "drop", k1, "--yes", "--force", env=a)
    assert run.exit_code == 0
    assert run.stderr.startswith(
        f"warning: dropping key {k1} although other stores sharing its source were recorded "
        f"as using it (--force): {_store_name(b['MERCATO_INT_DATABASE_URL'])} (1 row); their "
        "rows under it can no longer be read"
    )
    assert cli("creds", "get", "gateway_stripe", env=b).exit_code == 5  # what --force meant


def test_a_record_that_cannot_be_read_refuses_the_drop(cli, tmp_path) -> None:
    cli("creds", "set", "gateway_stripe", *ARGS)
    k1 = _status(cli)["activeKeyId"]
    cli("keys", "rotate", "--yes")
    uses = Path(os.environ["MERCATO_INT_HOME"]) / "master.key.uses"
    assert json.loads(uses.read_text())  # the record lives beside the keys
    assert uses.stat().st_mode & 0o777 == 0o600
    uses.write_text("{not json")
    assert _keys_of(cli, None)[k1]["otherStores"] is None
    run = cli("keys", "drop", k1, "--yes")
    assert run.exit_code == 5
    assert "cannot read the record of which stores use the keys of key file" in run.stderr
    assert cli("keys", "drop", k1, "--yes", "--force").exit_code == 0


# --- the envelope's key id decides --------------------------------------------------------------
def _set_column(db_url: str, **values: object) -> None:
    from mercato_int.store.engine import create_store_engine

    engine = create_store_engine(db_url)
    sets = ", ".join(f"{k} = :{k}" for k in values)
    params = {k: json.dumps(v) if isinstance(v, dict) else v for k, v in values.items()}
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql" and "encrypted_values" in values:
            sets = sets.replace(":encrypted_values", "CAST(:encrypted_values AS jsonb)")
        conn.execute(sa.text(f"UPDATE integration_credentials SET {sets}"), params)
    engine.dispose()


def _envelope(db_url: str) -> dict:
    from mercato_int.store.engine import create_store_engine

    engine = create_store_engine(db_url)
    with engine.connect() as conn:
        env = conn.execute(sa.text("SELECT encrypted_values FROM integration_credentials")).scalar()
    engine.dispose()
    return json.loads(env) if isinstance(env, str) else env


def test_status_drop_and_rotate_follow_the_envelope_not_the_column(cli, db_url) -> None:
    cli("creds", "set", "gateway_stripe", *ARGS)
    k1 = _status(cli)["activeKeyId"]
    sealed_under_k1 = _envelope(db_url)
    cli("keys", "rotate", "--yes")
    k2 = _status(cli)["activeKeyId"]
    # the row goes back to its k1 ciphertext while its column still says k2
    _set_column(db_url, encrypted_values=sealed_under_k1, key_id=k2)
    keys = _keys_of(cli, None)
    assert (keys[k1]["rows"], keys[k1]["canDrop"]) == (1, False)
    assert keys[k2]["rows"] == 0
    refused = cli("keys", "drop", k1, "--yes")
    assert refused.exit_code == 2 and f"key {k1} still encrypts 1 row" in refused.stderr
    assert cli("keys", "status", "--verify").exit_code == 0  # it opens: nothing damaged
    # rotation sees an unfinished rotation to k2 and picks the row up although its column
    # already names k2
    run = cli("keys", "rotate", "--yes")
    assert run.stdout.startswith(f"finished rotating to key {k2} ")
    assert _envelope(db_url)["kid"] == k2
    assert cli("keys", "drop", k1, "--yes").exit_code == 0
    got = cli("creds", "get", "gateway_stripe", "--reveal", "--json")
    assert got.json()["credentials"]["secretKey"] == "sk_live_KEEP"


def test_a_stale_column_does_not_keep_a_key(cli, db_url) -> None:
    cli("creds", "set", "gateway_stripe", *ARGS)
    k1 = _status(cli)["activeKeyId"]
    cli("keys", "rotate", "--yes")
    _set_column(db_url, key_id=k1)  # envelope: k2; column: k1
    assert _keys_of(cli, None)[k1]["rows"] == 0
    assert cli("keys", "drop", k1, "--yes").exit_code == 0
    assert cli("creds", "get", "gateway_stripe").exit_code == 0


def test_a_record_that_cannot_be_written_never_undoes_a_save(cli) -> None:
    home = Path(os.environ["MERCATO_INT_HOME"])
    cli("creds", "set", "gateway_stripe", *ARGS)
    uses = home / "master.key.uses"
    uses.unlink()
    uses.mkdir()  # in the way: the record cannot be written
    run = cli("--tenant", "t2", "creds", "set", "gateway_stripe", *ARGS)
    assert run.exit_code == 0, run.stderr
    assert run.stderr == ""
    got = cli("--tenant", "t2", "creds", "get", "gateway_stripe", "--reveal", "--json")
    assert got.json()["credentials"]["secretKey"] == "sk_live_KEEP"
