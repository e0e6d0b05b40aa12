"""The query language in tantivy's terms (:class:`EngineQueries`).

Split from :mod:`storage.search_index`: this module only builds queries; the index class runs
them. The built query matches exactly what the in-memory scan matches
(:func:`bot.ranking.query.match_plan`), so both search paths agree.
"""

from __future__ import annotations

from datetime import UTC, datetime

import tantivy

from bot.ranking.blend import FIELD_WEIGHTS, coverage
from bot.ranking.query import Query, match_plan
from storage.index_schema import timestamp

_EXCLUDABLE = ("title", "keywords", "abstract")  # the fields an exclusion looks in


class EngineQueries:
    """Builds tantivy queries against ``index`` with the index's own analysers, so query
    words are analysed exactly like the indexed text."""

    def __init__(
        self, index: tantivy.Index, stemmed: tantivy.TextAnalyzer, words: tantivy.TextAnalyzer
    ) -> None:
        self._index = index
        self._schema = index.schema
        self._stemmed = stemmed
        self._words = words

    def build(self, query: Query, now: datetime) -> tantivy.Query:
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
                    self._schema, "dated", tantivy.FieldType.Integer, timestamp(start), None
                )
            )
        return filters

    def _word_filter(self, field: str, text: str) -> list[tantivy.Query]:
        terms = self._words.analyze(text)
        if not terms:
            return [tantivy.Query.empty_query()]
        return [self._text_query(field, terms)]
