"""Edits of the config file that keep what the user wrote: only the `current_context` line and
the `[contexts.NAME]` tables are touched; every other key, comment and blank line stays as it
was. Each edit is checked by reading the result back with tomllib (it must parse, and hold
exactly what was meant); a file this small editor cannot change safely is left alone with an
error that says to edit it by hand. The file is replaced atomically, mode 0600.

No dependency: tomli-w writes TOML from a dict and so would drop the user's comments.
"""

from __future__ import annotations

import copy
import re
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from mercato_int.config_file import ConfigError, read_config
from mercato_int.contexts import CURRENT_KEY, TABLE_KEY

_HEADER = re.compile(r"^\s*\[(\[?)([^\[\]]*)\]\]?\s*(#.*)?$")
_CURRENT = re.compile(rf"^\s*{CURRENT_KEY}\s*=")
_PART = re.compile(r'\s*("(?:[^"\\]|\\.)*"|\'[^\']*\'|[A-Za-z0-9_-]+)\s*')


def quote(value: str) -> str:
    """`value` as a TOML basic string."""
    out = ['"']
    for ch in value:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch == "\t":
            out.append("\\t")
        elif ch == "\n":
            out.append("\\n")
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return "".join(out) + '"'


def _header_key(line: str) -> tuple[str, ...] | None:
    """The dotted key of a table header line (`[contexts."prod"]` -> (contexts, prod)); None for
    any other line."""
    match = _HEADER.match(line)
    if not match:
        return None
    parts: list[str] = []
    rest = match.group(2)
    while rest:
        part = _PART.match(rest)
        if not part:
            return ("?",)  # a header we cannot read: it still ends the table before it
        token = part.group(1)
        parts.append(tomllib.loads(f"k = {token}")["k"] if token[0] in "\"'" else token)
        rest = rest[part.end() :]
        if rest.startswith("."):
            rest = rest[1:]
        elif rest:
            return ("?",)
    return tuple(parts)


def _lines(text: str) -> list[str]:
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    return lines


def _headers(lines: list[str]) -> list[int]:
    return [i for i, line in enumerate(lines) if _header_key(line) is not None]


def _block(lines: list[str], name: str) -> tuple[int, int] | None:
    """(first, end) line numbers of the `[contexts.NAME]` table, header included."""
    headers = _headers(lines)
    for n, i in enumerate(headers):
        if _header_key(lines[i]) == (TABLE_KEY, name):
            return i, headers[n + 1] if n + 1 < len(headers) else len(lines)
    return None


def _blank_or_comment(line: str) -> bool:
    stripped = line.strip()
    return not stripped or stripped.startswith("#")


def with_context(text: str, name: str, values: dict[str, str]) -> str:
    """`text` with the table `[contexts.NAME]` holding exactly `values` (replaced or added)."""
    lines = _lines(text)
    body = [f"{key} = {quote(value)}\n" for key, value in values.items()]
    found = _block(lines, name)
    if found is None:
        if lines and lines[-1].strip():
            lines.append("\n")
        return "".join([*lines, f"[{TABLE_KEY}.{name}]\n", *body])
    first, end = found
    kept = [line for line in lines[first + 1 : end] if _blank_or_comment(line)]
    return "".join([*lines[: first + 1], *body, *kept, *lines[end:]])


def without_context(text: str, name: str) -> str:
    """`text` without the table `[contexts.NAME]` (its comments and blank lines too)."""
    lines = _lines(text)
    found = _block(lines, name)
    if found is None:
        return text
    first, end = found
    before = lines[:first]
    if end == len(lines):  # the last table: no blank lines left at the end
        while before and not before[-1].strip():
            before.pop()
    return "".join([*before, *lines[end:]])


def with_current(text: str, name: str | None) -> str:
    """`text` with `current_context = "NAME"` at the top level (None: the line removed)."""
    lines = _lines(text)
    headers = _headers(lines)
    top = headers[0] if headers else len(lines)
    for i in range(top):
        if _CURRENT.match(lines[i]):
            if name is None:
                return "".join([*lines[:i], *lines[i + 1 :]])
            lines[i] = f"{CURRENT_KEY} = {quote(name)}\n"
            return "".join(lines)
    if name is None:
        return text
    at = top
    while at > 0 and not lines[at - 1].strip():  # before the blank lines that end the top
        at -= 1
    line = f"{CURRENT_KEY} = {quote(name)}\n"
    extra = ["\n"] if at == top and at < len(lines) else []
    return "".join([*lines[:at], line, *extra, *lines[at:]])


