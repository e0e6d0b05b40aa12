"""Refreshes the operator's gauges (``bot/metrics.py``) from the database and the index.

Blocking (a few counts): call it in a worker thread. ``serve`` does after every fetch and
once a minute with the index refresh; a failure is logged and the old values stay.
"""

from __future__ import annotations

from adapters.composition import App
from bot.chat import PLATFORMS
from bot.metrics import (
    INDEX_LAG,
    LIBRARY_PAPERS,
    PAPERS_WITHOUT_VECTOR,
    PAUSED_CHANNELS,
    SOURCE_LAST_SUCCESS,
)
from bot.sources import ARXIV, HUGGING_FACE
from storage.operator_counts import read_operator_counts


def papers_without_vector(app: App, papers: int) -> int:
    """Papers the semantic index cannot find yet: every paper when it is off (blocking)."""
    semantic = app.library.semantic
    return semantic.store.count_missing() if semantic is not None else papers


def refresh_gauges(app: App) -> None:
    """Set library size, index lag, papers without a vector, paused channels and last good
    fetch per source."""
    counts = read_operator_counts(app.library.engine)
    LIBRARY_PAPERS.set(counts.papers)
    INDEX_LAG.set(max(0, counts.papers - app.library.index.size))
    PAPERS_WITHOUT_VECTOR.set(papers_without_vector(app, counts.papers))
    for platform in sorted(set(PLATFORMS) | set(counts.paused_channels)):
        PAUSED_CHANNELS.labels(platform).set(counts.paused_channels.get(platform, 0))
    for source, when in counts.last_fetch_ok.items():
        label = _METRIC_LABELS.get(source, source.lower())
        SOURCE_LAST_SUCCESS.labels(label).set(when.timestamp())


# Source health is stored under display names; metrics use the sources' metric labels (the
# same values as paperboy_papers_ingested_total{source}).
_METRIC_LABELS = {name.display: name.metric for name in (HUGGING_FACE, ARXIV)}
