"""``paperboy feedback``: a 👍 / 👎 / *More like this* press from a script, the same path as
the buttons under a digest paper (``CommandService.feedback``)."""

from __future__ import annotations

import asyncio
from typing import Annotated

import typer

from adapters.cli.support import EXIT_USER_ERROR, _settings, run_guarded
from adapters.composition import App, open_app
from bot.chat import Caller, ChannelRef, FeedbackKind, Reply
from bot.errors import UserError

VOTES = tuple(kind.value for kind in FeedbackKind)


def feedback(
    channel: Annotated[
        str, typer.Option("--channel", help="console:<name>, slack:<id>, discord:<id>")
    ],
    paper: Annotated[str, typer.Option("--paper", help="The paper's arXiv id, e.g. 2405.12345.")],
    vote: Annotated[str, typer.Option("--vote", help="up, down or more (more like this).")],
    user: Annotated[
        str, typer.Option("--user", help="Whose vote it is (one vote per person and paper).")
    ] = "cli",
) -> None:
    """Vote on a paper in a channel, as its buttons do; `more` also lists similar papers."""
    settings = _settings()

    def action() -> Reply:
        ref = ChannelRef.parse(channel)
        if vote.lower() not in VOTES:
            raise UserError(
                f"--vote takes up, down or more, not '{vote}'.",
                example=f"paperboy feedback --channel {ref} --paper 2405.12345 --vote up",
            )
        kind = FeedbackKind(vote.lower())
        caller = Caller(user_id=user.strip()[:64] or "cli", display_name="The CLI")
        with open_app(settings, ("console",)) as app:
            return asyncio.run(_press(app, ref, paper.strip(), kind, caller))

    reply = run_guarded(action)
    if reply.is_error:
        typer.echo(f"Error: {reply.text}", err=True)
        raise typer.Exit(EXIT_USER_ERROR)
    typer.echo(reply.text)


async def _press(
    app: App, ref: ChannelRef, paper_id: str, kind: FeedbackKind, caller: Caller
) -> Reply:
    """Press, then wait for the retrain it started, so the CLI leaves nothing half done."""
    reply = await app.commands.feedback(ref, paper_id, kind, caller)
    if app.taste is not None:
        await app.taste.settled()
    return reply
