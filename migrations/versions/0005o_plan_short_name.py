"""plans: the short name people call a plan by (plan.short_name; empty: derived from the title)

Revision ID: 0005o
Revises: 0004
Create Date: 2026-12-02 17:00:00.000000
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0005o"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Empty for every existing plan: models.reads.names derives the name from the title until the
    # office sets one, so nothing has to be computed here (and the rule can improve later).
    # A plain ADD COLUMN / DROP COLUMN (SQLite 3.35+ has both): a batch rebuild of "plan" would
    # drop a table the tasks' foreign keys point at.
    op.add_column(
        "plan",
        sa.Column(
            "short_name", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False, server_default=""
        ),
    )


def downgrade() -> None:
    op.drop_column("plan", "short_name")
