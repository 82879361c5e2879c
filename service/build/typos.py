"""Words within a small edit distance of a misspelt one: what search reads "manchster" as.

A trigram index over the distinct words of the catalogue's names (about 13,000 words today, some 100,000
trigram postings). For a word, the words sharing enough of its trigrams are the only ones whose distance
is computed, so a look-up touches a few hundred words instead of all of them, and takes a millisecond or
two in pure Python; the index is built in a fraction of a second when a process starts.

Why trigrams, not the alternatives: a symmetric-delete index (SymSpell) answers faster still, but for
distance 2 it holds every word with any two letters deleted, some 400,000 keys in each web worker; brute
force over the vocabulary costs 100 ms or more a word in pure Python; a compiled library (rapidfuzz) would
be a new dependency for a look-up that only runs for words that match nothing as written.

The filter loses no word within the distance (the q-gram lemma): a word padded as "$$word$$" has len + 2
trigrams, and one edit (an insertion, a deletion, a substitution or a swap of neighbours) changes at most
four of them, so two words `d` edits apart share at least `max(n_a, n_b) - 4 * d` of their distinct
trigrams (n: how many distinct trigrams a word has).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable

PAD = "$$"


def trigrams(word: str) -> list[str]:
    padded = PAD + word + PAD
    return [padded[i : i + 3] for i in range(len(padded) - 2)]


def allowed_distance(word: str) -> int:
    """How many edits a word may carry: none under 5 letters, one for 5-7, two from 8."""
    return 0 if len(word) < 5 else 1 if len(word) < 8 else 2


def edit_distance(a: str, b: str, bound: int) -> int:
    """The optimal-string-alignment distance of `a` and `b` (insertions, deletions, substitutions and
    swaps of neighbouring letters, each one edit), or `bound + 1` as soon as it must exceed `bound`."""
    if abs(len(a) - len(b)) > bound:
        return bound + 1
    before: list[int] | None = None
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if before is not None and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                value = min(value, before[j - 2] + 1)
            current[j] = value
        if min(current) > bound:
            return bound + 1
        before, previous = previous, current
    return min(previous[-1], bound + 1)


class TypoIndex:
    """The words of a vocabulary, found again from a misspelling of them."""

    def __init__(self, vocabulary: Iterable[str]) -> None:
        # trigram -> word length -> words: a look-up reads only the lengths within reach.
        postings: dict[str, dict[int, list[str]]] = defaultdict(lambda: defaultdict(list))
        self._sizes: dict[str, int] = {}
        for word in set(vocabulary):
            grams = set(trigrams(word))
            self._sizes[word] = len(grams)
            for gram in grams:
                postings[gram][len(word)].append(word)
        self._postings = {gram: dict(by_length) for gram, by_length in postings.items()}

    def nearest(self, word: str) -> list[str]:
        """The vocabulary's words nearest to `word`, within its allowed distance: "manchster" is read as
        "manchester" (one edit), not also as "lancaster" (two)."""
        found = self.near_with_distance(word)
        return [w for d, w in found if d == found[0][0]] if found else []

    def near(self, word: str) -> list[str]:
        """The vocabulary's words within `allowed_distance(word)` edits of `word`, nearest first (the
        word itself, if known, at distance 0)."""
        return [w for _, w in self.near_with_distance(word)]

    def near_with_distance(self, word: str) -> list[tuple[int, str]]:
        bound = allowed_distance(word)
        grams = set(trigrams(word))
        lengths = range(len(word) - bound, len(word) + bound + 1)
        shared: Counter[str] = Counter()
        for gram in grams:
            by_length = self._postings.get(gram, {})
            for length in lengths:
                shared.update(by_length.get(length, ()))
        found = []
        for candidate, count in shared.items():
            needed = max(len(grams), self._sizes[candidate]) - 4 * bound
            if count >= needed:
                distance = edit_distance(word, candidate, bound)
                if distance <= bound:
                    found.append((distance, candidate))
        return sorted(found)
