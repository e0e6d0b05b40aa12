"""The issue's "done when", in one scripted guild against the fake Discord."""

from __future__ import annotations

from typing import Any

import pytest

from adapters.discord import DiscordRuntime, build_runtime, load_discord_settings
from adapters.discord.posting import delivery_nonce
from bot.chat import ChannelRef, ChannelUnavailable, FeedbackKind, Reply
from tests.kit.core import FakeCore
from tests.kit.discord import APP_ID, CHANNEL_ID, GUILD_ID, FakeDiscord
from tests.kit.discord_payloads import button_press, interaction, papers_command
from tests.kit.papers import digest_of, paper

pytestmark = pytest.mark.anyio
FOLLOWUP = rf"/webhooks/{APP_ID}/[^/]+"
MESSAGES = f"/channels/{CHANNEL_ID}/messages"


def feed(runtime: DiscordRuntime, payload: dict[str, Any]) -> None:
    runtime.client._connection.parse_interaction_create(payload)  # type: ignore[arg-type]  # raw dict as the gateway sends it


async def test_a_guild_syncs_subscribes_gets_a_digest_searches_and_presses_buttons(
    discord_env: None,
    monkeypatch: pytest.MonkeyPatch,
    fake: FakeDiscord,
    core: FakeCore,
    status: FakeCore,
) -> None:
    monkeypatch.setenv("PAPERBOY_DISCORD_DEV_GUILD", str(GUILD_ID))
    runtime = build_runtime(load_discord_settings(), core, status)
    await runtime.start()
    try:
        assert fake.commands[str(GUILD_ID)][0]["name"] == "papers"

        core.replies["subscribe"] = Reply(text="Subscribed.", announce="Now following diffusion.")
        feed(runtime, interaction(2, papers_command("subscribe", topic="diffusion")))
        await fake.wait_for(lambda: len(fake.calls("POST", FOLLOWUP)) == 2)

        # The scheduler posts the digest through the runtime's adapter.
        channel = ChannelRef("discord", str(CHANNEL_ID), str(GUILD_ID))
        digest = digest_of([paper(n) for n in range(1, 4)])
        await runtime.adapter.post_digest(channel, digest, delivery_key="sub:1:2026-11-26")
        posted = fake.by_nonce[delivery_nonce("sub:1:2026-11-26", 0)]
        assert len(posted["embeds"]) == 3

        feed(runtime, interaction(2, papers_command("search", query="diffusion")))
        await fake.wait_for(lambda: len(fake.calls("POST", FOLLOWUP)) == 3)

        # A member presses "more like this" on the second paper of the posted message.
        more = posted["components"][1]["components"][2]["custom_id"]
        feed(runtime, interaction(3, button_press(more), message=posted))
        await fake.wait_for(lambda: len(core.feedbacks) == 1)

        fake.fail_next(MESSAGES, 403, 50013, "Missing Permissions")
        with pytest.raises(ChannelUnavailable):
            await runtime.adapter.post_digest(channel, digest, delivery_key="sub:1:2026-11-27")
    finally:
        await runtime.stop()

    assert [text for _, text, _ in core.handled] == ["subscribe diffusion", "search diffusion"]
    assert core.feedbacks[0][1:3] == ("2411.00002", FeedbackKind.MORE)
    assert len(fake.calls("POST", MESSAGES)) == 2  # the digest, then one refused call
