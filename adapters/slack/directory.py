"""Who a Slack member is, for the workspace's rule on who manages channels.

:class:`bot.chat.MemberDirectory` for Slack, asked only when a workspace chose a rule other
than everyone. ``users.info`` says whether the member is an admin or owner
(https://api.slack.com/methods/users.info: ``is_admin``, ``is_owner``, ``is_primary_owner``);
``usergroups.list`` finds a group's id from its handle and ``usergroups.users.list`` its
members (https://api.slack.com/methods/usergroups.users.list). Answers are cached for a
minute per workspace: a burst of commands costs one lookup, and a change of role or group
takes effect within the minute. A Slack error becomes :class:`bot.chat.DirectoryUnavailable`
with a plain reason (a missing scope says which one to add); the code goes to the log.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.chat import DirectoryUnavailable

log = logging.getLogger(__name__)

CACHE_SECONDS = 60.0
# What the app must be granted for these lookups (deploy/slack-manifest.yaml lists them).
DIRECTORY_SCOPES = ("users:read", "usergroups:read")
Clock = Callable[[], float]


def _reason(exc: SlackApiError) -> str:
    """A plain sentence for the member; Slack's code stays in the log."""
    error = str(exc.response.get("error", "")) if exc.response is not None else ""
    if error == "missing_scope":
        needed = exc.response.get("needed") or " and ".join(DIRECTORY_SCOPES)
        return f"Paperboy lacks Slack's {needed} scope (reinstall the app from its manifest)."
    return "Slack did not answer my question about your account."


@dataclass
class SlackDirectory:
    """The per-workspace cache; :meth:`member` gives one caller's view of it."""

    ttl: float = CACHE_SECONDS
    clock: Clock = time.monotonic
    _cache: dict[tuple[str, ...], tuple[float, Any]] = field(default_factory=dict)

    async def _cached(self, key: tuple[str, ...], fetch: Callable[[], Awaitable[Any]]) -> Any:
        now = self.clock()
        hit = self._cache.get(key)
        if hit is not None and now - hit[0] < self.ttl:
            return hit[1]
        try:
            value = await fetch()
        except SlackApiError as exc:
            log.warning(
                "slack directory lookup failed",
                extra={"platform": "slack", "workspace_id": key[1], "lookup": key[0]},
                exc_info=True,
            )
            raise DirectoryUnavailable(_reason(exc)) from None
        self._cache[key] = (now, value)
        return value

    async def is_admin(self, client: AsyncWebClient, team_id: str, user_id: str) -> bool:
        """Whether ``user_id`` is an admin or owner of ``team_id``."""

        async def fetch() -> bool:
            user = (await client.users_info(user=user_id)).get("user") or {}
            return any(user.get(k) for k in ("is_admin", "is_owner", "is_primary_owner"))

        return bool(await self._cached(("users.info", team_id, user_id), fetch))

    async def group_members(
        self, client: AsyncWebClient, team_id: str, handle: str
    ) -> frozenset[str] | None:
        """The members of the group called ``handle`` in ``team_id``; None: no such group."""

        async def fetch() -> frozenset[str] | None:
            groups = (await client.usergroups_list()).get("usergroups") or []
            found = next((g for g in groups if str(g.get("handle", "")).lower() == handle), None)
            if found is None:
                return None
            users = (await client.usergroups_users_list(usergroup=found["id"])).get("users")
            return frozenset(users or ())

        members: frozenset[str] | None = await self._cached(
            ("usergroups.users.list", team_id, handle), fetch
        )
        return members

    def member(self, client: AsyncWebClient, team_id: str, user_id: str) -> SlackMember:
        """The caller's :class:`bot.chat.MemberDirectory`, through this request's client
        (Bolt gives each request a client with that workspace's token)."""
        return SlackMember(self, client, team_id, user_id)


@dataclass(frozen=True)
class SlackMember:
    """One caller as the core asks about them."""

    directory: SlackDirectory
    client: AsyncWebClient
    team_id: str
    user_id: str

    async def is_admin(self) -> bool:
        """Whether the caller is a workspace admin or owner."""
        return await self.directory.is_admin(self.client, self.team_id, self.user_id)

    async def in_group(self, handle: str) -> bool | None:
        """Whether the caller is in the group ``handle``; None: the group does not exist."""
        members = await self.directory.group_members(self.client, self.team_id, handle)
        return None if members is None else self.user_id in members
