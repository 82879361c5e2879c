"""/coverage's long lists a page at a time (service/web/pages/coverage.py): every item once, in order; the
page shows the first LIST_PAGE of each kind and links to the rest, which has rel next/prev."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from service import iris
from service.build.coverage import Coverage, coverage
from service.config import Settings
from service.store import OxigraphStore
from service.web.app import create_app
from service.web.pages.coverage import list_page
from tests.pages_fixtures import fixture_store
from tests.web.pages.html_tree import tree

HISTORY = Path(__file__).parents[2] / "data" / "coverage" / "history.ttl"  # states gaps and unnamed bodies


def with_history() -> OxigraphStore:
    store = fixture_store()
    store.load_file(HISTORY, iris.graph("history"))
    return store


@pytest.fixture(scope="module")
def view() -> Coverage:
    return coverage(with_history(), dt.date.today())


@pytest.fixture(scope="module")
def embedded() -> FlaskClient:
    return create_app(Settings(), store=with_history()).test_client()


def lists(view: Coverage) -> list[tuple[str, str, int]]:
    every = [("gaps", kind, len(found)) for kind, found in view.gaps.items()]
    return every + [("unnamed", kind, len(found)) for kind, found in view.unnamed.items()]


@pytest.mark.parametrize("per_page", [1, 2, 3])
def test_the_pages_of_each_list_lose_nothing_and_repeat_nothing(view: Coverage, per_page: int) -> None:
    assert lists(view), "the fixture states gaps or unnamed bodies"
    for section, kind, total in lists(view):
        first = list_page(view, section, kind, 1, per_page)
        assert first is not None and first.total == total
        seen = [
            i for n in range(1, first.pages + 1) for i in list_page(view, section, kind, n, per_page).items
        ]  # type: ignore[union-attr]
        whole = view.gaps[kind] if section == "gaps" else view.unnamed[kind]
        assert seen == list(whole)
    assert list_page(view, "gaps", "no such kind", 1) is None
    assert list_page(view, "elsewhere", "name unknown", 1) is None


def test_a_list_page_shows_its_items_and_links_its_neighbours(embedded: FlaskClient, view: Coverage) -> None:
    section, kind, total = lists(view)[0]
    response = embedded.get("/coverage", query_string={"list": section, "kind": kind})
    assert response.status_code == 200
    items = tree(response.get_data(as_text=True)).find(cls="coverage-list").all(tag="li")
    assert len(items) == min(total, 100)
    assert 'rel="alternate"' in response.headers["Link"]  # the page's other forms stay named
    missing = embedded.get("/coverage", query_string={"list": section, "kind": "no such kind"})
    assert missing.status_code == 404
    beyond = embedded.get("/coverage", query_string={"list": section, "kind": kind, "page": 2})
    assert beyond.status_code == (200 if total > 100 else 404)


def test_the_coverage_page_names_each_list(embedded: FlaskClient, view: Coverage) -> None:
    page = tree(embedded.get("/coverage").get_data(as_text=True))
    summaries = [d.find(tag="summary").text for d in page.all(tag="details")]
    for _, kind, total in lists(view):
        assert f"{kind.capitalize()}: {total:,}" in summaries or f"{kind}: {total:,}" in summaries
