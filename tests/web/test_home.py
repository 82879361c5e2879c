"""The home page's data (service/web/home.py): what the build's manifest says the dataset holds.
(The landscape on the page is tested in tests/web/pages/test_routes.py, /healthz in test_observability.py.)"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from service.web.home import dataset_summary

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
