"""The paper library on the real schema (SQLite here, PostgreSQL in CI's second run)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from bot.papers import Paper
from bot.sources.hf.parse import parse_daily_papers_json
from storage.database import head_revision, is_current
from storage.paper_repository import SqlPaperRepository
from tests.conftest import FIXTURES, hf_fixture_files


def _papers() -> list[Paper]:
    path = FIXTURES / "hf-daily-papers" / "sotawhat__limit30__2026-06-12.json"
    return parse_daily_papers_json(path.read_text(encoding="utf-8")).papers


def test_migrations_are_current(engine: Engine) -> None:
    assert head_revision() is not None
    assert is_current(engine)


def test_every_fixture_round_trips_through_the_database(engine: Engine) -> None:
    repo = SqlPaperRepository(engine)
    for path in hf_fixture_files():
        papers = parse_daily_papers_json(path.read_text(encoding="utf-8")).papers
        repo.upsert_papers(papers)
        stored = {p.arxiv_id: p for p in repo.get_papers(p.arxiv_id for p in papers)}
        for paper in papers:
            got = stored[paper.arxiv_id]
            assert got.title == paper.title
            assert got.authors == paper.authors  # order kept
            assert got.ai_keywords == paper.ai_keywords
            assert got.featured_on == paper.featured_on
            assert got.published_at == paper.published_at
            assert got.github_stars == paper.github_stars


def test_reingest_updates_counts_and_never_duplicates(engine: Engine) -> None:
    repo = SqlPaperRepository(engine)
    papers = _papers()
    first = repo.upsert_papers(papers)
    assert (first.added, first.updated) == (30, 0)
    bumped = [replace(p, upvotes=p.upvotes + 7) for p in papers]
    second = repo.upsert_papers(bumped)
    assert (second.added, second.updated) == (0, 30)
    assert repo.count() == 30
    again = {p.arxiv_id: p.upvotes for p in repo.get_papers(p.arxiv_id for p in papers)}
    assert all(again[p.arxiv_id] == p.upvotes + 7 for p in papers)


def test_a_failed_batch_loses_nothing(engine: Engine) -> None:
    repo = SqlPaperRepository(engine)
    papers = _papers()
    repo.upsert_papers(papers[:5])
    no_title = Paper(arxiv_id="2606.99999", title=None)  # type: ignore[arg-type]  # NOT NULL breaks
    with pytest.raises(IntegrityError):
        repo.upsert_papers([*papers[5:10], no_title])
    assert repo.count() == 5


def test_iter_papers_since_filters_by_featured_day(engine: Engine) -> None:
    repo = SqlPaperRepository(engine)
    repo.upsert_papers(_papers())
    assert len(list(repo.iter_papers(since=date(2026, 6, 12)))) == 30
    assert list(repo.iter_papers(since=date(2026, 6, 13))) == []
