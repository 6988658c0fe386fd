"""The checks of `doctor` that read the configuration, the store and the master keys, and the
runner that calls every check on its own."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mercato_int.doctor import host
from mercato_int.doctor.credential_rows import damaged_rows
from mercato_int.doctor.model import FAIL, OK, WARN, Check
from mercato_int.i18n import t, tn

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from mercato_int.keys import MasterKeys
    from mercato_int.settings import Settings

Checks = Iterator[Check]
CLOCK_WARN_SECONDS = 5
CLOCK_FAIL_SECONDS = 60


class Unusable(Exception):
    """A check cannot run because something an earlier check reported is broken."""


class Doctor:
    """Runs every check; `load_settings` builds the settings as the command would (flags),
    `keyring_backend`, `shell`, `home` and `now` are injectable (tests)."""

    def __init__(
        self,
        load_settings: Callable[[], Settings],
        *,
        keyring_backend: Any = None,
        shell: str | None = None,
        home: Path | None = None,
        now: Callable[[], datetime] | None = None,
    ) -> None:
        self._load_settings = load_settings
        self.keyring_backend = keyring_backend
        self.shell = shell if shell is not None else os.environ.get("SHELL", "")
        self.home = home or Path.home()
        self.now = now or (lambda: datetime.now(UTC))
        self.settings: Settings | None = None
        self._engine: Engine | None = None
        self._store_problem: str | None = None
        self._keys: MasterKeys | None = None

    def run(self, *, deep: bool = False) -> list[Check]:
        checks: list[tuple[str, Callable[[], Checks]]] = [
            ("config", self.config),
            ("store", self.store),
            ("keys", self.key_sources),
            ("permissions", lambda: host.permissions(self._settings(), self._engine)),
            ("credentials", lambda: self.credentials(deep=deep)),
            ("providers", self.providers),
            ("keyring", lambda: host.keyring_backend(self.keyring_backend)),
            ("clock", self.clock),
            ("completions", lambda: host.completions(self.shell, self.home)),
        ]
        results: list[Check] = []
        try:
            for name, check in checks:
                results.extend(self._guarded(name, check))
        finally:
            if self._engine is not None:
                self._engine.dispose()
        return results

    def _guarded(self, name: str, check: Callable[[], Checks]) -> list[Check]:
        """The lines of one check; a crash is its failed line (type and first line of the
        message, passwords of the store URL masked), a check that cannot run a warning."""
        done: list[Check] = []
        try:
            done.extend(check())
        except Unusable as exc:
            done.append(Check(name, WARN, t(f"doctor.{name}"), t("doctor.not_checked", why=exc)))
        except Exception as exc:
            reason = (str(exc).strip().splitlines() or [""])[0]
            url = self.settings.database_url if self.settings else ""
            if url:
                from mercato_int.store.urls import redact_text

                reason = redact_text(reason, url)
            error = f"{type(exc).__name__}: {reason}" if reason else type(exc).__name__
            done.append(
                Check(
                    name,
                    FAIL,
                    t(f"doctor.{name}"),
                    t("doctor.crashed", error=error),
                    t("doctor.crashed_fix"),
                )
            )
        return done

    # --- configuration ---------------------------------------------------------------------

    def _settings(self) -> Settings:
        """The settings, or (when they cannot be built) the defaults and the environment."""
        if self.settings is None:
            try:
                self.settings = self._load_settings()
            except Exception:
                from mercato_int.config_file import DB_FILE_NAME, ENV_DATABASE_URL, config_dirs
                from mercato_int.settings import Settings

                config_dir, data_dir = config_dirs()
                from mercato_int.scope import TenantScope

                self.settings = Settings(
                    config_dir=config_dir,
                    data_dir=data_dir,
                    database_url=os.environ.get(ENV_DATABASE_URL)
                    or f"sqlite:///{data_dir / DB_FILE_NAME}",
                    scope=TenantScope(),
                    actor="doctor",
                    master_keys_env=os.environ.get("MERCATO_INT_MASTER_KEY") or None,
                )
        return self.settings

    def config(self) -> Checks:
        from mercato_int.config_file import CONFIG_FILE_NAME, config_dirs

        path = config_dirs()[0] / CONFIG_FILE_NAME
        title = t("doctor.config")
        try:
            settings = self._load_settings()
        except Exception as exc:
            text = str(exc)  # a coded error is worded when shown, in the chosen language
            yield Check("config", FAIL, title, text, t("doctor.config.fix", path=path))
            return
        self.settings = settings
        if not path.is_file():
            yield Check("config", OK, title, t("doctor.config.none", path=path))
            return
        context = t("doctor.config.context", name=settings.context) if settings.context else ""
        holding = host.config_passwords(path)
        if holding:
            yield Check(
                "config",
                WARN,
                title,
                t("doctor.config.password", path=path, where=", ".join(holding)) + context,
                t("context.password_hint"),
            )
            return
        mode = path.stat().st_mode & 0o777
        if mode & 0o022:
            yield Check(
                "config",
                WARN,
                title,
                t("doctor.config.writable", path=path, mode=f"{mode:04o}") + context,
                t("doctor.chmod", mode="600", path=path),
            )
            return
        yield Check("config", OK, title, t("doctor.config.ok", path=path) + context)

    # --- store -----------------------------------------------------------------------------

    def store(self) -> Checks:
        from mercato_int.store.engine import create_store_engine, current_revision
        from mercato_int.store.revisions import HEAD_REVISION, KNOWN_REVISIONS
        from mercato_int.store.urls import parse_store_url, redact_url

        settings = self._settings()
        url = settings.database_url
        shown = redact_url(url)
        title = t("doctor.store")
        parsed = parse_store_url(url)
        if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
            path = Path(parsed.database).expanduser()
            if not path.exists():
                self._store_problem = t("doctor.store.absent_short")
                yield Check("store", WARN, title, t("doctor.store.absent", url=shown))
                return
        try:
            engine = create_store_engine(url)
            revision = current_revision(engine)
        except Exception as exc:
            self._store_problem = t("doctor.store.unreachable_short")
            from mercato_int.errors import MercatoIntError
            from mercato_int.store.urls import redact_text

            if isinstance(exc, MercatoIntError):  # says what and where, the URL masked
                detail = exc.message
            else:
                reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
                detail = t("doctor.store.unreachable", url=shown, reason=reason)
            yield Check(
                "store", FAIL, title, redact_text(detail, url), t("doctor.store.unreachable_fix")
            )
            return
        self._engine = engine
        sqlite = engine.dialect.name == "sqlite"
        if revision == HEAD_REVISION:
            yield Check("store", OK, title, t("doctor.store.ok", url=shown, revision=revision))
        elif revision is not None and revision not in KNOWN_REVISIONS:
            self._store_problem = t("doctor.store.newer_short")
            yield Check(
                "store",
                FAIL,
                title,
                t("doctor.store.newer", url=shown, revision=revision),
                t("doctor.store.newer_fix"),
            )
        else:
            # SQLite is migrated on its next use; any other store waits for `db upgrade`
            self._store_problem = None if sqlite else t("doctor.store.behind_short")
            yield Check(
                "store",
                WARN if sqlite else FAIL,
                title,
                t(
                    "doctor.store.behind",
                    url=shown,
                    revision=revision or t("logs.db.none"),
                    head=HEAD_REVISION,
                ),
                t("doctor.store.behind_fix"),
            )

    def _usable_engine(self, *, schema: bool = True) -> Engine:
        """The store's engine; Unusable when it cannot be reached (or, with `schema`, when its
        schema is not the one this build reads)."""
        if self._engine is None or (schema and self._store_problem):
            raise Unusable(self._store_problem or t("doctor.store.unreachable_short"))
        return self._engine

    # --- master keys and credential rows ----------------------------------------------------

    def _master_keys(self) -> MasterKeys:
        if self._keys is None:
            from mercato_int.keys import MasterKeys

            settings = self._settings()
            self._keys = MasterKeys.default(
                env_value=settings.master_keys_env,
                config_dir=settings.config_dir,
                keyring_backend=self.keyring_backend,
            )
        return self._keys

    def key_sources(self) -> Checks:
        """One line per place a master key is looked up in: what it answered, which key ids it
        holds (never a key), which one is active."""
        from mercato_int.errors import KeyProblem
        from mercato_int.keys.envelope import key_id

        keys = self._master_keys()
        active: str | None = None
        for n, source in enumerate(keys.sources):
            ident = ("keys.env", "keys.keyring", "keys.file")[n] if n < 3 else f"keys.{n}"
            title = t("doctor.keys.source", source=source.label())
            try:
                found = [key_id(k) for k in source.load()]
            except KeyProblem as exc:
                yield Check(ident, FAIL, title, str(exc.message), exc.hint)
                continue
            said = str(source.status_text()).removeprefix(f"{source.label()}: ")
            if source.failed:
                yield Check(ident, WARN, title, said, t("doctor.keys.unlock_fix"))
                continue
            if not found:
                yield Check(ident, OK, title, said)
                continue
            names = [f"{kid} ({t('doctor.keys.active')})" if not active and i == 0 else kid
                     for i, kid in enumerate(found)]  # fmt: skip
            active = active or found[0]
            yield Check(ident, OK, title, tn("doctor.keys.held", len(found), ids=", ".join(names)))
        if active is None:
            yield Check("keys.active", OK, t("doctor.keys"), t("doctor.keys.none"))

    def credentials(self, *, deep: bool) -> Checks:
        """Credential rows: every one under a key some source holds; `deep`: every one opens
        with it (batched, values discarded)."""
        from mercato_int.errors import KeyProblem

        engine = self._usable_engine()
        from mercato_int.services.credentials import rows

        with engine.connect() as conn:
            counts = {k or "unknown": n for k, n in rows.count_by_key(session=conn).items() if n}
        title = t("doctor.credentials")
        total = sum(counts.values())
        keys = self._master_keys()
        try:
            known = {k.kid for k in keys.available()}
        except KeyProblem:
            known = set()
        missing = {kid: n for kid, n in counts.items() if kid not in known}
        if missing:
            listed = ", ".join(f"{kid} ({n})" for kid, n in sorted(missing.items()))
            yield Check(
                "credentials",
                FAIL,
                title,
                tn("doctor.credentials.no_key", sum(missing.values()), keys=listed),
                t("doctor.credentials.no_key_fix"),
            )
            return
        if not deep:
            yield Check("credentials", OK, title, tn("doctor.credentials.shallow", total))
            return
        damaged = damaged_rows(engine, keys)
        if damaged:
            listed = ", ".join(damaged[:5]) + (" …" if len(damaged) > 5 else "")
            yield Check(
                "credentials",
                FAIL,
                title,
                tn("doctor.credentials.damaged", len(damaged), rows=listed),
                t("doctor.credentials.damaged_fix"),
            )
            return
        yield Check("credentials", OK, title, tn("doctor.credentials.deep", total))

    # --- providers, clock --------------------------------------------------------------------

    def providers(self) -> Checks:
        from mercato_int.registry.discovery import check_health_checks, discover

        registry = discover(self._settings().providers_path)
        problems = [*registry.problems, *check_health_checks(registry)]
        title = t("doctor.providers")
        count = tn("count.integrations", len(registry.integrations))
        if problems:
            yield Check(
                "providers",
                FAIL,
                title,
                tn("doctor.providers.problems", len(problems), first=str(problems[0])),
                t("doctor.providers.fix"),
            )
            return
        yield Check("providers", OK, title, t("doctor.providers.ok", integrations=count))

    def clock(self) -> Checks:
        title = t("doctor.clock")
        engine = self._usable_engine(schema=False)
        if engine.dialect.name == "sqlite":
            yield Check("clock", OK, title, t("doctor.clock.sqlite"))
            return
        from sqlalchemy import text

        with engine.connect() as conn:
            before = self.now()
            theirs = conn.execute(text("SELECT now()")).scalar_one()
            after = self.now()
        ours = before + (after - before) / 2
        drift = (theirs - ours).total_seconds()
        detail = t("doctor.clock.drift", seconds=f"{drift:+.1f}")
        if abs(drift) < CLOCK_WARN_SECONDS:
            yield Check("clock", OK, title, detail)
        else:
            status = FAIL if abs(drift) >= CLOCK_FAIL_SECONDS else WARN
            yield Check("clock", status, title, detail, t("doctor.clock.fix"))
