"""``paperboy fetch arxiv``: today's announcements, the export API, or a saved body.

Each batch is stored as soon as it arrives, so a source that fails half-way loses nothing
already fetched. Mistakes (an unknown category, a malformed id, arXiv's error feed, a
truncated file) exit 1; arXiv staying down exits 2.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import httpx
import typer

from adapters.arxiv_settings import ArxivSettings
from adapters.cli.support import _settings, run_guarded
from adapters.composition import Library, open_library
from bot.errors import UserError
from bot.sources.arxiv.calendar import AnnouncementStatus, announcement_record
from bot.sources.arxiv.categories import validate_category
from bot.sources.arxiv.ids import base_id
from bot.sources.arxiv.parse import KIND_API, ArxivBatch
from bot.sources.arxiv.saved_body import parse_saved_arxiv_body
from bot.sources.arxiv.source import ArxivSource, FeedFetch
from storage.arxiv_calendar_repository import SqlAnnouncementCalendar

_ANNOUNCE_ORDER = ("new", "cross", "replace", "replace-cross")


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise UserError(f"No such file: {path}") from None
    except OSError as exc:
        raise UserError(f"Could not read {path}: {exc.__class__.__name__}") from None


def _types_summary(batch: ArxivBatch) -> str:
    counts = Counter(batch.announcements.values())
    parts = [f"{counts[key]} {key}" for key in _ANNOUNCE_ORDER if counts[key]]
    return f" [{', '.join(parts)}]" if parts else ""


def _store(library: Library, label: str, batch: ArxivBatch) -> None:
    """Merge one batch into the library, note the calendar day, and say what happened."""
    record = announcement_record(batch)
    if record is not None:
        SqlAnnouncementCalendar(library.engine).record_announcement(record)
        if record.status is AnnouncementStatus.NO_ANNOUNCEMENT:
            typer.echo(
                f"{label}: no announcement for {record.category} on {record.day.isoformat()} "
                "(weekend or holiday); noted."
            )
            return
    if not batch.papers and batch.kind == KIND_API and not batch.skipped:
        raise UserError(f"{label}: arXiv found no papers for that query; nothing was stored.")
    report = library.ingest(batch.papers)
    skipped = f", {batch.skipped} malformed entries skipped" if batch.skipped else ""
    typer.echo(
        f"{label}: {len(batch.papers)} papers ({report.added} new, {report.updated} updated)"
        f"{skipped}{_types_summary(batch)}. Library: {library.papers.count()} papers."
    )


def _store_fetch(library: Library, label: str, fetched: FeedFetch) -> None:
    where = "listing page" if fetched.via == "listing" else "feed"
    if fetched.unchanged or fetched.batch is None:
        typer.echo(f"{label} {where}: unchanged since the last fetch.")
        return
    _store(library, f"{label} {where}", fetched.batch)


def make_source(client: httpx.AsyncClient, arxiv: ArxivSettings) -> ArxivSource:
    """The source the command uses; tests swap in one on a fake clock."""
    return ArxivSource(
        client, api_url=arxiv.api_url, rss_url=arxiv.rss_url, listing_url=arxiv.listing_url
    )


async def _fetch_and_store(
    library: Library,
    arxiv: ArxivSettings,
    *,
    categories: list[str],
    ids: list[str],
    use_api: bool,
    max_results: int,
) -> list[str]:
    """Fetch every request in turn, storing each batch; return the ids arXiv did not know."""
    limits = httpx.Limits(max_connections=1)  # arXiv: one connection at a time
    async with httpx.AsyncClient(timeout=30.0, follow_redirects=True, limits=limits) as client:
        source = make_source(client, arxiv)
        for category in categories:
            if use_api:
                batch = await source.fetch_category_api(category, max_results=max_results)
                _store(library, f"arXiv API {category}", batch)
            else:
                for fetched in await source.fetch_announcements(category):
                    _store_fetch(library, f"arXiv {category}", fetched)
        if not ids:
            return []
        batch = await source.fetch_ids(ids)
        found = {paper.arxiv_id for paper in batch.papers}
        missing = [raw for raw in ids if base_id(raw) not in found]
        if batch.papers:
            _store(library, f"arXiv API ({len(ids)} ids)", batch)
        return missing


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

    def action() -> None:
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
            batch = parse_saved_arxiv_body(_read_bytes(file), seen_at=datetime.now(UTC))
            if batch.category is None and len(categories) == 1:
                batch.category = categories[0]
            with open_library(settings) as library:
                _store(library, str(file), batch)
            return
        if not categories and not ids:
            raise UserError(
                "Tell me what to fetch: --category, --id or --file.",
                example="paperboy fetch arxiv --category cs.LG",
            )
        with open_library(settings) as library:
            missing = asyncio.run(
                _fetch_and_store(
                    library,
                    ArxivSettings(),
                    categories=categories,
                    ids=ids,
                    use_api=use_api,
                    max_results=max_results,
                )
            )
        if missing:
            raise UserError(f"arXiv has no paper with id {', '.join(missing)}.")

    run_guarded(action)
