"""`mercato-int tenants` and `list --all-tenants` as an operator sees them: the fleet table and
JSON, the matrix with its legend and pages of columns, the hidden tenants, bad input."""

from __future__ import annotations

import pytest


def as_(actor: str, tenant: str, org: str = "default") -> list[str]:
    return ["--actor", actor, "--tenant", tenant, "--org", org]


@pytest.fixture
def fleet(cli):
    """acme/eu: stripe and dhl enabled; beta: dhl enabled, a policy giving tester employee;
    locked: a policy without tester."""
    assert cli(*as_("ann", "acme", "eu"), "enable", "gateway_stripe", "carrier_dhl").exit_code == 0
    assert cli(*as_("ann", "beta"), "enable", "carrier_dhl").exit_code == 0
    assert cli(*as_("boss", "beta"), "acl", "grant", "boss", "admin").exit_code == 0
    assert cli(*as_("boss", "beta"), "acl", "grant", "tester", "employee").exit_code == 0
    assert cli(*as_("boss", "locked"), "enable", "carrier_dhl").exit_code == 0
    assert cli(*as_("boss", "locked"), "acl", "grant", "boss", "admin").exit_code == 0
    return cli


def test_tenants_json_and_table(fleet) -> None:
    data = fleet("tenants", "--json").json()
    assert [(t["tenantId"], t["organizationId"]) for t in data["tenants"]] == [
        ("acme", "eu"),
        ("beta", "default"),
    ]
    assert data["hidden"] == 1 and data["total"] == 2
    acme = data["tenants"][0]
    assert (acme["enabled"], acme["withCredentials"], acme["unhealthy"]) == (2, 0, 0)
    assert acme["hasPolicy"] is False and data["tenants"][1]["hasPolicy"] is True
    assert set(data) == {"tenants", "total", "hidden", "logsSince"}

    run = fleet("--tenant", "acme", "--org", "eu", "tenants")
    assert run.exit_code == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[0] == "Tenants of the store · 2 tenants"
    assert lines[1].split() == [
        *("Tenant", "Org", "Enabled", "Credentials", "Unhealthy", "Logs", "24", "h", "Found", "in")
    ]
    assert lines[2].split() == ["*", "acme", "eu", "2/7", "0/7", "0", "0", "states"]
    assert lines[3].split() == [
        "beta",
        "default",
        "1/7",
        "0/7",
        "0",
        "0",
        "states,",
        "grants",
        "🔒",
    ]
    assert "locked" not in run.stdout + run.stderr
    assert "1 tenant hidden: its policy does not give you integrations.view" in run.stderr
    assert "* the current scope (tenant acme · org eu)" in run.stderr


def test_tenants_filter_and_an_empty_store(cli, fleet) -> None:
    data = fleet("tenants", "--tenant-filter", "ac*", "--json").json()
    assert [t["tenantId"] for t in data["tenants"]] == ["acme"]


def test_an_empty_store_says_so(cli) -> None:
    run = cli("tenants")
    assert run.exit_code == 0, run.stderr
    assert run.stdout.splitlines()[1].startswith("No tenant yet")
    assert cli("tenants", "--json").json()["tenants"] == []


def test_an_actor_who_may_view_no_tenant_gets_an_empty_fleet(fleet) -> None:
    for tenant, org in (("acme", "eu"), ("beta", "default")):
        assert fleet(*as_("boss", tenant, org), "acl", "grant", "boss", "admin").exit_code == 0
    run = fleet("--actor", "nobody", "tenants")
    assert run.exit_code == 0, run.stderr
    assert run.stdout == "Tenants of the store · 0 tenants\n"
    assert "3 tenants hidden: their policies do not give you integrations.view" in run.stderr
    data = fleet("--actor", "nobody", "list", "--all-tenants", "--json").json()
    assert (data["tenants"], data["hidden"]) == ([], 3)
    assert all(r["cells"] == [] for r in data["integrations"])
    assert fleet("--actor", "boss", "tenants", "--json").json()["hidden"] == 0


