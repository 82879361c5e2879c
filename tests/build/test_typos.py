"""The misspelling index: its distance, and that its trigram filter never loses a word within reach."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from service.build.typos import TypoIndex, allowed_distance, edit_distance

WORDS = st.text(alphabet="abcde", min_size=1, max_size=10)


def levenshtein_with_swaps(a: str, b: str) -> int:
    """The optimal-string-alignment distance, the plain full table (the reference for the law below)."""
    d = [[i + j if i * j == 0 else 0 for j in range(len(b) + 1)] for i in range(len(a) + 1)]
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] != b[j - 1]))
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[-1][-1]


@pytest.mark.parametrize(
    ("a", "b", "distance"),
    [
        ("manchester", "manchester", 0),
        ("manchster", "manchester", 1),  # a letter left out
        ("manchetser", "manchester", 1),  # two neighbours swapped
        ("manchaster", "manchester", 1),  # one letter for another
        ("mnchster", "manchester", 2),
        ("salford", "bolton", 3),  # beyond the bound of 2: reported as 3
    ],
)
def test_edit_distance(a: str, b: str, distance: int) -> None:
    assert edit_distance(a, b, 2) == distance


@given(WORDS, WORDS, st.integers(0, 3))
def test_edit_distance_is_the_full_table_up_to_its_bound(a: str, b: str, bound: int) -> None:
    assert edit_distance(a, b, bound) == min(levenshtein_with_swaps(a, b), bound + 1)


def test_how_many_edits_a_word_may_carry() -> None:
    assert [allowed_distance("x" * n) for n in (4, 5, 7, 8, 12)] == [0, 1, 1, 2, 2]


@settings(max_examples=200)
@given(st.lists(WORDS, min_size=1, max_size=30), st.text(alphabet="abcde", min_size=5, max_size=10))
def test_near_finds_exactly_the_words_within_the_distance(vocabulary: list[str], word: str) -> None:
    """The trigram filter is only a shortcut: what it finds is what comparing every word would find."""
    bound = allowed_distance(word)
    expected = {w for w in vocabulary if levenshtein_with_swaps(word, w) <= bound}
    assert set(TypoIndex(vocabulary).near(word)) == expected


def test_near_orders_by_distance() -> None:
    index = TypoIndex(["manchester", "manchesters", "winchester", "bolton"])
    assert index.near("manchster") == ["manchester", "manchesters"]
    assert index.near("bolton") == ["bolton"]
    assert index.near("bolt") == []  # under 5 letters no edit is allowed, and "bolt" itself is not there
    assert TypoIndex(["boltons"]).near("bolton") == ["boltons"]


def test_nearest_keeps_the_nearest_spellings_only() -> None:
    index = TypoIndex(["manchester", "lancaster", "lanchester", "salford", "salfords"])
    assert index.near("manchster") == ["manchester", "lancaster", "lanchester"]  # by distance, then name
    assert index.nearest("manchster") == ["manchester"]
    assert index.nearest("salfrod") == ["salford"]  # two neighbours swapped: one edit
    assert index.nearest("xyzzyx") == []
