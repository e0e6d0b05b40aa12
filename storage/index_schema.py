"""What the search index stores and how it analyses text: the tantivy schema, the two text
analysers, the JSON copy of each paper and the document built from it.

Split from :mod:`storage.search_index` (which re-exports the public names) so the index
class holds only reading and writing; bump :data:`SCHEMA_VERSION` when anything here changes
what is stored, and every replica rebuilds its index on next open.
"""

from __future__ import annotations

import json
from dataclasses import fields
from datetime import date, datetime
from pathlib import Path
from typing import Any

import tantivy

from bot.papers import Paper
from bot.ranking.blend import FIELD_WEIGHTS, paper_date

SCHEMA_VERSION = 3
META_FILE = "paperboy-index.json"
STEMMED = "paperboy_stemmed"
WORDS = "paperboy_words"


def analyzer(stemmed: bool) -> tantivy.TextAnalyzer:
    """The analyser behind ``STEMMED`` (``stemmed=True``) or ``WORDS`` fields."""
    # The simple tokenizer (runs of letters and digits) is 5× faster than a regex one; the
    # query language splits words the same way (bot.ranking.query.tokenize).
    builder = tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple()).filter(
        tantivy.Filter.lowercase()
    )
    if stemmed:
        builder = builder.filter(tantivy.Filter.stemmer("english"))
    return builder.build()


def schema() -> tantivy.Schema:
    """The index's fields: the id, the stored paper, the text fields and the sort keys."""
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("id", stored=True, tokenizer_name="raw", index_option="basic")
    # The whole paper, so a search never needs the database: results come from one place.
    builder.add_bytes_field("paper", stored=True, indexed=False)
    for name in FIELD_WEIGHTS:
        builder.add_text_field(name, tokenizer_name=STEMMED)
    builder.add_text_field("author_names", tokenizer_name=WORDS)
    builder.add_text_field("org", tokenizer_name=WORDS)
    builder.add_text_field("cat", tokenizer_name="raw", index_option="basic")
    builder.add_unsigned_field("upvotes", indexed=True, fast=True)
    builder.add_unsigned_field("stars", indexed=True, fast=True)
    builder.add_integer_field("dated", indexed=True, fast=True)
    builder.add_unsigned_field("withdrawn", indexed=True)
    return builder.build()


_DATES = frozenset({"featured_on"})
_TIMES = frozenset({"published_at", "first_seen", "last_seen"})
_TUPLES = frozenset({"authors", "ai_keywords", "categories"})


_FIELD_NAMES = tuple(item.name for item in fields(Paper))


def paper_to_json(paper: Paper) -> bytes:
    """A compact JSON copy of ``paper`` for the index's stored field (on the ingest path, so
    written for speed: only dates and the set need converting)."""
    values = {name: getattr(paper, name) for name in _FIELD_NAMES}
    for name in _DATES | _TIMES:
        value = values[name]
        if value is not None:
            values[name] = value.isoformat()
    values["sources"] = sorted(paper.sources)
    return json.dumps(
        {k: v for k, v in values.items() if v is not None and v != () and v != []},
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode()


def paper_from_json(text: bytes) -> Paper:
    """The paper :func:`paper_to_json` wrote."""
    values: dict[str, Any] = json.loads(text)
    for name, value in values.items():
        if name in _DATES:
            values[name] = date.fromisoformat(value)
        elif name in _TIMES:
            values[name] = datetime.fromisoformat(value)
        elif name in _TUPLES:
            values[name] = tuple(value)
        elif name == "sources":
            values[name] = frozenset(value)
    return Paper(**values)


def timestamp(when: datetime) -> int:
    """Seconds since the epoch, as the integer ``dated`` field holds them."""
    return int(when.timestamp())


def document(paper: Paper) -> tantivy.Document:
    """The index document for ``paper``: its stored copy, text fields and sort keys."""
    doc = tantivy.Document()
    doc.add_text("id", paper.arxiv_id)
    doc.add_bytes("paper", paper_to_json(paper))
    doc.add_text("title", paper.title)
    doc.add_text("keywords", " ".join(paper.ai_keywords))
    doc.add_text("authors", " ".join(paper.authors))
    doc.add_text("abstract", paper.abstract)
    for name in paper.authors:
        doc.add_text("author_names", name)
    if paper.organization:
        doc.add_text("org", paper.organization)
    for category in paper.categories:
        doc.add_text("cat", category.lower())
    doc.add_unsigned("upvotes", max(paper.upvotes, 0))
    doc.add_unsigned("stars", max(paper.github_stars or 0, 0))
    when = paper_date(paper)
    if when is not None:
        doc.add_integer("dated", timestamp(when))
    doc.add_unsigned("withdrawn", int(paper.withdrawn))
    return doc


def read_meta(directory: Path) -> dict[str, object] | None:
    """The watermark file next to the index (``None``: missing or unreadable)."""
    try:
        meta = json.loads((directory / META_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return meta if isinstance(meta, dict) else None


def write_meta(directory: Path, values: dict[str, object]) -> None:
    """Replace the watermark file atomically, stamped with :data:`SCHEMA_VERSION`."""
    path = directory / META_FILE
    partial = path.with_suffix(".tmp")
    partial.write_text(json.dumps({"schema": SCHEMA_VERSION, **values}), encoding="utf-8")
    partial.replace(path)
