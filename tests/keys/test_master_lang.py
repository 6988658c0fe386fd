"""Master keys in Polish: messages and `places_text()` follow the language (worded when shown),
while `places()` and the source names (data of `keys status --json`) stay English."""

from __future__ import annotations

import pytest

from mercato_int import i18n
from mercato_int.errors import InvalidInput
from mercato_int.keys import MasterKeys
from mercato_int.keys.envelope import (
    EnvelopeError,
    associated_data,
    generate_key,
    open_envelope,
    seal,
)


@pytest.fixture
def polish():
    i18n.choose("pl")
    yield
    i18n.reset()


def test_places_stay_english_and_places_text_is_polish(tmp_path, polish) -> None:
    keys = MasterKeys.default(env_value=None, config_dir=tmp_path / "cfg")
    key, created = keys.create()
    assert created and key.source == f"key file {tmp_path / 'cfg' / 'master.key'}"
    assert keys.places().startswith("MERCATO_INT_MASTER_KEY: not set; the OS keyring (service ")
    assert keys.places().endswith("master.key: 1 key(s)")
    text = str(keys.places_text())
    assert text.startswith("MERCATO_INT_MASTER_KEY: nieustawiona; systemowy pęk kluczy (usługa ")
    assert text.endswith("master.key: 1 klucz")
    assert str(keys.source_label(key.source)) == f"plik kluczy {tmp_path / 'cfg' / 'master.key'}"
    assert keys.source_label("somewhere else") == "somewhere else"
    with pytest.raises(InvalidInput) as refused:
        keys.drop(key.kid)
    assert refused.value.message == f"klucz {key.kid} jest aktywny i nie można go usunąć"
    with pytest.raises(InvalidInput) as unknown:
        keys.drop("nope")
    assert str(unknown.value) == (
        "żaden dostępny klucz nie ma identyfikatora nope (zobacz `mercato-int keys status`)"
    )


def test_envelope_errors_in_polish(polish) -> None:
    key = generate_key()
    envelope = seal({"a": 1}, key=key, kid="k", aad=associated_data("x", "o", "t1"))
    with pytest.raises(EnvelopeError, match=r"^szyfrogram nie otwiera się swoim kluczem"):
        open_envelope(envelope, key=key, aad=associated_data("x", "o", "t2"))
    with pytest.raises(EnvelopeError, match=r"^wersja formatu koperty 9 jest nieznana"):
        open_envelope({**envelope, "v": 9}, key=key, aad=b"")
