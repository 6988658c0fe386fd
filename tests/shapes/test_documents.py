"""Each JSON document of the shape layer for a known object: its keys (camelCase, in the
documented order), its values, timestamps in UTC with a `Z`, and nulls kept as nulls."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from mercato_int.doctor.model import Check
from mercato_int.errors import ExitCode
from mercato_int.keys import MasterKey
from mercato_int.registry import CredentialField, IntegrationBundle, IntegrationDefinition
from mercato_int.registry.problems import Problem
from mercato_int.scope import TenantScope
from mercato_int.services.acl import Grant
from mercato_int.services.credentials.export_file import ExportRow
from mercato_int.services.credentials.keys import KeyStatus, KeyUse
from mercato_int.services.credentials.requirements import MissingCredentials
from mercato_int.services.credentials.transfer import (
    ExportResult,
    ImportReport,
    RowOutcome,
    RowProblem,
)
from mercato_int.services.credentials.views import CredentialsView, FieldOrigin
from mercato_int.services.events import Event
from mercato_int.services.fleet import Fleet, FleetMatrix, MatrixRow, TenantSummary
from mercato_int.services.health.jobs import HealthRun, TenantFailure
from mercato_int.services.health.result import KEY_PROBLEM, HealthOutcome
from mercato_int.services.logs.activity import Activity
from mercato_int.services.logs.audit import AuditError, AuditReport, Finding
from mercato_int.services.logs.ingest import BatchResult
from mercato_int.services.logs.model import LogEntry, LogPage
from mercato_int.services.logs.scrub import ScrubReport
from mercato_int.services.retention.prune import PruneReport, TenantPrune
from mercato_int.services.retention.settings import SettingValue
from mercato_int.services.state.marketplace import MarketBundle, MarketItem, Marketplace
from mercato_int.services.state.reads import StateView
from mercato_int.services.state.service import StateChange
from mercato_int.services.tokens.service import TokenRecord
from mercato_int.shapes.acl import AclListShape, GrantShape
from mercato_int.shapes.base import ScopeShape, utc_or_none, utc_text
from mercato_int.shapes.catalog import MarketplaceShape, definition_document
from mercato_int.shapes.credentials import (
    CredentialsExplainShape,
    CredentialsViewShape,
    FieldOriginShape,
)
from mercato_int.shapes.doctor import DoctorShape
from mercato_int.shapes.events import EventListShape, EventShape
from mercato_int.shapes.fleet import FleetMatrixShape, FleetShape
from mercato_int.shapes.health import HealthResultShape, HealthRunShape
from mercato_int.shapes.item import MemberStateShape, ShowIntegrationShape
from mercato_int.shapes.keys import KeyStatusShape
from mercato_int.shapes.logs import (
    AuditReportShape,
    BatchResultShape,
    LogEntryShape,
    LogPageShape,
    ScrubReportShape,
)
from mercato_int.shapes.retention import PruneReportShape, SettingShape, SettingsListShape
from mercato_int.shapes.state import StateChangeShape, StateShape
from mercato_int.shapes.tokens import CreatedTokenShape, TokenListShape
from mercato_int.shapes.tools import DbStatusShape, DbUpgradeShape, ScaffoldShape
from mercato_int.shapes.transfer import ExportShape, ImportReportShape
from mercato_int.shapes.validation import ValidationShape

WHEN = datetime(2026, 5, 4, 3, 2, 1, tzinfo=UTC)
Z = "2026-05-04T03:02:01Z"
ACME = TenantScope("org_1", "acme")


def test_timestamps_are_utc_with_a_z() -> None:
    assert utc_text(WHEN) == Z
    assert utc_text(WHEN.replace(microsecond=120)) == "2026-05-04T03:02:01.000120Z"
    # another offset is the same instant in UTC; a naive time is taken as UTC already
    assert utc_text(WHEN.astimezone(timezone(timedelta(hours=2)))) == Z
    assert utc_text(WHEN.replace(tzinfo=None)) == Z
    assert utc_or_none(None) is None


def entry(**changes) -> LogEntry:
    values = {
        "id": "e1",
        "integration_id": "gateway_stripe",
        "level": "error",
        "operation": "webhook.failed",
        "message": "Failed",
        "details": {"paymentId": "pay_1"},
        "correlation_id": None,
        "entity_type": "sales.payment",
        "entity_id": "pay_1",
        "duration_ms": 5200,
        "organization_id": "org_1",
        "tenant_id": "acme",
        "created_at": WHEN,
        "seq": 7,
    }
    return LogEntry(**{**values, **changes})


def test_log_entry_and_page() -> None:
    assert LogEntryShape.of(entry()).document() == {
        "id": "e1",
        "integrationId": "gateway_stripe",
        "level": "error",
        "operation": "webhook.failed",
        "message": "Failed",
        "details": {"paymentId": "pay_1"},
        "correlationId": None,  # nulls stay
        "entityType": "sales.payment",
        "entityId": "pay_1",
        "durationMs": 5200,
        "organizationId": "org_1",
        "tenantId": "acme",
        "createdAt": Z,
    }  # and no `seq`: it is not part of the shape
    page = LogPage([entry(), entry(id="e2")], total=101, next_cursor="c", page_size=2, offset=4)
    doc = LogPageShape.of(page).document()
    assert list(doc) == [
        "items",
        "total",
        "totalExact",
        "page",
        "pageSize",
        "totalPages",
        "nextCursor",
    ]
    assert (doc["total"], doc["page"], doc["pageSize"], doc["totalPages"]) == (101, 3, 2, 51)
    assert doc["nextCursor"] == "c"
    assert [i["id"] for i in doc["items"]] == ["e1", "e2"]
    after = LogPage([], total=None, next_cursor=None, after_cursor=True)
    assert LogPageShape.of(after).document() == {
        "items": [],
        "total": None,
        "totalExact": True,
        "page": None,
        "pageSize": 50,
        "totalPages": None,
        "nextCursor": None,
    }


def test_audit_report() -> None:
    report = AuditReport(
        scopes=[ACME],
        scanned=3,
        findings=[Finding(ACME, "gateway_stripe", "e1", Z, "message")],
        unchecked=["gone", "gone"],
        errors=[AuditError(ACME, None, "no key", ExitCode.KEY)],
    )
    assert AuditReportShape.of(report).document() == {
        "clean": False,
        "scanned": 3,
        "tenants": [{"organizationId": "org_1", "tenantId": "acme"}],
        "findings": [
            {
                "organizationId": "org_1",
                "tenantId": "acme",
                "integrationId": "gateway_stripe",
                "entryId": "e1",
                "createdAt": Z,
                "where": "message",
            }
        ],
        "unchecked": ["gone"],
        "errors": [
            {
                "organizationId": "org_1",
                "tenantId": "acme",
                "integrationId": None,
                "error": "no key",
            }
        ],
    }


def event() -> Event:
    return Event("ev1", "integrations.integration.enabled", "x", ACME, "ann", {"a": 1}, WHEN)


def test_event_and_list() -> None:
    doc = EventShape.of(event()).document()
    assert doc == {
        "id": "ev1",
        "type": "integrations.integration.enabled",
        "subjectId": "x",
        "organizationId": "org_1",
        "tenantId": "acme",
        "actor": "ann",
        "payload": {"a": 1},
        "createdAt": Z,
    }
    assert EventListShape(items=[EventShape.of(event())], total=9).document() == {
        "items": [doc],
        "total": 9,
    }


def test_state_sources_and_unconfigured_latency() -> None:
    view = StateView(
        "sync_orders",
        is_enabled=True,
        enabled_at=WHEN,
        enabled_by="ann",
        last_health_check={"status": "unconfigured", "latencyMs": 3, "checkedAt": Z},
        last_health_check_at=WHEN,
        credentials_owner="sync_bundle",
    )
    assert StateShape.of(view).document() == {
        "isEnabled": True,
        "enabledAt": Z,
        "enabledBy": "ann",
        "healthStatus": "unconfigured",
        "lastHealthCheck": {"status": "unconfigured", "latencyMs": None, "checkedAt": Z},
        "lastHealthCheckAt": Z,
        "hasCredentials": True,
        "credentialsSource": "bundle",
        "credentialsUpdatedAt": None,
        "version": 0,
    }
    assert view.last_health_check["latencyMs"] == 3  # the stored result is left as it was
    own = StateView("x", is_enabled=False, credentials_owner="x")
    assert StateShape.of(own).document()["credentialsSource"] == "own"
    none = StateShape.of(StateView("x", is_enabled=False)).document()
    assert (none["credentialsSource"], none["enabledAt"], none["healthStatus"]) == (
        "none",
        None,
        None,
    )
    member = MemberStateShape.of_member(
        IntegrationDefinition(id="x_one", title="X", category="data_sync"), view
    ).document()
    assert list(member)[:4] == ["id", "title", "category", "isEnabled"]


def test_state_change() -> None:
    change = StateChange(
        scope=ACME,
        actor="ann",
        enabled=True,
        changed=["a"],
        unchanged=["b"],
        bundles=[],
        events=[event()],
        missing_credentials=[MissingCredentials("a", ("a",), ("apiKey",), ACME)],
    )
    doc = StateChangeShape.of(change).document()
    assert list(doc) == [
        "scope",
        "actor",
        "isEnabled",
        "changed",
        "unchanged",
        "bundles",
        "events",
        "missingCredentials",
        "versions",
    ]
    assert doc["scope"] == {"organizationId": "org_1", "tenantId": "acme"}
    assert doc["events"][0]["createdAt"] == Z
    assert doc["missingCredentials"] == [
        {
            "credentialsId": "a",
            "integrationIds": ["a"],
            "missing": ["apiKey"],
            "command": "mercato-int --tenant acme --org org_1 creds set a apiKey=...",
        }
    ]


def test_credentials_view_and_explain() -> None:
    key = CredentialField(key="apiKey", label="API key", type="secret", required=True)
    view = CredentialsView(
        integration_id="x",
        owner_id="x",
        source="own",
        fields=(key,),
        values={"apiKey": "••••••••"},
        secret_fields_configured={"apiKey": True},
        updated_at=WHEN,
        version=2,
    )
    assert CredentialsViewShape.of(view).document() == {
        "integrationId": "x",
        "credentials": {"apiKey": "••••••••"},
        "secretFieldsConfigured": {"apiKey": True},
        "source": "own",
        "updatedAt": Z,
        "version": 2,
    }
    origin = FieldOrigin(key, "bundle", "b", "••••••••", shadowed_by_own=False)
    explain = CredentialsExplainShape(
        integration_id="x", scope=ScopeShape.of(ACME), fields=[FieldOriginShape.of(origin)]
    )
    assert explain.document()["fields"] == [
        {
            "key": "apiKey",
            "label": "API key",
            "type": "secret",
            "required": True,
            "source": "bundle",
            "sourceId": "b",
            "value": "••••••••",
            "bundleValueShadowed": False,
        }
    ]


def outcome(status: str, error: str | None = None) -> HealthOutcome:
    return HealthOutcome("x", ("x",), "x", ACME, status, "ok", None, 12, WHEN, error=error)


def test_health_latency_is_null_when_nothing_was_measured() -> None:
    assert HealthResultShape.of(outcome("healthy")).document() == {
        "status": "healthy",
        "message": "ok",
        "details": None,
        "latencyMs": 12,
        "checkedAt": Z,
    }
    assert HealthResultShape.of(outcome("unconfigured")).document()["latencyMs"] is None
    assert HealthResultShape.of(outcome("unhealthy", KEY_PROBLEM)).document()["latencyMs"] is None


def test_health_run_has_failed_tenants_only_on_all_tenant_runs() -> None:
    run = HealthRun(outcomes=[outcome("healthy"), outcome("degraded")])
    doc = HealthRunShape.of(run).document()
    assert list(doc) == ["items", "total", "counts"]
    assert list(doc["items"][0]) == [
        "id",
        "integrationIds",
        "checkOwner",
        "organizationId",
        "tenantId",
        "status",
        "message",
        "details",
        "latencyMs",
        "checkedAt",
    ]
    assert (doc["total"], doc["counts"]) == (2, {"healthy": 1, "degraded": 1})
    run.failed_tenants = [TenantFailure(ACME, "store down")]
    assert HealthRunShape.of(run).document()["failedTenants"] == [
        {"organizationId": "org_1", "tenantId": "acme", "error": "store down"}
    ]
    run.failed_tenants = []
    assert HealthRunShape.of(run).document()["failedTenants"] == []


def test_prune_report_and_settings() -> None:
    tenant = TenantPrune(ACME, WHEN, WHEN - timedelta(days=60), None, 90, {"info": 2, "debug": 1})
    report = PruneReport(dry_run=True, tenants=[tenant], reclaim={"vacuumed": False})
    report.partitions = ["integration_logs_2026_01"]
    doc = PruneReportShape.of(report).document()
    assert doc == {
        "dryRun": True,
        "total": 3,
        "byLevel": {"debug": 1, "info": 2},
        "tenants": [
            {
                "organizationId": "org_1",
                "tenantId": "acme",
                "retentionDays": None,
                "errorRetentionDays": 90,
                "cutoff": Z,
                "errorCutoff": "2026-03-05T03:02:01Z",
                "byLevel": {"debug": 1, "info": 2},
                "total": 3,
                "error": None,
                "skipped": False,
            }
        ],
        "skipped": [],
        "partitionsDropped": ["integration_logs_2026_01"],
        "reclaim": {"vacuumed": False},
        "seconds": {},
        "errors": [],
    }
    value = SettingValue("log.retention_days", 14, 30, False, "days", WHEN, "ann")
    setting = SettingShape.of(value).document()
    assert setting == {
        "key": "log.retention_days",
        "value": 14,
        "default": 30,
        "isDefault": False,
        "updatedAt": Z,
        "updatedBy": "ann",
    }
    listed = SettingsListShape(items=[SettingShape.of(value)], organization_id="o", tenant_id="t")
    assert listed.document() == {"items": [setting], "organizationId": "o", "tenantId": "t"}


def test_grants() -> None:
    grant = Grant("ann", "employee", WHEN, "bob")
    assert GrantShape.of(grant).document() == {
        "actor": "ann",
        "grant": "employee",
        "kind": "role",
        "features": ["integrations.view"],
        "createdAt": Z,
        "createdBy": "bob",
    }
    feature = GrantShape.of(Grant("ann", "integrations.view", None, None)).document()
    assert (feature["kind"], feature["createdAt"]) == ("feature", None)
    doc = AclListShape.of_grants(ACME, [grant]).document()
    assert list(doc) == ["scope", "policy", "grants", "roles", "features"]
    assert doc["policy"] is True and doc["roles"]["employee"] == ["integrations.view"]
    assert "integrations.view" in doc["features"]
    assert AclListShape.of_grants(ACME, []).document()["policy"] is False


def test_key_status() -> None:
    status = KeyStatus(
        active=MasterKey("k2", b"x" * 32, "keyring"),
        keys=[
            KeyUse("k2", "keyring", True, 5, {"b": 1, "a": 2}),
            KeyUse("k1", "file", False, 0, None),
        ],
        unreadable={"k0": 3},
        places="keyring",
    )
    doc = KeyStatusShape.of(status).document()
    assert doc == {
        "activeKeyId": "k2",
        "activeKeySource": "keyring",
        "keys": [
            {
                "keyId": "k2",
                "source": "keyring",
                "active": True,
                "rows": 5,
                "otherStores": [{"store": "a", "rows": 2}, {"store": "b", "rows": 1}],
                "canDrop": False,
            },
            {
                "keyId": "k1",
                "source": "file",
                "active": False,
                "rows": 0,
                "otherStores": None,
                "canDrop": False,
            },
        ],
        "unreadable": [{"keyId": "k0", "rows": 3}],
        "unreadableRows": 3,
        "totalRows": 8,
        "lookedIn": "keyring",
        "verified": False,
        "damaged": [],
    }


def test_marketplace_items_start_with_the_definition() -> None:
    definition = IntegrationDefinition(
        id="sync_orders", title="Orders", category="data_sync", bundle_id="sync_bundle"
    )
    bundle = IntegrationBundle(id="sync_bundle", title="Sync")
    state = StateView("sync_orders", is_enabled=True, enabled_at=WHEN, enabled_by="ann")
    quiet = Activity("sync_orders", (0, 2, 0), errors=0, last_at=WHEN)
    item = MarketItem(definition, state, quiet)
    market = Marketplace(ACME, [MarketBundle(bundle, [item], 3, 1, False)], [])
    doc = MarketplaceShape.of(market).document()
    first = doc["items"][0]
    defined = definition_document(definition)
    assert "icon" not in defined  # unset optional fields of a definition are left out
    assert list(first)[: len(defined)] == list(defined)
    assert {k: first[k] for k in list(first)[len(defined) :]} == {
        "isEnabled": True,
        "hasCredentials": False,
        "credentialsUpdatedAt": None,
        "healthStatus": None,
        "lastHealthCheckAt": None,
        "enabledAt": Z,
        "enabledBy": "ann",
        "analytics": {
            "lastActivityAt": Z,
            "totalCount": 2,
            "errorCount": 0,
            "errorRate": 0,
            "dailyCounts": [0, 2, 0],
        },
    }
    assert isinstance(first["analytics"]["errorRate"], int)  # `0`, as upstream writes it
    assert doc["bundles"][0] == {
        **definition_document(bundle),
        "integrationCount": 3,
        "enabledCount": 1,
        "hasCredentials": False,
        "integrationIds": ["sync_orders"],
    }
    assert doc["total"] == 1
    without = MarketplaceShape.of(Marketplace(ACME, [], [MarketItem(definition, state)]))
    assert "analytics" not in without.document()["items"][0]  # only when asked for


def test_show_integration() -> None:
    definition = IntegrationDefinition(id="x_one", title="X", category="data_sync")
    shape = ShowIntegrationShape(
        definition=definition_document(definition),
        scope=ScopeShape.of(ACME),
        has_credentials=False,
        credentials_updated_at=None,
        state=StateShape.of(StateView("x_one", is_enabled=False)),
        bundle=None,
        recent_events=[EventShape.of(event())],
    )
    doc = shape.document()
    assert list(doc)[-7:] == [
        "kind",
        "scope",
        "hasCredentials",
        "credentialsUpdatedAt",
        "state",
        "bundle",
        "recentEvents",
    ]
    assert (doc["id"], doc["kind"], doc["bundle"]) == ("x_one", "integration", None)


def test_validation_and_tools() -> None:
    problem = Problem("p/integration.py", "bad id", id="X", line=3)
    doc = ValidationShape.of(
        {"ok": False, "integrations": 1, "bundles": 0, "providers": 1, "problems": [problem]}
    ).document()
    assert doc["problems"] == [
        {"file": "p/integration.py", "line": 3, "id": "X", "field": None, "message": "bad id"}
    ]
    status = DbStatusShape(url="sqlite:///x", current=None, head="0004", up_to_date=False)
    assert status.document() == {
        "url": "sqlite:///x",
        "current": None,
        "head": "0004",
        "upToDate": False,
    }
    upgraded = DbUpgradeShape(**status.__dict__, previous=None).document()
    assert list(upgraded) == ["url", "current", "head", "upToDate", "previous"]
    scaffold = ScaffoldShape(folder="f", files=["f/a.py"], ids=["a"], test="f/test_a.py")
    assert list(scaffold.document()) == ["folder", "files", "ids", "test"]


def exactly(doc: dict, expected: dict) -> None:
    """The same keys in the same order, at every level, and the same values."""
    assert json.dumps(doc) == json.dumps(expected)


def token(**changes) -> TokenRecord:
    values = {
        "id": "t1",
        "name": "ci",
        "actor": "bot",
        "scope": ACME,
        "prefix": "mit_abcdefgh",
        "created_at": WHEN,
        "created_by": "ann",
        "expires_at": WHEN + timedelta(days=90),
        "revoked_at": None,
        "last_used_at": None,
    }
    return TokenRecord(**{**values, **changes})


def test_tokens_list_and_created_token() -> None:
    revoked = token(id="t2", name="old", revoked_at=WHEN, last_used_at=WHEN, expires_at=None)
    doc = TokenListShape.of_records(ACME, [token(), revoked], WHEN).document()
    exactly(
        doc,
        {
            "scope": {"organizationId": "org_1", "tenantId": "acme"},
            "tokens": [
                {
                    "id": "t1",
                    "name": "ci",
                    "actor": "bot",
                    "organizationId": "org_1",
                    "tenantId": "acme",
                    "prefix": "mit_abcdefgh",
                    "createdAt": Z,
                    "createdBy": "ann",
                    "expiresAt": "2026-08-02T03:02:01Z",
                    "revokedAt": None,
                    "lastUsedAt": None,
                    "status": "active",
                },
                {
                    "id": "t2",
                    "name": "old",
                    "actor": "bot",
                    "organizationId": "org_1",
                    "tenantId": "acme",
                    "prefix": "mit_abcdefgh",
                    "createdAt": Z,
                    "createdBy": "ann",
                    "expiresAt": None,
                    "revokedAt": Z,
                    "lastUsedAt": Z,
                    "status": "revoked",
                },
            ],
        },
    )
    later = TokenListShape.of_records(ACME, [token()], WHEN + timedelta(days=91)).document()
    assert later["tokens"][0]["status"] == "expired"
    # the one document with the token itself; tenant before organization, as documented
    exactly(
        CreatedTokenShape.of_created(token(expires_at=None), "mit_secret").document(),
        {
            "id": "t1",
            "name": "ci",
            "actor": "bot",
            "tenantId": "acme",
            "organizationId": "org_1",
            "prefix": "mit_abcdefgh",
            "token": "mit_secret",
            "expiresAt": None,
        },
    )


def test_fleet_tenants() -> None:
    summary = TenantSummary(ACME, ("states", "logs"), True, 7, 2, 1, 1, 40)
    doc = FleetShape.of(Fleet([summary], hidden=3, since=WHEN)).document()
    exactly(
        doc,
        {
            "tenants": [
                {
                    "tenantId": "acme",
                    "organizationId": "org_1",
                    "sources": ["states", "logs"],
                    "hasPolicy": True,
                    "integrations": 7,
                    "enabled": 2,
                    "withCredentials": 1,
                    "unhealthy": 1,
                    "logEntries24h": 40,  # a lower-case h after the digits
                }
            ],
            "total": 1,
            "hidden": 3,
            "logsSince": Z,
        },
    )


def test_fleet_matrix() -> None:
    definition = IntegrationDefinition(
        id="sync_orders", title="Orders", category="data_sync", bundle_id="sync_bundle"
    )
    view = StateView("sync_orders", is_enabled=True, credentials_owner="sync_bundle")
    other = TenantScope("org_1", "beta")
    matrix = FleetMatrix(
        columns=[ACME, other],
        rows=[MatrixRow(definition, [view, None])],
        hidden=1,
        filtered_out=2,
    )
    exactly(
        FleetMatrixShape.of(matrix).document(),
        {
            "tenants": [
                {"organizationId": "org_1", "tenantId": "acme"},
                {"organizationId": "org_1", "tenantId": "beta"},
            ],
            "integrations": [
                {
                    "id": "sync_orders",
                    "title": "Orders",
                    "category": "data_sync",
                    "bundleId": "sync_bundle",
                    "cells": [
                        {"isEnabled": True, "healthStatus": None, "hasCredentials": True},
                        None,  # filtered out in that tenant
                    ],
                }
            ],
            "total": 1,
            "tenantCount": 2,
            "hidden": 1,
            "filteredOut": 2,
        },
    )


def test_credentials_export_and_import() -> None:
    beta = TenantScope("org_1", "beta")
    result = ExportResult(
        rows=[
            ExportRow(beta, "carrier_dhl", {"apiKey": "k"}, Z, 2),
            ExportRow(ACME, "gateway_stripe", {"secretKey": "s"}, Z, 1),
        ],
        problems=[RowProblem(ACME, "carrier_dhl", "no key", ExitCode.KEY)],
        scopes=[ACME, beta],
    )
    doc = ExportShape.of_result(result, out=Path("out.json"), encrypted=True).document()
    exactly(
        doc,
        {
            "out": "out.json",
            "encrypted": True,
            "rows": 2,
            "tenants": [  # those with a row, sorted
                {"organizationId": "org_1", "tenantId": "acme"},
                {"organizationId": "org_1", "tenantId": "beta"},
            ],
            "exported": [
                {"organizationId": "org_1", "tenantId": "beta", "integrationId": "carrier_dhl"},
                {"organizationId": "org_1", "tenantId": "acme", "integrationId": "gateway_stripe"},
            ],
            "problems": [
                {
                    "organizationId": "org_1",
                    "tenantId": "acme",
                    "integrationId": "carrier_dhl",
                    "error": "no key",
                }
            ],
        },
    )
    assert "apiKey" not in json.dumps(doc) and '"k"' not in json.dumps(doc)  # never a value
    report = ImportReport(
        dry_run=False,
        on_conflict="skip",
        outcomes=[
            RowOutcome(ACME, "gateway_stripe", "imported", changed=("secretKey",)),
            RowOutcome(beta, "carrier_dhl", "rejected", "bad field"),
        ],
    )
    exactly(
        ImportReportShape.of(report).document(),
        {
            "dryRun": False,
            "onConflict": "skip",
            "written": True,
            "aborted": False,
            "counts": {"imported": 1, "overwritten": 0, "skipped": 0, "rejected": 1, "conflict": 0},
            "rows": [
                {
                    "organizationId": "org_1",
                    "tenantId": "acme",
                    "integrationId": "gateway_stripe",
                    "status": "imported",
                    "reason": None,
                    "changedFields": ["secretKey"],
                },
                {
                    "organizationId": "org_1",
                    "tenantId": "beta",
                    "integrationId": "carrier_dhl",
                    "status": "rejected",
                    "reason": "bad field",
                    "changedFields": [],
                },
            ],
        },
    )


def test_scrub_report_and_log_batch() -> None:
    report = ScrubReport(
        scopes=[ACME],
        dry_run=True,
        scanned=9,
        entries=2,
        fields={"message": 2, "details": 1},
        batches=0,
        unchecked=["gone", "gone"],
        errors=[AuditError(ACME, "x", "no key", ExitCode.KEY)],
    )
    exactly(
        ScrubReportShape.of(report).document(),
        {
            "dryRun": True,
            "scanned": 9,
            "entries": 2,
            "fields": {"details": 1, "message": 2},  # by name
            "batches": 0,
            "tenants": [{"organizationId": "org_1", "tenantId": "acme"}],
            "unchecked": ["gone"],
            "errors": [
                {
                    "organizationId": "org_1",
                    "tenantId": "acme",
                    "integrationId": "x",
                    "error": "no key",
                }
            ],
        },
    )
    batch = BatchResult(accepted=2, rejected=[(1, "level: ••••••••")])
    exactly(
        BatchResultShape.of(batch).document(),
        {"accepted": 2, "rejected": [{"index": 1, "reason": "level: ••••••••"}]},
    )


def test_doctor() -> None:
    checks = [
        Check("store", "ok", "Store", "sqlite, up to date"),
        Check("keys", "warn", "Keys", "one key", fix="run keys rotate"),
    ]
    exactly(
        DoctorShape.of_checks(checks).document(),
        {
            "ok": True,
            "failures": 0,
            "warnings": 1,
            "checks": [
                {
                    "id": "store",
                    "status": "ok",
                    "title": "Store",
                    "detail": "sqlite, up to date",
                    "fix": None,
                },
                {
                    "id": "keys",
                    "status": "warn",
                    "title": "Keys",
                    "detail": "one key",
                    "fix": "run keys rotate",
                },
            ],
        },
    )
    failed = DoctorShape.of_checks([Check("store", "fail", "Store", "gone", fix="db upgrade")])
    assert (failed.ok, failed.failures) == (False, 1)
