"""The result of one check."""

from __future__ import annotations

from dataclasses import dataclass

OK, WARN, FAIL = "ok", "warn", "fail"
MARKS = {OK: "✓", WARN: "!", FAIL: "✗"}


@dataclass(frozen=True)
class Check:
    """One line of `doctor`: what was checked (`id` is stable, for scripts), how it went, what
    was found and, unless it is fine, what to do. Texts are in the language of the messages."""

    id: str
    status: str
    title: str
    detail: str
    fix: str | None = None

    @property
    def mark(self) -> str:
        return MARKS[self.status]
