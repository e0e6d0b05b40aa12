"""The channel store on its own: defaults from the core, typed settings, topics once in any case."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.engine import Engine

from bot.channels import DEFAULTS, SettingsChange, SourceProblem
from bot.chat import ChannelRef
from storage.channel_store import SqlChannelStore
from storage.source_status_store import SqlSourceStatus

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
REF = ChannelRef("slack", "C1", "T1", "papers")


def test_a_new_channel_gets_the_cores_defaults(engine: Engine) -> None:
    made = SqlChannelStore(engine).ensure_channel(REF, NOW)
    assert (made.max_papers, made.window_days, made.empty_mode, made.min_upvotes) == (
        DEFAULTS.max_papers,
        DEFAULTS.window_days,
        DEFAULTS.empty_mode,
        DEFAULTS.min_upvotes,
    )
    assert made.schedule == DEFAULTS.schedule


def test_a_settings_change_writes_only_what_it_names(engine: Engine) -> None:
    store = SqlChannelStore(engine)
    store.update_settings(REF, NOW, SettingsChange(max_papers=3, min_upvotes=10))
    store.update_settings(REF, NOW, SettingsChange(min_upvotes=None))  # None: no threshold
    got = store.get_channel(REF)
    assert got is not None
    assert (got.max_papers, got.min_upvotes, got.window_days) == (3, None, DEFAULTS.window_days)
    assert SettingsChange.of([("window_days", None)]).changed() == {"window_days": None}


def test_a_topic_differing_only_in_case_is_stored_once(engine: Engine) -> None:
    store = SqlChannelStore(engine)
    assert store.add_topic(REF, "Scaling Laws", NOW)
    assert not store.add_topic(REF, "scaling laws", NOW)
    got = store.get_channel(REF)
    assert got is not None and [t.text for t in got.topics] == ["Scaling Laws"]
    assert store.remove_topic(REF, "SCALING LAWS")


def test_a_source_problem_is_a_value_the_core_words(engine: Engine) -> None:
    status = SqlSourceStatus(engine)
    status.record_source_result("arXiv", "HTTP 503", NOW)
    assert status.source_problem(NOW - timedelta(hours=1), ["arXiv"]) == SourceProblem("arXiv", NOW)
    status.record_source_result("arXiv", None, NOW + timedelta(minutes=5))
    assert status.source_problem(NOW - timedelta(hours=1), ["arXiv"]) is None
