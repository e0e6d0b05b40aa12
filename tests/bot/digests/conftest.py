"""The digest tests' library: the recorded Hugging Face Daily Papers, stored for real."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine

from bot.sources.hf.parse import parse_daily_papers_json
from storage.paper_repository import SqlPaperRepository
from tests.conftest import hf_fixture_files


@pytest.fixture
def library(engine: Engine) -> Engine:
    """The engine, with every recorded Daily Papers payload stored."""
    repo = SqlPaperRepository(engine)
    for path in hf_fixture_files():
        repo.upsert_papers(parse_daily_papers_json(path.read_text(encoding="utf-8")).papers)
    return engine
