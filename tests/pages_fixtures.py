"""The pages' fixture graph (tests/data/pages) in an app: the `app` and `client` fixtures of every test
module that does not define its own (conftest imports them)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from service import iris
from service.config import Settings
from service.store import OxigraphStore
from service.web.app import create_app

FIXTURES = Path(__file__).parent / "data" / "pages"


def fixture_store() -> OxigraphStore:
    store = OxigraphStore.in_memory()
    for path in sorted(FIXTURES.glob("*.ttl")):
        store.load_file(path, iris.graph(path.stem))
    return store


@pytest.fixture(scope="module")
def app() -> Iterator[Flask]:
    yield create_app(Settings(), store=fixture_store())


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()
