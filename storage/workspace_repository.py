"""Keeps each workspace's :class:`~bot.commands.managers.ManagerRule`."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.engine import Engine

from bot.commands.managers import EVERYONE, ManagerRule
from bot.errors import UserError
from storage.database import session_scope
from storage.workspace_models import WorkspaceSettingsRow


class SqlWorkspaceRules:
    """:class:`bot.commands.managers.WorkspaceRules` in the ``workspace_settings`` table."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def manager_rule(self, platform: str, workspace_id: str) -> ManagerRule:
        """The stored rule; everyone when the workspace never chose (or the row is unreadable,
        which only a hand edit could cause: the open default, not a crash on every command)."""
        with session_scope(self._engine) as session:
            row = session.get(WorkspaceSettingsRow, (platform, workspace_id))
            if row is None:
                return EVERYONE
            try:
                return ManagerRule.parse(row.managers)
            except UserError:
                return EVERYONE

    def set_manager_rule(
        self, platform: str, workspace_id: str, rule: ManagerRule, now: datetime
    ) -> None:
        """Store ``rule`` for the workspace, replacing the previous one."""
        with session_scope(self._engine) as session:
            row = session.get(WorkspaceSettingsRow, (platform, workspace_id))
            if row is None:
                row = WorkspaceSettingsRow(
                    platform=platform, workspace_id=workspace_id, updated_at=now
                )
            row.managers = str(rule)
            row.updated_at = now
            session.add(row)
