from alembic import context

from mercato_int.store.migrations.naming import include_name
from mercato_int.store.schema import METADATA

target_metadata = METADATA  # the Core tables, which the SQLModel classes map onto
connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through `mercato-int db upgrade`")

context.configure(
    connection=connection,
    target_metadata=target_metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    include_name=include_name(connection),
)
with context.begin_transaction():
    context.run_migrations()
