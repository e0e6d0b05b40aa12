"""The console adapter: digests and replies as readable plain text on a stream or a file.

It is the embedded default (no accounts, no network). Writing to a file (``--output``), it
also answers :meth:`find_posted` by looking for the delivery key it wrote, so a digest posted
right before a crash is recognised instead of posted again. :func:`announcement` and
:func:`answer` are how a command's :class:`~bot.chat.Reply` reads on a terminal, for
``paperboy command`` and ``paperboy chat`` alike.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TextIO

from bot.chat import ChannelRef, Reply
from bot.commands.render import render_digest
from bot.digests.build import Digest

_MARK = "delivery:"


def announcement(channel: ChannelRef, reply: Reply) -> str | None:
    """The line a change announces to the whole channel (``[#general] You subscribed …``)."""
    return f"[{channel.display}] {reply.announce}" if reply.announce else None


def answer(reply: Reply) -> str:
    """The reply to the caller; a mistake starts with ``Error:`` as every CLI failure does."""
    return f"Error: {reply.text}" if reply.is_error else reply.text


class ConsoleAdapter:
    """:class:`bot.chat.ChatAdapter` for the console."""

    platform = "console"

    def __init__(self, stream: TextIO | None = None, *, output: Path | None = None) -> None:
        self._stream = stream or sys.stdout
        self._output = output
        self._replies = 0

    def _write(self, text: str) -> None:
        if self._output is None:
            self._stream.write(text)
            self._stream.flush()
            return
        # One O_APPEND write per digest: replicas sharing the file never interleave a digest.
        fd = os.open(self._output, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, text.encode("utf-8"))
        finally:
            os.close(fd)

    def show_reply(self, channel: ChannelRef, reply: Reply) -> None:
        """Print a command's reply as the console renders it: the announcement, then the
        answer (the console has no private replies: the caller is the whole channel)."""
        line = announcement(channel, reply)
        self._write(f"{line}\n{answer(reply)}\n" if line else f"{answer(reply)}\n")

    async def post_digest(self, channel: ChannelRef, digest: Digest, *, delivery_key: str) -> str:
        """Print the digest under a channel header that carries the delivery key."""
        self._write(
            f"#{channel.name or channel}  ({_MARK} {delivery_key})\n{render_digest(digest)}\n\n"
        )
        return f"console:{delivery_key}"

    async def post_reply(self, channel: ChannelRef, text: str, *, thread_ref: str | None) -> str:
        """Print a follow-up (under the message it answers) or a roll-up."""
        self._replies += 1
        where = f" (in reply to {thread_ref})" if thread_ref else ""
        self._write(f"#{channel.name or channel}{where}\n{text}\n\n")
        return f"console:reply:{os.getpid()}:{self._replies}"

    def message_link(self, channel: ChannelRef, message_ref: str) -> str | None:
        """None: the console has no links."""
        return None

    async def find_posted(self, channel: ChannelRef, delivery_key: str) -> str | None:
        """The delivery when the output file already holds it (a stream cannot tell)."""
        if self._output is None or not self._output.exists():
            return None
        needle = f"({_MARK} {delivery_key})\n"
        with self._output.open(encoding="utf-8") as handle:
            if any(line.endswith(needle) for line in handle):
                return f"console:{delivery_key}"
        return None
