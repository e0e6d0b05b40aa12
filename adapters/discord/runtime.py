"""Discord for Paperboy: the REST poster first, then (for serve) commands and gateway shards.

:class:`DiscordPlatform` is what the composition root builds before the digest runner: the
client and the :class:`DiscordChatAdapter` posting through it over REST — all ``paperboy
digest --post`` needs (:meth:`DiscordPlatform.posting` logs in, no gateway). For ``serve``,
:meth:`DiscordPlatform.runtime` hands the client the core's command handler; entering the
runtime logs in, syncs commands if asked and connects the shards.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Sequence

import aiohttp
import discord
from aiohttp import web

from adapters.discord.client import PaperboyClient
from adapters.discord.commands import PapersCommands
from adapters.discord.posting import ChannelPacer, DiscordChatAdapter
from adapters.discord.settings import REJECTED_FIX, UNREACHABLE_FIX, DiscordSettings
from adapters.platform import StartStop
from adapters.settings import load_settings
from bot.chat import ChannelStatus, CommandHandler, SignalHandler
from bot.errors import UserError

log = logging.getLogger("paperboy.discord")
STOP_TIMEOUT = 10.0


def check_manage_permission(settings: DiscordSettings) -> None:
    """``PAPERBOY_DISCORD_MANAGE_PERMISSION`` must name a Discord permission flag."""
    if settings.manage_permission not in discord.Permissions.VALID_FLAGS:
        raise UserError(
            f"Discord settings are invalid: PAPERBOY_DISCORD_MANAGE_PERMISSION "
            f"'{settings.manage_permission}' is not a Discord permission "
            "(e.g. manage_channels, manage_guild, administrator)."
        )


def load_discord_settings() -> DiscordSettings:
    """The Discord part of the settings, checked for what running Discord needs."""
    settings = load_settings().discord
    settings.token()
    check_manage_permission(settings)
    return settings


async def log_in(client: discord.Client, settings: DiscordSettings) -> None:
    """Log in over REST; an unreachable API or a rejected token is a one-line ``UserError``."""
    try:
        await client.login(settings.token())
    except discord.LoginFailure:
        raise UserError(f"Discord rejected DISCORD_BOT_TOKEN: {REJECTED_FIX}.") from None
    except (aiohttp.ClientError, TimeoutError) as exc:
        raise UserError(
            f"Cannot reach Discord at {settings.api_url} ({type(exc).__name__}): {UNREACHABLE_FIX}."
        ) from None


class DiscordPlatform:
    """Discord's client and digest poster; :meth:`runtime` adds commands and the gateway."""

    name = "discord"

    def __init__(self, settings: DiscordSettings) -> None:
        settings.token()  # fail fast, naming the variable
        self.settings = settings
        self.client = PaperboyClient(settings)
        self.adapter = DiscordChatAdapter(self.client, ChannelPacer(settings.post_interval))

    @contextlib.asynccontextmanager
    async def posting(self) -> AsyncIterator[None]:
        """Log in over REST (no gateway) for as long as posts are made, then close."""
        try:
            await log_in(self.client, self.settings)
            yield
        finally:
            await close(self.client)

    def runtime(self, handler: CommandHandler, status: ChannelStatus) -> DiscordRuntime:
        """The runtime answering ``/papers`` through ``handler``."""
        check_manage_permission(self.settings)
        commands = PapersCommands(handler, manage_permission=self.settings.manage_permission)
        self.client.answer(commands, status)
        if isinstance(handler, SignalHandler):
            self.client.reactions = handler
        return DiscordRuntime(self.settings, self.client, self.adapter)


class DiscordRuntime(StartStop):
    """One Discord platform: a REST login, optional command sync, optional gateway shards.

    An async context manager: entering starts, leaving stops.
    """

    name = "discord"

    def __init__(
        self, settings: DiscordSettings, client: PaperboyClient, adapter: DiscordChatAdapter
    ) -> None:
        self.settings = settings
        self.client = client
        self.adapter = adapter
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
        self._started = True
        try:
            await log_in(self.client, self.settings)
            if self.settings.dev_guild is not None:
                await self.client.sync_commands(self.settings.dev_guild)
            if self.settings.sync_commands:
                await self.client.sync_commands(None)
        except BaseException:
            await self.stop()
            raise
        if self.settings.gateway:
            self._gateway = asyncio.create_task(
                self.client.connect(reconnect=True), name="discord-gateway"
            )
            self._gateway.add_done_callback(_report_gateway_end)

    async def stop(self) -> None:
        """Close the gateway and the HTTP session (nothing to do if never started)."""
        if not self._started:
            return
        self._started = False
        await close(self.client)
        if self._gateway is not None:
            gateway, self._gateway = self._gateway, None
            try:
                await asyncio.wait_for(gateway, STOP_TIMEOUT)
            except TimeoutError:
                log.warning("the discord gateway did not close in %ss; abandoned", STOP_TIMEOUT)
            except Exception:  # already reported by _report_gateway_end
                pass


async def close(client: discord.Client) -> None:
    """Close the client's gateway and HTTP session, even after a login that failed."""
    # AutoShardedClient.close() needs the queue login() creates first; a login cancelled
    # before it got that far opened nothing.
    with contextlib.suppress(AttributeError):
        await client.close()


def _report_gateway_end(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("discord gateway stopped", exc_info=task.exception())


def build_runtime(
    settings: DiscordSettings, handler: CommandHandler, status: ChannelStatus
) -> DiscordRuntime:
    """:class:`DiscordPlatform` and its runtime in one step (tests, one-off tools)."""
    return DiscordPlatform(settings).runtime(handler, status)
