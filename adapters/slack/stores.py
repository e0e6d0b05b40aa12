"""slack_sdk's installation and OAuth-state store interfaces, on our own tables.

slack_sdk ships SQLAlchemy stores, but they create their own tables (outside our Alembic
history) and the async one needs an async engine; these thin adapters keep the schema in our
migrations and run the (short) queries in a worker thread. The composition root builds them on
its :class:`~storage.slack_repository.SqlSlackRepository`; no engine reaches the Slack side.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.installation_store.models.bot import Bot
from slack_sdk.oauth.installation_store.models.installation import Installation
from slack_sdk.oauth.state_store.async_state_store import AsyncOAuthStateStore

from storage.slack_repository import SqlSlackRepository

log = logging.getLogger(__name__)
Clock = Callable[[], datetime]


def _utcnow() -> datetime:
    return datetime.now(UTC)


def installation_to_json(installation: Installation) -> dict[str, Any]:
    """The installation as JSON-safe values that ``Installation(**data)`` accepts back."""
    data = installation.to_dict_for_copying()
    for key, value in list(data.items()):
        if isinstance(value, datetime):
            data[key] = value.timestamp()
    return data


def installation_from_json(data: dict[str, Any]) -> Installation:
    """Rebuild an installation stored by :func:`installation_to_json`."""
    return Installation(**data)


class DatabaseInstallationStore(AsyncInstallationStore):
    """Installations in ``slack_installations``; any replica finds what another saved."""

    def __init__(self, repository: SqlSlackRepository, client_id: str) -> None:
        self._repository = repository
        self._client_id = client_id

    @property
    def logger(self) -> logging.Logger:
        return log

    def _keys(
        self, enterprise_id: str | None, team_id: str | None, is_org: bool | None
    ) -> dict[str, str]:
        return {
            "client_id": self._client_id,
            "enterprise_id": enterprise_id or "",
            "team_id": "" if is_org else (team_id or ""),
        }

    async def async_save(self, installation: Installation) -> None:
        keys = self._keys(
            installation.enterprise_id, installation.team_id, installation.is_enterprise_install
        )
        await asyncio.to_thread(
            self._repository.save_installation,
            **keys,
            user_id=installation.user_id,
            is_enterprise_install=installation.is_enterprise_install,
            installed_at=datetime.fromtimestamp(installation.installed_at, UTC),
            data=installation_to_json(installation),
        )
        log.info(
            "slack installation saved",
            extra={"platform": "slack", "workspace_id": installation.team_id},
        )

    async def async_find_installation(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
        is_enterprise_install: bool | None = False,
    ) -> Installation | None:
        data = await asyncio.to_thread(
            self._repository.find_installation,
            **self._keys(enterprise_id, team_id, is_enterprise_install),
            user_id=user_id,
        )
        return installation_from_json(data) if data is not None else None

    async def async_find_bot(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        is_enterprise_install: bool | None = False,
    ) -> Bot | None:
        installation = await self.async_find_installation(
            enterprise_id=enterprise_id,
            team_id=team_id,
            is_enterprise_install=is_enterprise_install,
        )
        if installation is None or not installation.bot_token:
            return None
        return installation.to_bot()

    async def async_delete_installation(
        self, *, enterprise_id: str | None, team_id: str | None, user_id: str | None = None
    ) -> None:
        await asyncio.to_thread(
            self._repository.delete_installations,
            **self._keys(enterprise_id, team_id, False),
            user_id=user_id,
        )

    async def async_delete_bot(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        # Installations here are bot installs; without the bot the workspace has nothing left.
        await self.async_delete_all(enterprise_id=enterprise_id, team_id=team_id)

    async def async_delete_all(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        await self.async_delete_installation(enterprise_id=enterprise_id, team_id=team_id)


class DatabaseOAuthStateStore(AsyncOAuthStateStore):
    """OAuth ``state`` values in ``slack_oauth_states``: issued on one replica, consumed on any."""

    def __init__(
        self,
        repository: SqlSlackRepository,
        *,
        expiration_seconds: int = 600,
        clock: Clock = _utcnow,
    ) -> None:
        self._repository = repository
        self._expiration = timedelta(seconds=expiration_seconds)
        self._clock = clock

    @property
    def logger(self) -> logging.Logger:
        return log

    async def async_issue(self, *args: Any, **kwargs: Any) -> str:
        state = secrets.token_urlsafe(32)
        expires_at = self._clock() + self._expiration
        await asyncio.to_thread(self._repository.issue_oauth_state, state, expires_at)
        return state

    async def async_consume(self, state: str) -> bool:
        return await asyncio.to_thread(self._repository.consume_oauth_state, state, self._clock())


@dataclass(frozen=True)
class SlackStores:
    """What a multi-workspace (OAuth) Slack app keeps in our database, built by the
    composition root from one :class:`~storage.slack_repository.SqlSlackRepository`."""

    installations: DatabaseInstallationStore
    states: DatabaseOAuthStateStore

    @classmethod
    def on(cls, repository: SqlSlackRepository, client_id: str) -> SlackStores:
        """Both stores on ``repository``, installations keyed by the app's ``client_id``."""
        return cls(
            DatabaseInstallationStore(repository, client_id), DatabaseOAuthStateStore(repository)
        )
