"""Text normalisation shared by the lexical indexes and the duplicate guard: words, stopwords.

One definition of "a word" and of the stopwords, so the FTS5 query, the in-memory index and
``dedup.value_changed`` agree on what a query term is.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping

from ...errors import MissingExtra
from ...languages import DEFAULT_LANGUAGE

_STOPWORDS = """
    a about above after again against all am an and any are as at be because been before being
    below between both but by can could did do does doing down during each few for from further
    had has have having he her here hers herself him himself his how i if in into is it its
    itself just me more most my myself no nor not now of off on once only or other our ours
    ourselves out over own same she should so some such than that the their theirs them
    themselves then there these they this those through to too under until up very was we were
    what when where which while who whom why will with would you your yours yourself yourselves
    s t d ll m re ve
"""
STOPWORDS = frozenset(_STOPWORDS.split())
_WORD = re.compile(r"\w+", re.UNICODE)
_SUFFIXES = ("ments", "ment", "ings", "ing", "ed", "es", "s", "e")


def words(text: str) -> list[str]:
    """The text's words, lower-cased, in order (``\\w+`` runs, as FTS5's unicode61 splits)."""
    return [w.lower() for w in _WORD.findall(text)]


@functools.lru_cache(maxsize=1 << 16)
def stem(word: str) -> str:
    """A crude suffix strip ("deploys", "deployed", "deploying" -> "deploy"), not Porter.
    Cached: recall stems every word of its candidates, and words repeat (Zipf)."""
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


@functools.cache  # one per language: each recall asks
def stemmer(language: str) -> Callable[[str], str]:
    """How words of a workspace in ``language`` (``languages.py``) are compared: English by
    ``stem`` (what recall's weights were measured with), ``simple`` as they are, any other by
    its Snowball stemmer, the one PostgreSQL's index of that language uses."""
    if language == DEFAULT_LANGUAGE:
        return stem
    if language == "simple":
        return str
    try:
        import snowballstemmer
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise MissingExtra("postgres", exc.name or "snowballstemmer") from exc
    return functools.lru_cache(maxsize=1 << 16)(snowballstemmer.stemmer(language).stemWord)


#: Lexical search matches a query on its rarest stems, this many at most: a pasted page as the
#: query has hundreds, the rare ones carry what it is about, and SQLite allows 500 parts in a
#: compound SELECT (``fts.FtsIndex.search``). Recall's score still weighs every term.
MAX_MATCHED_STEMS = 64


def rarest(weights: Mapping[str, float]) -> dict[str, float]:
    """The ``MAX_MATCHED_STEMS`` heaviest (rarest) of ``stem -> IDF``, heaviest first, query
    order among equals: what lexical search matches a query on."""
    return dict(sorted(weights.items(), key=lambda item: -item[1])[:MAX_MATCHED_STEMS])


def query_terms(query: str) -> list[str]:
    """A query's distinct words without stopwords (all of its words if only stopwords)."""
    found = words(query)
    kept = [w for w in found if w not in STOPWORDS] or found
    return list(dict.fromkeys(kept))


def match_expression(query: str) -> str | None:
    """Query text -> FTS5 MATCH: the terms quoted and OR-ed (None: no words)."""
    terms = query_terms(query)
    return " OR ".join(f'"{w}"' for w in terms) if terms else None
