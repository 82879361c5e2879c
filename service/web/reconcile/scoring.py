"""Names made comparable, and how like a query a name is (0-1).

Official names of the same body are written many ways: "Manchester PCT", "Manchester Primary Care Trust",
"NHS Manchester"; "NHS Manchester CCG" and "Manchester Clinical Commissioning Group". The canonical form
folds case and accents, writes the common long forms as their abbreviations and leaves out "NHS" and "the",
so that those compare equal. Likeness mixes shared words (a different word, "CCG" against "PCT", weighs
much) and shared letters (typos weigh little)."""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from functools import lru_cache

from service.build.catalogue import fold, words

# Long forms of the kinds' names, as their usual abbreviations; longest first.
ABBREVIATIONS: tuple[tuple[str, str], ...] = (
    ("clinical commissioning group", "ccg"),
    ("strategic health authority", "sha"),
    ("integrated care board", "icb"),
    ("primary care trust", "pct"),
    ("primary care group", "pcg"),
    ("commissioning support unit", "csu"),
    ("health authority", "ha"),
)
IGNORED = frozenset({"nhs", "the"})


@lru_cache(maxsize=1 << 16)
def canonical(text: str) -> str:
    """`NHS Manchester Primary Care Trust` -> `manchester pct`. Cached: the same labels recur in every
    batch (a pure function of its text, so the cache changes no answer)."""
    spaced = " ".join(words(fold(text).replace("&", " and ")))
    for long, short in ABBREVIATIONS:
        spaced = re.sub(rf"\b{long}\b", short, spaced)
    return " ".join(w for w in spaced.split() if w not in IGNORED)


def _same_word(a: str, b: str) -> bool:
    """Equal, or one letter off in a long word ("manchestr"): a typo, not another word ("ccg", "pct")."""
    return a == b or (min(len(a), len(b)) > 4 and SequenceMatcher(None, a, b).ratio() >= 0.85)


def likeness(query: str, name: str) -> float:
    """1 for the same canonical name; else half shared words (Dice, a typo forgiven), half shared letters."""
    if query == name:
        return 1.0
    a, b = set(query.split()), set(name.split())
    if not a or not b:
        return 0.0
    shared = sum(1 for w in a if any(_same_word(w, v) for v in b))
    return 0.5 * (2 * shared / (len(a) + len(b))) + 0.5 * SequenceMatcher(None, query, name).ratio()
