"""Fixtures: the fake Discord server, a core stand-in, and a started runtime against both."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import discord.http
import pytest

from adapters.discord import DiscordRuntime, build_runtime, load_discord_settings
from tests.kit.core import FakeCore
from tests.kit.discord import FakeDiscord


@pytest.fixture(autouse=True)
def _restore_route_base() -> Iterator[None]:
    """The runtime points discord.py's class-wide API URL at the fake; put it back."""
    original = discord.http.Route.BASE
    yield
    discord.http.Route.BASE = original


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    server = FakeDiscord()
    await server.start()
    yield server
    await server.close()


@pytest.fixture
def core() -> FakeCore:
    return FakeCore()


@pytest.fixture
def status() -> FakeCore:
    return FakeCore()


@pytest.fixture
def discord_env(monkeypatch: pytest.MonkeyPatch, fake: FakeDiscord) -> None:
    """A REST-only replica talking to the fake, with no pacing delay."""
    monkeypatch.setenv("DISCORD_BOT_TOKEN", "fake-token")
    monkeypatch.setenv("PAPERBOY_DISCORD_API_URL", fake.base_url)
    monkeypatch.setenv("PAPERBOY_DISCORD_GATEWAY", "false")
    monkeypatch.setenv("PAPERBOY_DISCORD_POST_INTERVAL", "0")


@pytest.fixture
async def runtime(
    discord_env: None, core: FakeCore, status: FakeCore
) -> AsyncIterator[DiscordRuntime]:
    started = build_runtime(load_discord_settings(), core, status)
    await started.start()
    yield started
    await started.stop()
