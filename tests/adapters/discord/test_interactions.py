"""Slash commands and buttons, fed as raw gateway payloads through discord.py's own parsing,
answered over its real HTTP client to the fake Discord."""

from __future__ import annotations

from typing import Any

import pytest

from adapters.discord import DiscordRuntime
from bot.chat import FeedbackKind, Reply, Visibility
from tests.adapters.discord.conftest import FakeCore, FakeStatus
from tests.adapters.discord.fake_discord import APP_ID, CHANNEL_ID, GUILD_ID, FakeDiscord
from tests.adapters.discord.payloads import (
    MEMBER,
    button_press,
    interaction,
    papers_autocomplete,
    papers_command,
)

pytestmark = pytest.mark.anyio
EPHEMERAL = 64
CALLBACK = r"/interactions/\d+/[^/]+/callback"
FOLLOWUP = rf"/webhooks/{APP_ID}/[^/]+"


def feed(runtime: DiscordRuntime, payload: dict[str, Any]) -> None:
    """What the gateway does with an INTERACTION_CREATE event."""
    runtime.client._connection.parse_interaction_create(payload)  # type: ignore[arg-type]  # raw dict as the gateway sends it


async def test_search_defers_then_answers_privately(
    runtime: DiscordRuntime, fake: FakeDiscord, core: FakeCore
) -> None:
    feed(runtime, interaction(2, papers_command("search", query="scaling laws")))
    await fake.wait_for(lambda: len(fake.calls("POST", FOLLOWUP)) == 1)

    callback = fake.calls("POST", CALLBACK)[0]
    assert callback.body["type"] == 5
    assert callback.body["data"]["flags"] == EPHEMERAL
    channel, text, caller = core.handled[0]
    assert text == "search scaling laws"
    assert (channel.channel_id, channel.workspace_id) == (str(CHANNEL_ID), str(GUILD_ID))
    assert caller.can_manage
    followup = fake.calls("POST", FOLLOWUP)[0]
    assert followup.body["content"] == "ok: search scaling laws"
    assert followup.body["flags"] & EPHEMERAL
