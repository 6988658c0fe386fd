"""Access checks made by the services themselves, on behalf of a caller.

A front end builds the container for one `Caller` (who asks, and what they asked for, for the
audit trail) and calls services; every public method that reads or writes tenant data is marked
`@requires(FEATURE)` and checks the caller's access in the scope it is given before it runs
(NotAllowed, recorded as `integrations.access.denied`). A front end cannot forget the check: it
has none to make. `tests/services/test_policy.py` walks the services and fails on a public
method that is neither marked nor listed in `services.acl.UNCHECKED`.

One call is one check: the services a checked method calls on its behalf (health reading the
credentials it checks with, enable looking for missing credentials) run inside it unchecked,
so `health run` needs integrations.manage, not integrations.credentials too.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from mercato_int.scope import TenantScope
    from mercato_int.services.acl import AclService

F = TypeVar("F", bound=Callable[..., Any])

# True while a checked service call runs: the calls it makes for its caller are not re-checked.
_checked: ContextVar[bool] = ContextVar("mercato_int_checked", default=False)


@dataclass(frozen=True)
class Caller:
    """Who calls the services (an asserted actor) and what they asked for (the command, for
    the audit trail). The scope is not here: every tenant call takes its TenantScope."""

    actor: str
    action: str | None = None


class Guard:
    """The caller's access check, shared by the services of one container."""

    def __init__(self, acl: Callable[[], AclService], caller: Callable[[], Caller]) -> None:
        self._acl = acl
        self._caller = caller

    @property
    def caller(self) -> Caller:
        return self._caller()

    def require(self, feature: str, scope: TenantScope, subject_id: str | None = None) -> None:
        """NotAllowed (audited) unless the caller has `feature` in `scope`; nothing inside a
        call that was already checked."""
        if _checked.get():
            return
        caller = self._caller()
        self._acl().require(
            feature, scope, caller.actor, subject_id=subject_id, action=caller.action
        )

    def require_each(self, feature: str, scopes: Iterable[TenantScope]) -> None:
        if _checked.get():
            return
        distinct = list(dict.fromkeys(scopes))
        if len(distinct) == 1:
            self.require(feature, distinct[0])
        elif distinct:
            caller = self._caller()
            self._acl().require_each(feature, distinct, caller.actor, action=caller.action)

    def require_everywhere(self, feature: str) -> None:
        """`require` in every tenant that has a policy (installation-wide runs)."""
        if _checked.get():
            return
        caller = self._caller()
        self._acl().require_everywhere(feature, caller.actor, action=caller.action)


def requires(feature: str, *, everywhere: bool = False) -> Callable[[F], F]:
    """Mark a service method as needing `feature` from the caller in the scope it is given.

    The scope is the `scope` argument (or each of `scopes`, every tenant's policy with
    `scopes=None` or `everywhere`, or each job's or row's); the subject of a refusal is
    `integration_id` or `some_id`. The object has a `guard` (a Guard)."""

    def decorate(fn: F) -> F:
        signature = inspect.signature(fn)

        def check(self: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
            guard: Guard = self.guard
            if everywhere:
                guard.require_everywhere(feature)
                return
            given = signature.bind_partial(self, *args, **kwargs).arguments
            if "scope" in given:
                guard.require(feature, given["scope"], _subject(given))
            elif "scopes" in given:  # None: every tenant
                if given["scopes"] is None:
                    guard.require_everywhere(feature)
                else:
                    guard.require_each(feature, given["scopes"])
            elif "jobs" in given or "rows" in given:  # each job's or row's own scope
                items = given["jobs"] if "jobs" in given else given["rows"]
                guard.require_each(feature, (item.scope for item in items))
            else:  # pragma: no cover - a marked method must say where it acts
                raise TypeError(f"{fn.__qualname__} has no scope to check")

        if inspect.iscoroutinefunction(fn):

            @functools.wraps(fn)
            async def acall(self: Any, *args: Any, **kwargs: Any) -> Any:
                if _checked.get():  # called for a checked call: nothing to check (or bind)
                    return await fn(self, *args, **kwargs)
                check(self, args, kwargs)
                token = _checked.set(True)
                try:
                    return await fn(self, *args, **kwargs)
                finally:
                    _checked.reset(token)

            wrapper: Any = acall
        else:

            @functools.wraps(fn)
            def call(self: Any, *args: Any, **kwargs: Any) -> Any:
                if _checked.get():  # called for a checked call: nothing to check (or bind)
                    return fn(self, *args, **kwargs)
                check(self, args, kwargs)
                token = _checked.set(True)
                try:
                    return fn(self, *args, **kwargs)
                finally:
                    _checked.reset(token)

            wrapper = call
        wrapper.required_feature = feature
        return wrapper  # type: ignore[no-any-return]

    return decorate


def _subject(given: dict[str, Any]) -> str | None:
    for name in ("integration_id", "some_id"):
        if isinstance(given.get(name), str):
            return given[name]
    return None  # a list of ids (enable, disable) has no one subject
