"""The tables behind a channel's taste: votes, its taste settings, and claimed thread posts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


class VoteRow(SQLModel, table=True):
    """One signal of one person on one paper in one channel.

    ``signal`` says where it came from (``button``, ``reaction:heart``, ``more``, ``share``),
    so taking a reaction back removes only that signal; the person's vote on the paper is
    the direction of their latest remaining signal (counted once however many they gave).
    """

    __tablename__ = "votes"
    __table_args__ = (UniqueConstraint("channel_pk", "paper_id", "user_id", "signal"),)

    id: int | None = Field(default=None, primary_key=True)
    channel_pk: int = Field(foreign_key="channels.id", index=True, ondelete="CASCADE")
    paper_id: str = Field(max_length=64)
    user_id: str = Field(max_length=64)
    signal: str = Field(max_length=80)
    direction: str = Field(max_length=4)  # up | down
    created_at: datetime


class ChannelTasteRow(SQLModel, table=True):
    """A channel's taste settings: taste on/off, the follow-up upvote threshold, the roll-up."""

    __tablename__ = "channel_taste"

    channel_pk: int = Field(foreign_key="channels.id", primary_key=True, ondelete="CASCADE")
    taste_enabled: bool = True
    followup_upvotes: int | None = None
    rollup_weekday: int | None = None  # 0 = Monday; None = no roll-up
    rollup_time: str = Field(default="16:00", max_length=5)
    rollup_updated_at: datetime | None = None


class ThreadPostRow(SQLModel, table=True):
    """A follow-up or roll-up a channel gets once: the unique key is the claim, as digests'.

    ``key`` is ``followup:<paper>:<event>`` or ``rollup:<week>``; ``message_ref`` is what
    the platform answered, so a reaction on a follow-up counts for its paper.
    """

    __tablename__ = "thread_posts"
    __table_args__ = (UniqueConstraint("channel_pk", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    channel_pk: int = Field(foreign_key="channels.id", index=True, ondelete="CASCADE")
    key: str = Field(max_length=200)
    paper_id: str | None = Field(default=None, max_length=64)
    status: str = Field(default="claimed", max_length=20)  # claimed | posted | failed
    claimed_by: str | None = Field(default=None, max_length=100)
    message_ref: str | None = Field(default=None, max_length=200)
    note: str | None = Field(default=None, sa_column=Column(Text))
    created_at: datetime
