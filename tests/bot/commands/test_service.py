"""CommandService on the suite's database: what each command answers, as a user reads it."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from prometheus_client import REGISTRY
from sqlalchemy.engine import Engine

from bot.chat import (
    Caller,
    ChannelRef,
    ChannelUnavailable,
    Dialect,
    PostError,
    Reply,
    TransientPostError,
)
from bot.commands.service import CommandService
from bot.digests.runner import DigestRunner
from bot.papers import Paper
from bot.ranking.query import parse_query
from bot.ranking.search import ScanRanker
from bot.sources.hf.parse import parse_daily_papers_json
from storage.channel_repository import SqlChannelRepository
from storage.paper_repository import SqlPaperRepository
from tests.chat_fakes import RecordingAdapter
from tests.conftest import hf_fixture_files

NOW = datetime(2026, 5, 11, 8, 0, tzinfo=UTC)
CHANNEL = ChannelRef("console", "general", name="general")
MANAGER = Caller("u-manager", display_name="Ada")
MEMBER = Caller("u-member", can_manage=False, display_name="Bob", manage_rule="admin rights")


@dataclass
class Core:
    service: CommandService
    channels: SqlChannelRepository
    adapter: RecordingAdapter

    def run(self, text: str, caller: Caller = MANAGER, channel: ChannelRef = CHANNEL) -> Reply:
        return asyncio.run(self.service.handle(channel, text, caller))


@pytest.fixture
def core(engine: Engine) -> Iterator[Core]:
    """The real service on the suite's database, with the recorded papers in the library."""
    papers = SqlPaperRepository(engine)
    for path in hf_fixture_files():
        papers.upsert_papers(parse_daily_papers_json(path.read_text(encoding="utf-8")).papers)
    channels = SqlChannelRepository(engine)
    ranker = ScanRanker(papers)
    adapter = RecordingAdapter()
    runner = DigestRunner(channels, ranker, {"console": adapter}, worker="t", clock=lambda: NOW)
    service = CommandService(channels, papers, ranker, runner, clock=lambda: NOW)
    yield Core(service, channels, adapter)


def test_a_member_may_view_settings_but_not_change_them(core: Core) -> None:
    core.run("settings max 3")

    viewed = core.run("settings", MEMBER)
    refused = core.run("settings max 5", MEMBER)

    assert not viewed.is_error
    assert "max 3 papers" in viewed.text
    assert refused.is_error and "Only members with admin rights" in refused.text
    stored = core.channels.get_channel(CHANNEL)
    assert stored is not None and stored.max_papers == 3


def test_settings_written_as_key_equals_value_are_understood(core: Core) -> None:
    reply = core.run("settings max=4 min_upvotes=10")

    assert not reply.is_error, reply.text
    stored = core.channels.get_channel(CHANNEL)
    assert stored is not None and (stored.max_papers, stored.min_upvotes) == (4, 10)


def _commands_counted(platform: str, verb: str) -> float:
    labels = {"platform": platform, "command": verb}
    return REGISTRY.get_sample_value("paperboy_command_seconds_count", labels) or 0.0


def test_command_latency_is_counted_once_by_the_tables_verb(core: Core) -> None:
    """Low cardinality: a verb of the table, ``search`` for bare text, ``error`` for mistakes."""
    texts = {"list": "list", "digest": "digest preview", "search": "scaling laws"}
    before = {verb: _commands_counted("console", verb) for verb in [*texts, "error"]}

    for text in texts.values():
        core.run(text)
    core.run("settings max 500")

    for verb in [*texts, "error"]:
        assert _commands_counted("console", verb) == before[verb] + 1, verb


def test_search_results_are_headed_by_the_query_not_the_first_result(core: Core) -> None:
    reply = core.run("language models")

    total = core.service._ranker.count(parse_query("language models"), now=NOW)  # type: ignore[attr-defined]  # the scan counts
    assert total > 5
    assert reply.heading == f"Results for *language models* — 5 of {total}"
    assert reply.text.splitlines()[0] == reply.heading
    assert len(reply.results) == 5
    assert reply.results[0].paper.title not in reply.heading


def test_a_short_result_list_says_how_many_it_found(core: Core) -> None:
    reply = core.run("scaling laws")

    assert reply.heading == "Results for *scaling laws* — 2 papers"
    assert len(reply.results) == 2


def test_the_query_in_the_heading_is_escaped_for_the_callers_platform(core: Core) -> None:
    discord = Caller("u1", dialect=Dialect(quote=lambda s: s.replace("*", "\\*"), bold="**"))

    reply = core.run("language *models*", discord)

    assert reply.heading.startswith("Results for **language \\*models\\*** — 5 of ")


class FakeArxiv:
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


def _with_fetcher(core: Core, engine: Engine, known: Paper) -> tuple[CommandService, FakeArxiv]:
    papers = SqlPaperRepository(engine)
    fetcher = FakeArxiv(papers, known)
    ranker = ScanRanker(papers)
    runner = DigestRunner(core.channels, ranker, {}, worker="t", clock=lambda: NOW)
    return CommandService(
        core.channels, papers, ranker, runner, clock=lambda: NOW, fetcher=fetcher
    ), fetcher


def test_a_pasted_link_answers_with_the_papers_neighbours(core: Core, engine: Engine) -> None:
    known = SqlPaperRepository(engine).get_papers(["2605.01640"])[0]  # scaling laws, in the library
    service, fetcher = _with_fetcher(core, engine, known)

    reply = asyncio.run(service.handle(CHANNEL, "https://arxiv.org/abs/2605.01640v2", MANAGER))

    assert not reply.is_error, reply.text
    assert reply.heading and reply.heading.startswith(f"Papers like *{known.title}*")
    assert reply.results and "2605.01640" not in [r.paper.arxiv_id for r in reply.results]
    assert fetcher.asked == []  # in the library: arXiv is not asked


