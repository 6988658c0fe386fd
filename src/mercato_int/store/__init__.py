"""The store: SQLModel tables, the engine, and Alembic migrations shipped in the package."""
