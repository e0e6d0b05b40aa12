"""The 👍 / 👎 / more-like-this buttons under each paper, and how a press finds its way back.

The buttons are :class:`discord.ui.DynamicItem`\\ s: the ``custom_id`` carries the kind and the
paper id (``pb:fb:up:2406.01234``), so a press is understood by any process, after any
restart, without remembering which message it came from. The client that receives the press
must implement :class:`FeedbackReceiver`.
"""

from __future__ import annotations

import logging
import re
from typing import Any, Protocol, runtime_checkable

import discord

from adapters.discord.rendering import OutgoingMessage
from bot.chat import FeedbackKind

log = logging.getLogger("paperboy.discord")
CUSTOM_ID_PREFIX = "pb:fb"
MAX_CUSTOM_ID = 100
_TEMPLATE = r"pb:fb:(?P<kind>up|down|more):(?P<paper>[A-Za-z0-9._/\-]{1,80})"
_STYLE = {
    FeedbackKind.UP: (discord.ButtonStyle.secondary, "👍", None),
    FeedbackKind.DOWN: (discord.ButtonStyle.secondary, "👎", None),
    FeedbackKind.MORE: (discord.ButtonStyle.primary, None, "More like this"),
}


@runtime_checkable
class FeedbackReceiver(Protocol):
    """What a button press is handed to (the Paperboy Discord client)."""

    async def feedback_pressed(
        self, interaction: discord.Interaction[Any], paper_id: str, kind: FeedbackKind
    ) -> None:
        """Record the press and answer the member."""
        ...


def feedback_custom_id(kind: FeedbackKind, paper_id: str) -> str | None:
    """The button's ``custom_id``; None when the paper id cannot be carried safely."""
    custom_id = f"{CUSTOM_ID_PREFIX}:{kind.value}:{paper_id}"
    if not re.fullmatch(_TEMPLATE, custom_id):
        return None
    return custom_id


class FeedbackButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=_TEMPLATE):
    """One feedback button; its state lives entirely in its ``custom_id``."""

    def __init__(self, kind: FeedbackKind, paper_id: str, position: int) -> None:
        style, emoji, label = _STYLE[kind]
        text = f"{label} #{position}" if label else f"#{position}"
        super().__init__(
            discord.ui.Button(
                style=style,
                emoji=emoji,
                label=text,
                custom_id=f"{CUSTOM_ID_PREFIX}:{kind.value}:{paper_id}",
            )
        )
        self.kind = kind
        self.paper_id = paper_id

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
    ) -> FeedbackButton:
        """Rebuild the button from a press (Discord sends only the ``custom_id``)."""
        return cls(FeedbackKind(match["kind"]), match["paper"], 0)

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        """Hand the press to the client; anything else is a wiring bug worth a log line."""
        client = interaction.client
        if isinstance(client, FeedbackReceiver):
            await client.feedback_pressed(interaction, self.paper_id, self.kind)
        else:
            log.error("feedback press reached a client without a receiver: %r", type(client))


def feedback_view(message: OutgoingMessage) -> discord.ui.View | None:
    """One row of buttons per paper card in ``message``; None when there is nothing to press."""
    view = discord.ui.View(timeout=None)
    for row, card in enumerate(message.cards):
        if feedback_custom_id(FeedbackKind.MORE, card.paper_id) is None:
            continue
        for kind in FeedbackKind:
            button = FeedbackButton(kind, card.paper_id, card.position)
            button.item.row = row
            view.add_item(button)
    return view if view.children else None
