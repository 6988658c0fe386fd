"""`validate --json`: the providers checked, and each problem found."""

from __future__ import annotations

from mercato_int.shapes.base import Shape


class ProblemShape(Shape):
    """A problem found in a provider: file, line, id, field, what to change."""

    file: str
    line: int | None
    id: str | None
    field: str | None
    message: str


class ValidationShape(Shape):
    """`validate --json`: `{ok, integrations, bundles, providers, problems}` (counts)."""

    ok: bool
    integrations: int
    bundles: int
    providers: int
    problems: list[ProblemShape]
