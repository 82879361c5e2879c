"""The OpenAPI description at /openapi.json, checked by schemathesis against the app: every generated
request gets a documented status, content type and body shape, and never a 5xx."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, settings
from schemathesis.checks import negative_data_rejection, positive_data_acceptance

from tests.sparql_fixtures import FixtureEngine, make_app

SPEC = Path(__file__).parents[2] / "service" / "static" / "openapi.json"


# Read from the file: the last test shows that the app serves exactly this file at /openapi.json.
schema = schemathesis.openapi.from_path(SPEC)


@pytest.fixture(scope="module")
def app(sparql_engine: FixtureEngine) -> Flask:
    """The app the generated requests go to; its queries go to the session's query engine."""
    return make_app(sparql_engine)


@schemathesis.serializer("application/sparql-query")
def _sparql_query_body(_: object, value: object) -> bytes:
    """The body of a direct POST is the query text itself."""
    return str(value).encode()


@schema.parametrize()
@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
def test_the_app_keeps_to_its_openapi_description(app: Flask, case: schemathesis.Case) -> None:
    # Two checks do not fit this service, on purpose: a query string that fits `type: string` is still
    # not SPARQL (no JSON Schema can state the grammar), so a 400 for a generated query is right; and the
    # service is lenient as HTTP asks, ignoring parameters it does not know and reading a bad `limit` as
    # the default, so "invalid data is rejected" does not hold and is not wanted.
    excluded = [negative_data_rejection] + ([positive_data_acceptance] if case.path == "/sparql" else [])
    case.call_and_validate(excluded_checks=excluded, app=app)


def test_the_served_description_is_the_file_and_names_every_json_endpoint(
    sparql_engine: FixtureEngine,
) -> None:
    response = make_app(sparql_engine).test_client().get("/openapi.json")
    assert response.status_code == 200
    assert response.get_json() == json.loads(SPEC.read_text(encoding="utf-8"))
    assert {"/search.json", "/healthz", "/sparql"} <= set(response.get_json()["paths"])
