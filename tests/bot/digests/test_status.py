"""Digest states and delivery outcomes are one typed list, stored and counted as plain words."""

from __future__ import annotations

from bot.digests.status import FINISHED, DeliveryOutcome, DigestStatus


def test_every_status_is_listed_once_and_stored_as_its_word() -> None:
    assert [s.value for s in DigestStatus] == [
        "claimed",
        "posting",
        "posted",
        "empty",
        "skipped",
        "retry",
        "failed",
    ]
    assert DigestStatus("posting") is DigestStatus.POSTING
    assert f"{DigestStatus.FAILED}" == "failed"  # what the table and the logs hold


def test_only_finished_digests_are_left_alone() -> None:
    assert {s for s in DigestStatus if s.finished} == FINISHED
    assert not DigestStatus.POSTING.finished and not DigestStatus.RETRY.finished


def test_outcomes_count_under_their_plain_names() -> None:
    counts = {DeliveryOutcome.POSTED: 1, DeliveryOutcome.BUSY: 2}
    assert counts == {"posted": 1, "busy": 2}  # scheduler counts read like the log line
