"""A reconciliation query -> scored candidates (0-100), `match: true` only when the answer is unambiguous.

Candidates come from the catalogue: its search over all labels (current, former, alternative) and codes,
and its code index. Each is scored by the likeness of its best name to the query; a date (`aliveOn`) halves
the score of a body not alive then, so that "Manchester" on 2010-01-01 and on 2020-01-01 find different
bodies; an ODS or ONS code given as a property decides outright; a parent given as a property (on the date,
if one is given) raises the bodies whose parent it names and lowers the others.

A candidate is a match when it is the only one of the query's type that carries the code asked for (alive
on the date, if one is given), or the only one carrying the exact name asked for (alive on the date, if one
is given).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from service import iris
from service.build.catalogue import Catalogue, Entry, fold, words
from service.build.search import SearchIndex
from service.web.reconcile.facts import Tie
from service.web.reconcile.kinds import ORGANIZATION
from service.web.reconcile.scoring import IGNORED, canonical, likeness

MAX_LIMIT = 50
DEFAULT_LIMIT = 5
POOL = 200  # catalogue hits rescored per query
PARENT_CHECKED = 20  # candidates whose parents are read when a query names a parent
NOT_ALIVE = 0.5  # the score kept by a body known not to be alive on the query's date
UNKNOWN_LIFE = 0.8  # ... by a body whose founding date is unknown
WRONG_CODE = 0.4  # ... by a body without the code a property asks for
WRONG_PARENT = 0.7  # ... by a body whose parent (on the date) is not the one named
NOT_COMMISSIONING = 0.9  # ... by a practice (any non-commissioning body) when the query names no type
COMMISSIONING_BODY = iris.DEF + "CommissioningBody"
COMMON = IGNORED | {"and", "of"}
PROPERTIES = ("odsCode", "gssCode", "aliveOn", "parent")


class BadQueryError(ValueError):
    """A query the API's schema allows but this service cannot answer (an unknown property, a bad date)."""


@dataclass(frozen=True, slots=True)
class Query:
    text: str
    kind: str | None = None
    limit: int = DEFAULT_LIMIT
    codes: tuple[str, ...] = ()
    alive_on: dt.date | None = None
    parents: tuple[str, ...] = ()  # names, codes or IRIs of the parent asked for


@dataclass
class Candidate:
    entry: Entry
    score: float
    exact_name: bool = False
    exact_code: bool = False
    parent_named: bool = False  # its parent (on the date) is the one the query names

    def alive(self, day: dt.date | None) -> bool:
        return day is None or self.entry.alive_on(day)


def _strings(value: object) -> list[str]:
    """A property value as strings: a string, number, {"id": ...} or a list of them."""
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    if isinstance(value, Mapping):
        return _strings(value.get("id"))
    if isinstance(value, bool) or value is None:
        return []
    return [str(value).strip()] if str(value).strip() else []


def _date(texts: list[str]) -> dt.date:
    try:
        return dt.date.fromisoformat(texts[0][:10])
    except (ValueError, IndexError) as exc:
        raise BadQueryError(f"aliveOn must be a date (YYYY-MM-DD), not {texts!r}") from exc


def parse_query(raw: Mapping[str, object]) -> Query:
    """One query of a batch, as the API writes it (schemas/reconciliation-query-batch.json)."""
    values: dict[str, list[str]] = {p: [] for p in PROPERTIES}
    given = raw.get("properties") or []
    for prop in given if isinstance(given, list) else []:
        pid = prop.get("pid") if isinstance(prop, Mapping) else None
        if pid not in values:
            raise BadQueryError(f"unknown property {pid!r}: this service offers {', '.join(PROPERTIES)}")
        values[str(pid)] += _strings(prop.get("v"))
    kind = raw.get("type")
    limit = raw.get("limit", DEFAULT_LIMIT)
    return Query(
        text=str(raw.get("query") or "").strip()[:300],
        kind=kind if isinstance(kind, str) and kind else None,
        limit=max(1, min(limit if isinstance(limit, int) else DEFAULT_LIMIT, MAX_LIMIT)),
        codes=tuple(values["odsCode"] + values["gssCode"]),
        alive_on=_date(values["aliveOn"]) if values["aliveOn"] else None,
        parents=tuple(values["parent"]),
    )


def _by_code(index: SearchIndex, codes: list[str]) -> set[str]:
    return {iri for code in codes for iri in index.by_code.get(fold(code).strip(), set())}


