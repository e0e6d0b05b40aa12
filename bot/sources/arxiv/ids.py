"""Normalise arXiv identifiers so one paper has one key across sources and versions.

Source: https://info.arxiv.org/help/arxiv_identifier.html — strip URL/OAI/``arXiv:`` prefixes and
``.pdf``, then split the trailing ``vN``. New-style ids are ``YYMM.NNNN(N)``, old-style ids are
``archive[.SC]/YYMMNNN`` (``cond-mat/0607501``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_PREFIX = re.compile(
    r"^(?:https?://(?:export\.|www\.)?arxiv\.org/(?:abs|pdf)/|oai:arXiv\.org:|arxiv:)",
    re.IGNORECASE,
)
_NEW_STYLE = re.compile(r"^(\d{4}\.\d{4,5})(?:v(\d+))?$")
_OLD_STYLE = re.compile(r"^([a-z][a-z\-]*(?:\.[A-Z]{2})?/\d{7})(?:v(\d+))?$")


@dataclass(frozen=True, slots=True)
class ArxivId:
    """An arXiv id split into its version-less key and its version (None = latest)."""

    base: str
    version: int | None = None


def parse_arxiv_id(raw: str) -> ArxivId | None:
    """Return the normalised id, or None when ``raw`` is not an arXiv id at all."""
    text = _PREFIX.sub("", raw.strip())
    if text.lower().endswith(".pdf"):
        text = text[:-4]
    for pattern in (_NEW_STYLE, _OLD_STYLE):
        match = pattern.match(text)
        if match:
            version = int(match.group(2)) if match.group(2) else None
            return ArxivId(base=match.group(1), version=version)
    return None


def base_id(raw: str) -> str | None:
    """The version-less key of ``raw``, or None when it is not an arXiv id."""
    parsed = parse_arxiv_id(raw)
    return parsed.base if parsed else None