def test_a_pasted_paper_the_library_lacks_is_fetched_and_said_so(
    core: Core, engine: Engine
) -> None:
    new = Paper(
        arxiv_id="2611.00077",
        title="Scaling laws for language model agents",
        abstract="We fit scaling laws to language model agents on reasoning benchmarks.",
    )
    service, fetcher = _with_fetcher(core, engine, new)

    reply = asyncio.run(
        service.handle(CHANNEL, "https://huggingface.co/papers/2611.00077", MANAGER)
    )

    assert fetcher.asked == ["2611.00077"]
    assert reply.text.startswith("2611.00077 was not in the library: I fetched it from arXiv.")
    assert reply.results and "2611.00077" not in [r.paper.arxiv_id for r in reply.results]


def test_an_id_arxiv_does_not_know_gets_a_clear_message(core: Core, engine: Engine) -> None:
    service, _ = _with_fetcher(core, engine, Paper(arxiv_id="2611.00077", title="x"))

    reply = asyncio.run(service.handle(CHANNEL, "2611.99999", MANAGER))

    assert reply.is_error
    assert "arXiv does not know the paper 2611.99999" in reply.text


def test_list_keeps_the_schedule_and_settings_when_topics_do_not_fit(core: Core) -> None:
    core.run("schedule daily 09:00 Europe/Berlin")
    for n in range(40):  # stored before there was a limit
        core.channels.add_topic(CHANNEL, f'"{"long topic words " * 6}{n}"', NOW)

    listed = core.run("list").text

    assert len(listed) <= 3000
    assert "Schedule: daily at 09:00 (Europe/Berlin)" in listed
    assert "Settings: max 5 papers" in listed
    assert "  1. " in listed
    assert "more" in listed.splitlines()[-1]


def test_list_shows_schedule_and_settings_even_without_topics(core: Core) -> None:
    listed = core.run("list").text

    assert "follows no topics yet" in listed
    assert "Schedule: off" in listed and "Settings: max 5 papers" in listed


def test_a_channel_follows_at_most_25_topics(core: Core) -> None:
    for n in range(25):
        assert not core.run(f"subscribe topic{n}").is_error

    refused = core.run("subscribe one more")

    assert refused.is_error
    assert "25 topics" in refused.text and "unsubscribe" in refused.text
    stored = core.channels.get_channel(CHANNEL)
    assert stored is not None and len(stored.topics) == 25


def test_topics_differing_only_in_case_are_one_topic(core: Core) -> None:
    assert not core.run('subscribe author:"Geoffrey Hinton"').is_error

    again = core.run('subscribe author:"geoffrey hinton"')

    assert again.is_error and "already follows" in again.text
    stored = core.channels.get_channel(CHANNEL)
    assert stored is not None and len(stored.topics) == 1
    assert not core.run('unsubscribe author:"GEOFFREY HINTON"').is_error


@pytest.mark.parametrize(
    ("zone", "stored", "offset", "suggested"),
    [
        ("EST", "EST", "UTC−05:00", "America/New_York"),
        ("pst", "Etc/GMT+8", "UTC−08:00", "America/Los_Angeles"),
        ("CEST", "Etc/GMT-2", "UTC+02:00", "Europe/Berlin"),
        ("UTC+3", "Etc/GMT-3", "UTC+03:00", None),
    ],
)
def test_an_abbreviated_timezone_is_accepted_and_explained(
    core: Core, zone: str, stored: str, offset: str, suggested: str | None
) -> None:
    reply = core.run(f"schedule daily 09:00 {zone}")

    assert not reply.is_error, reply.text
    channel = core.channels.get_channel(CHANNEL)
    assert channel is not None and channel.schedule.timezone == stored
    assert f"{offset} all year" in reply.text and "daylight saving" in reply.text
    if suggested:
        assert f"`/papers schedule daily 09:00 {suggested}`" in reply.text
    assert "all year" not in (reply.announce or "")


def test_a_city_timezone_needs_no_explanation(core: Core) -> None:
    reply = core.run("schedule daily 09:00 America/New_York")

    assert "all year" not in reply.text
    assert not core.run("schedule weekly mon 09:00 Asia/Tokyo").text.count("all year")


def test_a_paused_channel_says_why_without_the_platforms_error_code(core: Core) -> None:
    core.run("subscribe language models")
    core.channels.set_paused(CHANNEL, "channel_not_found: Paperboy cannot find this channel.", NOW)

    reply = core.run("language models")

    assert reply.notice is not None and reply.text.startswith(reply.notice)
    assert "Paperboy cannot find this channel" in reply.notice
    assert "channel_not_found" not in reply.text
    assert reply.heading is not None and "paused" not in reply.heading


@pytest.mark.parametrize(
    ("error", "shown", "hidden"),
    [
        (
            ChannelUnavailable("the bot cannot see this channel (50001 Missing Access)"),
            "the bot cannot see this channel",
            "50001",
        ),
        (
            TransientPostError("Slack refused the call: invalid_blocks"),
            "Try again in a minute",
            "invalid_blocks",
        ),
    ],
)
def test_a_failed_post_is_explained_without_raw_codes(
    core: Core, error: PostError, shown: str, hidden: str
) -> None:
    core.run("subscribe language models")
    core.adapter.fail[CHANNEL.channel_id] = error

    reply = core.run("digest")

    assert reply.is_error
    assert shown in reply.text and hidden not in reply.text
