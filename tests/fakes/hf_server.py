"""A fake Hugging Face on 127.0.0.1 that serves recorded payloads or scripted failures.

Modes: ``ok`` (a recorded /api/daily_papers body), ``503``, ``timeout`` (never answers in
time), ``truncated`` (a body cut mid-JSON). The HTML papers page fails the same way, so the
fallback cannot hide an outage.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from aiohttp import web


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
    loop = asyncio.new_event_loop()
    started = threading.Event()
    runner_box: list[web.AppRunner] = []

    async def start() -> None:
        app = web.Application()
        app.router.add_route("GET", "/{tail:.*}", fake._handle)
        runner = web.AppRunner(app, handle_signals=False, shutdown_timeout=0.5)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = runner.addresses[0][1]
        fake.url = f"http://127.0.0.1:{port}"
        runner_box.append(runner)
        started.set()

    def serve() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(start())
        loop.run_forever()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    if not started.wait(10):
        raise RuntimeError("fake Hugging Face did not start")
    try:
        yield fake
    finally:

        async def stop() -> None:
            await runner_box[0].cleanup()

        asyncio.run_coroutine_threadsafe(stop(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()
