"""The ``paperboy`` command line: fetch papers, search them, print digests, manage the database.

Error handling shared by every command lives in :mod:`adapters.cli.support`.
"""

from __future__ import annotations

import asyncio
import json
import sys
from dataclasses import replace
from datetime import UTC, date, datetime
from importlib import resources
from pathlib import Path
from typing import Annotated

import httpx
import typer

from adapters.cli import channels as cli_channels
from adapters.cli.doctor import doctor
from adapters.cli.index import index_app
from adapters.cli.support import (
    EXIT_BUG,
    EXIT_SOURCE_DOWN,
    EXIT_USER_ERROR,
    _settings,
    run_guarded,
)
from adapters.composition import Library, open_library
from adapters.faults import open_database
from bot.chat import ChannelRef
from bot.commands.render import render_digest, render_results
from bot.digests.build import Topic, build_digest
from bot.errors import UserError
from bot.ranking.query import Since, parse_query
from bot.sources.hf.parse import ParseResult, parse_saved_body
from bot.sources.hf.period import parse_period
from bot.sources.hf.source import HuggingFaceSource
from storage.database import upgrade

__all__ = ["EXIT_BUG", "EXIT_SOURCE_DOWN", "EXIT_USER_ERROR", "app", "main", "run_guarded"]

app = typer.Typer(
    help="Paperboy delivers ranked research papers to team channels.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(help="Manage the database schema.", no_args_is_help=True)
fetch_app = typer.Typer(help="Fetch papers from a source into the library.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(fetch_app, name="fetch")
app.command()(doctor)
app.add_typer(index_app, name="index")

SAMPLE_FILES = ("hf_daily_papers_2026-05-08.json", "hf_daily_papers_2026-06-12.json")


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create or migrate the database schema to the newest version."""
    settings = _settings()

    def action() -> None:
        engine = open_database(settings.database_url)
        try:
            upgrade(engine)
        finally:
            engine.dispose()

    run_guarded(action)
    typer.echo("Database schema is up to date.")


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


@fetch_app.command("hf")
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


def _parse_since_option(value: str | None) -> Since | None:
    if value is None or value.lower() == "all":
        return None
    try:
        return Since(day=date.fromisoformat(value))
    except ValueError:
        raise UserError(
            f"--since {value} is not a date.", example="paperboy search scaling --since 2026-01-31"
        ) from None


@app.command()
def search(
    query: Annotated[str, typer.Argument(help="A query, e.g. '\"scaling laws\" -vision'.")],
    limit: Annotated[int, typer.Option("--limit", min=1, max=100)] = 10,
    since: Annotated[
        str | None, typer.Option("--since", help="YYYY-MM-DD, or 'all' (default).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON array.")] = False,
) -> None:
    """Search the library; each result says why it was picked."""
    settings = _settings()

    def action() -> None:
        parsed = parse_query(query)
        if parsed.is_empty:
            raise UserError("Tell me what to search for.", example='paperboy search "scaling laws"')
        since_option = _parse_since_option(since)
        if since_option is not None:
            parsed = replace(parsed, since=since_option)
        with open_library(settings) as library:
            results = library.ranker.search(parsed, limit=limit, now=datetime.now(UTC))
        if as_json:
            payload = [
                {
                    "id": r.paper.arxiv_id,
                    "title": r.paper.title,
                    "score": round(r.score, 4),
                    "why": r.why,
                    "url": r.paper.url,
                    "authors": list(r.paper.authors),
                    "upvotes": r.paper.upvotes,
                    "github_stars": r.paper.github_stars,
                    "pdf_url": r.paper.pdf_url,
                }
                for r in results
            ]
            typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        else:
            typer.echo(render_results(results, query))

    run_guarded(action)


@app.command()
def digest(
    topic: Annotated[
        list[str] | None, typer.Option("--topic", help="A topic query; repeat for several.")
    ] = None,
    channel: Annotated[
        str | None,
        typer.Option("--channel", help="A channel (console:general, slack:C123, discord:42)."),
    ] = None,
    post: Annotated[
        bool, typer.Option("--post", help="Post it through the channel's adapter and record it.")
    ] = False,
    max_papers: Annotated[int, typer.Option("--max", min=1, max=50)] = 10,
) -> None:
    """Print a digest for topics, or build (and with --post, post) a channel's digest now."""
    settings = _settings()

    def for_topics(topics_text: list[str]) -> None:
        topics = [Topic(text=t, query=parse_query(t)) for t in topics_text]
        for t in topics:
            if t.query.is_empty:
                raise UserError(
                    "A topic cannot be empty.", example="paperboy digest --topic scaling"
                )
        with open_library(settings) as library:
            result = build_digest(
                topics, library.ranker, now=datetime.now(UTC), max_papers=max_papers
            )
        typer.echo(render_digest(result))

    def for_channel(ref: ChannelRef) -> None:
        from adapters.cli.channels import print_reply, run_in_channel

        text = "digest" if post else "digest preview"
        reply = run_in_channel(settings, ref, text, post=post)
        print_reply(ref, reply)
        if reply.is_error:
            raise typer.Exit(EXIT_USER_ERROR)

    def action() -> None:
        if channel is not None:
            if topic:
                raise UserError("Give either --topic or --channel, not both.")
            for_channel(ChannelRef.parse(channel))
        elif topic:
            if post:
                raise UserError(
                    "--post needs --channel: a digest is posted to a channel.",
                    example="paperboy digest --channel console:general --post",
                )
            for_topics(topic)
        else:
            raise UserError(
                "Say what the digest is for.",
                example="paperboy digest --topic scaling  or  --channel console:general",
            )

    run_guarded(action)


app.command("command")(cli_channels.command)
app.command("serve")(cli_channels.serve)


def main() -> None:
    """Console-script entry point."""
    try:
        app()
    except SystemExit as exc:
        sys.exit(exc.code)


import adapters.cli.arxiv  # noqa: E402, F401  # registers `paperboy fetch arxiv` on fetch_app
