"""What one log entry may hold, checked before the store sees it: text both stores accept (no
NUL, no lone surrogate), details that are strict JSON (no NaN or Infinity, nested at most
MAX_DEPTH levels), sizes (message 64 KiB, details 256 KiB), a durationMs that fits the
column and a createdAt every time zone can show. One bad entry is refused on its own (exit 2,
or its line in `logs ingest`); it never reaches a batch where it could sink the others."""

from __future__ import annotations

import json
import math
import re
import sys
from datetime import UTC, datetime
from typing import Any

from mercato_int.errors import Grouped, InvalidInput, msg

MAX_MESSAGE_BYTES = 64 * 1024  # UTF-8, as stored
MAX_DETAILS_BYTES = 256 * 1024  # the details as stored: compact JSON, UTF-8
MAX_DEPTH = 100  # nesting levels of details (the object itself is level 1)
MAX_DURATION_MS = 2**31 - 1  # the column is a 32-bit integer on Postgres
# createdAt: from the Unix epoch to a day before datetime's end, so that the time converts
# into any local time zone when shown (and SQLite's text stamps keep four-digit years).
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(9999, 12, 30, tzinfo=UTC)
# One `logs ingest` line: the largest entry above, JSON-escaped (up to 6 bytes a byte).
MAX_LINE_BYTES = 4 * 1024 * 1024

# A NUL escape in JSON text that is not itself an escaped backslash followed by "u0000".
_NUL_ESCAPE = re.compile(r"(?<!\\)(?:\\\\)*\\u0000")


def utf8_size(name: str, value: str) -> int:
    """The UTF-8 size of `value`; InvalidInput when it holds a lone surrogate (no store can
    keep that, and no encoder can print it)."""
    if value.isascii():  # O(1) in CPython: the common case costs nothing
        return len(value)
    try:
        return len(value.encode("utf-8"))
    except UnicodeEncodeError:
        raise InvalidInput(msg("logs.limit.surrogate", name=name)) from None


def check_text(name: str, value: str | None) -> int:
    """Refuse text the stores cannot keep (NUL, lone surrogates); returns its UTF-8 size."""
    if value is None:
        return 0
    if "\x00" in value:
        raise InvalidInput(msg("logs.limit.nul", name=name))
    return utf8_size(name, value)


def check_texts(texts: dict[str, Any], lengths: dict[str, int]) -> None:
    """Each of `texts` (name -> value or None) a string of at most `lengths[name]` characters
    that the stores can keep. Called for every entry: the clean case is kept cheap."""
    for name, value in texts.items():
        if value is None:
            continue
        if not isinstance(value, str) or len(value) > lengths[name]:
            raise InvalidInput(msg("logs.too_long", name=name, limit=lengths[name]))
        if "\x00" in value or not value.isascii():
            check_text(name, value)


def check_message(message: str) -> None:
    size = check_text("message", message)
    if size > MAX_MESSAGE_BYTES:
        raise _too_big("message", size, MAX_MESSAGE_BYTES)


# Built once: json.dumps/json.loads with options build an encoder/decoder on every call.
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=str, allow_nan=False)


def dumps(value: Any) -> str:
    """Compact strict JSON (NaN and Infinity refused) as details are stored."""
    return _ENCODER.encode(value)


def details_json(value: dict[str, Any], serialize: Any) -> str:
    """`serialize(value)` (a redacting serializer), checked as stored details must be."""
    try:
        text = serialize(value)
    except RecursionError:
        raise _too_deep() from None
    except (ValueError, TypeError) as exc:
        raise _bad_value(value, exc) from None
    if text.count("{") + text.count("[") > MAX_DEPTH and _depth(value) > MAX_DEPTH:
        raise _too_deep()
    if "\\u0000" in text and _NUL_ESCAPE.search(text):
        raise InvalidInput(msg("logs.limit.nul", name="details"))
    size = utf8_size("details", text)
    if size > MAX_DETAILS_BYTES:
        raise _too_big("details", size, MAX_DETAILS_BYTES)
    return text


def check_duration(value: Any) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_DURATION_MS:
        small = isinstance(value, int | float) and abs(value) < 10**20
        shown = value if small or (isinstance(value, str) and len(value) <= 20) else "…"
        raise InvalidInput(msg("logs.bad_duration", value=shown, maximum=Grouped(MAX_DURATION_MS)))


def check_created_at(when: datetime) -> datetime:
    """`when` in UTC, refused (InvalidInput) outside EARLIEST..LATEST or without a zone."""
    if not isinstance(when, datetime):
        raise InvalidInput(msg("logs.limit.created_at", earliest="1970-01-01", latest="9999-12-30"))
    if when.tzinfo is None:
        hint = msg("logs.no_time_zone_hint", example="2026-02-24T10:00:00Z")
        raise InvalidInput(msg("logs.no_time_zone"), hint=hint)
    try:
        utc = when.astimezone(UTC)
    except OverflowError:
        utc = None
    if utc is None or not EARLIEST <= utc <= LATEST:
        raise InvalidInput(msg("logs.limit.created_at", earliest="1970-01-01", latest="9999-12-30"))
    return utc


def loads(text: str) -> Any:
    """Strict JSON: NaN, Infinity, nesting past the parser's depth and numbers past Python's
    digit limit are InvalidInput (the reason only; the caller frames it), never a crash."""
    try:
        return _DECODER.decode(text)
    except json.JSONDecodeError as exc:
        why = msg("logs.limit.json_error", error=exc.msg, column=exc.colno)
        raise InvalidInput(why, hint=msg("logs.details_not_json_hint")) from None
    except RecursionError:
        raise InvalidInput(msg("logs.limit.json_too_deep")) from None
    except _Constant:
        raise InvalidInput(msg("logs.limit.nan")) from None
    except ValueError:  # int() past sys.get_int_max_str_digits()
        raise _long_number() from None


class _Constant(ValueError):
    pass


def _refuse_constant(name: str) -> Any:
    raise _Constant(name)


_DECODER = json.JSONDecoder(parse_constant=_refuse_constant)


def _too_big(name: str, size: int, limit: int) -> InvalidInput:
    kib = f"{limit // 1024} KiB"
    return InvalidInput(msg("logs.limit.too_big", name=name, size=Grouped(size), limit=kib))


def _long_number() -> InvalidInput:
    return InvalidInput(msg("logs.limit.long_number", digits=Grouped(sys.get_int_max_str_digits())))


def _too_deep() -> InvalidInput:
    return InvalidInput(msg("logs.limit.too_deep", depth=MAX_DEPTH))


def _bad_value(value: Any, exc: Exception) -> InvalidInput:
    """Why `value` cannot be serialized: a non-finite float, a huge int, or a bad key."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, float) and not math.isfinite(item):
            return InvalidInput(msg("logs.limit.nan"))
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list | tuple):
            stack.extend(item)
    if isinstance(exc, ValueError):
        return _long_number()
    return InvalidInput(msg("logs.bad_details"), hint=msg("logs.limit.keys_hint"))


def _depth(value: Any) -> int:
    """Nesting depth of dicts and lists (iterative: deep values must not recurse here)."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list | tuple):
            children = item
        else:
            continue
        deepest = max(deepest, level)
        if deepest > MAX_DEPTH:
            return deepest
        stack.extend((child, level + 1) for child in children)
    return deepest
