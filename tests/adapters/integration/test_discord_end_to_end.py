"""Issue 7's "done when" with the real core: a guild syncs the commands, subscribes a channel,
receives the scheduler's digest as embeds, searches and presses the buttons; a channel that
lost the bot's permission is paused after one failed call, and says so.

Everything below the Discord interaction payloads is real: discord.py's parsing and HTTP
client, the composition root, CommandService, SqlChannelRepository, DigestRunner and Scheduler on
the suite's database. Only Discord itself is the local fake from tests/adapters/discord.
"""

from __future__ import annotations

import asyncio
import copy
import re
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import discord
import pytest

from adapters.discord import DiscordRuntime
from adapters.discord.rendering import escape_text
from bot.channels import ChannelSettings
from bot.chat import Caller, ChannelRef
from bot.digests.channel import build_channel_digest
from tests.adapters.discord.fake_discord import (
    APP_ID,
    CHANNEL_ID,
    GUILD_ID,
    FakeDiscord,
    Recorded,
)
from tests.adapters.discord.payloads import (
    BOT_CAN_POST,
    MEMBER,
    button_press,
    interaction,
    papers_autocomplete,
    papers_command,
)
from tests.adapters.integration.conftest import Core, feedback_counts

pytestmark = pytest.mark.anyio

CHANNEL = ChannelRef("discord", str(CHANNEL_ID), str(GUILD_ID), "papers")
OTHER = ChannelRef("discord", "700000000000000002", str(GUILD_ID), "reading-group")
FOLLOWUP = rf"/webhooks/{APP_ID}/[^/]+"
CALLBACK = r"/interactions/\d+/[^/]+/callback"
EPHEMERAL = 64
TOPIC = "scaling laws"
LIVE_LINK = re.compile(r"(?<!\\)\[[^\]]*\]\(")  # [label]( not escaped: Discord renders a link


def messages_path(channel: ChannelRef) -> str:
    """Where digests for ``channel`` are posted."""
    return f"/channels/{channel.channel_id}/messages"


@dataclass
class Guild:
    """One guild whose members talk to the real core through the Discord runtime."""

    fake: FakeDiscord
    core: Core
    runtime: DiscordRuntime

    async def papers(
        self,
        sub: str,
        *,
        channel: ChannelRef = CHANNEL,
        answers: int = 1,
        path: str = FOLLOWUP,
        bot_can: discord.Permissions = BOT_CAN_POST,
        **options: Any,
    ) -> list[Recorded]:
        """``/papers <sub> option:value…`` in ``channel`` (the bot holding ``bot_can``
        there); the answers it produced at ``path`` (follow-ups unless told otherwise)."""
        payload = interaction(2, papers_command(sub, **options), app_permissions=bot_can)
        return await self._feed(in_channel(payload, channel), path, answers)

    async def press(self, custom_id: str, message: dict[str, Any]) -> list[Recorded]:
        """A member presses a button under ``message``; the follow-ups it produced."""
        payload = interaction(3, button_press(custom_id), message=message)
        return await self._feed(payload, FOLLOWUP, 1)

    async def autocomplete(self, sub: str, option: str, typed: str) -> list[str]:
        """The choices Discord would show while a member types into ``option``."""
        payload = interaction(4, papers_autocomplete(sub, option, typed))
        (answer,) = await self._feed(payload, CALLBACK, 1)
        return [choice["value"] for choice in answer.body["data"]["choices"]]

    async def _feed(self, payload: dict[str, Any], path: str, count: int) -> list[Recorded]:
        before = len(self.fake.calls("POST", path))
        self.runtime.client._connection.parse_interaction_create(payload)  # type: ignore[arg-type]  # raw dict as the gateway sends it
        await self.fake.wait_for(lambda: len(self.fake.calls("POST", path)) >= before + count)
        return self.fake.calls("POST", path)[before:]

    def posts(self, channel: ChannelRef = CHANNEL) -> list[Recorded]:
        """Every digest message the fake received for ``channel``."""
        return self.fake.calls("POST", messages_path(channel))

    def settings(self, channel: ChannelRef = CHANNEL) -> ChannelSettings:
        """The channel as stored."""
        found = self.core.app.channels.get_channel(channel)
        assert found is not None
        return found


