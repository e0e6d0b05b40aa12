"""A fake Slack Web API (and ``response_url``) in a background thread, for ``paperboy serve``
subprocesses: it records every call with its arrival time, and can be told to throttle a share
of ``chat.postMessage`` calls (429 + ``Retry-After``) or to have lost some channels.

It refuses what Slack refuses (the checks of ``tests/adapters/slack/fake_slack.py``), and it
notes every call that arrives for a channel before the ``Retry-After`` it was given has
passed, so a test can prove the rate limit was respected.
"""

from __future__ import annotations

import itertools
import json
import random
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web

from tests.adapters.slack.fake_slack import slack_would_reject
from tests.fakes.threaded_server import running_app


@dataclass(frozen=True)
class Post:
    """One ``chat.postMessage`` call and what the fake answered."""

    at: float  # time.monotonic() on arrival
    channel: str
    status: int  # HTTP status answered
    error: str | None  # Slack error code answered, None on success
    ts: str | None
    thread_ts: str | None
    metadata: dict[str, Any] | None
    text: str
    blocks: list[dict[str, Any]]

    @property
    def delivery_key(self) -> str | None:
        """The delivery key Paperboy put in the message metadata, if any."""
        payload = (self.metadata or {}).get("event_payload") or {}
        key = payload.get("delivery_key")
        return str(key) if key else None

    @property
    def part(self) -> int:
        """The digest part number from the metadata (1 when absent)."""
        payload = (self.metadata or {}).get("event_payload") or {}
        return int(payload.get("part") or 1)


@dataclass(frozen=True)
class Response:
    """One POST to a ``response_url`` (a slash-command answer)."""

    at: float
    name: str
    body: dict[str, Any]


@dataclass
class FakeSlackServer:
    """State of the fake: recorded calls, throttling and lost channels."""

    url: str = ""
    throttle_ratio: float = 0.0
    retry_after: int = 1
    lost: dict[str, str] = field(default_factory=dict)  # channel id -> Slack error code
    seed: int = 9
    posts: list[Post] = field(default_factory=list)
    history: list[tuple[float, str]] = field(default_factory=list)
    responses: list[Response] = field(default_factory=list)
    tokens: set[str] = field(default_factory=set)
    early: list[tuple[str, float]] = field(default_factory=list)  # (channel, seconds too soon)
    _blocked_until: dict[str, float] = field(default_factory=dict)
    _ts: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)

    @property
    def api_url(self) -> str:
        """What ``PAPERBOY_SLACK_API_URL`` should be."""
        return f"{self.url}/api/"

    def response_url(self, name: str) -> str:
        """A ``response_url`` that lands here."""
        return f"{self.url}/response/{name}"

    def delivered(self) -> list[Post]:
        """Successful channel messages (not thread parts), in arrival order."""
        with self._lock:
            return [p for p in self.posts if p.error is None and p.thread_ts is None]

    def posts_to(self, channel: str) -> list[Post]:
        """Every chat.postMessage call for ``channel``, whatever the answer."""
        with self._lock:
            return [p for p in self.posts if p.channel == channel]

    def snapshot(self) -> list[Post]:
        """A copy of every recorded post."""
        with self._lock:
            return list(self.posts)

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        raw = await request.text()
        if request.content_type == "application/json":
            body: dict[str, Any] = json.loads(raw) if raw else {}
        else:
            body = dict(parse_qsl(raw)) if raw else dict(request.query)
        token = request.headers.get("Authorization", "").removeprefix("Bearer ") or body.get(
            "token"
        )
        if token:
            with self._lock:
                self.tokens.add(str(token))
        if not token or not str(token).startswith("xoxb-"):
            return web.json_response({"ok": False, "error": "not_authed"})
        if method == "auth.test":
            return web.json_response({"ok": True, "team_id": "T1", "user_id": "UBOT"})
        if method == "chat.postMessage":
            return self._post(body)
        if method == "conversations.history":
            channel = str(body.get("channel", ""))
            with self._lock:
                self.history.append((time.monotonic(), channel))
            if channel in self.lost:
                return web.json_response({"ok": False, "error": self.lost[channel]})
            return web.json_response({"ok": True, "messages": self._history(channel)})
        return web.json_response({"ok": True})

    def _post(self, body: dict[str, Any]) -> web.Response:
        now = time.monotonic()
        channel = str(body.get("channel", ""))
        metadata = body.get("metadata")
        if isinstance(metadata, str):
            metadata = json.loads(metadata)
        blocks = body.get("blocks") or []
        if isinstance(blocks, str):
            blocks = json.loads(blocks)
        status, error, ts = 200, None, None
        with self._lock:
            blocked = self._blocked_until.get(channel, 0.0)
            if now < blocked:
                self.early.append((channel, blocked - now))
            if channel in self.lost:
                error = self.lost[channel]
            elif self.throttle_ratio and self._rng.random() < self.throttle_ratio:
                status, error = 429, "ratelimited"
                self._blocked_until[channel] = now + self.retry_after
            else:
                error = slack_would_reject(body)
            if error is None:
                ts = f"{next(self._ts)}.000100"
            self.posts.append(
                Post(
                    now,
                    channel,
                    status,
                    error,
                    ts,
                    body.get("thread_ts"),
                    metadata,
                    str(body.get("text") or ""),
                    list(blocks),
                )
            )
        if status == 429:
            return web.json_response(
                {"ok": False, "error": error},
                status=429,
                headers={"Retry-After": str(self.retry_after)},
            )
        if error is not None:
            return web.json_response({"ok": False, "error": error})
        return web.json_response({"ok": True, "channel": channel, "ts": ts})

    def _history(self, channel: str) -> list[dict[str, Any]]:
        with self._lock:
            found = [
                {"ts": p.ts, "text": p.text, "metadata": p.metadata}
                for p in self.posts
                if p.channel == channel and p.ts and p.thread_ts is None
            ]
        return list(reversed(found))

    async def _response(self, request: web.Request) -> web.Response:
        body = await request.json()
        with self._lock:
            self.responses.append(Response(time.monotonic(), request.match_info["name"], body))
        return web.Response(text="ok")

    def app(self) -> web.Application:
        """The aiohttp application playing Slack."""
        application = web.Application()
        application.router.add_route("*", "/api/{method}", self._api)
        application.router.add_post("/response/{name}", self._response)
        return application


@contextmanager
def running_fake_slack(**options: Any) -> Iterator[FakeSlackServer]:
    """The fake Slack on a free loopback port, stopped on exit."""
    fake = FakeSlackServer(**options)
    with running_app(fake.app()) as url:
        fake.url = url
        yield fake
