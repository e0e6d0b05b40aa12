"""The issue's "done when": a team installs, subscribes, gets the digest, searches, votes."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from adapters.slack import SlackRuntime
from bot.chat import ChannelRef, FeedbackKind, Reply
from bot.digests.build import Digest, DigestItem
from tests.adapters.slack.conftest import Listener, now, ranked, slash_fields
from tests.adapters.slack.test_commands import _button_payload
from tests.adapters.slack.test_oauth import install, oauth_runtime
from tests.kit.core import FakeCore
from tests.kit.slack import FakeSlack, slack_would_reject

pytestmark = [
    pytest.mark.anyio,
    pytest.mark.filterwarnings("ignore:BasicAuth is deprecated:DeprecationWarning"),
]


async def test_a_team_installs_subscribes_reads_searches_and_votes(
    fake_slack: FakeSlack,
    core: FakeCore,
    make_runtime: Callable[..., SlackRuntime],
    serve_runtime: Callable[[SlackRuntime], Any],
) -> None:
    runtime = oauth_runtime(make_runtime)
    listener: Listener = await serve_runtime(runtime)
    assert (await install(listener))[0] == 200

    core.replies["subscribe scaling"] = Reply(
        text="Subscribed.", announce="#general now follows scaling"
    )
    await listener.post_signed(
        "/slack/events", slash_fields(fake_slack, "subscribe scaling", team="T2")
    )
    _, announced = await fake_slack.wait_for("response/1", count=2)
    assert announced.body["response_type"] == "in_channel"

    channel = ChannelRef("slack", "C1", workspace_id="T2")
    items = tuple(DigestItem(ranked(f"2601.{n:05d}"), "scaling") for n in range(5))
    ts = await runtime.adapter.post_digest(
        channel, Digest("Morning digest", items, now()), delivery_key="C1:2026-11-26"
    )
    assert await runtime.adapter.find_posted(channel, "C1:2026-11-26") == ts

    core.replies["scaling"] = Reply(text="1 paper", results=(ranked("2601.00003"),))
    await listener.post_signed("/slack/events", slash_fields(fake_slack, "scaling", team="T2"))
    await fake_slack.wait_for("response/1", count=3)

    payload = _button_payload(fake_slack, "paperboy_feedback_up", "2601.00003")
    body = json.loads(payload["payload"])
    body["team"]["id"] = "T2"
    await listener.post_signed("/slack/events", {"payload": json.dumps(body)})
    await fake_slack.wait_for("response/button")
    assert core.feedbacks[0][1:3] == ("2601.00003", FeedbackKind.UP)

    # Every message Slack received is one it would accept, sent with the installed token.
    posts = fake_slack.called("chat.postMessage")
    assert posts and all(slack_would_reject(p.body) is None for p in posts)
    assert {p.token for p in posts} == {fake_slack.install_token}
    responses = [c for c in fake_slack.calls if c.path.startswith("response/")]
    assert all(slack_would_reject(r.body) is None for r in responses)