def in_channel(payload: dict[str, Any], channel: ChannelRef) -> dict[str, Any]:
    """The same interaction, happening in ``channel``."""
    moved = copy.deepcopy(payload)
    moved["channel_id"] = channel.channel_id
    moved["channel"].update(id=channel.channel_id, name=channel.name)
    return moved


@pytest.fixture
def platforms(monkeypatch: pytest.MonkeyPatch, fake_discord: FakeDiscord) -> Sequence[str]:
    """A REST-only replica that syncs to the development guild, no pacing delay."""
    monkeypatch.setenv("DISCORD_BOT_TOKEN", "fake-token")
    monkeypatch.setenv("PAPERBOY_DISCORD_API_URL", fake_discord.base_url)
    monkeypatch.setenv("PAPERBOY_DISCORD_GATEWAY", "false")
    monkeypatch.setenv("PAPERBOY_DISCORD_POST_INTERVAL", "0")
    monkeypatch.setenv("PAPERBOY_DISCORD_DEV_GUILD", str(GUILD_ID))
    return ("discord",)


@asynccontextmanager
async def started(core: Core, fake: FakeDiscord) -> AsyncIterator[Guild]:
    """The Discord runtime ``serve`` would build for ``core``, entered, left after."""
    (runtime,) = core.app.runtimes()
    assert isinstance(runtime, DiscordRuntime)
    assert core.app.runner.adapter_for("discord") is runtime.adapter
    async with runtime:
        yield Guild(fake, core, runtime)


@pytest.fixture
async def guild(core: Core, fake_discord: FakeDiscord) -> AsyncIterator[Guild]:
    """``serve --adapter discord`` in-process, logged in and synced against the fake."""
    async with started(core, fake_discord) as running:
        yield running


async def subscribe_and_schedule(guild: Guild, channel: ChannelRef = CHANNEL) -> None:
    """A manager subscribes ``channel`` to the topic, daily at 09:00 UTC."""
    await guild.papers("subscribe", channel=channel, answers=2, topic=TOPIC)
    await guild.papers("schedule", channel=channel, answers=2, spec="daily 09:00 UTC")


