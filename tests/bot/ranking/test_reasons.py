"""Reason lines name only what is really in the paper, in the field they name."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from bot.papers import Paper
from bot.ranking.blend import rank_papers
from bot.ranking.query import parse_query, stems, word_stems
from bot.ranking.reasons import MEANING, MEANING_REASON, contains_run, field_tokens, match_words
from bot.sources.hf.parse import parse_daily_papers_json
from tests.conftest import hf_fixture_files

NOW = datetime(2026, 6, 14, 12, tzinfo=UTC)
_FIELDS = {
    "title has": "title",
    "keywords include": "keywords",
    "authors include": "authors",
    "abstract mentions": "abstract",
}
_CLAIM = re.compile(r"^(title has|keywords include|authors include|abstract mentions) (.+)$")


def _library() -> list[Paper]:
    papers: list[Paper] = []
    for path in hf_fixture_files():
        papers += parse_daily_papers_json(path.read_text(encoding="utf-8")).papers
    return papers


def _really_there(paper: Paper, field: str, quoted: str) -> bool:
    tokens = field_tokens(paper)[field]
    words = quoted.split()
    if len(words) == 1:
        return any(s in tokens for s in word_stems(words[0]))
    choices = [word_stems(w) for w in words]
    return any(
        all(tokens[i + k] in choices[k] for k in range(len(words)))
        for i in range(len(tokens) - len(words) + 1)
    ) or contains_run(tokens, stems(quoted))


@pytest.mark.parametrize(
    "text",
    [
        "scaling laws",
        "reducing GPU memory when training large models",
        "efficient reasoning with small language models",
        "video diffusion +generation",
        '"reinforcement learning" agents',
        "Agents: planning, memory and tool use",
    ],
)
def test_every_word_a_reason_names_is_in_the_field_it_names(text: str) -> None:
    results = rank_papers(parse_query(text), _library(), now=NOW, limit=None)
    assert results, text
    for result in results:
        claims = [p for p in result.why.split(" · ") if _CLAIM.match(p)]
        assert claims, result.why
        for claim in claims:
            match = _CLAIM.match(claim)
            assert match is not None
            field = _FIELDS[match.group(1)]
            for quoted in re.findall(r'"([^"]+)"', match.group(2)):
                assert _really_there(result.paper, field, quoted), (result.why, field, quoted)


def test_one_matching_word_is_named_alone_never_the_whole_query() -> None:
    paper = Paper(arxiv_id="2606.00001", title="KV cache compression", abstract="Fast decoding.")
    why = rank_papers(parse_query("kv cache eviction policies decoding"), [paper], now=NOW)[0].why
    assert why.startswith('title has "kv cache" · abstract mentions "decoding"')
    assert "eviction" not in why and "policies" not in why


def test_a_paper_found_by_meaning_says_so() -> None:
    paper = Paper(arxiv_id="2606.00002", title="Checkpointing at scale")
    assert match_words(paper, parse_query("fault tolerance"), MEANING) == [MEANING_REASON]
