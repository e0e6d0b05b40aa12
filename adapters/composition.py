"""The composition root: builds Paperboy's parts from settings. Nothing else wires things."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy.engine import Engine

from adapters import logging_setup
from adapters.logging_setup import LogFormat
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


def configure_logging(level: str, fmt: LogFormat = "text") -> None:
    """One scrubbed event per line on stderr (see :mod:`adapters.logging_setup`)."""
    logging_setup.configure_logging(level, fmt)
