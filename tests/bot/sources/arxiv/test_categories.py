"""Category names are checked before any request, with a suggestion for typos."""

from __future__ import annotations

import re

import pytest

from bot.errors import UserError
from bot.sources.arxiv.categories import is_known_category, validate_category
from tests.kit.arxiv import atom_files, recorded, recorded_files, rss_files


def test_every_category_in_the_recorded_payloads_is_known() -> None:
    bodies = [p.read_text(encoding="utf-8") for p in [*atom_files(), *rss_files()]]
    bodies += [recorded(p)[1].decode("utf-8") for p in recorded_files()]
    terms = set()
    for body in bodies:
        terms |= set(re.findall(r'<category term="([^"]+)"', body))
        terms |= set(re.findall(r"<category>([^<]+)</category>", body))
    assert len(terms) > 30
    assert sorted(t for t in terms if not is_known_category(t)) == []


def test_spelling_is_normalised() -> None:
    assert validate_category("cs.lg") == "cs.LG"
    assert validate_category(" cond-mat.str-el ") == "cond-mat.str-el"
    assert validate_category("hep-th") == "hep-th"
    assert validate_category("cs") == "cs"


@pytest.mark.parametrize(("raw", "hint"), [("cs.ML", "stat.ML"), ("cs.LGG", "cs.LG")])
def test_unknown_categories_suggest_the_likely_one(raw: str, hint: str) -> None:
    with pytest.raises(UserError, match=f"not an arXiv category. Did you mean {hint}"):
        validate_category(raw)


def test_nonsense_gets_no_suggestion() -> None:
    with pytest.raises(UserError) as info:
        validate_category("banana bread")
    assert "Did you mean" not in info.value.message
