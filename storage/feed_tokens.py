"""Private feed links (only each token's SHA-256) and the papers a feed lists
(:class:`bot.operator.feeds.FeedStore`)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, or_
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from bot.channels import ChannelSettings
from bot.papers import Paper
from storage.channel_repository import _to_settings
from storage.database import session_scope
from storage.models import ChannelRow, DeliveryRow, DigestRow, PaperRow, SubscriptionRow
from storage.operator_history import aware
from storage.operator_models import FeedTokenRow
from storage.paper_repository import row_to_paper

_IN_CHANNEL = ("posted", "empty")


class SqlFeedStore:
    """:class:`bot.operator.feeds.FeedStore` on SQLModel."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def add_token(self, channel_pk: int, digest: str, now: datetime, *, keep: int) -> None:
        """Store a new link's digest; links past the channel's ``keep`` newest are retired."""
        with session_scope(self._engine) as session:
            session.add(FeedTokenRow(channel_pk=channel_pk, token_sha256=digest, created_at=now))
            session.flush()
            kept = select(FeedTokenRow.id).where(FeedTokenRow.channel_pk == channel_pk)
            newest = kept.order_by(col(FeedTokenRow.id).desc()).limit(keep)
            session.execute(
                delete(FeedTokenRow).where(
                    col(FeedTokenRow.channel_pk) == channel_pk,
                    col(FeedTokenRow.id).not_in(list(session.exec(newest))),
                )
            )

    def revoke_tokens(self, channel_pk: int) -> int:
        """Forget every link of the channel; how many there were."""
        with session_scope(self._engine) as session:
            gone = session.execute(
                delete(FeedTokenRow)
                .where(col(FeedTokenRow.channel_pk) == channel_pk)
                .returning(col(FeedTokenRow.id))
            ).all()
            return len(gone)

    def channel_for_token(self, digest: str) -> ChannelSettings | None:
        """The channel whose link has this digest, or None (unknown or revoked)."""
        with session_scope(self._engine) as session:
            row = session.exec(
                select(ChannelRow)
                .join(FeedTokenRow, col(FeedTokenRow.channel_pk) == col(ChannelRow.id))
                .where(FeedTokenRow.token_sha256 == digest)
            ).first()
            if row is None:
                return None
            subs = session.exec(
                select(SubscriptionRow)
                .where(SubscriptionRow.channel_pk == row.id)
                .order_by(col(SubscriptionRow.id))
            ).all()
            return _to_settings(row, subs)

    def delivered_papers(self, channel_pk: int, limit: int) -> list[tuple[Paper, datetime]]:
        """The channel's most recently delivered papers, newest first, with when."""
        with session_scope(self._engine) as session:
            rows = session.exec(
                select(PaperRow, DeliveryRow.delivered_at)
                .join(DeliveryRow, col(DeliveryRow.paper_id) == col(PaperRow.arxiv_id))
                .join(DigestRow, col(DigestRow.id) == col(DeliveryRow.digest_pk), isouter=True)
                .where(
                    DeliveryRow.channel_pk == channel_pk,
                    # reserved by a digest still on its way (or failed unconfirmed): not yet
                    or_(
                        col(DeliveryRow.digest_pk).is_(None),
                        col(DigestRow.status).in_(_IN_CHANNEL),
                    ),
                )
                .order_by(col(DeliveryRow.delivered_at).desc(), col(DeliveryRow.id).desc())
                .limit(limit)
            ).all()
            return [(row_to_paper(paper), aware(at)) for paper, at in rows]
