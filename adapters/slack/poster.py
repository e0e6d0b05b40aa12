"""Posting digests to Slack, and turning Slack's errors into what the core should do.

Error mapping (https://api.slack.com/methods/chat.postMessage#errors): a channel we cannot reach →
:class:`ChannelUnavailable` (the core pauses it; we log once and tell the installer by DM); a dead
token → :class:`WorkspaceUnavailable`; rate limits, 5xx and timeouts that outlived the retry handler
→ :class:`TransientPostError`. Nothing here retries on its own beyond that handler.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.blocks import (
    DIGEST_EVENT_TYPE,
    SlackMessage,
    channel_link,
    clip,
    escape,
    render_digest,
)
from adapters.slack.retry import DEFAULT_MAX_RETRY_AFTER, retry_after_from
from bot.chat import (
    ChannelRef,
    ChannelUnavailable,
    PostError,
    TransientPostError,
    WorkspaceUnavailable,
)
from bot.digests.build import Digest

log = logging.getLogger(__name__)

CHANNEL_ERRORS = {
    "not_in_channel": "Paperboy is not a member of this channel; invite it with /invite @Paperboy.",
    "channel_not_found": "Paperboy cannot see this channel (deleted, or private and not invited).",
    "is_archived": "The channel is archived.",
    "restricted_action": "A workspace policy stops Paperboy from posting here.",
    "restricted_action_read_only_channel": "The channel is read-only for apps.",
    "ekm_access_denied": "The workspace's key management blocks posting here.",
}
WORKSPACE_ERRORS = {
    "token_revoked": "Paperboy's access to this workspace was revoked.",
    "account_inactive": "Paperboy's account in this workspace is inactive.",
    "invalid_auth": "Paperboy's token for this workspace is not valid.",
    "not_authed": "Paperboy has no token for this workspace.",
    "team_access_not_granted": "Paperboy has no access to this workspace.",
    "missing_scope": "Paperboy lacks a permission; reinstall it from /slack/install.",
}
PAYLOAD_ERRORS = frozenset({"invalid_blocks", "msg_blocks_too_long", "msg_too_long"})

TokenLookup = Callable[[str], Awaitable[str | None]]
InstallerLookup = Callable[[str], Awaitable[str | None]]


def error_code(error: SlackApiError) -> str:
    """Slack's error code (``not_in_channel``...), or "" when the body was not Slack's JSON."""
    data = error.response.data
    return str(data.get("error") or "") if isinstance(data, dict) else ""


THREAD_EVENT_TYPE = "paperboy_thread_reply"
THREAD_PART_ATTEMPTS = 3  # rounds of the retry handler a thread part gets before it is dropped


class RateLimited(TransientPostError):
    """Slack still answered 429 after the retry handler; ``retry_after`` is its last ask."""

    def __init__(self, reason: str, retry_after: float) -> None:
        super().__init__(reason)
        self.retry_after = retry_after


def classify(error: Exception) -> PostError:
    """The core's view of a failed Slack call (the caller raises it)."""
    if isinstance(error, SlackApiError):
        code = error_code(error)
        status = error.response.status_code
        if code in CHANNEL_ERRORS:
            return ChannelUnavailable(f"{code}: {CHANNEL_ERRORS[code]}")
        if code in WORKSPACE_ERRORS:
            return WorkspaceUnavailable(f"{code}: {WORKSPACE_ERRORS[code]}")
        if status == 429 or code in ("ratelimited", "rate_limited"):
            return RateLimited("rate limited by Slack", retry_after_from(error.response.headers))
        if status >= 500:
            return TransientPostError(f"Slack answered HTTP {status}")
        return TransientPostError(f"Slack refused the call: {code or status}")
    if isinstance(error, TimeoutError | aiohttp.ClientError):
        return TransientPostError(f"could not reach Slack ({type(error).__name__})")
    return TransientPostError(f"unexpected failure talking to Slack ({type(error).__name__})")


