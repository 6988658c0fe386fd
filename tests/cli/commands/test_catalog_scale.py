"""`list` of a big registry is one line per integration; `logs` and `events` of the scope
never discover (import) a provider."""

from __future__ import annotations

from pathlib import Path

BIG = 120  # above marketplace_compact.COMPACT_OVER


def _big_provider(count: int, bundles: int) -> str:
    lines = [
        "bundles = []",
        f"for b in range({bundles}):",
        "    bundles.append({'id': f'pack_{b}', 'title': f'Pack {b}', 'description': 'd'})",
        "bundle = bundles[0]",
        "integrations = [",
        "    {'id': f'item_{n:03d}', 'title': f'Pack {n % " + str(bundles) + "} Item {n:03d}',",
        "     'category': 'payment', 'hub': 'h', 'providerKey': f'p{n}',",
        "     'bundleId': f'pack_{n % " + str(bundles) + "}'}",
        f"    for n in range({count})",
        "]",
    ]
    return "\n".join(lines) + "\n"


def test_a_big_registry_lists_one_line_per_integration(cli, providers_dir) -> None:
    # one provider file declares one bundle: the others come from a provider each
    providers_dir({"pack": _big_provider(BIG, 1)})
    run = cli("list")
    assert run.exit_code == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[0] == "Integrations · tenant default · org default"
    assert "╭" not in run.stdout  # no panels
    head = "Pack 0 (pack_0) · 120 integrations, 0 enabled · credentials: not set"
    assert head in lines
    start = lines.index(head)
    rows = lines[start + 1 : start + 1 + BIG]
    assert [r.split()[4] for r in rows] == [f"item_{n:03d}" for n in range(BIG)]
    # the bundle's title is cut from its members' titles; columns line up
    assert rows[0].split("item_000")[0].strip() == "○ Disabled  Item 000"
    assert len({r.index("item_") for r in rows}) == 1
    assert rows[0].split()[5:] == ["Payment", "creds", "—", "unconfigured"]
    assert lines[-1] == f"{BIG + 7} integrations · `mercato-int show ID` for details"
    # a filter that brings it under the bound shows the panels again
    small = cli("list", "--bundle", "sync_medusa")
    assert "╭" in small.stdout


def test_logs_and_events_of_the_scope_import_no_provider(cli, providers_dir, tmp_path) -> None:
    marker = tmp_path / "imported"
    providers_dir(
        {
            "probe": f"from pathlib import Path\nPath({str(marker)!r}).write_text('x')\n"
            "integration = {'id': 'probe_one', 'title': 'Probe', 'category': 'payment', "
            "'hub': 'h', 'providerKey': 'p'}\n"
        }
    )
    for args in (("logs",), ("logs", "--json"), ("events",), ("events", "--json")):
        run = cli(*args)
        assert run.exit_code == 0, (args, run.stderr)
        assert not marker.exists(), args
    # the control: naming an integration needs the registry, so discovery runs
    assert cli("logs", "probe_one").exit_code == 0
    assert Path(marker).exists()
