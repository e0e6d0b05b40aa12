"""A pasted paper (an arXiv id or link as the whole query) must be in the library before its
neighbours can be found: look it up, and fetch it from arXiv when it is not there.

The fetch goes through the ordinary arXiv source and ingest (its pacing, retries and
errors); the caller says so to the user ("fetched from arXiv").
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Protocol

from bot.errors import UserError
from bot.papers import Paper
from bot.ports import PaperRepository


class PaperFetcher(Protocol):
    """Fetches one paper from arXiv into the library."""

    async def fetch_paper(self, arxiv_id: str) -> Paper | None:
        """The paper, now stored; ``None`` when arXiv does not know the id. Raises
        :class:`bot.errors.UserError` when arXiv cannot be asked right now."""
        ...


@dataclass(frozen=True, slots=True)
class PastedPaper:
    """The paper a query points at, and whether it was fetched just now."""

    paper: Paper
    fetched: bool


def not_on_arxiv(arxiv_id: str) -> UserError:
    """The message for an id arXiv does not know."""
    return UserError(
        f"arXiv does not know the paper {arxiv_id}: check the id or the link.",
        example="https://arxiv.org/abs/1706.03762",
    )


async def find_pasted(
    arxiv_id: str, papers: PaperRepository, fetcher: PaperFetcher | None
) -> PastedPaper:
    """The library's copy of ``arxiv_id``, or arXiv's (stored first). Raises a
    :class:`UserError` when arXiv does not know it, or when it is not here and nothing may
    fetch it."""
    known = await asyncio.to_thread(papers.get_papers, [arxiv_id])
    if known:
        return PastedPaper(known[0], fetched=False)
    if fetcher is None:
        raise UserError(
            f"The paper {arxiv_id} is not in the library yet.",
            example=f"paperboy fetch arxiv --id {arxiv_id}",
        )
    paper = await fetcher.fetch_paper(arxiv_id)
    if paper is None:
        raise not_on_arxiv(arxiv_id)
    return PastedPaper(paper, fetched=True)
