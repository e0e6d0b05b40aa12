"""The taste model: acts only with enough votes, bounded, incremental, explains itself."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.papers import Paper
from bot.ranking.blend import RankedPaper
from bot.ranking.query import Query
from bot.taste.features import WordFeatures
from bot.taste.model import Example, TasteModel
from bot.taste.ranker import TASTE_WEIGHT, TastedRanker, tasted_score

MAY_3 = datetime(2026, 5, 3, 12, 0, tzinfo=UTC)
FEATURES = WordFeatures()


def paper(pid: str, title: str, abstract: str = "") -> Paper:
    return Paper(arxiv_id=pid, title=title, abstract=abstract)


LIKED = [
    paper("1", "Universal checkpointing for distributed training"),
    paper("2", "Checkpointing large model training across GPU clusters"),
    paper("3", "Fault tolerant distributed training with fast checkpoints"),
]
DISLIKED = [
    paper("4", "Diffusion models for image synthesis"),
    paper("5", "Video diffusion with latent image priors"),
]


def example(p: Paper) -> Example:
    return Example(p.arxiv_id, p.title, MAY_3, FEATURES.vector(p))


def trained(min_up: int = 3, min_down: int = 2) -> TasteModel:
    model = TasteModel(min_up=min_up, min_down=min_down)
    for p in LIKED:
        model.set_label(example(p), +1)
    for p in DISLIKED:
        model.set_label(example(p), -1)
    return model


def test_taste_leans_toward_liked_and_away_from_disliked() -> None:
    model = trained()
    near = FEATURES.vector(paper("9", "Asynchronous checkpointing for distributed training"))
    far = FEATURES.vector(paper("8", "Latent diffusion for image editing"))
    assert model.taste(near) > 0.2
    assert model.taste(far) < -0.2
    assert -1.0 <= model.taste(far) <= model.taste(near) <= 1.0


def test_taste_stays_silent_until_enough_votes() -> None:
    model = trained(min_up=4)
    near = FEATURES.vector(paper("9", "Asynchronous checkpointing for distributed training"))
    assert not model.active
    assert model.taste(near) == 0.0


def test_a_vote_taken_back_leaves_the_model_as_if_never_given() -> None:
    before = trained()
    after = trained()
    extra = paper("7", "Checkpointing diffusion transformers")
    after.set_label(example(extra), +1)
    after.set_label(example(extra), 0)
    probe = FEATURES.vector(paper("9", "Diffusion checkpointing"))
    assert abs(before.taste(probe) - after.taste(probe)) < 1e-9
    assert after.liked == 3


def test_contradictory_votes_keep_the_score_bounded() -> None:
    model = TasteModel(min_up=1, min_down=1)
    same = paper("1", "Diffusion models")
    model.set_label(example(same), +1)
    model.set_label(example(paper("2", "Diffusion models again")), -1)
    value = model.taste(FEATURES.vector(paper("3", "Diffusion models")))
    assert -1.0 <= value <= 1.0
    assert tasted_score(10.0, 5.0) == 10.0 * (1 + TASTE_WEIGHT)  # clipped even if a bug says 5


def test_what_it_learned_is_said_in_words() -> None:
    liked, disliked = trained().top_terms(3)
    assert "checkpoint" in liked[0] or "checkpoint" in " ".join(liked)
    assert any("diffus" in term or "imag" in term for term in disliked)


class _Fixed:
    def __init__(self, results: list[RankedPaper]) -> None:
        self.results = results

    def search(self, query: Query, *, limit: int, now: datetime) -> list[RankedPaper]:
        return self.results[:limit]


def test_taste_reorders_near_ties_and_cites_the_team() -> None:
    diffusion = RankedPaper(paper("20", "Diffusion for distributed image training"), 1.0, 1.0, "")
    checkpoint = RankedPaper(
        paper("21", "Checkpointing distributed training at scale"), 0.9, 0.9, "title matches"
    )
    ranker = TastedRanker(_Fixed([diffusion, checkpoint]), trained(), FEATURES)
    results = ranker.search(Query(words=("training",)), limit=2, now=MAY_3)
    assert [r.paper.arxiv_id for r in results] == ["21", "20"]
    assert "which this channel 👍'd on 3 May" in results[0].why
    assert "close to *" in results[0].why
    assert "👍'd" not in results[1].why


def test_taste_never_overturns_a_clear_topic_match() -> None:
    strong = RankedPaper(paper("30", "Diffusion for image training"), 10.0, 10.0, "")
    weak = RankedPaper(paper("31", "Checkpointing distributed training"), 1.0, 1.0, "")
    ranker = TastedRanker(_Fixed([strong, weak]), trained(), FEATURES)
    results = ranker.search(Query(words=("training",)), limit=2, now=MAY_3)
    assert [r.paper.arxiv_id for r in results] == ["30", "31"]


class _Vectors:
    def __init__(self, rows: dict[str, list[float]]) -> None:
        self.rows = rows

    def vector_of(self, arxiv_id: str) -> list[float] | None:
        return self.rows.get(arxiv_id)


def test_taste_over_vectors_falls_back_to_words_for_a_paper_without_one() -> None:
    from bot.taste.features import MixedFeatures, VectorFeatures, dot

    vectors = _Vectors({"1": [1.0, 0.0], "2": [0.9, 0.1], "3": [0.0, 1.0]})
    dense = VectorFeatures(vectors, fallback=FEATURES)
    assert dense.vector(paper("1", "x")) == {"d0": 1.0, "d1": 0.0}
    assert dot(dense.vector(paper("1", "x")), dense.vector(paper("2", "y"))) > 0.9
    words = dense.vector(paper("9", "Checkpointing distributed training"))
    assert "d0" not in words and any(key.startswith("checkpoint") for key in words)
    model = TasteModel(min_up=1, min_down=1)
    model.set_label(Example("1", "x", MAY_3, dense.vector(paper("1", "x"))), +1)
    model.set_label(Example("3", "z", MAY_3, dense.vector(paper("3", "z"))), -1)
    assert model.taste(dense.vector(paper("2", "y"))) > 0.5
    mixed = MixedFeatures([(dense, 1.0), (FEATURES, 0.5)])
    assert abs(sum(v * v for v in mixed.vector(paper("2", "Checkpointing")).values()) - 1) < 1e-9
