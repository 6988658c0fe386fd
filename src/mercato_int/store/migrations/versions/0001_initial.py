"""initial schema

Revision ID: 0001_initial
Revises:
Create Date: 2026-11-26 13:29:52.249461
"""

import sqlalchemy as sa
import sqlmodel.sql.sqltypes  # `sqlmodel.sql` is no attribute of the bare package
from alembic import op
from sqlalchemy.dialects import postgresql

import mercato_int.store.types

revision = "0001_initial"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "integration_acl_grants",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("actor", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("grant", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("organization_id", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("tenant_id", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("created_at", mercato_int.store.types.UTCDateTime(), nullable=False),
        sa.Column("created_by", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint(
            "organization_id", "tenant_id", "actor", "grant", name="uq_acl_scope_actor_grant"
        ),
    )
    op.create_table(
        "integration_credentials",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("integration_id", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column(
            "encrypted_values",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("key_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("organization_id", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("tenant_id", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("created_at", mercato_int.store.types.UTCDateTime(), nullable=False),
        sa.Column("updated_at", mercato_int.store.types.UTCDateTime(), nullable=False),
        sa.Column("updated_by", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint(
            "integration_id", "organization_id", "tenant_id", name="uq_credentials_scope"
        ),
    )
    with op.batch_alter_table("integration_credentials", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_integration_credentials_key_id"), ["key_id"], unique=False
        )

    op.create_table(
        "integration_events",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("type", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("subject_id", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
        sa.Column("actor", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
        sa.Column(
            "payload",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("organization_id", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("tenant_id", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("created_at", mercato_int.store.types.UTCDateTime(), nullable=False),
        sa.Column("delivered_at", mercato_int.store.types.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("integration_events", schema=None) as batch_op:
        batch_op.create_index(
            "ix_events_scope_created", ["tenant_id", "organization_id", "created_at"], unique=False
        )
        batch_op.create_index("ix_events_type_created", ["type", "created_at"], unique=False)

    op.create_table(
        "integration_logs",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("integration_id", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("level", sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
        sa.Column("operation", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column(
            "details",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("correlation_id", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True),
        sa.Column("entity_type", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True),
        sa.Column("entity_id", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True),
        sa.Column("duration_ms", sa.Integer(), nullable=True),
        sa.Column("organization_id", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("tenant_id", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("created_at", mercato_int.store.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("integration_logs", schema=None) as batch_op:
        batch_op.create_index(
            "ix_logs_scope_created",
            ["tenant_id", "organization_id", "created_at", "id"],
            unique=False,
        )
        batch_op.create_index(
            "ix_logs_scope_integration_created",
            ["tenant_id", "organization_id", "integration_id", "created_at", "id"],
            unique=False,
        )
        batch_op.create_index(
            "ix_logs_scope_integration_level_created",
            ["tenant_id", "organization_id", "integration_id", "level", "created_at"],
            unique=False,
        )

    op.create_table(
        "integration_settings",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column(
            "value",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("organization_id", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("tenant_id", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("updated_at", mercato_int.store.types.UTCDateTime(), nullable=False),
        sa.Column("updated_by", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("organization_id", "tenant_id", "key", name="uq_settings_scope_key"),
    )
    op.create_table(
        "integration_states",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("integration_id", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("is_enabled", sa.Boolean(), nullable=False),
        sa.Column(
            "last_health_check",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("last_health_check_at", mercato_int.store.types.UTCDateTime(), nullable=True),
        sa.Column("enabled_at", mercato_int.store.types.UTCDateTime(), nullable=True),
        sa.Column("enabled_by", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
        sa.Column("organization_id", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("tenant_id", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("created_at", mercato_int.store.types.UTCDateTime(), nullable=False),
        sa.Column("updated_at", mercato_int.store.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint(
            "integration_id", "organization_id", "tenant_id", name="uq_states_scope"
        ),
    )


def downgrade() -> None:

    op.drop_table("integration_states")
    op.drop_table("integration_settings")
    with op.batch_alter_table("integration_logs", schema=None) as batch_op:
        batch_op.drop_index("ix_logs_scope_integration_level_created")
        batch_op.drop_index("ix_logs_scope_integration_created")
        batch_op.drop_index("ix_logs_scope_created")

    op.drop_table("integration_logs")
    with op.batch_alter_table("integration_events", schema=None) as batch_op:
        batch_op.drop_index("ix_events_type_created")
        batch_op.drop_index("ix_events_scope_created")

    op.drop_table("integration_events")
    with op.batch_alter_table("integration_credentials", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_integration_credentials_key_id"))

    op.drop_table("integration_credentials")
    op.drop_table("integration_acl_grants")
