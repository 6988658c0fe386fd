"""SVG snapshots of the screens, on fixed data and a fixed clock (update them with
`pytest tests/tui --snapshot-update` after a deliberate change, and look at the SVGs)."""

from __future__ import annotations

from mercato_int.scope import TenantScope


def _seed(write_logs) -> None:
    write_logs("gateway_stripe", 12)
    write_logs("sync_medusa_orders", 6)
    write_logs("sync_medusa_products", 3, scope=TenantScope(tenant_id="other"))


def test_marketplace_80x24(snap_compare, make_app, write_logs):
    _seed(write_logs)
    assert snap_compare(make_app(), terminal_size=(80, 24))


def test_marketplace_160x48(snap_compare, make_app, write_logs):
    _seed(write_logs)
    assert snap_compare(make_app(), terminal_size=(160, 48))
