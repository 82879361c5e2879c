"""The canonical IRI <-> served path mapping, and the URL builders under a script root (web/urls.py)."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask, url_for
from hypothesis import given
from hypothesis import strategies as st

from service import iris
from service.config import Settings
from service.web import urls
from service.web.app import create_app
from tests.pages_fixtures import fixture_store

segment = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_-]{0,20}", fullmatch=True)
paths = st.lists(segment, min_size=1, max_size=6).map("/".join)


@given(paths)
def test_path_iri_round_trip(path: str) -> None:
    iri = urls.iri_for_path(path)
    assert iri == iris.ID + path
    assert urls.path_for_iri(iri) == path


@given(paths, st.sampled_from(["https://w3id.org/nhs-commissioning/", "http://localhost:8080/x/"]))
def test_round_trip_under_any_base(path: str, base: str) -> None:
    assert urls.path_for_iri(urls.iri_for_path(path, base), base) == path


def _view(**_: str) -> str:
    return ""


def _router() -> Flask:
    """An app with the routes the builders name, as the blueprints declare them."""
    app = Flask(__name__)
    app.add_url_rule("/doc/<path:path>", "pages.document", _view)
    for endpoint, path in [("pages.ontology", "/def"), ("pages.coverage_page", "/coverage")]:
        app.add_url_rule(path, endpoint, _view, defaults={"ext": ""})
        app.add_url_rule(path + ".<ext>", endpoint, _view)
    app.add_url_rule("/sparql", "sparql.endpoint", _view)
    return app


@given(paths, st.sampled_from(urls.DOC_FORMATS))
def test_doc_path_splits_back(path: str, fmt: urls.DocFormat) -> None:
    with _router().test_request_context("/"):
        doc = urls.doc_url(path, fmt)[len("/doc/") :]
    stem, found = urls.split_format(doc)
    assert stem == path
    assert (found or urls.DOC_FORMATS[0]).name == fmt.name


@pytest.mark.parametrize("root", ["", "/kg", "/a/b"])
def test_every_builder_keeps_the_script_root(root: str) -> None:
    turtle = urls.FORMAT_BY_NAME["turtle"]
    with _router().test_request_context("/", base_url=f"http://example.org{root}"):
        assert urls.doc_url("pct/5NT") == f"{root}/doc/pct/5NT"
        assert urls.doc_url("pct/5NT", turtle, at="2010-01-01") == f"{root}/doc/pct/5NT.ttl?at=2010-01-01"
        assert urls.ontology_href() == f"{root}/def"
        assert urls.ontology_href(turtle) == f"{root}/def.ttl"
        assert urls.page_href("pages.coverage_page") == f"{root}/coverage"
        assert urls.page_href("pages.coverage_page", "json") == f"{root}/coverage.json"
        assert urls.sparql_endpoint_url() == f"http://example.org{root}/sparql"


@pytest.mark.parametrize(
    "path", ["", "pct/", "/pct", "pct//5NT", "pct/5N T", "pct/5NT.", "pct/<script>", "pct/../x", "pct/5NT%2F"]
)
def test_malformed_paths(path: str) -> None:
    with pytest.raises(urls.MalformedPathError):
        urls.iri_for_path(path)


@pytest.mark.parametrize(
    ("iri", "expected"),
    [
        (iris.ID + "pct/5NT", "pct/5NT"),
        (iris.ID + "interval/2006-10-01--2013-03-31", "interval/2006-10-01--2013-03-31"),
        (iris.DEF + "PrimaryCareTrust", None),
        ("http://example.org/id/pct/5NT", None),
    ],
)
def test_path_for_iri(iri: str, expected: str | None) -> None:
    assert urls.path_for_iri(iri) == expected


@pytest.mark.parametrize(
    ("text", "iri"),
    [
        ("PrimaryCareTrust", iris.DEF + "PrimaryCareTrust"),
        ("nhs:PrimaryCareTrust", iris.DEF + "PrimaryCareTrust"),
        ("org:Organization", "http://www.w3.org/ns/org#Organization"),
        ("nope:Thing", None),
        ("<x>", None),
    ],
)
def test_expand_curie(text: str, iri: str | None) -> None:
    assert urls.expand_curie(text) == iri
    if iri:
        assert urls.expand_curie(urls.curie(iri)) == iri


def test_outbound_kinds() -> None:
    assert urls.outbound_kind("http://www.wikidata.org/entity/Q42") == "Wikidata"
    assert (
        urls.outbound_kind("https://directory.spineservices.nhs.uk/ORD/2-0-0/organisations/5NT")
        == "ODS record"
    )
    assert urls.outbound_kind("http://www.legislation.gov.uk/id/ukpga/2012/7") == "legislation.gov.uk"
    assert urls.outbound_kind("https://example.org/") is None


@pytest.mark.parametrize(
    "path", ["pct/5NT", "ccg/00L/membership/pct/5NT/2013-04-01", "source/web/ab12", "x y/ü?#%", "a:b@c;d=e"]
)
def test_document_urls_match_the_router(path: str) -> None:
    with _router().test_request_context("/", base_url="http://example.org/prefix"):
        assert urls._document_url(path) == url_for("pages.document", path=path)


class Hrefs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.hrefs += [v for k, v in attrs if k == "href" and v]


def entity_links(html: str) -> list[tuple[str, dict[str, list[str]]]]:
    """(path, query) of every link to an entity document but the page's own format links."""
    parser = Hrefs()
    parser.feed(html)
    found = [urlsplit(h) for h in parser.hrefs]
    return [
        (u.path, parse_qs(u.query))
        for u in found
        if not u.netloc and u.path.startswith("/doc/") and "." not in u.path
    ]


@pytest.mark.parametrize(
    ("url", "itself"),
    [("/doc/pct/5NT?at=2010-01-01", "/doc/pct/5NT"), ("/class/PrimaryCareTrust?at=2010-01-01", None)],
)
def test_the_chosen_day_is_carried_on_links_to_other_entities(url: str, itself: str | None) -> None:
    client = create_app(Settings(), store=fixture_store()).test_client()
    dated = entity_links(client.get(url).get_data(as_text=True))
    others = [(path, q) for path, q in dated if path != itself]  # the page's "clear the date" link
    assert others and all(q.get("at") == ["2010-01-01"] for _, q in others)
    undated = entity_links(client.get(url.split("?")[0]).get_data(as_text=True))
    assert undated and all("at" not in q for _, q in undated)


def test_links_to_the_ontology_and_the_world_carry_no_day() -> None:
    app = create_app(Settings(), store=fixture_store())
    with app.test_request_context("/doc/pct/5NT?at=2010-01-01"):
        assert urls.href(iris.DEF + "PrimaryCareTrust") == "/def#PrimaryCareTrust"
        assert urls.href("http://www.wikidata.org/entity/Q1") == "http://www.wikidata.org/entity/Q1"
        assert urls.href(iris.ID + "ccg/00W") == "/doc/ccg/00W?at=2010-01-01"
        assert urls.href(iris.ID + "ccg/00W", at=None) == "/doc/ccg/00W"
