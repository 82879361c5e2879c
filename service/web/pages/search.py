"""The search page and /search.json: one data function (`search_view`) feeds both.

The ranking and the matching are service/build/search.py's; this module reads the page's filters, asks
the index for one page and says what the page shows: the hits, the total, the pages, the kinds to filter
by (with their counts) and the links to the next and previous pages.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from service.build.catalogue import Entry
from service.build.search import Hit, SearchIndex
from service.web.pages.ontology import Vocabulary

PER_PAGE = 20  # hits on a page of /search, and the default `limit` of /search.json
MAX_LIMIT = 50  # the most hits /search.json gives at once


def build_index(entries: Iterable[Entry], vocabulary: Vocabulary) -> SearchIndex:
    """The index over the catalogue's entries, each of its most specific class (ours first)."""

    def kind(entry: Entry) -> str:
        return next(iter(vocabulary.most_specific(entry.classes)), "")

    return SearchIndex(entries, kind)


@dataclass(frozen=True)
class KindChoice:
    iri: str
    label: str
    count: int


@dataclass
class SearchView:
    q: str
    kind: str | None
    alive: dt.date | None
    hits: list[Hit]
    total: int
    page: int
    per_page: int
    kinds: list[KindChoice] = field(default_factory=list)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def first(self) -> int:
        """The position of the page's first hit, from 1."""
        return (self.page - 1) * self.per_page + 1

    @property
    def next_page(self) -> int | None:
        return self.page + 1 if self.page < self.pages else None

    @property
    def previous_page(self) -> int | None:
        return min(self.page - 1, self.pages) if self.page > 1 else None


def search_view(
    index: SearchIndex,
    vocabulary: Vocabulary,
    q: str,
    kind: str | None = None,
    alive: dt.date | None = None,
    page: int = 1,
    per_page: int = PER_PAGE,
) -> SearchView:
    """One page of the hits for `q`, of the kind `kind` (a class IRI) and alive on `alive` when given."""
    results = index.search(q, kind=kind, alive_on=alive, limit=per_page, offset=(page - 1) * per_page)
    kinds = [KindChoice(k, vocabulary.label(k) or k, n) for k, n in results.kinds if k]
    return SearchView(q, kind, alive, results.hits, results.total, page, per_page, kinds)


def hit_json(hit: Hit, vocabulary: Vocabulary, href: str) -> dict[str, object]:
    """A hit as /search.json gives it (service/static/openapi.json, Hit): the fields up to `href` are
    those it has always had, the others came with paging and filters."""
    entry = hit.entry
    return {
        "iri": entry.iri,
        "label": entry.label,
        "matched": hit.matched,
        "codes": entry.codes,
        "kind": (vocabulary.label(hit.kind) or hit.kind) if hit.kind else "",
        "href": href,
        "kindIri": hit.kind or None,
        "score": hit.score,
        "founded": entry.founded.isoformat() if entry.founded else None,
        "dissolved": entry.dissolved.isoformat() if entry.dissolved else None,
    }
