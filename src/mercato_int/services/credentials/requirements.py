"""Which credentials an integration or bundle needs, and which of them are missing.

A bundle member that declares no fields of its own uses its bundle's form (spec §2.3), so its
requirements are the bundle's and the command that sets them names the bundle."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from mercato_int.errors import Msg, Phrase, msg, msg_n
from mercato_int.registry import IntegrationDefinition, Registry
from mercato_int.scope import TenantScope


@dataclass(frozen=True)
class Requirements:
    """The required keys of the form that applies to `subject_id`, owned by `owner_id`."""

    subject_id: str
    owner_id: str
    keys: tuple[str, ...]

    def missing(self, values: Mapping[str, Any]) -> tuple[str, ...]:
        """Required keys with no value (None or an empty string) in `values`."""
        return tuple(k for k in self.keys if values.get(k) is None or values.get(k) == "")


def requirements(registry: Registry, some_id: str) -> Requirements:
    """The required credential keys for an integration or bundle id."""
    item = registry.get(some_id)
    owner = item
    if (
        isinstance(item, IntegrationDefinition)
        and not item.fields
        and item.bundle_id in registry.bundles
    ):
        owner = registry.bundles[item.bundle_id]
    return Requirements(
        subject_id=some_id,
        owner_id=owner.id,
        keys=tuple(f.key for f in owner.fields if f.required),
    )


@dataclass(frozen=True)
class MissingCredentials:
    """Required credentials that are not set for some integrations, and how to set them."""

    owner_id: str
    integration_ids: tuple[str, ...]
    keys: tuple[str, ...]
    scope: TenantScope | None = None  # the command then sets them in that scope

    @property
    def command(self) -> str:
        pairs = " ".join(f"{k}=..." for k in self.keys)
        flags = self.scope.cli_flags() if self.scope is not None else ""
        return f"mercato-int {flags}creds set {self.owner_id} {pairs}".rstrip()

    @property
    def message(self) -> Msg:
        """The warning for a person, worded when shown (the data is
        `shapes.state.MissingCredentialsShape`)."""
        who: Phrase
        if self.integration_ids == (self.owner_id,):
            who = self.owner_id
        elif len(self.integration_ids) == 1:
            who = msg(
                "state.missing_creds.of_bundle",
                integration=self.integration_ids[0],
                bundle=self.owner_id,
            )
        else:
            who = msg_n(
                "state.missing_creds.members", len(self.integration_ids), owner=self.owner_id
            )
        return msg("state.missing_creds", who=who, keys=", ".join(self.keys), command=self.command)
