"""Fuse the lexical and the dense candidate lists into one relevance per paper. Pure.

Two standard ways, both kept because ``bench/quality.py`` measures them against each other:

* **Reciprocal rank fusion** (Cormack, Clarke & Büttcher, SIGIR 2009,
  https://plg.uwaterloo.ca/~gvcormac/cormacksigir09-rrf.pdf): ``Σ 1 / (k + rank)``. Uses
  ranks only, so the two scores' scales never matter; ``k = 60`` as in the paper.
* **z-score fusion**: each list's scores standardised (mean 0, sd 1) and summed, a paper
  missing from a list taking that list's lowest z. Keeps *how much* better the first hit
  is, which ranks alone throw away.

Either way the result is rescaled so the best candidate has relevance 1 and the worst a
small positive floor: the blend of :mod:`bot.ranking.blend` multiplies relevance by a lift of
at most 1.6, and that bound only means something on a ratio scale that starts above zero.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from typing import Literal, TypeVar

FusionMethod = Literal["rrf", "zscore"]
K = TypeVar("K", bound=Hashable)

RRF_K = 60
# The dense list counts this much relative to the lexical one (1: equal say).
DENSE_WEIGHT = 1.0
_FLOOR = 0.05


def fuse(
    lexical: Sequence[tuple[K, float]],
    dense: Sequence[tuple[K, float]],
    *,
    method: FusionMethod = "zscore",
    dense_weight: float = DENSE_WEIGHT,
) -> dict[K, float]:
    """One relevance in (0, 1] per key of either list (each list best first)."""
    if method == "rrf":
        raw = _rrf(lexical, dense, dense_weight)
    else:
        raw = _zscore(lexical, dense, dense_weight)
    return _rescale(raw)


def _rrf(
    lexical: Sequence[tuple[K, float]], dense: Sequence[tuple[K, float]], weight: float
) -> dict[K, float]:
    scores: dict[K, float] = {}
    for list_weight, ranked in ((1.0, lexical), (weight, dense)):
        for rank, (key, _) in enumerate(ranked, start=1):
            scores[key] = scores.get(key, 0.0) + list_weight / (RRF_K + rank)
    return scores


def _standardised(ranked: Sequence[tuple[K, float]]) -> tuple[dict[K, float], float]:
    """Each key's z-score, and the z a missing key gets (the list's lowest)."""
    if not ranked:
        return {}, 0.0
    values = [score for _, score in ranked]
    mean = sum(values) / len(values)
    spread = math.sqrt(sum((v - mean) ** 2 for v in values) / len(values)) or 1.0
    z = {key: (score - mean) / spread for key, score in ranked}
    return z, min(z.values())


def _zscore(
    lexical: Sequence[tuple[K, float]], dense: Sequence[tuple[K, float]], weight: float
) -> dict[K, float]:
    lex_z, lex_missing = _standardised(lexical)
    dense_z, dense_missing = _standardised(dense)
    keys = list(dict.fromkeys([k for k, _ in lexical] + [k for k, _ in dense]))
    return {
        key: lex_z.get(key, lex_missing) + weight * dense_z.get(key, dense_missing) for key in keys
    }


def _rescale(raw: dict[K, float]) -> dict[K, float]:
    """Map scores onto [floor, 1], best = 1 (a single candidate gets 1)."""
    if not raw:
        return {}
    top, bottom = max(raw.values()), min(raw.values())
    width = top - bottom
    if width <= 0:
        return dict.fromkeys(raw, 1.0)
    return {key: _FLOOR + (1 - _FLOOR) * (value - bottom) / width for key, value in raw.items()}
