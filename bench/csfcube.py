"""Read the CSFCube dev fold (expert judgements; CC BY-NC, never copied into this repo: its
path is an argument) as core papers, queries and graded judgements.

Mysore et al., *CSFCube — A Test Collection of Computer Science Research Articles for
Faceted Query by Example*, NeurIPS 2021 Datasets & Benchmarks, arXiv:2103.12906.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bot.papers import SOURCE_ARXIV, Paper


@dataclass(frozen=True)
class CsfQuery:
    """One query: the query paper's title as typed, and the paper itself (dropped)."""

    qid: str
    query_pid: str
    text: str


def read_papers(folder: Path) -> Iterator[Paper]:
    """Every corpus paper, with no community signal and its year as the date."""
    with (folder / "corpus.jsonl").open(encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            year = int(record.get("year") or 2000)
            yield Paper(
                arxiv_id=str(record["pid"]),
                title=record["title"] or "",
                abstract=record["abstract"] or "",
                published_at=datetime(year, 1, 1, tzinfo=UTC),
                sources=frozenset({SOURCE_ARXIV}),
            )


def read_queries(folder: Path) -> list[CsfQuery]:
    """The dev fold's 24 queries."""
    lines = (folder / "dev_queries.jsonl").read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines if line.strip()]
    return [CsfQuery(r["qid"], str(r["query_pid"]), r["text"]) for r in records]


def read_qrels(folder: Path) -> dict[str, dict[str, int]]:
    """Graded relevance (0–3) per query id and candidate paper id."""
    judged: dict[str, dict[str, int]] = {}
    rows = (folder / "dev_qrels.tsv").read_text(encoding="utf-8").splitlines()[1:]
    for row in rows:
        qid, pid, relevance = row.split("\t")
        judged.setdefault(qid, {})[pid] = int(relevance)
    return judged