async def test_a_guild_syncs_subscribes_gets_the_digest_searches_and_presses_buttons(
    guild: Guild,
) -> None:
    assert [c["name"] for c in guild.fake.commands[str(GUILD_ID)]] == ["papers"]

    answer, announced = await guild.papers("subscribe", answers=2, topic=TOPIC)
    assert answer.body["flags"] & EPHEMERAL
    assert answer.body["content"].startswith(f"Subscribed #papers to “{TOPIC}”")
    assert not announced.body.get("flags", 0) & EPHEMERAL
    assert announced.body["content"] == f"Ada subscribed this channel to “{TOPIC}”."
    assert announced.body["allowed_mentions"] == {"parse": []}
    await guild.papers("schedule", answers=2, spec="daily 09:00 UTC")
    stored = guild.settings()
    assert stored.ref == CHANNEL  # the guild and the channel's name, as Discord sent them
    assert await guild.autocomplete("unsubscribe", "topic", "scal") == [TOPIC]

    # 09:00: the scheduler posts the digest the ranking chose, as embeds.
    guild.core.clock.advance(hours=1, seconds=30)
    app = guild.core.app
    chosen = build_channel_digest(stored, app.library.ranker, app.channels, now=guild.core.clock())
    (preview,) = await guild.papers("digest", preview=True)  # only Ada sees it
    assert preview.body["flags"] & EPHEMERAL
    assert len(preview.body["embeds"]) == len(preview.body["components"]) == 2
    assert guild.posts() == []
    assert (await guild.core.scheduler.tick())["posted"] == 1
    (digest,) = guild.posts()
    embeds = digest.body["embeds"]
    assert len(embeds) == len(chosen.items) == 2
    for embed, item in zip(embeds, chosen.items, strict=True):
        assert escape_text(item.ranked.paper.title) in embed["title"]
        assert escape_text(item.ranked.why) in embed["description"]  # the reason line
        assert embed["thumbnail"]["url"] == item.ranked.paper.thumbnail
    assert digest.body["allowed_mentions"] == {"parse": []}
    ids = [item.ranked.paper.arxiv_id for item in chosen.items]
    assert app.channels.delivered_ids(stored.pk) == set(ids)

    # A search is private, and shows papers as embeds.
    (found,) = await guild.papers("search", query="diffusion distillation")
    assert found.body["flags"] & EPHEMERAL
    assert found.body["content"].startswith("Results for **diffusion distillation** — ")
    titles = " ".join(e["title"] for e in found.body["embeds"])
    assert "Continuous-Time Distribution Matching" in titles
    assert await guild.autocomplete("search", "query", "diff") == ["diffusion distillation"]

    # The digest's buttons, pressed on the posted message: stored, "more" answers with papers.
    posted = guild.fake.by_nonce[digest.body["nonce"]]
    row = posted["components"][0]["components"]
    up, _, more = (button["custom_id"] for button in row)
    (thanks,) = await guild.press(up, posted)
    assert thanks.body["flags"] & EPHEMERAL and "noted" in thanks.body["content"]
    (similar,) = await guild.press(more, posted)
    assert similar.body["content"].startswith("More like")
    assert similar.body["embeds"]
    assert feedback_counts(app.library.engine, CHANNEL) == {(ids[0], "up"): 1, (ids[0], "more"): 1}


async def test_asking_for_the_digest_posts_it_in_the_channel(guild: Guild) -> None:
    await guild.papers("subscribe", answers=2, topic=TOPIC)

    (answer,) = await guild.papers("digest")

    assert answer.body["content"] == "Posted 2 papers to #papers."
    (digest,) = guild.posts()
    assert len(digest.body["embeds"]) == 2
    assert len(guild.fake.by_nonce) == 1  # sent with a nonce, so a retry cannot double it


async def test_a_channel_set_up_on_the_cli_is_the_one_members_see(guild: Guild) -> None:
    operator = Caller("cli", display_name="The CLI")  # what `paperboy command` passes
    cli_ref = ChannelRef.parse(f"discord:{CHANNEL_ID}")
    await guild.core.app.commands.handle(cli_ref, f"subscribe {TOPIC}", operator)

    (listed,) = await guild.papers("list")
    assert f"1. {TOPIC}" in listed.body["content"]
    await guild.papers("schedule", answers=2, spec="daily 09:00 UTC")
    guild.core.clock.advance(hours=1, seconds=30)

    assert (await guild.core.scheduler.tick())["posted"] == 1
    assert len(guild.posts()) == 1  # one channel, one digest
    assert guild.settings(cli_ref).ref == CHANNEL


async def test_a_hostile_topic_and_name_are_announced_as_plain_text(guild: Guild) -> None:
    """Issue 14: the announcement showed a live masked link and a raw @everyone."""
    topic = 'author:"[click](https://evil.example) @everyone"'
    payload = interaction(2, papers_command("subscribe", topic=topic))
    payload["member"]["user"]["global_name"] = "[Mallory](https://evil.example)"

    answer, announced = await guild._feed(payload, FOLLOWUP, 2)

    for content in (answer.body["content"], announced.body["content"]):
        assert not LIVE_LINK.search(content), content
        assert "@everyone" not in content  # escaped (and mentions are off anyway)
    assert announced.body["content"].startswith("\\[Mallory](https://evil.example)")
    assert announced.body["allowed_mentions"] == {"parse": []}


