"""The store: the Core tables (schema.py) and the SQLModel classes mapped onto them
(tables.py), the engine, and Alembic migrations shipped in the package."""
