"""channels.next_due_at: when each channel's next slot comes, indexed for the scheduler tick

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29 23:55:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # NULL means "not known yet": the next tick checks the channel and records it.
    with op.batch_alter_table("channels") as batch_op:
        batch_op.add_column(
            sa.Column("next_due_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )
        batch_op.create_index("ix_channels_next_due_at", ["next_due_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("channels") as batch_op:
        batch_op.drop_index("ix_channels_next_due_at")
        batch_op.drop_column("next_due_at")
