"""The reason line under each result: what really matched, then the community signal.

``title has "scaling laws" · abstract mentions "kv cache" · 86 upvotes · 2 days old``

Honest by construction: the words named are found again in the paper's own fields (stem by
stem, the query language's analysis), never copied from the query. A word that matched
nowhere is not named; words that sit side by side in the field are shown together, others
one by one. A paper that the dense side brought in without any shared word says
:data:`MEANING_REASON` instead (its ``matched_field`` is :data:`MEANING`).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from bot.papers import Paper
from bot.ranking.query import Query, match_plan, stem, stems, tokenize, word_stems

# The field names a match can come from, most telling first.
TEXT_FIELDS = ("title", "keywords", "authors", "abstract")
# The matched_field of a paper found by meaning (the embedding side), not by shared words.
MEANING = "meaning"
MEANING_REASON = "close in meaning to your topic"
_VERBS = {
    "title": "title has",
    "keywords": "keywords include",
    "authors": "authors include",
    "abstract": "abstract mentions",
}
_MAX_SHOWN = 4  # words named per field: a pasted title should not be echoed whole


def field_tokens(paper: Paper) -> dict[str, list[str]]:
    """The stemmed token lists of each scored field."""
    return {
        "title": stems(paper.title),
        "keywords": stems(" ".join(paper.ai_keywords)),
        "authors": stems(" ".join(paper.authors)),
        "abstract": stems(paper.abstract),
    }


def contains_run(tokens: Sequence[str], run: Sequence[str]) -> bool:
    """Whether ``run`` occurs in ``tokens`` as consecutive tokens."""
    width = len(run)
    return any(list(tokens[i : i + width]) == list(run) for i in range(len(tokens) - width + 1))


def _wanted(query: Query) -> list[tuple[str, list[tuple[str, ...]]]]:
    """Each thing the query looks for, as shown to a user and as a sequence of stem choices."""
    plan = match_plan(query)
    wanted = [(w, [word_stems(w)]) for w in (*query.required, *plan.soft_words)]
    wanted += [(p, [(s,) for s in stems(p)]) for p in query.phrases]
    return wanted


def _found(tokens: Sequence[str], choices: list[tuple[str, ...]]) -> bool:
    """Whether a sequence of stem choices occurs consecutively in ``tokens``."""
    width = len(choices)
    for i in range(len(tokens) - width + 1):
        if all(tokens[i + k] in choices[k] for k in range(width)):
            return True
    return False


def _texts(paper: Paper) -> dict[str, str]:
    return {
        "title": paper.title,
        "keywords": " ".join(paper.ai_keywords),
        "authors": " ".join(paper.authors),
        "abstract": paper.abstract,
    }


def _sparse_stems(text: str, prefixes: frozenset[str]) -> list[str]:
    """The stems of ``text``'s tokens, but only for tokens that could be a wanted stem (same
    first two letters: Snowball only changes a word's end); others are ``""``. A reason
    line reads ten abstracts per search, and stemming all of them would dominate it."""
    return [stem(t) if t[:2] in prefixes else "" for t in tokenize(text)]


@lru_cache(maxsize=512)  # matched_field and the reason line ask about the same paper
def _matches(paper: Paper, query: Query) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    wanted = _wanted(query)
    prefixes = frozenset(s[:2] for _, choices in wanted for c in choices for s in c)
    tokens = {name: _sparse_stems(text, prefixes) for name, text in _texts(paper).items()}
    found = {
        name: [shown for shown, choices in wanted if choices and _found(field, choices)]
        for name, field in tokens.items()
    }
    return found, tokens


def text_matches(paper: Paper, query: Query) -> dict[str, list[str]]:
    """For each field, the query's words and phrases found in it (in query order)."""
    return _matches(paper, query)[0]


def matched_field(paper: Paper, query: Query) -> str | None:
    """The field that carries most of the query (title first on a tie), for the reason
    line; ``None`` for a query without text or when no word of it is in the paper."""
    if not query.has_text:
        return None
    found = text_matches(paper, query)
    best = max(TEXT_FIELDS, key=lambda n: (len(found[n]), -TEXT_FIELDS.index(n)))
    return best if found[best] else None


def _shown(paper: Paper, query: Query, field: str, words: list[str]) -> str:
    """``"gpu memory"`` when the words sit together in the field, else ``"gpu", "memory"``."""
    words = words[:_MAX_SHOWN]
    tokens = _matches(paper, query)[1][field]
    together = [s for w in words for s in stems(w)]
    if len(words) > 1 and contains_run(tokens, together):
        return f'"{" ".join(words)}"'
    return ", ".join(f'"{w}"' for w in words)


def match_words(paper: Paper, query: Query, field: str | None) -> list[str]:
    """The reason's first parts: the best field's words, then (once) words found only in
    another field. ``field`` is the caller's :func:`matched_field` (or :data:`MEANING`)."""
    if field == MEANING:
        return [MEANING_REASON]
    if field is None or not query.has_text:
        return []
    found = text_matches(paper, query)
    parts = [f"{_VERBS[field]} {_shown(paper, query, field, found[field])}"] if found[field] else []
    told = set(found[field])
    for other in TEXT_FIELDS:
        rest = [w for w in found[other] if w not in told]
        if other != field and rest:
            parts.append(f"{_VERBS[other]} {_shown(paper, query, other, rest)}")
            break
    return parts
