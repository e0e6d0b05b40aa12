"""Issue 6's "done when" with the real core: a team installs Paperboy through OAuth, subscribes
a channel, gets the morning digest from the scheduler, searches and presses the buttons —
and every call Slack receives is one the real Slack would accept.

Everything below the HTTP listener is real: slack-bolt and slack_sdk, the composition root,
CommandService, SqlChannelRepository, DigestRunner and Scheduler on the suite's database.
Only Slack itself is the local fake from tests/adapters/slack.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from typing import Any

import aiohttp
import pytest

from adapters.http_server import bound_port, build_http_app, start_http_server
from adapters.slack import SlackRuntime
from adapters.slack.blocks import escape
from bot.channels import ChannelSettings
from bot.chat import ChannelRef
from bot.digests.build import Digest
from bot.digests.channel import build_channel_digest
from tests.adapters.integration.conftest import Core, feedback_counts
from tests.adapters.slack.conftest import SIGNING_SECRET, Listener, slash_fields
from tests.adapters.slack.fake_slack import Call, FakeSlack, Scripted, slack_would_reject
from tests.adapters.slack.test_oauth import CLIENT_ID, install

pytestmark = [
    pytest.mark.anyio,
    # slack_sdk sends oauth.v2.access with aiohttp.BasicAuth (deprecated in aiohttp 3.14).
    pytest.mark.filterwarnings("ignore:BasicAuth is deprecated:DeprecationWarning"),
]

TEAM = "T2"  # the team the fake's oauth.v2.access installs
CHANNEL = ChannelRef("slack", "C1", workspace_id=TEAM, name="ml-papers")
OTHER = ChannelRef("slack", "C2", workspace_id=TEAM, name="reading-group")
TOPIC = "scaling laws"


@dataclass
class Team:
    """One installed Slack team talking to the real core through the Slack runtime."""

    fake: FakeSlack
    core: Core
    runtime: SlackRuntime
    listener: Listener
    _answers: int = 0

    async def papers(
        self, text: str, channel: ChannelRef = CHANNEL, replies: int = 1
    ) -> list[Call]:
        """Run ``/papers <text>`` as Ada in ``channel``; the ``replies`` answers it got."""
        self._answers += 1
        name = f"cmd{self._answers}"
        fields = slash_fields(self.fake, text, channel=channel.channel_id, team=TEAM)
        fields["channel_name"] = channel.name or ""
        fields["response_url"] = self.fake.response_url(name)
        started = time.monotonic()
        response = await self.listener.post_signed("/slack/events", fields)
        assert response.status == 200
        assert time.monotonic() - started < 3  # Slack's ack deadline
        return await self.fake.wait_for(f"response/{name}", count=replies)

    async def press(self, action_id: str, value: str, channel: ChannelRef = CHANNEL) -> Call:
        """Bob presses a button under a message in ``channel``; the answer he got."""
        self._answers += 1
        name = f"press{self._answers}"
        payload = {
            "type": "block_actions",
            "api_app_id": "A1",
            "token": "deprecated",
            "trigger_id": "1.2.3",
            "team": {"id": TEAM, "domain": "team-two"},
            "user": {"id": "U0BOB42", "username": "bob", "team_id": TEAM},
            "channel": {"id": channel.channel_id, "name": channel.name},
            "container": {"type": "message", "message_ts": "1.0", "channel_id": "C1"},
            "response_url": self.fake.response_url(name),
            "actions": [
                {
                    "type": "button",
                    "action_id": action_id,
                    "block_id": "b1",
                    "value": value,
                    "action_ts": "1.1",
                }
            ],
        }
        response = await self.listener.post_signed(
            "/slack/events", {"payload": json.dumps(payload)}
        )
        assert response.status == 200
        (answer,) = await self.fake.wait_for(f"response/{name}")
        return answer

    def settings(self, channel: ChannelRef = CHANNEL) -> ChannelSettings:
        """The channel as stored."""
        found = self.core.app.channels.get_channel(channel)
        assert found is not None
        return found

    def posts_to(self, channel: ChannelRef) -> list[Call]:
        """Every chat.postMessage the fake received for ``channel``."""
        return [
            c
            for c in self.fake.called("chat.postMessage")
            if c.body.get("channel") == channel.channel_id
        ]


@pytest.fixture
def platforms(monkeypatch: pytest.MonkeyPatch, fake_slack: FakeSlack) -> Sequence[str]:
    """Slack with OAuth on, against the fake."""
    monkeypatch.setenv("SLACK_CLIENT_ID", CLIENT_ID)
    monkeypatch.setenv("SLACK_CLIENT_SECRET", "client-secret")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", SIGNING_SECRET)
    monkeypatch.setenv("PAPERBOY_SLACK_API_URL", fake_slack.api_url)
    return ("slack",)


@pytest.fixture
async def team(fake_slack: FakeSlack, core: Core) -> AsyncIterator[Team]:
    """``serve --adapter slack --http`` in-process: OAuth on, the listener on port 0, the team
    installed through /slack/install."""
    (runtime,) = core.app.runtimes()
    assert isinstance(runtime, SlackRuntime)
    assert core.app.runner.adapter_for("slack") is runtime.adapter
    http_app = build_http_app(engine=core.app.library.engine, routes=runtime.http_routes())
    listener = await start_http_server(http_app, "127.0.0.1", 0)
    session = aiohttp.ClientSession()
    try:
        async with runtime:
            client = Listener(f"http://127.0.0.1:{bound_port(listener)}", session)
            status, _ = await install(client)
            assert status == 200
            yield Team(fake_slack, core, runtime, client)
    finally:
        await session.close()
        await listener.cleanup()


def section_texts(call: Call) -> list[str]:
    """The mrkdwn of every section in a message the fake received."""
    blocks = call.body.get("blocks") or []
    if isinstance(blocks, str):
        blocks = json.loads(blocks)
    return [b["text"]["text"] for b in blocks if b.get("type") == "section" and "text" in b]


def buttons(call: Call) -> list[dict[str, Any]]:
    """Every button in a message the fake received."""
    blocks = call.body.get("blocks") or []
    if isinstance(blocks, str):
        blocks = json.loads(blocks)
    return [e for b in blocks if b.get("type") == "actions" for e in b["elements"]]


def expected_digest(team: Team, channel: ChannelRef) -> Digest:
    """What the ranking picks for ``channel`` right now (read-only)."""
    app = team.core.app
    return build_channel_digest(
        team.settings(channel), app.library.ranker, app.channels, now=team.core.clock()
    )


async def eventually(check: Callable[[], bool], timeout: float = 5.0) -> None:
    """Wait (bounded) until ``check()`` holds; each check reads the database off-loop."""
    async with asyncio.timeout(timeout):
        while not await asyncio.to_thread(check):
            await asyncio.sleep(0)


async def test_a_team_subscribes_gets_the_morning_digest_searches_and_votes(team: Team) -> None:
    answer, announced = await team.papers(f"subscribe {TOPIC}", replies=2)
    assert answer.body["response_type"] == "ephemeral"
    assert answer.body["text"].startswith(f"Subscribed #ml-papers to “{TOPIC}”")
    assert announced.body == {
        **announced.body,
        "response_type": "in_channel",
        "text": f"ada subscribed this channel to “{TOPIC}”.",
    }
    await team.papers("schedule daily 09:00 UTC", replies=2)
    stored = team.settings()
    assert [t.text for t in stored.topics] == [TOPIC]
    assert stored.ref == CHANNEL  # the team and the channel's name, as Slack sent them

    # 09:00: the scheduler posts the digest the ranking chose, through the Slack adapter.
    team.core.clock.advance(hours=1, seconds=30)
    chosen = expected_digest(team, CHANNEL)
    assert (
        chosen.items[0].ranked.paper.title
        == "Prescriptive Scaling Laws for Data Constrained Training"
    )
    (preview,) = await team.papers("digest preview")  # only Ada sees it; nothing is stored
    assert preview.body["response_type"] == "ephemeral"
    assert escape(chosen.items[0].ranked.paper.title) in "".join(section_texts(preview))
    assert (await team.core.scheduler.tick())["posted"] == 1
    (digest,) = team.posts_to(CHANNEL)
    assert digest.token == team.fake.install_token
    assert digest.body["unfurl_links"] is False and digest.body["unfurl_media"] is False
    sections = "\n".join(section_texts(digest))
    for item in chosen.items:
        assert escape(item.ranked.paper.title) in sections
        assert escape(item.ranked.why) in sections  # the reason line
    ids = [item.ranked.paper.arxiv_id for item in chosen.items]
    assert team.core.app.channels.delivered_ids(stored.pk) == set(ids)
    assert {b["value"] for b in buttons(digest)} == set(ids)
    assert (await team.core.scheduler.tick())["posted"] == 0  # once per morning
    (again,) = await team.papers("digest")  # asked for more: nothing new, nothing posted
    assert again.body["text"].startswith("Nothing new to post.")
    assert len(team.posts_to(CHANNEL)) == 1

    # A search is private, with a button to share it; sharing posts it in the channel.
    (found,) = await team.papers("diffusion distillation")
    assert found.body["response_type"] == "ephemeral"
    assert section_texts(found)[0].startswith("Results for *diffusion distillation* — ")
    assert "Continuous-Time Distribution Matching for Few-Step Diffusion" in "".join(
        section_texts(found)
    )
    share = next(b for b in buttons(found) if b["action_id"] == "paperboy_share")
    shared = await team.press(share["action_id"], share["value"])
    assert shared.body["response_type"] == "in_channel"
    assert "Shared by <@U0BOB42>" in json.dumps(shared.body["blocks"])

    # The digest's buttons: 👍 is stored; "more like this" answers with papers.
    thanks = await team.press("paperboy_feedback_up", ids[0])
    assert thanks.body["response_type"] == "ephemeral" and "noted" in thanks.body["text"]
    more = await team.press("paperboy_feedback_more", ids[0])
    assert more.body["text"].startswith("More like")
    assert len(section_texts(more)) >= 2  # the heading and at least one paper
    assert feedback_counts(team.core.app.library.engine, CHANNEL) == {
        (ids[0], "up"): 1,
        (ids[0], "more"): 1,
    }

    # Every message and answer is one the real Slack accepts.
    posts = team.fake.called("chat.postMessage")
    answers = [c for c in team.fake.calls if c.path.startswith("response/")]
    assert all(slack_would_reject(c.body) is None for c in posts + answers)


async def test_a_channel_that_lost_the_bot_is_paused_after_one_call_and_says_why(
    team: Team,
) -> None:
    await team.papers(f"subscribe {TOPIC}", replies=2)
    await team.papers("schedule daily 09:00 UTC", replies=2)
    team.fake.script("C1", Scripted(error="not_in_channel"))
    team.core.clock.advance(hours=1, seconds=30)

    assert (await team.core.scheduler.tick())["paused"] == 1
    team.core.clock.advance(days=1)
    assert (await team.core.scheduler.tick()).total() == 0  # paused: not tried again

    assert len(team.posts_to(CHANNEL)) == 1
    reason = team.settings().paused_reason
    assert reason is not None and reason.startswith("not_in_channel")
    (dm,) = [c for c in team.fake.called("chat.postMessage") if c.body["channel"] == "UINSTALLER"]
    assert "<#C1>" in dm.body["text"] and "paused" in dm.body["text"]

    (listed,) = await team.papers("list")
    assert "Digests in this channel are paused" in listed.body["text"]
    assert "invite it with /invite @Paperboy. Give the bot" in listed.body["text"]
    assert "`/papers resume`" in listed.body["text"]

    # Invited back: resume, and the next morning's digest arrives.
    await team.papers("resume", replies=2)
    team.core.clock.advance(days=1)
    assert (await team.core.scheduler.tick()).total() == 1
    assert len(team.posts_to(CHANNEL)) == 2


async def test_an_archived_channel_is_paused_and_the_others_keep_their_digest(team: Team) -> None:
    for channel in (CHANNEL, OTHER):
        await team.papers(f"subscribe {TOPIC}", channel=channel, replies=2)
        await team.papers("schedule daily 09:00 UTC", channel=channel, replies=2)
    team.fake.script("C2", Scripted(error="is_archived"))
    team.core.clock.advance(hours=1, seconds=30)

    counts = await team.core.scheduler.tick()

    assert (counts["posted"], counts["paused"]) == (1, 1)
    assert len(team.posts_to(OTHER)) == 1
    assert (team.settings(OTHER).paused_reason or "").startswith("is_archived")
    assert team.settings(CHANNEL).paused_reason is None


async def test_a_revoked_token_pauses_every_channel_of_the_workspace(team: Team) -> None:
    for channel in (CHANNEL, OTHER):
        await team.papers(f"subscribe {TOPIC}", channel=channel, replies=2)
    await team.papers("schedule daily 09:00 UTC", replies=2)
    team.fake.revoked_tokens.add(team.fake.install_token)
    team.core.clock.advance(hours=1, seconds=30)

    assert (await team.core.scheduler.tick())["paused"] == 1

    assert len(team.posts_to(CHANNEL)) == 1
    for channel in (CHANNEL, OTHER):
        assert (team.settings(channel).paused_reason or "").startswith("token_revoked")


async def test_uninstalling_the_app_pauses_the_workspace(team: Team) -> None:
    await team.papers(f"subscribe {TOPIC}", replies=2)
    event = {
        "type": "event_callback",
        "token": "deprecated",
        "team_id": TEAM,
        "api_app_id": "A1",
        "event": {"type": "app_uninstalled", "event_ts": "1.0"},
        "event_id": "Ev1",
        "event_time": int(time.time()),
    }

    response = await team.listener.post_signed("/slack/events", json_body=event)

    assert response.status == 200
    await eventually(lambda: team.settings().paused_reason is not None)
    assert "uninstalled" in (team.settings().paused_reason or "")
