"""A channel's taste: a centroid pull toward papers it liked and away from those it disliked.

    taste(p) = clip(cos(p, L) − cos(p, D), −1, 1)

L and D are the sums of the liked and disliked papers' unit vectors (Rocchio, 1971; the same
shape as arxiv-sanity's per-tag classifier, without the SVM's retraining cost). Why this and
not a classifier: it trains incrementally — a vote adds or removes one vector from a sum, so
retraining after a vote costs microseconds at any number of votes (bench/feedback.py), and
contradictory votes on one paper cancel instead of swinging the model.

It acts only with enough evidence (:data:`MIN_UP` liked and :data:`MIN_DOWN` disliked, both
measured in bench/README.md), and its weight in a score is bounded (see
:func:`bot.taste.ranker.tasted_score`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime

from bot.taste.features import Vector, dot

MIN_UP = 2
MIN_DOWN = 1


@dataclass(frozen=True, slots=True)
class Example:
    """A paper the channel voted on, with its vector and when the vote was given."""

    paper_id: str
    title: str
    at: datetime
    vector: Vector = field(compare=False, repr=False)


@dataclass
class _Centroid:
    """A running sum of unit vectors and the examples behind it."""

    total: dict[str, float] = field(default_factory=dict)
    examples: dict[str, Example] = field(default_factory=dict)
    norm: float = 0.0

    def add(self, example: Example) -> None:
        if example.paper_id in self.examples:
            self.remove(example.paper_id)
        self.examples[example.paper_id] = example
        for term, weight in example.vector.items():
            self.total[term] = self.total.get(term, 0.0) + weight
        self._renorm(example.vector)

    def remove(self, paper_id: str) -> None:
        example = self.examples.pop(paper_id, None)
        if example is None:
            return
        for term, weight in example.vector.items():
            left = self.total.get(term, 0.0) - weight
            if abs(left) < 1e-9:
                self.total.pop(term, None)
            else:
                self.total[term] = left
        self._renorm(example.vector)

    def _renorm(self, _changed: Vector) -> None:
        self.norm = math.sqrt(sum(w * w for w in self.total.values()))

    def cosine(self, vector: Vector) -> float:
        return dot(vector, self.total) / self.norm if self.norm else 0.0


class TasteModel:
    """Liked and disliked centroids of one channel, updated one vote at a time."""

    def __init__(self, min_up: int = MIN_UP, min_down: int = MIN_DOWN) -> None:
        self._liked = _Centroid()
        self._disliked = _Centroid()
        self.min_up = min_up
        self.min_down = min_down

    @property
    def liked(self) -> int:
        """How many papers the channel liked (net, once per paper)."""
        return len(self._liked.examples)

    @property
    def disliked(self) -> int:
        """How many papers the channel disliked (net, once per paper)."""
        return len(self._disliked.examples)

    @property
    def active(self) -> bool:
        """Whether there is enough evidence to let taste move anything."""
        return self.liked >= self.min_up and self.disliked >= self.min_down

    def set_label(self, example: Example, label: int) -> None:
        """The channel's net vote on a paper: +1 liked, −1 disliked, 0 neither (a tie)."""
        self._liked.remove(example.paper_id)
        self._disliked.remove(example.paper_id)
        if label > 0:
            self._liked.add(example)
        elif label < 0:
            self._disliked.add(example)

    def knows(self, paper_id: str) -> bool:
        """Whether the channel voted on this paper."""
        return paper_id in self._liked.examples or paper_id in self._disliked.examples

    def taste(self, vector: Vector) -> float:
        """How much the channel would like a paper, in [−1, 1]; 0 while not :attr:`active`."""
        if not self.active or not vector:
            return 0.0
        value = self._liked.cosine(vector) - self._disliked.cosine(vector)
        return max(-1.0, min(1.0, value))

    def closest_liked(self, vector: Vector) -> tuple[Example, float] | None:
        """The liked paper most like this one (for "close to *X*, which this channel 👍'd")."""
        best: tuple[Example, float] | None = None
        for example in self._liked.examples.values():
            similarity = dot(vector, example.vector)
            if best is None or similarity > best[1]:
                best = (example, similarity)
        return best

    def top_terms(self, count: int = 5) -> tuple[list[str], list[str]]:
        """The words that pull most toward liked papers, and most away (``/papers list``)."""
        liked, disliked = self._liked, self._disliked
        terms = set(liked.total) | set(disliked.total)
        if not terms:
            return [], []

        def pull(term: str) -> float:
            up = liked.total.get(term, 0.0) / liked.norm if liked.norm else 0.0
            down = disliked.total.get(term, 0.0) / disliked.norm if disliked.norm else 0.0
            return up - down

        ordered = sorted(terms, key=lambda t: (-pull(t), t))
        top = [t for t in ordered[:count] if pull(t) > 0 and not t.isdigit()]
        bottom = [t for t in reversed(ordered[-count:]) if pull(t) < 0 and not t.isdigit()]
        return top, bottom
