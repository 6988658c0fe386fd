"""Registry models written to the discovery cache and read back without validating them again.

The cache (registry/cache.py) holds only definitions that passed validation when it was
written, under a checksum of its bytes, and is read only while no provider file changed:
running every field and model validator again for each of 2,000 definitions cost more than
the rest of reading it. `dump` writes a model as a tuple of its field values in the model's
field order (nested models as such tuples too, tuples kept: what `marshal` stores and reads
back as it was), and `load` rebuilds the model from it the way pydantic's `model_construct`
does, without the names: a row of the wrong shape (not a tuple, a field too many or too few,
a list or a dict where a tuple or a nested model's row is due) is refused with `ValueError`,
and the cache is then discovered again.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Callable
from typing import Any, TypeVar

from pydantic import BaseModel

M = TypeVar("M", bound=BaseModel)

Row = tuple[Any, ...]
Convert = Callable[[Any], Any]

# pydantic's own slots of a model, set as `model_construct` sets them
_set_fields_set = BaseModel.__dict__["__pydantic_fields_set__"].__set__
_set_extra = BaseModel.__dict__["__pydantic_extra__"].__set__
_set_private = BaseModel.__dict__["__pydantic_private__"].__set__
_set_dict = object.__setattr__


class _Spec:
    """What `dump` and `load` need of a model class, worked out once per class."""

    def __init__(self, cls: type[BaseModel]) -> None:
        if cls.__pydantic_post_init__ is not None or cls.__private_attributes__:
            raise TypeError(f"{cls.__name__} needs validation to be built")
        self.cls = cls
        self.order = tuple(cls.model_fields)
        self.names = frozenset(self.order)
        # (field, its row value -> its value) and back, for the fields not stored as they
        # are (models, tuples); None is kept as it is
        self.convert: list[tuple[str, Convert]] = []
        self.to_row: list[tuple[str, Convert]] = []
        for name, info in cls.model_fields.items():
            if info.default_factory is not None:
                raise TypeError(f"{cls.__name__}.{name}: a default factory is not supported")
            found = _converter(info.annotation)
            if found is not None:
                self.convert.append((name, found[0]))
                self.to_row.append((name, found[1]))


_specs: dict[type[BaseModel], _Spec] = {}


def _spec(cls: type[BaseModel]) -> _Spec:
    spec = _specs.get(cls)
    if spec is None:
        spec = _specs[cls] = _Spec(cls)
    return spec


def dump(model: BaseModel) -> Row:
    """Every field's value in the model's field order; nested models as rows too."""
    spec = _spec(type(model))
    values = dict(model.__dict__)
    for name, to_row in spec.to_row:
        if values[name] is not None:
            values[name] = to_row(values[name])
    return tuple(values[name] for name in spec.order)


def load(cls: type[M], row: Any) -> M:
    """`cls` from `dump(...)`'s row, not validated; ValueError if its shape is wrong."""
    spec = _spec(cls)
    if type(row) is not tuple or len(row) != len(spec.order):
        raise ValueError(f"not a {cls.__name__}")
    values = dict(zip(spec.order, row, strict=True))
    for name, convert in spec.convert:
        if values[name] is not None:
            values[name] = convert(values[name])
    obj = cls.__new__(cls)
    _set_dict(obj, "__dict__", values)
    _set_fields_set(obj, set(spec.names))
    _set_extra(obj, None)
    _set_private(obj, None)
    return obj


def _converter(annotation: Any) -> tuple[Convert, Convert] | None:
    """How a row's value becomes the field's value and back: None when it is one already
    (str, bool, a literal); a tuple checked to be one; a model from its row."""
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
        if item is None:
            return _tuple, _same
        return _tuple_of(item[0]), _tuple_of(item[1])
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        model = annotation
        return (lambda row: load(model, row)), dump
    if origin is typing.Literal or annotation in (str, bool, int, float):
        return None
    raise TypeError(f"unsupported field type {annotation!r}")


def _same(value: Any) -> Any:
    return value


def _tuple(value: Any) -> tuple[Any, ...]:
    if type(value) is not tuple:
        raise ValueError("not a tuple")
    return value


def _tuple_of(item: Convert) -> Convert:
    def convert(value: Any) -> tuple[Any, ...]:
        return tuple([item(x) for x in _tuple(value)])

    return convert
