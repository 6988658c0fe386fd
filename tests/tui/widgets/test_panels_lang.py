"""The integration screen, its credentials form, health and logs panels, the bundle screen and
the dialogs in Polish; stored data (log messages, operations, field labels) stays as it is."""

from __future__ import annotations

import pytest
from textual.widgets import Button, Input, Label, Select, Static, TabbedContent

from mercato_int import i18n
from mercato_int.scope import TenantScope
from mercato_int.tui.screens.dialogs import key_rows
from mercato_int.tui.widgets.health_panel import render_result
from mercato_int.tui.widgets.logs_panel import LogEntry

from ..conftest import settle

pytestmark = pytest.mark.anyio

SCOPE_PL = "tenant default · organizacja default"


@pytest.fixture
def polish():
    i18n.choose("pl")
    yield
    i18n.reset()


def _text(app, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


def _footer(app) -> list[str]:
    """The descriptions the footer shows for the screen and the focused widget."""
    return [b.binding.description for b in app.screen.active_bindings.values() if b.binding.show]


def _notes(app) -> list[str]:
    return [str(n.message) for n in app._notifications]


async def test_integration_screen_credentials_and_logs_in_polish(
    make_app, write_logs, tui_services, polish
):
    write_logs("gateway_stripe", 30)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        app.open_integration("gateway_stripe")
        await settle(pilot)
        tabs = app.screen.query_one("#tabs", TabbedContent)
        labels = [str(tabs.get_tab(pane).label) for pane in ("credentials", "health", "logs")]
        assert labels == ["Dane uwierzytelniające f1", "Kontrola stanu f2", "Logi f3"]
        assert _footer(app)[:4] == ["Wstecz", "Zapisz", "Sprawdź", "Wł./Wył."]
        assert str(app.screen.query_one("#enabled-label", Label).render()) == "○ Wyłączona"
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert str(app.screen.query_one("#enabled-label", Label).render()) == "● Włączona"
        notes = _notes(app)
        assert f"Włączono gateway_stripe w {SCOPE_PL}" in notes
        assert any(
            n.startswith("Nie ustawiono wymaganych danych uwierzytelniających gateway_stripe: ")
            and n.endswith(". Ustaw je w formularzu danych uwierzytelniających.")
            for n in notes
        ), notes

        # the credentials form: framing translated, field labels (provider data) as defined
        assert _text(app, ".form-source") == "Dane uwierzytelniające: nieustawione"
        assert _text(app, "#set-secretKey") == "nieustawione"
        assert app.screen.query_one("#f-secretKey", Input).placeholder == "nieustawione"
        buttons = [str(b.label) for b in app.screen.query(".form-buttons Button")]
        assert buttons == ["Zapisz (ctrl+s)", "Usuń"]
        field_labels = [str(w.render()) for w in app.screen.query(".field-label")]
        assert "Secret Key *  secretKey" in field_labels  # the provider's label is data
        app.screen.query_one("#f-publishableKey", Input).value = "pk_test_123"
        app.screen.query_one("#f-secretKey", Input).value = "sk_test_4eC39HqLyjWDarjtT1zdp7dc"
        app.screen.query_one("#f-webhookSecret", Input).value = "whsec_0123456789"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert f"Zapisano dane uwierzytelniające gateway_stripe w {SCOPE_PL}" in _notes(app)
        assert _text(app, "#set-secretKey") == "ustawione"
        assert _text(app, ".form-source").startswith(
            "Dane uwierzytelniające: zapisane w tej integracji · zmienione "
        )
        placeholder = app.screen.query_one("#f-secretKey", Input).placeholder
        assert placeholder == "ustawione — wpisz, aby zastąpić"

        # removing asks first, in Polish
        app.screen.query_one("#form").remove_credentials()
        await pilot.pause()
        assert type(app.screen).__name__ == "ConfirmDialog"
        assert _text(app, ".question") == (
            f"Usunąć dane uwierzytelniające gateway_stripe w {SCOPE_PL}? "
            "Tej operacji nie można cofnąć."
        )
        assert [str(b.label) for b in app.screen.query(Button)] == ["Usuń (y)", "Anuluj (n)"]
        await pilot.press("n")
        await pilot.pause()

        # the logs tab: pager, filter labels, entries framed in Polish around stored data
        await pilot.press("f3")
        await settle(pilot)
        assert _text(app, "#log-count") == "Pokazano 1–25 z 30 wpisów"
        footer = _footer(app)
        assert footer[footer.index("Nast.") :][:3] == ["Nast.", "Poprz.", "Poziom"]
        level = app.screen.query_one("#log-level", Select)
        assert level.selection == "__all__"
        assert str(level.query_one("SelectCurrent #label", Static).render()) == "Poziom: wszystkie"
        assert [str(prompt) for prompt, _ in level._options] == [
            "Poziom: wszystkie",
            "Poziom: debug",  # levels are the names `--level` takes, as in the CLI
            "Poziom: info",
            "Poziom: warning",
            "Poziom: error",
        ]
        search = app.screen.query_one("#log-search", Input)
        assert search.placeholder == "Szukaj w komunikatach…"
        assert [str(b.label) for b in app.screen.query(".logs-pager Button")] == [
            "← Poprzednia (p)",
            "Następna → (n)",
        ]
        newest = str(app.screen.query(LogEntry).first().render())
        assert "entry 30 of 30" in newest  # the stored message is data
        assert "Korelacja: evt_30  •  Czas trwania: 129 ms" in newest
        assert "▸ Szczegóły (enter)" in newest
        await pilot.press("n")
        await settle(pilot)
        assert _text(app, "#log-count") == "Pokazano 26–30 z 30 wpisów"
        await pilot.press("l")  # debug: nothing
        await settle(pilot)
        assert _text(app, "#log-count") == "Pokazano 0 z 0 wpisów"
        assert _text(app, "#log-entries .empty") == "Żaden wpis logu nie pasuje."


async def test_health_panel_bundle_screen_and_scope_dialog_in_polish(
    make_app, tui_services, polish
):
    tui_services.state.enable(["sync_medusa_orders"], TenantScope(), actor="tester")
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        app.open_integration("sync_medusa_orders")
        await settle(pilot)
        # a bundled integration points at the bundle's shared credentials
        note = _text(app, ".bundle-note")
        assert note.startswith("Ta integracja nie ma własnych danych uwierzytelniających")
        assert str(app.screen.query_one("#to-bundle", Button).label).startswith("Część pakietu ")
        await pilot.press("f2")
        await pilot.pause()
        assert _text(app, "#health-result") == (
            "W tym zakresie nie uruchomiono jeszcze kontroli stanu. Uruchom ją klawiszem ctrl+r."
        )
        assert str(app.screen.query_one("#run-check", Button).label) == (
            "Uruchom kontrolę (ctrl+r)"
        )

        app.open_bundle("sync_medusa")
        await settle(pilot)
        titles = [str(s.render()) for s in app.screen.query(".section-title")]
        assert titles == [
            "Integracje",
            "Wspólne dane uwierzytelniające (f1)",
            "Kontrola stanu (wspólne dane uwierzytelniające)",
        ]
        assert str(app.screen.query_one("#enable-all", Button).label) == (
            "Włącz wszystkie (ctrl+a)"
        )
        assert str(app.screen.query_one("#st-sync_medusa_orders", Static).render()) == (
            "● Włączona"
        )
        # the buttons name ctrl+a / ctrl+x; the footer leaves them to the `?` list
        assert ("^a", "Włącz wszystkie") in key_rows(app.screen)
        await pilot.press("ctrl+x")
        await pilot.pause()
        assert "Wyłączono wszystkie integracje pakietu sync_medusa" in _notes(app)

        await pilot.press("ctrl+t")
        await pilot.pause()
        assert _text(app, ".question") == "Zmień zakres"
        assert [str(w.render()) for w in app.screen.query(Label)] == ["Najemca", "Organizacja"]
        assert [str(b.label) for b in app.screen.query(Button)] == ["Zmień", "Anuluj"]
        await pilot.press("escape")


def test_a_health_result_lines_up_its_polish_labels(polish):
    text = render_result(
        {
            "status": "healthy",
            "message": "balance reachable",
            "latencyMs": 42,
            "checkedAt": "2026-11-26T14:30:00+00:00",
            "details": {"livemode": False},
        }
    ).plain
    lines = text.splitlines()
    assert lines[0] == "Stan        ✔ sprawna"
    assert lines[1] == "Komunikat   balance reachable"  # the check's message is stored data
    assert lines[2] == "Opóźnienie  42 ms"
    assert lines[3].startswith("Sprawdzono  2026-11-26 ")
    assert lines[4] == "Szczegóły"


def test_the_english_health_result_keeps_its_columns():
    text = render_result({"status": "degraded", "latencyMs": 7}).plain
    assert text.splitlines() == ["Status   ▲ degraded", "Latency  7 ms"]
