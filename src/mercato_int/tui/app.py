"""The interactive marketplace: a Textual app over the Services container."""

from __future__ import annotations

import gc
import os
from types import TracebackType
from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import App
from textual.binding import Binding, BindingType

from mercato_int.errors import MercatoIntError
from mercato_int.i18n import t
from mercato_int.tui.calls import ServiceCalls
from mercato_int.tui.widgets.key_labels import describe_bindings

if TYPE_CHECKING:
    from textual.dom import DOMNode

    from mercato_int.scope import TenantScope
    from mercato_int.services import Services


class Guard:
    """`with app.guard() as g:` turns an error into a notification; `g.failed` tells."""

    def __init__(self, app: MercatoApp) -> None:
        self.app = app
        self.failed = False

    def __enter__(self) -> Guard:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> bool:
        if not isinstance(exc, Exception):
            return False
        if not isinstance(exc, MercatoIntError) and os.environ.get("MERCATO_INT_DEBUG") == "1":
            return False  # a bug: let it crash with its traceback, as the CLI does
        self.app.report(exc)
        self.failed = True
        return True


class MercatoApp(App[None]):
    """`mercato-int tui`: the marketplace, integration and bundle screens."""

    CSS_PATH = "mercato.tcss"
    TITLE = "Integrations"
    # textual annotates it `ClassVar[...] | None`, which mypy reads as an instance variable
    HORIZONTAL_BREAKPOINTS: ClassVar[list[tuple[int, str]]] = [(0, "-narrow"), (110, "-wide")]  # type: ignore[misc]
    ENABLE_COMMAND_PALETTE = False
    # The footer has room for a few keys at 80 columns in Polish too; `?` lists them all.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("question_mark", "show_keys", "Help"),
        Binding("ctrl+t", "switch_scope", "Scope", priority=True, show=False),
        Binding("ctrl+q", "quit", "Quit", priority=True),
    ]

    def __init__(
        self,
        services: Services,
        *,
        scope: TenantScope | None = None,
        poll_seconds: float = 2.0,
        resume_gc: bool = False,
    ) -> None:
        super().__init__()
        # the collector paused by the `tui` command for the start-up: resumed by `started`
        self._resume_gc = resume_gc
        self.services = services
        self.calls = ServiceCalls(services)
        self.scope: TenantScope = scope or services.scope
        self.poll_seconds = poll_seconds

    def guard(self) -> Guard:
        return Guard(self)

    def warn_all(self, warnings: list[str]) -> None:
        """Warnings from a service (e.g. required credentials not set) as notifications."""
        for message in warnings:
            self.notify(
                message,
                title=t("tui_panels.notice.warning"),
                severity="warning",
                timeout=8,
                markup=False,
            )

    def report(self, exc: Exception) -> None:
        """Show an error as a notification (safe to call from a worker thread's callback)."""
        if isinstance(exc, MercatoIntError):
            self.notify(
                str(exc),
                title=t("tui_panels.notice.error"),
                severity="error",
                timeout=8,
                markup=False,
            )
            return
        # A crash would print a traceback with locals (credentials among them): never,
        # unless MERCATO_INT_DEBUG=1 asks for it.
        if os.environ.get("MERCATO_INT_DEBUG") == "1":
            raise exc
        self.notify(
            t("tui_panels.notice.unexpected", name=type(exc).__name__),
            title=t("tui_panels.notice.error"),
            severity="error",
            timeout=8,
        )

    def update_styles(self, node: DOMNode, animate: bool = True) -> None:
        # A widget not yet mounted is styled whole when it is (`App._register` applies the
        # stylesheet to every widget it mounts): a class it is given before that (a Button
        # sets three in its constructor, for its variant and looks) need not restyle it
        # then. Textual restyles it at once, matching every rule: some 10 times per card of
        # the marketplace's first paint.
        if node is self or node.is_attached:
            super().update_styles(node, animate=animate)

    def started(self) -> None:
        """The first screen is painted: the objects made so far (most of them live as long as
        the app) are left out of the collector's walks, and the collector resumes."""
        if self._resume_gc:
            self._resume_gc = False
            gc.freeze()
            gc.enable()

    def on_mount(self) -> None:
        self.set_timer(5, self.started)  # should the first screen never paint
        describe_bindings(
            self,
            {
                "quit": "tui_panels.key.quit",
                "switch_scope": "tui_panels.key.scope",
                "show_keys": "tui_panels.key.help",
            },
        )
        from mercato_int.i18n import scope_text, t
        from mercato_int.tui.screens.marketplace import MarketplaceScreen

        self.title = t("tui.title")
        self.sub_title = scope_text(self.scope, self._context_name())
        self.push_screen(MarketplaceScreen())

    def _context_name(self) -> str | None:
        """The config file's context in effect, named in the header beside the scope."""
        settings = getattr(self.services, "settings", None)
        return getattr(settings, "context", None)

    def open_integration(self, integration_id: str) -> None:
        from mercato_int.tui.screens.integration import IntegrationScreen

        self.push_screen(IntegrationScreen(integration_id))

    def open_bundle(self, bundle_id: str) -> None:
        from mercato_int.tui.screens.bundle import BundleScreen

        self.push_screen(BundleScreen(bundle_id))

    def action_show_keys(self) -> None:
        """Every key of the screen, including those the footer has no room for."""
        from mercato_int.tui.screens.dialogs import KeysDialog

        if not isinstance(self.screen, KeysDialog):
            self.push_screen(KeysDialog(self.screen))

    def action_switch_scope(self) -> None:
        from mercato_int.tui.screens.scope import ScopeDialog

        self.push_screen(ScopeDialog(self.scope), self._scope_chosen)

    async def _scope_chosen(self, scope: TenantScope | None) -> None:
        if scope is None or scope == self.scope:
            return
        self.scope = scope
        from mercato_int.i18n import scope_text, t

        self.sub_title = scope_text(scope, self._context_name())
        self.notify(t("tui.now_in", scope=scope_text(scope)), timeout=3)
        for screen in self.screen_stack:
            reload = getattr(screen, "reload", None)
            if reload is not None:
                await reload()

    def confirm(self, question: str, on_yes: Any, *, yes: str = "Yes") -> None:
        """Ask `question`; call `on_yes()` only if the answer is yes."""
        from mercato_int.tui.screens.dialogs import ConfirmDialog

        async def answered(ok: bool | None) -> None:
            if ok:
                result = on_yes()
                if hasattr(result, "__await__"):
                    await result

        self.push_screen(ConfirmDialog(question, yes=yes), answered)
