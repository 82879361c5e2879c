"""The app's state: built by create_app before the first request, and reached by type through context."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from flask import Flask

from service.build.catalogue import query
from service.config import Settings
from service.web import context
from service.web.app import create_app
from service.web.pages.state import PagesState, pages_state
from service.web.sparql import SparqlState, sparql_state
from tests.pages_fixtures import fixture_store


@dataclass
class Apples:
    n: int


@dataclass
class Pears:
    n: int


def test_parts_are_found_again_by_their_type() -> None:
    app = Flask(__name__)
    context.attach(app, Apples(1))
    context.attach(app, Pears(2))
    with app.app_context():
        assert context.part(Apples) == Apples(1)
        assert context.part(Pears) == Pears(2)


def test_an_app_not_made_by_create_app_says_so() -> None:
    with Flask(__name__).app_context():
        with pytest.raises(RuntimeError, match="not made by create_app"):
            context.state()
        with pytest.raises(RuntimeError, match="no PagesState"):
            context.part(PagesState)


def test_create_app_builds_every_part_before_the_first_request() -> None:
    store = fixture_store()
    app = create_app(Settings(), store=store)
    with app.app_context():
        assert context.state().store is store
        pages = pages_state()
        assert pages is context.part(PagesState)
        # Read at start-up, not on the first visit to the home page.
        rows = store.select(query("accountabilities"))
        assert rows and pages.accountabilities == rows
        assert pages.catalogue.label(next(iter(r["body"].value for r in rows))) is not None
        # No manifest with graph counts: counted once, at start-up.
        assert sparql_state() is context.part(SparqlState)
        assert sparql_state().graph_counts == store.triple_counts()


def test_graph_counts_come_from_the_manifest_when_it_has_them() -> None:
    counts = {"https://example.org/graph": 3}
    app = create_app(Settings(), store=fixture_store(), manifest={"key": "k", "graphs": counts})
    with app.app_context():
        assert sparql_state().graph_counts == counts
