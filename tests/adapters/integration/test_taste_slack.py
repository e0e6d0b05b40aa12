"""Reactions in, a changed ranking out — through real slack-bolt against the fake Slack.

The channel gets one-paper digests (``settings max 1``), so each message names one paper;
the team reacts 👍/❤️ on some and 👎 on others through signed ``reaction_added`` events, and
the next digest preview is ordered by the channel's taste, citing the paper it liked. Taking
a reaction back takes the vote back; reactions on messages that are not ours change nothing.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Sequence
from typing import Any

import aiohttp
import pytest

from adapters.http_server import bound_port, build_http_app, start_http_server
from adapters.slack import SlackRuntime
from bot.chat import ChannelRef
from tests.adapters.integration.conftest import Core
from tests.adapters.integration.taste_support import post_one_paper_digests, preview, settled
from tests.adapters.slack.conftest import SIGNING_SECRET, Listener
from tests.adapters.slack.fake_slack import FakeSlack

pytestmark = pytest.mark.anyio

TEAM = "T1"  # the team the fake answers for xoxb-test-T1
CHANNEL = ChannelRef("slack", "C1", workspace_id=TEAM, name="ml-papers")


@pytest.fixture
def platforms(monkeypatch: pytest.MonkeyPatch, fake_slack: FakeSlack) -> Sequence[str]:
    """Slack with one bot token, in HTTP mode, against the fake."""
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test-T1")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", SIGNING_SECRET)
    monkeypatch.setenv("PAPERBOY_SLACK_API_URL", fake_slack.api_url)
    monkeypatch.setenv("PAPERBOY_SLACK_MODE", "http")
    return ("slack",)


@pytest.fixture
async def listener(core: Core) -> AsyncIterator[Listener]:
    """``serve --http`` in-process with the Slack routes."""
    (runtime,) = core.app.runtimes()
    assert isinstance(runtime, SlackRuntime)
    http_app = build_http_app(engine=core.app.library.engine, routes=runtime.http_routes())
    server = await start_http_server(http_app, "127.0.0.1", 0)
    session = aiohttp.ClientSession()
    try:
        async with runtime:
            yield Listener(f"http://127.0.0.1:{bound_port(server)}", session)
    finally:
        await session.close()
        await server.cleanup()


async def react(listener: Listener, ts: str, emoji: str, user: str, *, added: bool = True) -> None:
    """Slack's Events API envelope for a reaction on message ``ts`` in C1."""
    event: dict[str, Any] = {
        "type": "reaction_added" if added else "reaction_removed",
        "user": user,
        "reaction": emoji,
        "item_user": "UBOT",
        "item": {"type": "message", "channel": CHANNEL.channel_id, "ts": ts},
        "event_ts": "1700000000.000100",
    }
    body = {
        "token": "deprecated",
        "team_id": TEAM,
        "api_app_id": "A1",
        "event": event,
        "type": "event_callback",
        "event_id": f"Ev{abs(hash((ts, emoji, user, added)))}",
        "event_time": 1700000000,
    }
    response = await listener.post_signed("/slack/events", json_body=body)
    assert response.status == 200


async def test_reactions_change_the_ranking_and_undo_restores_it(
    core: Core, fake_slack: FakeSlack, listener: Listener
) -> None:
    posted = await post_one_paper_digests(core, CHANNEL, 6)
    before = await preview(core, CHANNEL)
    assert not any("👍'd" in line for line in before)

    liked, disliked = posted[:4], posted[4:]
    for ts in liked:
        await react(listener, ts, "+1", "U1")
        await react(listener, ts, "heart", "U1")  # the same person: still one vote
    for ts in disliked:
        await react(listener, ts, "-1::skin-tone-2", "U2")
    await react(listener, "999.0", "+1", "U3")  # not our message
    await react(listener, posted[0], "eyes", "U3")  # not a vote
    await settled(core, CHANNEL, [(0, 1), (0, 1), (1, 0), (1, 0), (1, 0), (1, 0)])

    after = await preview(core, CHANNEL)
    assert after != before
    assert any("which this channel 👍'd on 11 May" in line for line in after)

    for ts in liked[:3]:  # taken back: too few likes left for taste to act
        await react(listener, ts, "+1", "U1", added=False)
        await react(listener, ts, "heart", "U1", added=False)
    await settled(core, CHANNEL, [(0, 1), (0, 1), (1, 0)])
    assert await preview(core, CHANNEL) == before


async def test_a_reaction_storm_loses_no_vote(
    core: Core, fake_slack: FakeSlack, listener: Listener
) -> None:
    posted = await post_one_paper_digests(core, CHANNEL, 2)
    users = [f"U{n:04d}" for n in range(100)]
    await asyncio.gather(*(react(listener, posted[0], "fire", u) for u in users))
    await asyncio.gather(*(react(listener, posted[1], "-1", u) for u in users))
    await settled(core, CHANNEL, [(0, 100), (100, 0)])  # times out if one was lost


async def test_sharing_results_in_the_channel_counts_as_votes_up(
    core: Core, fake_slack: FakeSlack, listener: Listener
) -> None:
    await post_one_paper_digests(core, CHANNEL, 1)
    payload = {
        "type": "block_actions",
        "api_app_id": "A1",
        "token": "deprecated",
        "trigger_id": "1.2.3",
        "team": {"id": TEAM, "domain": "team-one"},
        "user": {"id": "U0BOB42", "username": "bob", "team_id": TEAM},
        "channel": {"id": CHANNEL.channel_id, "name": CHANNEL.name},
        "container": {"type": "message", "message_ts": "1.0", "channel_id": "C1"},
        "response_url": fake_slack.response_url("share"),
        "actions": [
            {
                "type": "button",
                "action_id": "paperboy_share",
                "block_id": "b1",
                "value": "model",
                "action_ts": "1.1",
            }
        ],
    }
    response = await listener.post_signed("/slack/events", {"payload": json.dumps(payload)})
    assert response.status == 200
    (shared,) = await fake_slack.wait_for("response/share")
    assert shared.body["response_type"] == "in_channel"
    await settled(core, CHANNEL, [(1, 0)] * 5)  # the five shared results, one vote each
