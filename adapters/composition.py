"""The composition root: builds Paperboy's parts from settings. Nothing else wires things."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy.engine import Engine

from adapters.settings import Settings
from bot.ports import Ranker
from bot.search import ScanRanker
from storage.database import make_engine, upgrade
from storage.paper_repository import SqlPaperRepository


@dataclass
class Library:
    """The database-backed paper library with its search engine."""

    engine: Engine
    papers: SqlPaperRepository
    ranker: Ranker


@contextmanager
def open_library(settings: Settings, *, migrate: bool = True) -> Iterator[Library]:
    """Open the database (migrated to the newest schema) and the ranker; close them after."""
    engine = make_engine(settings.database_url)
    try:
        if migrate:
            upgrade(engine)
        papers = SqlPaperRepository(engine)
        yield Library(engine=engine, papers=papers, ranker=ScanRanker(papers))
    finally:
        engine.dispose()


def configure_logging(level: str) -> None:
    """Plain one-line log events on stderr."""
    logging.basicConfig(
        level=level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
