"""Taste in a score: a bounded nudge among papers that already match a topic.

    score' = score × (1 + W · taste),   taste ∈ [−1, 1],   W = :data:`TASTE_WEIGHT`

Only papers the inner ranker found are re-ordered — taste never brings in a paper that does
not match the channel's topic or search (a topic match comes first) — and the factor stays
within [1 − W, 1 + W], so a paper must already be within that ratio of another's score to
pass it. W is measured in bench/README.md ("Taste").
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.ports import Ranker
from bot.ranking.blend import RankedPaper
from bot.ranking.query import Query
from bot.taste.features import Featurizer
from bot.taste.model import TasteModel

TASTE_WEIGHT = 0.5
MORE_CANDIDATES = 3  # ask the inner ranker for this many times the results, then re-order
REASON_MIN_TASTE = 0.03  # below this, taste did not really move the paper: no reason
# "Close to" only when closer than 9 in 10 random pairs of papers are (IDF-weighted words
# over the bundled sample: median 0.04, 90th percentile 0.077, 99th 0.136).
REASON_MIN_SIMILARITY = 0.08


def tasted_score(score: float, taste: float, weight: float = TASTE_WEIGHT) -> float:
    """The bounded blend above (``taste`` is clipped again here: a model bug stays bounded)."""
    return score * (1.0 + weight * max(-1.0, min(1.0, taste)))


def voted_on(at: datetime, timezone: str) -> str:
    """``3 May`` on the channel's clock."""
    local = at.astimezone(ZoneInfo(timezone))
    return f"{local.day} {local:%b}"


class TastedRanker:
    """A :class:`bot.ports.Ranker` that re-orders another's results by a channel's taste."""

    def __init__(
        self,
        inner: Ranker,
        model: TasteModel,
        features: Featurizer,
        *,
        weight: float = TASTE_WEIGHT,
        timezone: str = "UTC",
        candidates: int = MORE_CANDIDATES,
    ) -> None:
        self._inner = inner
        self._model = model
        self._features = features
        self._weight = weight
        self._timezone = timezone
        self._candidates = candidates

    def search(self, query: Query, *, limit: int, now: datetime) -> list[RankedPaper]:
        """The inner ranker's best ``candidates × limit``, re-ordered, cut to ``limit``."""
        found = self._inner.search(query, limit=limit * self._candidates, now=now)
        tastes = [self._model.taste(self._features.vector(r.paper)) for r in found]
        scored = [
            (tasted_score(r.score, t, self._weight), r, t)
            for r, t in zip(found, tastes, strict=True)
        ]
        scored.sort(key=lambda item: (-item[0], -item[1].paper.upvotes, item[1].paper.arxiv_id))
        return [self._explained(r, score, taste) for score, r, taste in scored[:limit]]

    def _explained(self, ranked: RankedPaper, score: float, taste: float) -> RankedPaper:
        """The result with its new score, and the team's reason when taste lifted it."""
        if taste < REASON_MIN_TASTE:
            return replace(ranked, score=score)
        closest = self._model.closest_liked(self._features.vector(ranked.paper))
        if closest is None or closest[1] < REASON_MIN_SIMILARITY:
            return replace(ranked, score=score)
        example = closest[0]
        when = voted_on(example.at, self._timezone)
        if example.paper_id == ranked.paper.arxiv_id:
            reason = f"this channel 👍'd it on {when}"
        else:
            reason = f"close to *{example.title}*, which this channel 👍'd on {when}"
        why = f"{ranked.why} · {reason}" if ranked.why else reason
        return replace(ranked, score=score, why=why)
