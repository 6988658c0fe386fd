"""English messages. Every key here exists in pl.py with the same placeholders (tested)."""

from typing import Any

MESSAGES: dict[str, Any] = {
    # framing of the CLI (cli/app.py, cli/output.py)
    "cli.error": "error:",
    "cli.warning": "warning:",
    "cli.try_help": "Try '{command} --help' for help.",
    "cli.interrupted": "interrupted",
    "scope": "tenant {tenant} · org {org}",
    # list
    "list.title": "Integrations · {scope}",
    "list.no_match": "No integration matches.",
    "list.enabled": "● Enabled ",
    "list.disabled": "○ Disabled",
    "list.creds_set": "creds ✓",
    "list.creds_unset": "creds —",
    "list.bundle_credentials_set": "credentials: set",
    "list.bundle_credentials_unset": "credentials: not set",
    "list.bundle_counts": {
        "one": "{n} integration, {enabled} enabled",
        "other": "{n} integrations, {enabled} enabled",
    },
    "list.standalone": "Standalone",
    "list.footer": {
        "one": "{n} integration · `mercato-int show ID` for details",
        "other": "{n} integrations · `mercato-int show ID` for details",
    },
    "list.unknown_category": "no integration has category {category!r}; known: {known}",
    "list.problems_hint": "run `mercato-int validate` for every problem with what to change",
    "health.healthy": "healthy",
    "health.degraded": "degraded",
    "health.unhealthy": "unhealthy",
    "health.unconfigured": "unconfigured",
    "category.payment": "Payment",
    "category.shipping": "Shipping",
    "category.data_sync": "Data Sync",
    "category.webhook": "Webhook",
    "category.crm": "CRM",
    "category.marketing": "Marketing",
    "category.analytics": "Analytics",
    # validate
    "validate.summary": "{integrations} and {bundles} from {providers}",
    "validate.problems": "{problems}; {summary}",
    "validate.ok": "ok: {summary}, no problems",
    "count.integrations": {"one": "{n} integration", "other": "{n} integrations"},
    "count.bundles": {"one": "{n} bundle", "other": "{n} bundles"},
    "count.providers": {"one": "{n} provider", "other": "{n} providers"},
    "count.problems": {"one": "{n} problem", "other": "{n} problems"},
    # scaffold
    "scaffold.missing": "missing {flag} (scaffold prompts only on a terminal)",
    "scaffold.prompt.id": "Id (e.g. crm_acme)",
    "scaffold.prompt.title": "Title",
    "scaffold.prompt.category": "Category (e.g. payment)",
    "scaffold.prompt.hub": "Hub (e.g. payment_gateways)",
    "scaffold.prompt.field": "Credentials field KEY:TYPE[:required]",
    "scaffold.prompt.member": "Integration ID:TITLE:CATEGORY",
    "scaffold.prompt.health_url": "Health check URL (https://...)",
    "scaffold.prompt.finish": "{question} (empty to finish)",
    "scaffold.created.integration": "created integration {name} in {folder}",
    "scaffold.created.bundle": "created bundle {name} in {folder}",
    "scaffold.next": "next: add {parent} to MERCATO_INT_PROVIDERS_PATH, run "
    "`mercato-int validate` and `pytest {test}`",
    # acl
    "acl.granted": "{actor} granted {grant} · {scope}",
    "acl.already": "{actor} already had {grant} · {scope}",
    "acl.lost": "{actor} lost {grant} · {scope}",
    "acl.policy_gone": "{scope} has no policy any more: everyone may do everything",
    "acl.no_policy": "No policy in {scope}: every actor may do everything. "
    "`mercato-int acl grant ACTOR admin` starts one.",
    "acl.you_cannot_manage": "you ({actor}) have no grant to manage {scope}",
    "acl.title": "Access · {scope}",
    "acl.col.actor": "actor",
    "acl.col.grant": "grant",
    "acl.col.features": "features",
    "acl.col.by": "granted by",
    "acl.col.at": "at",
}
