"""Search through the index, kept in step with the database (SQLite here, PostgreSQL in CI).

The library writes the database first and the index second; these tests check what a user
would notice: the right papers come back, and they stay right after updates and deletes.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from adapters.composition import Library
from bot.papers import SOURCE_HF, Paper
from bot.ranking.query import parse_query
from bot.ranking.search import IndexRanker, ScanRanker
from bot.sources.hf.parse import parse_daily_papers_json
from storage.paper_repository import SqlPaperRepository
from storage.search_index import TantivyIndex, bring_up_to_date
from tests.conftest import hf_fixture_files

NOW = datetime(2026, 6, 12, 12, tzinfo=UTC)


def _paper(arxiv_id: str, title: str, **extra: object) -> Paper:
    values: dict[str, object] = {"abstract": "", "sources": frozenset({SOURCE_HF})} | extra
    return Paper(arxiv_id=arxiv_id, title=title, **values)  # type: ignore[arg-type]  # test data


@pytest.fixture
def open_library(engine: Engine, tmp_path: Path) -> Iterator[type[Library]]:
    """A factory that opens the library on the test database and ``tmp_path/index``, as a
    replica does at start-up (bringing the index up to date first)."""
    opened: list[TantivyIndex] = []

    def factory() -> Library:
        papers = SqlPaperRepository(engine)
        index = TantivyIndex(tmp_path / "index", writer_heap_mb=15, threads=1)
        opened.append(index)
        bring_up_to_date(index, papers)
        return Library(engine=engine, papers=papers, index=index, ranker=IndexRanker(index))

    yield factory  # type: ignore[misc]  # a factory stands in for the class
    for index in opened:
        index.close()


def _ids(library: Library, text: str, limit: int = 10) -> list[str]:
    results = library.ranker.search(parse_query(text), limit=limit, now=NOW)
    return [r.paper.arxiv_id for r in results]


def test_stemming_finds_other_word_forms(open_library: type[Library]) -> None:
    library = open_library()
    library.ingest(
        [
            _paper("2606.00001", "How models scale with data"),
            _paper("2606.00002", "Scaled dot-product attention, revisited"),
            _paper("2606.00003", "Scaling laws for routing"),
            _paper("2606.00004", "A survey of protein folding"),
        ]
    )
    assert sorted(_ids(library, "scaling")) == ["2606.00001", "2606.00002", "2606.00003"]
    assert _ids(library, "SCALES") == _ids(library, "scaling")


def test_phrases_must_appear_in_order_and_exclusions_remove(open_library: type[Library]) -> None:
    library = open_library()
    library.ingest(
        [
            _paper("2606.00011", "Scaling laws revisited"),
            _paper("2606.00012", "Laws of scaling"),
            _paper("2606.00013", "Scaling laws for vision transformers"),
            _paper("2606.00014", "Data", abstract="We fit scaling laws to our runs."),
        ]
    )
    assert sorted(_ids(library, '"scaling laws"')) == ["2606.00011", "2606.00013", "2606.00014"]
    assert sorted(_ids(library, '"scaling laws" -vision')) == ["2606.00011", "2606.00014"]
    assert _ids(library, '"scaling laws" -"for vision"') == _ids(library, '"scaling laws" -vision')
    assert _ids(library, "scaling -laws") == []


def test_title_matches_rank_above_abstract_mentions_and_say_why(
    open_library: type[Library],
) -> None:
    library = open_library()
    library.ingest(
        [
            _paper("2606.00021", "Benchmarks", abstract="Mixture of experts is one option."),
            _paper("2606.00022", "Mixture of experts at scale", abstract="A study."),
        ]
    )
    results = library.ranker.search(parse_query("experts"), limit=5, now=NOW)
    assert [r.paper.arxiv_id for r in results] == ["2606.00022", "2606.00021"]
    assert results[0].why.startswith('title has "experts"')
    assert results[1].why.startswith('abstract mentions "experts"')


def test_soft_words_plural_plus_and_pasted_titles_in_the_index(
    open_library: type[Library],
) -> None:
    library = open_library()
    library.ingest(
        [
            _paper(
                "2606.00061",
                "ZeRO: Memory Optimizations Toward Training Trillion Parameter Models",
                abstract="Training billions of parameters is limited by the memory of each GPU.",
            ),
            _paper("2606.00062", "FewRel: A Large-Scale Supervised Relation Dataset"),
            _paper("2606.00063", "Relation extraction on a single GPU"),
            _paper("2606.00064", "Diffusion models for audio"),
            _paper("2606.00065", "Language models that reason"),
        ]
    )
    assert _ids(library, "reducing GPU memory when training large models")[0] == "2606.00061"
    assert _ids(library, "FewRel: A Large-Scale Supervised Relation Dataset")[0] == "2606.00062"
    assert sorted(_ids(library, "gpus")) == ["2606.00061", "2606.00063"]
    assert _ids(library, "relation +gpu") == ["2606.00063"]
    assert _ids(library, "diffusion models") == ["2606.00064"]  # two words: both needed


def test_filters_narrow_in_the_index(open_library: type[Library]) -> None:
    library = open_library()
    library.ingest(
        [
            _paper("2606.00031", "Diffusion for video", upvotes=3, categories=("cs.CV",)),
            _paper(
                "2606.00032",
                "Diffusion for text",
                upvotes=30,
                authors=("Ada Lovelace", "Charles Babbage"),
                organization="Analytical Engines",
                categories=("cs.CL",),
                featured_on=date(2026, 6, 10),
            ),
            _paper(
                "2606.00033",
                "Diffusion, old",
                published_at=datetime(2020, 1, 1, tzinfo=UTC),
                withdrawn=True,
            ),
        ]
    )
    assert _ids(library, "diffusion min-upvotes:10") == ["2606.00032"]
    assert _ids(library, "author:lovelace") == ["2606.00032"]
    assert _ids(library, 'author:"ada lovelace"') == ["2606.00032"]
    assert _ids(library, 'author:"lovelace charles"') == []  # words of two different authors
    assert _ids(library, "author:love") == []  # whole words, not pieces of a name
    assert _ids(library, "org:analytical") == ["2606.00032"]
    assert _ids(library, "cat:cs.cv") == ["2606.00031"]
    assert _ids(library, "diffusion since:7d") == ["2606.00032"]
    assert "2606.00033" not in _ids(library, "diffusion")  # withdrawn


def test_index_follows_updates_and_deletes(open_library: type[Library]) -> None:
    library = open_library()
    quiet = _paper("2606.00041", "Speculative decoding for fast inference", upvotes=0)
    loud = _paper("2606.00042", "Speculative decoding for fast inference", upvotes=2)
    library.ingest([quiet, loud])
    assert _ids(library, "speculative decoding") == ["2606.00042", "2606.00041"]
    assert _ids(library, "speculative min-upvotes:50") == []

    library.ingest([replace(quiet, upvotes=150)])  # the community noticed it
    assert _ids(library, "speculative decoding") == ["2606.00041", "2606.00042"]
    assert _ids(library, "speculative min-upvotes:50") == ["2606.00041"]
    assert library.index.size == 2

    assert library.delete(["2606.00041"]) == 1
    assert _ids(library, "speculative decoding") == ["2606.00042"]
    assert library.papers.count() == library.index.size == 1


def test_a_missing_or_stale_index_catches_up_when_opened(
    open_library: type[Library], tmp_path: Path
) -> None:
    first = open_library()
    first.ingest([_paper("2606.00051", "Graph neural networks")])
    first.index.close()

    # Another replica writes to the shared database; this index did not see it.
    first.papers.upsert_papers([_paper("2606.00052", "Graph transformers", upvotes=9)])
    assert _ids(open_library(), "graph") == ["2606.00052", "2606.00051"]

    # Papers deleted elsewhere, then the whole index directory lost.
    first.papers.delete_papers(["2606.00051"])
    assert _ids(open_library(), "graph") == ["2606.00052"]
    shutil.rmtree(tmp_path / "index")
    assert _ids(open_library(), "graph") == ["2606.00052"]


def test_the_index_matches_what_a_full_scan_matches(open_library: type[Library]) -> None:
    library = open_library()
    for path in hf_fixture_files():
        library.ingest(parse_daily_papers_json(path.read_text(encoding="utf-8")).papers)
    scan = ScanRanker(library.papers)
    queries = [
        "scaling",
        "language models",
        '"reinforcement learning"',
        "diffusion -video",
        "agent min-upvotes:20",
        "reasoning since:2026-06-01",
        "min-upvotes:50",
        "efficient reasoning with small language models",  # soft: 3 of 5 content words
        "agents +benchmark",
        "Agents: planning, memory and tool use",
        "the of",  # only stopwords: they are all there is to search
    ]
    for text in queries:
        query = parse_query(text)
        indexed = library.ranker.search(query, limit=500, now=NOW)
        scanned = scan.search(query, limit=500, now=NOW)
        assert {r.paper.arxiv_id for r in indexed} == {r.paper.arxiv_id for r in scanned}, text
        assert indexed, text  # each query finds something in the real fixtures


def test_a_backfill_in_batches_leaves_the_index_in_step(open_library: type[Library]) -> None:
    library = open_library()
    batches = [
        [_paper(f"2606.1{b:02d}{i:02d}", f"Tokenizer study {b} {i}") for i in range(20)]
        for b in range(5)
    ]
    report = library.ingest_many(batches)
    assert (report.added, report.updated) == (100, 0)
    assert library.index.size == library.papers.count() == 100
    assert len(_ids(library, "tokenizer", limit=100)) == 100


def test_a_pasted_link_or_title_finds_the_papers_neighbours(open_library: type[Library]) -> None:
    library = open_library()
    for path in hf_fixture_files():
        library.ingest(parse_daily_papers_json(path.read_text(encoding="utf-8")).papers)
    own = library.papers.get_papers(["2605.01640"])[0]
    scan = ScanRanker(library.papers)
    for ranker in (library.ranker, scan):
        like = ranker.search(parse_query("https://arxiv.org/abs/2605.01640v1"), limit=5, now=NOW)
        assert like and own.arxiv_id not in [r.paper.arxiv_id for r in like]
        for hit in like:  # every reason names words the paper really shares
            assert hit.why.split(" · ")[0].startswith(
                ("title has", "abstract mentions", "keywords")
            )
        pasted = ranker.search(parse_query(own.title), limit=5, now=NOW)
        assert pasted[0].paper.arxiv_id == own.arxiv_id
        assert [r.paper.arxiv_id for r in pasted[1:]] == [r.paper.arxiv_id for r in like[:4]]
    assert library.ranker.search(parse_query("2605.99999"), limit=5, now=NOW) == []
    assert library.index.count(parse_query("scaling"), now=NOW) == len(
        scan.search(parse_query("scaling"), limit=500, now=NOW)
    )
