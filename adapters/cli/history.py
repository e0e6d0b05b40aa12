"""``paperboy channels`` and ``paperboy deliveries``: what Paperboy did, channel by channel."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Annotated

import typer

from adapters.cli.support import _settings, run_guarded
from adapters.faults import open_database
from adapters.settings import Settings
from bot.chat import ChannelRef
from bot.operator.ports import ChannelOverview, DigestPage
from bot.operator.views import channel_lines, channel_view, digest_line, digest_view
from storage.channel_repository import SqlChannelRepository
from storage.database import upgrade
from storage.operator_history import SqlOperatorHistory

CHANNEL_PAGE = 500  # channels read per query: a 10,000-channel install streams in 20 pages


@contextmanager
def open_history(settings: Settings) -> Iterator[tuple[SqlOperatorHistory, SqlChannelRepository]]:
    """The operator's read-only view of the database (migrated, as every command's is)."""
    engine = open_database(settings.database_url)
    try:
        upgrade(engine)
        yield SqlOperatorHistory(engine), SqlChannelRepository(engine)
    finally:
        engine.dispose()


def each_channel(history: SqlOperatorHistory, *, paused_only: bool) -> Iterator[ChannelOverview]:
    """Every channel, page by page."""
    after: int | None = None
    while True:
        page = history.channel_page(paused_only=paused_only, limit=CHANNEL_PAGE, after=after)
        yield from page.channels
        if page.after is None:
            return
        after = page.after


def channels(
    paused: Annotated[bool, typer.Option("--paused", help="Only paused channels.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON array.")] = False,
) -> None:
    """List channels: topics, schedule, next digest, last outcome, why paused."""
    settings = _settings()
    now = datetime.now(UTC)

    def action(echo: Callable[[str], None]) -> int:
        count = 0
        with open_history(settings) as (history, _):
            if as_json:
                echo("[")
            for overview in each_channel(history, paused_only=paused):
                if as_json:
                    text = json.dumps(channel_view(overview, now), ensure_ascii=False)
                    echo(("," if count else "") + text)
                else:
                    echo("\n".join(channel_lines(overview, now)))
                count += 1
            if as_json:
                echo("]")
        return count

    count = run_guarded(lambda: action(typer.echo))
    if not count and not as_json:
        typer.echo("No paused channels." if paused else "No channels yet.")


def deliveries(
    channel: Annotated[
        str, typer.Option("--channel", help="console:<name>, slack:<id>, discord:<id>")
    ],
    limit: Annotated[int, typer.Option("--limit", min=1, max=1000, help="Digests per page.")] = 20,
    before: Annotated[
        int | None, typer.Option("--before", min=1, help="Older than this cursor (next page).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON object.")] = False,
) -> None:
    """Show a channel's digests, newest first: when, key, status, attempts, papers, error."""
    from adapters.cli.why import unknown_channel

    settings = _settings()

    def action() -> tuple[ChannelRef, DigestPage]:
        ref = ChannelRef.parse(channel)
        with open_history(settings) as (history, repository):
            found = repository.get_channel(ref)
            if found is None:
                raise unknown_channel(ref)
            return found.ref, history.digest_page(found.pk, limit=limit, before=before)

    ref, page = run_guarded(action)
    if as_json:
        payload = {
            "channel": str(ref),
            "digests": [digest_view(record) for record in page.digests],
            "before": page.before,
        }
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    if not page.digests:
        typer.echo(f"No digests for {ref} yet." if before is None else "No older digests.")
    for record in page.digests:
        typer.echo(digest_line(record))
    if page.before is not None:
        typer.echo(
            f"More: paperboy deliveries --channel {channel} --limit {limit} --before {page.before}"
        )
