"""The tenant scope every service call that touches tenant data takes explicitly."""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_TENANT = "default"
DEFAULT_ORG = "default"


@dataclass(frozen=True, slots=True)
class TenantScope:
    """An (organization, tenant) pair. There is no module-level "current tenant"."""

    organization_id: str = DEFAULT_ORG
    tenant_id: str = DEFAULT_TENANT

    def __str__(self) -> str:
        return f"tenant {self.tenant_id} · org {self.organization_id}"

    def as_dict(self) -> dict[str, str]:
        return {"organizationId": self.organization_id, "tenantId": self.tenant_id}

    def cli_flags(self) -> str:
        """`--tenant T --org O ` (trailing space) for a command that a hint suggests, so that
        running it acts in this scope, not in the default one; empty for the default scope.
        Ids are letters, digits and `_.:@-` (settings.check_identifier): no quoting needed."""
        if (self.tenant_id, self.organization_id) == (DEFAULT_TENANT, DEFAULT_ORG):
            return ""
        return f"--tenant {self.tenant_id} --org {self.organization_id} "
