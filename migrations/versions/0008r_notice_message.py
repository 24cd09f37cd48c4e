"""notices: the message stored once (notice.message, JSON), rendered when sent or shown

Revision ID: 0008r
Revises: 0007p
Create Date: 2026-12-03 14:30:00.000000
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0008r"
down_revision = "0007p"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Empty for every notice already queued: those keep their three stored renderings and are sent
    # and shown from them (workflows.notice_bodies), so nothing is converted here.
    # A plain ADD COLUMN / DROP COLUMN, as in 0005o: no batch rebuild of a table deliveries point at.
    op.add_column(
        "notice",
        sa.Column("message", sqlmodel.sql.sqltypes.AutoString(), nullable=False, server_default=""),
    )


def downgrade() -> None:
    op.drop_column("notice", "message")
