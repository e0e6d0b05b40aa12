"""A large paper library for load scenarios: the real arXiv-daily corpus (74,728 papers, see
/work/shared/datasets/arxiv-daily/PROVENANCE.md), replicated under shifted ids to any size.

Copy ``k`` of a paper replaces the first digit of its ``YYMM`` id prefix (``2511.07483`` →
``1511.07483`` for k = 1), so every copy is a distinct, well-formed new-style id. Without the
corpus (another machine), the recorded Hugging Face fixtures are replicated the same way.
"""

from __future__ import annotations

import json
import lzma
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime
from itertools import islice
from pathlib import Path

from sqlalchemy.engine import Engine

from bot.papers import SOURCE_ARXIV, Paper
from bot.sources.hf.parse import parse_daily_papers_json
from storage.paper_repository import SqlPaperRepository
from tests.conftest import hf_fixture_files

CORPUS = Path("/work/shared/datasets/arxiv-daily/arxiv_daily_corpus.jsonl.xz")
BATCH = 5_000


def _corpus() -> Iterator[Paper]:
    with lzma.open(CORPUS, "rt", encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            listed = date.fromisoformat(row["listed_date"])
            yield Paper(
                arxiv_id=row["id"],
                title=row["title"],
                abstract=row["abstract"],
                authors=tuple(f"Author {n + 1}" for n in range(min(row["n_authors"], 5))),
                published_at=datetime(listed.year, listed.month, listed.day, tzinfo=UTC),
                categories=tuple(row["categories"]),
                arxiv_comment=row.get("comment"),
                sources=frozenset({SOURCE_ARXIV}),
            )


def _fixtures() -> Iterator[Paper]:
    for path in hf_fixture_files():
        yield from parse_daily_papers_json(path.read_text(encoding="utf-8")).papers


def _copy(paper: Paper, k: int) -> Paper:
    if k == 0:
        return paper
    return replace(paper, arxiv_id=f"{(int(paper.arxiv_id[0]) - k) % 10}{paper.arxiv_id[1:]}")


def replicated_papers(size: int) -> Iterator[Paper]:
    """``size`` distinct papers: the corpus (or fixtures), then copies of it."""
    made = 0
    for k in range(10):
        for paper in _corpus() if CORPUS.exists() else _fixtures():
            if made == size:
                return
            yield _copy(paper, k)
            made += 1


def load_library(engine: Engine, size: int) -> int:
    """Store ``size`` replicated papers; returns how many the library holds."""
    repo = SqlPaperRepository(engine)
    papers = replicated_papers(size)
    while batch := list(islice(papers, BATCH)):
        repo.upsert_papers(batch)
    return repo.count()
