"""Private Atom feeds: the papers a channel was sent, for a feed reader, behind a secret link.

``/papers feed`` mints a link ``<PAPERBOY_PUBLIC_URL>/feeds/<token>.atom``; the token is 32
random bytes (``secrets.token_urlsafe``), and only its SHA-256 is stored, so the link is shown
once, to the caller, and a database dump cannot be turned back into working links (the same
rule as GitHub's personal access tokens). Asking again mints another link; ``/papers feed
reset`` revokes every link of the channel. The listener serves a link read-only, without a
login: whoever has it can read the channel's papers, nothing else.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from bot.channels import ChannelSettings
from bot.errors import UserError
from bot.papers import Paper
from bot.ranking.blend import rank_papers
from bot.ranking.query import QuerySyntaxError, parse_query

TOKEN_BYTES = 32
MAX_LINKS_PER_CHANNEL = 10  # minting one more retires the oldest
FEED_ENTRIES = 50
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{32,64}$")  # token_urlsafe(32) is 43 characters
FEED_SUFFIX = ".atom"


@dataclass(frozen=True, slots=True)
class FeedEntry:
    """One delivered paper in a feed: the paper, when it was posted, and why."""

    paper: Paper
    delivered_at: datetime
    why: str


class FeedStore(Protocol):
    """Feed links (as SHA-256 digests) and what a feed lists (storage implements it)."""

    def add_token(self, channel_pk: int, digest: str, now: datetime, *, keep: int) -> None:
        """Store a new link's digest, keeping only the channel's ``keep`` newest links."""
        ...

    def revoke_tokens(self, channel_pk: int) -> int:
        """Forget every link of the channel; how many there were."""
        ...

    def channel_for_token(self, digest: str) -> ChannelSettings | None:
        """The channel whose link has this digest, or None (unknown or revoked)."""
        ...

    def delivered_papers(self, channel_pk: int, limit: int) -> list[tuple[Paper, datetime]]:
        """The channel's most recently delivered papers, newest first, with when."""
        ...


def new_token() -> str:
    """A fresh unguessable token (256 bits)."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_digest(token: str) -> str:
    """What is stored and looked up: the token's SHA-256, hex."""
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def token_from_path(name: str) -> str | None:
    """The token in a ``<token>.atom`` path segment, or None when it cannot be one."""
    if not name.endswith(FEED_SUFFIX):
        return None
    token = name[: -len(FEED_SUFFIX)]
    return token if _TOKEN.match(token) else None


def feed_url(public_url: str, token: str) -> str:
    """The link a feed reader subscribes to."""
    return f"{public_url.rstrip('/')}/feeds/{token}{FEED_SUFFIX}"


class FeedLinks:
    """Mints and revokes a channel's feed links (``/papers feed [reset]``)."""

    def __init__(self, store: FeedStore, public_url: str | None) -> None:
        self._store = store
        self._public_url = public_url

    def mint(self, channel: ChannelSettings, now: datetime) -> str:
        """A new link for ``channel``; a :class:`UserError` when no public URL is set."""
        if not self._public_url:
            raise UserError(
                "Feeds are off here: the operator has not set PAPERBOY_PUBLIC_URL "
                "(the address this bot's HTTP listener is reached at)."
            )
        token = new_token()
        self._store.add_token(channel.pk, token_digest(token), now, keep=MAX_LINKS_PER_CHANNEL)
        return feed_url(self._public_url, token)

    def reset(self, channel: ChannelSettings) -> int:
        """Revoke every link of ``channel``; how many there were."""
        return self._store.revoke_tokens(channel.pk)


def feed_entries(
    channel: ChannelSettings, delivered: Sequence[tuple[Paper, datetime]], now: datetime
) -> list[FeedEntry]:
    """The feed's entries, each with the reason line of the first topic it matches (the
    digest's own reason line, :func:`bot.ranking.blend.reason_line`)."""
    queries = []
    for topic in channel.topics:
        try:
            queries.append(parse_query(topic.text))
        except QuerySyntaxError:
            continue  # a topic stored before a grammar change: it explains nothing
    entries = []
    for paper, at in delivered:
        why = next(
            (found[0].why for query in queries if (found := rank_papers(query, [paper], now=now))),
            "",
        )
        entries.append(FeedEntry(paper, at, why or f"posted in {channel.ref.display}"))
    return entries


def read_feed(
    name: str, store: FeedStore, now: datetime
) -> tuple[ChannelSettings, list[FeedEntry]] | None:
    """The channel and entries behind the path segment ``<token>.atom``; None for anything
    that is not a live link (malformed, unknown or revoked) — the listener answers 404 to
    all alike, so a probe learns nothing."""
    token = token_from_path(name)
    if token is None:
        return None
    channel = store.channel_for_token(token_digest(token))
    if channel is None:
        return None
    delivered = store.delivered_papers(channel.pk, FEED_ENTRIES)
    return channel, feed_entries(channel, delivered, now)
