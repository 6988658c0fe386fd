"""The invocation's context: the global options and the services built from them. Command
modules get their services here (`services(ctx)`), never from `cli/app.py`."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import typer

if TYPE_CHECKING:
    from mercato_int.services import Services


class Interrupted(Exception):
    """Ctrl+C, carried past Typer (which would end the command with a silent exit 130) to
    `MercatoGroup.main`, which says so and exits 130."""


@contextmanager
def carried_interrupt() -> Iterator[None]:
    """Around each step Typer runs inside its own catch (parse, invoke, close): a ctrl+c in it
    leaves as Interrupted."""
    try:
        yield
    except KeyboardInterrupt:
        raise Interrupted from None


@dataclass
class CliState:
    """The global options; services are built on first use, from them."""

    db: str | None = None
    tenant: str | None = None
    org: str | None = None
    actor: str | None = None
    lang: str | None = None
    context: str | None = None
    _services: Services | None = field(default=None, repr=False)

    def services(self) -> Services:
        if self._services is None:
            from mercato_int.services import Services
            from mercato_int.settings import Settings

            settings = Settings.load(
                database_url=self.db,
                tenant=self.tenant,
                org=self.org,
                actor=self.actor,
                lang=self.lang,
                context=self.context,
            )
            self._services = Services(settings)
        return self._services

    def close(self) -> None:
        """Close the store, if the command opened it (when its context closes)."""
        with carried_interrupt():
            if self._services is not None:
                self._services.close()


def services(ctx: typer.Context) -> Services:
    """The services container of this invocation."""
    root = ctx.find_root()
    if not isinstance(root.obj, CliState):
        root.obj = CliState()
    svc = root.obj.services()
    svc.action = ctx.command_path  # the services check access for this command, by name
    return svc


# the global options of the running invocation, for the error path (a store URL's password)
invocation: dict[str, Any] = {}
