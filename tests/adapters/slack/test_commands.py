"""/papers, buttons and events over real HTTP, signed like Slack signs them, against the fake."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from typing import Any

import pytest
from prometheus_client import REGISTRY

from adapters.slack import SlackRuntime
from adapters.slack.blocks import SHARE_ACTION_ID
from bot.chat import FeedbackKind, Reply, Visibility
from tests.adapters.slack.conftest import Listener, ranked, slash_fields
from tests.kit.core import FakeCore
from tests.kit.slack import FakeSlack

pytestmark = pytest.mark.anyio

ServeRuntime = Callable[[SlackRuntime], Any]


async def _listener(
    make_runtime: Callable[..., SlackRuntime], serve_runtime: ServeRuntime
) -> Listener:
    listener: Listener = await serve_runtime(make_runtime())
    return listener


def _button_payload(fake: FakeSlack, action_id: str, value: str) -> dict[str, str]:
    payload = {
        "type": "block_actions",
        "api_app_id": "A1",
        "token": "deprecated",
        "trigger_id": "1.2.3",
        "team": {"id": "T1", "domain": "example"},
        "user": {"id": "U0BOB42", "team_id": "T1"},
        "channel": {"id": "C1", "name": "general"},
        "container": {"type": "message", "message_ts": "1.0", "channel_id": "C1"},
        "response_url": fake.response_url("button"),
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
    return {"payload": json.dumps(payload)}


async def test_slash_command_acks_before_the_work_and_answers_at_response_url(
    fake_slack: FakeSlack,
    core: FakeCore,
    make_runtime: Callable[..., SlackRuntime],
    serve_runtime: ServeRuntime,
) -> None:
    listener = await _listener(make_runtime, serve_runtime)
    core.gate = asyncio.Event()  # the search is still running when Slack wants its answer

    response = await asyncio.wait_for(
        listener.post_signed("/slack/events", slash_fields(fake_slack, "scaling laws")), timeout=3
    )

    assert response.status == 200
    assert fake_slack.called("response/1") == []
    core.gate.set()
    (answer,) = await fake_slack.wait_for("response/1")
    assert answer.body["text"] == "Done: scaling laws"
    assert answer.body["response_type"] == "ephemeral"
    channel, text, caller = core.handled[0]
    assert (str(channel), text, caller.user_id) == ("slack:T1/C1", "scaling laws", "U1")


async def test_bad_signature_is_refused_and_never_reaches_the_core(
    fake_slack: FakeSlack,
    core: FakeCore,
    make_runtime: Callable[..., SlackRuntime],
    serve_runtime: ServeRuntime,
) -> None:
    listener = await _listener(make_runtime, serve_runtime)

    response = await listener.post_signed(
        "/slack/events", slash_fields(fake_slack, "list"), secret="not-the-secret"
    )

    assert response.status == 401
    assert core.handled == []


async def test_request_older_than_five_minutes_is_refused(
    fake_slack: FakeSlack,
    core: FakeCore,
    make_runtime: Callable[..., SlackRuntime],
    serve_runtime: ServeRuntime,
) -> None:
    listener = await _listener(make_runtime, serve_runtime)

    response = await listener.post_signed(
        "/slack/events", slash_fields(fake_slack, "list"), timestamp=int(time.time()) - 301
    )

    assert response.status == 401
    assert core.handled == []


async def test_search_results_are_private_and_can_be_shared_in_the_channel(
    fake_slack: FakeSlack,
    core: FakeCore,
    make_runtime: Callable[..., SlackRuntime],
    serve_runtime: ServeRuntime,
) -> None:
    listener = await _listener(make_runtime, serve_runtime)
    results = (ranked("2601.00001"), ranked("2601.00002", "Tiny transformers"))
    heading = "Results for *scaling <b>* — 2 papers"
    core.replies["scaling"] = Reply(
        text=f"Note for you\n\n{heading}\n\n1. Scaling laws", results=results, heading=heading
    )

    await listener.post_signed("/slack/events", slash_fields(fake_slack, "scaling"))
    (private,) = await fake_slack.wait_for("response/1")

    assert private.body["response_type"] == "ephemeral"
    assert private.body["blocks"][0]["text"]["text"] == "Results for *scaling &lt;b&gt;* — 2 papers"
    buttons = [e for b in private.body["blocks"] if b["type"] == "actions" for e in b["elements"]]
    share = [b for b in buttons if b["action_id"] == SHARE_ACTION_ID]
    assert share and share[0]["value"] == "scaling"

    response = await listener.post_signed(
        "/slack/events", _button_payload(fake_slack, SHARE_ACTION_ID, "scaling")
    )
    assert response.status == 200
    (shared,) = await fake_slack.wait_for("response/button")
    assert shared.body["response_type"] == "in_channel"
    assert shared.body["replace_original"] is False
    assert "Tiny transformers" in json.dumps(shared.body["blocks"])
    assert "<@U0BOB42>" in json.dumps(shared.body["blocks"])


async def test_subscription_change_is_announced_in_the_channel(
    fake_slack: FakeSlack,
    core: FakeCore,
    make_runtime: Callable[..., SlackRuntime],
    serve_runtime: ServeRuntime,
) -> None:
    listener = await _listener(make_runtime, serve_runtime)
    core.replies['subscribe "scaling laws"'] = Reply(
        text='Subscribed to "scaling laws".', announce='@ada subscribed #general to "scaling laws"'
    )

    await listener.post_signed(
        "/slack/events", slash_fields(fake_slack, 'subscribe "scaling laws"')
    )
    to_caller, to_channel = await fake_slack.wait_for("response/1", count=2)

    assert to_caller.body["response_type"] == "ephemeral"
    assert to_channel.body["response_type"] == "in_channel"
    assert to_channel.body["text"] == '@ada subscribed #general to "scaling laws"'


async def test_error_reply_is_private_and_cannot_ping(
    fake_slack: FakeSlack,
    core: FakeCore,
    make_runtime: Callable[..., SlackRuntime],
    serve_runtime: ServeRuntime,
) -> None:
    listener = await _listener(make_runtime, serve_runtime)
    core.replies["<!channel>"] = Reply(
        text="Unknown command '<!channel>'.", visibility=Visibility.CHANNEL, is_error=True
    )

    await listener.post_signed("/slack/events", slash_fields(fake_slack, "<!channel>"))
    (answer,) = await fake_slack.wait_for("response/1")

    assert answer.body["response_type"] == "ephemeral"
    assert "<!channel>" not in answer.body["text"]
    assert "&lt;!channel&gt;" in answer.body["text"]


@pytest.mark.parametrize(
    ("action_id", "kind"),
    [
        ("paperboy_feedback_up", FeedbackKind.UP),
        ("paperboy_feedback_down", FeedbackKind.DOWN),
        ("paperboy_feedback_more", FeedbackKind.MORE),
    ],
)
async def test_feedback_button_reaches_the_core_with_the_paper(
    fake_slack: FakeSlack,
    core: FakeCore,
    make_runtime: Callable[..., SlackRuntime],
    serve_runtime: ServeRuntime,
    action_id: str,
    kind: FeedbackKind,
) -> None:
    listener = await _listener(make_runtime, serve_runtime)

    response = await listener.post_signed(
        "/slack/events", _button_payload(fake_slack, action_id, "2601.00042")
    )
    assert response.status == 200
    (answer,) = await fake_slack.wait_for("response/button")

    channel, paper_id, got_kind, caller = core.feedbacks[0]
    assert (str(channel), paper_id, got_kind, caller.user_id) == (
        "slack:T1/C1",
        "2601.00042",
        kind,
        "U0BOB42",
    )
    assert channel.name == "general"  # kept current in the channel store
    assert answer.body["response_type"] == "ephemeral"
    assert answer.body["replace_original"] is False


async def test_app_uninstalled_pauses_the_workspace(
    fake_slack: FakeSlack,
    core: FakeCore,
    make_runtime: Callable[..., SlackRuntime],
    serve_runtime: ServeRuntime,
) -> None:
    listener = await _listener(make_runtime, serve_runtime)
    event = {
        "type": "event_callback",
        "token": "deprecated",
        "team_id": "T1",
        "api_app_id": "A1",
        "event": {"type": "app_uninstalled", "event_ts": "1.0"},
        "event_id": "Ev1",
        "event_time": int(time.time()),
    }

    response = await listener.post_signed("/slack/events", json_body=event)

    assert response.status == 200
    async with asyncio.timeout(5):
        while not core.paused_workspaces:
            await asyncio.sleep(0)  # yield to the listener task; bounded by the timeout
    assert core.paused_workspaces[0][:2] == ("slack", "T1")


async def test_a_core_failure_gets_an_apology_not_the_exception(
    fake_slack: FakeSlack,
    core: FakeCore,
    make_runtime: Callable[..., SlackRuntime],
    serve_runtime: ServeRuntime,
    caplog: pytest.LogCaptureFixture,
) -> None:
    listener = await _listener(make_runtime, serve_runtime)

    async def broken(*_: object) -> Reply:
        raise RuntimeError("postgresql://user:secret@db/paperboy is down")

    core.handle = broken  # type: ignore[method-assign]  # simulate a bug in the core

    response = await listener.post_signed("/slack/events", slash_fields(fake_slack, "list"))
    (answer,) = await fake_slack.wait_for("response/1")

    assert response.status == 200
    assert answer.body["response_type"] == "ephemeral"
    assert "secret" not in answer.body["text"] and "Sorry" in answer.body["text"]
    assert any(r.message == "slack /papers failed" for r in caplog.records)


async def test_command_latency_is_left_to_the_core(
    fake_slack: FakeSlack,
    core: FakeCore,
    make_runtime: Callable[..., SlackRuntime],
    serve_runtime: ServeRuntime,
) -> None:
    """The core counts every command once; the listener adding its own count doubled it."""
    listener = await _listener(make_runtime, serve_runtime)
    labels = {"platform": "slack", "command": "list"}
    before = REGISTRY.get_sample_value("paperboy_command_seconds_count", labels) or 0.0

    await listener.post_signed("/slack/events", slash_fields(fake_slack, "list"))
    await fake_slack.wait_for("response/1")

    assert core.handled
    assert (REGISTRY.get_sample_value("paperboy_command_seconds_count", labels) or 0.0) == before


async def test_sharing_in_a_paused_channel_posts_only_the_results(
    fake_slack: FakeSlack,
    core: FakeCore,
    make_runtime: Callable[..., SlackRuntime],
    serve_runtime: ServeRuntime,
) -> None:
    """Issue 14: "Share in channel" posted the private pause notice to everyone."""
    listener = await _listener(make_runtime, serve_runtime)
    notice = "⚠️ Digests in this channel are paused: the bot was removed."
    heading = "Results for *scaling* — 1 paper"
    core.replies["scaling"] = Reply(
        text=f"{notice}\n\n{heading}\n\n1. Scaling laws",
        results=(ranked(),),
        heading=heading,
        notice=notice,
    )

    await listener.post_signed("/slack/events", slash_fields(fake_slack, "scaling"))
    (private,) = await fake_slack.wait_for("response/1")
    await listener.post_signed(
        "/slack/events", _button_payload(fake_slack, SHARE_ACTION_ID, "scaling")
    )
    shared, told = await fake_slack.wait_for("response/button", count=2)

    assert "paused" in json.dumps(private.body["blocks"])  # the searcher sees why
    assert shared.body["response_type"] == "in_channel"
    assert "paused" not in json.dumps(shared.body)
    assert told.body["response_type"] == "ephemeral" and "paused" in told.body["text"]
