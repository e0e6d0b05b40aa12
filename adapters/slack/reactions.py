"""Emoji reactions as votes: Slack's ``reaction_added`` / ``reaction_removed`` events.

Needs the ``reactions:read`` scope and both bot events in the app manifest
(https://docs.slack.dev/reference/events/reaction_added). The event names the message by
channel and ``ts``; the core decides whether that is a message of ours naming one paper and
whether the emoji is a vote. Only reactions on messages (not files) are passed on.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.app.async_app import AsyncApp

from bot.chat import ChannelRef, SignalHandler

log = logging.getLogger(__name__)

REACTION_EVENTS = ("reaction_added", "reaction_removed")


def register_reactions(app: AsyncApp, handler: SignalHandler) -> None:
    """Route both reaction events to ``handler``."""

    async def on_reaction(body: dict[str, Any], event: dict[str, Any]) -> None:
        item = event.get("item") or {}
        if item.get("type") != "message":
            return
        channel = ChannelRef("slack", str(item.get("channel", "")), str(body.get("team_id") or ""))
        await handler.react(
            channel,
            str(item.get("ts", "")),
            str(event.get("user", "")),
            str(event.get("reaction", "")),
            added=event.get("type") == "reaction_added",
        )

    for name in REACTION_EVENTS:
        app.event(name)(on_reaction)
