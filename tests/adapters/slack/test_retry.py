"""The retry policy: what is retried, how long it waits, and that it stops."""

from __future__ import annotations

import pytest
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState

from adapters.slack.retry import BoundedRetryHandler

pytestmark = pytest.mark.anyio

REQUEST = HttpRequest(method="POST", url="http://127.0.0.1/api/chat.postMessage", headers={})


def response(status: int, headers: dict[str, list[str]] | None = None) -> HttpResponse:
    return HttpResponse(status_code=status, headers=headers or {}, data=b"")


@pytest.mark.parametrize(
    ("answer", "error", "retried"),
    [
        (response(429, {"Retry-After": ["2"]}), None, True),
        (response(429, {"Retry-After": ["600"]}), None, False),
        (response(500), None, True),
        (response(503), None, True),
        (response(400), None, False),
        (None, TimeoutError(), True),
        (None, ValueError("a bug"), False),
    ],
)
async def test_what_is_retried(
    answer: HttpResponse | None, error: Exception | None, retried: bool
) -> None:
    handler = BoundedRetryHandler()

    can = await handler.can_retry_async(
        state=RetryState(), request=REQUEST, response=answer, error=error
    )

    assert can is retried


async def test_retries_stop_after_the_limit() -> None:
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    handler = BoundedRetryHandler(max_retry_count=2, sleep=sleep)
    state = RetryState()
    while await handler.can_retry_async(state=state, request=REQUEST, error=TimeoutError()):
        await handler.prepare_for_next_attempt_async(
            state=state, request=REQUEST, error=TimeoutError()
        )

    assert waits == [1.0, 2.0]
