"""Slash commands and buttons, fed as raw gateway payloads through discord.py's own parsing,
answered over its real HTTP client to the fake Discord."""

from __future__ import annotations

import asyncio
from typing import Any

import discord
import pytest
from prometheus_client import REGISTRY

from adapters.discord import DiscordRuntime
from bot.chat import FeedbackKind, Reply, Visibility
from bot.commands import table
from bot.ranking.blend import RankedPaper
from tests.kit.core import FakeCore
from tests.kit.discord import APP_ID, CHANNEL_ID, GUILD_ID, FakeDiscord
from tests.kit.discord_payloads import (
    MEMBER,
    button_press,
    interaction,
    papers_autocomplete,
    papers_command,
)
from tests.kit.papers import digest_of, paper

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
    assert followup.body["content"] == "Done: search scaling laws"
    assert followup.body["flags"] & EPHEMERAL


async def test_subscribe_by_a_manager_reaches_the_core_and_is_announced(
    runtime: DiscordRuntime, fake: FakeDiscord, core: FakeCore
) -> None:
    core.replies["subscribe"] = Reply(
        text="Subscribed to scaling laws.", announce="Ada made this channel follow scaling laws."
    )
    feed(runtime, interaction(2, papers_command("subscribe", topic='"scaling laws" -vision')))
    await fake.wait_for(lambda: len(fake.calls("POST", FOLLOWUP)) == 2)

    assert core.handled[0][1] == 'subscribe "scaling laws" -vision'
    private, public = (call.body for call in fake.calls("POST", FOLLOWUP))
    assert private["content"] == "Subscribed to scaling laws."
    assert private["flags"] & EPHEMERAL
    assert public["content"] == "Ada made this channel follow scaling laws."
    assert not public.get("flags", 0) & EPHEMERAL
    assert public["allowed_mentions"] == {"parse": []}


@pytest.mark.parametrize(
    "data",
    [
        papers_command("subscribe", topic="diffusion"),
        papers_command("unsubscribe", topic="1"),
        papers_command("schedule", spec="daily 09:00"),
        papers_command("settings", options="max 5"),
    ],
)
async def test_members_without_manage_channels_are_refused_politely(
    runtime: DiscordRuntime, fake: FakeDiscord, core: FakeCore, data: dict[str, Any]
) -> None:
    feed(runtime, interaction(2, data, permissions=MEMBER))
    await fake.wait_for(lambda: len(fake.calls("POST", CALLBACK)) == 1)

    answer = fake.calls("POST", CALLBACK)[0].body
    assert answer["type"] == 4
    assert answer["data"]["flags"] == EPHEMERAL
    assert "Manage Channels" in answer["data"]["content"]
    assert core.handled == []


async def test_administrators_may_manage_without_the_named_permission(
    runtime: DiscordRuntime, fake: FakeDiscord, core: FakeCore
) -> None:
    admin = discord.Permissions(administrator=True)
    feed(runtime, interaction(2, papers_command("subscribe", topic="rlhf"), permissions=admin))
    await fake.wait_for(lambda: len(fake.calls("POST", FOLLOWUP)) == 1)

    assert core.handled[0][1] == "subscribe rlhf"
    assert core.handled[0][2].can_manage


async def test_members_without_manage_channels_may_view_settings(
    runtime: DiscordRuntime, fake: FakeDiscord, core: FakeCore
) -> None:
    feed(runtime, interaction(2, papers_command("settings"), permissions=MEMBER))
    await fake.wait_for(lambda: len(fake.calls("POST", FOLLOWUP)) == 1)

    assert core.handled[0][1] == "settings"


async def test_the_old_settings_hint_spelling_is_still_checked_for_permission(
    runtime: DiscordRuntime, fake: FakeDiscord, core: FakeCore
) -> None:
    """``max=5 min_upvotes=10`` was the hint once: it changes settings, so it is refused."""
    data = papers_command("settings", options="max=5 min_upvotes=10")
    feed(runtime, interaction(2, data, permissions=MEMBER))
    await fake.wait_for(lambda: len(fake.calls("POST", CALLBACK)) == 1)

    assert "Manage Channels" in fake.calls("POST", CALLBACK)[0].body["data"]["content"]
    assert core.handled == []


