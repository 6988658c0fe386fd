"""credentials: a version per row, so a save can be compare-and-set (and an ETag)

Revision ID: 0003_credentials_version
Revises: 0002_logs_level_index
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_credentials_version"
down_revision = "0002_logs_level_index"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # existing rows start at version 1, as a fresh insert does
    with op.batch_alter_table("integration_credentials", schema=None) as batch_op:
        batch_op.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))


def downgrade() -> None:
    with op.batch_alter_table("integration_credentials", schema=None) as batch_op:
        batch_op.drop_column("version")
