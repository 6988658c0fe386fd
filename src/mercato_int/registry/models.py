"""The public authoring models: what a provider's `integration.py` exports.

Providers may export these models or plain dicts with the spec's camelCase keys; both go
through the same validation. Field names are snake_case in Python and camelCase on the wire.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic.alias_generators import to_camel

FieldType = Literal["text", "secret", "select", "boolean", "url"]
FIELD_TYPES: tuple[str, ...] = ("text", "secret", "select", "boolean", "url")
HealthStatus = Literal["healthy", "degraded", "unhealthy"]

_ID_RE = re.compile(r"^[a-z][a-z0-9_]{1,63}$")
_KEY_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,127}$")


class _Model(BaseModel):
    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        extra="forbid",
        frozen=True,
        str_strip_whitespace=True,
    )


class SelectOption(_Model):
    value: str = Field(min_length=1)
    label: str = Field(min_length=1)


class CredentialField(_Model):
    """One field of a credentials form (spec §1.1)."""

    key: str
    label: str = Field(min_length=1)
    type: FieldType
    required: bool = False
    options: tuple[SelectOption, ...] | None = None
    placeholder: str | None = None
    help: str | None = None

    @field_validator("key")
    @classmethod
    def _key(cls, v: str) -> str:
        if not _KEY_RE.fullmatch(v):
            raise ValueError("key must start with a letter and hold only letters, digits or _")
        return v

    @model_validator(mode="after")
    def _options(self) -> CredentialField:
        if self.type == "select" and not self.options:
            raise ValueError(f"select field {self.key!r} needs at least one option in `options`")
        if self.type != "select" and self.options is not None:
            raise ValueError(
                f"field {self.key!r} of type {self.type!r} has `options`; only select fields may"
            )
        if self.options:
            values = [o.value for o in self.options]
            dupes = sorted({v for v in values if values.count(v) > 1})
            if dupes:
                raise ValueError(f"select field {self.key!r} repeats option(s) {dupes}")
        return self

    @property
    def is_secret(self) -> bool:
        return self.type == "secret"


class CredentialsSchema(_Model):
    fields: tuple[CredentialField, ...] = ()

    @model_validator(mode="after")
    def _unique_keys(self) -> CredentialsSchema:
        keys = [f.key for f in self.fields]
        dupes = sorted({k for k in keys if keys.count(k) > 1})
        if dupes:
            raise ValueError(
                f"duplicate credential key(s) {', '.join(dupes)}; each field needs its own key"
            )
        return self


class HealthCheckConfig(_Model):
    """Names the check: a key of the provider's `health_checks` or `"module:function"`."""

    service: str = Field(min_length=1)


def _check_id(v: str) -> str:
    if not _ID_RE.fullmatch(v):
        raise ValueError(
            f"id {v!r} must be 2-64 characters of lowercase letters, digits and _, "
            "starting with a letter"
        )
    return v


class IntegrationBundle(_Model):
    """A package contributing several integrations with shared credentials (spec §1.2)."""

    id: str
    title: str = Field(min_length=1)
    description: str = ""
    icon: str | None = None
    package: str | None = None
    version: str | None = None
    author: str | None = None
    docs_url: str | None = None
    credentials: CredentialsSchema = CredentialsSchema()
    health_check: HealthCheckConfig | None = None

    @field_validator("id")
    @classmethod
    def _id(cls, v: str) -> str:
        return _check_id(v)

    @property
    def fields(self) -> tuple[CredentialField, ...]:
        return self.credentials.fields


class IntegrationDefinition(_Model):
    """One integration (spec §1.1), standalone or a member of a bundle via `bundle_id`."""

    id: str
    title: str = Field(min_length=1)
    description: str = ""
    category: str = Field(min_length=1)
    hub: str | None = None
    provider_key: str | None = None
    icon: str | None = None
    docs_url: str | None = None
    package: str | None = None
    version: str | None = None
    author: str | None = None
    license: str | None = None
    tags: tuple[str, ...] = ()
    credentials: CredentialsSchema = CredentialsSchema()
    health_check: HealthCheckConfig | None = None
    bundle_id: str | None = None
    default_enabled: bool = False

    @field_validator("id")
    @classmethod
    def _id(cls, v: str) -> str:
        return _check_id(v)

    @field_validator("category")
    @classmethod
    def _category(cls, v: str) -> str:
        if not re.fullmatch(r"^[a-z][a-z0-9_]*$", v):
            raise ValueError(f"category {v!r} must be snake_case, e.g. 'data_sync'")
        return v

    @property
    def fields(self) -> tuple[CredentialField, ...]:
        return self.credentials.fields


class HealthResult(_Model):
    """What a health check returns: status, message and optional details."""

    status: HealthStatus
    message: str = ""
    details: dict[str, Any] | None = None
