"""A local fake of Discord's REST API, for discord.py's real HTTP client.

It serves what the bot calls: login (``/users/@me``, ``/oauth2/applications/@me``), command sync,
channel messages (honouring ``enforce_nonce`` like Discord), interaction callbacks and follow-up
webhooks. Failures are scripted per path. Details discord.py insists on (discord/http.py in
discord.py): ``Content-Type`` exactly ``application/json``; a ``Via`` header on 429s; the
``with_response`` callback body; ``X-RateLimit-*`` headers on normal answers.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
from collections import defaultdict, deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.kit.servers import running_in_thread

APP_ID = 900000000000000001
BOT_ID = 900000000000000002
GUILD_ID = 800000000000000001
CHANNEL_ID = 700000000000000001
BOT_USER = {
    "id": str(BOT_ID),
    "username": "paperboy",
    "discriminator": "0",
    "global_name": "Paperboy",
    "avatar": None,
    "bot": True,
}


@dataclass
class Recorded:
    """One request the fake received."""

    method: str
    path: str
    query: dict[str, str]
    body: Any


@dataclass
class Scripted:
    """An answer to give instead of the normal one."""

    status: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)


def json_response(
    body: Any, status: int = 200, headers: dict[str, str] | None = None
) -> web.Response:
    """A JSON answer with the exact Content-Type discord.py compares against."""
    return web.Response(
        status=status,
        body=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", **(headers or {})},
    )


class FakeDiscord:
    """The fake server's state: recorded requests, scripted failures, posted messages."""

    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self.scripts: dict[str, deque[Scripted]] = defaultdict(deque)
        self.by_nonce: dict[str, dict[str, Any]] = {}
        self.commands: dict[str, list[dict[str, Any]]] = {}
        self._ids = itertools.count(600000000000000001)
        self._changed = asyncio.Condition()
        self.runner: web.AppRunner | None = None
        self.base_url = ""
        self.gateway_url = ""
        self.identified: list[dict[str, Any]] = []
        self.guild_ids: list[int] = [GUILD_ID]
        self._sockets: list[web.WebSocketResponse] = []
        self._seq = itertools.count(1)

    async def start(self) -> None:
        """Listen on 127.0.0.1 on a free port."""
        app = web.Application()
        app.router.add_get("/gateway", self._gateway)
        app.router.add_route("*", "/api/v10/{tail:.*}", self._dispatch)
        self.runner = web.AppRunner(app)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]  # started above
        self.base_url = f"http://127.0.0.1:{port}/api/v10"
        self.gateway_url = f"ws://127.0.0.1:{port}/gateway"

    async def close(self) -> None:
        """Stop listening."""
        for socket in self._sockets:
            await socket.close()
        if self.runner is not None:
            await self.runner.cleanup()

    def fail_next(self, path: str, status: int, code: int = 0, message: str = "") -> None:
        """Answer the next request to ``path`` with a Discord error body."""
        self.scripts[path].append(Scripted(status, {"message": message or "error", "code": code}))

    def rate_limit_next(self, path: str, retry_after: float = 0.01) -> None:
        """Answer the next request to ``path`` with a (non-global) 429, as Discord does."""
        headers = {
            "Via": "1.1 google",
            "Retry-After": "1",
            "X-RateLimit-Limit": "5",
            "X-RateLimit-Remaining": "0",
            "X-RateLimit-Reset-After": str(retry_after),
            "X-RateLimit-Bucket": "messages-bucket",
            "X-RateLimit-Scope": "user",
        }
        body = {
            "message": "You are being rate limited.",
            "retry_after": retry_after,
            "global": False,
        }
        self.scripts[path].append(Scripted(429, body, headers))

    def calls(self, method: str, pattern: str) -> list[Recorded]:
        """The recorded requests whose path matches ``pattern`` (a regex)."""
        return [r for r in self.requests if r.method == method and re.fullmatch(pattern, r.path)]

    async def wait_for(self, predicate: Callable[[], bool], timeout: float = 5.0) -> None:
        """Wait until ``predicate()`` holds, at most ``timeout`` seconds (no polling sleeps)."""
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(predicate), timeout)

    async def send_event(self, event: str, data: dict[str, Any]) -> None:
        """Push a gateway dispatch (op 0) to every connected shard."""
        for socket in self._sockets:
            await socket.send_json({"op": 0, "t": event, "s": next(self._seq), "d": data})

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        """A minimal gateway: HELLO, IDENTIFY → READY + GUILD_CREATE, heartbeat ACKs.

        Frames are plain JSON text: discord.py only inflates binary frames.
        """
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        self._sockets.append(socket)
        await socket.send_json({"op": 10, "d": {"heartbeat_interval": 45_000}})
        async for frame in socket:
            payload = json.loads(frame.data)
            if payload["op"] == 1:
                await socket.send_json({"op": 11})
            elif payload["op"] == 2:
                await self._identify(socket, payload["d"])
        self._sockets.remove(socket)
        return socket

    async def _identify(self, socket: web.WebSocketResponse, identify: dict[str, Any]) -> None:
        shard = identify.get("shard", [0, 1])
        ready = {
            "v": 10,
            "user": BOT_USER,
            "guilds": [{"id": str(g), "unavailable": True} for g in self.guild_ids],
            "session_id": f"session-{shard[0]}",
            "resume_gateway_url": self.gateway_url,
            "shard": shard,
            "application": {"id": str(APP_ID), "flags": 0},
        }
        await socket.send_json({"op": 0, "t": "READY", "s": next(self._seq), "d": ready})
        for guild in self.guild_ids:
            create = {"id": str(guild), "name": "Lab", "channels": [], "roles": [], "members": []}
            await socket.send_json(
                {"op": 0, "t": "GUILD_CREATE", "s": next(self._seq), "d": create}
            )
        async with self._changed:
            self.identified.append(identify)
            self._changed.notify_all()

    async def _dispatch(self, request: web.Request) -> web.Response:
        path = "/" + request.match_info["tail"]
        body = await request.json() if request.can_read_body else None
        self.requests.append(Recorded(request.method, path, dict(request.query), body))
        try:
            scripted = self.scripts[path].popleft() if self.scripts[path] else None
            if scripted is not None:
                return json_response(scripted.body, scripted.status, scripted.headers)
            return self._answer(request.method, path, body)
        finally:
            async with self._changed:
                self._changed.notify_all()

    def _answer(self, method: str, path: str, body: Any) -> web.Response:
        limits = {
            "X-RateLimit-Limit": "5",
            "X-RateLimit-Remaining": "4",
            "X-RateLimit-Reset-After": "1.0",
            "X-RateLimit-Bucket": "fake-bucket",
        }
        if path == "/users/@me":
            return json_response(BOT_USER)
        if path == "/oauth2/applications/@me":
            return json_response(_application())
        if path == "/gateway/bot":
            limit = {"total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1}
            return json_response(
                {"url": self.gateway_url, "shards": 1, "session_start_limit": limit}
            )
        if method == "PUT" and (
            found := re.fullmatch(r"/applications/\d+(/guilds/(\d+))?/commands", path)
        ):
            scope = found.group(2) or "global"
            created = [
                {**c, "id": str(next(self._ids)), "application_id": str(APP_ID), "version": "1"}
                for c in body
            ]
            self.commands[scope] = created
            return json_response(created, headers=limits)
        if method == "POST" and (found := re.fullmatch(r"/channels/(\d+)/messages", path)):
            nonce = body.get("nonce")
            if nonce and body.get("enforce_nonce") and nonce in self.by_nonce:
                return json_response(self.by_nonce[nonce], headers=limits)
            message = self._message(found.group(1), body)
            if nonce:
                self.by_nonce[nonce] = message
            return json_response(message, headers=limits)
        if method == "POST" and (
            found := re.fullmatch(r"/interactions/(\d+)/[^/]+/callback", path)
        ):
            callback_type = body["type"]
            answer = {
                "interaction": {
                    "id": found.group(1),
                    "type": 2,
                    "response_message_loading": callback_type == 5,
                    "response_message_ephemeral": bool(
                        (body.get("data") or {}).get("flags", 0) & 64
                    ),
                },
                "resource": {"type": callback_type},
            }
            return json_response(answer)
        if method == "POST" and re.fullmatch(r"/webhooks/\d+/[^/]+", path):
            message = self._message(str(CHANNEL_ID), body)
            message["webhook_id"] = str(APP_ID)
            return json_response(message)
        return json_response({"message": f"fake has no {method} {path}", "code": 0}, 404)

    def _message(self, channel_id: str, body: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": str(next(self._ids)),
            "channel_id": channel_id,
            "author": BOT_USER,
            "content": body.get("content") or "",
            "timestamp": "2026-11-26T07:00:00+00:00",
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": [],
            "embeds": body.get("embeds", []),
            "components": body.get("components", []),
            "pinned": False,
            "type": 0,
            "flags": body.get("flags", 0),
            "nonce": body.get("nonce"),
        }


def _application() -> dict[str, Any]:
    return {
        "id": str(APP_ID),
        "name": "Paperboy",
        "description": "",
        "icon": None,
        "bot_public": True,
        "bot_require_code_grant": False,
        "owner": BOT_USER,
        "verify_key": "00",
        "flags": 0,
        "summary": "",
    }


@contextmanager
def running_fake_discord() -> Iterator[FakeDiscord]:
    """A started :class:`FakeDiscord` (``base_url`` set) on its own loop, closed on exit."""

    async def start() -> FakeDiscord:
        fake = FakeDiscord()
        await fake.start()
        return fake

    async def stop(fake: FakeDiscord) -> None:
        await fake.close()

    with running_in_thread(start, stop) as fake:
        yield fake
