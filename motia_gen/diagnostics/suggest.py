"""Did-you-mean help, the one copy: `did_you_mean`/`suggestion` for small sets of names (config keys,
settings, module names), and `TopicIndex` for topics, where apps hold thousands.

Near-miss topic names, found without comparing every pair of topics.

Two topics are near misses when they are equal ignoring case and separators (`order.created` and
`order_created`), within two edits of each other (`order.shiped`), or equal but for one segment that is
itself close (`like:database-sync` and `like:supabase-sync`). Candidates come from three indexes (folded
form, one-deletion variants, segments with one wildcard) so the work per topic stays bounded as an app
grows; each index bucket contributes at most `_BUCKET_LIMIT` candidates.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Hashable, Iterable, Iterator
from typing import TypeVar

_SEPARATORS = re.compile(r"[.\-_:/\s]+")
_BUCKET_LIMIT = 32

K = TypeVar("K", bound=Hashable)


def did_you_mean(word: str, candidates: Iterable[str]) -> str | None:
    """The closest candidate, compared case- and separator-insensitively (`body_schema` ~ `bodySchema`)."""
    folded = {c.lower().replace("_", "").replace("-", ""): c for c in candidates}
    key = word.lower().replace("_", "").replace("-", "")
    if key in folded:
        return folded[key]
    close = difflib.get_close_matches(key, list(folded), n=1, cutoff=0.6)
    return folded[close[0]] if close else None


def suggestion(word: str, candidates: Iterable[str]) -> str | None:
    """The help line for a near miss, or None when nothing is close."""
    close = did_you_mean(word, candidates)
    return f"did you mean '{close}'?" if close else None


def fold(topic: str) -> str:
    return _SEPARATORS.sub("", topic.lower())


def segments(topic: str) -> tuple[str, ...]:
    return tuple(s for s in _SEPARATORS.split(topic.lower()) if s)


def distance(a: str, b: str, limit: int) -> int:
    """Edit distance with adjacent transpositions, or `limit + 1` once it is certainly above `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


def _deletions(word: str) -> Iterator[str]:
    yield word
    for i in range(len(word)):
        yield word[:i] + word[i + 1 :]


def _wildcards(parts: tuple[str, ...]) -> Iterator[tuple[int, tuple[str, ...]]]:
    if len(parts) < 2:
        return
    for i in range(len(parts)):
        yield i, (*parts[:i], "*", *parts[i + 1 :])


class TopicIndex:
    def __init__(self, topics: Iterable[str]) -> None:
        self._folded: dict[str, list[str]] = {}
        self._deleted: dict[str, list[str]] = {}
        self._wild: dict[tuple[int, tuple[str, ...]], list[str]] = {}
        for topic in sorted(set(topics)):
            folded = fold(topic)
            _add(self._folded, folded, topic)
            for variant in set(_deletions(folded)):
                _add(self._deleted, variant, topic)
            for key in _wildcards(segments(topic)):
                _add(self._wild, key, topic)

    def closest(self, topic: str) -> str | None:
        folded = fold(topic)
        if folded in self._folded:
            same = [t for t in self._folded[folded] if t != topic]
            if same:
                return same[0]
        scored: list[tuple[int, str]] = []
        for variant in set(_deletions(folded)):
            for candidate in self._deleted.get(variant, ()):
                if candidate != topic and (d := distance(folded, fold(candidate), 2)) <= 2:
                    scored.append((d, candidate))
        parts = segments(topic)
        for index, key in _wildcards(parts):
            for candidate in self._wild.get((index, key), ()):
                other = segments(candidate)[index]
                limit = max(1, len(parts[index]) // 2)
                if candidate != topic and (d := distance(parts[index], other, limit)) <= limit:
                    scored.append((d + 1, candidate))
        return min(scored)[1] if scored else None


def _add(index: dict[K, list[str]], key: K, topic: str) -> None:
    bucket = index.setdefault(key, [])
    if len(bucket) < _BUCKET_LIMIT:
        bucket.append(topic)
