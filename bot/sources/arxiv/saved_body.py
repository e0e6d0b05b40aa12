"""Tell a saved arXiv body's kind (API Atom, announcement feed, listing page) and parse it."""

from __future__ import annotations

from datetime import datetime

from bot.errors import BadPayload
from bot.sources.arxiv.listing import parse_listing_page
from bot.sources.arxiv.parse import ArxivBatch, parse_arxiv_feed

_SNIFF_BYTES = 4096


def parse_saved_arxiv_body(data: bytes, *, seen_at: datetime | None = None) -> ArxivBatch:
    """Parse the bytes of a saved arXiv response, whichever of the three kinds it is.

    Bytes, not text: an XML body declares its own encoding, and feedparser honours it.
    """
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:_SNIFF_BYTES].lower()
    if not head:
        raise BadPayload("The file is empty.")
    if b"<rss" in head or b"<feed" in head:
        return parse_arxiv_feed(data, seen_at=seen_at, what="file")
    if b"<html" in head or b"<!doctype html" in head or b"dlpage" in head:
        return parse_listing_page(data.decode("utf-8", errors="replace"), seen_at=seen_at)
    if head.startswith(b"<?xml"):  # an XML declaration, then nothing we know (or truncated)
        return parse_arxiv_feed(data, seen_at=seen_at, what="file")
    raise BadPayload(
        "The file is neither an arXiv API (Atom) response, an arXiv RSS feed, "
        "nor an arXiv listing page."
    )
