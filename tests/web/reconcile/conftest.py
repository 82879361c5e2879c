"""The reconciliation tests' app: the pages' fixture graph (Manchester 1996-2022) with what followed NHS
Manchester CCG in 2022 (tests/data/reconcile), over the embedded store."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from service import iris
from service.config import Settings
from service.store import OxigraphStore
from service.web.app import create_app
from tests.pages_fixtures import fixture_store

RECONCILE_FIXTURES = Path(__file__).parents[2] / "data" / "reconcile"
ID = iris.ID


def reconcile_store() -> OxigraphStore:
    store = fixture_store()
    for path in sorted(RECONCILE_FIXTURES.glob("*.ttl")):
        store.load_file(path, iris.graph(f"reconcile-{path.stem}"))
    return store


@pytest.fixture(scope="package")
def app() -> Flask:
    return create_app(Settings(), store=reconcile_store())


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()
