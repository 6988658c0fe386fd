"""Scaffolding: the files of a new provider (an integration or a bundle), ready to validate.

A plan is checked here (ids, categories, field specs, health URL placeholders) and rendered to
three files: `integration.py` with the definition, `health.py` with a check that calls the health
URL with the credentials, and a pytest test that runs the check against a local HTTP server.
Nothing here prompts or prints: the CLI collects the answers and reports the result.
"""

from __future__ import annotations

import os
import re
import string
from dataclasses import dataclass, field
from pathlib import Path

from mercato_int.errors import InvalidInput, OperationFailed
from mercato_int.registry.models import FIELD_TYPES

_ID_RE = re.compile(r"^[a-z][a-z0-9_]{1,63}$")
_SNAKE_RE = re.compile(r"^[a-z][a-z0-9_]*$")
_KEY_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,127}$")

HEALTH_FILE = "health.py"
PROVIDER_FILE = "integration.py"
DEFAULT_FIELDS = ("apiKey:secret:required",)


@dataclass(frozen=True)
class FieldSpec:
    key: str
    type: str
    required: bool = False
    options: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """`apiKey` -> `API Key`, `merchant_id` -> `Merchant ID`."""
        words = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", self.key).replace("_", " ").split()
        acronyms = {"api", "id", "url", "uri", "ftp", "sftp", "http", "ssl", "sku"}
        return " ".join(
            w.upper() if w.lower() in acronyms else w[:1].upper() + w[1:] for w in words
        )

    def as_definition(self) -> dict[str, object]:
        data: dict[str, object] = {"key": self.key, "label": self.label, "type": self.type}
        if self.required:
            data["required"] = True
        if self.options:
            data["options"] = [
                {"value": o, "label": o.replace("_", " ").title()} for o in self.options
            ]
        return data


@dataclass(frozen=True)
class MemberSpec:
    """One integration of a bundle: `ID:TITLE:CATEGORY`."""

    id: str
    title: str
    category: str


@dataclass(frozen=True)
class ScaffoldPlan:
    """What to write: a standalone integration (`members` empty) or a bundle with members."""

    name: str
    title: str
    hub: str
    category: str | None = None
    fields: tuple[FieldSpec, ...] = ()
    health_url: str = ""
    members: tuple[MemberSpec, ...] = ()
    description: str = ""

    @property
    def is_bundle(self) -> bool:
        return bool(self.members)

    @property
    def service_name(self) -> str:
        head, *rest = self.name.split("_")
        return head + "".join(p.title() for p in rest) + "HealthCheck"

    @property
    def url_env(self) -> str:
        return f"MERCATO_INT_{self.name.upper()}_HEALTH_URL"

    @property
    def token_field(self) -> FieldSpec | None:
        return next((f for f in self.fields if f.type == "secret"), None)

    @property
    def placeholders(self) -> list[str]:
        return [name for _, name, _, _ in string.Formatter().parse(self.health_url) if name]


@dataclass
class ScaffoldResult:
    folder: Path
    files: list[Path] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)


# --- parsing and checks ----------------------------------------------------------------------
def check_id(value: str, what: str = "name") -> str:
    if not _ID_RE.fullmatch(value):
        raise InvalidInput(
            f"invalid {what} {value!r}: use 2-64 lowercase letters, digits and _, "
            "starting with a letter (e.g. crm_acme)"
        )
    return value


def check_snake(value: str, what: str) -> str:
    if not _SNAKE_RE.fullmatch(value):
        raise InvalidInput(f"invalid {what} {value!r}: use snake_case, e.g. data_sync")
    return value


def check_title(value: str) -> str:
    """A title for the marketplace, stripped; InvalidInput when empty."""
    if not value.strip():
        raise InvalidInput("the title is empty: give --title")
    return value.strip()


def check_new_field(spec: str, earlier: list[FieldSpec]) -> FieldSpec:
    """`spec` parsed, refused when its key repeats one of `earlier`'s."""
    parsed = parse_field(spec)
    if parsed.key in {f.key for f in earlier}:
        raise InvalidInput(f"duplicate field key(s) {parsed.key}")
    return parsed


def parse_field(spec: str) -> FieldSpec:
    """`key:type[:required]`; a select lists its options: `mode:select=test,live[:required]`."""
    parts = spec.split(":")
    if len(parts) not in (2, 3):
        raise InvalidInput(f"invalid field {spec!r}: write KEY:TYPE or KEY:TYPE:required")
    key, type_, *rest = parts
    if not _KEY_RE.fullmatch(key):
        raise InvalidInput(
            f"invalid field key {key!r} in {spec!r}: start with a letter, then letters, digits or _"
        )
    type_, _, raw_options = type_.partition("=")
    if type_ not in FIELD_TYPES:
        raise InvalidInput(
            f"unknown field type {type_!r} in {spec!r}: use one of {', '.join(FIELD_TYPES)}"
        )
    options = tuple(o.strip() for o in raw_options.split(",") if o.strip()) if raw_options else ()
    if type_ == "select" and not options:
        raise InvalidInput(f"select field {key!r} needs options: write {key}:select=a,b")
    if type_ != "select" and raw_options:
        raise InvalidInput(f"field {key!r} of type {type_!r} cannot have options")
    if len(set(options)) != len(options):
        raise InvalidInput(f"select field {key!r} repeats an option")
    required = False
    if rest:
        if rest[0] not in ("required", "optional"):
            raise InvalidInput(
                f"invalid field {spec!r}: the third part must be 'required' or 'optional'"
            )
        required = rest[0] == "required"
    return FieldSpec(key=key, type=type_, required=required, options=options)


