"""The one fake Slack: the Web API, ``response_url`` and Socket Mode, recording every call.

The real slack_sdk/slack-bolt code talks to it over HTTP on 127.0.0.1, port 0 — in the test's
own event loop (:func:`serving_fake_slack`) or, for ``paperboy serve`` subprocesses, in a
background thread (:func:`running_fake_slack`). It answers like Slack does:
``{"ok": false, "error": ...}`` with HTTP 200 for API errors, 429 with ``Retry-After`` for rate
limits. It refuses what real Slack refuses — over 50 blocks, a section text over 3,000
characters, blocks slack_sdk's own models reject, a missing ``text`` — so a passing test means
Slack would have accepted every call.

Scripts make it fail on purpose: ``script(channel, ...)`` answers the next calls about a
channel; ``lost`` channels answer an access error every time; ``throttle_ratio`` of
``chat.postMessage`` calls get 429 + ``Retry-After``, and ``early`` notes every call for a
channel that came before its ``Retry-After`` had passed. Every post is kept as a
:class:`Post` with its arrival time.
"""

from __future__ import annotations

import asyncio
import base64
import itertools
import json
import random
import threading
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

import aiohttp
from aiohttp import web
from slack_sdk.models.blocks import Block

from tests.kit.servers import running_app

MAX_BLOCK_CHARS = 13_000
DIRECTORY_SCOPES = {
    "users.info": "users:read",
    "usergroups.list": "usergroups:read",
    "usergroups.users.list": "usergroups:read",
}


@dataclass
class Call:
    """One request the fake received."""

    path: str
    body: dict[str, Any]
    token: str | None
    ts: str | None = None  # the message ts the fake answered with


@dataclass
class Scripted:
    """What the fake answers instead of success: an API error, or an HTTP status."""

    error: str | None = None
    status: int = 200
    retry_after: int | None = None


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


def slack_would_reject(body: dict[str, Any]) -> str | None:
    """The error Slack would give this chat.postMessage body, or None if it is fine."""
    if not str(body.get("text") or "").strip():
        return "no_text"
    blocks = body.get("blocks")
    if isinstance(blocks, str):
        blocks = json.loads(blocks)
    if not blocks:
        return None
    if len(blocks) > 50:
        return "invalid_blocks"
    if len(json.dumps(blocks, ensure_ascii=False)) > MAX_BLOCK_CHARS:
        return "msg_blocks_too_long"
    for raw in blocks:
        try:
            parsed = Block.parse(raw)
            assert parsed is not None
            parsed.to_dict()  # runs slack_sdk's limit validators
        except Exception:
            return "invalid_blocks"
        if raw.get("type") == "section" and len(raw.get("text", {}).get("text", "")) > 3000:
            return "invalid_blocks"
    return None


