"""logs: the level index ends in id, so level pages and their keyset cursor are index-ordered

Revision ID: 0002_logs_level_index
Revises: 0001_initial
"""

from alembic import op

revision = "0002_logs_level_index"
down_revision = "0001_initial"
branch_labels = None
depends_on = None

_COLUMNS = ["tenant_id", "organization_id", "integration_id", "level", "created_at"]


def upgrade() -> None:
    with op.batch_alter_table("integration_logs", schema=None) as batch_op:
        batch_op.drop_index("ix_logs_scope_integration_level_created")
        batch_op.create_index(
            "ix_logs_scope_integration_level_created", [*_COLUMNS, "id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("integration_logs", schema=None) as batch_op:
        batch_op.drop_index("ix_logs_scope_integration_level_created")
        batch_op.create_index("ix_logs_scope_integration_level_created", _COLUMNS, unique=False)
