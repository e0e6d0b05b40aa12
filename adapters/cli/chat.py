"""``paperboy chat``: try the whole ``/papers`` grammar in a terminal, no chat platform needed.

Each line is one command, run by the core's command service exactly as Slack or Discord
would run it, and the reply is printed as the console adapter renders it; ``digest`` posts
through the console adapter. ``?`` shows the help, the arrow keys recall earlier lines
(readline, when the terminal has it), and end of input (Ctrl-D) or Ctrl-C leaves quietly.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
from collections.abc import Callable
from contextlib import AsyncExitStack
from typing import Annotated

import typer

from adapters.cli.support import _settings, run_guarded
from adapters.composition import Clock, build_app, open_library
from adapters.console import ConsoleAdapter
from adapters.platforms import platforms_for_channel
from adapters.settings import Settings
from bot.chat import Caller, ChannelRef, Reply

PREFIX = "/papers"
LEAVE = ("quit", "exit")
# The console has one user, who may change everything; announcements read "You subscribed …".
YOU = Caller(user_id="console", display_name="You")


def command_text(line: str) -> str | None:
    """What a typed line asks the core to run: the line without a leading ``/papers``,
    ``help`` for ``?``; None for a blank line (nothing to run)."""
    text = line.strip()
    if text == PREFIX or text.startswith(f"{PREFIX} "):
        text = text[len(PREFIX) :].strip()
        return text or "help"  # "/papers" alone is what Slack answers with help
    if text == "?":
        return "help"
    return text or None


def converse(
    read: Callable[[], str],
    run: Callable[[str], Reply],
    show: Callable[[Reply], None],
) -> int:
    """Read lines with ``read`` until end of input, ``quit``/``exit`` or Ctrl-C, ``run``
    each command and ``show`` its reply; how many commands ran."""
    ran = 0
    while True:
        try:
            line = read()
        except (EOFError, KeyboardInterrupt):
            return ran
        text = command_text(line)
        if text is None:
            continue
        if text.lower() in LEAVE:
            return ran
        try:
            reply = run(text)
        except KeyboardInterrupt:  # Ctrl-C while a command runs: stop it and leave
            return ran
        show(reply)
        ran += 1


def _reader(prompt: str) -> Callable[[], str]:
    """``input`` with line editing and history on a terminal; quiet (no prompt) when the
    input is piped in, so a fed session prints only the replies."""
    if not sys.stdin.isatty():
        return lambda: input()
    # Not every platform ships readline (Windows); plain input() still works without it.
    with contextlib.suppress(ImportError):
        import readline  # noqa: F401  # imported for its effect: input() gains history
    return lambda: input(prompt)


def session(settings: Settings, ref: ChannelRef, *, clock: Clock | None = None) -> None:
    """Open Paperboy for ``ref`` once and converse on one event loop until the user leaves;
    ``clock`` replaces the wall clock (tests)."""
    wanted = platforms_for_channel(settings, ref.platform, post=False)
    console = ConsoleAdapter()
    with open_library(settings) as library, asyncio.Runner() as loop:
        built = build_app(settings, library, wanted, clock=clock)
        stack = AsyncExitStack()
        loop.run(stack.enter_async_context(built.posting_to(ref.platform)))

        def run(text: str) -> Reply:
            return loop.run(built.commands.handle(ref, text, YOU))

        try:
            typer.echo(
                f"Paperboy in {ref.display}. Type a /papers command (the /papers is optional), "
                "? for help, Ctrl-D to leave."
            )
            converse(_reader(f"{ref.display} /papers "), run, lambda r: console.show_reply(ref, r))
            if sys.stdin.isatty():
                typer.echo()  # Ctrl-D left the cursor after the prompt
        finally:
            loop.run(stack.aclose())


def chat(
    channel: Annotated[
        str, typer.Option("--channel", help="console:<name>, slack:<id>, discord:<id>")
    ] = "console:general",
) -> None:
    """Type /papers commands in a terminal and see the replies, without a chat platform."""
    settings = _settings()
    run_guarded(lambda: session(settings, ChannelRef.parse(channel)))
