"""Discovery: provider folders on the providers path and `mercato_int.providers` entry points."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from mercato_int.errors import NotFound
from mercato_int.registry import IntegrationDefinition
from mercato_int.registry.discovery import discover

MODEL_FORM = """
from mercato_int.registry import CredentialField, IntegrationDefinition

integration = IntegrationDefinition(
    id="model_form",
    title="Model Form",
    category="crm",
    tags=("people",),
    credentials={"fields": [CredentialField(key="token", label="Token", type="secret")]},
)
"""

DICT_FORM = """
from .helpers import TITLE

integration = {
    "id": "dict_form",
    "title": TITLE,
    "category": "crm",
    "credentials": {"fields": [{"key": "token", "label": "Token", "type": "secret"}]},
}
"""


def test_model_form_and_dict_form_are_the_same_thing(providers_dir) -> None:
    root = providers_dir({"model": MODEL_FORM, "dicty": DICT_FORM})
    (root / "dicty" / "helpers.py").write_text("TITLE = 'Dict Form'\n")
    registry = discover([root])
    assert registry.problems == []
    model, dicty = registry.integrations["model_form"], registry.integrations["dict_form"]
    assert isinstance(dicty, IntegrationDefinition)
    assert dicty.title == "Dict Form"  # relative imports work inside a provider folder
    assert model.fields == dicty.fields
    assert registry.sources["dict_form"].file == str((root / "dicty" / "integration.py").resolve())


def test_a_providers_path_entry_can_be_one_provider_folder(tmp_path: Path) -> None:
    folder = tmp_path / "single"
    folder.mkdir()
    (folder / "integration.py").write_text(MODEL_FORM)
    registry = discover([folder, folder])  # twice on the path: loaded once
    assert registry.problems == []
    assert "model_form" in registry.integrations


def test_a_hidden_folder_is_no_provider(providers_dir) -> None:
    """What a killed `scaffold` leaves (`.NAME.xxxx.partial`, a copy of a provider, maybe
    half-written) is neither loaded nor reported: the rerun's provider is the only one."""
    root = providers_dir({"model": MODEL_FORM})
    leftover = root / ".model.k1.partial"
    leftover.mkdir()
    (leftover / "integration.py").write_text(MODEL_FORM)
    half = root / ".other.k2.partial"
    half.mkdir()
    (half / "integration.py").write_text("integration = {")
    registry = discover([root])
    assert registry.problems == []
    assert registry.sources["model_form"].file == str((root / "model" / "integration.py").resolve())


def test_a_missing_providers_path_is_a_problem(tmp_path: Path) -> None:
    registry = discover([tmp_path / "nope"])
    (problem,) = registry.problems
    assert problem.file == str(tmp_path / "nope")
    assert problem.message == "providers path does not exist; fix MERCATO_INT_PROVIDERS_PATH"
    assert len(registry.integrations) == 7


def test_syntax_and_import_errors_name_the_file_and_line(providers_dir) -> None:
    root = providers_dir(
        {
            "syntax": "integration = {\n    'id': 'x',,\n}\n",
            "imports": "import json\nimport no_such_dependency_abc\nintegration = {}\n",
            "good": MODEL_FORM,
        }
    )
    registry = discover([root])
    by_folder = {Path(p.file).parent.name: p for p in registry.problems}
    assert set(by_folder) == {"syntax", "imports"}
    assert (by_folder["syntax"].line, by_folder["syntax"].message) == (
        2,
        "syntax error: invalid syntax; fix the file",
    )
    assert (by_folder["imports"].line, by_folder["imports"].message) == (
        2,
        "cannot import: ModuleNotFoundError: No module named 'no_such_dependency_abc'",
    )
    assert str(by_folder["imports"]).startswith(f"{root.resolve()}/imports/integration.py:2: ")
    # one broken provider hides nothing else
    assert "model_form" in registry.integrations
    assert len(registry.integrations) == 8


def _dist(site: Path, name: str, entry_points: str, files: dict[str, str]) -> None:
    """A real installed distribution: a dist-info with METADATA and entry_points.txt."""
    info = site / f"{name}-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(textwrap.dedent(entry_points))
    for rel, source in files.items():
        path = site / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(source))


