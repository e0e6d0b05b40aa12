"""``paperboy fetch hf``: Hugging Face Daily Papers for a day, week or month, or a saved body."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Annotated

import httpx
import typer

from adapters.cli.support import _settings, run_guarded
from adapters.composition import Library, open_library
from bot.errors import UserError
from bot.sources.hf.parse import ParseResult, parse_saved_body
from bot.sources.hf.period import parse_period
from bot.sources.hf.source import HuggingFaceSource

SAMPLE_FILES = ("hf_daily_papers_2026-05-08.json", "hf_daily_papers_2026-06-12.json")


def _report(library: Library, result: ParseResult, what: str) -> None:
    report = library.ingest(result.papers)
    skipped = f", {result.skipped} malformed entries skipped" if result.skipped else ""
    typer.echo(
        f"{what}: {len(result.papers)} papers ({report.added} new, {report.updated} updated)"
        f"{skipped}. Library: {library.papers.count()} papers."
    )


def _read_file(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UserError(f"No such file: {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"Could not read {path}: {exc.__class__.__name__}") from None


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
            bodies: list[tuple[str, str]] = []
            if sample:
                folder = resources.files("adapters") / "samples"
                for name in SAMPLE_FILES:
                    bodies.append((f"sample {name}", (folder / name).read_text(encoding="utf-8")))
            if file is not None:
                bodies.append((str(file), _read_file(file)))
            parsed = [(what, parse_saved_body(body, seen_at=now)) for what, body in bodies]
            with open_library(settings) as library:
                for what, result in parsed:
                    _report(library, result, what)
            return
        period = parse_period(day=day, week=week, month=month, today=now.date())
        typer.echo(f"Fetching Hugging Face Daily Papers for {period.describe()}…", err=True)

        def progress(page: int, papers: int) -> None:
            typer.echo(f"  page {page}: {papers} papers so far", err=True)

        async def fetch() -> ParseResult:
            async with httpx.AsyncClient(timeout=30.0, follow_redirects=True) as client:
                source = HuggingFaceSource(client, settings.hf_url, on_page=progress)
                return await source.fetch(period)

        result = asyncio.run(fetch())
        if not result.papers and not result.skipped:
            typer.echo(f"Hugging Face has no papers for {period.describe()} (weekend or holiday?).")
            return
        with open_library(settings) as library:
            _report(library, result, f"Hugging Face {period.describe()}")

    run_guarded(action)
