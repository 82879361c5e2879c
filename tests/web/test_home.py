"""The home page's data (service/web/home.py): what the build's manifest says the dataset holds.
(The landscape on the page is tested in tests/web/pages/test_routes.py, /healthz in test_observability.py.)"""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from hypothesis import given
from hypothesis import strategies as st

from service.build.overview import data_sources
from service.config import Settings
from service.web.app import create_app
from service.web.home import dataset_summary
from tests.pages_fixtures import fixture_store
from tests.web.pages.html_tree import tree

MANIFEST: dict[str, object] = {
    "key": "abc123",
    "triples": 1200,
    "classes": {"nhs:GPPractice": 40, "nhs:PrimaryCareTrust": 3, "nhs:ClinicalCommissioningGroup": 7},
    "graphs": {"https://w3id.org/nhs-commissioning/graph/ods": 1000},
}


def test_the_summary_reads_the_manifest_with_classes_most_numerous_first() -> None:
    summary = dataset_summary(MANIFEST)
    assert summary == {
        "triples": 1200,
        "version": "abc123",
        "classes": {"nhs:GPPractice": 40, "nhs:ClinicalCommissioningGroup": 7, "nhs:PrimaryCareTrust": 3},
        "graphs": {"https://w3id.org/nhs-commissioning/graph/ods": 1000},
    }
    classes = summary["classes"]
    assert isinstance(classes, dict) and list(classes) == [
        "nhs:GPPractice",
        "nhs:ClinicalCommissioningGroup",
        "nhs:PrimaryCareTrust",
    ]


def test_a_manifest_without_the_counts_gives_an_empty_summary() -> None:
    assert dataset_summary({}) == {"triples": 0, "version": "unknown", "classes": {}, "graphs": {}}
    # A damaged manifest (lists where maps belong) is shown as empty, not as an error page.
    assert dataset_summary({"classes": ["x"], "graphs": "y"})["classes"] == {}
    assert dataset_summary({"classes": ["x"], "graphs": "y"})["graphs"] == {}


@given(st.dictionaries(st.text(min_size=1), st.integers(min_value=0, max_value=10**9)))
def test_classes_keep_every_count_in_descending_order(classes: dict[str, int]) -> None:
    shown = dataset_summary({"classes": classes})["classes"]
    assert isinstance(shown, dict) and shown == classes
    counts = list(shown.values())
    assert counts == sorted(counts, reverse=True)


# --- the query editor's terms, and /about a page at a time ---------------------------------------------


@pytest.fixture(scope="module")
def embedded() -> FlaskClient:
    return create_app(Settings(), store=fixture_store()).test_client()


def test_the_editor_terms_are_the_classes_and_properties_the_data_uses(embedded: FlaskClient) -> None:
    response = embedded.get("/terms.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    store = fixture_store()
    used = {r["t"].value for r in store.select("SELECT DISTINCT ?t WHERE { [] ?t [] }")}
    classes = {r["t"].value for r in store.select("SELECT DISTINCT ?t WHERE { [] a ?t }")}
    body = response.get_json()
    assert set(body["properties"]) == used and len(body["properties"]) == len(used)
    assert set(body["classes"]) == classes
    etag = response.headers["ETag"]
    assert embedded.get("/terms.json", headers={"If-None-Match": etag}).status_code == 304


def test_the_about_page_lists_the_data_files_with_a_pager(embedded: FlaskClient) -> None:
    response = embedded.get("/about")
    assert response.status_code == 200
    table = tree(response.get_data(as_text=True)).find(id="h-sources").parent
    titles = [row.all(tag="a")[0].text for row in table.all(tag="tr")[1:]]
    assert titles == [s.title for s in data_sources(fixture_store())[0]]
    assert "Link" not in response.headers  # two data files: one page, no links to others
    assert embedded.get("/about?page=2").status_code == 404
