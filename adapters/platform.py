"""What ``paperboy serve`` needs from each chat platform it runs.

Each platform package (``adapters/slack``, ``adapters/discord``, the console) offers a
``build_runtime(...)`` returning a :class:`PlatformRuntime`; the composition root starts the
enabled ones next to the scheduler and mounts their HTTP routes on the ``--http`` listener.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from aiohttp import web

from bot.chat import ChatAdapter


class PlatformRuntime(Protocol):
    """One running platform: how to post, which HTTP routes it serves, how to start/stop."""

    @property
    def name(self) -> str:
        """The platform's name (``slack``, ``discord``)."""
        ...

    @property
    def adapter(self) -> ChatAdapter:
        """Posts digests to this platform."""
        ...

    def http_routes(self) -> Sequence[web.RouteDef]:
        """Routes to mount on the shared HTTP listener (Slack events, OAuth); may be empty."""
        ...

    async def start(self) -> None:
        """Connect (Socket Mode, gateway) in the background; return once started."""
        ...

    async def stop(self) -> None:
        """Disconnect and release everything it opened."""
        ...
