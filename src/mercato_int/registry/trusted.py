"""Registry models written to the discovery cache and read back without validating them again.

The cache (registry/cache.py) holds only definitions that passed validation when it was
written, under a checksum of its text, and is read only while no provider file changed:
running every field and model validator again for each of 2,000 definitions cost more than
the rest of reading it. `load` rebuilds a model from `dump`'s dict the way pydantic's
`model_construct` does (defaults filled in, nested models and tuples rebuilt), and refuses a
dict of the wrong shape (a key unknown to the model, a required one missing, a list or a dict
where the other is due) with `ValueError`: the cache is then discovered again.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Callable
from typing import Any, TypeVar

from pydantic import BaseModel

M = TypeVar("M", bound=BaseModel)

Convert = Callable[[Any], Any]


def dump(model: BaseModel) -> dict[str, Any]:
    """The fields that differ from their defaults, by field name, as JSON values."""
    return model.model_dump(mode="json", exclude_defaults=True)


class _Spec:
    """What `load` needs of a model class, worked out once per class."""

    def __init__(self, cls: type[BaseModel]) -> None:
        if cls.__pydantic_post_init__ is not None or cls.__private_attributes__:
            raise TypeError(f"{cls.__name__} needs validation to be built")
        self.cls = cls
        self.names = frozenset(cls.model_fields)
        self.order = tuple(cls.model_fields)  # a dump lists the fields in this order
        self.defaults: dict[str, Any] = {}
        self.convert: list[tuple[str, Convert]] = []
        for name, info in cls.model_fields.items():
            if info.default_factory is not None:
                raise TypeError(f"{cls.__name__}.{name}: a default factory is not supported")
            if not info.is_required():
                self.defaults[name] = info.default
            convert = _converter(info.annotation)
            if convert is not None:
                self.convert.append((name, convert))


_specs: dict[type[BaseModel], _Spec] = {}


def load(cls: type[M], raw: Any) -> M:
    """`cls` from `dump(...)`'s dict, not validated; ValueError if its shape is wrong."""
    spec = _specs.get(cls)
    if spec is None:
        spec = _specs[cls] = _Spec(cls)
    if type(raw) is not dict or not raw.keys() <= spec.names:
        raise ValueError(f"not a {cls.__name__}")
    merged = spec.defaults | raw
    if len(merged) != len(spec.names):
        raise ValueError(f"{cls.__name__} without a required field")
    values = {name: merged[name] for name in spec.order}
    for name, convert in spec.convert:
        if name in raw and raw[name] is not None:
            values[name] = convert(raw[name])
    obj = cls.__new__(cls)
    object.__setattr__(obj, "__dict__", values)
    object.__setattr__(obj, "__pydantic_fields_set__", set(spec.names))
    object.__setattr__(obj, "__pydantic_extra__", None)
    object.__setattr__(obj, "__pydantic_private__", None)
    return obj


def _converter(annotation: Any) -> Convert | None:
    """How a JSON value becomes the field's value: None when it is one already (str, bool,
    a literal, None); a tuple from a list; a model from a dict."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(inner) != 1:
            raise TypeError(f"unsupported field type {annotation!r}")
        return _converter(inner[0])  # None is never converted
    if origin is tuple:
        args = typing.get_args(annotation)
        if len(args) != 2 or args[1] is not Ellipsis:
            raise TypeError(f"unsupported field type {annotation!r}")
        item = _converter(args[0])
        return _tuple if item is None else _tuple_of(item)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        model = annotation
        return lambda raw: load(model, raw)
    if origin is typing.Literal or annotation in (str, bool, int, float):
        return None
    raise TypeError(f"unsupported field type {annotation!r}")


def _tuple(raw: Any) -> tuple[Any, ...]:
    if type(raw) is not list:
        raise ValueError("not a list")
    return tuple(raw)


def _tuple_of(item: Convert) -> Convert:
    def convert(raw: Any) -> tuple[Any, ...]:
        return tuple(item(x) for x in _tuple(raw))

    return convert
