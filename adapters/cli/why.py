"""``paperboy why``: why a paper did or did not reach a channel, one reason per line."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Annotated

import typer

from adapters.cli.support import _settings, run_guarded
from adapters.composition import open_app
from bot.chat import ChannelRef
from bot.errors import UserError
from bot.operator.why import PAPER_EXAMPLE, WhyAnswer, explain_paper
from storage.operator_history import SqlOperatorHistory


def unknown_channel(ref: ChannelRef) -> UserError:
    """The error for a channel Paperboy has never stored (or one of another workspace)."""
    return UserError(
        f"Paperboy knows no channel {ref}.",
        example="paperboy channels  (lists every channel Paperboy knows)",
    )


def why(
    channel: Annotated[
        str, typer.Option("--channel", help="console:<name>, slack:<id>, discord:<id>")
    ],
    paper: Annotated[str, typer.Option("--paper", help="An arXiv id or link, e.g. 2401.12345.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON object.")] = False,
) -> None:
    """Say why a paper did or did not reach a channel, one reason per line."""
    settings = _settings()

    def action() -> WhyAnswer:
        ref = ChannelRef.parse(channel)
        if not paper.strip():
            raise UserError("Say which paper.", example=PAPER_EXAMPLE)
        with open_app(settings) as app:
            found = app.channels.get_channel(ref)
            if found is None:
                raise unknown_channel(ref)
            # The digest's own ranker for this channel (shaped by its taste when it has one).
            ranker = app.runner.ranker_for(found)
            return explain_paper(
                found,
                paper,
                papers=app.library.papers,
                history=SqlOperatorHistory(app.library.engine),
                ranker=ranker,
                now=datetime.now(UTC),
            )

    answer = run_guarded(action)
    if as_json:
        typer.echo(json.dumps(answer_json(answer), ensure_ascii=False, indent=2))
    else:
        for line in answer.lines():
            typer.echo(line)


def answer_json(answer: WhyAnswer) -> dict[str, object]:
    """The answer as JSON: the reasons (kind, text, link) and each topic's fit."""
    return {
        "channel": str(answer.channel),
        "paper": answer.paper_id,
        "title": answer.paper.title if answer.paper else None,
        "reasons": [{"kind": str(r.kind), "text": r.text, "link": r.link} for r in answer.reasons],
        "topics": [
            {
                "topic": fit.topic,
                "rank": fit.rank,
                "score": None if fit.score is None else round(fit.score, 4),
                "cutoff": None if fit.cutoff is None else round(fit.cutoff, 4),
                "words": fit.words,
                "of_words": fit.total,
                "filters_ok": fit.filters_ok,
            }
            for fit in answer.topics
        ],
    }
