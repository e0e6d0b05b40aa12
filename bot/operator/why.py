"""Why a paper did or did not reach a channel: one reason per line, most specific first.

The answer replays the digest's own steps — :func:`bot.digests.channel.channel_topics` (the
window), the ranker asked for :data:`bot.digests.build.CANDIDATES_PER_TOPIC` papers per topic,
:func:`bot.digests.build.merge_rankings` (threshold, already-posted, round-robin, cap) — so the
explanation cannot drift from what a digest does. It is MonitoRSS's delivery preview idea
(per article: duplicate, filtered, too old, daily limit) applied to a ranked digest.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from bot.channels import ChannelSettings
from bot.chat import ChannelRef
from bot.commands.listing import plain_reason
from bot.digests.build import CANDIDATES_PER_TOPIC, Topic, merge_rankings
from bot.digests.channel import channel_topics
from bot.errors import UserError
from bot.operator.links import message_link
from bot.operator.ports import DeliveryHistory, PostedRecord
from bot.operator.topic_fit import TopicFit, no_topic_reason, topic_fit
from bot.papers import Paper
from bot.ports import PaperRepository, Ranker
from bot.ranking.blend import RankedPaper, paper_date
from bot.sources.arxiv.ids import base_id
from bot.text import clean_text

_HF_PAGE = "https://huggingface.co/papers/"
PAPER_EXAMPLE = "--paper 2401.12345 (or an arXiv or Hugging Face link)"


class WhyKind(StrEnum):
    """A kind of reason; the order here is the order of the answer (most specific first)."""

    WOULD_POST = "would_post"
    POSTED = "posted"
    HELD = "held"
    OUTSIDE_WINDOW = "outside_window"
    BELOW_UPVOTES = "below_upvotes"
    NO_TOPIC = "no_topic"
    BELOW_CAP = "below_cap"
    ALREADY_POSTED = "already_posted"
    PAUSED = "paused"
    NO_SCHEDULE = "no_schedule"
    WITHDRAWN = "withdrawn"
    NOT_IN_LIBRARY = "not_in_library"


_ORDER = {kind: position for position, kind in enumerate(WhyKind)}


@dataclass(frozen=True, slots=True)
class WhyReason:
    """One reason: its kind, the sentence to show, and a link when there is one."""

    kind: WhyKind
    text: str
    link: str | None = None

    def line(self) -> str:
        """The reason as one line of plain text (the link in brackets)."""
        return f"{self.text} ({self.link})" if self.link else self.text


@dataclass(frozen=True, slots=True)
class WhyAnswer:
    """The whole answer: the paper (None when not in the library), reasons, per-topic fits."""

    channel: ChannelRef
    paper_id: str
    paper: Paper | None
    reasons: tuple[WhyReason, ...]
    topics: tuple[TopicFit, ...] = ()

    def lines(self) -> list[str]:
        """One line per reason, most specific first."""
        return [reason.line() for reason in self.reasons]


def parse_paper_ref(raw: str) -> str:
    """The version-less arXiv id in ``raw`` (an id, an arXiv or a Hugging Face link)."""
    text = raw.strip()
    if text.lower().startswith(_HF_PAGE):
        text = text[len(_HF_PAGE) :].split("?")[0].strip("/")
    found = base_id(text)
    if found is None:
        shown = raw.strip()[:80]
        raise UserError(f"'{shown}' is not an arXiv id.", example=PAPER_EXAMPLE)
    return found


def explain_paper(
    channel: ChannelSettings,
    paper_ref: str,
    *,
    papers: PaperRepository,
    history: DeliveryHistory,
    ranker: Ranker,
    now: datetime,
) -> WhyAnswer:
    """Why the paper ``paper_ref`` did or did not reach ``channel``, as of ``now``.

    Raises :class:`UserError` when ``paper_ref`` is not an arXiv id; a well-formed id the
    library does not hold is a reason ("not in the library"), not an error.
    """
    paper_id = parse_paper_ref(paper_ref)
    posted = history.delivery_of(channel.pk, paper_id)
    found = papers.get_papers([paper_id])
    reasons: list[WhyReason] = []
    if posted is not None:
        reasons += _posted_reasons(channel, posted)
    if not found:
        reasons.append(
            WhyReason(
                WhyKind.NOT_IN_LIBRARY,
                f"not in the library: no source has brought {paper_id} in yet",
            )
        )
        return WhyAnswer(channel.ref, paper_id, None, _ordered(reasons))
    paper = found[0]
    fits: tuple[TopicFit, ...] = ()
    if posted is None and not paper.withdrawn:  # a withdrawn paper is never ranked at all
        ranking_reasons, fits = _ranking_reasons(channel, paper, history, ranker, now)
        reasons += ranking_reasons
    reasons += _state_reasons(channel, paper)
    return WhyAnswer(channel.ref, paper_id, paper, _ordered(reasons), fits)


def _ordered(reasons: list[WhyReason]) -> tuple[WhyReason, ...]:
    return tuple(sorted(reasons, key=lambda reason: _ORDER[reason.kind]))


def _posted_reasons(channel: ChannelSettings, posted: PostedRecord) -> list[WhyReason]:
    if not posted.in_channel:
        return [_held_reason(posted)]
    link = message_link(channel.ref, posted.message_ref)
    where = "" if link or not posted.period_key else f" in the digest {posted.period_key}"
    return [
        WhyReason(
            WhyKind.POSTED, f"posted on {posted.delivered_at:%Y-%m-%d %H:%M} UTC{where}", link
        ),
        WhyReason(
            WhyKind.ALREADY_POSTED,
            "already posted in this channel: a paper is never posted twice to one channel",
        ),
    ]


def _held_reason(posted: PostedRecord) -> WhyReason:
    """A paper reserved by a digest that has not (or not provably) reached the channel."""
    digest = f"the digest {posted.period_key}"
    note = f": {clean_text(plain_reason(posted.note))}" if posted.note else ""
    if posted.status == "retry":
        text = f"held by {digest}, which could not post{note}; it will be tried again"
    elif posted.status in ("claimed", "posting"):
        text = f"held by {digest}, which is being posted now"
    else:
        text = (
            f"held by {digest}, which {posted.status}{note}; nobody could tell whether it "
            "reached the channel, so it is not posted again"
        )
    return WhyReason(WhyKind.HELD, text)


def _state_reasons(channel: ChannelSettings, paper: Paper) -> list[WhyReason]:
    """Reasons that hold whatever the ranking says: paused, no schedule, withdrawn."""
    reasons: list[WhyReason] = []
    if channel.paused_reason:
        reasons.append(
            WhyReason(
                WhyKind.PAUSED,
                f"channel paused: {clean_text(plain_reason(channel.paused_reason))} "
                "(fix it, then /papers resume)",
            )
        )
    if channel.schedule.kind == "off":
        reasons.append(
            WhyReason(
                WhyKind.NO_SCHEDULE,
                "no schedule: this channel gets a digest only when someone runs /papers digest",
            )
        )
    if paper.withdrawn:
        reasons.append(WhyReason(WhyKind.WITHDRAWN, "withdrawn: withdrawn papers are never posted"))
    return reasons


def _ranking_reasons(
    channel: ChannelSettings,
    paper: Paper,
    history: DeliveryHistory,
    ranker: Ranker,
    now: datetime,
) -> tuple[list[WhyReason], tuple[TopicFit, ...]]:
    """Window, threshold, topics and cap: the digest's own steps, replayed for one paper."""
    reasons: list[WhyReason] = []
    window = _window_reason(channel, paper, now)
    if window:
        reasons.append(window)
    if channel.min_upvotes is not None and paper.upvotes < channel.min_upvotes:
        reasons.append(
            WhyReason(
                WhyKind.BELOW_UPVOTES,
                f"below the upvote threshold: {paper.upvotes} upvotes, "
                f"this channel needs {channel.min_upvotes}",
            )
        )
    topics = channel_topics(channel)
    if not topics:
        reasons.append(WhyReason(WhyKind.NO_TOPIC, "matched no topic: this channel follows none"))
        return reasons, ()
    rankings = [
        (topic, ranker.search(topic.query, limit=CANDIDATES_PER_TOPIC, now=now)) for topic in topics
    ]
    fits = tuple(
        topic_fit(topic, ranked, paper, ranker, now, in_window=window is None)
        for topic, ranked in rankings
    )
    if not any(fit.candidate for fit in fits):
        reasons.append(WhyReason(WhyKind.NO_TOPIC, no_topic_reason(fits)))
        return reasons, fits
    placed = _merged_place(channel, paper, rankings, history)
    if placed is not None:
        place, topic_text = placed
        if place <= channel.max_papers:
            text = (
                f"would be in the next digest{' once resumed' if channel.paused_reason else ''}: "
                f'#{place} of {channel.max_papers} (via "{topic_text}")'
            )
            reasons.append(WhyReason(WhyKind.WOULD_POST, text))
        else:
            text = (
                f'ranked below the cap: #{place} in the merged ranking (via "{topic_text}"), '
                f"this channel takes {channel.max_papers}"
            )
            reasons.append(WhyReason(WhyKind.BELOW_CAP, text))
    return reasons, fits


