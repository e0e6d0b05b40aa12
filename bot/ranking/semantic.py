"""The dense ("meaning") side of search, as the core sees it: two small contracts.

A sentence-embedding model turns a query or a paper into a vector; papers whose vectors are
close to the query's are close in meaning even when they share no word with it ("fault
tolerance" finds a checkpointing paper). The model, the stored vectors and the in-memory
index live outside the core (``storage/embedding.py``, ``storage/vectors*.py``); the core
only asks for neighbours and hands papers over to be embedded.

Both contracts degrade rather than fail: a replica without a usable model has no
:class:`VectorIndex` at all, and one whose model breaks at run time answers ``[]`` (after one
warning), so search falls back to lexical ranking.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from bot.papers import Paper

# Below this cosine a dense-only candidate is not "close in meaning": every query has nearest
# neighbours, even nonsense, and all-MiniLM-L6-v2 puts unrelated abstracts at 0.0–0.25.
MIN_SIMILARITY = 0.30


@dataclass(frozen=True, slots=True)
class Neighbour:
    """A paper close to the asked text or paper, with its cosine similarity (−1…1)."""

    arxiv_id: str
    similarity: float


class VectorIndex(Protocol):
    """Nearest neighbours over the library's paper vectors (a replica's in-memory copy)."""

    def nearest_to_text(self, text: str, *, limit: int) -> list[Neighbour]:
        """The ``limit`` papers closest in meaning to ``text``, best first."""
        ...

    def nearest_to_paper(self, arxiv_id: str, *, limit: int) -> list[Neighbour]:
        """The ``limit`` papers closest to a stored paper (itself left out); ``[]`` when the
        paper has no vector yet."""
        ...


class PaperEmbedder(Protocol):
    """Computes and stores the vectors of papers just ingested (blocking: run in a thread)."""

    def embed_papers(self, papers: Sequence[Paper]) -> int:
        """Embed the papers that have no vector or whose text changed; how many were."""
        ...
