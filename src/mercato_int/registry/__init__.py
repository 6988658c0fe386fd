"""The public authoring module and the registry of integrations and bundles."""

from mercato_int.registry.catalog import ProviderSource, Registry
from mercato_int.registry.models import (
    FIELD_TYPES,
    CredentialField,
    CredentialsSchema,
    HealthCheckConfig,
    HealthResult,
    IntegrationBundle,
    IntegrationDefinition,
    SelectOption,
)
from mercato_int.registry.problems import Problem

__all__ = [
    "FIELD_TYPES",
    "CredentialField",
    "CredentialsSchema",
    "HealthCheckConfig",
    "HealthResult",
    "IntegrationBundle",
    "IntegrationDefinition",
    "Problem",
    "ProviderSource",
    "Registry",
    "SelectOption",
]
