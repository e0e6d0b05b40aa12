"""Workspace-level choices, one row per (platform, workspace): today who manages channels."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel


class WorkspaceSettingsRow(SQLModel, table=True):
    """A workspace's choices. ``managers`` is a rule as written in the command
    (``everyone``, ``admins``, ``group:<handle>``); no row means everyone."""

    __tablename__ = "workspace_settings"

    platform: str = Field(primary_key=True, max_length=16)
    workspace_id: str = Field(primary_key=True, max_length=64)
    managers: str = Field(default="everyone", max_length=100)
    updated_at: datetime
