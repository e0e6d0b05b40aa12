"""``paperboy fetch arxiv``: today's announcements, the export API, or a saved body.

Each batch is stored as soon as it arrives, so a source that fails half-way loses nothing
already fetched, and every category is tried even when an earlier one failed. Mistakes (an
unknown category, a malformed id, arXiv's error feed, a truncated file) exit 1; arXiv
staying down exits 2.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from adapters.cli.ingest_report import print_progress, report_stored
from adapters.cli.support import (
    EXIT_SOURCE_DOWN,
    EXIT_USER_ERROR,
    _settings,
    print_error,
    run_guarded,
)
from adapters.composition import Library, open_library
from adapters.paper_sources import Progress, arxiv_fetches, ingest_targets
from adapters.settings import Settings
from bot.errors import UserError
from bot.sources import ARXIV, PaperSource
from bot.sources.arxiv.categories import validate_category
from bot.sources.arxiv.fetch import ArxivFetches, arxiv_batch
from bot.sources.arxiv.ids import base_id
from bot.sources.arxiv.saved_body import parse_saved_arxiv_body
from bot.sources.ingest import SavedBatches, ingest


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise UserError(f"No such file: {path}") from None
    except OSError as exc:
        raise UserError(f"Could not read {path}: {exc.__class__.__name__}") from None


def make_fetches(settings: Settings, on_page: Progress) -> ArxivFetches:
    """The arXiv fetches the command uses; tests swap in ones on a fake clock."""
    return arxiv_fetches(settings, on_page=on_page)


def _requests(
    fetches: ArxivFetches, categories: list[str], ids: list[str], *, use_api: bool, most: int
) -> list[tuple[str, PaperSource]]:
    """What to fetch, in order, each with the words that announce it."""
    wanted: list[tuple[str, PaperSource]] = []
    for category in categories:
        if use_api:
            wanted.append(
                (f"arXiv API {category}", fetches.api_category(category, max_results=most))
            )
        else:
            wanted.append((f"arXiv {category} announcements", fetches.announcements(category)))
    if ids:
        wanted.append((f"arXiv API ({len(ids)} ids)", fetches.ids(ids)))
    return wanted


async def _fetch_each(library: Library, requests: list[tuple[str, PaperSource]]) -> int:
    """Fetch and store every request, carrying on past failures; the exit code they earn."""
    targets = ingest_targets(library)
    say = report_stored(library)
    code = 0
    for what, source in requests:
        typer.echo(f"Fetching {what}…", err=True)
        try:
            outcome = await ingest(source, targets, on_stored=say)
        except UserError as exc:
            print_error(exc.friendly())
            code = code or EXIT_USER_ERROR
            continue
        if outcome.error is not None:
            print_error(outcome.error.message)
            code = EXIT_SOURCE_DOWN
    return code


def _ingest_file(settings: Settings, file: Path, categories: list[str]) -> int:
    """``--file``: ingest a saved arXiv response; one ``--category`` names a page that
    does not say its own."""
    batch = parse_saved_arxiv_body(_read_bytes(file), seen_at=datetime.now(UTC))
    if batch.category is None and len(categories) == 1:
        batch.category = categories[0]
    saved = SavedBatches(ARXIV, [arxiv_batch(str(file), batch)])
    with open_library(settings) as library:
        targets = ingest_targets(library, record_health=False)
        asyncio.run(ingest(saved, targets, on_stored=report_stored(library)))
    return 0


def fetch_arxiv(
    category: Annotated[
        list[str] | None,
        typer.Option("--category", help="An arXiv category such as cs.LG; repeat for several."),
    ] = None,
    arxiv_id: Annotated[
        list[str] | None,
        typer.Option("--id", help="An arXiv id such as 2401.12345; repeat for several."),
    ] = None,
    file: Annotated[
        Path | None,
        typer.Option("--file", help="Ingest a saved arXiv API (Atom), RSS or listing page."),
    ] = None,
    use_api: Annotated[
        bool,
        typer.Option("--api", help="Newest submissions from the export API, not today's feed."),
    ] = False,
    max_results: Annotated[
        int, typer.Option("--max", min=1, max=2000, help="With --api: how many papers.")
    ] = 100,
) -> None:
    """Fetch arXiv papers (today's announcements by category, or by id) into the library."""
    settings = _settings()

    def action() -> int:
        categories = list(dict.fromkeys(validate_category(c) for c in category or []))
        ids = [raw.strip() for raw in arxiv_id or []]
        bad = [raw for raw in ids if base_id(raw) is None]
        if bad:
            raise UserError(
                f"Not an arXiv id: {', '.join(bad)}.",
                example="paperboy fetch arxiv --id 2401.12345 --id cond-mat/0607501v2",
            )
        if file is not None:
            if ids:
                raise UserError("Use --file or --id, not both.")
            return _ingest_file(settings, file, categories)
        if not categories and not ids:
            raise UserError(
                "Tell me what to fetch: --category, --id or --file.",
                example="paperboy fetch arxiv --category cs.LG",
            )
        requests = _requests(
            make_fetches(settings, print_progress),
            categories,
            ids,
            use_api=use_api,
            most=max_results,
        )
        with open_library(settings) as library:
            return asyncio.run(_fetch_each(library, requests))

    code = run_guarded(action)
    if code:
        raise typer.Exit(code)
