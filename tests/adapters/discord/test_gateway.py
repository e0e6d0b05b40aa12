"""The whole path over a fake gateway: shards identify, interactions and guild removal arrive
as gateway events, answers go back over REST. Slower than injecting payloads, so kept small."""

from __future__ import annotations

import asyncio

import discord.gateway
import pytest
import yarl

from adapters.discord import build_runtime, load_discord_settings
from tests.kit.core import FakeCore
from tests.kit.discord import APP_ID, GUILD_ID, FakeDiscord
from tests.kit.discord_payloads import interaction, papers_command

pytestmark = [pytest.mark.anyio, pytest.mark.slow]


@pytest.fixture
def gateway_env(discord_env: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAPERBOY_DISCORD_GATEWAY", "true")


async def test_a_command_and_a_removal_arrive_over_the_gateway(
    gateway_env: None, fake: FakeDiscord, core: FakeCore, status: FakeCore
) -> None:
    runtime = build_runtime(load_discord_settings(), core, status)
    await runtime.start()
    try:
        await fake.wait_for(lambda: len(fake.identified) == 1)
        await fake.send_event("INTERACTION_CREATE", interaction(2, papers_command("list")))
        await fake.wait_for(lambda: len(fake.calls("POST", rf"/webhooks/{APP_ID}/[^/]+")) == 1)
        await fake.send_event("GUILD_DELETE", {"id": str(GUILD_ID)})
        await asyncio.wait_for(status.workspace_paused.wait(), 5)
    finally:
        await runtime.stop()

    assert fake.identified[0]["intents"] == discord.Intents(guilds=True, guild_reactions=True).value
    assert fake.identified[0]["shard"] == [0, 1]  # the count Discord recommended
    assert [text for _, text, _ in core.handled] == ["list"]
    assert status.paused_workspaces[0][:2] == ("discord", str(GUILD_ID))


async def test_a_process_runs_only_its_own_shards(
    gateway_env: None,
    monkeypatch: pytest.MonkeyPatch,
    fake: FakeDiscord,
    core: FakeCore,
    status: FakeCore,
) -> None:
    # With an explicit count discord.py skips /gateway/bot and dials its default gateway.
    monkeypatch.setattr(
        discord.gateway.DiscordWebSocket, "DEFAULT_GATEWAY", yarl.URL(fake.gateway_url)
    )
    monkeypatch.setenv("PAPERBOY_DISCORD_SHARD_IDS", "1,3")
    monkeypatch.setenv("PAPERBOY_DISCORD_SHARD_COUNT", "4")
    runtime = build_runtime(load_discord_settings(), core, status)
    await runtime.start()
    try:
        await fake.wait_for(lambda: len(fake.identified) == 2, timeout=20)
    finally:
        await runtime.stop()

    assert sorted(identify["shard"][0] for identify in fake.identified) == [1, 3]
    assert {identify["shard"][1] for identify in fake.identified} == {4}
