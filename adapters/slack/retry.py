"""One bounded retry policy for every Slack Web API call the app makes.

slack_sdk retries nothing but a dropped connection by default
(https://tools.slack.dev/python-slack-sdk/web#retryhandler). We retry a
429 after its ``Retry-After`` (if that is a sane wait), 5xx and timeouts with exponential
backoff — a few times, never forever; the caller turns the final failure into
``TransientPostError`` and the scheduler tries again later.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import aiohttp
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState

from bot.pacing import requested_wait

Sleep = Callable[[float], Awaitable[None]]

RETRYABLE_STATUS = frozenset({500, 502, 503, 504})
DEFAULT_MAX_RETRIES = 3
DEFAULT_MAX_RETRY_AFTER = 30.0
DEFAULT_BACKOFF = 1.0


def retry_after_from(headers: Mapping[str, Any]) -> float:
    """The wait a 429 asks for (:func:`bot.pacing.requested_wait`), from slack_sdk's headers
    (values are strings or lists, names in any case); 1 s when missing or unreadable."""
    for name, value in headers.items():
        if name.lower() == "retry-after":
            first = value[0] if isinstance(value, list) and value else value
            asked = requested_wait(str(first or ""))
            return 1.0 if asked is None else asked
    return 1.0


class BoundedRetryHandler(AsyncRetryHandler):
    """Retry 429 (honouring ``Retry-After`` up to ``max_retry_after``), 5xx and timeouts.

    A 429 asking for a longer wait than ``max_retry_after`` is not retried here: holding a
    digest worker for minutes helps nobody, the scheduler's own retry is the right place.
    ``sleep`` is injectable so tests never wait.
    """

    def __init__(
        self,
        *,
        max_retry_count: int = DEFAULT_MAX_RETRIES,
        max_retry_after: float = DEFAULT_MAX_RETRY_AFTER,
        backoff: float = DEFAULT_BACKOFF,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        super().__init__(max_retry_count=max_retry_count)
        self.max_retry_after = max_retry_after
        self.backoff = backoff
        self._sleep = sleep

    async def _can_retry_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if response is not None:
            if response.status_code == 429:
                return retry_after_from(response.headers) <= self.max_retry_after
            return response.status_code in RETRYABLE_STATUS
        return isinstance(error, TimeoutError | aiohttp.ClientConnectionError)

    async def prepare_for_next_attempt_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> None:
        state.next_attempt_requested = True
        if response is not None and response.status_code == 429:
            wait = retry_after_from(response.headers)
        else:
            wait = self.backoff * (2**state.current_attempt)
        await self._sleep(wait)
        state.increment_current_attempt()
