"""Kept SPARQL answers: the same bytes as a fresh evaluation, bypassed on request, never a partial one."""

from __future__ import annotations

import pytest
from flask import Flask

from service.query.result_cache import BYPASS, HIT, MISS, Directives, directives
from tests.sparql_fixtures import FixtureEngine, make_app

SELECT = "SELECT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?s ?p ?o LIMIT 20"
JSON = "application/sparql-results+json"


def ask(app: Flask, query: str = SELECT, accept: str = JSON, **headers: str) -> tuple[int, str, bytes, str]:
    client = app.test_client()
    response = client.get("/sparql", query_string={"query": query}, headers={"Accept": accept, **headers})
    body = response.get_data()
    response.close()  # as a WSGI server does once the body has been sent
    return response.status_code, response.headers.get("Cache-Status", ""), body, response.content_type


def counts(app: Flask) -> dict[str, int]:
    queries = app.extensions["nhskg"].metrics.queries
    return {"ok": queries["ok"], "cached": queries["cached"]}


def test_a_repeated_query_is_answered_from_the_cache_with_the_same_bytes(
    sparql_engine: FixtureEngine,
) -> None:
    app = make_app(sparql_engine)
    first, second = ask(app), ask(app)
    assert first[0] == second[0] == 200
    assert (first[1], second[1]) == (MISS, HIT)
    assert first[2] == second[2] and first[3] == second[3]
    assert b'"bindings"' in second[2]
    assert counts(app) == {"ok": 1, "cached": 1}


def test_each_format_and_each_query_text_is_kept_apart(sparql_engine: FixtureEngine) -> None:
    app = make_app(sparql_engine)
    json_answer, csv_answer = ask(app), ask(app, accept="text/csv")
    assert csv_answer[1] == MISS and csv_answer[3].startswith("text/csv")
    assert csv_answer[2] != json_answer[2]
    assert ask(app, SELECT + " OFFSET 1")[1] == MISS
    assert ask(app, accept="text/csv")[1] == HIT


@pytest.mark.parametrize(
    "headers", [{"Cache-Control": "no-cache"}, {"Cache-Control": "max-age=0"}, {"Pragma": "no-cache"}]
)
def test_a_client_can_ask_for_a_fresh_evaluation(
    headers: dict[str, str], sparql_engine: FixtureEngine
) -> None:
    app = make_app(sparql_engine)
    ask(app)
    fresh = ask(app, **headers)
    assert fresh[1] == BYPASS
    assert counts(app) == {"ok": 2, "cached": 0}
    assert ask(app)[1] == HIT


def test_no_store_keeps_nothing(sparql_engine: FixtureEngine) -> None:
    app = make_app(sparql_engine)
    ask(app, **{"Cache-Control": "no-store"})
    assert ask(app)[1] == MISS


def test_with_the_cache_off_every_query_is_evaluated(sparql_engine: FixtureEngine) -> None:
    app = make_app(sparql_engine, result_cache_mb=0)
    assert ask(app)[1] == ask(app)[1] == ""
    assert counts(app) == {"ok": 2, "cached": 0}


def test_an_answer_larger_than_an_eighth_of_the_cache_is_not_kept(sparql_engine: FixtureEngine) -> None:
    app = make_app(sparql_engine, result_cache_mb=1)
    values = " ".join(f'"{"x" * 200}{i}"' for i in range(20))
    big = "SELECT ?s ?p ?o ?x WHERE { ?s ?p ?o . VALUES ?x { " + values + " } }"
    status, _, body, _ = ask(app, big)
    assert status == 200 and len(body) > 1024 * 1024 // 8
    assert ask(app, big)[1] == MISS


def test_an_answer_the_client_left_half_read_is_not_kept(sparql_engine: FixtureEngine) -> None:
    app = make_app(sparql_engine)
    response = app.test_client().get("/sparql", query_string={"query": SELECT}, headers={"Accept": JSON})
    next(iter(response.response))  # the first chunk only, then the client goes away
    response.close()
    assert app.extensions["nhskg"].metrics.queries["aborted"] == 1
    assert ask(app)[1] == MISS


def test_errors_are_not_kept(sparql_engine: FixtureEngine) -> None:
    app = make_app(sparql_engine)
    assert ask(app, "SELECT nonsense")[0] == 400
    assert ask(app, "SELECT nonsense")[0] == 400
    assert app.extensions["nhskg"].metrics.queries["syntax"] == 2


@pytest.mark.parametrize(
    ("cache_control", "pragma", "expected"),
    [
        (None, None, Directives(reuse=True, store=True)),
        ("no-cache", None, Directives(reuse=False, store=True)),
        ("No-Cache, max-age=60", None, Directives(reuse=False, store=True)),
        ("max-age=0", None, Directives(reuse=False, store=True)),
        ("max-age=60", None, Directives(reuse=True, store=True)),
        ("no-store", None, Directives(reuse=False, store=False)),
        (None, "no-cache", Directives(reuse=False, store=True)),
        ("max-age=60", "no-cache", Directives(reuse=True, store=True)),  # Cache-Control wins over Pragma
        ("max-age=junk", None, Directives(reuse=True, store=True)),
    ],
)
def test_request_directives(cache_control: str | None, pragma: str | None, expected: Directives) -> None:
    assert directives(cache_control, pragma) == expected


def test_a_browser_client_may_read_the_cache_status(sparql_engine: FixtureEngine) -> None:
    client = make_app(sparql_engine).test_client()
    response = client.get("/sparql", query_string={"query": SELECT}, headers={"Accept": JSON})
    exposed = {h.strip() for h in response.headers["Access-Control-Expose-Headers"].split(",")}
    response.close()
    assert "Cache-Status" in exposed and response.headers["Cache-Status"] == MISS
