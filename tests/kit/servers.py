"""Run a fake server on 127.0.0.1 in a background thread with its own event loop, for tests
that drive real ``paperboy serve`` subprocesses from synchronous test code."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from aiohttp import web

T = TypeVar("T")


@contextmanager
def running_in_thread(
    start: Callable[[], Awaitable[T]], stop: Callable[[T], Awaitable[None]]
) -> Iterator[T]:
    """Run ``start()`` on a new loop in a thread, yield what it returns, ``stop`` it on exit.

    Handlers still waiting at shutdown (a fake that never answers) are cancelled, not
    abandoned, so no "Task was destroyed but it is pending" warnings are left behind.
    """
    loop = asyncio.new_event_loop()
    started = threading.Event()
    box: list[T] = []

    async def begin() -> None:
        box.append(await start())
        started.set()

    async def shutdown() -> None:
        await stop(box[0])
        pending = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)

    def serve() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(begin())
        loop.run_forever()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    if not started.wait(10):
        raise RuntimeError("the fake server did not start")
    try:
        yield box[0]
    finally:
        asyncio.run_coroutine_threadsafe(shutdown(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()


@contextmanager
def running_app(app: web.Application) -> Iterator[str]:
    """Serve ``app`` on a free loopback port in its own thread and loop; yield its base URL."""

    async def start() -> web.AppRunner:
        runner = web.AppRunner(app, handle_signals=False, shutdown_timeout=0.5)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        return runner

    async def stop(runner: web.AppRunner) -> None:
        await runner.cleanup()

    with running_in_thread(start, stop) as runner:
        yield f"http://127.0.0.1:{runner.addresses[0][1]}"
