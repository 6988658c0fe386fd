"""The shape layer as a whole: every document model has camelCase keys and is listed in the
package's docstring, and no module outside `shapes/` writes a timestamp by hand."""

from __future__ import annotations

import importlib
import pkgutil
import re
from pathlib import Path

import mercato_int
import mercato_int.shapes
from mercato_int.shapes.base import Shape, camel

SRC = Path(mercato_int.__file__).parent


def shape_classes() -> list[type[Shape]]:
    found = []
    for info in pkgutil.iter_modules(mercato_int.shapes.__path__):
        module = importlib.import_module(f"mercato_int.shapes.{info.name}")
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, Shape)
                and value.__module__ == module.__name__
            ):
                found.append(value)
    return found


def test_every_key_is_camel_case() -> None:
    classes = shape_classes()
    assert len(classes) > 30
    for cls in classes:
        for name, field in cls.model_fields.items():
            if field.exclude:
                continue
            assert field.serialization_alias == camel(name), (cls.__name__, name)
            assert re.fullmatch(r"[a-z][A-Za-z0-9]*", field.serialization_alias)


def test_the_package_docstring_names_every_public_shape() -> None:
    listed = mercato_int.shapes.__doc__ or ""
    missing = [
        cls.__name__
        for cls in shape_classes()
        if not cls.__name__.startswith("_") and cls.__name__ not in listed
    ]
    # parts that are not documents of their own
    assert set(missing) <= {"DefinedShape", "StoreRowsShape", "KeyRowsShape"}, missing


def test_no_module_outside_shapes_formats_timestamps() -> None:
    by_hand = re.compile(r"isoformat\([^)]*\)\s*\.replace\(")
    offenders = [
        str(path.relative_to(SRC))
        for path in SRC.rglob("*.py")
        if "shapes" not in path.relative_to(SRC).parts and by_hand.search(path.read_text())
    ]
    assert offenders == []


def test_shapes_import_no_front_end() -> None:
    for path in (SRC / "shapes").glob("*.py"):
        text = path.read_text()
        assert "mercato_int.cli" not in text and "mercato_int.tui" not in text, path.name