def test_installed_distributions_contribute_providers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = tmp_path / "site"
    _dist(
        site,
        "acme_providers",
        """
        [mercato_int.providers]
        acme = acme_crm.provider
        acme_dirs = acme_more:folders
        """,
        {
            "acme_crm/__init__.py": "",
            "acme_crm/provider.py": """
                integration = {"id": "acme_crm", "title": "Acme CRM", "category": "crm",
                               "healthCheck": {"service": "acme"}}
                health_checks = {"acme": lambda credentials, ctx: {"status": "healthy"}}
            """,
            "acme_more/__init__.py": """
                from pathlib import Path
                def folders():
                    return [Path(__file__).parent / "providers"]
            """,
            "acme_more/providers/acme_erp/integration.py": """
                integration = {"id": "acme_erp", "title": "Acme ERP", "category": "erp"}
            """,
        },
    )
    _dist(
        site,
        "broken_providers",
        "[mercato_int.providers]\nbroken = not_installed_module_q:folders\n",
        {},
    )
    monkeypatch.syspath_prepend(str(site))
    registry = discover()
    assert {"acme_crm", "acme_erp", "gateway_stripe"} <= set(registry.integrations)
    assert registry.sources["acme_crm"].file == str(site / "acme_crm" / "provider.py")
    assert callable(registry.resolve_health_check("acme_crm"))
    (problem,) = registry.problems
    assert problem.file == "entry point broken = not_installed_module_q:folders"
    assert problem.message == (
        "cannot load: ModuleNotFoundError: No module named 'not_installed_module_q'"
    )


def test_an_entry_point_of_the_wrong_kind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = tmp_path / "site"
    _dist(
        site,
        "odd_providers",
        "[mercato_int.providers]\nodd = odd_mod:NUMBER\nbare = odd_mod\n",
        {"odd_mod.py": "NUMBER = 42\n"},
    )
    monkeypatch.syspath_prepend(str(site))
    problems = {p.file: p.message for p in discover().problems}
    assert problems == {
        "entry point odd = odd_mod:NUMBER": (
            "must be a provider module, a folder, or a callable returning folders"
        ),
        "entry point bare = odd_mod": "module exports neither `integration` nor `bundle`",
    }


# --- the registry's lookups ----------------------------------------------------------------
def test_lookup_membership_and_expansion() -> None:
    registry = discover()
    assert [m.id for m in registry.members("sync_medusa")] == [
        "sync_medusa_products",
        "sync_medusa_customers",
        "sync_medusa_orders",
        "sync_medusa_inventory",
        "sync_medusa_webhooks",
    ]
    assert registry.bundle_of("sync_medusa_orders").id == "sync_medusa"
    assert registry.bundle_of("gateway_stripe") is None
    assert registry.expand(["sync_medusa", "gateway_stripe", "sync_medusa_orders"]) == [
        "sync_medusa_products",
        "sync_medusa_customers",
        "sync_medusa_orders",
        "sync_medusa_inventory",
        "sync_medusa_webhooks",
        "gateway_stripe",
    ]
    assert registry.secret_keys("sync_medusa_orders") == {"medusaApiKey", "medusaWebhookSecret"}
    assert registry.secret_keys("gateway_stripe") == {"secretKey", "webhookSecret"}
    assert registry.categories() == ["data_sync", "payment", "shipping", "webhook"]


def test_not_found_suggests_the_closest_ids() -> None:
    registry = discover()
    with pytest.raises(NotFound) as caught:
        registry.get_bundle("sync_medusa_order")
    assert str(caught.value) == "no bundle with id 'sync_medusa_order' (did you mean sync_medusa?)"
    with pytest.raises(NotFound) as caught:
        registry.get("zzz")
    assert str(caught.value) == (
        "no integration or bundle with id 'zzz' (run `mercato-int list` to see the ids that exist)"
    )


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"query": "STRIPE"}, ["gateway_stripe"]),  # id/title, case-insensitive
        ({"query": "labels"}, ["carrier_dhl"]),  # tag
        ({"query": "apple pay"}, ["gateway_stripe"]),  # description
        (
            {"query": "medusajs"},
            [
                f"sync_medusa_{x}"
                for x in ("products", "customers", "orders", "inventory", "webhooks")
            ],
        ),  # bundle title
        ({"category": "webhook"}, ["sync_medusa_webhooks"]),
        ({"category": "data_sync", "query": "order"}, ["sync_medusa_orders"]),
        ({"bundle_id": "sync_medusa", "category": "payment"}, []),
    ],
)
def test_search(kwargs: dict[str, str], expected: list[str]) -> None:
    assert [d.id for d in discover().search(**kwargs)] == expected


@pytest.mark.parametrize(
    ("wanted", "suggested"),
    [
        ("dhl", "carrier_dhl"),
        ("stripe", "gateway_stripe"),
        ("medusa", "sync_medusa"),
        ("gateway_strip", "gateway_stripe"),
    ],
)
def test_a_part_of_an_id_is_close_enough(wanted: str, suggested: str) -> None:
    registry = discover()
    with pytest.raises(NotFound) as caught:
        registry.get(wanted)
    assert suggested in caught.value.hint
