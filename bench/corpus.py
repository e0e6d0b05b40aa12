"""Read the shared arXiv corpus (JSONL, optionally ``.xz``) as core papers, replicated to N.

Shared by ``bench/search.py`` and ``bench/quality.py``. The corpus has no community signal,
so each paper gets deterministic synthetic upvotes and stars (a heavy tail: most papers 0, a
few hundred) — enough to exercise the blend; the seed is the paper id, so runs repeat.
"""

from __future__ import annotations

import hashlib
import json
import lzma
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

from bot.papers import SOURCE_ARXIV, Paper


def _open(path: Path) -> IO[str]:
    if path.suffix == ".xz":
        return lzma.open(path, "rt", encoding="utf-8")
    return path.open(encoding="utf-8")


def _signal(arxiv_id: str) -> tuple[int, int]:
    """Synthetic (upvotes, stars): 85 % none, the rest log-uniform up to ~500 / ~5,000."""
    digest = hashlib.blake2b(arxiv_id.encode(), digest_size=8).digest()
    roll = digest[0] / 255
    if roll < 0.85:
        return 0, 0
    upvotes = int(2 ** (digest[1] / 255 * 9))
    stars = int(2 ** (digest[2] / 255 * 12.3)) if digest[3] < 96 else 0
    return upvotes, stars


def read_corpus(path: Path, docs: int | None = None) -> Iterator[Paper]:
    """Papers from ``path``; when ``docs`` exceeds the file, replay it with ids ``<id>r<k>``."""
    produced = 0
    replica = 0
    while docs is None or produced < docs:
        seen_any = False
        with _open(path) as lines:
            for line in lines:
                if docs is not None and produced >= docs:
                    return
                record = json.loads(line)
                seen_any = True
                arxiv_id = record["id"] if replica == 0 else f"{record['id']}r{replica}"
                upvotes, stars = _signal(arxiv_id)
                listed = datetime.fromisoformat(record["listed_date"]).replace(tzinfo=UTC)
                yield Paper(
                    arxiv_id=arxiv_id,
                    title=record["title"],
                    abstract=record["abstract"],
                    categories=tuple(record.get("categories") or ()),
                    arxiv_comment=record.get("comment"),
                    published_at=listed,
                    upvotes=upvotes,
                    github_stars=stars or None,
                    sources=frozenset({SOURCE_ARXIV}),
                )
                produced += 1
        if docs is None or not seen_any:
            return
        replica += 1


def read_queries(path: Path) -> list[str]:
    """One query per line; blank lines and ``#`` comments skipped."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [q.strip() for q in lines if q.strip() and not q.startswith("#")]
