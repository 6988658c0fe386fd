"""`logs audit --all-tenants` and `prune --all-tenants` at fleet scale (issue 14, item 2): the
audit reads the credentials of every tenant together, each row decrypted once, and still finds
a secret stored in the clear; both show a progress bar on a terminal's stderr only (never on
stdout, never with --json). Both stores."""

from __future__ import annotations

import json
import os
import uuid
from datetime import UTC, datetime

from mercato_int.scope import TenantScope
from tests.cli.commands.test_health_fleet import MEMBERS, count_decrypts, on_a_terminal

MEDUSA_KEY = "medusa_AUDIT_4242"
TENANTS = ["shop-a", "shop-b", "shop-c"]


def seed(svc) -> None:
    """The Medusa bundle's credentials and one entry per member in each tenant."""
    values = {
        "medusaApiUrl": "http://127.0.0.1:9",
        "medusaApiKey": MEDUSA_KEY,
        "medusaWebhookSecret": "mwh_AUDIT_1",
    }
    for tenant in TENANTS:
        scope = TenantScope("default", tenant)
        svc.credentials.save("sync_medusa", values, scope, actor="t")
        for member in MEMBERS:
            svc.logs.log(
                integration_id=member, level="info", operation="sync.run", message="ok", scope=scope
            )


def plant_secret(svc, tenant: str) -> None:
    """An entry holding the API key in the clear, as an old writer might have left it."""
    import sqlalchemy as sa

    from mercato_int.store.schema import LOGS

    with svc.store.engine.begin() as conn:
        conn.execute(
            sa.insert(LOGS),
            {
                "id": uuid.uuid4(),
                "integration_id": MEMBERS[2],
                "level": "error",
                "operation": "sync.run",
                "message": f"refused key {MEDUSA_KEY}",
                "organization_id": "default",
                "tenant_id": tenant,
                "created_at": datetime.now(UTC),
            },
        )


def test_audit_of_every_tenant_decrypts_each_row_once_and_finds_a_secret(services, monkeypatch):
    seed(services)
    plant_secret(services, "shop-b")
    decrypts = count_decrypts(monkeypatch)
    report = services.logs.audit(scopes=None)
    assert report.errors == []
    assert report.scanned == 3 * len(MEMBERS) + 1
    assert [(f.scope.tenant_id, f.integration_id, f.where) for f in report.findings] == [
        ("shop-b", MEMBERS[2], "message")
    ]
    assert decrypts[0] == 3  # one row a tenant, not once per member
    # one tenant's audit still resolves its own credentials
    decrypts[0] = 0
    alone = services.logs.audit(scopes=[TenantScope("default", "shop-a")])
    assert alone.clean and alone.scanned == len(MEMBERS)
    assert decrypts[0] == 1


def test_audit_and_prune_show_a_bar_on_a_terminal_only(cli, services, db_url):
    seed(services)
    os.environ["MERCATO_INT_DATABASE_URL"] = db_url  # monkeypatched by the cli fixture
    for args in (["logs", "audit", "--all-tenants"], ["prune", "--all-tenants", "--dry-run"]):
        code, stdout, terminal = on_a_terminal(args)
        assert code == 0, terminal
        assert "━" in terminal and "3/3" in terminal, terminal  # tenant by tenant
        assert "━" not in stdout and "3/3" not in stdout
        code, stdout, terminal = on_a_terminal([*args, "--json"])
        assert code == 0, terminal
        assert "━" not in terminal and "3/3" not in terminal
        json.loads(stdout)
        run = cli(*args)  # off a terminal: no bar
        assert run.exit_code == 0, run.stderr
        assert "━" not in run.stderr + run.stdout