def test_list_all_tenants_json(fleet) -> None:
    data = fleet("list", "--all-tenants", "--json").json()
    assert data["tenants"] == [
        {"organizationId": "eu", "tenantId": "acme"},
        {"organizationId": "default", "tenantId": "beta"},
    ]
    assert (data["total"], data["tenantCount"], data["hidden"]) == (7, 2, 1)
    rows = {r["id"]: r["cells"] for r in data["integrations"]}
    assert rows["carrier_dhl"] == [
        {"isEnabled": True, "healthStatus": "unconfigured", "hasCredentials": False},
        {"isEnabled": True, "healthStatus": "unconfigured", "hasCredentials": False},
    ]
    assert [c["isEnabled"] for c in rows["gateway_stripe"]] == [True, False]
    # list's filters: rows by definition, cells by state
    only = fleet("list", "--all-tenants", "--disabled", "--search", "stripe", "--json").json()
    assert only["tenants"] == [{"organizationId": "default", "tenantId": "beta"}]
    assert [r["id"] for r in only["integrations"]] == ["gateway_stripe"]


def test_list_all_tenants_matrix_with_legend(fleet) -> None:
    run = fleet("list", "--all-tenants", "--category", "shipping")
    assert run.exit_code == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[0] == "Integrations × tenants 1–2 of 2"
    assert lines[1].split() == ["acme", "beta"]
    assert lines[2].split() == ["eu", "default"]
    assert lines[3].split() == ["carrier_dhl", "○", "○"]
    assert lines[4] == (
        "enabled: ✔ healthy ! degraded ✗ unhealthy ○ unconfigured ● never checked  "
        "· disabled  (blank: filtered out)"
    )
    stripe = fleet("list", "--all-tenants", "--search", "stripe").stdout.splitlines()
    assert stripe[3].split() == ["gateway_stripe", "○", "·"]


def test_many_tenants_come_in_pages_of_columns(cli) -> None:
    for n in range(23):
        assert cli("--tenant", f"shop-{n:02}", "enable", "carrier_dhl").exit_code == 0
    first = cli("list", "--all-tenants", "--search", "dhl")
    assert first.exit_code == 0, first.stderr
    assert first.stdout.splitlines()[0] == "Integrations × tenants 1–20 of 23"
    assert first.stdout.splitlines()[1].split()[-1] == "shop-19"
    assert (
        "20 of 23 tenants shown: `--page 2` for the next (2 pages), `--tenant-filter TEXT` to "
        "narrow, `--json` for all"
    ) in first.stderr
    second = cli("list", "--all-tenants", "--search", "dhl", "--page", "2").stdout.splitlines()
    assert second[0] == "Integrations × tenants 21–23 of 23"
    assert second[1].split() == ["shop-20", "shop-21", "shop-22"]
    narrow = cli("list", "--all-tenants", "--tenant-filter", "shop-0*").stdout.splitlines()
    assert narrow[0] == "Integrations × tenants 1–10 of 10"
    assert len(cli("list", "--all-tenants", "--json").json()["tenants"]) == 23
    beyond = cli("list", "--all-tenants", "--page", "3")
    assert beyond.exit_code == 2
    assert beyond.stderr == "error: there is no page 3 of tenant columns: pages 1-2\n"


def test_long_ids_are_cut_in_headers_with_a_note(cli) -> None:
    assert cli("--tenant", "a-very-long-tenant-id", "enable", "carrier_dhl").exit_code == 0
    run = cli("list", "--all-tenants", "--search", "dhl")
    assert run.stdout.splitlines()[1].split() == ["a-very-lo…"]
    assert "ids longer than 10 characters are cut (…)" in run.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["list", "--tenant-filter", "a"], "error: --tenant-filter needs --all-tenants"),
        (["list", "--page", "2"], "error: --page needs --all-tenants"),
        (
            ["list", "--all-tenants", "--sort", "health"],
            "error: unknown sort 'health' with --all-tenants; use one of: title, category",
        ),
        (
            ["list", "--all-tenants", "--health-status", "sick"],
            "error: unknown health status 'sick'",
        ),
    ],
)
def test_bad_input_exits_2_in_one_line(cli, args, message) -> None:
    run = cli(*args)
    assert run.exit_code == 2
    assert run.stderr.startswith(message) and run.stderr.count("\n") == 1
    assert run.stdout == ""


def test_the_polish_matrix(fleet) -> None:
    run = fleet("--lang", "pl", "list", "--all-tenants", "--category", "shipping")
    lines = run.stdout.splitlines()
    assert lines[0] == "Integracje × najemcy 1–2 z 2"
    assert lines[4].startswith("włączona: ✔ sprawna ! osłabiona ✗ niesprawna")
    assert "1 najemca ukryty" in run.stderr
    table = fleet("--lang", "pl", "tenants").stdout.splitlines()
    assert table[0] == "Najemcy w magazynie danych · 2 najemcy"
