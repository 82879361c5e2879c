"""The application factory: settings, store, blueprints and error handlers. No routes of its own."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from werkzeug.exceptions import HTTPException

from service.build import builder as build
from service.config import Settings
from service.store import OxigraphStore, Store, StoreUnavailableError
from service.web import errors, home, observability, sparql
from service.web.context import EXTENSION, AppState
from service.web.pages import routes as pages


def create_app(
    settings: Settings,
    store: Store | None = None,
    manifest: dict[str, object] | None = None,
    engine: Path | None = None,
) -> Flask:
    """A configured app. Without a store, open the built one for the current inputs read-only. `engine`
    is the socket folder of a query engine started by the server (without one, the app starts its own)."""
    settings = settings.validated()
    store_path = None
    key = (manifest or {}).get("key")
    # Looked up once, and only where it can be the app's: finding it hashes every input file.
    built = build.current_store(settings) if store is None or key else None
    if store is None:
        if built is None:
            raise StoreUnavailableError("no store is built for the current inputs: run `nhskg build`")
        store_path = built / build.DB
        store = OxigraphStore.open_read_only(store_path)
        manifest = build.read_manifest(built)
    elif built is not None and build.read_manifest(built).get("key") != key:
        built = None  # a store in hand that is not the build's
    # Templates and static files live at the package's root (service/templates, service/static).
    app = Flask(__name__, root_path=str(Path(__file__).parents[1]))
    app.config.update(MAX_CONTENT_LENGTH=settings.max_request_bytes, JSON_SORT_KEYS=False)
    app_state = AppState(settings, store, manifest or {}, store_path=store_path, engine=engine, built=built)
    app.extensions[EXTENSION] = app_state
    observability.install(app, app_state.metrics)
    app.register_blueprint(home.blueprint)
    app.register_blueprint(sparql.blueprint)
    app.register_blueprint(pages.blueprint)
    app.register_error_handler(HTTPException, errors.http_error)
    app.register_error_handler(Exception, errors.unexpected_error)
    return app
