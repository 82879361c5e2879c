"""The vocabulary as the pages see it (service/web/pages/ontology.py), built from the pages' fixture graph:
labels, hierarchy, most specific classes, and usage counts checked against rdflib on the same files."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rdflib import RDF, Graph

from service import iris
from service.store import OxigraphStore
from service.web.pages.ontology import Vocabulary, build_vocabulary, usage_counts
from tests.pages_fixtures import FIXTURES, fixture_store

NHS = iris.DEF
ORG = iris.PREFIXES["org"]
FOAF = iris.PREFIXES["foaf"]


@pytest.fixture(scope="module")
def store() -> OxigraphStore:
    return fixture_store()


@pytest.fixture(scope="module")
def vocabulary(store: OxigraphStore) -> Vocabulary:
    return build_vocabulary(store)


def test_a_class_has_its_label_definition_and_place_in_the_hierarchy(vocabulary: Vocabulary) -> None:
    pct = vocabulary.terms[NHS + "PrimaryCareTrust"]
    assert (pct.label, pct.alt_labels, pct.local_name) == ("primary care trust", ["PCT"], "PrimaryCareTrust")
    assert pct.definition.startswith("A statutory NHS body that commissioned")
    assert pct.is_class and pct.parents == {NHS + "CommissioningBody", ORG + "FormalOrganization"}
    body = vocabulary.terms[NHS + "CommissioningBody"]
    assert body.children == {
        NHS + c
        for c in ("PrimaryCareTrust", "StrategicHealthAuthority", "PCTCluster", "ClinicalCommissioningGroup")
    }


def test_a_property_has_its_domain_range_and_inverse(vocabulary: Vocabulary) -> None:
    succeeds = vocabulary.terms[NHS + "succeeds"]
    assert not succeeds.is_class and succeeds.inverse == NHS + "succeededBy"
    assert succeeds.domains == succeeds.ranges == {ORG + "Organization"}
    assert vocabulary.terms[NHS + "odsCode"].ranges == {iris.PREFIXES["xsd"] + "string"}


def test_labels_ancestors_and_our_own_terms(vocabulary: Vocabulary) -> None:
    assert vocabulary.label(NHS + "GPPractice") == "GP practice"
    assert vocabulary.label(NHS + "NoSuchClass") is None and vocabulary.label(ORG + "Organization") is None
    assert vocabulary.ancestors(NHS + "GPPractice") == {NHS + "PrescribingCostCentre", ORG + "Organization"}
    ours = vocabulary.ours()
    assert ours and all(t.iri.startswith(NHS) for t in ours)
    assert [t.iri for t in ours] == sorted(t.iri for t in ours)


def test_the_most_specific_classes_come_ours_first(vocabulary: Vocabulary) -> None:
    classes = {
        NHS + "PrimaryCareTrust",
        NHS + "CommissioningBody",
        ORG + "FormalOrganization",
        ORG + "Organization",
    }
    assert vocabulary.most_specific(classes) == [NHS + "PrimaryCareTrust"]
    assert vocabulary.most_specific({FOAF + "Person", NHS + "GPPractice", NHS + "PrescribingCostCentre"}) == [
        NHS + "GPPractice",
        FOAF + "Person",
    ]
    assert vocabulary.most_specific(set()) == []


CLASSES = [
    NHS + c
    for c in (
        "CommissioningBody",
        "PrimaryCareTrust",
        "StrategicHealthAuthority",
        "PCTCluster",
        "ClinicalCommissioningGroup",
        "GPPractice",
        "PrescribingCostCentre",
        "Merger",
    )
] + [ORG + "Organization", ORG + "FormalOrganization", FOAF + "Person"]


@given(st.sets(st.sampled_from(CLASSES)))
def test_the_most_specific_classes_are_those_no_other_given_class_implies(
    vocabulary: Vocabulary, classes: set[str]
) -> None:
    kept = vocabulary.most_specific(classes)
    assert set(kept) <= classes and len(kept) == len(set(kept))
    for c in classes:  # each class is kept exactly when no other one given is a sub-class of it
        implied = any(c in vocabulary.ancestors(other) for other in classes if other != c)
        assert (c in kept) != implied


def test_usage_counts_agree_with_rdflib_on_the_same_files(store: OxigraphStore) -> None:
    graph = Graph()
    for path in sorted(FIXTURES.glob("*.ttl")):
        graph.parse(path)
    usage = usage_counts(store)
    assert usage.classes == {
        str(k): v for k, v in Counter(o for _, o in graph.subject_objects(RDF.type)).items()
    }
    assert usage.properties == {str(k): v for k, v in Counter(p for _, p, _ in graph).items()}
    assert usage.classes[NHS + "PrimaryCareTrust"] == 4
