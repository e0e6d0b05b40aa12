"""Search replies for ``/papers``: the results heading ("5 of 143") and the queries behind
"more like this" (split from :mod:`bot.commands.service`, which re-exports
:func:`similar_queries`)."""

from __future__ import annotations

from collections.abc import Sequence

from bot.chat import Dialect, Reply
from bot.commands.render import REPLY_LIMIT, render_results
from bot.papers import Paper
from bot.ranking.blend import RankedPaper
from bot.ranking.query import Query, tokenize

SEARCH_RESULTS = 5
SIMILAR_KEYWORDS = 5
SIMILAR_TITLE_WORDS = 3


def results_reply(
    lead: str,
    subject: str,
    results: Sequence[RankedPaper],
    dialect: Dialect,
    *,
    asked: str,
    total: int | None = None,
) -> Reply:
    """Results under a heading that names what they are for (``subject``, quoted for the
    caller's platform) and how many are shown of how many matched ("5 of 143"); ``asked``
    is the search echoed when nothing matched. Without a ``total`` a full page says "top 5",
    a shorter one is everything that matched."""
    if not results:
        return Reply(text=render_results(results, dialect.quote(asked)))
    count = len(results)
    if total is not None and total > count:
        shown = f"{count} of {total:,}"
    elif total is None and count == SEARCH_RESULTS:
        shown = f"top {count}"
    else:
        shown = f"{count} paper{'s' * (count != 1)}"
    heading = f"{lead} {dialect.strong(dialect.quote(subject))} — {shown}"
    body = render_results(results, subject, limit=REPLY_LIMIT - len(heading) - 300)
    return Reply(text=f"{heading}\n\n{body}", results=tuple(results), heading=heading)


def similar_queries(paper: Paper) -> list[Query]:
    """Queries for "more like this", most specific first: the paper's first AI keywords, then
    its longest title words one at a time (long words are the distinctive ones).

    Several, because one keyword is often the paper's own coinage ("Chinchilla scaling law")
    that no other paper uses; the caller takes the first query that finds other papers.
    """
    queries = [
        Query(words=tuple(words))
        for keyword in paper.ai_keywords[:SIMILAR_KEYWORDS]
        if (words := tokenize(keyword)[:3])
    ]
    title_words = dict.fromkeys(tokenize(paper.title))  # set() order would vary per run
    longest = sorted(title_words, key=len, reverse=True)[:SIMILAR_TITLE_WORDS]
    queries += [Query(words=(word,)) for word in longest]
    return queries or [Query(words=(paper.arxiv_id,))]
