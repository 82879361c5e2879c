"""Hardening on the app itself: security headers on every route, request size limits, no debug mode,
no header injection through paths, no file outside service/static."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from service.config import Settings
from service.web import server
from service.web.observability import SECURITY_HEADERS
from tests.sparql_fixtures import PROJECT, FixtureEngine, make_app

# (method, path, Accept, expected status): every kind of route and every kind of error.
ROUTES = [
    ("GET", "/", "text/html", 200),
    ("GET", "/sparql", "text/html", 200),  # the query editor
    ("GET", "/sparql", "text/turtle", 200),  # the service description
    ("GET", "/sparql?query=ASK%7B%7D", "application/sparql-results+json", 200),
    ("GET", "/sparql?query=SELECT", "*/*", 400),
    ("GET", "/sparql?query=ASK%7B%7D", "image/png", 406),
    ("PUT", "/sparql", "*/*", 405),
    ("GET", "/doc/ccg/00C", "text/html", 200),
    ("GET", "/doc/ccg/00C.ttl", "*/*", 200),
    ("GET", "/id/ccg/00C", "text/turtle", 303),
    ("GET", "/id/ccg/NOPE", "text/html", 404),
    ("GET", "/id/bad%20path", "text/html", 400),
    ("GET", "/def", "text/html", 200),
    ("GET", "/search?q=darlington", "text/html", 200),
    ("GET", "/search.json?q=00C", "*/*", 200),
    ("GET", "/about", "text/html", 200),
    ("GET", "/healthz", "*/*", 200),
    ("GET", "/metrics", "*/*", 200),
    ("GET", "/openapi.json", "*/*", 200),
    ("GET", "/static/site.css", "*/*", 200),
    ("GET", "/no/such/page", "text/html", 404),
]


@pytest.fixture(scope="module")
def app(sparql_engine: FixtureEngine) -> Flask:
    return make_app(sparql_engine, max_request_bytes=10_000)


@pytest.mark.parametrize(("method", "path", "accept", "status"), ROUTES)
def test_security_headers_on_every_route_and_error(
    app: Flask, method: str, path: str, accept: str, status: int
) -> None:
    response = app.test_client().open(path, method=method, headers={"Accept": accept})
    response.close()
    assert response.status_code == status
    for name, value in SECURITY_HEADERS.items():
        assert response.headers[name] == value
    script_src = response.headers["Content-Security-Policy"].split("script-src")[1].split(";")[0]
    assert "unsafe-inline" not in script_src and "unsafe-eval" not in script_src
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


def test_an_unhandled_error_is_a_plain_500_without_traceback(
    app: Flask, sparql_engine: FixtureEngine
) -> None:
    local = make_app(sparql_engine)

    @local.get("/explode")
    def explode() -> str:
        raise RuntimeError(f"internal detail in {PROJECT}")

    response = local.test_client().get("/explode", headers={"Accept": "text/html"})
    body = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Traceback" not in body and "internal detail" not in body and str(PROJECT) not in body
    assert not local.debug and not local.testing


@pytest.mark.parametrize("content_type", ["application/sparql-query", "application/x-www-form-urlencoded"])
def test_a_body_beyond_the_limit_gets_413(app: Flask, content_type: str) -> None:
    body = b"query=" + b"#" * 20_000
    response = app.test_client().post("/sparql", data=body, headers={"Content-Type": content_type})
    assert response.status_code == 413
    assert SECURITY_HEADERS["X-Content-Type-Options"] == response.headers["X-Content-Type-Options"]


def test_a_body_within_the_limit_is_answered(app: Flask) -> None:
    body = b"ASK {}" + b" " * 5_000
    response = app.test_client().post(
        "/sparql", data=body, headers={"Content-Type": "application/sparql-query"}
    )
    assert response.status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/id/ccg/00C%0d%0aSet-Cookie:%20a=b",
        "/id/ccg/00C%0aLocation:%20http://evil.example/",
        "/id/ccg/00C%E2%80%A8x",
        "/doc/ccg/00C%0d%0a.ttl",
    ],
)
def test_crlf_in_a_path_never_reaches_a_header(app: Flask, path: str) -> None:
    response = app.test_client().get(path)
    assert response.status_code in (400, 404)  # 404: the router's path pattern stops at a line break
    assert "Set-Cookie" not in response.headers
    for name, value in response.headers.items():
        assert "\r" not in value and "\n" not in value and "evil" not in value, name


def test_the_redirect_location_is_built_from_the_checked_path(app: Flask) -> None:
    response = app.test_client().get("/id/ccg/00C", headers={"Accept": "text/turtle"})
    assert response.status_code == 303
    assert response.headers["Location"] == "/doc/ccg/00C.ttl"


@pytest.mark.parametrize(
    "path",
    [
        "/static/../app.py",
        "/static/..%2fapp.py",
        "/static/%2e%2e/app.py",
        "/static/%2e%2e%2fapp.py",
        "/static/..%5capp.py",
        "/static//etc/passwd",
        "/static/../../../../etc/passwd",
        "/static/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "/doc/../../etc/passwd",
        "/doc/..%2f..%2fetc%2fpasswd",
        "/id/%2e%2e/%2e%2e/etc/passwd",
        "/class/..%2f..%2fetc%2fpasswd",
        "/def.%2e%2e%2fapp.py",
    ],
)
def test_path_traversal_finds_no_file_outside(app: Flask, path: str) -> None:
    response = app.test_client().get(path)
    body = response.get_data()
    if response.status_code == 308:  # werkzeug merges doubled slashes: the redirect stays on this host
        assert response.headers["Location"].startswith("http://localhost/static/")
        response = app.test_client().get(response.headers["Location"])
        body = response.get_data()
    assert response.status_code in (400, 404)
    assert b"root:x:" not in body and b"create_app" not in body


def test_gunicorn_gives_pages_threads_beyond_the_query_slots() -> None:
    for workers, queries in [(1, 2), (1, 4), (2, 4), (1, 10), (3, 16)]:
        settings = Settings(root=PROJECT, workers=workers, max_concurrent_queries=queries)
        config = server._Gunicorn(settings, None).cfg
        assert config.threads >= settings.query_slots_per_worker + server.PAGE_THREADS
        assert config.worker_class_str == "gthread"
        assert not config.reload


def test_dev_mode_never_turns_on_flask_debug(
    monkeypatch: pytest.MonkeyPatch, sparql_engine: FixtureEngine
) -> None:
    seen: dict[str, Any] = {}
    monkeypatch.setattr(Flask, "run", lambda self, **kwargs: seen.update(kwargs, app_debug=self.debug))
    local = make_app(sparql_engine)
    monkeypatch.setattr(server, "create_app", lambda _settings: local)
    server.serve(Settings(root=PROJECT), dev=True)
    assert seen["debug"] is False and seen["app_debug"] is False
