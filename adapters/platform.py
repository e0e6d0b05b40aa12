"""What the composition root needs from each chat platform (Slack, Discord).

Each platform package offers a class built from its settings *before* the core: a
:class:`ChatPlatform` — the adapter the digest runner posts through, and what posting needs
opened (a REST login) — so the runner is built once with its final mapping and the CLI can post
without connecting anything else. For ``paperboy serve``, :meth:`ChatPlatform.runtime` then
wires the core's command handler in and returns a :class:`PlatformRuntime`: an async context
manager that serve enters through one :class:`contextlib.AsyncExitStack` (connect on enter,
disconnect on exit) and whose HTTP routes it mounts on the ``--http`` listener.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from types import TracebackType
from typing import Protocol, Self

from aiohttp import web

from bot.chat import ChannelStatus, ChatAdapter, CommandHandler


class PlatformRuntime(Protocol):
    """One running platform: which HTTP routes it serves; entering connects it (Socket Mode,
    gateway), leaving disconnects it and releases everything it opened."""

    @property
    def name(self) -> str:
        """The platform's name (``slack``, ``discord``)."""
        ...

    def http_routes(self) -> Sequence[web.RouteDef]:
        """Routes to mount on the shared HTTP listener (Slack events, OAuth); may be empty."""
        ...

    async def __aenter__(self) -> PlatformRuntime:
        """Connect in the background; return once connected (cancellable)."""
        ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Disconnect."""
        ...


class ChatPlatform(Protocol):
    """A chat platform as the composition root builds it, before the digest runner."""

    @property
    def name(self) -> str:
        """The platform's name, as in channel references (``slack:C123``)."""
        ...

    @property
    def adapter(self) -> ChatAdapter:
        """Posts digests to this platform (inside :meth:`posting`, or a started runtime)."""
        ...

    def posting(self) -> AbstractAsyncContextManager[None]:
        """Open what posting alone needs (Discord: a REST login), close it on exit."""
        ...

    def runtime(self, handler: CommandHandler, status: ChannelStatus) -> PlatformRuntime:
        """The runtime ``serve`` runs: commands go to ``handler``, lost access to ``status``."""
        ...


class StartStop:
    """``async with`` for a runtime that has ``start`` and ``stop``: enter starts, leaving
    stops, whatever ended the block. Written once here for every platform's runtime."""

    async def start(self) -> None:
        """Connect (a subclass says how)."""
        raise NotImplementedError

    async def stop(self) -> None:
        """Disconnect and release what :meth:`start` opened (a subclass says how)."""
        raise NotImplementedError

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.stop()
