"""Prometheus metrics, defined once; ``/metrics`` on the ``--http`` listener exposes them.

Labels stay low-cardinality (platform, source, outcome, command verb) — never channel ids.
Counters and histograms are observed where things happen; the gauges describe the shared
state (library, paused channels, source health) and are refreshed from the database by
``adapters/gauges.py`` — after every fetch and once a minute — so any replica reports the
same numbers, whichever one did the work.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from prometheus_client import Counter, Gauge, Histogram, Info

PAPERS_INGESTED = Counter(
    "paperboy_papers_ingested_total", "Papers written to the library, by source.", ["source"]
)
SOURCE_ERRORS = Counter(
    "paperboy_source_errors_total", "Fetches from a paper source that failed.", ["source"]
)
DIGESTS = Counter(
    "paperboy_digests_total",
    "Digest deliveries by platform and outcome: posted, empty (an explanation was posted), "
    "skipped (nothing new and quiet, or asked for by hand), failed (lost access, a permanent "
    "error, or a transient one that will be retried).",
    ["platform", "outcome"],
)
DELIVERY_LATENCY = Histogram(
    "paperboy_digest_delivery_seconds",
    "Seconds from a digest's scheduled time to its post.",
    ["platform"],
    buckets=(1, 5, 15, 30, 60, 120, 300, 900, 3600),
)
COMMAND_LATENCY = Histogram(
    "paperboy_command_seconds",
    "Seconds to answer a /papers command, by platform and verb.",
    ["platform", "command"],
    buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 10),
)
SEARCH_LATENCY = Histogram(
    "paperboy_search_seconds",
    "Seconds to rank one query against the library (searches, digest topics, the CLI).",
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5),
)
SOURCE_LAST_SUCCESS = Gauge(
    "paperboy_source_last_success_timestamp_seconds",
    "Unix time of the last successful fetch from each paper source (by any replica); "
    "alert on time() minus this.",
    ["source"],
)
PAUSED_CHANNELS = Gauge(
    "paperboy_paused_channels",
    "Channels whose digests are paused until someone fixes access, by platform.",
    ["platform"],
)
LIBRARY_PAPERS = Gauge("paperboy_library_papers", "Papers in the library (the database).")
INDEX_LAG = Gauge(
    "paperboy_index_lag_papers",
    "Papers in the database that this replica's search index does not hold yet "
    "(database count minus index count; it heals on the next refresh).",
)
PAPERS_WITHOUT_VECTOR = Gauge(
    "paperboy_papers_without_vector",
    "Papers in the database without an embedding: found by their words only until "
    "`paperboy index embed` (or the next ingest) gives them one. Equals the library size "
    "when search by meaning is off.",
)
BUILD_INFO = Info("paperboy_build", "The running Paperboy's version.")


def _version() -> str:
    try:
        return version("paperboy")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "unknown"


BUILD_INFO.info({"version": _version()})
