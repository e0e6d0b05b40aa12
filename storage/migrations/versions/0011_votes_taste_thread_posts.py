"""votes, channel_taste and thread_posts: what a channel liked, its taste settings, follow-ups

Revision ID: 0011
Revises: 0006
Create Date: 2026-11-29 23:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0011"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_S = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        "votes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel_pk", sa.Integer(), nullable=False),
        sa.Column("paper_id", _S(length=64), nullable=False),
        sa.Column("user_id", _S(length=64), nullable=False),
        sa.Column("signal", _S(length=80), nullable=False),
        sa.Column("direction", _S(length=4), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["channel_pk"], ["channels.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("channel_pk", "paper_id", "user_id", "signal"),
    )
    op.create_index("ix_votes_channel_pk", "votes", ["channel_pk"], unique=False)
    op.create_table(
        "channel_taste",
        sa.Column("channel_pk", sa.Integer(), nullable=False),
        sa.Column("taste_enabled", sa.Boolean(), nullable=False),
        sa.Column("followup_upvotes", sa.Integer(), nullable=True),
        sa.Column("rollup_weekday", sa.Integer(), nullable=True),
        sa.Column("rollup_time", _S(length=5), nullable=False),
        sa.Column("rollup_updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["channel_pk"], ["channels.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("channel_pk"),
    )
    op.create_table(
        "thread_posts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel_pk", sa.Integer(), nullable=False),
        sa.Column("key", _S(length=200), nullable=False),
        sa.Column("paper_id", _S(length=64), nullable=True),
        sa.Column("status", _S(length=20), nullable=False),
        sa.Column("claimed_by", _S(length=100), nullable=True),
        sa.Column("message_ref", _S(length=200), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["channel_pk"], ["channels.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("channel_pk", "key"),
    )
    op.create_index("ix_thread_posts_channel_pk", "thread_posts", ["channel_pk"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_thread_posts_channel_pk", table_name="thread_posts")
    op.drop_table("thread_posts")
    op.drop_table("channel_taste")
    op.drop_index("ix_votes_channel_pk", table_name="votes")
    op.drop_table("votes")
