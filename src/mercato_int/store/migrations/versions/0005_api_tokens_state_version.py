"""api_tokens: bearer tokens of the HTTP API (only a hash of each); integration_states: a
version per row, so enable and disable can be compare-and-set (and an ETag)

Revision ID: 0005_api_tokens_state_version
Revises: 0004_logs_seq
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

import mercato_int.store.types

revision = "0005_api_tokens_state_version"
down_revision = "0004_logs_seq"
branch_labels = None
depends_on = None


def _text(length: int) -> sa.types.TypeEngine:
    return sqlmodel.sql.sqltypes.AutoString(length=length)


def _stamp() -> sa.types.TypeEngine:
    return mercato_int.store.types.UTCDateTime()


def upgrade() -> None:
    # existing rows start at version 1, as a fresh insert does
    with op.batch_alter_table("integration_states", schema=None) as batch_op:
        batch_op.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", _text(100), nullable=False),
        sa.Column("actor", _text(100), nullable=False),
        sa.Column("organization_id", _text(100), nullable=False),
        sa.Column("tenant_id", _text(100), nullable=False),
        sa.Column("prefix", _text(32), nullable=False),
        sa.Column("token_hash", _text(64), nullable=False),
        sa.Column("created_at", _stamp(), nullable=False),
        sa.Column("created_by", _text(100), nullable=True),
        sa.Column("expires_at", _stamp(), nullable=True),
        sa.Column("revoked_at", _stamp(), nullable=True),
        sa.Column("last_used_at", _stamp(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("prefix", name="uq_api_tokens_prefix"),
    )
    op.create_index("ix_api_tokens_hash", "api_tokens", ["token_hash"], unique=True)
    op.create_index(
        "ix_api_tokens_scope", "api_tokens", ["tenant_id", "organization_id", "created_at"]
    )


def downgrade() -> None:
    op.drop_index("ix_api_tokens_scope", table_name="api_tokens")
    op.drop_index("ix_api_tokens_hash", table_name="api_tokens")
    op.drop_table("api_tokens")
    with op.batch_alter_table("integration_states", schema=None) as batch_op:
        batch_op.drop_column("version")
