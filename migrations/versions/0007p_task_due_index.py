"""tasks: an index on the due date, for the ledger in due-date order

Revision ID: 0007p
Revises: 0006
Create Date: 2026-12-03 08:00:00.000000
"""

from alembic import op

revision = "0007p"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # models.reads.task_query walks the fixed-date tasks on it, in order, and stops at the page's
    # end; the overdue and due-within filters read a range of it.
    op.create_index("ix_task_due", "task", ["due_date"])


def downgrade() -> None:
    op.drop_index("ix_task_due", table_name="task")
