"""Private Atom feeds end to end: ``/papers feed`` → a link → a real listener → a feed reader."""

from __future__ import annotations

import asyncio
import xml.etree.ElementTree as ET
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime

import feedparser
import httpx
import pytest
from aiohttp import web
from sqlalchemy import select
from sqlalchemy.engine import Engine

from adapters.feed_http import feed_routes
from adapters.http_server import bound_port, build_http_app, start_http_server
from bot.chat import Caller, ChannelRef, Visibility
from bot.commands.service import CommandService
from bot.digests.runner import DigestRunner
from bot.operator.feeds import FeedLinks, token_digest
from bot.papers import SOURCE_HF, Paper
from bot.ranking.search import ScanRanker
from storage.channel_repository import SqlChannelRepository
from storage.feed_tokens import SqlFeedStore
from storage.operator_models import FeedTokenRow
from storage.paper_repository import SqlPaperRepository
from tests.chat_fakes import RecordingAdapter

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
PUBLIC = "https://paperboy.example.com"
GENERAL = ChannelRef("slack", "C1", workspace_id="T1", name="general")
OTHER = ChannelRef("slack", "C2", workspace_id="T1", name="other")
HOSTILE = 'Scaling <script>alert("x")</script> & ]]> \x0b\ufffe laws'


class World:
    def __init__(self, engine: Engine, public_url: str | None = PUBLIC) -> None:
        self.engine = engine
        self.papers = SqlPaperRepository(engine)
        self.channels = SqlChannelRepository(engine)
        ranker = ScanRanker(self.papers)
        self.adapter = RecordingAdapter(platform="slack")
        self.runner = DigestRunner(
            self.channels, ranker, {"slack": self.adapter}, worker="w", clock=lambda: NOW
        )
        links = FeedLinks(SqlFeedStore(engine), public_url)
        self.commands = CommandService(
            self.channels, self.papers, ranker, self.runner, clock=lambda: NOW, feeds=links
        )

    def run(self, ref: ChannelRef, text: str, *, manager: bool = True) -> str:
        caller = Caller("U1", can_manage=manager)
        reply = asyncio.run(self.commands.handle(ref, text, caller))
        return reply.text

    def post_digest(self, ref: ChannelRef) -> None:
        channel = self.channels.get_channel(ref)
        assert channel is not None
        asyncio.run(self.runner.post_now(channel))

    def link(self, ref: ChannelRef) -> str:
        text = self.run(ref, "feed")
        return next(word for word in text.split() if word.startswith(PUBLIC))


@asynccontextmanager
async def serving(engine: Engine) -> AsyncIterator[httpx.AsyncClient]:
    app: web.Application = build_http_app(
        engine=engine, routes=feed_routes(engine, public_url=PUBLIC, clock=lambda: NOW)
    )
    runner = await start_http_server(app, "127.0.0.1", 0)
    try:
        base = f"http://127.0.0.1:{bound_port(runner)}"
        async with httpx.AsyncClient(base_url=base) as client:
            yield client
    finally:
        await runner.cleanup()


def fetch(engine: Engine, *paths: str) -> list[httpx.Response]:
    async def go() -> list[httpx.Response]:
        async with serving(engine) as client:
            return [await client.get(path) for path in paths]

    return asyncio.run(go())


def seeded(engine: Engine) -> World:
    world = World(engine)
    world.papers.upsert_papers(
        [
            Paper(
                arxiv_id="2611.00001",
                title=HOSTILE,
                abstract="We scale things & measure <b>loss</b>.",
                authors=("Ada <Lovelace>", "Alan Turing"),
                featured_on=date(2026, 11, 26),
                upvotes=42,
                categories=("cs.LG",),
                sources=frozenset({SOURCE_HF}),
            ),
            Paper(arxiv_id="2611.00002", title="Agents for robots", featured_on=date(2026, 11, 26)),
        ]
    )
    world.run(GENERAL, "subscribe scaling")
    world.run(OTHER, "subscribe agents")
    world.post_digest(GENERAL)
    world.post_digest(OTHER)
    return world


