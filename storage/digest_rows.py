"""The row-level steps of :class:`storage.digest_store.SqlDigestStore` — claim insert,
compare-and-set, paper reservation — each run inside the store's transaction (split from
digest_store.py to keep it readable)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, delete, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from bot.channels import Claim
from bot.digests.status import DigestStatus
from storage.channel_store import dialect_insert as _insert
from storage.models import DeliveryRow, DigestRow


def compare_and_set(session: Session, row: DigestRow, **values: object) -> bool:
    """Update ``row`` only if nobody changed its status or attempts since it was read: of
    several workers racing for the same digest, exactly one wins."""
    won = session.execute(
        update(DigestRow)
        .where(
            and_(
                col(DigestRow.id) == row.id,
                col(DigestRow.attempts) == row.attempts,
                col(DigestRow.status) == row.status,
            )
        )
        .values(**values)
        .returning(col(DigestRow.id))
    ).first()
    return won is not None


def insert_claim(
    session: Session,
    engine: Engine,
    channel_pk: int,
    period_key: str,
    worker: str,
    now: datetime,
    scheduled_for: datetime | None,
) -> Claim | None:
    """The first claim of a (channel, period): insert its row; None when another worker's
    insert won the race (the unique key turns ours into nothing)."""
    inserted = session.execute(
        _insert(engine, DigestRow)
        .values(
            channel_pk=channel_pk,
            period_key=period_key,
            status=DigestStatus.CLAIMED,
            attempts=1,
            claimed_by=worker,
            claimed_at=now,
            scheduled_for=scheduled_for,
            planned_ids=[],
            created_at=now,
        )
        .on_conflict_do_nothing()
        .returning(col(DigestRow.id))
    ).first()
    return Claim(digest_pk=inserted[0], period_key=period_key) if inserted else None


def deliveries_for(
    session: Session,
    engine: Engine,
    digest_pk: int,
    channel_pk: int,
    wanted: list[str],
    now: datetime,
) -> set[str]:
    """Add a ``deliveries`` row per wanted paper nobody holds, give back what the digest
    no longer plans; the papers the digest held before the give-back (callers keep
    ``wanted`` order by filtering it)."""
    if wanted:
        session.execute(
            _insert(engine, DeliveryRow)
            .values(
                [
                    {
                        "channel_pk": channel_pk,
                        "paper_id": paper_id,
                        "digest_pk": digest_pk,
                        "delivered_at": now,
                    }
                    for paper_id in wanted
                ]
            )
            .on_conflict_do_nothing()
        )
    mine = set(session.exec(select(DeliveryRow.paper_id).where(DeliveryRow.digest_pk == digest_pk)))
    dropped = mine - set(wanted)
    if dropped:
        session.execute(
            delete(DeliveryRow).where(
                col(DeliveryRow.digest_pk) == digest_pk,
                col(DeliveryRow.paper_id).in_(sorted(dropped)),
            )
        )
    return mine
