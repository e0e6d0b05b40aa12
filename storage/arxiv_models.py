"""Tables for the arXiv source: the announcement calendar."""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Field, SQLModel


class ArxivAnnouncementRow(SQLModel, table=True):
    """Whether ``category`` announced papers on ``day`` (a weekend or holiday did not)."""

    __tablename__ = "arxiv_announcements"

    category: str = Field(primary_key=True, max_length=40)
    day: date = Field(primary_key=True)
    status: str = Field(max_length=20)  # announced | no_announcement
    papers: int = 0
    checked_at: datetime
