"""Words as search sees them: tokens, Snowball stems, stopwords (split from
:mod:`bot.ranking.query`, which re-exports every name here)."""

from __future__ import annotations

import re
import threading
from functools import lru_cache

import snowballstemmer

_STEMMERS = threading.local()  # snowball stemmers keep state: one per thread
_WORD = re.compile(r"[^\W_]+", re.UNICODE)  # letters and digits, as the index splits


def tokenize(text: str) -> list[str]:
    """Lower-case word tokens of ``text`` (Unicode-aware)."""
    return _WORD.findall(text.lower())


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The English Snowball stem of one lower-case word (cached: vocabularies are small)."""
    stemmer = getattr(_STEMMERS, "english", None)
    if stemmer is None:
        stemmer = _STEMMERS.english = snowballstemmer.stemmer("english")
    return str(stemmer.stemWord(word))


def stems(text: str) -> list[str]:
    """Stemmed tokens of ``text``, in order (phrases match on these)."""
    return [stem(token) for token in tokenize(text)]


# Function words: they never decide a match (a query made only of them still searches them).
STOPWORDS = frozenset(
    """a about above after against all also am among an and any are as at be been before being
    below between both but by can could did do does doing during each few for from further had
    has have having how i if in into is it its itself just may me might my no nor not of off on
    once only or other our ours out over own same should so some such than that the their theirs
    them then there these they this those through to too toward towards under until up upon us
    very via vs versus was we were what when where whether which while who whom why will with
    within without would you your""".split()  # noqa: SIM905  # a word list reads better as text
)


def content_words(words: tuple[str, ...] | list[str]) -> list[str]:
    """The query words that carry meaning: stopwords only when nothing else is left (so
    "mixture of experts" needs "mixture" and "experts", never "of")."""
    return [w for w in words if w not in STOPWORDS] or list(words)


def word_stems(word: str) -> tuple[str, ...]:
    """The stems a query word matches: its own, and its singular or plural (Snowball keeps
    ``gpus`` and ``gpu`` apart; people do not)."""
    own = stem(word)
    if word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        other = stem(word[:-1])
    elif not word.endswith("s") and word.isalpha():
        other = stem(word + "s")
    else:
        other = own
    return (own,) if other == own else (own, other)
