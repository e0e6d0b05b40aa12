"""Digests posted to Discord channels over plain REST, with per-channel pacing.

Any replica that has logged in (``client.login``, no gateway needed) can post: a digest is a
few ``POST /channels/{id}/messages``. discord.py already sleeps on 429 and learns the rate
limit buckets; the core's :class:`bot.pacing.KeyedPacer`, keyed by channel, adds our own
spacing so one busy channel never drains its bucket into 429s (which count towards Discord's
invalid-request ban), and holds the channel for a whole digest.

Access errors are never retried: 50001 Missing Access, 50013 Missing Permissions and 10003
Unknown Channel become :class:`~bot.chat.ChannelUnavailable` so the core pauses the channel.
"""

from __future__ import annotations

import hashlib
import logging

import aiohttp
import discord

from adapters.discord.feedback import feedback_view
from adapters.discord.rendering import MAX_CONTENT, clip, digest_messages, escape_text
from bot.chat import (
    ChannelRef,
    ChannelUnavailable,
    PostError,
    TransientPostError,
    WorkspaceUnavailable,
)
from bot.digests.build import Digest
from bot.pacing import KeyedPacer

log = logging.getLogger("paperboy.discord")

MISSING_ACCESS = 50001
MISSING_PERMISSIONS = 50013
UNKNOWN_CHANNEL = 10003
UNKNOWN_GUILD = 10004
_CHANNEL_GONE = {
    MISSING_ACCESS: "the bot cannot see this channel (50001 Missing Access)",
    MISSING_PERMISSIONS: "the bot lacks Send Messages or Embed Links here (50013)",
    UNKNOWN_CHANNEL: "the channel was deleted (10003 Unknown Channel)",
}
MAX_NONCE = 25


def delivery_nonce(delivery_key: str, index: int) -> str:
    """A ≤ 25-character nonce for message ``index`` of the delivery ``delivery_key``.

    Sent with ``enforce_nonce``: a retry with the same nonce within a few minutes returns the
    message already created instead of posting it twice.
    """
    digest = hashlib.sha256(delivery_key.encode()).hexdigest()
    suffix = f"-{index}"
    return digest[: MAX_NONCE - len(suffix)] + suffix


ChannelPacer = KeyedPacer  # keyed by channel id; kept as the name the runtime builds


class DiscordChatAdapter:
    """The :class:`bot.chat.ChatAdapter` for Discord, posting through a logged-in client."""

    platform = "discord"

    def __init__(self, client: discord.Client, pacer: KeyedPacer) -> None:
        self._client = client
        self._pacer = pacer
        self._reported: set[tuple[str, int]] = set()

    async def post_digest(self, channel: ChannelRef, digest: Digest, *, delivery_key: str) -> str:
        """Post the digest as embed messages; return the id of the first one."""
        target = self._messageable(channel)
        first_id: str | None = None
        async with self._pacer.turn(channel.channel_id) as turn:
            for index, message in enumerate(digest_messages(digest)):
                view = feedback_view(message)
                try:
                    async with turn.request():
                        sent = await target.send(
                            content=message.content,
                            embeds=message.embeds,
                            nonce=delivery_nonce(delivery_key, index),
                            allowed_mentions=discord.AllowedMentions.none(),
                            view=view or discord.utils.MISSING,
                        )
                except discord.RateLimited as exc:
                    raise TransientPostError(f"rate limited for {exc.retry_after:.0f} s") from exc
                except discord.HTTPException as exc:
                    raise self._translate(channel, exc) from exc
                except (aiohttp.ClientError, TimeoutError) as exc:
                    raise TransientPostError(f"network error: {type(exc).__name__}") from exc
                first_id = first_id or str(sent.id)
        return first_id or ""

    async def post_reply(self, channel: ChannelRef, text: str, *, thread_ref: str | None) -> str:
        """A follow-up as a reply to the message that carried the paper, or a roll-up."""
        target = self._messageable(channel)
        reference: discord.MessageReference | None = None
        if thread_ref and thread_ref.isdigit():
            reference = discord.MessageReference(
                message_id=int(thread_ref),
                channel_id=int(channel.channel_id),
                fail_if_not_exists=False,
            )
        async with self._pacer.turn(channel.channel_id) as turn:
            try:
                async with turn.request():
                    sent = await target.send(
                        content=clip(escape_text(text), MAX_CONTENT),
                        reference=reference or discord.utils.MISSING,
                        allowed_mentions=discord.AllowedMentions.none(),
                    )
            except discord.RateLimited as exc:
                raise TransientPostError(f"rate limited for {exc.retry_after:.0f} s") from exc
            except discord.HTTPException as exc:
                raise self._translate(channel, exc) from exc
            except (aiohttp.ClientError, TimeoutError) as exc:
                raise TransientPostError(f"network error: {type(exc).__name__}") from exc
        return str(sent.id)

    def message_link(self, channel: ChannelRef, message_ref: str) -> str | None:
        """``https://discord.com/channels/<guild>/<channel>/<message>``."""
        if not (channel.workspace_id.isdigit() and message_ref.isdigit()):
            return None
        return f"https://discord.com/channels/{channel.workspace_id}/{channel.channel_id}/{message_ref}"

    async def find_posted(self, channel: ChannelRef, delivery_key: str) -> str | None:
        """Always None: Discord cannot look a message up by its nonce.

        The nonce is not stored on the message (reading the channel history does not show
        it), so there is nothing to search for. Re-posting is safe instead: the same
        ``delivery_key`` gives the same nonces, and ``enforce_nonce`` makes Discord return the
        messages it already created (for a few minutes after the first attempt).
        """
        return None

    def _messageable(self, channel: ChannelRef) -> discord.PartialMessageable:
        if not channel.channel_id.isdigit():
            raise ChannelUnavailable(f"'{channel.channel_id}' is not a Discord channel id")
        guild_id = int(channel.workspace_id) if channel.workspace_id.isdigit() else None
        return self._client.get_partial_messageable(int(channel.channel_id), guild_id=guild_id)

    def _translate(self, channel: ChannelRef, exc: discord.HTTPException) -> PostError:
        """Map Discord's answer to what the core should do; log access loss once."""
        if exc.code in _CHANNEL_GONE:
            reason = _CHANNEL_GONE[exc.code]
            self._log_once(channel, exc.code, reason)
            return ChannelUnavailable(reason)
        if exc.code == UNKNOWN_GUILD:
            return WorkspaceUnavailable("the bot is no longer in this server (10004)")
        if exc.status == 401:
            log.error("discord rejected the bot token (401); check DISCORD_BOT_TOKEN")
            return WorkspaceUnavailable("the bot token was rejected (401)")
        if exc.status in (403, 404):
            # Other access errors: retrying only feeds Discord's invalid-request counter.
            self._log_once(channel, exc.code, f"HTTP {exc.status} code {exc.code}")
            return ChannelUnavailable(f"Discord refused the post (HTTP {exc.status}, {exc.code})")
        if exc.status == 429 or exc.status >= 500:
            return TransientPostError(f"Discord answered HTTP {exc.status}")
        log.error(
            "discord rejected a digest post",
            extra={**channel.log_fields(), "status": exc.status, "code": exc.code},
        )
        return PostError(f"Discord rejected the post (HTTP {exc.status}, code {exc.code})")

    def _log_once(self, channel: ChannelRef, code: int, reason: str) -> None:
        key = (str(channel), code)
        if key in self._reported:
            return
        self._reported.add(key)
        log.warning("discord channel unavailable: %s: %s", channel, reason)
