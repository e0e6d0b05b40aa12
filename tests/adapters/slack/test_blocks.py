"""Digest rendering: inside Slack's limits at any size, and no string from a paper can ping."""

from __future__ import annotations

import json
from typing import Any

import pytest
from slack_sdk.models.blocks import Block

from adapters.slack.blocks import (
    MAX_BLOCKS,
    SlackMessage,
    escape,
    parse_feedback_action,
    render_digest,
    render_results,
)
from bot.chat import FeedbackKind
from bot.digests.build import Digest, DigestItem
from bot.ranking.blend import RankedPaper
from tests.adapters.slack.conftest import now, ranked
from tests.kit.slack import slack_would_reject

HOSTILE = "<!channel> <@U123> <https://evil.example|click> & <!here> <#C999>"


def worst_case(n: int) -> RankedPaper:
    """A paper with every field as long, and as full of characters to escape, as possible."""
    base = ranked(
        f"2601.{n:05d}",
        title=("&<>" * 400) + f" #{n}",
        authors=tuple("A" * 120 + "&" for _ in range(40)),
        ai_summary="&" * 3000,
        github_repo="https://github.com/" + "a" * 380,
        project_page="https://example.org/?a=1&b=2",
        thumbnail="https://cdn.example.org/" + "t" * 2000 + ".png",
        upvotes=99999,
        github_stars=123456,
    )
    return RankedPaper(base.paper, 1.0, 1.0, "&" * 2000, "title")


def digest_of(papers: list[RankedPaper], topic: str = "scaling <laws>") -> Digest:
    items = tuple(DigestItem(p, topic, also_in="#ml & <!here>") for p in papers)
    return Digest(title="Paperboy digest — scaling laws", items=items, generated_at=now())


def paper_ids(messages: list[SlackMessage]) -> list[str]:
    return [
        element["value"]
        for message in messages
        for block in message.blocks
        if block["type"] == "actions"
        for element in block["elements"]
        if element["action_id"] == "paperboy_feedback_up"
    ]


def assert_slack_accepts(message: SlackMessage) -> None:
    assert len(message.blocks) <= MAX_BLOCKS
    for raw in message.blocks:
        parsed = Block.parse(raw)
        assert parsed is not None
        assert parsed.to_dict() == raw  # slack_sdk's models validate every limit here
        if raw["type"] == "section":
            assert len(raw["text"]["text"]) <= 3000
    assert slack_would_reject({"text": message.text, "blocks": message.blocks}) is None
    assert 0 < len(message.text) <= 3000


@pytest.mark.parametrize("count", [1, 10, 40])
def test_worst_case_digests_stay_inside_every_limit(count: int) -> None:
    papers = [worst_case(n) for n in range(count)]

    messages = render_digest(digest_of(papers))

    for message in messages:
        assert_slack_accepts(message)
    assert paper_ids(messages) == [p.paper.arxiv_id for p in papers]  # each paper once, in order


@pytest.mark.parametrize("count", [1, 10])
def test_ordinary_digest_fits_one_message(count: int) -> None:
    papers = [ranked(f"2601.{n:05d}") for n in range(count)]

    (message,) = render_digest(digest_of(papers))

    assert_slack_accepts(message)
    assert message.blocks[0] == {
        "type": "header",
        "text": {"type": "plain_text", "text": "Paperboy digest — scaling laws"},
    }


def test_paper_section_shows_link_authors_counts_reason_summary_links_and_thumbnail() -> None:
    paper = ranked("2601.00007", title="Tiny & mighty")

    (message,) = render_digest(digest_of([paper], topic="scaling"))
    section = message.blocks[1]
    text = section["text"]["text"]

    assert text.startswith("*<https://huggingface.co/papers/2601.00007|Tiny &amp; mighty>*")
    assert "Ada Lovelace, Alan Turing" in text
    assert "▲ 42" in text and "★ 7" in text
    assert 'title matches "scaling"' in text and "for _scaling_" in text
    assert "> Small models follow the same scaling laws." in text
    assert "<https://arxiv.org/pdf/2601.00007|PDF>" in text
    assert "<https://github.com/example/tiny|Code>" in text
    assert section["accessory"]["image_url"] == "https://cdn.example.org/2601.00007.png"


def test_hostile_strings_cannot_ping_or_inject_links() -> None:
    paper = ranked(
        "2601.00666",
        title=HOSTILE,
        authors=(HOSTILE,),
        ai_summary=HOSTILE,
        github_repo="https://evil.example|click>",
        project_page="javascript:alert(1)",
    )
    hostile = RankedPaper(paper.paper, 1.0, 1.0, HOSTILE, "title")
    digest = Digest(
        title="Digest",
        items=(DigestItem(hostile, HOSTILE, also_in=HOSTILE),),
        generated_at=now(),
        notes=(HOSTILE,),
    )

    (message,) = render_digest(digest)
    wire = json.dumps({"text": message.text, "blocks": message.blocks}, ensure_ascii=False)

    for dangerous in (
        "<!channel>",
        "<!here>",
        "<@U123>",
        "<https://evil",
        "<#C999>",
        "javascript:",
    ):
        assert dangerous not in wire
    assert "&lt;!channel&gt;" in message.blocks[2]["text"]["text"]


def test_empty_digest_explains_itself() -> None:
    digest = Digest(
        title="Digest", items=(), generated_at=now(), empty_reason="No stored paper matches <x>."
    )

    (message,) = render_digest(digest)

    assert_slack_accepts(message)
    assert message.blocks[1]["text"]["text"] == "No stored paper matches &lt;x&gt;."
    assert "No stored paper matches" in message.text


def test_search_results_carry_a_share_button_only_when_asked() -> None:
    results = [ranked(f"2601.{n:05d}") for n in range(3)]

    private = render_results("3 papers", results, share_value="scaling")
    shared = render_results("3 papers", results)

    def action_ids(message: SlackMessage) -> list[Any]:
        return [
            e["action_id"] for b in message.blocks if b["type"] == "actions" for e in b["elements"]
        ]

    assert "paperboy_share" in action_ids(private)
    assert "paperboy_share" not in action_ids(shared)
    assert_slack_accepts(private)


def test_many_worst_case_results_are_cut_to_one_message_with_a_note() -> None:
    results = [worst_case(n) for n in range(20)]

    message = render_results("20 papers", results, share_value="x")

    assert_slack_accepts(message)
    assert "more; narrow the search" in json.dumps(message.blocks)


@pytest.mark.parametrize(
    ("action_id", "expected"),
    [
        ("paperboy_feedback_up", FeedbackKind.UP),
        ("paperboy_feedback_more", FeedbackKind.MORE),
        ("paperboy_feedback_sideways", None),
        ("someone_else", None),
    ],
)
def test_feedback_action_ids_round_trip(action_id: str, expected: FeedbackKind | None) -> None:
    assert parse_feedback_action(action_id) == expected


def test_escape_handles_the_three_special_characters() -> None:
    assert escape("a & b < c > d") == "a &amp; b &lt; c &gt; d"
