"""A big registry for the scale benchmarks (issue 14): `integrations` definitions in `bundles`
bundles, one provider folder per bundle, each an ordinary `integration.py` as an operator's
own providers would be (point MERCATO_INT_PROVIDERS_PATH at the returned folder)."""

from __future__ import annotations

from pathlib import Path

CATEGORIES = ("payment", "shipping", "data_sync", "notification", "storage")


def make_registry(root: Path, integrations: int = 2000, bundles: int = 400) -> Path:
    """Write the providers under `root/providers_<integrations>` and return that folder."""
    base = root / f"providers_{integrations}"
    base.mkdir(parents=True, exist_ok=True)
    per = max(1, integrations // max(1, bundles))
    made = 0
    b = 0
    while made < integrations:
        count = min(per, integrations - made)
        bundle_id = f"bundle_{b:04d}"
        items = []
        for i in range(count):
            n = made + i
            cat = CATEGORIES[n % len(CATEGORIES)]
            items.append(
                "{"
                f'"id": "int_{n:05d}", "title": "Integration {n:05d}", '
                f'"description": "Synchronises {cat} data for bundle {b} (item {i}).", '
                f'"category": "{cat}", "hub": "{cat}_hub", "providerKey": "prov_{n:05d}", '
                f'"bundleId": "{bundle_id}", "version": "1.0.{n % 10}", '
                f'"tags": ["{cat}", "bench", "b{b % 7}"], '
                '"credentials": {"fields": ['
                '{"key": "region", "label": "Region", "type": "text"}]}'
                "}"
            )
        folder = base / bundle_id
        folder.mkdir(exist_ok=True)
        (folder / "integration.py").write_text(
            f"bundle = {{'id': '{bundle_id}', 'title': 'Bundle {b:04d}', "
            f"'description': 'Bench bundle {b}', "
            "'credentials': {'fields': [{'key': 'apiKey', 'label': 'API key', "
            "'type': 'secret', 'required': True}]}}\n"
            "integrations = [\n    " + ",\n    ".join(items) + "\n]\n",
            encoding="utf-8",
        )
        made += count
        b += 1
    return base


if __name__ == "__main__":  # python benchmarks/_big_registry.py DIR [N] [BUNDLES]
    import sys

    n = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
    nb = int(sys.argv[3]) if len(sys.argv) > 3 else 400
    print(make_registry(Path(sys.argv[1]), n, nb))
