from alembic import context

from mercato_int.store.migrations.naming import include_name
from mercato_int.store.schema import METADATA, not_in_metadata

target_metadata = METADATA  # the Core tables, which the SQLModel classes map onto
connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through `mercato-int db upgrade`")

context.configure(
    connection=connection,
    target_metadata=target_metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    # the FTS5 table and the trigram index are made by hand (see store/schema.py)
    include_object=lambda _obj, name, _type, _reflected, _other: not not_in_metadata(name),
    # the monthly partitions of integration_logs (Postgres) are made at run time
    include_name=include_name(connection),
)
with context.begin_transaction():
    context.run_migrations()