def _window_reason(channel: ChannelSettings, paper: Paper, now: datetime) -> WhyReason | None:
    if channel.window_days is None:
        return None
    when = paper_date(paper)
    days = channel.window_days
    if when is None:
        return WhyReason(
            WhyKind.OUTSIDE_WINDOW,
            "outside the window: the paper has no date, "
            f"this channel looks at the last {days} days",
        )
    age = (now.date() - when.date()).days
    if age <= days:
        return None
    return WhyReason(
        WhyKind.OUTSIDE_WINDOW,
        f"outside the window: dated {when:%Y-%m-%d} ({age} days ago), "
        f"this channel looks at the last {days} days",
    )


def _merged_place(
    channel: ChannelSettings,
    paper: Paper,
    rankings: list[tuple[Topic, list[RankedPaper]]],
    history: DeliveryHistory,
) -> tuple[int, str] | None:
    """The paper's place in the digest's merged order (uncapped), and the topic that brought
    it; None when the merge drops it (below the threshold)."""
    ids = {hit.paper.arxiv_id for _, ranked in rankings for hit in ranked}
    delivered = history.delivered_among(channel.pk, ids)
    merged = merge_rankings(
        rankings,
        max_papers=sys.maxsize,
        exclude_ids=delivered,
        min_upvotes=channel.min_upvotes,
    )
    for place, item in enumerate(merged, 1):
        if item.ranked.paper.arxiv_id == paper.arxiv_id:
            return place, item.topic
    return None