def parse_member(spec: str) -> MemberSpec:
    """`ID:TITLE:CATEGORY` (the title may not contain ':')."""
    parts = spec.split(":")
    if len(parts) != 3 or not parts[1].strip():
        raise InvalidInput(f"invalid --integration {spec!r}: write ID:TITLE:CATEGORY")
    member_id, title, category = (p.strip() for p in parts)
    return MemberSpec(
        id=check_id(member_id, "integration id"),
        title=title,
        category=check_snake(category, "category"),
    )


def build_plan(
    *,
    name: str,
    title: str,
    hub: str,
    category: str | None,
    field_specs: list[str],
    health_url: str | None,
    member_specs: list[str],
    bundle: bool,
) -> ScaffoldPlan:
    """Check every answer and return the plan; InvalidInput (exit 2) names the first bad one."""
    check_id(name)
    check_title(title)
    check_snake(hub, "hub")
    members = tuple(parse_member(m) for m in member_specs)
    if bundle:
        if not members:
            raise InvalidInput("a bundle needs at least one --integration ID:TITLE:CATEGORY")
        ids = [name, *(m.id for m in members)]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise InvalidInput(f"duplicate id(s) {', '.join(dupes)}: every id must be unique")
    elif members:
        raise InvalidInput("--integration is for bundles: add --bundle")
    else:
        if not category:
            raise InvalidInput("give --category for an integration (e.g. payment)")
        check_snake(category, "category")
    fields = tuple(parse_field(f) for f in (field_specs or DEFAULT_FIELDS))
    keys = [f.key for f in fields]
    dupes = sorted({k for k in keys if keys.count(k) > 1})
    if dupes:
        raise InvalidInput(f"duplicate field key(s) {', '.join(dupes)}")
    url = (health_url or "").strip()
    if not url:
        url_field = next((f for f in fields if f.type == "url"), None)
        if url_field is None:
            raise InvalidInput(
                "the health check needs a URL: give --health-url URL, or a field of type url "
                "whose value it calls"
            )
        url = "{" + url_field.key + "}"
    plan = ScaffoldPlan(
        name=name,
        title=title.strip(),
        hub=hub,
        category=None if bundle else category,
        fields=fields,
        health_url=url,
        members=members,
    )
    _check_health_url(plan)
    return plan


def _check_health_url(plan: ScaffoldPlan) -> None:
    check_health_url(plan.health_url, plan.fields)


def check_health_url(url: str, fields: tuple[FieldSpec, ...] | list[FieldSpec]) -> str:
    """An http(s) URL, or one built from non-secret fields (`{apiUrl}/health`)."""
    try:
        names = [name for _, name, _, _ in string.Formatter().parse(url) if name]
    except ValueError as exc:
        raise InvalidInput(f"invalid --health-url {url!r}: {exc}") from None
    by_key = {f.key: f for f in fields}
    for name in names:
        f = by_key.get(name)
        if f is None:
            raise InvalidInput(
                f"--health-url names {{{name}}}, which is not a field; known: {', '.join(by_key)}"
            )
        if f.type == "secret":
            raise InvalidInput(f"--health-url may not contain the secret field {{{name}}}")
    if not names and not re.match(r"^https?://", url):
        raise InvalidInput(
            f"invalid --health-url {url!r}: start with http:// or https://, "
            "or with a url field such as {apiUrl}"
        )
    return url


# --- writing ---------------------------------------------------------------------------------
def write_provider(plan: ScaffoldPlan, parent: Path) -> ScaffoldResult:
    """Write the provider folder `parent/NAME`; refuses to touch an existing folder.

    The files are written into a hidden temporary folder beside the target, which is renamed
    into place once every file is there: a failure half-way (disk full, interrupted) leaves no
    partial `NAME/` that would block the rerun, and the temporary folder is removed."""
    import shutil
    import tempfile

    from mercato_int.errors import msg
    from mercato_int.scaffolding import render as t

    folder = parent / plan.name
    if folder.exists():
        raise InvalidInput(
            f"{folder} already exists; scaffold refuses to overwrite: pick another name or --dir"
        )
    files = {
        PROVIDER_FILE: t.render_integration(plan),
        HEALTH_FILE: t.render_health(plan),
        f"test_{plan.name}_health.py": t.render_test(plan),
    }
    try:
        parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{plan.name}.", suffix=".partial", dir=parent))
    except OSError as exc:
        raise InvalidInput(f"cannot create {folder}: {exc.strerror}") from None
    try:
        for name, text in files.items():
            (staging / name).write_text(text, encoding="utf-8")
        staging.chmod(0o777 & ~_umask())  # mkdtemp makes it 0700; a folder is made 0777-umask
        # rename(2) refuses a non-empty target: a folder made meanwhile is never overwritten
        os.rename(staging, folder)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        if folder.exists():
            raise InvalidInput(
                f"{folder} already exists; scaffold refuses to overwrite: "
                "pick another name or --dir"
            ) from None
        raise OperationFailed(
            msg("scaffold.write_failed", folder=folder, reason=exc.strerror or exc)
        ) from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    result = ScaffoldResult(folder=folder, ids=[plan.name, *(m.id for m in plan.members)])
    result.files = [folder / name for name in files]
    return result


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
