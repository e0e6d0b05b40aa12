"""``paperboy fetch hf``: Hugging Face Daily Papers for a day, week or month, or a saved body."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Annotated

import typer

from adapters.cli.ingest_report import print_progress, report_stored
from adapters.cli.support import _settings, run_guarded
from adapters.composition import open_library
from adapters.paper_sources import hf_source, ingest_targets
from bot.errors import UserError
from bot.sources import HUGGING_FACE, SourceBatch
from bot.sources.hf.parse import parse_saved_body
from bot.sources.hf.period import parse_period
from bot.sources.ingest import SavedBatches, StoredBatch, ingest

SAMPLE_FILES = ("hf_daily_papers_2026-05-08.json", "hf_daily_papers_2026-06-12.json")


def _read_file(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UserError(f"No such file: {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"Could not read {path}: {exc.__class__.__name__}") from None


def _saved(file: Path | None, sample: bool, now: datetime) -> SavedBatches:
    """The bundled sample and/or a saved body, parsed before anything is stored."""
    bodies: list[tuple[str, str]] = []
    if sample:
        folder = resources.files("adapters") / "samples"
        for name in SAMPLE_FILES:
            bodies.append((f"sample {name}", (folder / name).read_text(encoding="utf-8")))
    if file is not None:
        bodies.append((str(file), _read_file(file)))
    batches = []
    for label, body in bodies:
        result = parse_saved_body(body, seen_at=now)
        batches.append(SourceBatch(label, tuple(result.papers), result.skipped))
    return SavedBatches(HUGGING_FACE, batches)


def fetch_hf(
    day: Annotated[str | None, typer.Option("--date", help="A day, YYYY-MM-DD.")] = None,
    week: Annotated[str | None, typer.Option("--week", help="An ISO week, YYYY-Www.")] = None,
    month: Annotated[str | None, typer.Option("--month", help="A month, YYYY-MM.")] = None,
    file: Annotated[
        Path | None,
        typer.Option("--file", help="Ingest a saved /api/daily_papers JSON or papers HTML page."),
    ] = None,
    sample: Annotated[
        bool, typer.Option("--sample", help="Ingest the bundled sample of real HF data.")
    ] = False,
) -> None:
    """Fetch Hugging Face Daily Papers (latest day by default) into the library."""
    settings = _settings()

    def action() -> None:
        now = datetime.now(UTC)
        if file is not None or sample:
            saved = _saved(file, sample, now)
            with open_library(settings) as library:
                targets = ingest_targets(library, record_health=False)
                asyncio.run(ingest(saved, targets, on_stored=report_stored(library)))
            return
        period = parse_period(day=day, week=week, month=month, today=now.date())
        typer.echo(f"Fetching Hugging Face Daily Papers for {period.describe()}…", err=True)
        source = hf_source(settings, period, on_page=print_progress)
        with open_library(settings) as library:
            say = report_stored(library)

            def said(stored: StoredBatch) -> None:
                if stored.batch.papers or stored.batch.skipped:
                    say(stored)  # an empty day is explained below

            outcome = asyncio.run(ingest(source, ingest_targets(library), on_stored=said))
        if outcome.error is not None:
            raise outcome.error
        if not outcome.papers and not any(s.batch.skipped for s in outcome.stored):
            typer.echo(f"Hugging Face has no papers for {period.describe()} (weekend or holiday?).")

    run_guarded(action)
