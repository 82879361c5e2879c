"""The factory: an app over a store in hand, or over the build for the current inputs; never a guess."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from flask import Flask

from service.build import builder as build
from service.config import Settings
from service.store import OxigraphStore, StoreUnavailableError
from service.web import context
from service.web.app import create_app

MINI = Path(__file__).parents[1] / "data" / "mini"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, build.BuildResult]:
    root = tmp_path_factory.mktemp("app") / "project"
    shutil.copytree(MINI, root)
    settings = Settings(root=root, cache_dir=root.parent / "cache")
    return settings, build.build(settings)


def _state(app: Flask) -> context.AppState:
    with app.app_context():
        return context.state()


def test_without_a_store_the_app_serves_the_build_for_the_current_inputs(
    built: tuple[Settings, build.BuildResult],
) -> None:
    settings, result = built
    app = create_app(settings)
    state = _state(app)
    assert state.built == result.path and state.store_path == result.path / build.DB
    assert state.manifest == result.manifest
    assert app.test_client().get("/healthz").get_json() == {"status": "ok", "version": result.key}


def test_a_store_in_hand_is_served_without_looking_for_a_build(
    built: tuple[Settings, build.BuildResult],
) -> None:
    settings, result = built
    # Even a manifest whose key is the build's does not make the app adopt the build's folder.
    state = _state(create_app(settings, store=OxigraphStore.in_memory(), manifest={"key": result.key}))
    assert state.built is None and state.store_path is None


def test_the_build_folder_is_the_one_given(built: tuple[Settings, build.BuildResult]) -> None:
    settings, result = built
    store = OxigraphStore.in_memory()
    state = _state(create_app(settings, store=store, manifest=result.manifest, built=result.path))
    assert state.store is store and state.built == result.path
    assert state.store_path is None  # the app did not open it, so /healthz does not watch it


def test_nothing_built_and_no_store_is_an_error(tmp_path: Path) -> None:
    root = tmp_path / "project"
    shutil.copytree(MINI, root)
    with pytest.raises(StoreUnavailableError, match="run `nhskg build`"):
        create_app(Settings(root=root, cache_dir=tmp_path / "cache"))
