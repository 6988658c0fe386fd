"""Numbers in log messages, in the current language (the messages themselves are in the
`mercato_int` catalogue, `logs.*` keys)."""

from __future__ import annotations


def grouped(n: int) -> str:
    """`n` with its thousands grouped as the current language writes them: 12,345 / 12 345."""
    from mercato_int.i18n import current

    text = f"{n:,}"
    return text.replace(",", " ") if current() == "pl" else text


def counted(key: str, n: int) -> str:
    """A plural count message (`logs.n.*`) for `n`, the number grouped by `grouped`."""
    from mercato_int.i18n import tn

    return tn(key, n, count=grouped(n))
