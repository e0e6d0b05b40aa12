"""CLI commands that act on channels: ``paperboy command``, ``paperboy serve``."""

from __future__ import annotations

import asyncio
from typing import Annotated

import typer

from adapters.cli_support import EXIT_USER_ERROR, _settings, run_guarded
from adapters.composition import open_app
from adapters.serve import serve as serve_forever
from adapters.settings import Settings
from bot.chat import Caller, ChannelRef, Reply
from bot.errors import UserError

PLATFORM_CHOICES = ("console", "slack", "discord")


def print_reply(channel: ChannelRef, reply: Reply) -> None:
    """Show a reply as the console would: announcements first, then the answer."""
    if reply.announce:
        typer.echo(f"[{channel.display}] {reply.announce}")
    if reply.is_error:
        typer.echo(f"Error: {reply.text}", err=True)
    else:
        typer.echo(reply.text)


def command(
    text: Annotated[str, typer.Argument(help='What follows /papers, e.g. "subscribe scaling".')],
    channel: Annotated[
        str, typer.Option("--channel", help="console:<name>, slack:<id>, discord:<id>")
    ] = "console:general",
) -> None:
    """Run any /papers command against a channel, without a chat platform."""
    settings = _settings()

    def action() -> tuple[ChannelRef, Reply]:
        ref = ChannelRef.parse(channel)
        with open_app(settings) as built:
            caller = Caller(user_id="cli", display_name="The CLI")
            return ref, asyncio.run(built.commands.handle(ref, text, caller))

    ref, reply = run_guarded(action)
    print_reply(ref, reply)
    if reply.is_error:
        raise typer.Exit(EXIT_USER_ERROR)


def serve(
    adapter: Annotated[
        list[str] | None,
        typer.Option("--adapter", help="Platforms to run: console, slack, discord."),
    ] = None,
) -> None:
    """Run the scheduler (and the enabled platforms) until stopped."""
    settings: Settings = _settings()
    chosen = adapter or ["console"]

    def action() -> None:
        for name in chosen:
            if name not in PLATFORM_CHOICES:
                raise UserError(
                    f"Unknown adapter '{name}'; choose from {', '.join(PLATFORM_CHOICES)}.",
                    example="paperboy serve --adapter console",
                )
        with open_app(settings) as built:
            asyncio.run(serve_forever(built, settings, platforms=chosen))

    run_guarded(action)
