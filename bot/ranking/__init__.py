"""Ranking: which papers answer a query, and in what order.

- A query is parsed in :mod:`bot.ranking.query` (``parse_query``: words, "phrases",
  -exclusions, ``author:``, ``cat:``, ``since:`` …), the same language for the CLI, topics
  and ``/papers`` searches.
- Papers are scored in :mod:`bot.ranking.blend` (relevance × a bounded lift from upvotes,
  stars and recency; the formula and why each term is bounded are written there), which also
  writes each paper's "why" line.
- :mod:`bot.ranking.search` holds the engines behind :class:`bot.ports.Ranker` (the
  full-text index in ``storage/search_index.py`` finds candidates; the blend orders them).
"""
