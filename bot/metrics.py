"""Prometheus metrics, defined once; ``/metrics`` on the ``--http`` listener exposes them.

Labels stay low-cardinality (platform, source, outcome, command verb) — never channel ids.
"""

from __future__ import annotations

from prometheus_client import Counter, Histogram

PAPERS_INGESTED = Counter(
    "paperboy_papers_ingested_total", "Papers written to the library, by source.", ["source"]
)
SOURCE_ERRORS = Counter(
    "paperboy_source_errors_total", "Fetches from a paper source that failed.", ["source"]
)
DIGESTS = Counter(
    "paperboy_digests_total",
    "Digests by outcome: posted, failed, skipped (empty and quiet, or paused).",
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
