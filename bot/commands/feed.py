"""``/papers feed [reset]``: a private Atom feed link for the caller, or revoke them all."""

from __future__ import annotations

import asyncio
from datetime import datetime

from bot.channels import ChannelRepository
from bot.chat import Caller, ChannelRef, Reply
from bot.commands.listing import channel_label
from bot.commands.render import error_reply
from bot.operator.feeds import FeedLinks


async def feed_reply(
    links: FeedLinks | None,
    channels: ChannelRepository,
    ref: ChannelRef,
    *,
    reset: bool,
    caller: Caller,
    now: datetime,
) -> Reply:
    """The new link (to the caller only: replies are ephemeral unless said otherwise), or how
    many links ``reset`` revoked. A missing ``PAPERBOY_PUBLIC_URL`` is a ``UserError``."""
    if links is None:
        return error_reply("Feeds are not available in this process.")
    where = channel_label(ref, caller.dialect)
    if reset:
        channel = await asyncio.to_thread(channels.get_channel, ref)
        count = await asyncio.to_thread(links.reset, channel) if channel else 0
        if not count:
            return Reply(text=f"{where} has no feed links to revoke.")
        plural = "link" if count == 1 else "links"
        return Reply(
            text=f"Revoked {count} feed {plural} of {where}: readers using them now get "
            "“not found”. `/papers feed` makes a new one."
        )
    channel = await asyncio.to_thread(channels.ensure_channel, ref, now)
    url = await asyncio.to_thread(links.mint, channel, now)
    return Reply(
        text=f"Your private feed of the papers posted in {where}:\n{url}\n"
        "Anyone with this link can read that list, so keep it to yourself. Asking again makes "
        "another link; `/papers feed reset` revokes them all."
    )
