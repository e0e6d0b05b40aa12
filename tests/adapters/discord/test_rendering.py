"""Digest embeds stay inside Discord's limits and render hostile paper text harmlessly."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from adapters.discord.feedback import feedback_view
from adapters.discord.rendering import (
    MAX_BUTTON_ROWS,
    MAX_CONTENT,
    MAX_DESCRIPTION,
    MAX_EMBEDS,
    MAX_FOOTER,
    MAX_MESSAGE_EMBED_CHARS,
    MAX_TITLE,
    clip,
    digest_messages,
    escape_text,
    split_text,
)
from tests.kit.papers import HOSTILE_TITLE, digest_of, paper, worst_paper


@pytest.mark.parametrize("count", [1, 10, 40])
def test_worst_case_digests_fit_discord_limits(count: int) -> None:
    messages = digest_messages(digest_of([worst_paper(n) for n in range(1, count + 1)]))

    positions = []
    for message in messages:
        assert len(message.embeds) <= MAX_EMBEDS
        assert sum(len(embed) for embed in message.embeds) <= MAX_MESSAGE_EMBED_CHARS
        assert len(message.content or "") <= MAX_CONTENT
        for embed in message.embeds:
            assert len(embed.title or "") <= MAX_TITLE
            assert len(embed.description or "") <= MAX_DESCRIPTION
            assert len(embed.footer.text or "") <= MAX_FOOTER
        view = feedback_view(message)
        rows = {item.row for item in view.children} if view else set()
        assert len(rows) <= MAX_BUTTON_ROWS
        positions += [card.position for card in message.cards]
    assert positions == list(range(1, count + 1))  # every paper, once, in order
    assert messages[0].content is not None and "Paperboy digest" in messages[0].content


def test_ten_ordinary_papers_take_two_messages_of_five() -> None:
    messages = digest_messages(digest_of([paper(n) for n in range(1, 11)]))
    assert [len(m.embeds) for m in messages] == [5, 5]


def test_a_card_links_hf_arxiv_pdf_and_code_with_the_thumbnail() -> None:
    (message,) = digest_messages(digest_of([paper(7)]))
    embed = message.embeds[0]

    assert embed.title == "1. Paper 7"
    assert embed.url == "https://huggingface.co/papers/2411.00007"
    assert embed.description is not None
    for link in (
        "[Hugging Face](https://huggingface.co/papers/2411.00007)",
        "[arXiv](https://arxiv.org/abs/2411.00007)",
        "[PDF](https://arxiv.org/pdf/2411.00007)",
        "[Code](https://github.com/lab/paper-7)",
    ):
        assert link in embed.description
    assert embed.thumbnail.url == paper(7).thumbnail
    assert embed.footer.text == "▲ 7 · also in #ml-infra"


def test_unsafe_links_are_left_out() -> None:
    (message,) = digest_messages(digest_of([worst_paper(1)]))
    description = message.embeds[0].description or ""
    assert "javascript:" not in description
    assert "[Code]" not in description  # over-long URL


def test_hostile_titles_cannot_ping_or_link() -> None:
    hostile = paper(1, title=HOSTILE_TITLE, authors=("@here",), ai_summary="[x](https://evil)")
    (message,) = digest_messages(digest_of([hostile], title="@everyone digest"))
    embed = message.embeds[0]

    assert "@everyone" not in (embed.title or "") and "@\u200beveryone" in (embed.title or "")
    assert "<@&123456789012345678>" not in (embed.title or "")
    assert "\\[free nitro]" in (embed.title or "")
    assert "\\*\\*now\\*\\*" in (embed.title or "")
    assert "@here" not in (embed.description or "")
    assert "\\[x](https://evil)" in (embed.description or "")
    assert "@everyone" not in (message.content or "")


def test_an_empty_digest_says_why() -> None:
    (message,) = digest_messages(digest_of([], empty_reason="This channel follows no topics yet."))
    assert message.embeds == []
    assert message.content is not None
    assert message.content.endswith("No papers today. This channel follows no topics yet.")


def test_digest_notes_come_last() -> None:
    messages = digest_messages(digest_of([paper(1)], notes=("3 more papers in #ml-infra",)))
    assert messages[-1].content == "3 more papers in #ml-infra"


@given(st.text(alphabet="ab\\*_@[]() ", max_size=400), st.integers(min_value=2, max_value=300))
def test_clipping_escaped_text_never_leaves_a_dangling_backslash(text: str, limit: int) -> None:
    clipped = clip(escape_text(text), limit)
    assert len(clipped) <= limit
    if clipped.endswith("…"):
        body = clipped.removesuffix("…")
        assert (len(body) - len(body.rstrip("\\"))) % 2 == 0


def test_long_text_replies_split_at_line_breaks() -> None:
    text = "\n".join(f"{n}. " + "w" * 90 for n in range(60))
    chunks = split_text(text)
    assert all(len(chunk) <= MAX_CONTENT for chunk in chunks)
    assert "\n".join(chunks) == text
