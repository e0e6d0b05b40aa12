"""What ``paperboy fetch …`` says while it works (HF and arXiv alike): progress on stderr,
one line per stored batch on stdout."""

from __future__ import annotations

from collections.abc import Callable

import typer

from adapters.composition import Library
from bot.sources.arxiv.calendar import AnnouncementStatus
from bot.sources.ingest import StoredBatch


def report_stored(library: Library) -> Callable[[StoredBatch], None]:
    """One line per stored batch, printed as it is stored: counts, announce types, library size."""

    def say(stored: StoredBatch) -> None:
        batch, report = stored.batch, stored.report
        if batch.unchanged:
            typer.echo(f"{batch.label}: unchanged since the last fetch.")
            return
        record = batch.announcement
        if record is not None and record.status is AnnouncementStatus.NO_ANNOUNCEMENT:
            typer.echo(
                f"{batch.label}: no announcement for {record.category} on "
                f"{record.day.isoformat()} (weekend or holiday); noted."
            )
            return
        added, updated = (report.added, report.updated) if report else (0, 0)
        skipped = f", {batch.skipped} malformed entries skipped" if batch.skipped else ""
        kinds = ", ".join(f"{count} {kind}" for kind, count in batch.announce_types)
        typer.echo(
            f"{batch.label}: {len(batch.papers)} papers ({added} new, {updated} updated)"
            f"{skipped}{f' [{kinds}]' if kinds else ''}. Library: {library.papers.count()} papers."
        )

    return say


def print_progress(page: int, papers: int) -> None:
    """Progress of a long, paged fetch, on stderr (stdout stays the report)."""
    typer.echo(f"  page {page}: {papers} papers so far", err=True)
