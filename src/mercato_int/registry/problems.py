"""A problem found while discovering or validating providers: file, id, field, what to change."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Problem:
    file: str
    message: str
    id: str | None = None
    field: str | None = None
    line: int | None = None

    def __str__(self) -> str:
        where = self.file + (f":{self.line}" if self.line else "")
        what = " ".join(p for p in (f"[{self.id}]" if self.id else "", self.field or "") if p)
        return f"{where}: {what + ': ' if what else ''}{self.message}"
