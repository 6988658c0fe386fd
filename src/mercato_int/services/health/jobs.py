"""What a health run is made of: the jobs it plans, the tenants it could not plan, and the
run's outcome."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from mercato_int.errors import ExitCode, KeyProblem, StoreError, is_store_failure
from mercato_int.scope import TenantScope
from mercato_int.services.health.result import KEY_PROBLEM, HealthOutcome

if TYPE_CHECKING:
    from mercato_int.services.credentials.requirements import MissingCredentials
    from mercato_int.services.events import DeliveryFailure


@dataclass
class HealthJob:
    """One check to run: the check of `owner_id` against one set of credentials, whose result
    goes on the state of `integration_ids`."""

    subject_id: str  # shown and logged: the bundle id when it stands for several members
    integration_ids: tuple[str, ...]
    scope: TenantScope
    owner_id: str | None  # whose healthCheck applies; None: there is none
    check: Callable[..., Any] | None
    credentials: dict[str, Any] = field(repr=False)
    secret_keys: frozenset[str] = frozenset()
    missing: MissingCredentials | None = None
    previous_status: str | None = None
    key_problem: KeyProblem | None = None  # the credentials could not be decrypted


@dataclass(frozen=True)
class TenantFailure:
    """A tenant of an `--all-tenants` run that could not be planned, and why."""

    scope: TenantScope
    error: str
    exit_code: int = ExitCode.FAILED  # what it costs the run's exit: failure_code

    @classmethod
    def of(cls, scope: TenantScope, exc: Exception) -> TenantFailure:
        """The failure of `scope` with `exc`: a known error worded, anything else named."""
        from mercato_int.errors import MercatoIntError
        from mercato_int.services.health.calls import describe

        text = str(exc) if isinstance(exc, MercatoIntError) else describe(exc)
        return cls(scope, text, failure_code(exc))


# the exit codes a tenant's failure can cost an --all-tenants run (the worst one is its exit)
FAILURE_CODES = (ExitCode.FAILED, ExitCode.STORE, ExitCode.KEY)


def failure_code(exc: BaseException) -> int:
    """What a tenant failed with `exc` costs the run: 5 a key problem, 4 the store failed (as
    the store failing under a one-tenant command would), anything else 1."""
    if isinstance(exc, KeyProblem):
        return ExitCode.KEY
    if isinstance(exc, StoreError) or is_store_failure(exc):
        return ExitCode.STORE
    return ExitCode.FAILED


@dataclass
class HealthRun:
    """The outcomes of a run, in the order they were asked for."""

    outcomes: list[HealthOutcome]
    delivery_failures: list[DeliveryFailure] = field(default_factory=list)
    correlation_id: str = ""
    failed_tenants: list[TenantFailure] | None = None  # None: not an all-tenants run

    @property
    def any_unhealthy(self) -> bool:
        return any(o.status == "unhealthy" for o in self.outcomes)

    @property
    def key_problems(self) -> list[HealthOutcome]:
        """The items whose credentials could not be decrypted (exit 5, after all ran)."""
        return [o for o in self.outcomes if o.error == KEY_PROBLEM]

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for o in self.outcomes:
            out[o.status] = out.get(o.status, 0) + 1
        return out


def integrations_covered(jobs: Sequence[HealthJob]) -> int:
    """The integrations `jobs` check (a bundle's members share one check)."""
    return sum(len(j.integration_ids) for j in jobs)


Progress = Callable[[HealthOutcome, int, int], None]  # (outcome, done, total)
Written = Callable[[list[HealthOutcome]], None]  # outcomes whose state, events, log are stored
MAX_TIMEOUT = 3600.0  # seconds: a check that needs longer is not a health check


def check_limits(timeout: float, concurrency: int) -> None:
    """InvalidInput for a run's timeout or concurrency out of bounds (NaN and infinity too)."""
    from mercato_int.errors import InvalidInput, msg

    if not 0 < timeout <= MAX_TIMEOUT:
        most = f"{MAX_TIMEOUT:g}"
        raise InvalidInput(msg("state.health.bad_timeout", timeout=f"{timeout:g}", most=most))
    if concurrency < 1:
        raise InvalidInput(msg("state.health.bad_concurrency", concurrency=concurrency))


def new_correlation_id() -> str:
    """What the log entries of one run share (`logs --correlation`)."""
    return f"health-{uuid.uuid4().hex[:12]}"


def scoped_command(command: str, scope: TenantScope) -> str:
    """`mercato-int ...` with the scope's `--tenant`/`--org` (TenantScope.cli_flags) after the
    program name, so that a copied hint acts on the tenant it was given for."""
    program, _, rest = command.partition(" ")
    return f"{program} {scope.cli_flags()}{rest}".rstrip()
