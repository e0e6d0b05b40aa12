"""Tables behind the operator's features: private feed tokens and paper signal history."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel


class FeedTokenRow(SQLModel, table=True):
    """A private Atom feed link of one channel. Only the token's SHA-256 is kept: a database
    dump cannot be turned back into working feed links."""

    __tablename__ = "feed_tokens"

    id: int | None = Field(default=None, primary_key=True)
    channel_pk: int = Field(foreign_key="channels.id", index=True, ondelete="CASCADE")
    token_sha256: str = Field(max_length=64, unique=True)
    created_at: datetime


class PaperSignalRow(SQLModel, table=True):
    """A paper's upvotes and GitHub stars as a fetch saw them; a row is written only when a
    value changed, so a paper that sits still costs nothing more."""

    __tablename__ = "paper_signals"
    __table_args__ = (Index("ix_paper_signals_paper_observed", "paper_id", "observed_at"),)

    id: int | None = Field(default=None, primary_key=True)
    paper_id: str = Field(foreign_key="papers.arxiv_id", max_length=64, ondelete="CASCADE")
    observed_at: datetime = Field(index=True)
    upvotes: int = 0
    github_stars: int = 0
