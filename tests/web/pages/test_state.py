"""The pages' state (service/web/pages/state.py): built once by create_app, read by every view."""

from __future__ import annotations

import datetime as dt

from flask import Flask

from service.bounded_cache import document_cache
from service.web import context
from service.web.pages import listings
from service.web.pages.state import PagesState, pages_state


def test_create_app_builds_the_pages_state_from_its_store(app: Flask) -> None:
    with app.app_context():
        state = pages_state()
    assert isinstance(state, PagesState)
    assert state.catalogue.entries, "the catalogue was read from the fixture store"
    assert state.report is None  # an app given a store in hand has no build folder, so no saved report
    assert state.shapes is None  # filled on its page's first visit only


def test_the_coverage_table_is_computed_once_a_day(app: Flask) -> None:
    with app.app_context():
        state, store = pages_state(), context.state().store
    day = dt.date(2020, 1, 1)
    first = state.coverage_on(store, day)
    assert state.coverage_on(store, day) is first
    later = state.coverage_on(store, day + dt.timedelta(days=1))
    assert later is not first and later.day == day + dt.timedelta(days=1)


def test_a_day_landscape_is_kept_and_equals_one_made_afresh(app: Flask) -> None:
    with app.app_context():
        state = pages_state()
    day = dt.date(2012, 6, 1)
    kept = state.landscape_on(day)
    assert state.landscape_on(day) is kept  # the second visit of the day is the first's view
    assert kept == listings.landscape(state.catalogue, state.vocabulary, state.accountabilities, day)


def test_a_class_on_a_day_is_kept_and_equals_the_filter_per_instance(app: Flask) -> None:
    with app.app_context():
        state, store = pages_state(), context.state().store
    index = state.class_index(store)
    day = dt.date(2013, 4, 1)
    for cls, members in index.members.items():
        alive = state.alive_on(store, cls, day)
        assert alive == [iri for iri in members if index.alive_on(iri, state.catalogue, day)]
        assert state.alive_on(store, cls, day) is alive


def test_the_coverage_page_is_rendered_once_a_day_and_equals_a_fresh_render(app: Flask) -> None:
    client = app.test_client()
    with app.app_context():
        state = pages_state()
    for path in ("/coverage", "/coverage.json", "/coverage.ttl"):
        first = client.get(path)
        assert first.status_code == 200
        kept = [k for k in state.documents.entries if isinstance(k, tuple) and k[0] == "coverage"]
        assert kept, "the rendered page is kept"
        assert client.get(path).get_data() == first.get_data()
        state.documents = document_cache()  # nothing kept: made afresh, the same bytes
        again = client.get(path)
        assert again.get_data() == first.get_data() and again.content_type == first.content_type
