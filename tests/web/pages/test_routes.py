"""The pages read with an HTML parser: content, escaping, the as-of view, search, listings, /def, /about."""

from __future__ import annotations

import gc
import json
from html.parser import HTMLParser
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from service import iris
from service.build.catalogue import catalogue_from_rows, fold, load_catalogue, save_catalogue
from service.build.search import SearchIndex
from service.terms import IRI, Literal

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
SVG_EMPTY = {"line", "rect", "polyline", "path", "circle"}


class Page(HTMLParser):
    """Text by element, links, headings, scripts and a check that elements nest properly."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.links: dict[str, str] = {}
        self.headings: list[tuple[int, str]] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self.ids: list[str] = []
        self.text: list[str] = []
        self.errors: list[str] = []
        self._href: str | None = None
        self._buffer: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.ids.append(a["id"] or "")
        if tag in VOID or tag in SVG_EMPTY:
            return
        self.stack.append(tag)
        self._buffer = []
        if tag == "a":
            self._href = a.get("href")
        if tag == "script":
            self.scripts.append((a, ""))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.ids.append(a["id"] or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID or tag in SVG_EMPTY:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes <{self.stack[-1] if self.stack else None}>")
            return
        self.stack.pop()
        text = " ".join("".join(self._buffer).split())
        if tag == "a" and self._href is not None:
            self.links[text] = self._href
        if tag in ("h1", "h2", "h3", "h4"):
            self.headings.append((int(tag[1]), text))

    def handle_data(self, data: str) -> None:
        self._buffer.append(data)
        self.text.append(data)
        if self.stack and self.stack[-1] == "script":
            attrs, _ = self.scripts[-1]
            self.scripts[-1] = (attrs, self.scripts[-1][1] + data)


def page(client: FlaskClient, url: str) -> Page:
    response = client.get(url)
    assert response.status_code == 200, url
    parsed = Page(response.get_data(as_text=True))
    assert parsed.errors == [], url
    assert not parsed.stack, url
    assert len(parsed.ids) == len(set(parsed.ids)), f"duplicate ids on {url}"
    return parsed


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/?at=2012-01-01",
        "/doc/pct/5NT",
        "/doc/pct/5NT?at=2012-01-01",
        "/search?q=manchester",
        "/def",
        "/about",
        "/class/PrimaryCareTrust",
        "/doc/practice/P84010",
        "/doc/sha/Q31?at=2010-05-05",
    ],
)
def test_pages_are_well_formed_with_ordered_headings(client: FlaskClient, url: str) -> None:
    parsed = page(client, url)
    levels = [level for level, _ in parsed.headings]
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False)), parsed.headings


def test_entity_page_content(client: FlaskClient) -> None:
    parsed = page(client, "/doc/pct/5NT")
    assert parsed.headings[0] == (1, "Manchester Primary Care Trust")
    assert parsed.links["primary care trust"] == "/def#PrimaryCareTrust"
    assert parsed.links["ODS record"].endswith("/organisations/5NT")
    assert parsed.links["ONS geography"].endswith("/E16000149")
    for name in ("South Manchester Primary Care Trust", "NHS North Manchester CCG", "NHS Manchester CCG"):
        # in the lineage drawing, a body's link reads its name and its years (and its tooltip)
        drawn = [href for text, href in parsed.links.items() if name in text and href.startswith("/doc/")]
        assert drawn, f"no link to {name}"
    assert parsed.links["North West Strategic Health Authority"] == "/doc/sha/Q31"
    assert parsed.links["NHS Greater Manchester"] == "/doc/pct-cluster/nhs-greater-manchester"
    assert parsed.links["Jane Example"] == "/doc/person/jane-example"
    assert "ODS epcmem: practice membership of commissioners, August 2019" in parsed.links


def test_embedded_jsonld_is_data_about_the_thing(client: FlaskClient) -> None:
    parsed = page(client, "/doc/pct/5NT")
    blocks = [text for attrs, text in parsed.scripts if attrs.get("type") == "application/ld+json"]
    assert len(blocks) == 1
    nodes = {node["@id"]: node for node in json.loads(blocks[0])}
    assert iris.DEF + "PrimaryCareTrust" in nodes[iris.ID + "pct/5NT"]["@type"]
    other = [attrs for attrs, _ in parsed.scripts if attrs.get("type") != "application/ld+json"]
    assert all(attrs.get("src") for attrs in other), "no inline script"


def test_literals_are_escaped(client: FlaskClient) -> None:
    for url in ("/doc/practice/P84010", "/doc/practice/P84010/membership/pct/5NT/2006-10-01"):
        html = client.get(url).get_data(as_text=True)
        assert "<script>alert" not in html
    html = client.get("/doc/practice/P84010").get_data(as_text=True)
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html
    assert "\\u003cscript" in html  # inside the JSON-LD block


def test_as_of_view(client: FlaskClient) -> None:
    parsed = page(client, "/doc/pct/5NT?at=2012-01-01")
    text = " ".join(" ".join(parsed.text).split())
    assert "Accountable to North West Strategic Health Authority" in text
    assert "In cluster NHS Greater Manchester" in text
    assert "4 members on this day" in text
    before = " ".join(" ".join(page(client, "/doc/pct/5NT?at=2009-01-01").text).split())
    assert "In cluster" not in before and "Office holder Jane Example" in before
    gone = " ".join(" ".join(page(client, "/doc/pct/5NT?at=2014-01-01").text).split())
    assert "did not exist on this day" in gone and "0 members on this day" in gone


def test_members_paged_and_dated(client: FlaskClient) -> None:
    parsed = page(client, "/doc/ccg/14L?at=2018-01-01")
    for name in ("Five Oaks Family Practice", "The Vallance Centre"):
        assert parsed.links[name].startswith("/doc/practice/")
    none = page(client, "/doc/ccg/14L?at=2016-01-01")
    assert "Five Oaks Family Practice" not in none.links


def test_timeline_is_server_side_svg(client: FlaskClient) -> None:
    html = client.get("/doc/pct/5NT").get_data(as_text=True)
    assert "<svg" in html and 'aria-labelledby="tl-title"' in html and "<rect" in html


def test_home_landscape_and_tree(client: FlaskClient) -> None:
    parsed = page(client, "/?at=2012-01-01")
    text = " ".join(" ".join(parsed.text).split())
    assert "1 primary care trust" in text and "1 strategic health authority" in text
    assert parsed.links["Manchester Primary Care Trust"] == "/doc/pct/5NT?at=2012-01-01"
    later = " ".join(" ".join(page(client, "/?at=2015-01-01").text).split())
    assert "3 clinical commissioning group" in later


@pytest.mark.parametrize(
    ("q", "first"),
    [
        ("Manchester", "Manchester Primary Care Trust"),
        ("manchester ccg", "NHS Manchester CCG"),
        ("manchester primary", "Manchester Primary Care Trust"),
        ("5NT", "Manchester Primary Care Trust"),
        ("5nt", "Manchester Primary Care Trust"),
        ("E16000149", "Manchester Primary Care Trust"),
        ("nhs north west", "North West Strategic Health Authority"),
        ("borch", "The Borchardt Medical Centre"),
        ("MÁNCHESTER pct", "Manchester Primary Care Trust"),
    ],
)
def test_search_ranks(client: FlaskClient, q: str, first: str) -> None:
    hits = client.get("/search.json", query_string={"q": q}).get_json()
    assert hits and hits[0]["label"] == first, [h["label"] for h in hits]


def test_search_finds_every_word_match(client: FlaskClient) -> None:
    hits = client.get("/search.json?q=manchester&limit=50").get_json()
    labels = [h["label"] for h in hits]
    assert (
        len(labels) == 14 and "NHS South Manchester CCG" in labels and "NHS Manchester CCG formed" in labels
    )
    assert all(h["href"].startswith(("/doc/pct", "/doc/ccg", "/doc/pct-cluster")) for h in hits[:9])
    assert client.get("/search.json?q=manchester&limit=2").get_json()[1]["label"] in labels


def test_search_page_without_javascript(client: FlaskClient) -> None:
    parsed = page(client, "/search?q=manchester+pct")
    assert parsed.links["Manchester Primary Care Trust"] == "/doc/pct/5NT"
    assert page(client, "/search?q=zzzz").links.get("Manchester Primary Care Trust") is None


def test_search_index_folds_accents() -> None:
    rows = [{"s": IRI("x:1"), "p": IRI(iris.PREFIXES["rdfs"] + "label"), "o": Literal("Ysbyty Gwynedd Café")}]
    index = SearchIndex(catalogue_from_rows(rows).entries.values(), lambda _: "")
    assert fold("CAFÉ") == "cafe"
    assert [h.entry.iri for h in index.search("cafe").hits] == ["x:1"]
    assert index.search("").hits == []


@pytest.mark.parametrize("enabled", [True, False])
def test_a_saved_catalogue_loads_whole_and_leaves_the_collector_as_it_was(
    tmp_path: Path, enabled: bool
) -> None:
    rows = [{"s": IRI("x:1"), "p": IRI(iris.PREFIXES["rdfs"] + "label"), "o": Literal("Bolton PCT")}]
    save_catalogue(catalogue_from_rows(rows), tmp_path / "catalogue.pickle")
    was = gc.isenabled()
    (gc.enable if enabled else gc.disable)()
    try:
        loaded = load_catalogue(None, tmp_path / "catalogue.pickle")  # type: ignore[arg-type]
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()
    assert [e.label for e in loaded.entries.values()] == ["Bolton PCT"]


def test_unknown_iri_suggests(client: FlaskClient) -> None:
    response = client.get("/id/pct/manchester", headers={"Accept": "text/html"})
    assert response.status_code == 404
    parsed = Page(response.get_data(as_text=True))
    assert "Manchester Primary Care Trust" in parsed.links


def test_class_listing_by_date(client: FlaskClient) -> None:
    all_pcts = page(client, "/class/PrimaryCareTrust")
    assert {"Manchester Primary Care Trust", "North Manchester Primary Care Trust"} <= set(all_pcts.links)
    on_day = page(client, "/class/nhs:PrimaryCareTrust?at=2010-01-01")
    assert "Manchester Primary Care Trust" in on_day.links
    assert "North Manchester Primary Care Trust" not in on_day.links
    assert client.get("/class/nope:X").status_code == 400
    assert client.get("/class/NoSuchClass").status_code == 404


def test_ontology_documentation(client: FlaskClient) -> None:
    parsed = page(client, "/def")
    assert "PrimaryCareTrust" in parsed.ids
    text = " ".join(" ".join(parsed.text).split())
    assert "primary care trust nhs:PrimaryCareTrust" in text
    assert parsed.links["nhs:CommissioningBody"] == "/def#CommissioningBody"


def test_about_cites_and_credits(client: FlaskClient) -> None:
    parsed = page(client, "/about")
    assert "Open Government Licence v3.0" in parsed.links
    assert "ODS epcmem: practice membership of commissioners, August 2019" in parsed.links
