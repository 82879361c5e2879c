"""The home page (what the dataset holds) and the health check."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, render_template

from service import app as application
from service.store import StoreUnavailableError

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
    summary = dataset_summary(application.state().manifest)
    return render_template("home.html", summary=summary)


@blueprint.get("/healthz")
def healthz() -> tuple[Response, int]:
    """200 only when the store answers a query."""
    try:
        ok = application.state().store.ping()
    except StoreUnavailableError:
        ok = False
    if ok:
        return jsonify(status="ok", version=application.state().data_version), 200
    return jsonify(status="unavailable", reason="the store does not answer"), 503