class SlackChatAdapter:
    """:class:`bot.chat.ChatAdapter` for Slack: Block Kit digests with delivery metadata."""

    platform = "slack"

    def __init__(
        self,
        client: AsyncWebClient,
        bot_token: TokenLookup,
        installer: InstallerLookup,
        *,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._client = client
        self._sleep = sleep
        self._bot_token = bot_token
        self._installer = installer
        self._reported: set[str] = set()

    async def _token(self, channel: ChannelRef) -> str:
        try:
            token = await self._bot_token(channel.workspace_id)
        except Exception as error:  # the installation store (our database) is unreachable
            log.exception("slack token lookup failed", extra=channel.log_fields())
            raise TransientPostError("could not read the Slack installation") from error
        if not token:
            raise WorkspaceUnavailable("Paperboy is not installed in this workspace.")
        return token

    async def post_digest(self, channel: ChannelRef, digest: Digest, *, delivery_key: str) -> str:
        """Post the digest (first part in the channel, further parts in its thread).

        Every part carries ``delivery_key`` in its message metadata so :meth:`find_posted`
        can recognise it after a crash. Returns the channel message's ``ts``.
        """
        token = await self._token(channel)
        messages = render_digest(digest)
        first_ts: str | None = None
        for part, message in enumerate(messages, 1):
            metadata = {
                "event_type": DIGEST_EVENT_TYPE,
                "event_payload": {"delivery_key": delivery_key, "part": part},
            }
            try:
                ts = await self._send_part(token, channel, message, metadata, first_ts)
            except PostError as error:
                if first_ts is None:
                    await self._report(channel, error)
                    raise
                # The digest is already in the channel; a missing thread part is not worth
                # a re-post of the whole digest.
                log.warning(
                    "slack digest thread part failed",
                    extra={**channel.log_fields(), "part": part, "reason": error.reason},
                )
                break
            first_ts = first_ts or ts
        assert first_ts is not None  # render_digest always returns at least one message
        self._reported.discard(str(channel))  # fixed: report the next loss again
        return first_ts

    async def _send_part(
        self,
        token: str,
        channel: ChannelRef,
        message: SlackMessage,
        metadata: dict[str, Any],
        thread_ts: str | None,
    ) -> str:
        """Send one part. A thread part still throttled after the retry handler waits the
        ``Retry-After`` Slack gave and tries again (bounded), so a burst of 429s does not
        leave a digest without its tail; the first part goes back to the scheduler instead,
        and so does a part asked to wait longer than the retry handler would."""
        for attempt in range(1, THREAD_PART_ATTEMPTS + 1):
            try:
                return await self._send(token, channel, message, metadata, thread_ts)
            except RateLimited as error:
                last = thread_ts is None or attempt == THREAD_PART_ATTEMPTS
                if last or error.retry_after > DEFAULT_MAX_RETRY_AFTER:
                    raise
                await self._sleep(error.retry_after)
        raise AssertionError("unreachable: the last attempt returns or raises")

    async def _send(
        self,
        token: str,
        channel: ChannelRef,
        message: SlackMessage,
        metadata: dict[str, Any],
        thread_ts: str | None,
    ) -> str:
        kwargs: dict[str, Any] = {
            "token": token,
            "channel": channel.channel_id,
            "text": message.text,
            "unfurl_links": False,
            "unfurl_media": False,
            "metadata": metadata,
        }
        if thread_ts:
            kwargs["thread_ts"] = thread_ts
        try:
            response = await self._client.chat_postMessage(blocks=message.blocks, **kwargs)
        except SlackApiError as error:
            if error_code(error) not in PAYLOAD_ERRORS:
                raise classify(error) from error
            # A payload Slack will never accept: log it and fall back to plain text.
            log.error(
                "slack rejected digest blocks; posting plain text",
                extra={**channel.log_fields(), "error": error_code(error)},
            )
            try:
                response = await self._client.chat_postMessage(**kwargs)
            except Exception as retry_error:
                raise classify(retry_error) from retry_error
        except Exception as error:
            raise classify(error) from error
        return str(response["ts"])

    async def post_reply(self, channel: ChannelRef, text: str, *, thread_ref: str | None) -> str:
        """A follow-up in a paper's thread (``thread_ts``) or a roll-up; its ``ts``."""
        token = await self._token(channel)
        section = {"type": "section", "text": {"type": "mrkdwn", "text": clip(text, 2_900)}}
        message = SlackMessage(text=clip(text, 2_900), blocks=[section])
        metadata = {"event_type": THREAD_EVENT_TYPE, "event_payload": {"kind": "reply"}}
        return await self._send(token, channel, message, metadata, thread_ref)

    def message_link(self, channel: ChannelRef, message_ref: str) -> str | None:
        """Slack's archive link to a message (https://docs.slack.dev/messaging/#permalinks)."""
        if not message_ref.replace(".", "").isdigit():
            return None
        return f"https://slack.com/archives/{channel.channel_id}/p{message_ref.replace('.', '')}"

    async def find_posted(self, channel: ChannelRef, delivery_key: str) -> str | None:
        """The ``ts`` of a recent channel message carrying ``delivery_key``, if any.

        Needs ``channels:history``/``groups:history``; without them Slack says
        ``missing_scope`` and we answer "unknown" (None) rather than fail the delivery.
        """
        token = await self._token(channel)
        try:
            response = await self._client.conversations_history(
                token=token, channel=channel.channel_id, limit=100, include_all_metadata=True
            )
        except SlackApiError as error:
            if error_code(error) == "missing_scope":
                log.warning("slack history not readable", extra=channel.log_fields())
                return None
            raise classify(error) from error
        except Exception as error:
            raise classify(error) from error
        messages: list[dict[str, Any]] = response.get("messages") or []
        for message in messages:
            meta = message.get("metadata") or {}
            payload = meta.get("event_payload") or {}
            if (
                meta.get("event_type") == DIGEST_EVENT_TYPE
                and payload.get("delivery_key") == delivery_key
            ):
                return str(message["ts"])
        return None

    async def _report(self, channel: ChannelRef, error: PostError) -> None:
        """Log a lost channel once and tell the installer by DM, where we know who that is."""
        if not isinstance(error, ChannelUnavailable | WorkspaceUnavailable):
            return
        key = (
            f"ws:{channel.workspace_id}"
            if isinstance(error, WorkspaceUnavailable)
            else str(channel)
        )
        if key in self._reported:
            return
        self._reported.add(key)
        log.warning(
            "slack channel unavailable",
            extra={**channel.log_fields(), "reason": error.reason},
        )
        if isinstance(error, WorkspaceUnavailable):
            return  # no token left to send a DM with
        installer = await self._installer(channel.workspace_id)
        if not installer:
            return
        text = (
            f"I could not post the Paperboy digest to {channel_link(channel.channel_id)}: "
            f"{escape(error.reason.partition(': ')[2] or error.reason)} "
            "Its digests are paused until that is fixed."
        )
        try:
            token = await self._token(channel)
            await self._client.chat_postMessage(
                token=token, channel=installer, text=text, unfurl_links=False, unfurl_media=False
            )
        except Exception as dm_error:  # a failed courtesy DM must not hide the real error
            log.warning(
                "slack installer DM failed",
                extra={**channel.log_fields(), "error": type(dm_error).__name__},
            )
