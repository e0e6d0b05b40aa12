"""Retrying HTTP GETs for paper sources: backoff on 429/5xx/timeouts, honouring rate headers.

Hugging Face sends IETF-draft ``RateLimit: "api";r=0;t=42`` headers on 429
(https://huggingface.co/docs/hub/rate-limits); other hosts may send ``Retry-After`` (RFC 9110
§10.2.3); arXiv sends neither (https://info.arxiv.org/help/api/tou.html), so we fall back to
exponential backoff with jitter. Retrying is tenacity's job; this module only decides *what* is
retryable and *how long* the server asked us to wait.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import httpx
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception,
    stop_after_attempt,
    wait_exponential,
    wait_random,
)

from bot.errors import SourceUnavailable, UserError
from bot.pacing import requested_wait

log = logging.getLogger(__name__)

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
MAX_SERVER_WAIT_S = 300.0


@dataclass(frozen=True, slots=True)
class HttpOptions:
    """How every source talks HTTP (``PAPERBOY_SOURCE_TIMEOUT_SECONDS`` and
    ``PAPERBOY_SOURCE_RETRY_INITIAL_SECONDS``): the timeout of one request and the first
    backoff wait, which doubles per retry. ``transport`` lets tests answer without a network."""

    timeout_seconds: float = 30.0
    retry_initial_seconds: float = 1.0
    transport: httpx.AsyncBaseTransport | None = None

    def client(self, *, max_connections: int | None = None) -> httpx.AsyncClient:
        """A client for one fetch (the caller closes it); ``max_connections=1`` for arXiv."""
        if max_connections is None:
            return httpx.AsyncClient(
                timeout=self.timeout_seconds, follow_redirects=True, transport=self.transport
            )
        return httpx.AsyncClient(
            timeout=self.timeout_seconds,
            follow_redirects=True,
            limits=httpx.Limits(max_connections=max_connections),
            transport=self.transport,
        )


class RetryableStatus(Exception):
    """A response whose status says "try again later"."""

    def __init__(self, response: httpx.Response) -> None:
        self.response = response
        super().__init__(f"HTTP {response.status_code}")


def server_requested_wait(response: httpx.Response) -> float | None:
    """Seconds the server asked us to wait (``RateLimit`` t=, or ``Retry-After``), if any,
    at most :data:`MAX_SERVER_WAIT_S`: a source that asks for an hour gets five minutes."""
    asked = requested_wait(
        response.headers.get("Retry-After"), ratelimit=response.headers.get("RateLimit")
    )
    return None if asked is None else min(asked, MAX_SERVER_WAIT_S)


def _is_retryable(exc: BaseException) -> bool:
    return isinstance(exc, RetryableStatus | httpx.TimeoutException | httpx.TransportError)


class _Wait:
    """Wait what the server asked for, else exponential backoff with jitter."""

    def __init__(self, initial: float, maximum: float) -> None:
        # wait_exponential_jitter(initial=...) warns (DeprecationWarning) in tenacity ≥ 9.1
        # whenever initial != 1; this sum is the same backoff and works on every 9.x.
        self._backoff = wait_exponential(multiplier=initial, max=maximum) + wait_random(0, 1)

    def __call__(self, state: RetryCallState) -> float:
        outcome = state.outcome
        if outcome is not None and outcome.failed:
            exc = outcome.exception()
            if isinstance(exc, RetryableStatus):
                asked = server_requested_wait(exc.response)
                if asked is not None:
                    return asked
        return float(self._backoff(state))


async def get_with_retries(
    send: Callable[[], Awaitable[httpx.Response]],
    *,
    attempts: int = 4,
    initial_wait: float = 1.0,
    max_wait: float = 30.0,
    what: str = "request",
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> httpx.Response:
    """Call ``send`` until it gives a non-retryable response; raise the last failure.

    Returns any response that is not 429/5xx (the caller decides what a 404 means). Raises
    :class:`RetryableStatus` or an httpx transport error after ``attempts`` tries. ``sleep``
    is injectable so tests check the waits without waiting.
    """

    def _log(state: RetryCallState) -> None:
        exc = state.outcome.exception() if state.outcome else None
        log.warning("retrying %s after %s (attempt %d)", what, exc, state.attempt_number)

    retrying = AsyncRetrying(
        retry=retry_if_exception(_is_retryable),
        stop=stop_after_attempt(attempts),
        wait=_Wait(initial_wait, max_wait),
        before_sleep=_log,
        reraise=True,
        sleep=sleep,
    )
    async for attempt in retrying:
        with attempt:
            response = await send()
            if response.status_code in RETRY_STATUSES:
                raise RetryableStatus(response)
            return response
    raise AssertionError("unreachable: tenacity either returns or re-raises")


def describe_failure(exc: BaseException) -> str:
    """A short, safe phrase for why a source request failed (``HTTP 503``, ``timed out``, or
    the friendly message of our own errors) — never the raw exception text."""
    if isinstance(exc, RetryableStatus):
        return f"HTTP {exc.response.status_code}"
    if isinstance(exc, httpx.TimeoutException):
        return "timed out"
    if isinstance(exc, UserError | SourceUnavailable):
        return exc.message
    return type(exc).__name__
