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

import json
import logging
import shutil
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import fields, replace
from datetime import UTC, date, datetime
from itertools import islice
from pathlib import Path
from typing import Any, cast

import tantivy

from bot.papers import Paper
from bot.ports import Candidate, CandidateOrder, LibraryWatermark
from bot.ranking.blend import FIELD_WEIGHTS, coverage, paper_date
from bot.ranking.query import Query, match_plan
from storage.paper_repository import SqlPaperRepository

log = logging.getLogger(__name__)

SCHEMA_VERSION = 3
META_FILE = "paperboy-index.json"
_STEMMED = "paperboy_stemmed"
_WORDS = "paperboy_words"
_EXCLUDABLE = ("title", "keywords", "abstract")  # the fields an exclusion looks in
_ORDER_FIELDS: dict[CandidateOrder, str] = {
    "upvotes": "upvotes",
    "stars": "stars",
    "recency": "dated",
}
_WRITE_BATCH = 5_000


def _analyzer(stemmed: bool) -> tantivy.TextAnalyzer:
    # The simple tokenizer (runs of letters and digits) is 5× faster than a regex one; the
    # query language splits words the same way (bot.ranking.query.tokenize).
    builder = tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple()).filter(
        tantivy.Filter.lowercase()
    )
    if stemmed:
        builder = builder.filter(tantivy.Filter.stemmer("english"))
    return builder.build()


def _schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("id", stored=True, tokenizer_name="raw", index_option="basic")
    # The whole paper, so a search never needs the database: results come from one place.
    builder.add_bytes_field("paper", stored=True, indexed=False)
    for name in FIELD_WEIGHTS:
        builder.add_text_field(name, tokenizer_name=_STEMMED)
    builder.add_text_field("author_names", tokenizer_name=_WORDS)
    builder.add_text_field("org", tokenizer_name=_WORDS)
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


