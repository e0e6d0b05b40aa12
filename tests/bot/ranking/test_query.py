"""The query language: a table of inputs and what they mean, plus a fuzz for friendliness."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.errors import UserError
from bot.ranking.query import Query, QuerySyntaxError, Since, parse_query, stems


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("scaling", Query(words=("scaling",))),
        ("Scaling  LAWS", Query(words=("scaling", "laws"))),
        ('"scaling laws"', Query(phrases=("scaling laws",))),
        ('"scaling"', Query(words=("scaling",))),
        ("diffusion -video", Query(words=("diffusion",), excluded=("video",))),
        ('rl -"reward hacking"', Query(words=("rl",), excluded=("reward hacking",))),
        ("author:hinton", Query(authors=("hinton",))),
        ('author:"Geoffrey Hinton" nets', Query(words=("nets",), authors=("Geoffrey Hinton",))),
        ("org:meta cat:cs.LG", Query(orgs=("meta",), categories=("cs.LG",))),
        ("cat:cond-mat.stat-mech", Query(categories=("cond-mat.stat-mech",))),
        ("cat:cs.lg", Query(categories=("cs.LG",))),  # arXiv's own spelling
        ("min-upvotes:5 x", Query(words=("x",), min_upvotes=5)),
        ("since:7d", Query(since=Since(days=7))),
        ("since:2w", Query(since=Since(days=14))),
        ("since:2026-01-31", Query(since=Since(day=date(2026, 1, 31)))),
        ("“smart quotes”", Query(phrases=("smart quotes",))),
        ("+gpu memory", Query(words=("memory",), required=("gpu",))),
        ('+"kv cache" memory', Query(words=("memory",), phrases=("kv cache",))),
        ("FewRel: A Dataset", Query(words=("fewrel", "a", "dataset"))),
        ("colour:red", Query(words=("colour", "red"))),
        ('"Not not bad"is not"bad": negation', Query(words=("not", "bad", "is", "negation"))),
        ("", Query()),
        ("- -- ", Query()),
    ],
)
def test_query_table(text: str, expected: Query) -> None:
    assert parse_query(text) == expected


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ('"unclosed phrase', "never closed"),
        ("min-upvotes:many", "whole number"),
        ("since:yesterday", "since:yesterday"),
        ("cat:!!", "not an arXiv category"),
        ("cat:cs.ML", "cat:cs.ML is not an arXiv category. Did you mean cat:stat.ML"),
        ("cat:zz.QQ", "not an arXiv category; categories look like cs.LG"),
        ("author:", "needs a value"),
        ("x" * 600, "too long"),
    ],
)
def test_syntax_errors_name_the_problem_and_show_an_example(text: str, names: str) -> None:
    with pytest.raises(QuerySyntaxError) as info:
        parse_query(text)
    assert names in info.value.message
    assert "Example:" in info.value.friendly()


@pytest.mark.parametrize(
    ("text", "paper"),
    [
        ("2401.12345", "2401.12345"),
        ("2401.12345v2", "2401.12345"),
        ("hep-th/9901001", "hep-th/9901001"),
        ("arXiv:2401.12345", "2401.12345"),
        ("https://arxiv.org/abs/2401.12345v3", "2401.12345"),
        ("https://arxiv.org/pdf/2401.12345v1.pdf", "2401.12345"),
        ("https://huggingface.co/papers/2401.12345", "2401.12345"),
        ("https://www.alphaxiv.org/abs/2401.12345", "2401.12345"),
        ("<https://arxiv.org/abs/hep-th/9901001>", "hep-th/9901001"),  # as Slack sends a link
        ("https://example.com/abs/2401.12345", None),
        ("2401.12345 scaling", None),
        ("2401", None),
    ],
)
def test_a_pasted_paper_is_a_query_for_papers_like_it(text: str, paper: str | None) -> None:
    query = parse_query(text)
    assert query.like == paper
    if paper is not None:
        assert query == Query(like=paper) and parse_query(query.describe()) == query


def test_describe_round_trips() -> None:
    text = '"scaling laws" -vision author:"Jane Doe" cat:cs.LG min-upvotes:5 since:7d'
    query = parse_query(text)
    assert parse_query(query.describe()) == query


def test_stemming_groups_word_forms() -> None:
    assert stems("scaling scaled scales") == [stems("scale")[0]] * 3


def test_since_resolves_relative_to_now() -> None:
    now = datetime(2026, 11, 26, 9, tzinfo=UTC)
    assert Since(days=7).resolve(now) == date(2026, 11, 19)


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=200))
def test_no_input_raises_anything_but_a_friendly_error(text: str) -> None:
    try:
        parse_query(text)
    except UserError as exc:
        assert exc.message and len(exc.friendly()) < 600
