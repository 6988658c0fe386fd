"""Per-tenant state of integrations: the service (reads and changes), its Core reads and
the marketplace view."""
