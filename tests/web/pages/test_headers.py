"""What a document's response says beside its body (service/web/pages/headers.py): the paging links, and a
bad `?at=` answered as the site's HTML page to a browser and as one line of text to an RDF client."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from flask import Flask
from flask.testing import FlaskClient

from service.config import Settings
from service.web import urls
from service.web.app import create_app
from service.web.pages.headers import paging_links
from tests.pages_fixtures import fixture_store

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.fixture(scope="module")
def app() -> Flask:
    return create_app(Settings(), store=fixture_store())


class Headings(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.h1: list[str] = []
        self.footer = False
        self._in_h1 = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._in_h1 = tag == "h1"
        self.footer = self.footer or tag == "footer"

    def handle_data(self, data: str) -> None:
        if self._in_h1:
            self.h1.append(data.strip())


@pytest.mark.parametrize("url", ["/doc/pct/5NT?at=2010-13", "/class/PrimaryCareTrust?at=soon", "/?at=x"])
def test_a_bad_date_gets_the_site_page_in_html(client: FlaskClient, url: str) -> None:
    response = client.get(url, headers={"Accept": BROWSER})
    assert response.status_code == 400 and response.mimetype == "text/html"
    page = Headings()
    page.feed(response.get_data(as_text=True))
    assert page.h1 and page.footer  # the site's layout, not a bare message
    assert "YYYY-MM-DD" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("url", "accept"),
    [("/doc/pct/5NT?at=2010-13", "text/turtle"), ("/doc/pct/5NT.ttl?at=2010-13", BROWSER)]
    + [("/doc/pct/5NT.jsonld?at=nope", "application/ld+json")],
)
def test_a_bad_date_gets_plain_text_in_rdf(client: FlaskClient, url: str, accept: str) -> None:
    response = client.get(url, headers={"Accept": accept})
    assert response.status_code == 400 and response.mimetype == "text/plain"
    assert response.get_data(as_text=True).startswith("400 Bad Request: at must be a date")


def links(header: str) -> dict[str, str]:
    found = {}
    for part in filter(None, header.split(", ")):
        url, _, params = part.partition(">; rel=")
        found[params.strip('"')] = url.lstrip("<")
    return found


def test_paging_links_name_first_prev_next_last(app: Flask) -> None:
    with app.test_request_context("/doc/pct/5NT.ttl?page=2"):
        fmt = urls.FORMAT_BY_EXTENSION[".ttl"]
        middle = links(paging_links("pct/5NT", fmt, 2, 3))
        last = links(paging_links("pct/5NT", None, 3, 3))
        assert paging_links("pct/5NT", fmt, 1, 1) == ""
    assert middle == {
        "first": "/doc/pct/5NT.ttl",
        "prev": "/doc/pct/5NT.ttl",
        "next": "/doc/pct/5NT.ttl?page=3",
        "last": "/doc/pct/5NT.ttl?page=3",
    }
    assert last == {"first": "/doc/pct/5NT", "prev": "/doc/pct/5NT?page=2", "last": "/doc/pct/5NT?page=3"}
