"""What the taste model sees of a paper: a sparse, L2-normalised feature vector.

:class:`Featurizer` is the seam: :class:`WordFeatures` (stemmed words of the title, AI
keywords and abstract) is what ships today; a featurizer over the library's embedding
vectors satisfies the same contract (dense vectors keyed ``"0"``, ``"1"``, ...), and the
model over it does not change. Words also name what a channel learned (``/papers list``).
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from itertools import islice
from typing import Protocol

from bot.papers import Paper
from bot.ranking.query import STOPWORDS, stems

Vector = dict[str, float]

# A title word says more about a paper than an abstract word; keywords sit in between.
TITLE_WEIGHT = 3.0
KEYWORD_WEIGHT = 2.0
ABSTRACT_WEIGHT = 1.0
MIN_STEM_LENGTH = 3
IDF_SAMPLE = 20_000
IDF_DAYS = 365
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


def paper_terms(paper: Paper) -> dict[str, float]:
    """Field-weighted counts of the paper's content stems (title ×3, keywords ×2, abstract)."""
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
    return counts


class LibraryIdf:
    """Inverse document frequency over a sample of the library (its most recent papers).

    Built on first use, in whichever worker thread needs it first, from at most
    :data:`IDF_SAMPLE` papers of the last :data:`IDF_DAYS` days: the words a channel's
    papers have in common with every other paper ("model", "method") then weigh little, so
    what ``/papers list`` says the channel learned is about its subject. On the CSFCube
    simulation it ranks about as well as no IDF (bench/README.md, "Taste").
    """

    def __init__(self, papers: Callable[[], Iterable[Paper]]) -> None:
        self._papers = papers
        self._idf: dict[str, float] | None = None
        self._default = 1.0
        self._lock = threading.Lock()

    def __call__(self, term: str) -> float:
        """The term's IDF; rare terms (never seen in the sample) weigh most."""
        idf = self._idf
        if idf is None:
            with self._lock:
                if self._idf is None:
                    self._idf = self._build()
                idf = self._idf
        return idf.get(term, self._default)

    def _build(self) -> dict[str, float]:
        df: dict[str, int] = {}
        total = 0
        for paper in islice(self._papers(), IDF_SAMPLE):
            total += 1
            for term in paper_terms(paper):
                df[term] = df.get(term, 0) + 1
        self._default = math.log(1 + (total + 0.5) / 0.5)
        return {t: math.log(1 + (total - d + 0.5) / (d + 0.5)) for t, d in df.items()}


class WordFeatures:
    """Log-scaled, field-weighted stem counts, times an IDF when given, cached per paper id.

    Without IDF the model works as well (it subtracts what disliked papers share with liked
    ones, which cancels words every paper uses); with it, its top words say more.
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
        counts = paper_terms(paper)
        idf = self._idf or (lambda _term: 1.0)
        vector = normalised({t: (1.0 + math.log(c)) * idf(t) for t, c in counts.items()})
        self._cache[paper.arxiv_id] = vector
        if len(self._cache) > self._size:
            self._cache.popitem(last=False)
        return vector


class PaperVectors(Protocol):
    """A paper's embedding vector, when the library has one (issue 12's vectors)."""

    def vector_of(self, arxiv_id: str) -> Sequence[float] | None:
        """The paper's vector, or None when it has none (yet)."""
        ...


class VectorFeatures:
    """A paper's embedding as a taste vector (keys ``d0``…), its words when it has none.

    Dense and word keys never overlap, so a paper featurized by words while its vector was
    missing simply shares nothing with the others until the next rebuild.
    """

    def __init__(
        self,
        vectors: PaperVectors,
        fallback: Featurizer | None = None,
        center: Sequence[float] | None = None,
    ) -> None:
        self._vectors = vectors
        self._fallback = fallback
        self._center = center

    def vector(self, paper: Paper) -> Vector:
        """The normalised embedding (minus ``center``, the library's mean, when given:
        sentence embeddings all lean one way, which hides differences between papers), or
        the fallback's vector."""
        dense = self._vectors.vector_of(paper.arxiv_id)
        if dense is None:
            return self._fallback.vector(paper) if self._fallback is not None else {}
        center = self._center or [0.0] * len(dense)
        return normalised(
            {f"d{i}": float(x) - c for i, (x, c) in enumerate(zip(dense, center, strict=True))}
        )


class MixedFeatures:
    """Several featurizers side by side, each scaled by its share (words and meaning)."""

    def __init__(self, parts: Sequence[tuple[Featurizer, float]]) -> None:
        self._parts = parts

    def vector(self, paper: Paper) -> Vector:
        """The parts' vectors, prefixed so their keys stay apart, scaled, renormalised."""
        mixed: dict[str, float] = {}
        for index, (part, share) in enumerate(self._parts):
            for key, value in part.vector(paper).items():
                mixed[f"{index}:{key}"] = value * share
        return normalised(mixed)
