"""Listings and overviews: the instances of a class, the landscape on a day, the sources for /about."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from service import iris
from service.build.catalogue import Catalogue, holds_on, parse_day, query
from service.build.class_index import ClassIndex
from service.store import Store
from service.terms import Row
from service.web.pages.ontology import Vocabulary
from service.web.pages.timeline import CountChart, count_chart, counts_by_year

NHS = iris.DEF
PER_PAGE = 100
COMMISSIONING_BODY = NHS + "CommissioningBody"


@dataclass(frozen=True)
class Listed:
    iri: str
    label: str
    codes: list[str]
    founded: dt.date | None
    dissolved: dt.date | None


@dataclass
class Listing:
    class_iri: str
    total: int
    items: list[Listed]
    page: int
    pages: int


def instances(
    index: ClassIndex, catalogue: Catalogue, class_iri: str, at: dt.date | None, page: int
) -> Listing:
    """The instances of a class, alive on `at` when given, sorted by label, one page of them: a slice of
    the build's class index (the count and the order are the build's; only a date filters here)."""
    found = index.members.get(class_iri, [])
    if at is not None:
        found = [iri for iri in found if index.alive_on(iri, catalogue, at)]
    start = (page - 1) * PER_PAGE
    items = []
    for iri in found[start : start + PER_PAGE]:
        e = index.instance(iri, catalogue)
        items.append(Listed(e.iri, e.label or e.iri, list(e.codes), e.founded, e.dissolved))
    return Listing(class_iri, len(found), items, page, max(1, -(-len(found) // PER_PAGE)))


@dataclass(frozen=True)
class TreeNode:
    iri: str
    label: str
    kind: str
    children: list[TreeNode]


@dataclass
class Landscape:
    day: dt.date
    kinds: list[tuple[str, str, int]]  # (class IRI, label, count alive that day)
    tree: list[TreeNode]
    chart: CountChart
    undated: int = 0  # commissioning bodies with no founding date: counted on no day


def kinds_alive(catalogue: Catalogue, vocabulary: Vocabulary, day: dt.date) -> list[tuple[str, str, int]]:
    counts: dict[str, int] = defaultdict(int)
    for entry in catalogue.entries.values():
        if COMMISSIONING_BODY in entry.classes and (entry.founded or entry.dissolved) and entry.alive_on(day):
            for cls in vocabulary.most_specific(entry.classes)[:1]:
                counts[cls] += 1
    return sorted(((c, vocabulary.label(c) or c, n) for c, n in counts.items()), key=lambda t: -t[2])


def accountability_tree(
    rows: list[Row], catalogue: Catalogue, vocabulary: Vocabulary, day: dt.date
) -> list[TreeNode]:
    """Who was accountable to whom on `day`, as a forest rooted at bodies accountable to no one."""
    children: dict[str, set[str]] = defaultdict(set)
    has_parent: set[str] = set()
    for row in rows:
        start = parse_day(row["start"].value) if "start" in row else None
        end = parse_day(row["end"].value) if "end" in row else None
        if holds_on(start, end, day):
            children[row["to"].value].add(row["body"].value)
            has_parent.add(row["body"].value)

    def node(iri: str, seen: frozenset[str]) -> TreeNode:
        entry = catalogue.entries.get(iri)
        kind = vocabulary.most_specific(entry.classes)[0] if entry and entry.classes else ""
        kids = [node(c, seen | {c}) for c in children.get(iri, ()) if c not in seen]
        kids.sort(key=lambda n: (n.kind, n.label))
        return TreeNode(iri, catalogue.label(iri) or iri, vocabulary.label(kind) or "", kids)

    roots = sorted(r for r in children if r not in has_parent)
    return [node(r, frozenset({r})) for r in roots]


def landscape(
    catalogue: Catalogue, vocabulary: Vocabulary, accountabilities: list[Row], day: dt.date
) -> Landscape:
    years = list(range(1996, dt.date.today().year + 1))
    kinds = kinds_alive(catalogue, vocabulary, day)
    bodies = [e for e in catalogue.entries.values() if COMMISSIONING_BODY in e.classes]
    specific = {c for e in bodies for c in vocabulary.most_specific(e.classes)[:1]}
    counts = counts_by_year(bodies, sorted(specific), years)
    labels = {c: vocabulary.label(c) or c for c in counts}
    chart = count_chart(counts, labels, years, day)
    tree = accountability_tree(accountabilities, catalogue, vocabulary, day)
    return Landscape(day, kinds, tree, chart, sum(1 for e in bodies if e.founded is None))


@dataclass(frozen=True)
class SourceInfo:
    iri: str
    title: str
    publisher: str
    licence: str
    issued: str
    url: str
    description: str


def data_sources(store: Store) -> tuple[list[SourceInfo], list[tuple[str, int]]]:
    """The data files behind the dataset (web pages and articles are counted, not listed)."""
    fields: dict[str, dict[str, str]] = defaultdict(dict)
    for row in store.select(query("sources_all")):
        name = row["p"].value.rsplit("/", 1)[-1]
        fields[row["source"].value].setdefault(name, row["o"].value)
    listed = [
        SourceInfo(
            iri,
            f.get("title", iri),
            f.get("publisher", ""),
            f.get("license", ""),
            f.get("issued", ""),
            f.get("url", ""),
            f.get("description", ""),
        )
        for iri, f in fields.items()
    ]
    kinds = [(r["cls"].value, int(r["n"].value)) for r in store.select(query("source_kinds"))]
    return sorted(listed, key=lambda s: s.title), sorted(kinds, key=lambda k: -k[1])
