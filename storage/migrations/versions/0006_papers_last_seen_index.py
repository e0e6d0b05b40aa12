"""index papers.last_seen: the search index's watermark (max) and catch-up read it

Revision ID: 0006
Revises: 0004
Create Date: 2026-11-26 05:40:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_papers_last_seen", "papers", ["last_seen"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_papers_last_seen", table_name="papers")
