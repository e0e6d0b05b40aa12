"""subscriptions: one topic per channel whatever its case (unique index on lower(query))

Revision ID: 0007
Revises: 0009
Create Date: 2026-11-29 23:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Topics stored twice before this index ("Scaling", "scaling"): keep the first one.
    op.execute(
        "DELETE FROM subscriptions WHERE id NOT IN "
        "(SELECT MIN(id) FROM subscriptions GROUP BY channel_pk, lower(query))"
    )
    op.create_index(
        "uq_subscriptions_channel_lower_query",
        "subscriptions",
        ["channel_pk", sa.text("lower(query)")],
        unique=True,
    )


def downgrade() -> None:
    op.drop_index("uq_subscriptions_channel_lower_query", table_name="subscriptions")
