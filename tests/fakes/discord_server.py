"""The Discord team's fake REST API (``tests/adapters/discord/fake_discord.py``) run in a
background thread, so ``paperboy serve --adapter discord`` subprocesses can talk to it."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from tests.adapters.discord.fake_discord import FakeDiscord


@contextmanager
def running_fake_discord() -> Iterator[FakeDiscord]:
    """A started :class:`FakeDiscord` (``base_url`` set) on its own loop, closed on exit."""
    loop = asyncio.new_event_loop()
    ready = threading.Event()
    box: list[FakeDiscord] = []

    async def start() -> None:
        fake = FakeDiscord()
        await fake.start()
        box.append(fake)
        ready.set()

    def serve() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(start())
        loop.run_forever()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    if not ready.wait(10):
        raise RuntimeError("the fake Discord did not start")
    try:
        yield box[0]
    finally:
        asyncio.run_coroutine_threadsafe(box[0].close(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()
