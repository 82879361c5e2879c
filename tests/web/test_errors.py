"""Error responses (service/web/errors.py): HTML or text as the client prefers, escaped, never a traceback."""

from __future__ import annotations

import logging
from html.parser import HTMLParser

import pytest
from flask import Flask
from werkzeug.exceptions import BadRequest, MethodNotAllowed, NotFound

from service.web.errors import error_response, http_error, unexpected_error

APP = Flask(__name__)


class Text(HTMLParser):
    """The text of each element, by tag."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.by_tag: dict[str, str] = {}
        self._open: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        self._open.pop()

    def handle_data(self, data: str) -> None:
        if self._open:
            self.by_tag[self._open[-1]] = self.by_tag.get(self._open[-1], "") + data


@pytest.mark.parametrize(
    ("accept", "mimetype"),
    [
        (None, "text/plain"),
        ("*/*", "text/plain"),
        ("text/html", "text/html"),
        ("text/html,application/xhtml+xml,*/*;q=0.8", "text/html"),
        ("text/html, text/plain", "text/plain"),  # a tie goes to text
        ("text/html;q=0.5, text/plain", "text/plain"),
        ("application/json", "text/plain"),
    ],
)
def test_the_client_gets_html_only_when_it_prefers_it(accept: str | None, mimetype: str) -> None:
    with APP.test_request_context(headers={"Accept": accept} if accept else {}):
        response = error_response(404, "Not Found", "nothing here")
    assert response.status_code == 404 and response.mimetype == mimetype


def test_the_text_form_is_one_line() -> None:
    with APP.test_request_context():
        response = error_response(400, "Bad Request", "give a query", {"X-Extra": "1"})
    assert response.get_data(as_text=True) == "400 Bad Request: give a query\n"
    assert response.headers["X-Extra"] == "1"


def test_the_html_form_escapes_what_it_is_given() -> None:
    with APP.test_request_context(headers={"Accept": "text/html"}):
        response = error_response(400, "Bad <Request>", "the term <script>alert(1)</script> & more")
    html = response.get_data(as_text=True)
    assert "<script>" not in html
    text = Text(html).by_tag
    assert text["h1"] == "400 Bad <Request>" and text["title"] == "400 Bad <Request>"
    assert text["p"] == "the term <script>alert(1)</script> & more"


def test_a_405_keeps_its_allow_header_and_other_errors_add_none() -> None:
    with APP.test_request_context():
        not_allowed = http_error(MethodNotAllowed(valid_methods=["GET", "POST"]))
        missing = http_error(NotFound())
    assert not_allowed.status_code == 405 and not_allowed.headers["Allow"] == "GET, POST"
    assert not_allowed.mimetype == "text/plain"
    assert missing.status_code == 404 and "Allow" not in missing.headers
    assert missing.get_data(as_text=True).startswith("404 Not Found: The requested URL was not found")


def test_an_unexpected_error_is_logged_and_the_client_told_nothing_internal(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with APP.test_request_context("/doc/x", method="POST"), caplog.at_level(logging.ERROR):
        response = unexpected_error(ValueError("the secret path /srv/data"))
    body = response.get_data(as_text=True)
    assert response.status_code == 500 and "secret" not in body
    assert body == "500 Internal Server Error: The server could not answer this request.\n"
    (record,) = caplog.records
    assert record.getMessage() == "unhandled error on POST /doc/x" and record.exc_info is not None


def test_an_http_error_that_reaches_the_last_handler_keeps_its_status(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with APP.test_request_context(), caplog.at_level(logging.ERROR):
        response = unexpected_error(BadRequest("at must be a date"))
    assert (
        response.status_code == 400
        and response.get_data(as_text=True) == "400 Bad Request: at must be a date\n"
    )
    assert caplog.records == []
