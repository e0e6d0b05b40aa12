"""Scenario: hostile input — generated ``/papers`` command strings, and papers whose titles and
abstracts try to ping, link, overflow or reorder a message.

What a user notices: the bot always answers (never an apology for a crash), every answer fits
Slack's and Discord's limits, and no paper or command can ping ``@channel``/``@everyone``/a
user or slip in a link Paperboy did not make.

The commands run through the real CommandService on the suite's database (all of them) and
through a running ``paperboy serve --adapter slack --http`` (a subset, signed slash commands).
The papers go through the real Slack Block Kit and Discord embed renderers, directly and via
the real Hugging Face parser.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.engine import Engine

from adapters.discord.commands import announcement, reply_messages
from adapters.discord.rendering import DIALECT as DISCORD
from adapters.discord.rendering import (
    OutgoingMessage,
    digest_messages,
    escape_text,
    results_messages,
)
from adapters.slack.blocks import render_digest, render_results
from adapters.slack.listeners import reply_bodies
from bot.chat import PLAIN, Caller, ChannelRef, Reply
from bot.commands.service import APOLOGY, CommandService
from bot.digests.build import Digest, DigestItem
from bot.digests.runner import DigestRunner
from bot.papers import SOURCE_HF, Paper
from bot.ranking.blend import RankedPaper
from bot.ranking.search import ScanRanker
from bot.sources.hf.parse import parse_daily_papers_json
from storage.channel_repository import SqlChannelRepository
from storage.paper_repository import SqlPaperRepository
from tests.conftest import FIXTURES
from tests.kit.slack import FakeSlack
from tests.reliability.render_checks import (
    discord_problems,
    invisible_characters,
    slack_problems,
)
from tests.reliability.support import (
    assert_no_secret,
    load_fixture_papers,
    read_logs,
    signed_headers,
    sized,
    slash_form,
)

pytestmark = pytest.mark.reliability

COMMANDS = sized(1500, 10_000)
SLASH_COMMANDS = sized(60, 500)

HOSTILE = (
    "<!channel> <!here> <!everyone> <!subteam^S123|@team>",
    "@everyone @here look",
    "<@U0123ABCD> <@W999> <@123456789012345678> <@&123456789012345678> <#C0123|general>",
    "<https://evil.example/x|click me> <mailto:a@evil.example|mail>",
    "[click here](https://evil.example/phish) [x]( https://evil.example ) ![i](https://evil.example/i.png)",
    "**bold** __under__ `code` ```block``` ~~strike~~ ||spoiler|| > quote *em* _em_",
    "control \x00\x01\x07\x1b[31m\x7f chars \u0085",
    "rtl \u202eevil override\u202c \u2066isolate\u2069 \u200f\u200e marks \u061c",
    "entities &lt;!channel&gt; &amp; &#x3c;",
    "emoji 🧪👩‍🔬 and LaTeX $\\mathcal{O}(n^2)$ and \\",
)
HUGE = "A" * 100_000


def _verbs() -> st.SearchStrategy[str]:
    return st.sampled_from(
        [
            "",
            "search",
            "subscribe",
            "unsubscribe",
            "list",
            "help",
            "settings max",
            "settings window",
            "settings min-upvotes",
            "settings empty",
            "schedule",
            "schedule weekly",
            "digest",
            "digest preview",
            "pause",
            "resume",
        ]
    )


def command_strings() -> st.SearchStrategy[str]:
    """Plausible, odd and hostile ``/papers`` texts."""
    pieces = st.sampled_from(
        [
            "scaling",
            '"exact phrase"',
            '"unclosed',
            "-vision",
            "author:",
            "org:",
            "cat:cs.LG",
            "cat:",
            "min-upvotes:10",
            "min-upvotes:-1",
            "min-upvotes:99999999999999999999",
            "since:7d",
            "since:0d",
            "since:9999999d",
            "since:yesterday",
            "daily",
            "09:00",
            "25:61",
            "Europe/Berlin",
            "Mars/Olympus",
            "mon",
            "off",
            "all",
            "quiet",
            "0",
            "-1",
            "1e9",
            "2",
            *HOSTILE,
        ]
    )
    return st.one_of(
        st.text(max_size=200),
        st.builds(lambda v, rest: f"{v} {' '.join(rest)}", _verbs(), st.lists(pieces, max_size=6)),
        st.builds(lambda v, t: f"{v} {t}", _verbs(), st.text(max_size=300)),
        st.builds(lambda v, n: f"{v} {'x' * n}", _verbs(), st.integers(0, 20_000)),
    )


def _core(engine: Engine) -> CommandService:
    channels = SqlChannelRepository(engine)
    papers = SqlPaperRepository(engine)
    ranker = ScanRanker(papers)
    runner = DigestRunner(channels, ranker, {}, worker="hostile-test")
    return CommandService(channels, papers, ranker, runner)


def slack_rendering(reply: Reply, text: str) -> list[dict[str, Any]]:
    """What the Slack listener sends back for ``reply``."""
    return reply_bodies(reply, share_value=text)


def discord_rendering(reply: Reply) -> list[OutgoingMessage]:
    """What the Discord commands send back for ``reply``: the answer, then the announcement."""
    announced = announcement(reply)
    return [*reply_messages(reply), *([OutgoingMessage(content=announced)] if announced else [])]


# Topics that keep the user's characters (phrases, authors, orgs), and display names.
# (Real mentions such as <@123> are refused by the grammar; Slack's &lt;!channel&gt; is the
# text "<!channel>" as typed.)
HOSTILE_TOPICS = (
    'author:"[click](https://evil.example) @everyone"',
    'org:"**bold** @here [x]( https://evil.example )"',
    '"[free nitro](https://evil.example/phish)" -vision',
    'author:"&lt;!channel&gt; &amp; <https://evil.example|click>"',
)
HOSTILE_NAMES = ("[Mallory](https://evil.example) @everyone", "<!channel> **Eve**")


@pytest.mark.parametrize("on_discord", [False, True], ids=["slack", "discord"])
def test_hostile_topics_and_names_are_inert_in_every_reply_and_announcement(
    engine: Engine, on_discord: bool
) -> None:
    """Issue 14: a topic's text and the caller's name went unescaped into Discord's public
    announcement, so ``author:"[click](https://evil.example) @everyone"`` was a live link."""
    load_fixture_papers(engine)
    core = _core(engine)
    ref = ChannelRef("discord", "7", "8") if on_discord else ChannelRef("slack", "C1", "T1")
    dialect = DISCORD if on_discord else PLAIN
    sent: list[str] = []
    for name in HOSTILE_NAMES:
        caller = Caller("U1", display_name=name, dialect=dialect)
        for topic in HOSTILE_TOPICS:
            texts = [f"subscribe {topic}", "list", f"search {topic}", f"unsubscribe {topic}"]
            for text in texts:
                reply = asyncio.run(core.handle(ref, text, caller))
                assert not reply.is_error, (text, reply.text)
                if on_discord:
                    for out in discord_rendering(reply):
                        assert not discord_problems(out), (text, out.content)
                        assert "@everyone" not in (out.content or ""), out.content
                        sent.append(out.content or "")
                else:
                    for body in slack_rendering(reply, text):
                        assert not slack_problems(body), (text, body)
                        sent.append(body["text"])
    assert any("Mallory" in text for text in sent)  # the announcements were rendered


@pytest.mark.slow
def test_generated_commands_never_crash_and_every_reply_fits_and_cannot_ping(
    engine: Engine,
) -> None:
    load_fixture_papers(engine)
    core = _core(engine)
    seen: list[int] = []

    @settings(
        max_examples=COMMANDS,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(text=command_strings(), manager=st.booleans(), on_discord=st.booleans())
    def one(text: str, manager: bool, on_discord: bool) -> None:
        ref = (
            ChannelRef("discord", "700000000000000009", "800000000000000001")
            if on_discord
            else ChannelRef("slack", "C0HOSTILE", "T1")
        )
        caller = Caller("U1", can_manage=manager, dialect=DISCORD if on_discord else PLAIN)
        reply = asyncio.run(core.handle(ref, text, caller))
        seen.append(1)
        assert reply.text != APOLOGY, f"a command crashed inside the core: {text[:200]!r}"
        items = reply.digest.items if reply.digest else ()
        ranked = [*reply.results, *(item.ranked for item in items)]
        allowed = _own_links(ranked)
        for message in [] if on_discord else slack_rendering(reply, text):
            found = slack_problems(message, allowed)
            assert not found, (text[:200], found)
        for out in discord_rendering(reply) if on_discord else []:
            # Even an error echoing the caller's own text cannot carry a live masked link.
            found = discord_problems(out, allowed)
            assert not found, (text[:200], found)

    one()
    assert len(seen) >= COMMANDS * 0.9  # hypothesis really ran (about) as many as asked
    print(f"\n{len(seen)} generated /papers commands: 0 crashes, every reply within limits")


def _hostile_papers() -> list[Paper]:
    """SYNTHETIC papers: every field a source could fill carries one hostile string."""
    papers = []
    for n, text in enumerate([*HOSTILE, HUGE]):
        papers.append(
            Paper(
                arxiv_id=f"2611.{n:05d}",
                title=f"Scaling {text}",
                abstract=f"{text} " * 3,
                authors=(text[:300], "Ada <!channel> Lovelace", "@everyone"),
                upvotes=n,
                github_repo="https://github.com/example/ok" if n % 2 else f"https://e.x/{text}",
                github_stars=n,
                project_page=f"https://evil.example/{text}"[:400],
                ai_summary=text,
                ai_keywords=(text[:50],),
                organization=text[:200],
                thumbnail=f"https://cdn.example/{text}"[:300],
                sources=frozenset({SOURCE_HF}),
            )
        )
    return papers


def _ranked(papers: list[Paper]) -> list[RankedPaper]:
    return [RankedPaper(p, 1.0, 1.0, f"title matches {p.title[:80]}", "title") for p in papers]


def _digest(ranked: list[RankedPaper]) -> Digest:
    items = tuple(DigestItem(r, topic=HOSTILE[n % len(HOSTILE)]) for n, r in enumerate(ranked))
    return Digest(
        title="Daily digest <!channel> @everyone",
        items=items,
        generated_at=datetime(2026, 11, 26, 8, tzinfo=UTC),
        notes=(HOSTILE[0], HUGE),
    )


def _own_links(ranked: list[RankedPaper]) -> set[str]:
    """The code/project URLs the papers carry in their own fields (linking those is fine)."""
    return {u for r in ranked for u in (r.paper.github_repo, r.paper.project_page) if u}


def _slack_renderings(ranked: list[RankedPaper]) -> Iterator[tuple[str, list[str]]]:
    allowed = _own_links(ranked)
    for message in render_digest(_digest(ranked)):
        yield "slack digest", slack_problems(message, allowed)
    for start in range(0, len(ranked), 5):
        chunk = ranked[start : start + 5]
        message = render_results(HOSTILE[1], chunk, share_value=HUGE)
        yield "slack results", slack_problems(message, allowed)


def _discord_renderings(
    ranked: list[RankedPaper], *, links: bool
) -> Iterator[tuple[str, list[str]]]:
    allowed = _own_links(ranked)
    for start in range(0, len(ranked), 5):
        for out in results_messages(ranked[start : start + 5], escape_text(HOSTILE[2])):
            yield "discord results", discord_problems(out, allowed, links=links)
    for out in digest_messages(_digest(ranked)):
        yield "discord digest", discord_problems(out, allowed, links=links)


def _all_renderings(ranked: list[RankedPaper]) -> Iterator[tuple[str, list[str]]]:
    yield from _slack_renderings(ranked)
    yield from _discord_renderings(ranked, links=False)


def test_hostile_papers_render_without_pings_links_or_overflow() -> None:
    """Slack fully; Discord for pings and limits (its masked links: the test below)."""
    ranked = _ranked(_hostile_papers())
    renderings = list(_all_renderings(ranked))
    problems = [(where, found) for where, found in renderings if found]
    assert not problems, problems[:5]
    print(f"\n{len(renderings)} rendered messages from {len(ranked)} hostile papers: 0 problems")


def test_hostile_papers_cannot_add_masked_links_on_discord() -> None:
    ranked = _ranked(_hostile_papers())
    problems = [(w, f) for w, f in _discord_renderings(ranked, links=True) if f]
    assert not problems, problems[:3]


def test_hostile_papers_from_a_source_payload_arrive_clean() -> None:
    """The same strings through the real Hugging Face parser: control and bidi characters are
    gone before anything is stored, and the rendered digest is safe."""
    entry = json.loads(
        (FIXTURES / "hf-daily-papers" / "newsassistant__2026-08-03__3items.json").read_text(
            encoding="utf-8"
        )
    )[0]
    entries = []
    for n, text in enumerate([*HOSTILE, HUGE]):
        copy = json.loads(json.dumps(entry))
        copy["paper"]["id"] = f"2611.{n:05d}"
        copy["paper"]["title"] = copy["title"] = f"Scaling {text}"
        copy["paper"]["summary"] = copy["summary"] = text
        copy["paper"]["ai_summary"] = text
        entries.append(copy)
    papers = list(parse_daily_papers_json(json.dumps(entries)).papers)
    assert len(papers) == len(entries)
    ranked = _ranked(papers)
    problems = [(where, found) for where, found in _all_renderings(ranked) if found]
    assert not problems, problems[:5]
    stored_text = [[p.title, p.abstract, p.ai_summary] for p in papers]
    assert not invisible_characters(stored_text)


@pytest.mark.slow
def test_generated_commands_through_the_slack_endpoint_are_all_answered_safely(
    slack_serve: tuple[FakeSlack, int, Path], engine: Engine
) -> None:
    fake, port, log = slack_serve
    sent: list[str] = []
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as client:

        @settings(
            max_examples=SLASH_COMMANDS,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        )
        @given(text=command_strings())
        def one(text: str) -> None:
            name = str(len(sent))
            body = slash_form(text, channel="C0HOSTILE", response_url=fake.response_url(name))
            answer = client.post("/slack/events", content=body, headers=signed_headers(body))
            sent.append(name)
            assert answer.status_code == 200, (text[:200], answer.status_code)

        one()
    deadline = time.monotonic() + 30
    while len({r.name for r in fake.responses}) < len(sent) and time.monotonic() < deadline:
        time.sleep(0.05)
    responses = list(fake.responses)
    papers = list(SqlPaperRepository(engine).iter_papers())
    allowed = {u for p in papers for u in (p.github_repo, p.project_page) if u}
    assert {r.name for r in responses} == set(sent), "some commands were never answered"
    for response in responses:
        assert "something went wrong" not in str(response.body.get("text")), response.body
        found = slack_problems(response.body, allowed)
        assert not found, found
    text_logs = read_logs([log])
    assert "Traceback" not in text_logs
    assert_no_secret([text_logs, *(json.dumps(r.body) for r in responses)], "logs or replies")
    print(f"\n{len(sent)} generated slash commands via serve: all acked 200 and answered safely")
