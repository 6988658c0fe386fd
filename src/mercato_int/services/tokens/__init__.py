"""Bearer tokens of the HTTP API: created, listed and revoked per tenant, checked per request."""

from mercato_int.services.tokens.service import (
    ApiPrincipal,
    TokenRecord,
    TokenService,
)

__all__ = ["ApiPrincipal", "TokenRecord", "TokenService"]
