"""``paperboy serve``'s Discord platform: log in, sync commands, hold the gateway shards.

``PAPERBOY_DISCORD_API_URL`` redirects every REST call (and the interaction follow-ups)
through ``discord.http.Route.BASE`` — a class attribute, so it applies process-wide; tests
point it at a local fake, large fleets at a rate-limit proxy.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence

import discord.http
from aiohttp import web

from adapters.discord.client import PaperboyClient
from adapters.discord.commands import PapersCommands
from adapters.discord.posting import ChannelPacer, DiscordChatAdapter
from adapters.discord.settings import DiscordSettings
from bot.chat import ChannelStatus, CommandHandler

log = logging.getLogger("paperboy.discord")
STOP_TIMEOUT = 10.0


class DiscordRuntime:
    """One Discord platform: a REST login, optional command sync, optional gateway shards."""

    name = "discord"

    def __init__(self, settings: DiscordSettings, client: PaperboyClient) -> None:
        self.settings = settings
        self.client = client
        self.adapter = DiscordChatAdapter(client, ChannelPacer(settings.post_interval))
        self._gateway: asyncio.Task[None] | None = None
        self._started = False

    def http_routes(self) -> Sequence[web.RouteDef]:
        """None: Discord reaches us over the gateway, not over HTTP."""
        return ()

    async def start(self) -> None:
        """Log in (REST), sync commands if asked, then connect the shards in the background.

        With ``PAPERBOY_DISCORD_GATEWAY=false`` the process only posts digests (any replica
        may); exactly one set of processes should hold each shard.
        """
        discord.http.Route.BASE = self.settings.api_url
        self._started = True
        await self.client.login(self.settings.token())
        if self.settings.dev_guild is not None:
            await self.client.sync_commands(self.settings.dev_guild)
        if self.settings.sync_commands:
            await self.client.sync_commands(None)
        if self.settings.gateway:
            self._gateway = asyncio.create_task(self.client.connect(reconnect=True))
            self._gateway.add_done_callback(_report_gateway_end)

    async def stop(self) -> None:
        """Close the gateway and the HTTP session (nothing to do if never started)."""
        if not self._started:
            # discord.py's AutoShardedClient.close() fails before its first login.
            return
        self._started = False
        await self.client.close()
        if self._gateway is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._gateway, STOP_TIMEOUT)
            self._gateway = None


def _report_gateway_end(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("discord gateway stopped", exc_info=task.exception())


def build_runtime(
    settings: DiscordSettings, handler: CommandHandler, status: ChannelStatus
) -> DiscordRuntime:
    """The Discord runtime for ``paperboy serve``; fails fast when the token is missing."""
    settings.token()
    commands = PapersCommands(handler, manage_permission=settings.manage_permission)
    return DiscordRuntime(settings, PaperboyClient(settings, commands, status))
