"""The query engine's fixtures: the fixture project built once per module, and an engine over it (memory,
unless a test asks for disk)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from service.build import builder as build
from service.config import Settings
from service.query.engine import Engine, Mode
from tests.sparql_fixtures import PROJECT


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture project, built once (without validation: it has no shapes)."""
    settings = Settings(root=PROJECT, cache_dir=tmp_path_factory.mktemp("cache"), validate_on_build=False)
    return build.build(settings).path


@pytest.fixture
def engine(store: Path, request: pytest.FixtureRequest) -> Iterator[Engine]:
    mode: Mode = getattr(request, "param", "memory")
    started = Engine.start(store, mode)
    try:
        yield started
    finally:
        started.stop()


@pytest.fixture
def two_sides(store: Path) -> Iterator[Engine]:
    """An engine with two in-memory sides, once both answer."""
    started = Engine.start(store, "memory", memory_sides=2)
    try:
        yield started
    finally:
        started.stop()
