"""Schema revisions this build knows, oldest first, without importing Alembic (checking them
must stay cheap for every command). A test keeps this in step with the migration scripts."""

KNOWN_REVISIONS: tuple[str, ...] = (
    "0001_initial",
    "0002_logs_level_index",
    "0003_credentials_version",
    "0004_logs_seq",
    "0005_api_tokens_state_version",
    "0006_log_search",
    "0007_tenant_keys",
)
HEAD_REVISION: str = KNOWN_REVISIONS[-1]


def refuse_newer(revision: str | None, url: str) -> None:
    """StoreError (exit 4) when `revision` is one this build does not know: a newer
    mercato-int migrated the store at `url`, and this one must neither use nor migrate it."""
    if revision is not None and revision not in KNOWN_REVISIONS:
        from mercato_int.errors import StoreError, msg
        from mercato_int.store.urls import redact_url

        raise StoreError(msg("store.newer", url=redact_url(url), revision=revision))
