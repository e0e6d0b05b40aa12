"""The Discord team's fake REST API (``tests/adapters/discord/fake_discord.py``) run in a
background thread, so ``paperboy serve --adapter discord`` subprocesses can talk to it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from tests.adapters.discord.fake_discord import FakeDiscord
from tests.fakes.threaded_server import running_in_thread


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
