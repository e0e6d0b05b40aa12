"""The tables. Rows stay inside ``storage``; repositories turn them into core values."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, Text, UniqueConstraint, func, text
from sqlmodel import Field, SQLModel


class PaperRow(SQLModel, table=True):
    """A paper keyed by its arXiv id without version; the latest version seen is kept."""

    __tablename__ = "papers"

    arxiv_id: str = Field(primary_key=True, max_length=64)
    title: str = Field(sa_column=Column(Text, nullable=False))
    abstract: str = Field(default="", sa_column=Column(Text, nullable=False))
    authors: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    version: int | None = None
    published_at: datetime | None = Field(default=None, index=True)
    featured_on: date | None = Field(default=None, index=True)
    upvotes: int = 0
    num_comments: int = 0
    github_repo: str | None = Field(default=None, sa_column=Column(Text))
    github_stars: int | None = None
    project_page: str | None = Field(default=None, sa_column=Column(Text))
    ai_summary: str | None = Field(default=None, sa_column=Column(Text))
    ai_keywords: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    organization: str | None = Field(default=None, max_length=300)
    thumbnail: str | None = Field(default=None, sa_column=Column(Text))
    categories: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    arxiv_comment: str | None = Field(default=None, sa_column=Column(Text))
    withdrawn: bool = False
    sources: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    first_seen: datetime | None = None
    last_seen: datetime | None = Field(default=None, index=True)  # the search index watermark


class ChannelRow(SQLModel, table=True):
    """A chat channel and its own settings (schedule, timezone, limits)."""

    __tablename__ = "channels"
    __table_args__ = (UniqueConstraint("platform", "workspace_id", "channel_id"),)

    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(max_length=20)
    workspace_id: str = Field(default="", max_length=64)
    channel_id: str = Field(max_length=64)
    name: str | None = Field(default=None, max_length=200)
    schedule: str = Field(default="off", max_length=20)  # off | daily | weekdays | weekly
    schedule_time: str = Field(default="09:00", max_length=5)  # HH:MM local
    schedule_weekday: int | None = None  # 0 = Monday, for weekly
    timezone: str = Field(default="UTC", max_length=64)
    schedule_updated_at: datetime | None = None  # no catch-up for slots before this
    max_papers: int = 5
    min_upvotes: int | None = None
    window_days: int | None = 14  # only papers featured/published this recently; None = all
    empty_mode: str = Field(default="explain", max_length=10)  # explain | quiet
    paused_reason: str | None = Field(default=None, sa_column=Column(Text))
    paused_at: datetime | None = None
    created_at: datetime
    # When the next slot comes (None: unknown, check it); indexed so an idle tick reads nothing.
    next_due_at: datetime | None = Field(default=None, index=True)


class SubscriptionRow(SQLModel, table=True):
    """One topic (a query in the query language) that a channel follows."""

    __tablename__ = "subscriptions"
    __table_args__ = (
        UniqueConstraint("channel_pk", "query"),
        # Unique per channel ignoring case (migration 0007): "Scaling" and "scaling" are one.
        Index(
            "uq_subscriptions_channel_lower_query",
            "channel_pk",
            func.lower(text("query")),
            unique=True,
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    channel_pk: int = Field(foreign_key="channels.id", index=True, ondelete="CASCADE")
    query: str = Field(max_length=500)
    options: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime


class DigestRow(SQLModel, table=True):
    """One digest of one channel for one period; the unique key makes posting exactly-once."""

    __tablename__ = "digests"
    __table_args__ = (UniqueConstraint("channel_pk", "period_key"),)

    id: int | None = Field(default=None, primary_key=True)
    channel_pk: int = Field(foreign_key="channels.id", index=True, ondelete="CASCADE")
    period_key: str = Field(max_length=64)  # e.g. "2026-11-26" or "manual:<timestamp>"
    status: str = Field(default="claimed", max_length=20)  # a bot.digests.status.DigestStatus
    attempts: int = 0
    claimed_by: str | None = Field(default=None, max_length=100)
    claimed_at: datetime | None = None
    scheduled_for: datetime | None = None
    planned_ids: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    posted_at: datetime | None = None
    message_ref: str | None = Field(default=None, max_length=200)
    note: str | None = Field(default=None, sa_column=Column(Text))
    created_at: datetime


class DeliveryRow(SQLModel, table=True):
    """A paper posted to a channel, when, and under which digest — never posted there again."""

    __tablename__ = "deliveries"
    __table_args__ = (UniqueConstraint("channel_pk", "paper_id"),)

    id: int | None = Field(default=None, primary_key=True)
    channel_pk: int = Field(foreign_key="channels.id", index=True, ondelete="CASCADE")
    paper_id: str = Field(foreign_key="papers.arxiv_id", max_length=64, index=True)
    digest_pk: int | None = Field(default=None, foreign_key="digests.id", ondelete="SET NULL")
    delivered_at: datetime


class FeedbackRow(SQLModel, table=True):
    """A 👍 / 👎 / "more like this" press on a paper in a channel, one per user and kind."""

    __tablename__ = "feedback"
    __table_args__ = (UniqueConstraint("channel_pk", "paper_id", "user_id", "kind"),)

    id: int | None = Field(default=None, primary_key=True)
    channel_pk: int = Field(foreign_key="channels.id", index=True, ondelete="CASCADE")
    paper_id: str = Field(max_length=64)
    user_id: str = Field(max_length=64)
    kind: str = Field(max_length=10)  # up | down | more
    created_at: datetime


class SourceStatusRow(SQLModel, table=True):
    """The last fetch outcome of each paper source, so an empty digest can say a source was
    down instead of going silent."""

    __tablename__ = "source_status"

    source: str = Field(primary_key=True, max_length=40)
    last_ok_at: datetime | None = None
    last_error_at: datetime | None = None
    last_error: str | None = Field(default=None, sa_column=Column(Text))
