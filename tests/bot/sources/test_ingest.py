"""The one ingest path, with a fake source and fake library, calendar and health record."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import httpx
import pytest

from bot.errors import SourceUnavailable, UserError
from bot.pacing import KeyedPacer
from bot.papers import Paper
from bot.ports import IngestReport
from bot.sources import ARXIV, HUGGING_FACE, SourceBatch, SourceName
from bot.sources.arxiv.calendar import AnnouncementRecord, AnnouncementStatus
from bot.sources.arxiv.fetch import ArxivFetches
from bot.sources.hf.period import HfPeriod
from bot.sources.hf.source import HfPeriodFetch
from bot.sources.http import HttpOptions
from bot.sources.ingest import (
    IngestTargets,
    SavedBatches,
    StoredBatch,
    followed_categories,
    ingest,
)
from tests.conftest import FIXTURES
from tests.kit.arxiv import RSS
from tests.kit.clock import FakeClock

NOW = datetime(2026, 4, 27, 12, tzinfo=UTC)
HF_DAY = (FIXTURES / "hf-daily-papers" / "newsassistant__2026-08-03__3items.json").read_text(
    encoding="utf-8"
)
FEED = (RSS / "distill__cs.LG__2026-04-27__3items.xml").read_bytes()


def paper(arxiv_id: str) -> Paper:
    return Paper(arxiv_id=arxiv_id, title=f"Paper {arxiv_id}")


@dataclass
class World:
    """What the use case wrote: papers per ingest call, calendar records, health notes."""

    ingested: list[list[str]] = field(default_factory=list)
    calendar: list[AnnouncementRecord] = field(default_factory=list)
    health: list[tuple[str, str | None, datetime]] = field(default_factory=list)

    def ingest(self, papers: Sequence[Paper]) -> IngestReport:
        self.ingested.append([p.arxiv_id for p in papers])
        return IngestReport(added=len(papers), updated=0)

    def record_announcement(self, record: AnnouncementRecord) -> None:
        self.calendar.append(record)

    def announcement_status(self, category: str, day: date) -> AnnouncementStatus:
        return AnnouncementStatus.UNKNOWN

    def record_source_result(self, source: str, error: str | None, now: datetime) -> None:
        self.health.append((source, error, now))

    def targets(self, *, health: bool = True) -> IngestTargets:
        return IngestTargets(library=self, calendar=self, health=self if health else None)


@dataclass
class FailingAfter:
    """Delivers ``batches``, then fails with ``error``."""

    batches_first: list[SourceBatch]
    error: Exception
    name: SourceName = ARXIV

    async def batches(self) -> AsyncIterator[SourceBatch]:
        for batch in self.batches_first:
            yield batch
        raise self.error


@pytest.mark.anyio
async def test_each_batch_is_stored_and_the_source_recorded_healthy() -> None:
    world = World()
    source = SavedBatches(
        HUGGING_FACE,
        [SourceBatch("a", (paper("2601.00001"),)), SourceBatch("b", (paper("2601.00002"),))],
    )
    heard: list[StoredBatch] = []
    outcome = await ingest(source, world.targets(), now=NOW, on_stored=heard.append)
    assert world.ingested == [["2601.00001"], ["2601.00002"]]
    assert [s.batch.label for s in heard] == ["a", "b"]
    assert world.health == [("Hugging Face", None, NOW)]
    assert outcome.error is None and outcome.papers == 2 and outcome.added == 2


@pytest.mark.anyio
async def test_a_source_down_half_way_keeps_what_arrived_and_records_the_failure() -> None:
    world = World()
    down = SourceUnavailable("arXiv", "could not fetch cs.CL (HTTP 503).")
    source = FailingAfter([SourceBatch("cs.LG", (paper("2601.00001"),))], down)
    outcome = await ingest(source, world.targets(), now=NOW)
    assert world.ingested == [["2601.00001"]]
    assert outcome.error is down
    assert world.health == [("arXiv", "could not fetch cs.CL (HTTP 503).", NOW)]


@pytest.mark.anyio
async def test_a_user_error_propagates_after_storing_what_came_before() -> None:
    world = World()
    source = FailingAfter([SourceBatch("ids", (paper("2601.00001"),))], UserError("no such id"))
    with pytest.raises(UserError):
        await ingest(source, world.targets(), now=NOW)
    assert world.ingested == [["2601.00001"]]
    assert world.health == []  # the request was wrong, the source was not down


@pytest.mark.anyio
async def test_calendar_days_are_noted_and_unchanged_or_empty_batches_not_stored() -> None:
    world = World()
    quiet = AnnouncementRecord("cs.LG", date(2026, 4, 25), papers=0)
    source = SavedBatches(
        ARXIV,
        [SourceBatch("feed", announcement=quiet), SourceBatch("feed again", unchanged=True)],
    )
    outcome = await ingest(source, world.targets(health=False), now=NOW)
    assert world.calendar == [quiet]
    assert world.ingested == [] and world.health == []
    assert [s.report for s in outcome.stored] == [None, None]


def test_followed_categories_are_read_from_topics_once_each() -> None:
    texts = ["scaling cat:cs.LG", "cat:cs.CL cat:cs.LG", "vision", '"unclosed']
    assert followed_categories(texts) == ["cs.CL", "cs.LG"]


@pytest.mark.anyio
async def test_the_hf_source_uses_its_http_options() -> None:
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, text=HF_DAY)

    http = HttpOptions(timeout_seconds=4.0, transport=httpx.MockTransport(answer))
    fetch = HfPeriodFetch(HfPeriod("latest"), base_url="https://hf.test", http=http)
    (batch,) = [b async for b in fetch.batches()]
    assert batch.label == "Hugging Face the latest day" and len(batch.papers) == 3
    assert seen[0].extensions["timeout"]["read"] == 4.0


@pytest.mark.anyio
async def test_arxiv_announcements_become_batches_with_the_calendar_day() -> None:
    clock = FakeClock()
    http = HttpOptions(transport=httpx.MockTransport(lambda r: httpx.Response(200, content=FEED)))
    fetches = ArxivFetches(
        http=http, pacer=KeyedPacer(3.0, clock=clock.monotonic, sleep=clock.sleep)
    )
    (batch,) = [b async for b in fetches.announcements("cs.LG").batches()]
    assert batch.label == "arXiv cs.LG feed" and len(batch.papers) == 3
    assert batch.announce_types == (("new", 3),)
    assert batch.announcement == AnnouncementRecord("cs.LG", date(2026, 4, 27), papers=3)
    (again,) = [b async for b in fetches.announcements("cs.LG").batches()]
    assert again.unchanged  # the validator cache is shared between fetches


@dataclass
class Embedder:
    """Records what ingest hands over to be embedded; ``broken`` fails like a bad model."""

    broken: bool = False
    embedded: list[list[str]] = field(default_factory=list)

    def embed_papers(self, papers: Sequence[Paper]) -> int:
        if self.broken:
            raise RuntimeError("the model could not run")
        self.embedded.append([p.arxiv_id for p in papers])
        return len(papers)


class StoringWorld(World):
    def ingest(self, papers: Sequence[Paper]) -> IngestReport:
        super().ingest(papers)
        return IngestReport(added=len(papers), updated=0, stored=tuple(papers))


@pytest.mark.anyio
@pytest.mark.parametrize("broken", [False, True])
async def test_stored_batches_are_embedded_and_a_broken_model_loses_no_paper(
    broken: bool, caplog: pytest.LogCaptureFixture
) -> None:
    world, vectors = StoringWorld(), Embedder(broken=broken)
    targets = IngestTargets(library=world, calendar=world, health=world, vectors=vectors)
    source = SavedBatches(
        HUGGING_FACE,
        [SourceBatch("a", (paper("2601.00001"),)), SourceBatch("b", (paper("2601.00002"),))],
    )

    outcome = await ingest(source, targets, now=NOW)

    assert world.ingested == [["2601.00001"], ["2601.00002"]]  # stored either way
    assert outcome.error is None and outcome.added == 2
    if broken:
        assert "found by words only" in caplog.text
    else:
        assert vectors.embedded == [["2601.00001"], ["2601.00002"]]
