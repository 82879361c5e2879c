"""The home page (the landscape on a chosen day, and what the dataset holds) and the health check."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from flask import Blueprint, Response, jsonify, render_template, request

from service.store import RemoteStore, StoreUnavailableError
from service.web import context
from service.web.pages.headers import day_for
from service.web.pages.state import pages_state

blueprint = Blueprint("home", __name__)


def dataset_summary(manifest: dict[str, object]) -> dict[str, object]:
    """Counts by type and graph, as the build recorded them."""
    classes = manifest.get("classes", {})
    graphs = manifest.get("graphs", {})
    return {
        "triples": manifest.get("triples", 0),
        "version": manifest.get("key", "unknown"),
        "classes": dict(sorted(classes.items(), key=lambda kv: -kv[1])) if isinstance(classes, dict) else {},
        "graphs": graphs if isinstance(graphs, dict) else {},
    }


@blueprint.get("/")
def index() -> str:
    day = day_for("html") or dt.date.today()
    view = pages_state().landscape_on(day)
    summary = dataset_summary(context.state().manifest)
    return render_template("home.html", summary=summary, landscape=view, at=day)


@blueprint.get("/terms.json")
def terms() -> Response:
    """The classes and properties used in the data, the commonest first: the query editor completes them
    from here (made once per build), so it never asks the endpoint for every predicate in the store."""
    app_state = context.state()
    response = jsonify(pages_state().overview_of(app_state.store).completions())
    response.headers["Cache-Control"] = "public, max-age=3600"
    response.set_etag(app_state.data_version)
    response.make_conditional(request)
    return response


@blueprint.get("/healthz")
def healthz() -> tuple[Response, int]:
    """200 only when the store's folder is there (or its backend is reachable) and the store answers a
    query; else 503 with a reason."""
    app_state = context.state()
    backend = app_state.store.endpoint if isinstance(app_state.store, RemoteStore) else None
    where = {"backend": backend} if backend else {}
    reason = None
    if app_state.store_path is not None and not app_state.store_path.is_dir():
        # Open files keep answering for a while after the folder is deleted; the next restart rebuilds.
        reason = "the store's folder is missing: restart the service to rebuild it"
    else:
        try:
            if not app_state.store.ping():
                reason = (
                    f"the backend at {backend} does not answer" if backend else "the store does not answer"
                )
        except StoreUnavailableError:
            reason = "the store cannot be read"
    if reason is None:
        return jsonify(status="ok", version=app_state.data_version, **where), 200
    return jsonify(status="unavailable", reason=reason, **where), 503


@blueprint.get("/openapi.json")
def openapi() -> Response:
    """The OpenAPI 3 description of the JSON endpoints (a static file, checked by the tests)."""
    spec = (Path(__file__).parents[1] / "static" / "openapi.json").read_bytes()
    return Response(spec, mimetype="application/json", headers={"Cache-Control": "public, max-age=3600"})
