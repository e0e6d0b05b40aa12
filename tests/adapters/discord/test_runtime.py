"""Settings, start-up and command sync against the fake Discord."""

from __future__ import annotations

import pytest

from adapters.discord import build_runtime, load_discord_settings
from adapters.discord.settings import DiscordSettings
from bot.errors import UserError
from tests.adapters.discord.conftest import FakeCore, FakeStatus
from tests.adapters.discord.fake_discord import APP_ID, GUILD_ID, FakeDiscord

pytestmark = pytest.mark.anyio
SUBCOMMANDS = [
    "search",
    "subscribe",
    "unsubscribe",
    "list",
    "schedule",
    "digest",
    "settings",
    "forget",
    "resume",
    "trending",
    "feed",
    "help",
]


def test_a_missing_token_names_the_variable_to_set() -> None:
    with pytest.raises(UserError, match="DISCORD_BOT_TOKEN"):
        load_discord_settings()


def test_build_runtime_fails_fast_without_a_token(core: FakeCore, status: FakeStatus) -> None:
    with pytest.raises(UserError, match="DISCORD_BOT_TOKEN"):
        build_runtime(DiscordSettings(), core, status)


@pytest.mark.parametrize(
    ("variable", "value", "says"),
    [
        ("PAPERBOY_DISCORD_SHARD_IDS", "0,1", "SHARD_COUNT"),
        ("PAPERBOY_DISCORD_MANAGE_PERMISSION", "manage_everything", "not a Discord permission"),
        ("PAPERBOY_DISCORD_API_URL", "discord.com", "http"),
    ],
)
def test_bad_settings_are_explained(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, says: str
) -> None:
    monkeypatch.setenv("DISCORD_BOT_TOKEN", "t")
    monkeypatch.setenv(variable, value)
    with pytest.raises(UserError, match=says):
        load_discord_settings()


def test_shards_split_across_processes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISCORD_BOT_TOKEN", "t")
    monkeypatch.setenv("PAPERBOY_DISCORD_SHARD_IDS", "2, 3")
    monkeypatch.setenv("PAPERBOY_DISCORD_SHARD_COUNT", "4")
    settings = load_discord_settings()
    assert (settings.shard_id_list, settings.shard_count) == ([2, 3], 4)
    with pytest.raises(UserError, match="< SHARD_COUNT"):
        monkeypatch.setenv("PAPERBOY_DISCORD_SHARD_IDS", "4")
        load_discord_settings()


async def test_the_runtime_shards_as_configured(
    discord_env: None, monkeypatch: pytest.MonkeyPatch, core: FakeCore, status: FakeStatus
) -> None:
    monkeypatch.setenv("PAPERBOY_DISCORD_SHARD_IDS", "1")
    monkeypatch.setenv("PAPERBOY_DISCORD_SHARD_COUNT", "2")
    runtime = build_runtime(load_discord_settings(), core, status)
    assert (runtime.client.shard_ids, runtime.client.shard_count) == ([1], 2)
    await runtime.stop()  # never started: nothing to close, and no crash


async def test_start_without_sync_settings_uploads_no_commands(
    discord_env: None, fake: FakeDiscord, core: FakeCore, status: FakeStatus
) -> None:
    runtime = build_runtime(load_discord_settings(), core, status)
    await runtime.start()
    await runtime.stop()

    assert [r.path for r in fake.requests] == ["/users/@me", "/oauth2/applications/@me"]
    assert fake.requests[0].method == "GET"


async def test_dev_guild_sync_uploads_papers_to_that_guild(
    discord_env: None,
    monkeypatch: pytest.MonkeyPatch,
    fake: FakeDiscord,
    core: FakeCore,
    status: FakeStatus,
) -> None:
    monkeypatch.setenv("PAPERBOY_DISCORD_DEV_GUILD", str(GUILD_ID))
    runtime = build_runtime(load_discord_settings(), core, status)
    await runtime.start()
    await runtime.stop()

    (put,) = fake.calls("PUT", rf"/applications/{APP_ID}/guilds/{GUILD_ID}/commands")
    (papers,) = put.body
    assert papers["name"] == "papers"
    assert [option["name"] for option in papers["options"]] == SUBCOMMANDS
    assert papers["dm_permission"] is False  # guild channels only
    assert fake.calls("PUT", rf"/applications/{APP_ID}/commands") == []


async def test_global_sync_uploads_the_command_tree(
    discord_env: None,
    monkeypatch: pytest.MonkeyPatch,
    fake: FakeDiscord,
    core: FakeCore,
    status: FakeStatus,
) -> None:
    monkeypatch.setenv("PAPERBOY_DISCORD_SYNC_COMMANDS", "true")
    runtime = build_runtime(load_discord_settings(), core, status)
    await runtime.start()
    await runtime.stop()

    (put,) = fake.calls("PUT", rf"/applications/{APP_ID}/commands")
    options = {o["name"]: o for o in put.body[0]["options"]}
    search_query = options["search"]["options"][0]
    assert (search_query["name"], search_query["autocomplete"]) == ("query", True)
    assert options["unsubscribe"]["options"][0]["autocomplete"] is True
    assert [o["name"] for o in options["digest"]["options"]] == ["preview"]
    assert fake.commands["global"][0]["name"] == "papers"
