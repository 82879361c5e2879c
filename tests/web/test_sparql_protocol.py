"""The protocol side of service/web/sparql.py called directly: a request read into an Operation, the
result formats chosen, and the validators of a conditional request. (tests/web/test_sparql.py drives the
whole endpoint through the client; these check what it only sees as a status code.)"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask, request

from service.web.sparql import (
    Operation,
    ProtocolError,
    not_modified,
    parse_operation,
    result_formats,
    validators,
)
from tests.sparql_fixtures import FixtureEngine, make_app

ASK = "ASK { ?s ?p ?o }"
BUILT = "Wed, 01 Jan 2025 00:00:00 GMT"  # the fixture manifest's build time


@pytest.fixture(scope="module")
def app(sparql_engine: FixtureEngine) -> Flask:
    return make_app(sparql_engine)


def operation(app: Flask, path: str = "/sparql", **kwargs: Any) -> Operation:
    with app.test_request_context(path, **kwargs):
        return parse_operation(request)


def refusal(app: Flask, path: str = "/sparql", **kwargs: Any) -> tuple[int, str]:
    with app.test_request_context(path, **kwargs), pytest.raises(ProtocolError) as caught:
        parse_operation(request)
    response = caught.value.response
    return response.status_code, response.get_data(as_text=True)


def test_the_dataset_comes_from_the_url_and_the_form_together(app: Flask) -> None:
    form = {
        "query": ASK,
        "default-graph-uri": "http://g/form",
        "named-graph-uri": ["http://n/1", "http://n/2"],
    }
    found = operation(app, "/sparql?default-graph-uri=http://g/url", method="POST", data=form)
    assert found == Operation(ASK, ("http://g/url", "http://g/form"), ("http://n/1", "http://n/2"))


def test_a_get_without_a_query_is_an_operation_without_one(app: Flask) -> None:
    assert operation(app) == Operation(None)
    assert operation(app, "/sparql?named-graph-uri=http://n/1").named_graph_uris == ("http://n/1",)


def test_a_query_in_the_body_is_read_as_utf8(app: Flask) -> None:
    body = 'ASK { ?s ?p "Café" }'.encode()
    found = operation(app, method="POST", data=body, content_type="application/sparql-query; charset=utf-8")
    assert found.query == 'ASK { ?s ?p "Café" }'


@pytest.mark.parametrize(
    ("path", "kwargs", "status", "words"),
    [
        (f"/sparql?query={ASK}&query={ASK}", {}, 400, "give one query parameter, not 2"),
        (f"/sparql?query={ASK}", {"method": "POST", "data": {"query": ASK}}, 400, "give one query parameter"),
        (
            f"/sparql?query={ASK}",
            {"method": "POST", "data": ASK, "content_type": "application/sparql-query"},
            400,
            "either in the body or in the URL",
        ),
        ("/sparql?update=CLEAR%20ALL", {}, 403, "read-only"),
        (
            "/sparql?update=CLEAR%20ALL",
            {"method": "POST", "data": {"query": ASK}},
            403,
            "nothing was changed",
        ),
        (
            "/sparql",
            {"method": "POST", "data": b"x", "content_type": "text/plain"},
            415,
            "media type was text/plain",
        ),
        (
            "/sparql",
            {
                "method": "POST",
                "data": {"query": ASK},
                "content_type": "application/x-www-form-urlencoded; charset=latin-1",
            },
            415,
            "must be UTF-8, not latin-1",
        ),
    ],
)
def test_each_refusal_says_what_is_wrong(
    app: Flask, path: str, kwargs: dict[str, Any], status: int, words: str
) -> None:
    got_status, body = refusal(app, path, **kwargs)
    assert got_status == status and words in body


@pytest.mark.parametrize(
    ("path", "kwargs", "formats"),
    [
        ("/sparql", {}, ("json", "turtle")),
        ("/sparql?format=csv", {"headers": {"Accept": "application/n-triples"}}, ("csv", "ntriples")),
        ("/sparql?format=xml", {}, ("xml", "rdfxml")),
        ("/sparql", {"method": "POST", "data": {"format": "tsv"}}, ("tsv", "turtle")),
        # A query sent as the body has no form: its URL's format= names the format, as its URL's
        # default-graph-uri names the dataset (the protocol's parameters of a direct POST).
        (
            "/sparql?format=csv",
            {"method": "POST", "data": ASK, "content_type": "application/sparql-query"},
            ("csv", "turtle"),
        ),
    ],
)
def test_format_names_the_result_format_and_accept_fills_the_rest(
    app: Flask, path: str, kwargs: dict[str, Any], formats: tuple[str, str]
) -> None:
    with app.test_request_context(path, **kwargs):
        assert result_formats(request) == formats


def test_an_unknown_format_name_lists_the_known_ones(app: Flask) -> None:
    with app.test_request_context("/sparql?format=yaml"), pytest.raises(ProtocolError) as caught:
        result_formats(request)
    body = caught.value.response.get_data(as_text=True)
    assert caught.value.response.status_code == 400 and "unknown format 'yaml'" in body and "csv" in body


@pytest.fixture
def context(app: Flask) -> Iterator[None]:
    with app.app_context():
        yield


def revalidates(app: Flask, headers: dict[str, str], parts: tuple[object, ...] = ("q", "json")) -> bool:
    with app.test_request_context("/sparql", headers=headers):
        return not_modified(request, validators(*parts))


@pytest.mark.usefixtures("context")
def test_validators_tell_one_question_from_another() -> None:
    first, again, other = validators("q", "json"), validators("q", "json"), validators("q", "csv")
    assert first == again and first["ETag"] != other["ETag"]
    assert first["ETag"].startswith('W/"') and first["Last-Modified"] == BUILT
    assert first["Vary"] == "Accept"


def test_a_conditional_request_is_answered_by_its_tag_or_its_date(app: Flask) -> None:
    with app.app_context():
        tag = validators("q", "json")["ETag"]
    assert revalidates(app, {"If-None-Match": tag})
    assert revalidates(app, {"If-None-Match": f'"other", {tag[2:]}'})  # the strong form of a weak tag
    assert revalidates(app, {"If-None-Match": "*"})
    assert not revalidates(app, {"If-None-Match": tag}, ("q", "csv"))
    # If-None-Match wins: a matching date does not rescue a stale tag.
    assert not revalidates(app, {"If-None-Match": '"other"', "If-Modified-Since": BUILT})
    assert revalidates(app, {"If-Modified-Since": BUILT})
    assert not revalidates(app, {"If-Modified-Since": "Tue, 31 Dec 2024 23:59:59 GMT"})
    assert not revalidates(app, {"If-Modified-Since": "yesterday"})
    assert not revalidates(app, {})
