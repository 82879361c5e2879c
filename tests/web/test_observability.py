"""Metrics, security headers and error hygiene on the app itself."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from flask import Flask

from service import iris
from service.config import Settings
from service.store import OxigraphStore
from service.web.app import create_app
from service.web.observability import SECURITY_HEADERS, Metrics

MINI = Path(__file__).parents[1] / "data" / "mini"


@pytest.fixture
def app() -> Flask:
    store = OxigraphStore.in_memory()
    store.load_file(MINI / "data" / "ttl" / "pcts.ttl", iris.graph("pcts"))
    manifest = {"key": "test", "triples": 10, "classes": {}, "graphs": {iris.graph("pcts"): 10}}
    return create_app(Settings(root=MINI), store=store, manifest=manifest)


@pytest.mark.parametrize("path", ["/", "/healthz", "/metrics", "/no/such/page"])
def test_security_headers_on_every_response(app: Flask, path: str) -> None:
    response = app.test_client().get(path)
    for name, value in SECURITY_HEADERS.items():
        assert response.headers[name] == value
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert (
        "unsafe-inline"
        not in response.headers["Content-Security-Policy"].split("script-src")[1].split(";")[0]
    )


def test_metrics_count_requests_by_endpoint_and_status(app: Flask) -> None:
    client = app.test_client()
    for _ in range(3):
        client.get("/healthz")
    client.get("/no/such/page")
    text = client.get("/metrics").get_data(as_text=True)
    healthz = [
        line
        for line in text.splitlines()
        if line.startswith("nhskg_requests_total") and "home.healthz" in line
    ]
    assert len(healthz) == 1 and healthz[0].endswith(" 3")
    assert any('status="404"' in line for line in text.splitlines())
    assert 'nhskg_request_seconds_count{endpoint="home.healthz"' in text


def test_query_log_records_hash_duration_rows_and_outcome(caplog: pytest.LogCaptureFixture) -> None:
    metrics = Metrics()
    with caplog.at_level(logging.INFO, logger="nhskg.query"):
        metrics.observe_query("SELECT * WHERE { ?s ?p ?o }", 0.0123, 7, "ok")
    record = caplog.records[-1].getMessage()
    assert '"rows": 7' in record and '"outcome": "ok"' in record and '"ms": 12.3' in record
    assert "SELECT" not in record  # the query text itself is not logged, only its hash
    assert 'nhskg_queries_total{outcome="ok"' in metrics.render()


def test_not_found_is_plain_and_leaks_nothing(app: Flask) -> None:
    response = app.test_client().get("/no/such/page")
    assert response.status_code == 404
    body = response.get_data(as_text=True)
    assert "Traceback" not in body and "werkzeug" not in body.lower()


def test_unexpected_errors_become_a_plain_500_without_internals(app: Flask) -> None:
    @app.get("/boom")
    def boom() -> str:
        raise RuntimeError("secret internal detail")

    response = app.test_client().get("/boom")
    assert response.status_code == 500
    assert "secret internal detail" not in response.get_data(as_text=True)


def test_healthz_reports_the_data_version(app: Flask) -> None:
    assert app.test_client().get("/healthz").get_json() == {"status": "ok", "version": "test"}
