"""The types: the ontology's kinds of body, from the real ontology (ontology/nhs.ttl)."""

from __future__ import annotations

from pathlib import Path

import pytest

from service import iris
from service.store import OxigraphStore
from service.web.pages.ontology import Vocabulary, build_vocabulary
from service.web.reconcile.kinds import body_kinds, kind_json, kinds_of, suggest_kinds
from tests.web.reconcile.w3c import errors

ONTOLOGY = Path(__file__).parents[3] / "ontology" / "nhs.ttl"
NHS = iris.DEF


@pytest.fixture(scope="module")
def vocabulary() -> Vocabulary:
    store = OxigraphStore.in_memory()
    store.load_file(ONTOLOGY, iris.graph("ontology"))
    return build_vocabulary(store)


def test_each_kind_of_body_is_a_type_and_nothing_else(vocabulary: Vocabulary) -> None:
    kinds = {k.iri: k for k in body_kinds(vocabulary)}
    for body in (
        "PrimaryCareTrust",
        "ClinicalCommissioningGroup",
        "SubICBLocation",
        "IntegratedCareBoard",
        "GPPractice",
    ):
        assert NHS + body in kinds
    for other in ("PracticeMembership", "Accountability", "NameUse"):
        assert NHS + other not in kinds
    assert kinds[NHS + "GPPractice"].broader == (NHS + "PrescribingCostCentre",)


def test_a_type_validates_with_its_broader_types(vocabulary: Vocabulary) -> None:
    kinds = body_kinds(vocabulary)
    by_iri = {k.iri: k for k in kinds}
    written = kind_json(by_iri[NHS + "CareTrust"], by_iri)
    assert errors("suggest-types-response", {"result": [written]}) == []
    assert {b["id"] for b in written["broader"]} == {
        NHS + "CommissioningBody",
        NHS + "PrimaryCareOrganisation",
    }  # type: ignore[union-attr]


def test_suggest_reads_names_alternatives_and_local_names(vocabulary: Vocabulary) -> None:
    kinds = body_kinds(vocabulary)
    assert NHS + "SubICBLocation" in {k.iri for k in suggest_kinds(kinds, "SICBL")}
    assert {k.iri for k in suggest_kinds(kinds, "integrated care")} >= {NHS + "IntegratedCareBoard"}
    assert suggest_kinds(kinds, "zzz") == []


def test_an_entity_has_its_most_specific_kinds(vocabulary: Vocabulary) -> None:
    kinds = body_kinds(vocabulary)
    classes = {NHS + "GPPractice", NHS + "PrescribingCostCentre", iris.PREFIXES["org"] + "Organization"}
    assert [k.iri for k in kinds_of(classes, vocabulary, kinds)] == [NHS + "GPPractice"]
