"""The application factory: settings, store, blueprints and error handlers. No routes of its own."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from werkzeug.exceptions import HTTPException

from service.build import builder
from service.config import Settings
from service.store import RemoteStore, Store
from service.store.dialect import DIALECTS
from service.web import caching, context, downloads, errors, home, observability, sparql, urls
from service.web.context import EXTENSION, AppState
from service.web.pages import published
from service.web.pages import routes as pages
from service.web.pages.state import build_pages_state
from service.web.reconcile import routes as reconcile


def create_app(
    settings: Settings,
    store: Store | None = None,
    manifest: dict[str, object] | None = None,
    engine: Path | None = None,
    built: Path | None = None,
) -> Flask:
    """A configured app, with everything it holds built here, before the first request: the app's state,
    the SPARQL endpoint's governor and the pages' catalogue.

    `store` is the store to serve and `manifest` its build's manifest; `built` the folder of that build
    (its catalogue and validation report, and the quads an engine of the app's own loads), if it has one.
    Without a store, the app serves the backend of `settings.backend_url` (a `RemoteStore`: no build
    needed), else the build for the current inputs (`builder.open_built`). `engine` is the
    socket folder of a query engine started by the server (without one, the app starts its own for a
    build's store)."""
    app_state = _app_state(settings.validated(), store, manifest, engine, built)
    # Templates and static files live at the package's root (service/templates, service/static).
    app = Flask(__name__, root_path=str(Path(__file__).parents[1]))
    app.config.update(MAX_CONTENT_LENGTH=app_state.settings.max_request_bytes, JSON_SORT_KEYS=False)
    app.extensions[EXTENSION] = app_state
    # The governor first: an engine of the app's own then loads its store while the catalogue is read.
    context.attach(app, sparql.make_sparql_state(app, app_state))
    context.attach(app, build_pages_state(app_state))
    context.attach(app, downloads.make_downloads_state(app_state))
    observability.install(app, app_state.metrics)
    caching.install(app)
    blueprints = (home.blueprint, sparql.blueprint, pages.blueprint, published.blueprint, reconcile.blueprint)
    for blueprint in (*blueprints, downloads.blueprint):
        app.register_blueprint(blueprint)
    for name in pages.TEMPLATE_GLOBALS:
        app.add_template_global(getattr(urls, name), name)
    app.register_error_handler(HTTPException, errors.http_error)
    app.register_error_handler(Exception, errors.unexpected_error)
    return app


def _app_state(
    settings: Settings,
    store: Store | None,
    manifest: dict[str, object] | None,
    engine: Path | None,
    built: Path | None,
) -> AppState:
    if store is not None:  # in hand: nothing to look up
        return AppState(settings, store, manifest or {}, engine=engine, built=built)
    if settings.backend_url is not None:  # no build: what it would hold is computed through the store
        remote = RemoteStore(
            settings.backend_url, DIALECTS[settings.backend_dialect], graphs=settings.backend_graphs
        )
        return AppState(settings, remote, builder.describe_backend(remote))
    # Settings alone: each gunicorn worker (after the fork), `wsgi_app` and Flask's reloader open their own
    # read-only view. The server names the store in its settings, so that no worker hashes the inputs.
    opened = builder.open_built(settings)
    return AppState(
        settings,
        opened.store,
        opened.manifest,
        store_path=opened.store_path,  # an on-disk store the app opened itself: /healthz watches it
        engine=engine,
        built=opened.folder,
    )
