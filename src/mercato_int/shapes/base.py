"""The base of every JSON document: a pydantic model with camelCase keys, and the one place
that writes a timestamp (ISO 8601 in UTC with a `Z`, as the spec's API returns them)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Annotated, Any, Self

from pydantic import AliasChoices, AliasGenerator, BaseModel, ConfigDict, PlainSerializer
from pydantic.alias_generators import to_camel


def utc_text(value: datetime) -> str:
    """`2026-05-04T03:02:01Z` (microseconds when there are some): a stored time as every
    document shows it. A naive time is taken to be UTC already (the store hands back aware
    ones)."""
    value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return value.isoformat().replace("+00:00", "Z")


def utc_or_none(value: datetime | None) -> str | None:
    """`utc_text`, or None for no time."""
    return None if value is None else utc_text(value)


def camel(name: str) -> str:
    """A field's key: pydantic's camelCase, except that a letter after a digit stays lower
    case (`log_entries_24h` is `logEntries24h`, not `logEntries24H`)."""
    return re.sub(r"(?<=[0-9])([A-Z])", lambda m: m.group(1).lower(), to_camel(name))


def _either(name: str) -> AliasChoices:
    return AliasChoices(name, camel(name))


# A timestamp field of a document: a datetime in Python, `...Z` text in JSON.
UtcTime = Annotated[datetime, PlainSerializer(utc_text, return_type=str)]


class Shape(BaseModel):
    """A JSON document (or a part of one). Fields are snake_case in Python, camelCase in the
    document; `document()` is what `--json` prints (and an HTTP API returns). Nulls stay
    nulls: a document has the same keys whatever the values.

    Schemas are built on first use (`defer_build`), so that importing a module of shapes
    costs little on a command that prints none of them."""

    model_config = ConfigDict(
        # camelCase in the document; read by field name first, then by the camelCase key:
        # `of` reads a domain object's snake_case attributes, and trying the camelCase name
        # first (plain `alias_generator=to_camel`) doubles the cost of a 10,000-entry page.
        alias_generator=AliasGenerator(serialization_alias=camel, validation_alias=_either),
        populate_by_name=True,
        serialize_by_alias=True,
        from_attributes=True,
        defer_build=True,
    )

    @classmethod
    def of(cls, obj: Any) -> Self:
        """The document of a domain object whose attributes (or properties) are named as the
        fields are; shapes whose source differs override this."""
        return cls.model_validate(obj, from_attributes=True)

    def document(self) -> dict[str, Any]:
        """The dict that `--json` prints: camelCase keys in the order of the fields,
        timestamps as `...Z` text. Free-form values (details, payloads, credentials) are
        passed on as they are, for `json.dumps` to write."""
        return self.model_dump(by_alias=True)


def scope_fields(scope: Any) -> dict[str, str]:
    """The `organizationId`/`tenantId` fields of a document about one tenant scope."""
    return {"organization_id": scope.organization_id, "tenant_id": scope.tenant_id}


class ScopeShape(Shape):
    """A tenant scope: `{organizationId, tenantId}`."""

    organization_id: str
    tenant_id: str
