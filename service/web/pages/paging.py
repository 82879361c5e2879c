"""Long lists shown a page at a time. An entity page's "All statements" section is paged by `page=`: its
page k holds the k-th page of the statements about the thing and the k-th page of those pointing at it,
and the JSON-LD embedded in the HTML says what that page shows. A body with a thousand members thus sends
a page of a few hundred rows, not all of them (375 KB and 46,000 px for the largest CCG before).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from service.terms import IRI, Triple
from service.web.pages.entity import Page, Statement

STATEMENTS_PER_PAGE = 100
T = TypeVar("T")


def page_of(items: Sequence[T], number: int, per_page: int) -> Page[T]:
    """The `number`-th page (from 1) of `items`; beyond the last page, an empty one."""
    start = (number - 1) * per_page
    return Page(list(items[start : start + per_page]), number, len(items), per_page)


def shown_triples(triples: list[Triple], iri: str, about: list[Statement]) -> list[Triple]:
    """Of the document's triples, those a page shows: its page of statements about `iri` (`about`), and
    every triple pointing at it (the document holds only the page of those already)."""
    this = IRI(iri)
    shown = {(s.predicate.iri, s.object) for s in about}
    return [t for t in triples if t.subject != this or (t.predicate.value, t.object) in shown]
