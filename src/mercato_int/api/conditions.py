"""ETag and If-Match: the version of a credentials row or a state, as a strong ETag."""

from __future__ import annotations

from mercato_int.errors import InvalidInput


def if_match(header: str | None) -> int | None:
    """The version an `If-Match` header asks for: None without one (or `*`: any); 400 for
    anything but one quoted version (`"3"`, or `W/"3"`)."""
    if header is None or header.strip() == "*":
        return None
    value = header.strip().removeprefix("W/")
    if len(value) >= 2 and value[0] == value[-1] == '"':
        value = value[1:-1]
    if not value.isdigit():
        from mercato_int.i18n import t

        raise InvalidInput(t("api.err.bad_if_match"), code="api.err.bad_if_match")
    return int(value)
