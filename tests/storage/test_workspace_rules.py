"""Each workspace's rule for who manages channels, stored (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.engine import Engine

from bot.commands.managers import EVERYONE, ManagerRule, Managers
from storage.workspace_repository import SqlWorkspaceRules

NOW = datetime(2026, 11, 29, 12, tzinfo=UTC)


def test_a_rule_is_kept_per_workspace_and_replaced(engine: Engine) -> None:
    rules = SqlWorkspaceRules(engine)
    assert rules.manager_rule("slack", "T1") == EVERYONE
    rules.set_manager_rule("slack", "T1", ManagerRule(Managers.GROUP, "ml-leads"), NOW)
    assert rules.manager_rule("slack", "T1") == ManagerRule(Managers.GROUP, "ml-leads")
    assert rules.manager_rule("slack", "T2") == EVERYONE
    assert rules.manager_rule("discord", "T1") == EVERYONE
    rules.set_manager_rule("slack", "T1", ManagerRule(Managers.ADMINS), NOW)
    assert rules.manager_rule("slack", "T1") == ManagerRule(Managers.ADMINS)