async def test_members_without_manage_channels_may_still_search(
    runtime: DiscordRuntime, fake: FakeDiscord, core: FakeCore
) -> None:
    feed(runtime, interaction(2, papers_command("search", query="rlhf"), permissions=MEMBER))
    await fake.wait_for(lambda: len(fake.calls("POST", FOLLOWUP)) == 1)

    assert core.handled[0][1] == "search rlhf"
    assert not core.handled[0][2].can_manage


async def test_the_manage_permission_is_configurable(
    monkeypatch: pytest.MonkeyPatch, fake: FakeDiscord, core: FakeCore, status: FakeCore
) -> None:
    from adapters.discord import build_runtime, load_discord_settings

    monkeypatch.setenv("DISCORD_BOT_TOKEN", "fake-token")
    monkeypatch.setenv("PAPERBOY_DISCORD_API_URL", fake.base_url)
    monkeypatch.setenv("PAPERBOY_DISCORD_GATEWAY", "false")
    monkeypatch.setenv("PAPERBOY_DISCORD_MANAGE_PERMISSION", "manage_guild")
    started = build_runtime(load_discord_settings(), core, status)
    await started.start()
    try:
        # Manage Channels is no longer enough.
        feed(started, interaction(2, papers_command("subscribe", topic="x")))
        await fake.wait_for(lambda: len(fake.calls("POST", CALLBACK)) == 1)
    finally:
        await started.stop()
    assert "Manage Guild" in fake.calls("POST", CALLBACK)[0].body["data"]["content"]
    assert core.handled == []


@pytest.mark.parametrize(
    "data",
    [papers_command("subscribe", topic="x"), papers_command("resume")],
    ids=["subscribe", "resume"],
)
async def test_subscribe_and_resume_are_refused_where_the_bot_cannot_post(
    runtime: DiscordRuntime, fake: FakeDiscord, core: FakeCore, data: dict[str, Any]
) -> None:
    cannot_embed = MEMBER  # view + send, but no Embed Links
    payload = interaction(2, data, app_permissions=cannot_embed)
    feed(runtime, payload)
    await fake.wait_for(lambda: len(fake.calls("POST", CALLBACK)) == 1)

    assert "Embed Links" in fake.calls("POST", CALLBACK)[0].body["data"]["content"]
    assert core.handled == []


@pytest.mark.parametrize(
    ("data", "text"),
    [
        (papers_command("list"), "list"),
        (papers_command("help"), "help"),
        (papers_command("digest"), "digest"),
        (papers_command("digest", preview=True), "digest preview"),
        (papers_command("settings"), "settings"),
        (papers_command("unsubscribe", topic="2"), "unsubscribe 2"),
        (papers_command("resume"), "resume"),
    ],
)
async def test_every_subcommand_speaks_the_core_grammar(
    runtime: DiscordRuntime, fake: FakeDiscord, core: FakeCore, data: dict[str, Any], text: str
) -> None:
    feed(runtime, interaction(2, data))
    await fake.wait_for(lambda: len(fake.calls("POST", FOLLOWUP)) >= 1)

    assert [handled[1] for handled in core.handled] == [text]


