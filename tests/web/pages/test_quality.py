"""/shapes, /validation and the data-quality section of entity pages, over a saved validation report.

The report is the real validator's, run on the pages fixture graph (tests/data/pages), which raises both
warnings and violations. The app is given the folder it is saved in as its build's folder (`built`), where a
served build keeps it.
"""

from __future__ import annotations

from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from rdflib import RDF, Graph, Namespace

from service import iris
from service.build import reasoning
from service.build.validation import check as validation
from service.build.validation import saved as saved_report
from service.build.validation.report import ValidationReport
from service.config import Settings
from service.web.app import create_app
from service.web.pages import quality as pages_quality
from tests.pages_fixtures import fixture_store
from tests.web.pages.test_routes import VOID, page

SH = Namespace("http://www.w3.org/ns/shacl#")
SHAPES = Path(__file__).parents[3] / "shapes"
KEY = "quality-test"
WARNED = iris.ID + "ccg/00W"  # not accountable to anyone from its founding in the fixture
CLEAN = iris.ID + "pct/5NT"


class Marked(HTMLParser):
    """The text of the elements carrying each class, and of those carrying a data-severity."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.by_class: dict[str, list[str]] = {}
        self.by_severity: dict[str, str] = {}
        self._open: list[tuple[str, list[str], str | None, list[str]]] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID:
            return
        a = dict(attrs)
        self._open.append((tag, (a.get("class") or "").split(), a.get("data-severity"), []))

    def handle_endtag(self, tag: str) -> None:
        if not self._open or self._open[-1][0] != tag:
            return
        _, classes, severity, parts = self._open.pop()
        text = " ".join("".join(parts).split())
        for name in classes:
            self.by_class.setdefault(name, []).append(text)
        if severity is not None:
            self.by_severity[severity] = text

    def handle_data(self, data: str) -> None:
        for _, _, _, parts in self._open:
            parts.append(data)


@pytest.fixture(scope="module")
def report() -> ValidationReport:
    store = fixture_store()
    reasoning.materialise(store, iris.graph("inferred"))
    return validation.validate(store, SHAPES)


@pytest.fixture(scope="module")
def saved(report: ValidationReport, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("store")
    saved_report.save_report(report, folder)
    return folder


@pytest.fixture(scope="module")
def quality_app(saved: Path) -> Iterator[Flask]:
    yield create_app(Settings(), store=fixture_store(), manifest={"key": KEY}, built=saved)


@pytest.fixture
def quality_client(quality_app: Flask) -> FlaskClient:
    return quality_app.test_client()


def _shape_names() -> dict[str, str]:
    graph = Graph()
    for path in sorted(SHAPES.glob("*.ttl")):
        graph.parse(path, format="turtle")
    return {str(s): str(o) for s, o in graph.subject_objects(SH.name)}


def test_report_fixture_has_warnings_and_violations(report: ValidationReport) -> None:
    counts = report.counts()
    assert counts["Violation"] > 0 and counts["Warning"] > 0
    focus = {r.focus_node.value for r in report.results}
    assert WARNED in focus and CLEAN not in focus


def test_shapes_page_lists_every_shape_by_name(client: FlaskClient) -> None:
    page(client, "/shapes")  # well formed, unique ids
    listed = Marked(client.get("/shapes").get_data(as_text=True)).by_class["shape-name"]
    assert sorted(listed) == sorted(_shape_names().values())


@pytest.mark.parametrize(
    ("url", "accept", "expected"),
    [
        ("/shapes", None, "text/html"),
        ("/shapes", "text/html,application/xhtml+xml,*/*;q=0.8", "text/html"),
        ("/shapes", "text/turtle", "text/turtle"),
        ("/shapes", "application/x-turtle;q=0.9, text/html;q=0.5", "text/turtle"),
        ("/shapes.ttl", "text/html", "text/turtle"),
        ("/shapes.html", "text/turtle", "text/html"),
        ("/validation", "application/json", "application/json"),
        ("/validation", "text/turtle", "text/turtle"),
        ("/validation", "*/*", "text/html"),
        ("/validation.json", None, "application/json"),
        ("/validation.ttl", None, "text/turtle"),
    ],
)
def test_negotiation(quality_client: FlaskClient, url: str, accept: str | None, expected: str) -> None:
    response = quality_client.get(url, headers={"Accept": accept} if accept else {})
    assert response.status_code == 200
    assert response.mimetype == expected
    assert response.headers["Vary"] == "Accept"


@pytest.mark.parametrize(
    ("url", "accept", "status"),
    [("/shapes", "application/json", 406), ("/shapes.json", None, 404), ("/validation.csv", None, 404)],
)
def test_formats_not_offered(quality_client: FlaskClient, url: str, accept: str | None, status: int) -> None:
    assert quality_client.get(url, headers={"Accept": accept} if accept else {}).status_code == status


def test_shapes_turtle_holds_the_same_shapes(client: FlaskClient) -> None:
    response = client.get("/shapes.ttl")
    graph = Graph().parse(data=response.get_data(as_text=True), format="turtle")
    assert {str(s): str(o) for s, o in graph.subject_objects(SH.name)} == _shape_names()
    severities = {str(s): str(o) for s, o in graph.subject_objects(SH.severity)}
    assert severities and set(severities) <= set(_shape_names())


def test_validation_page_shows_counts_and_focus_nodes(
    quality_client: FlaskClient, report: ValidationReport
) -> None:
    html = quality_client.get("/validation").get_data(as_text=True)
    parsed = page(quality_client, "/validation")
    marked = Marked(html)
    assert {k: int(v.replace(",", "")) for k, v in marked.by_severity.items()} == report.counts()
    assert sorted(marked.by_class["shape-name"]) == sorted({r.shape_name for r in report.results})
    hrefs = set(parsed.links.values())
    # our things link to their pages; a focus node of another dataset (a legislation.gov.uk page that a
    # legal basis names instead of its /id/ IRI, say) links to itself
    nodes = {r.focus_node.value for r in report.results}
    ours = {f"/doc/{node[len(iris.ID) :]}" for node in nodes if node.startswith(iris.ID)}
    assert ours <= hrefs
    assert {node for node in nodes if not node.startswith(iris.ID)} <= hrefs


def test_validation_view_caps_each_shape(saved: Path) -> None:
    loaded = saved_report.load_report(saved)
    assert loaded is not None
    view = pages_quality.validation_view(loaded, per_shape=3)
    assert sum(g.count for g in view.groups) == len(loaded.findings)
    for group in view.groups:
        assert len(group.findings) == min(3, group.count)
        assert group.more == group.count - len(group.findings)
    assert any(g.more > 0 for g in view.groups)


def test_validation_page_says_and_n_more(quality_app: Flask, saved: Path) -> None:
    loaded = saved_report.load_report(saved)
    assert loaded is not None
    biggest = max(pages_quality.validation_view(loaded).groups, key=lambda g: g.count)
    with quality_app.test_request_context("/validation"):
        from flask import render_template

        view = pages_quality.validation_view(loaded, per_shape=biggest.count - 1)
        html = render_template("validation.html", view=view)
    assert "and 1 more" in html


def test_validation_json_is_the_saved_report(quality_client: FlaskClient, saved: Path) -> None:
    response = quality_client.get("/validation.json")
    assert response.get_data(as_text=True) == (saved / saved_report.REPORT_JSON).read_text(encoding="utf-8")
    assert response.get_json()["results"]


def test_validation_turtle_is_a_shacl_report(quality_client: FlaskClient, report: ValidationReport) -> None:
    response = quality_client.get("/validation", headers={"Accept": "text/turtle"})
    graph = Graph().parse(data=response.get_data(as_text=True), format="turtle")
    (node,) = graph.subjects(RDF.type, SH.ValidationReport)
    assert len(list(graph.objects(node, SH.result))) == len(report.results)


def test_without_a_saved_report(client: FlaskClient) -> None:
    parsed = page(client, "/validation")
    assert "No validation report is saved" in " ".join(" ".join(parsed.text).split())
    for url, accept in (
        ("/validation.json", None),
        ("/validation", "application/json"),
        ("/validation.ttl", None),
    ):
        response = client.get(url, headers={"Accept": accept} if accept else {})
        assert response.status_code == 404 and response.headers["Vary"] == "Accept"
        assert response.get_data(as_text=True).count("\n") == 1
        assert "no validation report" in response.get_data(as_text=True)


def test_entity_page_shows_its_warnings(quality_client: FlaskClient, report: ValidationReport) -> None:
    parsed = page(quality_client, "/doc/ccg/00W")
    assert (2, "Data quality") in parsed.headings
    text = " ".join(" ".join(parsed.text).split())
    for result in report.results:
        if result.focus_node.value == WARNED:
            assert result.message in text and result.shape_name in parsed.links
    assert parsed.links["always accountable"] == "/shapes#AccountabilityCoverageShape"


def test_entity_page_without_warnings_has_no_section(
    quality_client: FlaskClient, client: FlaskClient
) -> None:
    assert (2, "Data quality") not in page(quality_client, "/doc/pct/5NT").headings
    assert (2, "Data quality") not in page(client, "/doc/ccg/00W").headings  # no saved report


def test_navigation_links_the_quality_pages(client: FlaskClient) -> None:
    links = page(client, "/").links
    assert links["Shapes"] == "/shapes" and links["Validation"] == "/validation"