def edit_config(
    path: Path,
    edit: Callable[[str], str],
    change: Callable[[dict[str, Any]], None],
) -> None:
    """Apply the text edit `edit` to the config file at `path` and write it back atomically
    (mode 0600), after checking that the result parses and equals what the file held with
    `change` applied to it. ConfigError (exit 2), the file untouched, if it does not."""
    before = read_config(path)  # ConfigError for a file that does not parse
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    expected = copy.deepcopy(before)
    change(expected)
    new = edit(text)
    try:
        after = tomllib.loads(new)
    except tomllib.TOMLDecodeError:
        after = None
    for data in (after, expected):  # `[contexts]` with no table left: the same as none
        if data is not None and data.get(TABLE_KEY) == {}:
            del data[TABLE_KEY]
    if after != expected:
        raise ConfigError("config.context.cannot_edit", params={"path": path})
    from mercato_int.keys.sources import write_private

    write_private(path, new.encode("utf-8"))


# --- the context operations of `mercato-int context` ---------------------------------------


def check_context_values(values: dict[str, str]) -> dict[str, str]:
    """The values of a new context, checked: names as settings want them, a language we have,
    a store URL we can use and that holds no password (it would be stored in plain text).
    InvalidInput (exit 2) otherwise; a URL is never shown in the message."""
    from mercato_int.errors import InvalidInput
    from mercato_int.i18n import LANGUAGES, t
    from mercato_int.settings import check_identifier

    for key in ("tenant", "org", "actor"):
        if values.get(key):
            check_identifier(values[key], key)
    lang = values.get("lang")
    if lang and lang not in LANGUAGES:
        raise InvalidInput(
            t("context.bad_lang", lang=lang), hint=t("context.bad_lang_hint", known="en, pl")
        )
    url = values.get("database_url")
    if url:
        from mercato_int.store.urls import parse_store_url, url_secrets

        if url_secrets(url):
            raise InvalidInput(t("context.password"), hint=t("context.password_hint"))
        parse_store_url(url)
    return values


def add_context(path: Path, name: str, values: dict[str, str]) -> tuple[dict[str, str], bool]:
    """Create the context `name`, or change the values given of an existing one. (Its values
    now, whether it is new.)"""
    from mercato_int.contexts import check_name, contexts_of

    check_name(name)
    check_context_values(values)
    known = contexts_of(read_config(path), path)
    merged = {**known.get(name, {}), **{k: v for k, v in values.items() if v}}

    def change(data: dict[str, Any]) -> None:
        data.setdefault(TABLE_KEY, {})[name] = dict(merged)

    edit_config(path, lambda text: with_context(text, name, merged), change)
    return merged, name not in known


def use_context(path: Path, name: str) -> dict[str, str]:
    """Make `name` the current context; its values. ConfigError (exit 2) for an unknown one."""
    from mercato_int.contexts import select

    data = read_config(path)
    select(data, path, flag=name, env="", named=True)  # unknown: exit 2 naming the known ones

    def change(data: dict[str, Any]) -> None:
        data[CURRENT_KEY] = name

    edit_config(path, lambda text: with_current(text, name), change)
    return dict(data[TABLE_KEY][name])


def remove_context(path: Path, name: str) -> bool:
    """Remove the context `name` (and `current_context` if it named it): whether it was the
    current one. ConfigError (exit 2) for an unknown one."""
    from mercato_int.contexts import current_of, select

    data = read_config(path)
    select(data, path, flag=name, env="", named=True)
    was_current = current_of(data, path) == name

    def change(data: dict[str, Any]) -> None:
        del data[TABLE_KEY][name]
        if was_current:
            del data[CURRENT_KEY]

    def edit(text: str) -> str:
        text = without_context(text, name)
        return with_current(text, None) if was_current else text

    edit_config(path, edit, change)
    return was_current