@dataclass
class FakeSlack:
    """The fake server's state: recorded calls and per-channel/per-token scripts."""

    url: str = ""
    calls: list[Call] = field(default_factory=list)
    scripts: dict[str, list[Scripted]] = field(default_factory=dict)
    revoked_tokens: set[str] = field(default_factory=set)
    install_team: str = "T2"
    install_token: str = "xoxb-installed-T2"
    installer: str = "UINSTALLER"
    client_credentials: tuple[str, str] = ("111.222", "client-secret")
    sockets: list[web.WebSocketResponse] = field(default_factory=list)
    # users.info: user id -> the flags Slack reports (is_admin, is_owner); others are members.
    people: dict[str, dict[str, bool]] = field(default_factory=dict)
    # usergroups.*: handle -> (usergroup id, member ids).
    usergroups: dict[str, tuple[str, list[str]]] = field(default_factory=dict)
    missing_scopes: set[str] = field(default_factory=set)  # scopes the token lacks
    lost: dict[str, str] = field(default_factory=dict)  # channel id -> Slack error code
    throttle_ratio: float = 0.0
    retry_after: int = 1
    seed: int = 9
    posts: list[Post] = field(default_factory=list)
    history: list[tuple[float, str]] = field(default_factory=list)  # conversations.history
    responses: list[Response] = field(default_factory=list)
    tokens: set[str] = field(default_factory=set)
    early: list[tuple[str, float]] = field(default_factory=list)  # (channel, seconds too soon)
    _blocked_until: dict[str, float] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _ts: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _changed: asyncio.Condition = field(default_factory=asyncio.Condition)

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)

    @property
    def api_url(self) -> str:
        """What ``PAPERBOY_SLACK_API_URL`` should be."""
        return f"{self.url}/api/"

    def response_url(self, name: str = "1") -> str:
        """A ``response_url`` that lands on this fake."""
        return f"{self.url}/response/{name}"

    def script(self, channel: str, *answers: Scripted) -> None:
        """Answer the next calls about ``channel`` with ``answers``, then succeed."""
        self.scripts.setdefault(channel, []).extend(answers)

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

    def called(self, path: str) -> list[Call]:
        """Every recorded call to ``path`` (``chat.postMessage``, ``response/1``...)."""
        return [c for c in self.calls if c.path == path]

    async def wait_for(self, path: str, count: int = 1, timeout: float = 5.0) -> list[Call]:
        """Wait (bounded) until ``path`` was called ``count`` times."""
        async with self._changed:
            await asyncio.wait_for(
                self._changed.wait_for(lambda: len(self.called(path)) >= count), timeout
            )
        return self.called(path)

    async def _record(self, call: Call) -> None:
        async with self._changed:
            self.calls.append(call)
            self._changed.notify_all()

    async def handle_api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        raw = await request.text()
        if request.method == "GET":
            body: dict[str, Any] = dict(request.query)
        elif request.content_type == "application/json":
            body = json.loads(raw) if raw else {}
        else:
            body = dict(parse_qsl(raw))
        auth = request.headers.get("Authorization", "")
        token = auth.removeprefix("Bearer ") if auth else body.get("token")
        call = Call(method, body, token)
        await self._record(call)
        if token and not auth.startswith("Basic "):
            with self._lock:
                self.tokens.add(str(token))
        if method == "oauth.v2.access":
            return web.json_response(self._oauth_answer(body, auth))
        if token in self.revoked_tokens:
            return web.json_response({"ok": False, "error": "token_revoked"})
        if not token or not str(token).startswith(("xoxb-", "xapp-")):
            return web.json_response({"ok": False, "error": "not_authed"})
        if method == "apps.connections.open":
            if not str(token).startswith("xapp-"):
                return web.json_response({"ok": False, "error": "not_allowed_token_type"})
            return web.json_response({"ok": True, "url": self.url.replace("http", "ws") + "/link"})
        if method == "auth.test":
            team = "T2" if token == self.install_token else "T1"
            return web.json_response(
                {"ok": True, "team_id": team, "user_id": "UBOT", "bot_id": "B1", "url": ""},
                headers={"x-oauth-scopes": "commands,chat:write"},
            )
        if method in DIRECTORY_SCOPES:
            return web.json_response(self._directory(method, body))
        channel = str(body.get("channel", ""))
        queue = self.scripts.get(channel)
        if queue:
            answer = queue.pop(0)
            if answer.status != 200:
                headers = {"Retry-After": str(answer.retry_after)} if answer.retry_after else {}
                error = {"ok": False, "error": "ratelimited" if answer.status == 429 else "fatal"}
                return web.json_response(error, status=answer.status, headers=headers)
            return web.json_response({"ok": False, "error": answer.error})
        if method == "chat.postMessage":
            return self._post(call, channel)
        if method == "conversations.history":
            with self._lock:
                self.history.append((time.monotonic(), channel))
            if channel in self.lost:
                return web.json_response({"ok": False, "error": self.lost[channel]})
            return web.json_response({"ok": True, "messages": self._history(channel)})
        return web.json_response({"ok": True})

    def _post(self, call: Call, channel: str) -> web.Response:
        """chat.postMessage: lost channel, throttled, refused as Slack would, or posted."""
        now, body = time.monotonic(), call.body
        status, error = 200, None
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
                call.ts = f"{next(self._ts)}.000100"
            self.posts.append(_recorded_post(now, channel, status, error, call.ts, body))
        if status == 429:
            return web.json_response(
                {"ok": False, "error": error},
                status=429,
                headers={"Retry-After": str(self.retry_after)},
            )
        if error is not None:
            return web.json_response({"ok": False, "error": error})
        return web.json_response({"ok": True, "channel": channel, "ts": call.ts})

    def _directory(self, method: str, body: dict[str, Any]) -> dict[str, Any]:
        """users.info and usergroups.*, as documented at api.slack.com/methods."""
        scope = DIRECTORY_SCOPES[method]
        if scope in self.missing_scopes:
            return {"ok": False, "error": "missing_scope", "needed": scope, "provided": "commands"}
        if method == "users.info":
            user = str(body.get("user", ""))
            flags = self.people.get(user, {})
            return {"ok": True, "user": {"id": user, "is_admin": False, "is_owner": False, **flags}}
        if method == "usergroups.list":
            groups = [
                {"id": gid, "handle": h, "name": h} for h, (gid, _) in self.usergroups.items()
            ]
            return {"ok": True, "usergroups": groups}
        wanted = str(body.get("usergroup", ""))
        for gid, users in self.usergroups.values():
            if gid == wanted:
                return {"ok": True, "users": users}
        return {"ok": False, "error": "no_such_subteam"}

    def _history(self, channel: str) -> list[dict[str, Any]]:
        messages = []
        for call in self.called("chat.postMessage"):
            if call.ts and call.body.get("channel") == channel and not call.body.get("thread_ts"):
                metadata = call.body.get("metadata")
                if isinstance(metadata, str):
                    metadata = json.loads(metadata)
                messages.append(
                    {"ts": call.ts, "text": call.body.get("text"), "metadata": metadata}
                )
        return list(reversed(messages))

    def _oauth_answer(self, body: dict[str, Any], auth: str) -> dict[str, Any]:
        client_id, _, secret = base64.b64decode(auth.removeprefix("Basic ")).decode().partition(":")
        if (client_id, secret) != self.client_credentials:
            return {"ok": False, "error": "invalid_client_id"}
        if body.get("code") != "good-code":
            return {"ok": False, "error": "invalid_code"}
        return {
            "ok": True,
            "app_id": "A1",
            "access_token": self.install_token,
            "token_type": "bot",
            "scope": "commands,chat:write,chat:write.public",
            "bot_user_id": "UBOT",
            "team": {"id": self.install_team, "name": "Team Two"},
            "enterprise": None,
            "is_enterprise_install": False,
            "authed_user": {"id": self.installer},
        }

    async def handle_response_url(self, request: web.Request) -> web.Response:
        name, body = request.match_info["name"], await request.json()
        with self._lock:
            self.responses.append(Response(time.monotonic(), name, body))
        await self._record(Call(f"response/{name}", body, None))
        return web.Response(text="ok")

    async def handle_socket(self, request: web.Request) -> web.WebSocketResponse:
        """Socket Mode: say hello, push envelopes from :meth:`send_envelope`, record acks."""
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        async with self._changed:
            self.sockets.append(ws)
            self._changed.notify_all()
        await ws.send_json({"type": "hello", "num_connections": 1})
        async for message in ws:
            if message.type == aiohttp.WSMsgType.TEXT:
                await self._record(Call("socket_ack", json.loads(message.data), None))
        return ws

    async def send_envelope(self, envelope: dict[str, Any]) -> None:
        """Deliver a Socket Mode envelope to the connected client."""
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(lambda: bool(self.sockets)), 5)
        await self.sockets[-1].send_json(envelope)

    def app(self) -> web.Application:
        """The aiohttp application serving this fake."""
        application = web.Application()
        application.router.add_route("*", "/api/{method}", self.handle_api)
        application.router.add_post("/response/{name}", self.handle_response_url)
        application.router.add_get("/link", self.handle_socket)
        return application


