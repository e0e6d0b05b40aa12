"""One fake of the paper sources: Hugging Face and arXiv on one local HTTP server.

Hugging Face (``/api/daily_papers``, the HTML papers page) serves ``body`` or fails by
``mode``: ``ok``, ``503``, ``timeout`` (never answers in time), ``truncated`` (a body cut
mid-JSON) — the HTML page fails the same way, so the fallback cannot hide an outage.
arXiv (``/api/query``, ``/rss/<cat>``, ``/list/<cat>/new``) answers ``(status, body)`` by
``id_list`` (``by_ids``), else by path (``by_path``), else ``default``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from aiohttp import web

from bot.papers import Paper
from storage.paper_repository import SqlPaperRepository
from tests.kit.servers import running_app

ARXIV_PATHS = ("/api/query", "/rss", "/list")


@dataclass
class FakePaperSources:
    """What the server answers, and every request it saw (``requests``: HF, ``seen``: arXiv)."""

    body: str = ""
    mode: str = "ok"
    by_path: dict[str, tuple[int, bytes]] = field(default_factory=dict)
    by_ids: dict[str, tuple[int, bytes]] = field(default_factory=dict)
    default: tuple[int, bytes] = (404, b"not found")
    requests: list[str] = field(default_factory=list)
    seen: list[str] = field(default_factory=list)
    url: str = ""

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        if request.path.startswith(ARXIV_PATHS):
            return self._arxiv(request)
        return await self._hugging_face(request)

    def _arxiv(self, request: web.Request) -> web.Response:
        self.seen.append(request.path_qs)
        ids = request.query.get("id_list", "")
        status, body = self.by_ids.get(ids) or self.by_path.get(request.path, self.default)
        return web.Response(status=status, body=body)

    async def _hugging_face(self, request: web.Request) -> web.Response:
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
def running_fake_sources(body: str = "") -> Iterator[FakePaperSources]:
    """The fake in a background thread with its own loop; yielded with ``url`` set."""
    fake = FakePaperSources(body=body)
    app = web.Application()
    app.router.add_route("GET", "/{tail:.*}", fake._handle)
    with running_app(app) as url:
        fake.url = url
        yield fake


class FakePaperFetcher:
    """A :class:`bot.ranking.pasted.PaperFetcher` that knows one paper (and stores it)."""

    def __init__(self, papers: SqlPaperRepository, known: Paper) -> None:
        self.papers, self.known = papers, known
        self.asked: list[str] = []

    async def fetch_paper(self, arxiv_id: str) -> Paper | None:
        self.asked.append(arxiv_id)
        if arxiv_id != self.known.arxiv_id:
            return None
        self.papers.upsert_papers([self.known])
        return self.known
