"""The full-text search index (tantivy), derived from the database and kept in step with it.

The database is the source of truth; this index is a per-replica cache of it in a directory
(``PAPERBOY_INDEX_DIR``). Every write through :class:`adapters.composition.Library` updates
both; :func:`bring_up_to_date` heals an index that is missing, from an older schema, or
behind the database (another replica ingested, a crash between the two writes), by comparing
the watermark stored next to the index with the database's. Dropping the directory is always
safe: the next open rebuilds it.

Text fields are analysed exactly like the query language (runs of letters and digits, lower
case, Snowball English stems — the same algorithm as :func:`bot.ranking.query.stem`), and the
query's words go through this same analyser, so ``scaling`` finds ``scale`` and ``scaled``, and
phrases match stem by stem.
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path
from typing import cast

import tantivy

from bot.papers import Paper
from bot.ports import Candidate, CandidateOrder, LibraryWatermark
from bot.ranking.query import Query
from storage.index_query import EngineQueries
from storage.index_schema import (
    META_FILE,
    SCHEMA_VERSION,
    STEMMED,
    WORDS,
    analyzer,
    document,
    paper_from_json,
    paper_to_json,
    read_meta,
    schema,
    write_meta,
)
from storage.index_sync import bring_up_to_date

__all__ = [
    "META_FILE",
    "SCHEMA_VERSION",
    "TantivyIndex",
    "bring_up_to_date",
    "paper_from_json",
    "paper_to_json",
]

log = logging.getLogger(__name__)

_ORDER_FIELDS: dict[CandidateOrder, str] = {
    "upvotes": "upvotes",
    "stars": "stars",
    "recency": "dated",
}
_WRITE_BATCH = 5_000


class TantivyIndex:
    """:class:`bot.ports.SearchIndex` on a tantivy index in ``directory``.

    One process writes at a time (tantivy holds a lock file). Each write opens the writer,
    commits, waits for segment merges and lets the lock go, so a CLI fetch and a running
    bot can share a directory; readers see other processes' commits on their own.
    """

    def __init__(self, directory: Path, *, writer_heap_mb: int = 128, threads: int = 0) -> None:
        self.directory = directory
        self._heap = writer_heap_mb * 1_000_000
        self._threads = threads
        self._stemmed = analyzer(stemmed=True)
        self._words = analyzer(stemmed=False)
        directory.mkdir(parents=True, exist_ok=True)
        if not self._schema_is_current():
            _empty_directory(directory)
        self._index = tantivy.Index(schema(), path=str(directory), reuse=True)
        self._index.register_tokenizer(STEMMED, self._stemmed)
        self._index.register_tokenizer(WORDS, self._words)
        self._schema = self._index.schema
        self._queries = EngineQueries(self._index, self._stemmed, self._words)
        self._writer: tantivy.IndexWriter | None = None

    # -- reading ----------------------------------------------------------------------------

    @property
    def size(self) -> int:
        """How many papers the index holds."""
        return int(self._index.searcher().num_docs)

    def analyze(self, text: str) -> list[str]:
        """The terms the index makes of ``text`` (the query language's stems, in order)."""
        return list(self._stemmed.analyze(text))

    def watermark(self) -> LibraryWatermark | None:
        """The library state this index last caught up with (``None``: never built)."""
        meta = read_meta(self.directory)
        count = meta.get("count") if meta else None
        if meta is None or not isinstance(count, int):
            return None
        last = meta.get("last_change")
        return LibraryWatermark(
            count=count,
            last_change=datetime.fromisoformat(last) if isinstance(last, str) else None,
        )

    def candidates(
        self, query: Query, *, limit: int, now: datetime, order: CandidateOrder = "relevance"
    ) -> list[Candidate]:
        """The best ``limit`` matches, filters and exclusions applied by the engine."""
        return self._hits(self._index.searcher(), self.engine_query(query, now), limit, order)

    def _hits(
        self,
        searcher: tantivy.Searcher,
        engine_query: tantivy.Query,
        limit: int,
        order: CandidateOrder,
    ) -> list[Candidate]:
        if order == "relevance":
            hits = searcher.search(engine_query, limit, count=False).hits
        else:
            field = _ORDER_FIELDS[order]
            hits = searcher.search(engine_query, limit, count=False, order_by_field=field).hits
        if not hits:
            return []
        addresses = [address for _, address in hits]
        upvotes = searcher.fast_field_values("upvotes", addresses)
        stars = searcher.fast_field_values("stars", addresses)
        dated = searcher.fast_field_values("dated", addresses)
        found: list[Candidate] = []
        for i, (score, address) in enumerate(hits):
            when = dated[i]
            found.append(
                Candidate(
                    handle=(searcher, address),
                    relevance=float(score) if order == "relevance" else 1.0,
                    upvotes=int(upvotes[i] or 0),
                    github_stars=int(stars[i] or 0),
                    dated=datetime.fromtimestamp(int(when), UTC) if when is not None else None,
                    key=(address.segment_ord, address.doc),
                )
            )
        return found

    def candidates_among(
        self, query: Query, arxiv_ids: Sequence[str], *, now: datetime
    ) -> list[tuple[Candidate, Paper]]:
        """These papers, when they pass the query with its plain words dropped (the dense
        side found them by meaning; filters, exclusions and phrases still hold), each with
        its stored copy."""
        ids_ = list(dict.fromkeys(arxiv_ids))
        if not ids_:
            return []
        ids = tantivy.Query.boolean_query(
            [(tantivy.Occur.Should, tantivy.Query.term_query(self._schema, "id", i)) for i in ids_]
        )
        restricted = tantivy.Query.boolean_query(
            [
                (tantivy.Occur.Must, self.engine_query(replace(query, words=()), now)),
                (tantivy.Occur.Must, tantivy.Query.const_score_query(ids, 0.0)),
            ]
        )
        found = self._hits(self._index.searcher(), restricted, len(ids_), "relevance")
        return [
            (replace(candidate, relevance=1.0), paper)
            for candidate, paper in zip(found, self.papers(found), strict=True)
        ]

    def papers(self, candidates: Sequence[Candidate]) -> list[Paper]:
        """The papers behind these candidates (a stored-field read each: only the winners)."""
        papers: list[Paper] = []
        for candidate in candidates:
            searcher, address = cast(tuple[tantivy.Searcher, tantivy.DocAddress], candidate.handle)
            stored = searcher.doc(address).get_first("paper")
            papers.append(paper_from_json(bytes(stored or b"")))
        return papers

    def find(self, arxiv_id: str) -> Paper | None:
        """The indexed paper with this id (its stored copy), or ``None``."""
        searcher = self._index.searcher()
        id_query = tantivy.Query.term_query(self._schema, "id", arxiv_id)
        hits = searcher.search(id_query, 1, count=False).hits
        if not hits:
            return None
        stored = searcher.doc(hits[0][1]).get_first("paper")
        return paper_from_json(bytes(stored or b""))

    def count(self, query: Query, *, now: datetime) -> int:
        """How many papers match ``query`` (every match is visited: for replies, not digests)."""
        found = self._index.searcher().search(self.engine_query(query, now), 1, count=True)
        counted = getattr(found, "count", None)  # present at runtime, missing from the stubs
        return int(counted or 0)

    def engine_query(self, query: Query, now: datetime) -> tantivy.Query:
        """The query in tantivy's terms (:meth:`storage.index_query.EngineQueries.build`)."""
        return self._queries.build(query, now)

    # -- writing ----------------------------------------------------------------------------

    def upsert(self, papers: Iterable[Paper], *, new_ids: Collection[str] = ()) -> int:
        """Add or replace these papers and make them searchable; how many were written.

        Papers in ``new_ids`` are known not to be indexed yet (just inserted in the
        database), which saves a delete each — deletes are what makes a commit slow."""
        writer = self._open_writer()
        written = 0
        newest: datetime | None = None
        for paper in papers:
            if paper.arxiv_id not in new_ids:
                writer.delete_documents_by_term("id", paper.arxiv_id)
            writer.add_document(document(paper))
            written += 1
            if paper.last_seen is not None and (newest is None or paper.last_seen > newest):
                newest = paper.last_seen
        self._commit(newest)
        return written

    def delete(self, arxiv_ids: Iterable[str]) -> None:
        """Remove these papers from the index."""
        writer = self._open_writer()
        for arxiv_id in arxiv_ids:
            writer.delete_documents_by_term("id", arxiv_id)
        self._commit(None)

    def rebuild(self, papers: Iterable[Paper]) -> int:
        """Drop everything and index ``papers`` (the whole library) afresh."""
        writer = self._open_writer()
        writer.delete_all_documents()
        written = 0
        newest: datetime | None = None
        iterator: Iterator[Paper] = iter(papers)
        while batch := list(islice(iterator, _WRITE_BATCH)):
            for paper in batch:
                writer.add_document(document(paper))
                if paper.last_seen is not None and (newest is None or paper.last_seen > newest):
                    newest = paper.last_seen
            written += len(batch)
        self._commit(newest, reset=True)
        return written

    def _open_writer(self) -> tantivy.IndexWriter:
        if self._writer is None:
            self._writer = self._index.writer(heap_size=self._heap, num_threads=self._threads)
        return self._writer

    def _commit(self, newest: datetime | None, *, reset: bool = False) -> None:
        assert self._writer is not None  # every caller opened it
        self._writer.commit()
        self.close()
        self._index.reload()
        previous = None if reset else self.watermark()
        last = previous.last_change if previous else None
        if newest is not None and (last is None or newest > last):
            last = newest
        write_meta(
            self.directory, {"count": self.size, "last_change": last.isoformat() if last else None}
        )

    def close(self) -> None:
        """Finish background merges and release the writer lock."""
        if self._writer is not None:
            self._writer.wait_merging_threads()
            self._writer = None

    # -- the watermark file -----------------------------------------------------------------

    def _schema_is_current(self) -> bool:
        if not tantivy.Index.exists(str(self.directory)):
            return True  # nothing there yet: created below
        meta = read_meta(self.directory)
        return meta is not None and meta.get("schema") == SCHEMA_VERSION


def _empty_directory(directory: Path) -> None:
    """Forget an index from another schema version; it is rebuilt from the database."""
    log.warning("search index at %s is from another version; rebuilding it", directory)
    for child in directory.iterdir():
        if child.is_dir():
            shutil.rmtree(child)
        else:
            child.unlink()
