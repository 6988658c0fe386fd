"""Secret keys stripped at any depth, secret values masked everywhere, tiny values left alone."""

from __future__ import annotations

import json

from mercato_int.redaction import MASK
from mercato_int.services.logs.redaction import Redactor


def test_secret_keys_are_stripped_at_any_depth_and_inside_lists() -> None:
    red = Redactor.build({"secretKey", "webhookSecret"}, [])
    details = {
        "secretKey": "a",
        "keep": 1,
        "nested": {"SecretKey": "b", "list": [{"webhookSecret": "c", "ok": "d"}, "e"]},
    }
    assert red.details(details) == {"keep": 1, "nested": {"list": [{"ok": "d"}, "e"]}}


def test_secret_values_are_masked_in_text_values_and_keys() -> None:
    red = Redactor.build(set(), ["sk_live_123456", "abc"])
    assert red.text("key sk_live_123456 used") == f"key {MASK} used"
    assert red.details({"sk_live_123456": ["x sk_live_123456", 5]}) == {MASK: [f"x {MASK}", 5]}
    # shorter than MIN_SECRET_LENGTH (4): left alone, so a tiny secret cannot shred a log
    assert red.text("abc abc") == "abc abc"


def test_longest_secret_wins_when_one_contains_another() -> None:
    red = Redactor.build(set(), ["secret", "secret_and_more"])
    assert red.text("secret_and_more!") == f"{MASK}!"


def test_details_json_walks_only_when_the_text_looks_suspicious() -> None:
    red = Redactor.build({"apiKey"}, ['quote"secret'])
    dumps = json.dumps
    assert red.details_json({"a": "clean"}, dumps) == '{"a": "clean"}'
    assert json.loads(red.details_json({"x": {"APIKEY": "v"}}, dumps)) == {"x": {}}
    # a value JSON escapes is still found, although its escaped form differs from the text
    assert json.loads(red.details_json({"x": 'has quote"secret'}, dumps)) == {"x": f"has {MASK}"}


def test_noop_redactor_passes_everything_through() -> None:
    red = Redactor.build(set(), ["abc"])
    assert red.is_noop
    value = {"a": ["b"]}
    assert red.details(value) is value
