"""Everything a channel has in the database, for the callers that need all of it.

Each job has its own store — :mod:`storage.channel_store` (channels and topics),
:mod:`storage.digest_store` (digests, claims, deliveries), :mod:`storage.feedback_store`
(button presses), :mod:`storage.source_status_store` (source health) — and this class is
their union, built once by the composition root.
"""

from __future__ import annotations

from sqlalchemy.engine import Engine

from storage.channel_store import _to_settings as _to_settings  # feeds, history read rows
from storage.digest_store import SqlDigestStore
from storage.feedback_store import SqlFeedbackStore
from storage.source_status_store import SqlSourceStatus


class SqlChannelRepository(SqlFeedbackStore, SqlDigestStore, SqlSourceStatus):
    """:class:`bot.channels.ChannelRepository`: the channel, digest, feedback and source
    stores on one engine."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
