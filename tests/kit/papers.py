"""Digests made of ordinary, worst-case and hostile papers."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.digests.build import Digest, DigestItem
from bot.papers import SOURCE_HF, Paper
from bot.ranking.blend import RankedPaper

NOW = datetime(2026, 11, 26, 7, 0, tzinfo=UTC)
HOSTILE_TITLE = "@everyone <@&123456789012345678> [free nitro](https://evil.example) **now**"


def paper(n: int, **changes: object) -> Paper:
    """An ordinary HF paper ``2411.0NNNN``."""
    fields: dict[str, object] = {
        "arxiv_id": f"2411.{n:05d}",
        "title": f"Paper {n}",
        "abstract": "We study things.",
        "authors": ("Ada Lovelace", "Alan Turing"),
        "upvotes": n,
        "github_repo": f"https://github.com/lab/paper-{n}",
        "thumbnail": f"https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/2411.{n:05d}.png",
        "sources": frozenset({SOURCE_HF}),
    }
    fields.update(changes)
    return Paper(**fields)  # type: ignore[arg-type]  # keys are Paper's own fields


def worst_paper(n: int) -> Paper:
    """Everything as long as it gets, full of characters that escaping doubles."""
    return paper(
        n,
        title=("*_`|~" * 400) + f" {n}",
        abstract="x" * 20_000,
        ai_summary="_*" * 3_000,
        authors=tuple(f"Author {'*' * 80} {i}" for i in range(300)),
        github_repo="https://github.com/" + "a" * 600,
        project_page="javascript:alert(1)",
        github_stars=10**9,
    )


def digest_of(papers: list[Paper], **changes: object) -> Digest:
    """A digest with one item per paper, each with a long reason and topic."""
    items = tuple(
        DigestItem(
            RankedPaper(p, score=1.0, relevance=1.0, why="title matches " + "w" * 300),
            topic="scaling laws " + "t" * 200,
            also_in="#ml-infra",
        )
        for p in papers
    )
    fields: dict[str, object] = {"title": "Paperboy digest", "items": items, "generated_at": NOW}
    fields.update(changes)
    return Digest(**fields)  # type: ignore[arg-type]  # keys are Digest's own fields
