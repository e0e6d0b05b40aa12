"""Any text after /papers: no exception escapes, every reply fits the platforms' limits."""

from __future__ import annotations

import asyncio

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.engine import Engine

from bot.chat import Caller, ChannelRef
from bot.commands.grammar import VERBS
from bot.commands.render import REPLY_LIMIT
from bot.commands.service import CommandService
from bot.digests.runner import DigestRunner
from bot.ranking.search import ScanRanker
from bot.sources.hf.parse import parse_daily_papers_json
from storage.channel_repository import SqlChannelRepository
from storage.paper_repository import SqlPaperRepository
from tests.conftest import hf_fixture_files
from tests.kit.core import RecordingAdapter

WORDS = st.sampled_from(
    [
        *VERBS,
        "daily",
        "weekly",
        "mon",
        "09:00",
        "25:99",
        "Europe/Berlin",
        "max",
        "5",
        "-",
        '"',
        "author:",
        "cat:cs.LG",
        "since:7d",
        "min-upvotes:x",
        "window",
        "all",
        "empty",
        "quiet",
        "scaling",
        "<!channel>",
        "@everyone",
        "\u202e",
        "x" * 600,
    ]
)
COMMANDS = st.one_of(
    st.text(max_size=300),
    st.lists(st.one_of(WORDS, st.text(max_size=12)), max_size=8).map(" ".join),
)


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(text=COMMANDS)
def test_no_command_raises_and_replies_fit(engine: Engine, text: str) -> None:
    papers = SqlPaperRepository(engine)
    if not papers.count():
        for path in hf_fixture_files():
            papers.upsert_papers(parse_daily_papers_json(path.read_text(encoding="utf-8")).papers)
    channels = SqlChannelRepository(engine)
    ranker = ScanRanker(papers)
    runner = DigestRunner(channels, ranker, {"console": RecordingAdapter()}, worker="fuzz")
    service = CommandService(channels, papers, ranker, runner)
    reply = asyncio.run(
        service.handle(ChannelRef("console", "fuzz", name="fuzz"), text, Caller("u"))
    )
    assert reply.text
    assert len(reply.text) <= REPLY_LIMIT
    assert "Traceback" not in reply.text
    assert "something went wrong on my side" not in reply.text  # a bug, not a user mistake
