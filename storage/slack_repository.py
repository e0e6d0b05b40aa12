"""Reads and writes Slack installations and OAuth states; plain dicts leave this module."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import col, delete, select

from storage.database import session_scope
from storage.slack_models import SlackInstallationRow, SlackOAuthStateRow


class SqlSlackRepository:
    """Slack's installations and OAuth states in our database, shared by every replica.

    The composition root builds it on the process's engine and hands it to the Slack stores
    (:mod:`adapters.slack.stores`), so nothing on the Slack side ever sees the engine.
    """

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def save_installation(
        self,
        *,
        client_id: str,
        enterprise_id: str,
        team_id: str,
        user_id: str,
        is_enterprise_install: bool,
        installed_at: datetime,
        data: dict[str, Any],
    ) -> None:
        """Store an installation, replacing the same user's earlier one in that workspace."""
        with session_scope(self._engine) as session:
            session.exec(
                delete(SlackInstallationRow).where(
                    col(SlackInstallationRow.client_id) == client_id,
                    col(SlackInstallationRow.enterprise_id) == enterprise_id,
                    col(SlackInstallationRow.team_id) == team_id,
                    col(SlackInstallationRow.user_id) == user_id,
                )
            )
            session.add(
                SlackInstallationRow(
                    client_id=client_id,
                    enterprise_id=enterprise_id,
                    team_id=team_id,
                    user_id=user_id,
                    is_enterprise_install=is_enterprise_install,
                    installed_at=installed_at,
                    data=data,
                )
            )

    def find_installation(
        self,
        *,
        client_id: str,
        enterprise_id: str,
        team_id: str,
        user_id: str | None = None,
    ) -> dict[str, Any] | None:
        """The newest installation in a workspace (of ``user_id`` when given), as stored."""
        query = select(SlackInstallationRow).where(
            col(SlackInstallationRow.client_id) == client_id,
            col(SlackInstallationRow.enterprise_id) == enterprise_id,
            col(SlackInstallationRow.team_id) == team_id,
        )
        if user_id is not None:
            query = query.where(col(SlackInstallationRow.user_id) == user_id)
        query = query.order_by(
            col(SlackInstallationRow.installed_at).desc(), col(SlackInstallationRow.id).desc()
        )
        with session_scope(self._engine) as session:
            row = session.exec(query.limit(1)).first()
            return dict(row.data) if row is not None else None

    def delete_installations(
        self,
        *,
        client_id: str,
        enterprise_id: str,
        team_id: str,
        user_id: str | None = None,
    ) -> int:
        """Forget a workspace's installations (one user's when given); returns how many."""
        query = delete(SlackInstallationRow).where(
            col(SlackInstallationRow.client_id) == client_id,
            col(SlackInstallationRow.enterprise_id) == enterprise_id,
            col(SlackInstallationRow.team_id) == team_id,
        )
        if user_id is not None:
            query = query.where(col(SlackInstallationRow.user_id) == user_id)
        with session_scope(self._engine) as session:
            result = session.exec(query)
            return int(result.rowcount)

    def issue_oauth_state(self, state: str, expires_at: datetime) -> None:
        """Remember a freshly issued OAuth state until ``expires_at``."""
        with session_scope(self._engine) as session:
            session.add(SlackOAuthStateRow(state=state, expires_at=expires_at))

    def consume_oauth_state(self, state: str, now: datetime) -> bool:
        """Use up ``state``: True only the first time, and only before it expires.

        Deleting (rather than flagging) makes a replayed redirect fail on any replica; expired
        states are swept on the way.
        """
        with session_scope(self._engine) as session:
            session.exec(delete(SlackOAuthStateRow).where(col(SlackOAuthStateRow.expires_at) < now))
            result = session.exec(
                delete(SlackOAuthStateRow).where(col(SlackOAuthStateRow.state) == state)
            )
            return bool(result.rowcount)
