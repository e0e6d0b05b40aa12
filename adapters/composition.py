"""The composition root: builds Paperboy's parts from settings. Nothing else wires things."""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy.engine import Engine

from adapters import logging_setup
from adapters.console import ConsoleAdapter
from adapters.logging_setup import LogFormat
from adapters.settings import Settings
from bot.chat import ChatAdapter
from bot.commands import CommandService
from bot.digest_runner import DigestRunner
from bot.ports import Ranker
from bot.search import ScanRanker
from storage.arxiv_calendar_repository import SqlAnnouncementCalendar
from storage.channel_repository import SqlChannelRepository
from storage.database import make_engine, upgrade
from storage.paper_repository import SqlPaperRepository


@dataclass
class Library:
    """The database-backed paper library with its search engine."""

    engine: Engine
    papers: SqlPaperRepository
    ranker: Ranker


@dataclass
class App:
    """Everything a running Paperboy needs: library, channels, adapters, runner, commands."""

    library: Library
    channels: SqlChannelRepository
    adapters: dict[str, ChatAdapter]
    runner: DigestRunner
    commands: CommandService


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


def worker_name() -> str:
    """A name for this process in digest claims: host, pid and a random suffix."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


@contextmanager
def open_app(
    settings: Settings,
    *,
    adapters: Mapping[str, ChatAdapter] | None = None,
    console: bool = True,
) -> Iterator[App]:
    """Open the library and wire the command service and digest runner to ``adapters``
    (plus the console adapter unless ``console`` is False). ``App.adapters`` is the runner's
    own mapping: platform runtimes built later add their adapter to it."""
    with open_library(settings) as library:
        chosen: dict[str, ChatAdapter] = dict(adapters or {})
        if console:
            chosen.setdefault("console", ConsoleAdapter(output=settings.console_output))
        channels = SqlChannelRepository(library.engine)
        runner = DigestRunner(
            channels,
            library.ranker,
            chosen,
            worker=worker_name(),
            lease_seconds=settings.claim_lease_seconds,
            calendar=SqlAnnouncementCalendar(library.engine),
        )
        commands = CommandService(channels, library.papers, library.ranker, runner)
        yield App(library, channels, chosen, runner, commands)


def configure_logging(level: str, fmt: LogFormat = "text") -> None:
    """One scrubbed event per line on stderr (see :mod:`adapters.logging_setup`)."""
    logging_setup.configure_logging(level, fmt)