async def test_channel_replies_are_public_and_errors_stay_private(
    runtime: DiscordRuntime, fake: FakeDiscord, core: FakeCore
) -> None:
    core.replies["list"] = Reply(text="1. scaling laws", visibility=Visibility.CHANNEL)
    core.replies["schedule"] = Reply(
        text="I do not understand 'someday'.", visibility=Visibility.CHANNEL, is_error=True
    )
    feed(runtime, interaction(2, papers_command("list")))
    await fake.wait_for(lambda: len(fake.calls("POST", FOLLOWUP)) == 2)
    feed(runtime, interaction(2, papers_command("schedule", spec="someday")))
    await fake.wait_for(lambda: len(fake.calls("POST", FOLLOWUP)) == 3)

    done, listing, error = (call.body for call in fake.calls("POST", FOLLOWUP))
    assert done["flags"] & EPHEMERAL
    assert listing["content"] == "1. scaling laws"
    assert not listing.get("flags", 0) & EPHEMERAL
    assert error["content"] == "I do not understand 'someday'."
    assert error["flags"] & EPHEMERAL


async def test_a_crash_in_the_core_gets_an_apology_not_a_traceback(
    runtime: DiscordRuntime, fake: FakeDiscord, core: FakeCore, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(*args: object) -> Reply:
        raise RuntimeError("postgresql://paperboy:secret@db/paperboy is down")

    monkeypatch.setattr(core, "handle", broken)
    feed(runtime, interaction(2, papers_command("list")))
    await fake.wait_for(lambda: len(fake.calls("POST", FOLLOWUP)) == 1)

    content = fake.calls("POST", FOLLOWUP)[0].body["content"]
    assert content.startswith("Sorry")
    assert "secret" not in content


async def test_search_autocomplete_offers_recent_searches_and_topics(
    runtime: DiscordRuntime, fake: FakeDiscord, core: FakeCore
) -> None:
    feed(runtime, interaction(2, papers_command("search", query="sparse attention")))
    await fake.wait_for(lambda: len(fake.calls("POST", FOLLOWUP)) == 1)

    feed(runtime, interaction(4, papers_autocomplete("search", "query", "")))
    feed(runtime, interaction(4, papers_autocomplete("search", "query", "LAW")))
    await fake.wait_for(lambda: len(fake.calls("POST", CALLBACK)) == 3)

    everything, filtered = (call.body for call in fake.calls("POST", CALLBACK)[1:])
    assert everything["type"] == 8
    names = [choice["name"] for choice in everything["data"]["choices"]]
    assert names == ["sparse attention", "scaling laws", "diffusion -video"]
    assert [c["value"] for c in filtered["data"]["choices"]] == ["scaling laws"]


async def test_search_autocomplete_never_shows_another_members_searches(
    runtime: DiscordRuntime, fake: FakeDiscord, core: FakeCore
) -> None:
    """Issue 14: searches are private, yet autocomplete offered them to everyone."""
    ada, bob = 500000000000000001, 500000000000000002
    search = papers_command("search", query="secret reorg plans")
    feed(runtime, interaction(2, search, user_id=ada))
    await fake.wait_for(lambda: len(fake.calls("POST", FOLLOWUP)) == 1)

    feed(runtime, interaction(4, papers_autocomplete("search", "query", ""), user_id=bob))
    await fake.wait_for(lambda: len(fake.calls("POST", CALLBACK)) == 2)
    feed(runtime, interaction(4, papers_autocomplete("search", "query", ""), user_id=ada))
    await fake.wait_for(lambda: len(fake.calls("POST", CALLBACK)) == 3)

    to_bob, to_ada = (call.body["data"]["choices"] for call in fake.calls("POST", CALLBACK)[1:])
    assert [c["value"] for c in to_bob] == ["scaling laws", "diffusion -video"]  # topics only
    assert [c["value"] for c in to_ada] == [
        "secret reorg plans",
        "scaling laws",
        "diffusion -video",
    ]


async def test_unsubscribe_autocomplete_offers_the_channel_topics(
    runtime: DiscordRuntime, fake: FakeDiscord, core: FakeCore
) -> None:
    core.topics = [f"topic {n}" for n in range(40)]
    feed(runtime, interaction(4, papers_autocomplete("unsubscribe", "topic", "")))
    await fake.wait_for(lambda: len(fake.calls("POST", CALLBACK)) == 1)

    choices = fake.calls("POST", CALLBACK)[0].body["data"]["choices"]
    assert len(choices) == 25  # Discord's maximum
    assert choices[0] == {"name": "topic 0", "value": "topic 0"}


async def test_feedback_buttons_reach_the_core_with_the_paper_id(
    runtime: DiscordRuntime, fake: FakeDiscord, core: FakeCore
) -> None:
    message = {
        "id": "600000000000000099",
        "channel_id": str(CHANNEL_ID),
        "author": {"id": "1", "username": "paperboy", "discriminator": "0", "avatar": None},
        "content": "",
        "timestamp": "2026-11-26T07:00:00+00:00",
        "edited_timestamp": None,
        "tts": False,
        "mention_everyone": False,
        "mentions": [],
        "mention_roles": [],
        "attachments": [],
        "embeds": [],
        "pinned": False,
        "type": 0,
        "flags": 0,
        "components": [
            {
                "type": 1,
                "components": [
                    {"type": 2, "style": 2, "label": "#1", "custom_id": "pb:fb:down:2411.01234"}
                ],
            }
        ],
    }
    feed(runtime, interaction(3, button_press("pb:fb:down:2411.01234"), message=message))
    await fake.wait_for(lambda: len(fake.calls("POST", FOLLOWUP)) == 1)

    channel, paper_id, kind, _ = core.feedbacks[0]
    assert (channel.channel_id, paper_id, kind) == (
        str(CHANNEL_ID),
        "2411.01234",
        FeedbackKind.DOWN,
    )
    assert fake.calls("POST", CALLBACK)[0].body["type"] == 5
    followup = fake.calls("POST", FOLLOWUP)[0].body
    assert followup["content"] == "Thanks, noted down for 2411.01234."
    assert followup["flags"] & EPHEMERAL


async def test_removal_from_a_guild_pauses_its_channels(
    runtime: DiscordRuntime, status: FakeCore
) -> None:
    state = runtime.client._connection
    state.parse_guild_create({"id": str(GUILD_ID), "name": "Lab", "unavailable": False})
    state.parse_guild_delete({"id": str(GUILD_ID)})
    await asyncio.wait_for(status.workspace_paused.wait(), 5)

    platform, guild, reason = status.paused_workspaces[0]
    assert (platform, guild) == ("discord", str(GUILD_ID))
    assert "removed" in reason


async def test_an_outage_is_not_a_removal(runtime: DiscordRuntime, status: FakeCore) -> None:
    state = runtime.client._connection
    other_guild = GUILD_ID + 1
    for guild in (GUILD_ID, other_guild):
        state.parse_guild_create({"id": str(guild), "name": "Lab", "unavailable": False})
    state.parse_guild_delete({"id": str(GUILD_ID), "unavailable": True})  # a Discord outage
    state.parse_guild_delete({"id": str(other_guild)})
    await asyncio.wait_for(status.workspace_paused.wait(), 5)

    assert [guild for _, guild, _ in status.paused_workspaces] == [str(other_guild)]


async def test_a_deleted_channel_is_paused(runtime: DiscordRuntime, status: FakeCore) -> None:
    channel = {
        "id": str(CHANNEL_ID),
        "type": 0,
        "guild_id": str(GUILD_ID),
        "name": "papers",
        "position": 0,
        "permission_overwrites": [],
        "nsfw": False,
        "parent_id": None,
    }
    state = runtime.client._connection
    state.parse_guild_create({"id": str(GUILD_ID), "name": "Lab", "channels": [channel]})
    state.parse_channel_delete(channel)
    await asyncio.wait_for(status.channel_paused.wait(), 5)

    ((ref, reason),) = status.paused_channels
    assert (ref.channel_id, ref.workspace_id, ref.name) == (
        str(CHANNEL_ID),
        str(GUILD_ID),
        "papers",
    )
    assert "deleted" in reason


async def test_search_results_come_as_private_cards_with_buttons(
    runtime: DiscordRuntime, fake: FakeDiscord, core: FakeCore
) -> None:
    results = tuple(
        RankedPaper(paper(n), score=1.0, relevance=1.0, why="title matches") for n in (1, 2)
    )
    heading = "Results for **scaling** — 2 papers"
    core.replies["search"] = Reply(
        text=f"{heading}\n\n1. Paper 1\n2. Paper 2", results=results, heading=heading
    )
    feed(runtime, interaction(2, papers_command("search", query="scaling")))
    await fake.wait_for(lambda: len(fake.calls("POST", FOLLOWUP)) == 1)

    body = fake.calls("POST", FOLLOWUP)[0].body
    assert body["flags"] & EPHEMERAL
    assert body["content"] == heading  # as the core wrote it for Discord, not escaped twice
    assert [embed["title"] for embed in body["embeds"]] == ["1. Paper 1", "2. Paper 2"]
    assert body["components"][1]["components"][2]["custom_id"] == "pb:fb:more:2411.00002"


async def test_digest_preview_renders_the_digest_privately(
    runtime: DiscordRuntime, fake: FakeDiscord, core: FakeCore
) -> None:
    digest = digest_of([paper(n) for n in range(1, 8)])
    core.replies["digest"] = Reply(text="Today's digest (7 papers)", digest=digest)
    feed(runtime, interaction(2, papers_command("digest", preview=True)))
    await fake.wait_for(lambda: len(fake.calls("POST", FOLLOWUP)) == 2)

    bodies = [call.body for call in fake.calls("POST", FOLLOWUP)]
    assert [len(body["embeds"]) for body in bodies] == [5, 2]
    assert all(body["flags"] & EPHEMERAL for body in bodies)


async def test_the_core_is_told_to_answer_in_discord_spelling(
    runtime: DiscordRuntime, fake: FakeDiscord, core: FakeCore
) -> None:
    """The core writes help (and every reply) for the caller's dialect: Discord's options."""
    feed(runtime, interaction(2, papers_command("help")))
    await fake.wait_for(lambda: len(fake.calls("POST", FOLLOWUP)) == 1)

    caller = core.handled[0][2]
    assert caller.dialect.options and caller.dialect.bold == "**"
    assert caller.manage_rule == "the Manage Channels permission"
    help_text = table.help_text(caller.dialect, caller.manage_rule)
    assert "`/papers search query:scaling laws`" in help_text
    assert "`/papers scaling laws`" not in help_text  # no bare search on Discord
    assert "needs the Manage Channels permission" in help_text


async def test_command_latency_is_left_to_the_core(
    runtime: DiscordRuntime, fake: FakeDiscord, core: FakeCore
) -> None:
    """The core counts every command once; the adapter adding its own count doubled it."""
    labels = {"platform": "discord", "command": "list"}
    before = REGISTRY.get_sample_value("paperboy_command_seconds_count", labels) or 0.0

    feed(runtime, interaction(2, papers_command("list")))
    await fake.wait_for(lambda: len(fake.calls("POST", FOLLOWUP)) == 1)

    assert core.handled
    assert (REGISTRY.get_sample_value("paperboy_command_seconds_count", labels) or 0.0) == before


async def test_results_in_a_paused_channel_show_the_notice_to_the_searcher(
    runtime: DiscordRuntime, fake: FakeDiscord, core: FakeCore
) -> None:
    notice = "⚠️ Digests in this channel are paused: the bot cannot see this channel."
    heading = "Results for **scaling** — 1 paper"
    results = (RankedPaper(paper(1), score=1.0, relevance=1.0, why="title matches"),)
    core.replies["search"] = Reply(
        text=f"{notice}\n\n{heading}", results=results, heading=heading, notice=notice
    )
    feed(runtime, interaction(2, papers_command("search", query="scaling")))
    await fake.wait_for(lambda: len(fake.calls("POST", FOLLOWUP)) == 1)

    body = fake.calls("POST", FOLLOWUP)[0].body
    assert body["flags"] & EPHEMERAL
    assert body["content"] == f"{notice}\n\n{heading}"
