"""The Paperboy Discord client: an AutoShardedClient with the ``/papers`` tree.

Intents are the minimum: slash commands and button presses need none, ``guilds`` tells us
when the bot is removed from a server, ``guild_reactions`` (not privileged) brings the raw
reaction events that count as votes
(https://discord.com/developers/docs/events/gateway#gateway-intents). Mentions are disabled
client-wide, so nothing the bot sends can ping, whatever a paper title says.

The client is built before the core (the digest runner posts through it); the runtime hands
it the ``/papers`` commands and the channel-status sink with :meth:`PaperboyClient.answer`
before the gateway connects — the order discord.py itself expects for a command tree.
"""

from __future__ import annotations

import logging
from typing import Any

import discord
import discord.http
from discord import app_commands

from adapters.discord.commands import SORRY, PapersCommands
from adapters.discord.feedback import FeedbackButton
from adapters.discord.settings import DiscordSettings
from bot.chat import ChannelRef, ChannelStatus, FeedbackKind, SignalHandler

log = logging.getLogger("paperboy.discord")
REMOVED_REASON = "the bot was removed from this Discord server"
CHANNEL_DELETED_REASON = "the channel was deleted"


class PaperboyClient(discord.AutoShardedClient):
    """Receives interactions and guild events; posts through its REST client."""

    def __init__(self, settings: DiscordSettings) -> None:
        intents = discord.Intents.none()
        intents.guilds = True
        intents.guild_reactions = True
        # Without ids, discord.py runs every shard (asking Discord how many when count is None).
        shards: dict[str, Any] = {"shard_count": settings.shard_count}
        if settings.shard_id_list:
            shards["shard_ids"] = settings.shard_id_list
        super().__init__(
            intents=intents,
            allowed_mentions=discord.AllowedMentions.none(),
            max_ratelimit_timeout=settings.max_ratelimit_wait,
            **shards,
        )
        self.api_url = settings.api_url
        self.commands: PapersCommands | None = None
        self.channel_status: ChannelStatus | None = None
        self.reactions: SignalHandler | None = None
        self.tree = PapersTree(self)

    def answer(self, commands: PapersCommands, status: ChannelStatus) -> None:
        """Route ``/papers`` and the feedback buttons to ``commands`` and lost-access events
        to ``status``; once, before the gateway connects."""
        if self.commands is not None:
            raise RuntimeError("this client already answers /papers")
        self.commands = commands
        self.channel_status = status
        self.tree.add_command(commands.group)

    async def login(self, token: str) -> None:
        """Log in over REST at ``PAPERBOY_DISCORD_API_URL`` (see :func:`route_rest_calls_to`)."""
        route_rest_calls_to(self.api_url)
        await super().login(token)

    async def setup_hook(self) -> None:
        """Buttons of every digest ever posted keep working after a restart."""
        self.add_dynamic_items(FeedbackButton)

    async def sync_commands(self, guild_id: int | None) -> list[str]:
        """Upload ``/papers``: to one guild (instant, for development) or globally."""
        if guild_id is None:
            synced = await self.tree.sync()
        else:
            guild = discord.Object(id=guild_id)
            self.tree.copy_global_to(guild=guild)
            synced = await self.tree.sync(guild=guild)
        log.info(
            "discord commands synced to %s",
            f"guild {guild_id}" if guild_id else "every guild",
            extra={"platform": "discord", "workspace_id": str(guild_id or "")},
        )
        return [command.name for command in synced]

    async def feedback_pressed(
        self, interaction: discord.Interaction[Any], paper_id: str, kind: FeedbackKind
    ) -> None:
        """A feedback button was pressed (see :mod:`adapters.discord.feedback`)."""
        if self.commands is None:  # a posting-only client never connects the gateway
            return
        await self.commands.feedback_pressed(interaction, paper_id, kind)

    async def on_raw_reaction_add(self, payload: discord.RawReactionActionEvent) -> None:
        """A reaction added anywhere the bot can see: maybe a vote (the core decides)."""
        await self._reaction(payload, added=True)

    async def on_raw_reaction_remove(self, payload: discord.RawReactionActionEvent) -> None:
        """A reaction taken back: the vote it was goes too."""
        await self._reaction(payload, added=False)

    async def _reaction(self, payload: discord.RawReactionActionEvent, *, added: bool) -> None:
        """Raw events, because they come for messages outside the client's cache too (a
        digest posted before a restart); the bot's own reactions are not votes."""
        if self.reactions is None or (self.user is not None and payload.user_id == self.user.id):
            return
        guild = str(payload.guild_id) if payload.guild_id else ""
        channel = ChannelRef("discord", str(payload.channel_id), guild)
        await self.reactions.react(
            channel, str(payload.message_id), str(payload.user_id), str(payload.emoji), added=added
        )

    async def on_guild_remove(self, guild: discord.Guild) -> None:
        """Kicked or banned from a server: pause all its channels (the core decides how)."""
        log.warning(
            "discord guild removed", extra={"platform": "discord", "workspace_id": str(guild.id)}
        )
        if self.channel_status is not None:
            await self.channel_status.pause_workspace("discord", str(guild.id), REMOVED_REASON)

    async def on_guild_channel_delete(self, channel: discord.abc.GuildChannel) -> None:
        """A deleted channel will never take a digest again: pause it before the next post."""
        ref = ChannelRef("discord", str(channel.id), str(channel.guild.id), channel.name)
        if self.channel_status is not None:
            await self.channel_status.pause_channel(ref, CHANNEL_DELETED_REASON)


def route_rest_calls_to(api_url: str) -> None:
    """Send every discord.py REST call (and interaction follow-up) to ``api_url``.

    discord.py has no per-client base URL: every request builds its URL from the class
    attribute ``discord.http.Route.BASE`` (a ``ClassVar``; ``HTTPClient`` takes a proxy but no
    base), see https://github.com/Rapptz/discord.py/blob/master/discord/http.py. So this is
    the one place Paperboy changes it, process-wide, right before logging in. One process
    serves one Discord API (``PAPERBOY_DISCORD_API_URL``: a local fake in tests, a rate-limit
    proxy for large fleets), so the global is never contended; the default leaves it alone.
    """
    if api_url != discord.http.Route.BASE:
        discord.http.Route.BASE = api_url


class PapersTree(app_commands.CommandTree[PaperboyClient]):
    """The command tree, with errors turned into an apology."""

    async def on_error(
        self, interaction: discord.Interaction[PaperboyClient], error: app_commands.AppCommandError
    ) -> None:
        """A bug in a command: log it; the member gets an apology, never the exception."""
        log.error("discord command error", exc_info=error)
        if interaction.response.is_done():
            await interaction.followup.send(SORRY, ephemeral=True)
        else:
            await interaction.response.send_message(SORRY, ephemeral=True)
