"""CLI commands that act on channels: ``paperboy command``, ``paperboy serve``."""

from __future__ import annotations

import asyncio
from typing import Annotated

import typer

from adapters.cli.support import EXIT_USER_ERROR, _settings, run_guarded
from adapters.composition import App, configure_logging, open_app
from adapters.console import announcement, answer
from adapters.logging_setup import LogFormat
from adapters.platforms import platforms_for_channel
from adapters.serve import serve as serve_forever
from adapters.settings import Settings
from bot.chat import Caller, ChannelRef, Reply
from bot.errors import UserError


def print_reply(channel: ChannelRef, reply: Reply) -> None:
    """Show a reply as the console renders it (announcement first, then the answer), a
    mistake on stderr so scripts can tell."""
    line = announcement(channel, reply)
    if line:
        typer.echo(line)
    typer.echo(answer(reply), err=reply.is_error)


def run_in_channel(settings: Settings, ref: ChannelRef, text: str, *, post: bool) -> Reply:
    """Run ``/papers text`` in ``ref`` as the CLI, posting through the channel's own platform
    when its credentials are set. ``post`` (the command will post) requires them: a
    ``UserError`` names the variable to set."""
    wanted = platforms_for_channel(settings, ref.platform, post=post)
    with open_app(settings, wanted) as built:
        return asyncio.run(_handle(built, ref, text))


async def _handle(app: App, ref: ChannelRef, text: str) -> Reply:
    async with app.posting_to(ref.platform):
        return await app.commands.handle(ref, text, Caller(user_id="cli", display_name="The CLI"))


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
        return ref, run_in_channel(settings, ref, text, post=False)

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
        LogFormat | None,
        typer.Option(
            "--log-format",
            help="text, or json: one JSON event per line. Default: PAPERBOY_LOG_FORMAT, else text.",
        ),
    ] = None,
) -> None:
    """Run the scheduler and the chosen platforms until stopped (SIGTERM or Ctrl-C)."""
    settings: Settings = _settings()
    configure_logging(settings.log_level, log_format or settings.log_format)
    chosen = adapter or settings.configured_platforms()

    def action() -> None:
        with open_app(settings, chosen) as built:
            runtimes = built.runtimes()
            if not http and any(runtime.http_routes() for runtime in runtimes):
                raise UserError(
                    "Slack needs the HTTP listener here (HTTP mode or OAuth install pages).",
                    example="paperboy serve --adapter slack --http --port 8080",
                )
            listen = (host, port) if http else None
            asyncio.run(serve_forever(built, settings, runtimes=runtimes, http=listen))

    run_guarded(action, to_log=True)
