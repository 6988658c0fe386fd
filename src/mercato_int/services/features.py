"""The access features and default roles (spec §5: acl.ts features, setup.ts default roles).

Only the core decides with these: services mark their methods with them (services/policy.py);
no front end imports them (tests/services/test_policy.py checks)."""

from __future__ import annotations

VIEW = "integrations.view"
MANAGE = "integrations.manage"
CREDENTIALS = "integrations.credentials"

FEATURES: dict[str, str] = {
    VIEW: "see integrations, their state, health and logs",
    MANAGE: "enable, disable, run health checks, prune logs, change settings and grants",
    CREDENTIALS: "set, read and reveal credentials",
}
# The default roles of the upstream setup.ts.
ROLES: dict[str, tuple[str, ...]] = {
    "admin": (VIEW, MANAGE, CREDENTIALS),
    "employee": (VIEW,),
}
