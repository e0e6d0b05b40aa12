"""Fixtures: the fake Discord server, a core stand-in, and a started runtime against both."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator, Sequence
from dataclasses import dataclass, field

import discord.http
import pytest

from adapters.discord import DiscordRuntime, build_runtime, load_discord_settings
from bot.chat import Caller, ChannelRef, FeedbackKind, Reply
from tests.adapters.discord.fake_discord import FakeDiscord


@dataclass
class FakeCore:
    """Satisfies CommandHandler (and the optional ChannelTopicSource); records every call."""

    replies: dict[str, Reply] = field(default_factory=dict)
    topics: list[str] = field(default_factory=lambda: ["scaling laws", "diffusion -video"])
    handled: list[tuple[ChannelRef, str, Caller]] = field(default_factory=list)
    pressed: list[tuple[ChannelRef, str, FeedbackKind, Caller]] = field(default_factory=list)

    async def handle(self, channel: ChannelRef, text: str, caller: Caller) -> Reply:
        self.handled.append((channel, text, caller))
        verb = text.split(" ", 1)[0]
        return self.replies.get(verb, Reply(text=f"ok: {text}"))

    async def feedback(
        self, channel: ChannelRef, paper_id: str, kind: FeedbackKind, caller: Caller
    ) -> Reply:
        self.pressed.append((channel, paper_id, kind, caller))
        return Reply(text=f"Thanks, noted {kind.value} for {paper_id}.")

    async def channel_topics(self, channel: ChannelRef) -> Sequence[str]:
        return self.topics


@dataclass
class FakeStatus:
    """Satisfies ChannelStatus; records pauses."""

    paused_channels: list[tuple[ChannelRef, str]] = field(default_factory=list)
    paused_workspaces: list[tuple[str, str, str]] = field(default_factory=list)
    workspace_paused: asyncio.Event = field(default_factory=asyncio.Event)
    channel_paused: asyncio.Event = field(default_factory=asyncio.Event)

    async def pause_channel(self, channel: ChannelRef, reason: str) -> None:
        self.paused_channels.append((channel, reason))
        self.channel_paused.set()

    async def pause_workspace(self, platform: str, workspace_id: str, reason: str) -> None:
        self.paused_workspaces.append((platform, workspace_id, reason))
        self.workspace_paused.set()


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
def status() -> FakeStatus:
    return FakeStatus()


@pytest.fixture
def discord_env(monkeypatch: pytest.MonkeyPatch, fake: FakeDiscord) -> None:
    """A REST-only replica talking to the fake, with no pacing delay."""
    monkeypatch.setenv("DISCORD_BOT_TOKEN", "fake-token")
    monkeypatch.setenv("PAPERBOY_DISCORD_API_URL", fake.base_url)
    monkeypatch.setenv("PAPERBOY_DISCORD_GATEWAY", "false")
    monkeypatch.setenv("PAPERBOY_DISCORD_POST_INTERVAL", "0")


@pytest.fixture
async def runtime(
    discord_env: None, core: FakeCore, status: FakeStatus
) -> AsyncIterator[DiscordRuntime]:
    started = build_runtime(load_discord_settings(), core, status)
    await started.start()
    yield started
    await started.stop()
