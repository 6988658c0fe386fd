"""The JSON shape layer: one pydantic model per document that a front end prints or returns.
Every `--json` output of the CLI (and the TUI where it shows a document) is built here, and
the HTTP API uses the same models as its response bodies. Keys are camelCase, timestamps ISO
8601 in UTC with a `Z` (`base.utc_text`, the one place that writes one), nulls stay nulls.

Build a document with `SomeShape.of(domain_object).document()` (a dict for `json.dumps`);
`SomeShape.of(...)` is the pydantic model itself (`model_dump_json`, a response model).
Import the module of the domain you need (each costs little: schemas are built on first use):

- `base`: `Shape` (the base model), `UtcTime`, `utc_text` / `utc_or_none`, `ScopeShape`
  (`{organizationId, tenantId}`), `camel` (how a field is named in a document).
- `catalog`: `MarketplaceShape` (`list --json`) with `MarketItemShape`, `MarketBundleShape`
  and `ActivityShape` (an item's `analytics`); `definition_document` (a provider definition).
- `item`: `ShowIntegrationShape` / `ShowBundleShape` (`show --json`, with `MemberStateShape`
  for a bundle's members).
- `validation`: `ValidationShape` with `ProblemShape` (`validate --json`).
- `state`: `StateShape` (an integration's state in a scope: `show --json`'s `state`),
  `StateChangeShape` (`enable|disable --json`), `MissingCredentialsShape`.
- `credentials`: `CredentialsViewShape` (`creds get --json`), `CredentialsExplainShape` with
  `FieldOriginShape` (`creds explain --json`).
- `health`: `HealthResultShape` (the spec's HealthCheckResult: stored `lastHealthCheck`, the
  `health.checked` event's `result`, the TUI's health panel), `HealthRunShape` with
  `HealthItemShape` and `TenantFailureShape` (`health --json`).
- `logs`: `LogEntryShape` (an entry: `logs show --jsonl` lines, the TUI's log panel),
  `LogPageShape` (`logs show --json`), `AuditReportShape` with `FindingShape` and
  `AuditErrorShape` (`logs audit --json`), `ScrubReportShape` (`logs scrub --json`),
  `BatchResultShape` with `RejectedEntryShape` (the API's answer to a batch of entries).
- `events`: `EventShape` (an event: `events --follow --json` lines, `recentEvents`),
  `EventListShape` (`events --json`).
- `retention`: `PruneReportShape` with `TenantPruneShape` (`prune --json`), `SettingShape`
  (`settings get|set|unset --json`), `SettingsListShape` (`settings list --json`).
- `acl`: `GrantShape`, `AclListShape` (`acl list --json`).
- `keys`: `KeyStatusShape` with `KeyUseShape` (`keys status --json`).
- `tokens`: `TokenShape`, `TokenListShape` (`tokens list --json`), `CreatedTokenShape`
  (`tokens create --json`, the one document holding a token).
- `fleet`: `FleetShape` with `TenantSummaryShape` (`tenants --json`), `FleetMatrixShape` with
  `MatrixRowShape` and `CellShape` (`list --all-tenants --json`).
- `transfer`: `ExportShape` with `ExportedRowShape` and `ExportProblemShape` (`creds export
  --json`), `ImportReportShape` with `RowOutcomeShape` (`creds import --json`). The rows inside
  an export file are a file format, written and read in services/credentials/export_file.py.
- `doctor`: `DoctorShape` with `CheckShape` (`doctor --json`).
- `tools`: `DbStatusShape` (`db current --json`), `DbUpgradeShape` (`db upgrade --json`),
  `ScaffoldShape` (`scaffold --json`).
"""
