"""Reactions in, a changed ranking out — through real discord.py over the fake gateway.

Raw ``MESSAGE_REACTION_ADD`` / ``MESSAGE_REACTION_REMOVE`` dispatches arrive on the fake
gateway (the client asks for the non-privileged ``guild_reactions`` intent); votes on our
one-paper digests re-order the next digest, taking them back restores it, and the bot's own
reactions and reactions on messages that are not ours count for nothing.
"""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from adapters.discord import DiscordRuntime
from bot.chat import ChannelRef
from tests.adapters.discord.fake_discord import BOT_ID, CHANNEL_ID, GUILD_ID, FakeDiscord
from tests.adapters.integration.conftest import Core
from tests.adapters.integration.taste_support import (
    post_one_paper_digests,
    preview,
    settled,
)

pytestmark = [pytest.mark.anyio, pytest.mark.slow]

CHANNEL = ChannelRef("discord", str(CHANNEL_ID), str(GUILD_ID), "papers")


@pytest.fixture
def platforms(monkeypatch: pytest.MonkeyPatch, fake_discord: FakeDiscord) -> Sequence[str]:
    """Discord with the gateway, against the fake."""
    monkeypatch.setenv("DISCORD_BOT_TOKEN", "fake-token")
    monkeypatch.setenv("PAPERBOY_DISCORD_API_URL", fake_discord.base_url)
    monkeypatch.setenv("PAPERBOY_DISCORD_GATEWAY", "true")
    monkeypatch.setenv("PAPERBOY_DISCORD_POST_INTERVAL", "0")
    return ("discord",)


async def react(
    fake: FakeDiscord, message_id: str, emoji: str, user: int, *, added: bool = True
) -> None:
    """A raw reaction event on ``message_id`` in the channel, as the gateway sends it."""
    data = {
        "user_id": str(user),
        "channel_id": str(CHANNEL_ID),
        "message_id": message_id,
        "guild_id": str(GUILD_ID),
        "emoji": {"id": None, "name": emoji},
        "burst": False,
        "type": 0,
    }
    await fake.send_event("MESSAGE_REACTION_ADD" if added else "MESSAGE_REACTION_REMOVE", data)


async def test_reactions_over_the_gateway_change_the_ranking(
    core: Core, fake_discord: FakeDiscord
) -> None:
    (runtime,) = core.app.runtimes()
    assert isinstance(runtime, DiscordRuntime)
    async with runtime:
        await fake_discord.wait_for(lambda: len(fake_discord.identified) == 1)
        posted = await post_one_paper_digests(core, CHANNEL, 6)
        before = await preview(core, CHANNEL)

        for message in posted[:4]:
            await react(fake_discord, message, "👍", 501)
            await react(fake_discord, message, "❤️", 501)
        for message in posted[4:]:
            await react(fake_discord, message, "👎🏽", 502)
        await react(fake_discord, posted[0], "👎", BOT_ID)  # the bot's own: not a vote
        await react(fake_discord, "600000000000099999", "👍", 503)  # not ours
        await settled(core, CHANNEL, [(0, 1), (0, 1), (1, 0), (1, 0), (1, 0), (1, 0)])
        after = await preview(core, CHANNEL)
        assert after != before
        assert any("which this channel 👍'd on 11 May" in line for line in after)

        for message in posted[:3]:
            await react(fake_discord, message, "👍", 501, added=False)
            await react(fake_discord, message, "❤️", 501, added=False)
        await settled(core, CHANNEL, [(0, 1), (0, 1), (1, 0)])
        assert await preview(core, CHANNEL) == before

    assert fake_discord.identified[0]["intents"] & (1 << 10)  # GUILD_MESSAGE_REACTIONS
