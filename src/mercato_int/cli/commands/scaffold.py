"""`scaffold`: write a new provider folder (an integration or a bundle) for CI and humans.

On a terminal, missing answers are prompted for, each checked as it is given (a bad one is asked
again); without one (CI, pipes) nothing is asked and a missing answer is a usage error naming
the flag.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from mercato_int.cli.commands import command_app
from mercato_int.cli.context import services
from mercato_int.cli.output import note, out, print_json
from mercato_int.errors import InvalidInput
from mercato_int.i18n import t

if TYPE_CHECKING:
    from mercato_int.registry import Registry


def can_prompt() -> bool:
    """Prompts only for a person at a terminal: never without a TTY on stdin, never in CI."""
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        return False
    return sys.stdin.isatty()


def _ask(
    value: str | None,
    flag: str,
    question: str,
    check: Callable[[str], str],
    default: str | None = None,
) -> str:
    """The flag's value, else an answer at the terminal, checked by `check` (InvalidInput on a
    bad one). A bad flag exits 2; a bad answer is explained and asked again."""
    if value:
        return check(value)
    if not can_prompt():
        raise InvalidInput(t("scaffold.missing", flag=flag))
    while True:
        answer = str(typer.prompt(question, default=default, err=True))
        try:
            return check(answer)
        except InvalidInput as exc:
            note(t("scaffold.try_again", problem=exc.message))


def _ask_many(
    values: list[str],
    question: str,
    default: str | None,
    check: Callable[[str, list[str]], object],
) -> list[str]:
    """Answers until an empty one; `check(answer, earlier answers)` refuses a bad one, which is
    explained and asked again. Flags are returned as given (the plan checks them)."""
    if values or not can_prompt():
        return values
    answers: list[str] = []
    while True:
        answer = typer.prompt(
            t("scaffold.prompt.finish", question=question),
            default=default if not answers and default else "",
            show_default=bool(default and not answers),
            err=True,
        ).strip()
        if not answer:
            return answers
        try:
            check(answer, answers)
        except InvalidInput as exc:
            note(t("scaffold.try_again", problem=exc.message))
            continue
        answers.append(answer)


def _new_id(registry: Registry, some_id: str, what: str = "name") -> str:
    """A valid id that no provider on the path has taken yet."""
    from mercato_int.scaffolding import check_id

    check_id(some_id, what)
    if some_id in registry.sources:
        raise InvalidInput(
            f"id {some_id!r} already exists in {registry.sources[some_id].file}; pick another"
        )
    return some_id


app = command_app()


@app.command()
def scaffold(
    ctx: typer.Context,
    name: Annotated[
        str | None,
        typer.Argument(
            metavar="NAME", help="Id of the new integration (or bundle), e.g. crm_acme."
        ),
    ] = None,
    title: Annotated[str | None, typer.Option(help="Title shown in the marketplace.")] = None,
    category: Annotated[
        str | None, typer.Option(help="Category, snake_case (payment, data_sync, ...).")
    ] = None,
    hub: Annotated[
        str | None, typer.Option(help="Hub, snake_case (payment_gateways, ...).")
    ] = None,
    fields: Annotated[
        list[str] | None,
        typer.Option(
            "--field",
            metavar="KEY:TYPE[:required]",
            help="A credentials field; repeat. TYPE: text, secret, url, boolean, "
            "select=a,b. Default: apiKey:secret:required.",
        ),
    ] = None,
    health_url: Annotated[
        str | None,
        typer.Option(
            help="URL the health check GETs; {key} is replaced by that credential. "
            "Default: the value of the first url field."
        ),
    ] = None,
    directory: Annotated[
        Path, typer.Option("--dir", help="Folder to create the provider in.")
    ] = Path("."),
    bundle: Annotated[
        bool, typer.Option("--bundle", help="Write a bundle with shared credentials.")
    ] = False,
    members: Annotated[
        list[str] | None,
        typer.Option(
            "--integration",
            metavar="ID:TITLE:CATEGORY",
            help="An integration of the bundle; repeat.",
        ),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="JSON: {folder, files, ids, test}.")
    ] = False,
) -> None:
    """Write a new provider: integration.py, a health check and a pytest test for it.

    Refuses to overwrite an existing folder. Exit 2 on a bad name, field or URL.
    """
    from mercato_int.scaffolding import (
        DEFAULT_FIELDS,
        build_plan,
        check_health_url,
        check_new_field,
        check_snake,
        check_title,
        parse_field,
        parse_member,
        write_provider,
    )

    # On a terminal each answer is checked as it is given, and a bad one is asked again.
    registry = services(ctx).registry
    name = _ask(name, "NAME", t("scaffold.prompt.id"), lambda v: _new_id(registry, v))
    title = _ask(
        title,
        "--title",
        t("scaffold.prompt.title"),
        check_title,
        default=name.replace("_", " ").title(),
    )
    if not bundle:
        category = _ask(
            category,
            "--category",
            t("scaffold.prompt.category"),
            lambda v: check_snake(v, "category"),
        )
    hub = _ask(hub, "--hub", t("scaffold.prompt.hub"), lambda v: check_snake(v, "hub"), category)

    def field_ok(answer: str, earlier: list[str]) -> object:
        return check_new_field(answer, [parse_field(e) for e in earlier])

    field_specs = _ask_many(
        list(fields or ()), t("scaffold.prompt.field"), DEFAULT_FIELDS[0], field_ok
    )

    def member_ok(answer: str, earlier: list[str]) -> object:
        member = parse_member(answer)
        taken = [name, *(parse_member(e).id for e in earlier)]
        if member.id in taken:
            raise InvalidInput(f"duplicate id(s) {member.id}: every id must be unique")
        return _new_id(registry, member.id, "integration id")

    member_specs = list(members or ())
    if bundle and not member_specs:
        member_specs = _ask_many([], t("scaffold.prompt.member"), None, member_ok)
    if health_url is None and can_prompt() and not any(":url" in f for f in field_specs):
        parsed = [parse_field(f) for f in field_specs or DEFAULT_FIELDS]
        health_url = _ask(
            None,
            "--health-url",
            t("scaffold.prompt.health_url"),
            lambda v: check_health_url(v, parsed),
        )
    plan = build_plan(
        name=name,
        title=title,
        hub=hub,
        category=category,
        field_specs=field_specs,
        health_url=health_url,
        member_specs=member_specs,
        bundle=bundle,
    )
    for some_id in (m.id for m in plan.members):
        _new_id(registry, some_id, "integration id")
    result = write_provider(plan, directory)
    test_file = next(f for f in result.files if f.name.startswith("test_"))
    if as_json:
        from mercato_int.shapes.tools import ScaffoldShape

        shape = ScaffoldShape(
            folder=str(result.folder),
            files=[str(f) for f in result.files],
            ids=result.ids,
            test=str(test_file),
        )
        print_json(shape.document())
        return
    kind = "bundle" if plan.is_bundle else "integration"
    out().print(t(f"scaffold.created.{kind}", name=plan.name, folder=result.folder), markup=False)
    for f in result.files:
        out().print(f"  {f.name}", markup=False)
    note(t("scaffold.next", parent=result.folder.parent, test=test_file))
