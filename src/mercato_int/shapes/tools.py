"""Documents of the installation-wide tools: the store's schema revision (`db current|upgrade
--json`) and a scaffolded provider (`scaffold --json`)."""

from __future__ import annotations

from pydantic import Field

from mercato_int.shapes.base import Shape


class DbStatusShape(Shape):
    """`db current --json`: the store (password masked), its revision (null: empty store),
    the revision this mercato-int needs, and whether they are the same."""

    url: str
    current: str | None
    head: str
    up_to_date: bool


class DbUpgradeShape(DbStatusShape):
    """`db upgrade --json`: the status after the upgrade, and the revision before it."""

    previous: str | None = Field(default=None)


class ScaffoldShape(Shape):
    """`scaffold --json`: the new provider's folder, its files, ids and test file."""

    folder: str
    files: list[str]
    ids: list[str]
    test: str
