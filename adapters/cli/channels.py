"""CLI commands that act on channels: ``paperboy command``, ``paperboy serve``."""

from __future__ import annotations

import asyncio
import os
from typing import Annotated

import typer

from adapters.cli.support import EXIT_USER_ERROR, _settings, run_guarded
from adapters.composition import configure_logging, open_app
from adapters.logging_setup import LogFormat
from adapters.platforms import build_runtimes, configured_platforms
from adapters.serve import serve as serve_forever
from adapters.settings import Settings
from bot.chat import Caller, ChannelRef, Reply
from bot.errors import UserError


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
        typer.Option(
            "--adapter",
            help="Platforms to run: console, slack, discord (repeat). Default: every platform "
            "whose credentials are set, else the console.",
        ),
    ] = None,
    http: Annotated[
        bool, typer.Option("--http", help="Serve /healthz, /readyz, /metrics (and Slack's routes).")
    ] = False,
    port: Annotated[int, typer.Option("--port", min=0, max=65535)] = 8080,
    host: Annotated[str, typer.Option("--host", help="Interface to listen on.")] = "0.0.0.0",
    log_format: Annotated[
        LogFormat, typer.Option("--log-format", help="text, or json: one JSON event per line.")
    ] = "text",
) -> None:
    """Run the scheduler and the chosen platforms until stopped (SIGTERM or Ctrl-C)."""
    settings: Settings = _settings()
    configure_logging(settings.log_level, log_format)
    chosen = adapter or configured_platforms(os.environ)

    def action() -> None:
        with open_app(settings, console="console" in chosen) as built:
            runtimes = build_runtimes(built, chosen)
            if not http and any(runtime.http_routes() for runtime in runtimes):
                raise UserError(
                    "Slack needs the HTTP listener here (HTTP mode or OAuth install pages).",
                    example="paperboy serve --adapter slack --http --port 8080",
                )
            listen = (host, port) if http else None
            asyncio.run(serve_forever(built, settings, runtimes=runtimes, http=listen))

    run_guarded(action)
