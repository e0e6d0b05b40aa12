"""The announcement calendar: announced, no announcement, or never checked."""

from __future__ import annotations

from datetime import date

from sqlalchemy.engine import Engine

from bot.sources.arxiv.calendar import AnnouncementRecord, AnnouncementStatus, announcement_record
from bot.sources.arxiv.parse import parse_arxiv_feed
from storage.arxiv_calendar_repository import SqlAnnouncementCalendar
from tests.kit.arxiv import ATOM, RSS, SYNTHETIC

SATURDAY = date(2026, 4, 25)
MONDAY = date(2026, 4, 27)


def test_feeds_become_calendar_days(engine: Engine) -> None:
    calendar = SqlAnnouncementCalendar(engine)
    weekend = parse_arxiv_feed(
        (SYNTHETIC / "arxiv-rss-cs.LG-weekend-empty__SYNTHETIC.xml").read_bytes()
    )
    monday = parse_arxiv_feed((RSS / "distill__cs.LG__2026-04-27__3items.xml").read_bytes())
    for batch in (weekend, monday):
        record = announcement_record(batch)
        assert record is not None
        calendar.record_announcement(record)
    assert calendar.announcement_status("cs.LG", SATURDAY) is AnnouncementStatus.NO_ANNOUNCEMENT
    assert calendar.announcement_status("cs.LG", MONDAY) is AnnouncementStatus.ANNOUNCED
    assert calendar.announcement_status("cs.CL", MONDAY) is AnnouncementStatus.UNKNOWN
    assert calendar.announcement_status("cs.LG", date(2026, 4, 26)) is AnnouncementStatus.UNKNOWN


def test_api_results_say_nothing_about_announcements() -> None:
    api = parse_arxiv_feed((ATOM / "llm-paper-radar__cat_cs.CL_max2__2026-05-11.xml").read_bytes())
    assert announcement_record(api) is None


def test_a_lagging_empty_feed_never_undoes_an_announcement(engine: Engine) -> None:
    calendar = SqlAnnouncementCalendar(engine)
    calendar.record_announcement(AnnouncementRecord("cs.LG", MONDAY, papers=0))
    calendar.record_announcement(AnnouncementRecord("cs.LG", MONDAY, papers=85))  # listing
    calendar.record_announcement(AnnouncementRecord("cs.LG", MONDAY, papers=0))  # stale feed
    assert calendar.announcement_status("cs.LG", MONDAY) is AnnouncementStatus.ANNOUNCED
