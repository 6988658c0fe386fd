from __future__ import annotations

import os
import subprocess
import sys

import pytest

from mercato_int.errors import InvalidInput, KeyProblem
from mercato_int.keys import MasterKeys
from mercato_int.keys.envelope import (
    EnvelopeError,
    associated_data,
    encode_key,
    generate_key,
    key_id,
    open_envelope,
    seal,
)


def keys_for(tmp_path, env: str | None = None, backend: object = None) -> MasterKeys:
    return MasterKeys.default(env_value=env, config_dir=tmp_path / "cfg", keyring_backend=backend)


class Memory:
    def __init__(self) -> None:
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password


class Dropping(Memory):
    def set_password(self, service: str, username: str, password: str) -> None:
        pass


def test_envelope_is_bound_to_its_row() -> None:
    key = generate_key()
    aad = associated_data("gateway_stripe", "org", "tenant_a")
    env = seal({"secretKey": "sk"}, key=key, kid=key_id(key), aad=aad)
    assert set(env) == {"v", "kid", "nonce", "ct"} and env["v"] == 1
    assert open_envelope(env, key=key, aad=aad) == {"secretKey": "sk"}
    for other in (
        associated_data("gateway_stripe", "org", "tenant_b"),
        associated_data("carrier_dhl", "org", "tenant_a"),
        associated_data("gateway_stripe", "org2", "tenant_a"),
    ):
        with pytest.raises(EnvelopeError, match="copied from another row or tenant"):
            open_envelope(env, key=key, aad=other)
    with pytest.raises(EnvelopeError):
        open_envelope(env, key=generate_key(), aad=aad)
    tampered = {**env, "ct": env["ct"][:-4] + ("AAAA" if env["ct"][-4:] != "AAAA" else "BBBB")}
    with pytest.raises(EnvelopeError):
        open_envelope(tampered, key=key, aad=aad)
    with pytest.raises(EnvelopeError, match="version 2 is not known"):
        open_envelope({**env, "v": 2}, key=key, aad=aad)


def test_environment_keys_first_active_others_for_reading(tmp_path) -> None:
    k1, k2 = generate_key(), generate_key()
    keys = keys_for(tmp_path, f"{encode_key(k1)}, {encode_key(k2)}")
    assert keys.active().kid == key_id(k1)
    assert keys.active().source == "MERCATO_INT_MASTER_KEY"
    assert keys.find(key_id(k2)).material == k2
    assert "material" not in repr(keys.active()) and encode_key(k1) not in repr(keys.active())


def test_bad_environment_key_is_exit_5_without_echo(tmp_path) -> None:
    keys = keys_for(tmp_path, "not-a-key-SECRETISH")
    with pytest.raises(KeyProblem) as info:
        keys.active()
    assert info.value.exit_code == 5
    assert str(info.value).startswith("MERCATO_INT_MASTER_KEY: entry 1 is not a master key")
    assert "SECRETISH" not in str(info.value)


def test_first_key_goes_to_a_working_keyring(tmp_path) -> None:
    backend = Memory()
    keys = keys_for(tmp_path, backend=backend)
    assert keys.active() is None
    key, created = keys.create()
    assert created and key.source == "the OS keyring (service mercato-int)"
    assert list(backend.entries) == [("mercato-int", "master-keys")]
    assert not (tmp_path / "cfg" / "master.key").exists()
    assert keys_for(tmp_path, backend=backend).active().kid == key.kid  # another process


def test_a_keyring_that_drops_writes_counts_as_none(tmp_path) -> None:
    keys = keys_for(tmp_path, backend=Dropping())
    key, created = keys.create()
    path = tmp_path / "cfg" / "master.key"
    assert created and key.source == f"key file {path}"
    assert os.stat(path).st_mode & 0o777 == 0o600
    assert keys_for(tmp_path, backend=Dropping()).active().kid == key.kid


def test_the_global_keyring_is_used_when_none_is_injected(tmp_path, memory_keyring) -> None:
    key, _ = keys_for(tmp_path).create()
    assert key.source == "the OS keyring (service mercato-int)"
    assert ("mercato-int", "master-keys") in memory_keyring.entries


def test_dropping_global_keyring_falls_back_to_the_file(tmp_path, dropping_keyring) -> None:
    key, _ = keys_for(tmp_path).create()
    assert key.source.startswith("key file ")


def test_key_file_readable_by_others_is_refused(tmp_path) -> None:
    keys_for(tmp_path).create()
    path = tmp_path / "cfg" / "master.key"
    path.chmod(0o644)
    with pytest.raises(KeyProblem) as info:
        keys_for(tmp_path).active()
    assert str(info.value) == (
        f"refusing key file {path}: mode 0644 lets group or others read it (run `chmod 600 {path}`)"
    )


def test_lookup_order_env_then_keyring_then_file(tmp_path) -> None:
    backend = Memory()
    file_key, _ = keys_for(tmp_path).create()  # no keyring: the file
    ring_key, _ = keys_for(tmp_path / "other", backend=backend).create()
    both = keys_for(tmp_path, backend=backend)
    assert both.active().kid == ring_key.kid  # keyring before file
    assert both.find(file_key.kid) is not None  # the file's key still reads
    env = generate_key()
    first = keys_for(tmp_path, encode_key(env), backend=backend)
    assert first.active().kid == key_id(env)
    assert first.places().startswith("MERCATO_INT_MASTER_KEY: set; the OS keyring")


def test_add_active_keeps_old_keys_and_env_cannot_be_written(tmp_path) -> None:
    keys = keys_for(tmp_path)
    old, _ = keys.create()
    new = keys.add_active()
    assert keys.active().kid == new.kid != old.kid
    assert keys.find(old.kid) is not None
    env_keys = keys_for(tmp_path, encode_key(generate_key()))
    with pytest.raises(InvalidInput, match="put a new key first in MERCATO_INT_MASTER_KEY"):
        env_keys.add_active()


def test_concurrent_first_keys_agree(tmp_path) -> None:
    """Two processes creating the first key at once end up with one key."""
    code = (
        "import sys; from pathlib import Path; from mercato_int.keys import MasterKeys\n"
        "k, _ = MasterKeys.default(env_value=None, config_dir=Path(sys.argv[1])).create()\n"
        "print(k.kid)"
    )
    env = {**os.environ, "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", code, str(tmp_path / "cfg")], stdout=subprocess.PIPE, env=env
        )
        for _ in range(4)
    ]
    kids = {p.communicate()[0].strip() for p in procs}
    assert len(kids) == 1
