"""Search over the catalogue: names and codes to the things they name, ranked as a reader expects.

`SearchIndex(entries, kind_of)` is built once per process from the catalogue; `search(text, kind=, alive=,
limit=, offset=)` answers with one page of hits, the total and the kinds among them. It is a plain class
over plain data, for the search pages and for any other caller (reconciliation).

What matches: every word of the query must start a word of one name of the thing (its label, an
alternative name or a former name), or the query is the thing's ODS or GSS code. A query word of 5 letters
or more that starts no word of any name at all is read as a misspelling: it matches the words within one
edit of it (5-7 letters) or two (8 or more), the nearest of them only, found by service/build/typos.py.

The ranking, one rule after another (a later rule only orders what the earlier ones leave equal):
 1. an exact code, then an exact name (the whole name, any case and accents), then everything else;
 2. commissioning bodies, then the commissioning bodies that are units of another (sub-ICB locations,
    primary care groups, area teams, hubs, NHS England's regions and local offices), then other
    organisations, then people, then GP practices and other prescribing cost centres, then the rest
    (posts, change events, sources, known gaps);
 3. alive today before dissolved (a body whose end no source gives counts as dissolved);
 4. how the words match: the name starts with the query, then all words whole, then words by their
    start, then through a misspelling;
 5. the current name, then an alternative name, then a former name;
 6. the shorter name, then alphabetical order.
`Hit.score` (0-100) says how well the text matched alone (rules 1, 4 and 5), for callers that show one.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from service import iris
from service.build.catalogue import Entry, fold, words
from service.build.typos import TypoIndex, allowed_distance

NHS, ORG, FOAF = iris.DEF, iris.PREFIXES["org"], iris.PREFIXES["foaf"]

# Rule 2, in the order of the groups.
BODY, UNIT = NHS + "CommissioningBody", ORG + "OrganizationalUnit"
PRACTICE, ORGANISATION, PERSON = NHS + "PrescribingCostCentre", ORG + "Organization", FOAF + "Person"

# Rule 1 (tiers), rule 4 (how the words match) and rule 5 (which name).
CODE, EXACT_NAME, OTHER = 0, 1, 2
STARTS, WHOLE_WORDS, WORD_STARTS, TYPO = 1, 2, 3, 4
CURRENT, ALTERNATIVE, FORMER = 0, 1, 2
MATCH_SCORE = {STARTS: 90, WHOLE_WORDS: 80, WORD_STARTS: 60, TYPO: 40}


@dataclass(frozen=True)
class Name:
    text: str
    words: tuple[str, ...]
    which: int  # CURRENT, ALTERNATIVE or FORMER
    joined: str = ""  # the words, one space between
    word_set: frozenset[str] = frozenset()


def name(text: str, which: int) -> Name:
    found = tuple(words(text))
    return Name(text, found, which, " ".join(found), frozenset(found))


@dataclass(frozen=True)
class Hit:
    entry: Entry
    score: int  # 100 an exact code or name, less the looser the match (MATCH_SCORE); 5 less for an
    # alternative name, 10 for a former one
    matched: str  # the name that matched, or "code"
    kind: str  # the most specific class, "" if none is known
    former: bool = False  # `matched` is a former name


@dataclass
class Results:
    hits: list[Hit]  # the page asked for, best first
    total: int  # every hit, over all pages (after the filters)
    kinds: list[tuple[str, int]] = field(default_factory=list)  # kind -> hits, before the kind filter


@dataclass(frozen=True)
class Query:
    """A query's words, each with the vocabulary words it stands for (those it starts, or its near
    spellings when it starts none)."""

    joined: str
    code: str
    words: tuple[str, ...]
    stands_for: tuple[frozenset[str], ...]
    typo: tuple[bool, ...]


def names_of(entry: Entry) -> tuple[Name, ...]:
    """The entry's names, each once (the first spelling kept, as ODS repeats names in capitals): the label,
    then former names, then alternative names. An alternative name that is also a former name (ODS keeps
    old names as alternatives) counts as former."""
    seen: set[str] = set()
    names = []
    for text, which in (
        [(entry.label, CURRENT)]
        + [(f, FORMER) for f in entry.former_names]
        + [(a, ALTERNATIVE) for a in entry.alt_labels]
    ):
        made = name(text, which)
        if made.words and made.joined not in seen:
            seen.add(made.joined)
            names.append(made)
    return tuple(names)


def group_of(classes: set[str]) -> int:
    """Rule 2: 0 for a commissioning body, 1 for a unit of one, ... 5 for the rest."""
    if BODY in classes:
        return 1 if UNIT in classes else 0
    if PRACTICE in classes:
        return 4
    return 2 if ORGANISATION in classes else 3 if PERSON in classes else 5


def alive(entry: Entry, day: dt.date) -> bool:
    """Known to exist on `day`: founded by then and dissolved no earlier, or still current. A body with no
    founding date is alive on no day; one whose end no source gives, on its founding day alone."""
    if entry.end_unknown and entry.dissolved is None:
        return entry.founded == day
    return entry.alive_on(day)


@dataclass(frozen=True)
class Match:
    hit: Hit
    how: int  # 0 (the whole name or code), STARTS, WHOLE_WORDS, WORD_STARTS or TYPO
    which: int  # CURRENT, ALTERNATIVE or FORMER


class SearchIndex:
    """Names and codes of the catalogue's entries, folded and indexed once."""

    def __init__(self, entries: Iterable[Entry], kind_of: Callable[[Entry], str]) -> None:
        self.entries: dict[str, Entry] = {}
        self.names: dict[str, tuple[Name, ...]] = {}
        self.kinds: dict[str, str] = {}
        self.groups: dict[str, int] = {}
        self.codes: dict[str, frozenset[str]] = {}  # folded
        self.sort_labels: dict[str, str] = {}
        by_word: dict[str, set[str]] = defaultdict(set)
        self.by_code: dict[str, set[str]] = defaultdict(set)
        for entry in entries:
            iri = entry.iri
            self.entries[iri], self.names[iri] = entry, names_of(entry)
            self.kinds[iri], self.groups[iri] = kind_of(entry), group_of(entry.classes)
            self.codes[iri] = frozenset(fold(c).strip() for c in entry.codes)
            self.sort_labels[iri] = fold(entry.label)
            for name in self.names[iri]:
                for word in name.words:
                    by_word[word].add(iri)
            for code in self.codes[iri]:
                self.by_code[code].add(iri)
        self.by_word = dict(by_word)
        self.vocabulary = sorted(self.by_word)
        self.typos = TypoIndex(w for w in self.vocabulary if len(w) >= 3)

    def starting(self, prefix: str) -> list[str]:
        """The vocabulary's words that start with `prefix`."""
        start = bisect.bisect_left(self.vocabulary, prefix)
        end = bisect.bisect_left(self.vocabulary, prefix + "\U0010ffff", lo=start)
        return self.vocabulary[start:end]

    def read(self, text: str) -> Query:
        query_words = tuple(words(text))
        stands_for, typo = [], []
        for word in query_words:
            found = self.starting(word)
            misspelt = not found and allowed_distance(word) > 0
            stands_for.append(frozenset(self.typos.nearest(word) if misspelt else found))
            typo.append(misspelt)
        return Query(" ".join(query_words), fold(text).strip(), query_words, tuple(stands_for), tuple(typo))

    def candidates(self, query: Query) -> set[str]:
        found = set(self.by_code.get(query.code, ()))
        word_sets = [set().union(*(self.by_word[w] for w in stands)) for stands in query.stands_for]
        if word_sets:
            found |= set.intersection(*word_sets)
        return found

    def search(
        self,
        text: str,
        kind: str | None = None,
        alive_on: dt.date | None = None,
        limit: int = 20,
        offset: int = 0,
        today: dt.date | None = None,
    ) -> Results:
        """One page of the things matching `text`, ranked (see the module's docstring); `kind` keeps those
        whose most specific class it is, `alive_on` those known to exist that day."""
        query = self.read(text)
        if not query.words:
            return Results([], 0)
        today = today or dt.date.today()
        ranked = []
        for iri in self.candidates(query):
            entry = self.entries[iri]
            if alive_on is not None and not alive(entry, alive_on):
                continue
            match = self.match(entry, query)
            if match is not None:
                ranked.append((self.rank(match, today), match.hit))
        kinds = Counter(hit.kind for _, hit in ranked)
        if kind is not None:
            ranked = [(key, hit) for key, hit in ranked if hit.kind == kind]
        ranked.sort(key=lambda pair: pair[0])
        hits = [hit for _, hit in ranked[offset : offset + limit]]
        return Results(hits, len(ranked), sorted(kinds.items(), key=lambda kv: (-kv[1], kv[0])))

    def match(self, entry: Entry, query: Query) -> Match | None:
        """How `entry` matches best, or None: its code, else its best name (rules 1, 4 and 5)."""
        kind = self.kinds[entry.iri]
        if query.code in self.codes[entry.iri]:
            return Match(Hit(entry, 100, "code", kind), 0, CURRENT)
        best: tuple[int, int, Name] | None = None
        for name in self.names[entry.iri]:
            how = self.how(name, query)
            if how is not None and (best is None or (how, name.which) < best[:2]):
                best = (how, name.which, name)
        if best is None:
            return None
        how, which, name = best
        score = (100 if how == 0 else MATCH_SCORE[how]) - 5 * which
        return Match(Hit(entry, score, name.text, kind, which == FORMER), how, which)

    @staticmethod
    def how(name: Name, query: Query) -> int | None:
        """0 for the whole name, else STARTS, WHOLE_WORDS, WORD_STARTS or TYPO; None: no match."""
        present = name.word_set
        if any(present.isdisjoint(stands) for stands in query.stands_for):
            return None
        if any(query.typo):
            return TYPO
        if name.joined == query.joined:
            return 0
        if name.joined.startswith(query.joined):
            return STARTS
        return WHOLE_WORDS if all(w in present for w in query.words) else WORD_STARTS

    def rank(self, match: Match, today: dt.date) -> tuple[int, int, bool, int, int, int, str, str]:
        """The sort key of a match: rules 1 to 6 in turn."""
        entry = match.hit.entry
        tier = CODE if match.hit.matched == "code" else EXACT_NAME if match.how == 0 else OTHER
        dead = not alive(entry, today)
        return (
            tier,
            self.groups[entry.iri],
            dead,
            match.how,
            match.which,
            len(entry.label),
            self.sort_labels[entry.iri],
            entry.iri,
        )
