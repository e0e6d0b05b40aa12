"""Build one channel's digest: its topics merged, nothing it has seen, empty ones explained."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace
from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.channels import ChannelRepository, ChannelSettings
from bot.digests.build import CANDIDATES_PER_TOPIC, Digest, EmptyKind, Topic, build_digest
from bot.ports import Ranker
from bot.ranking.query import Since, parse_query
from bot.sources.arxiv.calendar import AnnouncementCalendar, AnnouncementStatus

SOURCE_NAME_HF = "Hugging Face"  # the names fetchers record outcomes under
SOURCE_NAME_ARXIV = "arXiv"
WEEKEND_REASON = (
    "No announcements today: arXiv and Hugging Face Daily Papers do not publish at weekends."
)


def channel_topics(channel: ChannelSettings) -> list[Topic]:
    """The channel's topics as queries, limited to its window unless a topic says otherwise."""
    topics: list[Topic] = []
    for sub in channel.topics:
        query = parse_query(sub.text)
        if channel.window_days is not None and query.since is None:
            query = replace(query, since=Since(days=channel.window_days))
        topics.append(Topic(text=sub.text, query=query))
    return topics


def _local_day_name(at: datetime, timezone: str) -> str:
    return at.astimezone(ZoneInfo(timezone)).strftime("%a")


def build_channel_digest(
    channel: ChannelSettings,
    ranker: Ranker,
    repository: ChannelRepository,
    *,
    now: datetime,
    calendar: AnnouncementCalendar | None = None,
    held: Collection[str] = (),
) -> Digest:
    """The digest ``channel`` would get now: merged topics, capped, thresholded, annotated.

    ``held`` are papers this digest reserved on an earlier attempt: they may be planned again.
    """
    delivered = repository.delivered_ids(channel.pk) - set(held)
    digest = build_digest(
        channel_topics(channel),
        ranker,
        now=now,
        max_papers=channel.max_papers,
        exclude_ids=delivered,
        min_upvotes=channel.min_upvotes,
        title=f"Papers for {channel.ref.display}",
    )
    if digest.items:
        seen = repository.seen_elsewhere(channel, [i.ranked.paper.arxiv_id for i in digest.items])
        tz = channel.schedule.timezone
        items = tuple(
            replace(item, also_in=f"{where.channel} on {_local_day_name(where.at, tz)}")
            if (where := seen.get(item.ranked.paper.arxiv_id))
            else item
            for item in digest.items
        )
        return replace(digest, items=items)
    reason = explain_empty(channel, repository, digest, ranker, now=now, calendar=calendar)
    return replace(digest, empty_reason=reason)


def explain_empty(
    channel: ChannelSettings,
    repository: ChannelRepository,
    digest: Digest,
    ranker: Ranker,
    *,
    now: datetime,
    calendar: AnnouncementCalendar | None = None,
) -> str:
    """Why there is nothing, the most specific reason first: everything was already posted,
    the window leaves out the papers that match, nothing matches at all, the threshold — then
    what surrounds it (a source is down, no announcement today, the weekend)."""
    reason = digest.empty_reason or "Nothing new for these topics."
    window = channel.window_days
    if digest.empty_kind is EmptyKind.NO_TOPICS:
        return reason
    if digest.empty_kind is EmptyKind.ALREADY_POSTED and window is not None:
        reason = f"Every paper from the last {window} days that matches has been posted here."
    elif digest.empty_kind is EmptyKind.NO_MATCH and window is not None:
        newest = _newest_match(channel, ranker, now)
        if newest is not None:
            reason = (
                f"No paper matching these topics is from the last {window} days "
                f"(the newest is from {newest:%d %b %Y}); "
                "`/papers settings window all` looks further back."
            )
    return " ".join([reason, *_circumstances(channel, repository, now, calendar)])


def _newest_match(channel: ChannelSettings, ranker: Ranker, now: datetime) -> date | None:
    """The date of the newest paper matching any topic with no window (None: no match)."""
    newest: date | None = None
    for sub in channel.topics:
        query = parse_query(sub.text)
        for hit in ranker.search(query, limit=CANDIDATES_PER_TOPIC, now=now):
            paper = hit.paper
            day = paper.featured_on or (paper.published_at.date() if paper.published_at else None)
            if day is not None and (newest is None or day > newest):
                newest = day
    return newest


def _circumstances(
    channel: ChannelSettings,
    repository: ChannelRepository,
    now: datetime,
    calendar: AnnouncementCalendar | None,
) -> list[str]:
    """What else is true today that a reader would want with an empty digest."""
    categories = {c for t in channel.topics for c in parse_query(t.text).categories}
    sources = [SOURCE_NAME_HF, SOURCE_NAME_ARXIV] if categories else [SOURCE_NAME_HF]
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    problem = repository.source_problem(midnight, sources)
    if problem:
        return [
            f"{problem.source} could not be reached (last tried "
            f"{problem.last_error_at:%a %H:%M} UTC). Digests will catch up once it is back."
        ]
    local = now.astimezone(ZoneInfo(channel.schedule.timezone))
    quiet = _quiet_categories(channel, calendar, local.date())
    if quiet:
        return [
            f"No arXiv announcement for {', '.join(quiet)} on {local:%a %d %b} "
            "(arXiv does not announce at weekends and on holidays)."
        ]
    if local.weekday() >= 5:
        return [WEEKEND_REASON]
    return []


def _quiet_categories(
    channel: ChannelSettings, calendar: AnnouncementCalendar | None, day: date
) -> list[str]:
    """The channel's ``cat:`` categories, when every one of them had no announcement on
    ``day`` (an empty list when any announced, or when we do not know)."""
    if calendar is None:
        return []
    categories = sorted({c for t in channel.topics for c in parse_query(t.text).categories})
    if not categories:
        return []
    statuses = [calendar.announcement_status(c, day) for c in categories]
    if all(s is AnnouncementStatus.NO_ANNOUNCEMENT for s in statuses):
        return categories
    return []
