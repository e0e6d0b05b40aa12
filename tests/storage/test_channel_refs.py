"""One channel, one row: a reference typed without its workspace finds the platform's row."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine

from bot.channels import AmbiguousChannel, NoChannel
from bot.chat import ChannelRef
from storage.channel_repository import SqlChannelRepository

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
FROM_DISCORD = ChannelRef("discord", "700000000000000001", "800000000000000001", "papers")
FROM_CLI = ChannelRef.parse("discord:700000000000000001")


def test_a_topic_added_on_the_cli_is_the_one_the_platform_sees(engine: Engine) -> None:
    repo = SqlChannelRepository(engine)
    repo.add_topic(FROM_CLI, "scaling laws", NOW)

    seen = repo.get_channel(FROM_DISCORD)
    assert seen is not None and [t.text for t in seen.topics] == ["scaling laws"]

    repo.ensure_channel(FROM_DISCORD, NOW)  # the platform tells us the guild and the name
    stored = repo.get_channel(FROM_CLI)
    assert stored is not None and stored.ref == FROM_DISCORD
    assert repo.pause_workspace("discord", FROM_DISCORD.workspace_id, "removed", NOW) == 1


def test_a_channel_the_platform_created_is_found_from_the_cli(engine: Engine) -> None:
    repo = SqlChannelRepository(engine)
    repo.add_topic(FROM_DISCORD, "diffusion", NOW)

    assert not repo.add_topic(FROM_CLI, "diffusion", NOW)  # the same channel already follows it
    assert len(repo.scheduled_channels()) == 0
    found = repo.get_channel(FROM_CLI)
    assert found is not None and found.ref == FROM_DISCORD


def test_a_bare_id_shared_by_two_workspaces_is_not_guessed(engine: Engine) -> None:
    repo = SqlChannelRepository(engine)
    for team in ("T1", "T2"):
        repo.add_topic(ChannelRef("slack", "C1", team), f"topic of {team}", NOW)

    with pytest.raises(AmbiguousChannel) as asked:
        repo.get_channel(ChannelRef.parse("slack:C1"))
    assert asked.value.friendly() == (
        "slack:C1 is in 2 workspaces: slack:T1/C1, slack:T2/C1. Say which one.\n"
        "Example: --channel slack:T1/C1"
    )
    with pytest.raises(AmbiguousChannel):  # nor is a third, workspace-less row created
        repo.add_topic(ChannelRef.parse("slack:C1"), "a third", NOW)
    one = repo.get_channel(ChannelRef.parse("slack:T2/C1"))
    assert one is not None and [t.text for t in one.topics] == ["topic of T2"]


def test_an_interaction_without_a_channel_never_creates_a_row(engine: Engine) -> None:
    repo = SqlChannelRepository(engine)
    nowhere = ChannelRef("slack", "", "T1")
    with pytest.raises(NoChannel):
        repo.ensure_channel(nowhere, NOW)
    with pytest.raises(NoChannel):
        repo.record_feedback(nowhere, "2601.00001", "U1", "up", NOW)
    assert repo.get_channel(ChannelRef("slack", "C9", "T1")) is None
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM channels")).scalar_one() == 0
