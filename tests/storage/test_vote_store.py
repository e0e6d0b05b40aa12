"""Votes as stored: once per person, reactions taken back, only our one-paper messages."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.engine import Engine

from bot.chat import ChannelRef
from bot.papers import Paper
from bot.taste.signals import Direction
from storage.channel_repository import SqlChannelRepository
from storage.paper_repository import SqlPaperRepository
from storage.vote_store import SqlVoteStore

NOW = datetime(2026, 5, 3, 9, 0, tzinfo=UTC)
CHANNEL = ChannelRef("slack", "C1", "T1", "ml")
UP, DOWN = Direction.UP, Direction.DOWN


def _channel(engine: Engine) -> int:
    return SqlChannelRepository(engine).ensure_channel(CHANNEL, NOW).pk


def _post(engine: Engine, channel_pk: int, paper_ids: list[str], ts: str, key: str) -> None:
    """A posted digest of ``paper_ids`` whose channel message is ``ts``."""
    SqlPaperRepository(engine).upsert_papers([Paper(arxiv_id=p, title=p) for p in paper_ids])
    repo = SqlChannelRepository(engine)
    claim = repo.claim_digest(channel_pk, key, worker="w", now=NOW, scheduled_for=None)
    assert claim is not None
    repo.mark_posted(claim.digest_pk, channel_pk, paper_ids, ts, NOW)


def test_one_person_counts_once_however_many_signals(engine: Engine) -> None:
    store, pk = SqlVoteStore(engine), _channel(engine)
    store.record_vote(pk, "2601.1", "U1", "reaction:+1", UP, NOW)
    store.record_vote(pk, "2601.1", "U1", "reaction:heart", UP, NOW + timedelta(seconds=1))
    store.record_vote(pk, "2601.1", "U1", "button", UP, NOW + timedelta(seconds=2))
    store.record_vote(pk, "2601.1", "U2", "button", DOWN, NOW + timedelta(seconds=3))
    (tally,) = store.paper_votes(pk)
    assert (tally.up, tally.down, tally.net) == (1, 1, 0)  # contradictory: a tie, not a swing


def test_taking_a_reaction_back_takes_the_vote_back(engine: Engine) -> None:
    store, pk = SqlVoteStore(engine), _channel(engine)
    store.record_vote(pk, "2601.1", "U1", "reaction:+1", UP, NOW)
    before = store.version(pk)
    assert store.retract_vote(pk, "2601.1", "U1", "reaction:+1")
    assert not store.retract_vote(pk, "2601.1", "U1", "reaction:+1")
    assert store.paper_votes(pk) == []
    assert store.version(pk) != before


def test_the_latest_signal_of_a_person_decides_and_moves_the_watermark(engine: Engine) -> None:
    store, pk = SqlVoteStore(engine), _channel(engine)
    store.record_vote(pk, "2601.1", "U1", "button", UP, NOW)
    first = store.version(pk)
    store.record_vote(pk, "2601.1", "U1", "button", DOWN, NOW + timedelta(seconds=5))
    assert store.version(pk) != first
    (tally,) = store.paper_votes(pk)
    assert tally.net == -1 and tally.last_at == NOW + timedelta(seconds=5)


def test_only_our_one_paper_messages_name_a_paper(engine: Engine) -> None:
    store, pk = SqlVoteStore(engine), _channel(engine)
    _post(engine, pk, ["2601.1"], "111.1", "d1")
    _post(engine, pk, ["2601.2", "2601.3"], "222.2", "d2")
    assert store.message_paper(CHANNEL, "111.1") == (pk, "2601.1")
    assert store.message_paper(ChannelRef("slack", "C1"), "111.1") == (pk, "2601.1")
    assert store.message_paper(CHANNEL, "222.2") is None  # which of the two?
    assert store.message_paper(CHANNEL, "999.9") is None  # not ours
    assert store.message_paper(ChannelRef("slack", "C2", "T1"), "111.1") is None


def test_forget_and_settings(engine: Engine) -> None:
    store, pk = SqlVoteStore(engine), _channel(engine)
    store.record_vote(pk, "2601.1", "U1", "button", UP, NOW)
    store.record_vote(pk, "2601.2", "U1", "button", DOWN, NOW)
    assert store.forget(pk) == 2
    assert store.paper_votes(pk) == []
    assert store.taste_settings(pk).taste_enabled
    store.update_taste_settings(pk, taste_enabled=False, followup_upvotes=50)
    settings = store.taste_settings(pk)
    assert not settings.taste_enabled and settings.followup_upvotes == 50