async def test_help_speaks_discord(guild: Guild) -> None:
    (answer,) = await guild.papers("help")

    assert answer.body["flags"] & EPHEMERAL
    assert "`/papers search query:scaling laws`" in answer.body["content"]
    assert "`/papers resume`" in answer.body["content"]


async def test_only_managers_change_what_a_channel_follows(guild: Guild) -> None:
    payload = interaction(2, papers_command("subscribe", topic=TOPIC), permissions=MEMBER)

    (refused,) = await guild._feed(payload, CALLBACK, 1)

    assert refused.body["data"]["flags"] & EPHEMERAL
    assert "Manage Channels" in refused.body["data"]["content"]
    assert guild.core.app.channels.get_channel(CHANNEL) is None


async def test_a_channel_without_permission_is_paused_after_one_call_and_says_why(
    guild: Guild,
) -> None:
    await subscribe_and_schedule(guild)
    guild.fake.fail_next(messages_path(CHANNEL), 403, 50013, "Missing Permissions")
    guild.core.clock.advance(hours=1, seconds=30)

    assert (await guild.core.scheduler.tick())["paused"] == 1
    guild.core.clock.advance(days=1)
    assert (await guild.core.scheduler.tick()).total() == 0  # paused: not tried again

    assert len(guild.posts()) == 1
    assert "50013" in (guild.settings().paused_reason or "")
    (listed,) = await guild.papers("list")
    assert "Digests in this channel are paused" in listed.body["content"]
    assert "`/papers resume`" in listed.body["content"]

    # Resuming is refused until the bot can post again; then the next digest arrives.
    cannot_post = discord.Permissions(view_channel=True)
    (refused,) = await guild.papers("resume", path=CALLBACK, bot_can=cannot_post)
    assert "Send Messages, Embed Links" in refused.body["data"]["content"]
    assert guild.settings().paused_reason is not None
    await guild.papers("resume", answers=2)
    assert guild.settings().paused_reason is None
    guild.core.clock.advance(days=1)
    assert (await guild.core.scheduler.tick())["posted"] == 1
    assert len(guild.posts()) == 2


async def test_a_deleted_channel_is_paused_and_the_others_keep_their_digest(guild: Guild) -> None:
    for channel in (CHANNEL, OTHER):
        await subscribe_and_schedule(guild, channel)
    guild.fake.fail_next(messages_path(OTHER), 404, 10003, "Unknown Channel")
    guild.core.clock.advance(hours=1, seconds=30)

    counts = await guild.core.scheduler.tick()

    assert (counts["posted"], counts["paused"]) == (1, 1)
    assert len(guild.posts(OTHER)) == 1
    assert "10003" in (guild.settings(OTHER).paused_reason or "")
    assert guild.settings(CHANNEL).paused_reason is None


@pytest.fixture
def with_gateway(platforms: Sequence[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """The Discord platform also connects the gateway (set before ``core`` is built)."""
    monkeypatch.setenv("PAPERBOY_DISCORD_GATEWAY", "true")


@pytest.mark.slow
async def test_removing_the_bot_from_the_guild_pauses_its_channels(
    with_gateway: None, core: Core, fake_discord: FakeDiscord
) -> None:
    async with started(core, fake_discord) as guild:
        await fake_discord.wait_for(lambda: len(fake_discord.identified) == 1)
        for channel in (CHANNEL, OTHER):
            await subscribe_and_schedule(guild, channel)

        await fake_discord.send_event("GUILD_DELETE", {"id": str(GUILD_ID)})

        await eventually(lambda: all(guild.settings(c).paused_reason for c in (CHANNEL, OTHER)))
        guild.core.clock.advance(hours=1, seconds=30)
        assert (await guild.core.scheduler.tick()).total() == 0
        assert "removed" in (guild.settings().paused_reason or "")


async def eventually(check: Callable[[], bool], timeout: float = 5.0) -> None:
    """Wait (bounded) until ``check()`` holds; each check reads the database off-loop."""
    async with asyncio.timeout(timeout):
        while not await asyncio.to_thread(check):
            await asyncio.sleep(0)