def _timestamp(when: datetime) -> int:
    return int(when.timestamp())


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
        self._stemmed = _analyzer(stemmed=True)
        self._words = _analyzer(stemmed=False)
        directory.mkdir(parents=True, exist_ok=True)
        if not self._schema_is_current():
            _empty_directory(directory)
        self._index = tantivy.Index(_schema(), path=str(directory), reuse=True)
        self._index.register_tokenizer(_STEMMED, self._stemmed)
        self._index.register_tokenizer(_WORDS, self._words)
        self._schema = self._index.schema
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
        meta = self._read_meta()
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
        """The query in tantivy's terms, matching exactly what the scan matches
        (:func:`bot.ranking.query.match_plan`): ``+words`` and phrases must match in some
        field, at least ``soft_needed`` of the soft words must (each word through any of its
        stems), exclusions must not, and filters narrow without adding to the score. Words
        are scored BM25 per field, weighted like :data:`bot.ranking.blend.FIELD_WEIGHTS`,
        plus a coverage bonus per soft word found (:func:`bot.ranking.blend.coverage`)."""
        occur = tantivy.Occur
        plan = match_plan(query)
        clauses = [(occur.Must, self._word(choices, 0.0)) for choices in plan.required]
        for text in query.phrases:
            terms = self._stemmed.analyze(text)
            if terms:
                clauses.append((occur.Must, self._any_field([terms], FIELD_WEIGHTS)))
        if plan.soft and plan.soft_needed == len(plan.soft):
            # Every word needed: a plain conjunction, which tantivy prunes well; the coverage
            # bonus would be the same for every match, so it is left out.
            clauses += [(occur.Must, self._word(c, 0.0)) for c in plan.soft]
        elif plan.soft:
            searcher = self._index.searcher()
            soft = [(occur.Should, self._word(c, self._bonus(searcher, c))) for c in plan.soft]
            needed = plan.soft_needed or None
            group = tantivy.Query.boolean_query(soft, minimum_number_should_match=needed)
            clauses.append((occur.Must if needed else occur.Should, group))
        for text in query.excluded:
            terms = self._stemmed.analyze(text)
            if terms:
                weights = {name: 1.0 for name in _EXCLUDABLE}
                clauses.append((occur.MustNot, self._any_field([terms], weights)))
        filters = self._filters(query, now)
        clauses += [(occur.Must, tantivy.Query.const_score_query(f, 0.0)) for f in filters]
        if not any(kind == occur.Must for kind, _ in clauses):
            clauses.append(
                (occur.Must, tantivy.Query.const_score_query(tantivy.Query.all_query(), 1.0))
            )
        clauses.append((occur.MustNot, tantivy.Query.term_query(self._schema, "withdrawn", 1)))
        return tantivy.Query.boolean_query(clauses)

    def _word(self, choices: tuple[str, ...], bonus: float) -> tantivy.Query:
        """One query word: BM25 of any of its stems in any field, plus ``bonus`` if found."""
        scored = self._any_field([[c] for c in choices], FIELD_WEIGHTS)
        if not bonus:
            return scored
        should = tantivy.Occur.Should
        found = tantivy.Query.const_score_query(scored, bonus)
        return tantivy.Query.boolean_query([(should, scored), (should, found)])

    def _bonus(self, searcher: tantivy.Searcher, choices: tuple[str, ...]) -> float:
        """The coverage bonus of one word: :data:`COVERAGE_BONUS` × its idf (a paper-level
        document frequency: the most of any field), so it scales like BM25 and fades for
        words nearly every paper has — the scan computes the same (``blend.coverage``)."""
        count = searcher.num_docs
        df = max(searcher.doc_freq(name, c) for name in FIELD_WEIGHTS for c in choices)
        return coverage(df, count)

    def _any_field(self, alternatives: list[list[str]], weights: dict[str, float]) -> tantivy.Query:
        """Any of the term sequences (a term or a phrase each) in any field, weighted."""
        should = tantivy.Occur.Should
        parts = [
            (should, tantivy.Query.boost_query(self._text_query(name, terms), weight))
            for name, weight in weights.items()
            for terms in alternatives
        ]
        return tantivy.Query.boolean_query(parts)

    def _text_query(self, field: str, terms: list[str]) -> tantivy.Query:
        if len(terms) == 1:
            return tantivy.Query.term_query(self._schema, field, terms[0])
        return tantivy.Query.phrase_query(self._schema, field, list(terms))

    def _filters(self, query: Query, now: datetime) -> list[tantivy.Query]:
        filters: list[tantivy.Query] = []
        for name in query.authors:
            filters += self._word_filter("author_names", name)
        for name in query.orgs:
            filters += self._word_filter("org", name)
        if query.categories:
            filters.append(
                tantivy.Query.boolean_query(
                    [
                        (
                            tantivy.Occur.Should,
                            tantivy.Query.term_query(self._schema, "cat", c.lower()),
                        )
                        for c in query.categories
                    ]
                )
            )
        if query.min_upvotes is not None:
            filters.append(
                tantivy.Query.range_query(
                    self._schema, "upvotes", tantivy.FieldType.Unsigned, query.min_upvotes, None
                )
            )
        if query.since is not None:
            day = query.since.resolve(now)
            start = datetime(day.year, day.month, day.day, tzinfo=UTC)
            filters.append(
                tantivy.Query.range_query(
                    self._schema, "dated", tantivy.FieldType.Integer, _timestamp(start), None
                )
            )
        return filters

    def _word_filter(self, field: str, text: str) -> list[tantivy.Query]:
        terms = self._words.analyze(text)
        if not terms:
            return [tantivy.Query.empty_query()]
        return [self._text_query(field, terms)]

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
            writer.add_document(self._document(paper))
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
                writer.add_document(self._document(paper))
                if paper.last_seen is not None and (newest is None or paper.last_seen > newest):
                    newest = paper.last_seen
            written += len(batch)
        self._commit(newest, reset=True)
        return written

    def _document(self, paper: Paper) -> tantivy.Document:
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
            doc.add_integer("dated", _timestamp(when))
        doc.add_unsigned("withdrawn", int(paper.withdrawn))
        return doc

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
        self._write_meta({"count": self.size, "last_change": last.isoformat() if last else None})

    def close(self) -> None:
        """Finish background merges and release the writer lock."""
        if self._writer is not None:
            self._writer.wait_merging_threads()
            self._writer = None

    # -- the watermark file -----------------------------------------------------------------

    def _read_meta(self) -> dict[str, object] | None:
        try:
            meta = json.loads((self.directory / META_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return meta if isinstance(meta, dict) else None

    def _write_meta(self, values: dict[str, object]) -> None:
        path = self.directory / META_FILE
        partial = path.with_suffix(".tmp")
        partial.write_text(json.dumps({"schema": SCHEMA_VERSION, **values}), encoding="utf-8")
        partial.replace(path)

    def _schema_is_current(self) -> bool:
        if not tantivy.Index.exists(str(self.directory)):
            return True  # nothing there yet: created below
        meta = self._read_meta()
        return meta is not None and meta.get("schema") == SCHEMA_VERSION


def _empty_directory(directory: Path) -> None:
    """Forget an index from another schema version; it is rebuilt from the database."""
    log.warning("search index at %s is from another version; rebuilding it", directory)
    for child in directory.iterdir():
        if child.is_dir():
            shutil.rmtree(child)
        else:
            child.unlink()


def bring_up_to_date(index: TantivyIndex, repository: SqlPaperRepository) -> str:
    """Make ``index`` match the database; say what it took (for logs and the CLI).

    In step when it has seen as many papers and the newest change. Behind: re-index the
    papers written since its watermark (cheap: another replica's latest ingest), and rebuild
    from scratch if the counts still differ (papers deleted elsewhere, a lost directory).
    """
    library = repository.watermark()
    mine = index.watermark()
    counts_match = mine is not None and mine.count == library.count == index.size
    seen_newest = library.last_change is None or (
        mine is not None
        and mine.last_change is not None
        and library.last_change <= mine.last_change
    )
    if counts_match and seen_newest:
        return "in step"
    if mine is not None and mine.last_change is not None:
        caught_up = index.upsert(repository.iter_papers(changed_since=mine.last_change))
        if index.size == library.count:
            return f"caught up ({caught_up} papers re-indexed)"
    rebuilt = index.rebuild(repository.iter_papers())
    return f"rebuilt ({rebuilt} papers)"
