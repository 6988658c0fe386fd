"""`doctor --json`: `{ok, failures, warnings, checks}`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Self

from mercato_int.shapes.base import Shape

if TYPE_CHECKING:
    from mercato_int.doctor.model import Check


class CheckShape(Shape):
    """One check: a stable `id`, `status` (ok, warn, fail), and texts in the language of the
    messages; `fix` null when it is fine."""

    id: str
    status: str
    title: str
    detail: str
    fix: str | None


class DoctorShape(Shape):
    """`doctor --json`: `ok` (no check failed), how many failed and warned, every check."""

    ok: bool
    failures: int
    warnings: int
    checks: list[CheckShape]

    @classmethod
    def of_checks(cls, checks: Sequence[Check]) -> Self:
        from mercato_int.doctor.model import FAIL, WARN  # loaded already: checks were run

        failed = sum(c.status == FAIL for c in checks)
        return cls(
            ok=not failed,
            failures=failed,
            warnings=sum(c.status == WARN for c in checks),
            checks=[CheckShape.of(c) for c in checks],
        )
