"""Posting digests through the real slack_sdk client to the fake, and every scripted failure."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from adapters.slack import SlackRuntime
from bot.chat import ChannelRef, ChannelUnavailable, TransientPostError, WorkspaceUnavailable
from bot.digests.build import Digest, DigestItem
from tests.adapters.slack.conftest import now, ranked
from tests.adapters.slack.test_blocks import worst_case
from tests.kit.slack import FakeSlack, Scripted

pytestmark = pytest.mark.anyio

CHANNEL = ChannelRef("slack", "C1", workspace_id="T1")


def digest(count: int = 3) -> Digest:
    items = tuple(DigestItem(ranked(f"2601.{n:05d}"), "scaling") for n in range(count))
    return Digest(title="Morning digest", items=items, generated_at=now())


async def test_digest_is_posted_with_fallback_metadata_and_no_unfurls(
    fake_slack: FakeSlack, make_runtime: Callable[..., SlackRuntime]
) -> None:
    adapter = make_runtime().adapter

    ts = await adapter.post_digest(CHANNEL, digest(), delivery_key="C1:2026-11-26")

    (call,) = fake_slack.called("chat.postMessage")
    assert call.ts == ts
    assert call.token == "xoxb-test-T1"
    assert call.body["channel"] == "C1"
    assert call.body["unfurl_links"] is False and call.body["unfurl_media"] is False
    assert call.body["text"].startswith("Morning digest")
    assert call.body["metadata"] == {
        "event_type": "paperboy_digest",
        "event_payload": {"delivery_key": "C1:2026-11-26", "part": 1},
    }
    assert await adapter.find_posted(CHANNEL, "C1:2026-11-26") == ts
    assert await adapter.find_posted(CHANNEL, "C1:2026-11-27") is None


async def test_long_digest_continues_in_the_thread(
    fake_slack: FakeSlack, make_runtime: Callable[..., SlackRuntime]
) -> None:
    adapter = make_runtime().adapter
    items = tuple(DigestItem(worst_case(n), "scaling") for n in range(12))

    ts = await adapter.post_digest(CHANNEL, Digest("Big digest", items, now()), delivery_key="k")

    first, *rest = fake_slack.called("chat.postMessage")
    assert first.ts == ts and "thread_ts" not in first.body
    assert rest and all(call.body["thread_ts"] == ts for call in rest)
    assert all(call.ts for call in rest)  # the fake (Slack's rules) accepted every part


@pytest.mark.parametrize("error", ["not_in_channel", "channel_not_found", "is_archived"])
async def test_lost_channel_raises_channel_unavailable_and_is_reported_once(
    fake_slack: FakeSlack,
    make_runtime: Callable[..., SlackRuntime],
    caplog: pytest.LogCaptureFixture,
    error: str,
) -> None:
    adapter = make_runtime().adapter
    fake_slack.script("C1", Scripted(error=error), Scripted(error=error))

    for _ in range(2):
        with pytest.raises(ChannelUnavailable) as raised:
            await adapter.post_digest(CHANNEL, digest(), delivery_key="k")
        assert raised.value.reason.startswith(error)

    assert len([r for r in caplog.records if r.message == "slack channel unavailable"]) == 1
    assert len(fake_slack.called("chat.postMessage")) == 2  # no retries of a lost channel


@pytest.mark.parametrize("error", ["token_revoked", "account_inactive"])
async def test_dead_token_raises_workspace_unavailable(
    fake_slack: FakeSlack, make_runtime: Callable[..., SlackRuntime], error: str
) -> None:
    adapter = make_runtime().adapter
    fake_slack.script("C1", Scripted(error=error))

    with pytest.raises(WorkspaceUnavailable):
        await adapter.post_digest(CHANNEL, digest(), delivery_key="k")


async def test_rate_limit_waits_for_retry_after_then_posts(
    fake_slack: FakeSlack, make_runtime: Callable[..., SlackRuntime], sleeps: list[float]
) -> None:
    adapter = make_runtime().adapter
    fake_slack.script("C1", Scripted(status=429, retry_after=7))

    ts = await adapter.post_digest(CHANNEL, digest(), delivery_key="k")

    assert sleeps == [7.0]
    assert [c.ts for c in fake_slack.called("chat.postMessage")] == [None, ts]


async def test_rate_limit_asking_for_a_long_wait_is_left_to_the_scheduler(
    fake_slack: FakeSlack, make_runtime: Callable[..., SlackRuntime], sleeps: list[float]
) -> None:
    adapter = make_runtime().adapter
    fake_slack.script("C1", Scripted(status=429, retry_after=3600))

    with pytest.raises(TransientPostError):
        await adapter.post_digest(CHANNEL, digest(), delivery_key="k")
    assert sleeps == []


async def test_server_errors_are_retried_with_backoff_then_given_up(
    fake_slack: FakeSlack, make_runtime: Callable[..., SlackRuntime], sleeps: list[float]
) -> None:
    adapter = make_runtime().adapter
    fake_slack.script("C1", *[Scripted(status=500)] * 10)

    with pytest.raises(TransientPostError):
        await adapter.post_digest(CHANNEL, digest(), delivery_key="k")

    assert sleeps == [1.0, 2.0, 4.0]  # bounded: three retries, growing waits
    assert len(fake_slack.called("chat.postMessage")) == 4


async def test_one_server_error_is_retried_transparently(
    fake_slack: FakeSlack, make_runtime: Callable[..., SlackRuntime], sleeps: list[float]
) -> None:
    adapter = make_runtime().adapter
    fake_slack.script("C1", Scripted(status=503))

    assert await adapter.post_digest(CHANNEL, digest(), delivery_key="k")
    assert sleeps == [1.0]


async def test_unreachable_slack_is_transient(
    make_runtime: Callable[..., SlackRuntime], sleeps: list[float]
) -> None:
    adapter = make_runtime(api_url="http://127.0.0.1:9/api/").adapter  # nothing listens on 9

    with pytest.raises(TransientPostError):
        await adapter.post_digest(CHANNEL, digest(), delivery_key="k")
    assert len(sleeps) == 3


async def test_empty_digest_posts_its_reason(
    fake_slack: FakeSlack, make_runtime: Callable[..., SlackRuntime]
) -> None:
    adapter = make_runtime().adapter
    empty = Digest("Morning digest", (), now(), empty_reason="Nothing new above 10 upvotes.")

    await adapter.post_digest(CHANNEL, empty, delivery_key="k")

    (call,) = fake_slack.called("chat.postMessage")
    assert "Nothing new above 10 upvotes." in json.dumps(call.body["blocks"])
