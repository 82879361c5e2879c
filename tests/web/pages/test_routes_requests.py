"""The request side of service/web/pages/routes.py called directly: dates, page numbers and the document
format read from a request, and the headers of an RDF response. (test_routes.py reads the pages
themselves; test_dereference.py the redirects and formats through the client.)"""

from __future__ import annotations

import datetime as dt

import pytest
from flask import Flask
from hypothesis import given
from hypothesis import strategies as st
from werkzeug.exceptions import BadRequest, NotAcceptable

from service.web import urls
from service.web.pages.args import day_arg
from service.web.pages.routes import MAX_PAGE, chosen_format, page_arg, rdf_response, whole_number

APP = Flask(__name__)


@given(st.text(max_size=8), st.integers(min_value=1, max_value=10**6))
def test_a_whole_number_is_ascii_digits_from_one_to_the_largest(text: str, largest: int) -> None:
    value = whole_number(text, largest)
    if text.isascii() and text.isdigit() and 1 <= int(text) <= largest:
        assert value == int(text)
    else:
        assert value is None


@pytest.mark.parametrize("text", ["¹", "٣", "1e3", "+5", " 5", "0", "00", "9" * 4000])
def test_what_is_not_a_page_number(text: str) -> None:
    assert whole_number(text, MAX_PAGE) is None


def test_leading_zeros_count_within_the_length_of_the_largest() -> None:
    assert whole_number("007", 100) == 7
    assert whole_number("0007", 100) is None  # longer than "100": refused before int() sees it


@pytest.mark.parametrize(
    ("query", "day"),
    [
        ("", None),
        ("?at=", None),
        ("?at=%20", None),
        ("?at=2012-01-01", dt.date(2012, 1, 1)),
        ("?at=%202012-02-29%20", dt.date(2012, 2, 29)),
    ],
)
def test_a_day_is_an_iso_date_or_nothing(query: str, day: dt.date | None) -> None:
    with APP.test_request_context(f"/{query}"):
        assert day_arg() == day


@pytest.mark.parametrize("text", ["2011-02-29", "2012-1-1", "2012-01-01T00:00", "12/01/2012", "today"])
def test_anything_else_given_as_a_day_is_a_400_that_quotes_it(text: str) -> None:
    with APP.test_request_context("/", query_string={"on": text}), pytest.raises(BadRequest) as caught:
        day_arg("on")
    assert caught.value.description == f"on must be a date written YYYY-MM-DD, not {text!r}"


def test_the_page_defaults_to_one_and_refuses_what_is_not_a_page() -> None:
    for query, page in (("", 1), ("?page=", 1), ("?page=3", 3), (f"?page={MAX_PAGE}", MAX_PAGE)):
        with APP.test_request_context(f"/{query}"):
            assert page_arg() == page
    for bad in ("0", "-1", "x", str(MAX_PAGE + 1)):
        with APP.test_request_context("/", query_string={"page": bad}), pytest.raises(BadRequest):
            page_arg()


@pytest.mark.parametrize(
    ("accept", "name"),
    [
        (None, "html"),
        ("*/*", "html"),
        ("text/turtle", "turtle"),
        ("application/x-turtle", "turtle"),
        ("application/json", "jsonld"),
        ("application/xml;q=0.9, application/n-triples", "ntriples"),
        ("application/xhtml+xml", "html"),
        ("text/html;q=0.1, application/rdf+xml", "rdfxml"),
    ],
)
def test_the_format_of_a_document_follows_the_accept_header(accept: str | None, name: str) -> None:
    with APP.test_request_context("/", headers={"Accept": accept} if accept else {}):
        assert chosen_format(None).name == name
        assert chosen_format(urls.FORMAT_BY_NAME["turtle"]).name == "turtle"  # an extension wins


def test_a_document_in_no_format_on_offer_is_a_406_that_lists_them() -> None:
    with (
        APP.test_request_context("/", headers={"Accept": "image/png"}),
        pytest.raises(NotAcceptable) as caught,
    ):
        chosen_format(None)
    assert caught.value.description == "Available: " + ", ".join(f.media_type for f in urls.DOC_FORMATS)


@pytest.mark.parametrize(
    ("name", "content_type"),
    [
        ("turtle", "text/turtle; charset=utf-8"),
        ("ntriples", "application/n-triples; charset=utf-8"),
        ("rdfxml", "application/rdf+xml; charset=utf-8"),
        ("jsonld", "application/ld+json"),  # JSON is UTF-8 by definition: no charset parameter
    ],
)
def test_an_rdf_response_carries_its_type_and_the_headers_given(name: str, content_type: str) -> None:
    response = rdf_response("body", urls.FORMAT_BY_NAME[name], {"Vary": "Accept"})
    assert response.headers["Content-Type"] == content_type
    assert response.headers["Vary"] == "Accept" and response.get_data(as_text=True) == "body"
