"""Run an aiohttp application on 127.0.0.1 in a background thread, for tests that drive real
``paperboy serve`` subprocesses from synchronous test code."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from aiohttp import web


@contextmanager
def running_app(app: web.Application) -> Iterator[str]:
    """Serve ``app`` on a free loopback port in its own thread and loop; yield its base URL."""
    loop = asyncio.new_event_loop()
    started = threading.Event()
    runner_box: list[web.AppRunner] = []
    url_box: list[str] = []

    async def start() -> None:
        runner = web.AppRunner(app, handle_signals=False, shutdown_timeout=0.5)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        url_box.append(f"http://127.0.0.1:{runner.addresses[0][1]}")
        runner_box.append(runner)
        started.set()

    def serve() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(start())
        loop.run_forever()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    if not started.wait(10):
        raise RuntimeError("the fake server did not start")

    async def shutdown() -> None:
        await runner_box[0].cleanup()
        # Handlers still waiting (a fake that never answers) are cancelled, not abandoned.
        pending = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)

    try:
        yield url_box[0]
    finally:
        asyncio.run_coroutine_threadsafe(shutdown(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()
