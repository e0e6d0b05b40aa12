"""A thread part Slack keeps throttling is retried after its Retry-After, not dropped."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.web.async_slack_response import AsyncSlackResponse

from adapters.slack.blocks import SlackMessage
from adapters.slack.poster import THREAD_PART_ATTEMPTS, RateLimited, SlackChatAdapter
from bot.chat import ChannelRef


def _throttled(retry_after: str = "7") -> SlackApiError:
    response = AsyncSlackResponse(
        client=AsyncWebClient(),
        http_verb="POST",
        api_url="https://slack.test/api/chat.postMessage",
        req_args={},
        data={"ok": False, "error": "ratelimited"},
        headers={"Retry-After": retry_after},
        status_code=429,
    )
    return SlackApiError("ratelimited", response)


class ThrottledThenOk:
    """chat_postMessage that answers 429 ``failures`` times for thread parts, then ok."""

    def __init__(self, failures: int, retry_after: str = "7") -> None:
        self.failures = failures
        self.retry_after = retry_after
        self.calls: list[dict[str, Any]] = []

    async def chat_postMessage(self, **kwargs: Any) -> dict[str, str]:  # slack_sdk's name
        self.calls.append(kwargs)
        if kwargs.get("thread_ts") and self.failures:
            self.failures -= 1
            raise _throttled(self.retry_after)
        return {"ts": f"{len(self.calls)}.0"}


async def _no_installer(_workspace: str) -> str | None:
    return None


@pytest.mark.anyio
@pytest.mark.parametrize("failures", [1, THREAD_PART_ATTEMPTS - 1])
async def test_throttled_thread_part_waits_retry_after_and_arrives(failures: int) -> None:
    client = ThrottledThenOk(failures)
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    adapter = SlackChatAdapter(client, _no_installer, _no_installer, sleep=sleep)  # type: ignore[arg-type]  # a duck-typed client
    message = SlackMessage(text="part 2", blocks=[])
    ts = await adapter._send_part("xoxb-x", ChannelRef("slack", "C1"), message, {}, "1.0")
    assert ts
    assert waits == [7.0] * failures


@pytest.mark.anyio
async def test_a_part_throttled_every_time_gives_up_after_a_bounded_number_of_rounds() -> None:
    client = ThrottledThenOk(10**6)

    async def sleep(seconds: float) -> None:
        return None

    adapter = SlackChatAdapter(client, _no_installer, _no_installer, sleep=sleep)  # type: ignore[arg-type]  # a duck-typed client
    with pytest.raises(RateLimited):
        await adapter._send_part(
            "xoxb-x", ChannelRef("slack", "C1"), SlackMessage(text="p", blocks=[]), {}, "1.0"
        )
    assert len(client.calls) == THREAD_PART_ATTEMPTS


@pytest.mark.anyio
async def test_an_http_date_retry_after_is_honoured() -> None:
    soon = format_datetime(datetime.now(UTC) + timedelta(seconds=20), usegmt=True)
    client = ThrottledThenOk(1, retry_after=soon)
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    adapter = SlackChatAdapter(client, _no_installer, _no_installer, sleep=sleep)  # type: ignore[arg-type]  # a duck-typed client
    await adapter._send_part("xoxb-x", ChannelRef("slack", "C1"), SlackMessage("p", []), {}, "1.0")
    assert len(waits) == 1 and 17 <= waits[0] <= 20


@pytest.mark.anyio
async def test_a_part_asked_to_wait_an_hour_goes_back_to_the_scheduler() -> None:
    client = ThrottledThenOk(1, retry_after="3600")
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    adapter = SlackChatAdapter(client, _no_installer, _no_installer, sleep=sleep)  # type: ignore[arg-type]  # a duck-typed client
    with pytest.raises(RateLimited):
        await adapter._send_part(
            "xoxb-x", ChannelRef("slack", "C1"), SlackMessage("p", []), {}, "1.0"
        )
    assert waits == [] and len(client.calls) == 1
