"""The HTTP API (`mercato-int serve`): FastAPI on uvicorn, a third front end on the services.

Like the CLI and the TUI it parses, calls services on behalf of a caller and renders: the
caller is the bearer token's actor, the scope the token's tenant and organization, and every
access check, redaction and compare-and-set is the services'. Imported only by `serve` (and by
the workers it starts): `mercato-int --help` never loads FastAPI."""
