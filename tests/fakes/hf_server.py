"""A fake Hugging Face on 127.0.0.1 that serves recorded payloads or scripted failures.

Modes: ``ok`` (a recorded /api/daily_papers body), ``503``, ``timeout`` (never answers in
time), ``truncated`` (a body cut mid-JSON). The HTML papers page fails the same way, so the
fallback cannot hide an outage.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from aiohttp import web

from tests.fakes.threaded_server import running_app


@dataclass
class FakeHuggingFace:
    body: str
    mode: str = "ok"
    requests: list[str] = field(default_factory=list)
    url: str = ""

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        self.requests.append(request.path_qs)
        if self.mode == "503":
            return web.Response(status=503, text="Service Unavailable")
        if self.mode == "timeout":
            await asyncio.sleep(5)  # far past the client timeout the test sets
            return web.Response(status=504)
        if self.mode == "truncated":
            return web.Response(
                text=self.body[: len(self.body) // 2], content_type="application/json"
            )
        if request.path.startswith("/api/daily_papers"):
            return web.Response(text=self.body, content_type="application/json")
        return web.Response(status=404)


@contextmanager
def running_fake_hf(body: str) -> Iterator[FakeHuggingFace]:
    """Run the fake in a background thread with its own loop; yield it with ``url`` set."""
    fake = FakeHuggingFace(body=body)
    app = web.Application()
    app.router.add_route("GET", "/{tail:.*}", fake._handle)
    with running_app(app) as url:
        fake.url = url
        yield fake
