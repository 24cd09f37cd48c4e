"""login throttle: attempts per name in the ledger, shared by every server process (login_attempt)

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 17:00:00.000000
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "login_attempt",
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("pending", sa.Integer(), nullable=False),
        sa.Column("window_start", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("locked_until", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("name"),
    )
    op.create_index("ix_login_attempt_window_start", "login_attempt", ["window_start"])


def downgrade() -> None:
    op.drop_index("ix_login_attempt_window_start", table_name="login_attempt")
    op.drop_table("login_attempt")
