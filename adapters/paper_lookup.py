"""Fetch one pasted paper from arXiv into the library (``bot.ranking.pasted.PaperFetcher``).

The export API's ``id_list`` query (https://info.arxiv.org/help/api/user-manual.html), through
the same source, pacing and ingest as ``paperboy fetch arxiv --id``: arXiv answers an unknown
id with an empty feed, which becomes ``None`` here.
"""

from __future__ import annotations

import asyncio

from adapters.composition import Library
from adapters.paper_sources import arxiv_fetches, ingest_targets
from adapters.settings import Settings
from bot.errors import UserError
from bot.papers import Paper
from bot.sources.ingest import ingest


class ArxivPaperLookup:
    """Fetches a paper by id from arXiv and stores it (database and index)."""

    def __init__(self, settings: Settings, library: Library) -> None:
        self._fetches = arxiv_fetches(settings)
        self._library = library

    async def fetch_paper(self, arxiv_id: str) -> Paper | None:
        """The stored paper, or ``None`` when arXiv does not know ``arxiv_id``."""
        outcome = await ingest(self._fetches.ids([arxiv_id]), ingest_targets(self._library))
        if outcome.error is not None:
            raise UserError(
                f"I could not fetch {arxiv_id}: arXiv is not answering right now. "
                "Try again in a minute."
            )
        found = await asyncio.to_thread(self._library.papers.get_papers, [arxiv_id])
        return found[0] if found else None
