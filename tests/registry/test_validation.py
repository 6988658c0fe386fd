"""Validation of provider definitions: every problem names its file, id and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from mercato_int.registry.discovery import check_health_checks, discover

BUNDLED = {
    "gateway_stripe",
    "carrier_dhl",
    "sync_medusa_products",
    "sync_medusa_customers",
    "sync_medusa_orders",
    "sync_medusa_inventory",
    "sync_medusa_webhooks",
}


def _field(key: str, type_: str, **extra: object) -> dict[str, object]:
    return {"key": key, "label": key.title(), "type": type_, **extra}


def _integration(id_: str, fields: list[dict[str, object]] | None = None, **extra: object) -> str:
    body = {"id": id_, "title": id_.title(), "category": "other", **extra}
    if fields is not None:
        body["credentials"] = {"fields": fields}
    return f"integration = {body!r}\n"


def _problems(root: Path) -> list[tuple[str, str | None, str | None, str]]:
    registry = discover([root])
    problems = [*registry.problems, *check_health_checks(registry)]
    return [(Path(p.file).parent.name, p.id, p.field, p.message) for p in problems]


def test_the_bundled_providers_are_clean() -> None:
    registry = discover()
    assert registry.problems == []
    assert check_health_checks(registry) == []
    assert set(registry.integrations) == BUNDLED
    assert set(registry.bundles) == {"sync_medusa"}


def test_duplicate_integration_id_names_both_files(providers_dir) -> None:
    root = providers_dir({"copycat": _integration("gateway_stripe")})
    ((folder, id_, field, message),) = _problems(root)
    assert (folder, id_, field) == ("copycat", "gateway_stripe", "id")
    assert message.startswith("duplicate id, already declared in ")
    assert message.endswith("gateway_stripe/integration.py; rename one of them")


def test_a_bundle_may_not_reuse_an_integration_id(providers_dir) -> None:
    source = (
        "bundle = {'id': 'carrier_dhl', 'title': 'Clash'}\n"
        "integrations = [{'id': 'clash_member', 'title': 'M', 'category': 'other',"
        " 'bundleId': 'carrier_dhl'}]\n"
    )
    problems = _problems(providers_dir({"clash": source}))
    assert [(f, i, fld) for f, i, fld, _ in problems] == [
        ("clash", "carrier_dhl", "id"),
        ("clash", "clash_member", "bundleId"),
    ]
    assert problems[1][3] == (
        "bundle 'carrier_dhl' is declared but invalid; fix the problem reported for it"
    )


def test_bundle_id_nobody_declares(providers_dir) -> None:
    root = providers_dir({"orphan": _integration("orphan_one", bundleId="ghost")})
    assert _problems(root) == [
        (
            "orphan",
            "orphan_one",
            "bundleId",
            "bundle 'ghost' is not declared by any provider; declare it or remove bundleId",
        )
    ]


@pytest.mark.parametrize(
    "source",
    [
        "bundle = {'id': 'lonely', 'title': 'Lonely'}\nintegrations = []\n",
        "bundle = {'id': 'lonely', 'title': 'Lonely'}\n",
    ],
    ids=["empty-list", "no-integrations-export"],
)
def test_bundle_with_no_integrations(providers_dir, source: str) -> None:
    ((folder, id_, field, message),) = _problems(providers_dir({"lonely": source}))
    assert (folder, id_, field) == ("lonely", "lonely", "integrations")
    assert message == "bundle has no integrations; export a non-empty `integrations` list"


def test_bundle_whose_integrations_all_point_elsewhere(providers_dir) -> None:
    source = (
        "bundle = {'id': 'hollow', 'title': 'Hollow'}\n"
        "integrations = [{'id': 'elsewhere', 'title': 'E', 'category': 'other',"
        " 'bundleId': 'sync_medusa'}]\n"
    )
    assert _problems(providers_dir({"hollow": source})) == [
        (
            "hollow",
            "hollow",
            "integrations",
            "bundle has no integrations; add integrations with this bundleId",
        )
    ]


def test_select_without_options(providers_dir) -> None:
    root = providers_dir({"sel": _integration("sel_none", [_field("mode", "select")])})
    assert _problems(root) == [
        (
            "sel",
            "sel_none",
            "integration.credentials.fields[0](mode)",
            "select field 'mode' needs at least one option in `options`",
        )
    ]


def test_options_on_a_non_select(providers_dir) -> None:
    field = _field("host", "url", options=[{"value": "a", "label": "A"}])
    root = providers_dir({"opts": _integration("opts_url", [_field("ok", "text"), field])})
    assert _problems(root) == [
        (
            "opts",
            "opts_url",
            "integration.credentials.fields[1](host)",
            "field 'host' of type 'url' has `options`; only select fields may",
        )
    ]


def test_duplicate_credential_keys(providers_dir) -> None:
    fields = [_field("token", "text"), _field("token", "secret")]
    root = providers_dir({"twice": _integration("twice_key", fields)})
    assert _problems(root) == [
        (
            "twice",
            "twice_key",
            "integration.credentials",
            "duplicate credential key(s) token; each field needs its own key",
        )
    ]


def test_unknown_field_type_names_the_field_path(providers_dir) -> None:
    fields = [_field("user", "text"), _field("pin", "password")]
    root = providers_dir({"typo": _integration("typo_type", fields)})
    assert _problems(root) == [
        (
            "typo",
            "typo_type",
            "integration.credentials.fields[1](pin).type",
            "unknown field type 'password'; use one of text, secret, select, boolean, url",
        )
    ]


def test_unknown_key_and_missing_title(providers_dir) -> None:
    source = "integration = {'id': 'sloppy', 'category': 'other', 'docsLink': 'x'}\n"
    problems = _problems(providers_dir({"sloppy": source}))
    assert sorted(p[2:] for p in problems) == [
        (
            "integration.docsLink",
            "unknown key; remove it or check its spelling (keys are camelCase)",
        ),
        ("integration.title", "required; add it"),
    ]


@pytest.mark.parametrize(
    ("service", "expected"),
    [
        (
            "nowhere",
            "health check 'nowhere' does not resolve: add it to `health_checks` in "
            "integration.py or name it as 'module:function'",
        ),
        (
            "no_such_module_xyz:check",
            "health check 'no_such_module_xyz:check' does not resolve: "
            "ModuleNotFoundError: No module named 'no_such_module_xyz'",
        ),
        (
            "json:no_such_function",
            "health check 'json:no_such_function' does not resolve: "
            "AttributeError: module 'json' has no attribute 'no_such_function'",
        ),
        ("json:__doc__", "health check 'json:__doc__' is not callable"),
    ],
)
def test_health_check_service_that_does_not_resolve(
    providers_dir, service: str, expected: str
) -> None:
    root = providers_dir({"hc": _integration("hc_bad", healthCheck={"service": service})})
    assert _problems(root) == [("hc", "hc_bad", "healthCheck.service", expected)]
    # list-time discovery does not import health check targets
    assert discover([root]).problems == []


def test_health_check_names_what_the_provider_exports(providers_dir) -> None:
    source = _integration("hc_known", healthCheck={"service": "ping"}) + (
        "def real(credentials, ctx):\n    return {'status': 'healthy'}\n"
        "health_checks = {'pong': real, 'ping2': real}\n"
    )
    ((*_, message),) = _problems(providers_dir({"hc": source}))
    assert message.endswith("(known: ping2, pong)")


def test_health_check_as_module_function_resolves(providers_dir) -> None:
    root = providers_dir({"hc": _integration("hc_json", healthCheck={"service": "json:dumps"})})
    registry = discover([root])
    assert check_health_checks(registry) == []
    import json

    assert registry.resolve_health_check("hc_json") is json.dumps


def test_bundle_members_inherit_the_bundle_health_check() -> None:
    registry = discover()
    owner, config = registry.health_check_config("sync_medusa_orders")
    assert (owner, config.service) == ("sync_medusa", "medusaHealthCheck")
    assert callable(registry.resolve_health_check("sync_medusa_orders"))


def test_a_definition_that_is_neither_model_nor_dict(providers_dir) -> None:
    root = providers_dir({"odd": "integration = ['not', 'a', 'dict']\n"})
    assert _problems(root) == [
        ("odd", None, "integration", "must be an IntegrationDefinition or a dict, not list")
    ]


def test_a_module_that_exports_nothing(providers_dir) -> None:
    root = providers_dir({"empty": "x = 1\n"})
    assert _problems(root) == [
        (
            "empty",
            None,
            None,
            "exports neither `integration` nor `bundle` + `integrations`; export one of them",
        )
    ]


def test_invalid_id_and_category(providers_dir) -> None:
    source = "integration = {'id': 'Bad-Id', 'title': 'B', 'category': 'Data Sync'}\n"
    problems = _problems(providers_dir({"bad": source}))
    assert [(p[2], p[3]) for p in problems] == [
        (
            "integration.id",
            "id 'Bad-Id' must be 2-64 characters of lowercase letters, digits and _, "
            "starting with a letter",
        ),
        ("integration.category", "category 'Data Sync' must be snake_case, e.g. 'data_sync'"),
    ]
