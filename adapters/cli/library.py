"""``paperboy search`` and ``paperboy digest``: read the library from the command line."""

from __future__ import annotations

import asyncio
import json
from dataclasses import replace
from datetime import UTC, datetime
from typing import Annotated

import typer

from adapters.cli.support import EXIT_USER_ERROR, _settings, run_guarded
from adapters.composition import Library, open_library
from adapters.settings import Settings
from bot.chat import ChannelRef
from bot.commands.render import render_digest, render_results
from bot.digests.build import Digest, Topic, build_digest
from bot.errors import UserError
from bot.ranking.pasted import find_pasted
from bot.ranking.query import Since, parse_query, parse_since


def _parse_since_option(value: str | None) -> Since | None:
    """``--since`` takes what ``since:`` takes in a query (7d, 2w, 2026-01-31), or ``all``."""
    if value is None or value.strip().lower() == "all":
        return None
    return parse_since(value)


def _make_known(arxiv_id: str, settings: Settings, library: Library) -> None:
    """A pasted paper the library lacks is fetched from arXiv first (said on stderr)."""
    from adapters.paper_lookup import ArxivPaperLookup  # only a pasted paper needs arXiv

    pasted = asyncio.run(find_pasted(arxiv_id, library.papers, ArxivPaperLookup(settings, library)))
    if pasted.fetched:
        typer.echo(f"{arxiv_id} was not in the library: fetched it from arXiv.", err=True)
    typer.echo(f"Papers like: {pasted.paper.title}", err=True)


def digest_json(digest: Digest | None) -> list[dict[str, object]]:
    """The preview as ``paperboy digest --json`` prints it: id, title, score, why, topic."""
    items = digest.items if digest is not None else ()
    return [
        {
            "id": item.ranked.paper.arxiv_id,
            "title": item.ranked.paper.title,
            "score": round(item.ranked.score, 4),
            "why": item.ranked.why,
            "topic": item.topic,
        }
        for item in items
    ]


def search(
    words: Annotated[
        list[str],
        typer.Argument(
            metavar="QUERY", help="A query, e.g. '\"scaling laws\" -vision' or scaling -vision."
        ),
    ],
    limit: Annotated[int, typer.Option("--limit", min=1, max=100)] = 10,
    since: Annotated[
        str | None,
        typer.Option("--since", help="7d, 2w, YYYY-MM-DD (as since: in a query), or 'all'."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON array.")] = False,
) -> None:
    """Search the library; each result says why it was picked."""
    settings = _settings()

    query = " ".join(words)

    def action() -> None:
        parsed = parse_query(query)
        if parsed.is_empty:
            raise UserError("Tell me what to search for.", example='paperboy search "scaling laws"')
        since_option = _parse_since_option(since)
        if since_option is not None:
            parsed = replace(parsed, since=since_option)
        with open_library(settings) as library:
            if parsed.like is not None:
                _make_known(parsed.like, settings, library)
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
    as_json: Annotated[
        bool,
        typer.Option("--json", help="A channel's preview as a JSON array; records nothing."),
    ] = False,
) -> None:
    """Print a digest for topics, or build (and with --post, post) a channel's digest now."""
    settings = _settings()

    def action() -> None:
        if as_json and (post or channel is None):
            raise UserError(
                "--json previews a channel's digest: give --channel, without --post.",
                example="paperboy digest --channel console:general --json",
            )
        if channel is not None:
            if topic:
                raise UserError("Give either --topic or --channel, not both.")
            _digest_for_channel(settings, ChannelRef.parse(channel), post=post, as_json=as_json)
        elif topic:
            if post:
                raise UserError(
                    "--post needs --channel: a digest is posted to a channel.",
                    example="paperboy digest --channel console:general --post",
                )
            _digest_for_topics(settings, topic, max_papers)
        else:
            raise UserError(
                "Say what the digest is for.",
                example="paperboy digest --topic scaling  or  --channel console:general",
            )

    run_guarded(action)


def _digest_for_topics(settings: Settings, topics_text: list[str], max_papers: int) -> None:
    """``paperboy digest --topic …``: print a digest built from the library now."""
    topics = [Topic(text=t, query=parse_query(t)) for t in topics_text]
    for t in topics:
        if t.query.is_empty:
            raise UserError("A topic cannot be empty.", example="paperboy digest --topic scaling")
    with open_library(settings) as library:
        result = build_digest(topics, library.ranker, now=datetime.now(UTC), max_papers=max_papers)
    typer.echo(render_digest(result))


def _digest_for_channel(settings: Settings, ref: ChannelRef, *, post: bool, as_json: bool) -> None:
    """``paperboy digest --channel …``: preview (or with ``post``, post) a channel's digest."""
    from adapters.cli.channels import print_reply, run_in_channel

    text = "digest" if post else "digest preview"
    reply = run_in_channel(settings, ref, text, post=post)
    if as_json and not reply.is_error:
        typer.echo(json.dumps(digest_json(reply.digest), ensure_ascii=False, indent=2))
        return
    print_reply(ref, reply)
    if reply.is_error:
        raise typer.Exit(EXIT_USER_ERROR)
