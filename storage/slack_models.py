"""Slack's install data, kept in our database so every replica shares it.

An OAuth install may start on one replica and finish on another; file stores (Bolt's default)
would lose the state or the installation. The adapter owns the meaning of ``data``; storage
only keeps it keyed by workspace.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel


class SlackInstallationRow(SQLModel, table=True):
    """One installation of the app in a workspace (or org), by the user who installed it.

    ``data`` is slack_sdk's installation record, tokens included: never log it.
    """

    __tablename__ = "slack_installations"
    __table_args__ = (UniqueConstraint("client_id", "enterprise_id", "team_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    client_id: str = Field(max_length=64)
    enterprise_id: str = Field(default="", max_length=32)
    team_id: str = Field(default="", max_length=32, index=True)
    user_id: str = Field(max_length=32)
    is_enterprise_install: bool = False
    installed_at: datetime
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class SlackOAuthStateRow(SQLModel, table=True):
    """An OAuth ``state`` handed to a browser; consumed once, before it expires."""

    __tablename__ = "slack_oauth_states"

    state: str = Field(primary_key=True, max_length=200)
    expires_at: datetime = Field(index=True)
