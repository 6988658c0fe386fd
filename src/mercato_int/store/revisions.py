"""Schema revisions this build knows, oldest first, without importing Alembic (checking them
must stay cheap for every command). A test keeps this in step with the migration scripts."""

KNOWN_REVISIONS: tuple[str, ...] = (
    "0001_initial",
    "0002_logs_level_index",
    "0003_credentials_version",
)
HEAD_REVISION: str = KNOWN_REVISIONS[-1]