def _pool(index: SearchIndex, query: Query) -> set[str]:
    """The IRIs worth scoring: the holders of every word of the text (the catalogue's word index), else
    the catalogue's search, which also takes words as prefixes; if that finds none either, its hits for
    the first four letters of each longer word, which forgives a misspelt ending. And every holder of a
    code asked for."""
    found = _by_code(index, [query.text, *query.codes])
    # Common words left out: "Bath & North East Somerset" for "Bath and North East Somerset", and no
    # scan of the thousands of names with "and" or "NHS".
    kept = [w for w in words(query.text) if w not in COMMON] or words(query.text)
    if not kept:
        return found
    named = set.intersection(*(index.by_word.get(w, set()) for w in kept))
    if not named:
        named = {h.entry.iri for h in index.search(" ".join(kept), limit=POOL).hits}
    if not named:
        stems = sorted({w[:4] for w in kept if len(w) > 3})
        share = POOL // max(len(stems), 1)
        named = {h.entry.iri for s in stems for h in index.search(s, limit=share).hits}
    return found | named


def _fits(entry: Entry, kind: str | None) -> bool:
    return (kind or ORGANIZATION) in entry.classes


def _score(entry: Entry, query: Query, wanted: str) -> Candidate:
    """The candidate's score from its names, codes and life alone."""
    folded = fold(query.text)
    codes = {fold(c) for c in entry.codes}
    if folded and folded in codes:
        candidate = Candidate(entry, 100.0, exact_code=True)
    else:
        names = [(1.0, entry.label)] + [(0.97, alt) for alt in entry.alt_labels]
        exact = any(fold(name) == folded for _, name in names)
        best = max((weight * likeness(wanted, canonical(name)) for weight, name in names), default=0.0)
        candidate = Candidate(entry, 100.0 * (0.99 if exact else 0.95) * best, exact_name=exact)
    if query.codes:
        if codes & {fold(c) for c in query.codes}:
            candidate.score, candidate.exact_code = 100.0, True
        else:
            candidate.score *= WRONG_CODE
    if query.kind is None and COMMISSIONING_BODY not in entry.classes:
        # Without a type, the commissioning bodies this graph is about come before the practices that
        # share a word of their name ("Manchester": Manchester Teaching PCT before Manchester Medical).
        candidate.score *= NOT_COMMISSIONING
    if query.alive_on is not None and not entry.alive_on(query.alive_on):
        candidate.score *= UNKNOWN_LIFE if entry.founded is None else NOT_ALIVE
    return candidate


def parent_named(tie: Tie, named: tuple[str, ...], catalogue: Catalogue) -> bool:
    """Whether the body of `tie` is the one named: by IRI, code or (canonical) name."""
    entry = catalogue.entries.get(tie.body)
    names = {tie.body} | ({fold(c) for c in entry.codes} if entry else set())
    if entry:
        names |= {canonical(n) for n in [entry.label, *entry.alt_labels]}
    return any(n in names or fold(n) in names or canonical(n) in names for n in named)


def _apply_parents(
    candidates: list[Candidate], query: Query, ties: Mapping[str, list[Tie]], catalogue: Catalogue
) -> None:
    for candidate in candidates:
        on_day = [t for t in ties.get(candidate.entry.iri, []) if t.on(query.alive_on)]
        if any(parent_named(t, query.parents, catalogue) for t in on_day):
            candidate.score, candidate.parent_named = min(100.0, candidate.score + 10.0), True
        else:
            candidate.score *= WRONG_PARENT


def _matches(candidates: list[Candidate], query: Query) -> set[str]:
    """The one unambiguous candidate, if any: the only holder of the code, else of the exact name (alive on
    the date, if the query has one)."""
    # With a code asked for, only its holder can match: an exact name with another code contradicts it.
    for flag in ("exact_code",) if query.codes else ("exact_code", "exact_name"):
        holders = [c for c in candidates if getattr(c, flag)]
        if query.alive_on is not None:
            holders = [c for c in holders if c.alive(query.alive_on)]
        if len(holders) == 1 and (holders[0].parent_named or not query.parents):
            return {holders[0].entry.iri}
        if holders:
            return set()
    return set()


Parents = Callable[[list[str]], Mapping[str, list[Tie]]]


def reconcile(
    catalogue: Catalogue, index: SearchIndex, query: Query, parents: Parents
) -> list[tuple[Candidate, bool]]:
    """The query's best candidates, best first, each with whether it is the match."""
    wanted = canonical(query.text)
    candidates = [
        _score(catalogue.entries[iri], query, wanted)
        for iri in _pool(index, query)
        if _fits(catalogue.entries[iri], query.kind)
    ]
    candidates.sort(key=lambda c: (-c.score, c.entry.label, c.entry.iri))
    if query.parents:
        checked = candidates[:PARENT_CHECKED]
        _apply_parents(checked, query, parents([c.entry.iri for c in checked]), catalogue)
        candidates = sorted(checked, key=lambda c: (-c.score, c.entry.label, c.entry.iri))
    # The match is the best candidate or none: a lone holder of the name outranked by another is no match.
    matched = _matches(candidates, query) & {c.entry.iri for c in candidates[:1]}
    return [(c, c.entry.iri in matched) for c in candidates[: query.limit] if c.score > 0]