def _json_field(value: Any) -> Any:
    """A field slack_sdk sent form-encoded (a JSON string) or as JSON."""
    return json.loads(value) if isinstance(value, str) else value


def _recorded_post(
    at: float, channel: str, status: int, error: str | None, ts: str | None, body: dict[str, Any]
) -> Post:
    return Post(
        at,
        channel,
        status,
        error,
        ts,
        body.get("thread_ts"),
        _json_field(body.get("metadata")),
        str(body.get("text") or ""),
        list(_json_field(body.get("blocks")) or []),
    )


@asynccontextmanager
async def serving_fake_slack(**options: Any) -> AsyncIterator[FakeSlack]:
    """The fake on 127.0.0.1, port 0, in the running event loop; stopped on exit."""
    fake = FakeSlack(**options)
    runner = web.AppRunner(fake.app())
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    fake.url = f"http://127.0.0.1:{runner.addresses[0][1]}"
    try:
        yield fake
    finally:
        await runner.cleanup()


@contextmanager
def running_fake_slack(**options: Any) -> Iterator[FakeSlack]:
    """The fake in a background thread with its own loop (for ``paperboy serve``
    subprocesses), on a free loopback port; stopped on exit."""
    fake = FakeSlack(**options)
    with running_app(fake.app()) as url:
        fake.url = url
        yield fake