def test_the_feed_lists_the_channels_papers_for_a_feed_reader(engine: Engine) -> None:
    world = seeded(engine)
    link = world.link(GENERAL)
    assert link.startswith(f"{PUBLIC}/feeds/") and link.endswith(".atom")
    [response] = fetch(engine, link.removeprefix(PUBLIC))
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/atom+xml; charset=utf-8"
    assert "private" in response.headers["cache-control"]

    ET.fromstring(response.content)  # well-formed XML despite U+000B, U+FFFE and "]]>"
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    assert parsed.feed.title == "Paperboy: papers for #general"
    assert parsed.feed.id == link and parsed.feed.updated == "2026-11-27T09:00:00Z"
    assert [link.href for link in parsed.feed.links if link.rel == "self"] == [link]
    [entry] = parsed.entries  # only this channel's paper, not the other channel's
    assert entry.title == 'Scaling <script>alert("x")</script> & ]]>  laws'
    assert entry.link == "https://huggingface.co/papers/2611.00001"
    assert entry.id == "https://arxiv.org/abs/2611.00001"
    assert [a.name for a in entry.authors] == ["Ada <Lovelace>", "Alan Turing"]
    assert entry.published == "2026-11-26T00:00:00Z" and entry.updated == "2026-11-27T09:00:00Z"
    assert entry.summary.startswith('title has "scaling" · 42 upvotes')
    assert b"<script>" not in response.content  # escaped, never markup


def test_the_link_is_private_and_stored_only_as_a_hash(engine: Engine) -> None:
    world = seeded(engine)
    answer = asyncio.run(world.commands.handle(GENERAL, "feed", Caller("U1")))
    assert answer.visibility is Visibility.EPHEMERAL and answer.announce is None  # caller only
    reply = answer.text
    assert "keep it to yourself" in reply
    token = reply.split(f"{PUBLIC}/feeds/")[1].split(".atom")[0]
    with engine.connect() as conn:
        stored = conn.execute(select(FeedTokenRow.token_sha256)).scalars().all()
    assert stored == [token_digest(token)] and token not in stored
    assert len(token) >= 43


def test_reset_revokes_every_link_and_readers_get_404(engine: Engine) -> None:
    world = seeded(engine)
    first, second = world.link(GENERAL), world.link(GENERAL)
    other = world.link(OTHER)
    assert "Only members" in world.run(GENERAL, "feed reset", manager=False)
    assert world.run(GENERAL, "feed reset").startswith("Revoked 2 feed links of #general")
    assert world.run(GENERAL, "feed reset") == "#general has no feed links to revoke."
    responses = fetch(engine, *(url.removeprefix(PUBLIC) for url in (first, second, other)))
    assert [r.status_code for r in responses] == [404, 404, 200]


@pytest.mark.parametrize(
    "path",
    [
        "/feeds/" + "A" * 43 + ".atom",  # well-formed, unknown
        "/feeds/" + "A" * 43,  # no suffix
        "/feeds/short.atom",
        "/feeds/..%2F..%2Fetc%2Fpasswd.atom",
        "/feeds/" + "x" * 5000 + ".atom",
        "/feeds/%3Cscript%3E.atom",
    ],
)
def test_anything_but_a_live_link_is_the_same_404(engine: Engine, path: str) -> None:
    seeded(engine)
    [response] = fetch(engine, path)
    assert response.status_code == 404
    assert "Traceback" not in response.text and "<script>" not in response.text


def test_without_a_public_url_feeds_are_off_and_say_which_variable(engine: Engine) -> None:
    world = World(engine, public_url=None)
    assert "PAPERBOY_PUBLIC_URL" in world.run(GENERAL, "feed")
    with engine.connect() as conn:
        assert conn.execute(select(FeedTokenRow)).all() == []


def test_an_empty_channel_has_a_valid_empty_feed(engine: Engine) -> None:
    world = World(engine)
    [response] = fetch(engine, world.link(GENERAL).removeprefix(PUBLIC))
    parsed = feedparser.parse(response.content)
    assert response.status_code == 200 and not parsed.bozo and parsed.entries == []


def test_a_channel_keeps_at_most_ten_links(engine: Engine) -> None:
    world = World(engine)
    links = [world.link(GENERAL) for _ in range(11)]
    codes = [r.status_code for r in fetch(engine, *(u.removeprefix(PUBLIC) for u in links))]
    assert codes == [404] + [200] * 10  # the oldest was retired


def test_a_paper_still_on_its_way_is_not_in_the_feed(engine: Engine) -> None:
    world = seeded(engine)
    world.papers.upsert_papers([Paper(arxiv_id="2611.00003", title="Scaling more")])
    channel = world.channels.get_channel(GENERAL)
    assert channel is not None
    claim = world.channels.claim_digest(
        channel.pk, "2026-11-28", worker="w", now=NOW, scheduled_for=NOW
    )
    assert claim is not None
    world.channels.reserve_papers(claim.digest_pk, channel.pk, "w", ["2611.00003"], NOW)
    [response] = fetch(engine, world.link(GENERAL).removeprefix(PUBLIC))
    ids = [entry.id for entry in feedparser.parse(response.content).entries]
    assert ids == ["https://arxiv.org/abs/2611.00001"]
