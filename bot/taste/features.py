"""What the taste model sees of a paper: a sparse, L2-normalised feature vector.

:class:`Featurizer` is the seam: :class:`WordFeatures` (stemmed words of the title, AI
keywords and abstract) is what ships today; a featurizer over the library's embedding
vectors satisfies the same contract (dense vectors keyed ``"0"``, ``"1"``, ...), and the
model over it does not change. Words also name what a channel learned (``/papers list``).
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Protocol

from bot.papers import Paper
from bot.ranking.query import STOPWORDS, stems

Vector = dict[str, float]

# A title word says more about a paper than an abstract word; keywords sit in between.
TITLE_WEIGHT = 3.0
KEYWORD_WEIGHT = 2.0
ABSTRACT_WEIGHT = 1.0
MIN_STEM_LENGTH = 3
CACHE_SIZE = 50_000  # papers; a vector is a few hundred floats, so ~ tens of MB at most


class Featurizer(Protocol):
    """Turns papers into L2-normalised sparse vectors (the same paper → the same vector)."""

    def vector(self, paper: Paper) -> Vector:
        """The paper's vector; ``{}`` for a paper with nothing to go on."""
        ...


def normalised(weights: dict[str, float]) -> Vector:
    """``weights`` scaled to unit length (``{}`` stays empty)."""
    norm = math.sqrt(sum(w * w for w in weights.values()))
    return {k: w / norm for k, w in weights.items()} if norm else {}


def dot(a: Vector, b: Vector) -> float:
    """The dot product of two sparse vectors (iterating over the shorter)."""
    if len(a) > len(b):
        a, b = b, a
    return sum(w * b.get(k, 0.0) for k, w in a.items())


class WordFeatures:
    """Log-scaled, field-weighted stem counts, cached per paper id.

    No IDF: the model subtracts what disliked papers share with liked ones, which cancels
    words every paper uses; :data:`STOPWORDS` and short stems go first anyway.
    """

    def __init__(
        self, cache_size: int = CACHE_SIZE, idf: Callable[[str], float] | None = None
    ) -> None:
        self._cache: OrderedDict[str, Vector] = OrderedDict()
        self._size = cache_size
        self._idf = idf

    def vector(self, paper: Paper) -> Vector:
        """The paper's word vector (cached: retraining after a vote reads no text)."""
        found = self._cache.get(paper.arxiv_id)
        if found is not None:
            self._cache.move_to_end(paper.arxiv_id)
            return found
        counts: dict[str, float] = {}
        fields: Sequence[tuple[str, float]] = (
            (paper.title, TITLE_WEIGHT),
            (" ".join(paper.ai_keywords), KEYWORD_WEIGHT),
            (paper.abstract, ABSTRACT_WEIGHT),
        )
        for text, weight in fields:
            for term in stems(text):
                if len(term) >= MIN_STEM_LENGTH and term not in STOPWORDS:
                    counts[term] = counts.get(term, 0.0) + weight
        idf = self._idf or (lambda _term: 1.0)
        vector = normalised({t: (1.0 + math.log(c)) * idf(t) for t, c in counts.items()})
        self._cache[paper.arxiv_id] = vector
        if len(self._cache) > self._size:
            self._cache.popitem(last=False)
        return vector
