# ruff: noqa: E501  (SPARQL updates read best on one line)
"""The shapes on a small conforming graph, and one mutation per rule, each caught with the node named.

Each mutation is a SPARQL update applied to a fresh copy of tests/data/shapes/base.ttl (with the ontology,
materialised); the test asserts the exact (shape, focus node) pairs reported, by our validator and by pyshacl.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, URIRef

from service import iris, reasoning
from service.store import IRI, OxigraphStore
from service.validation import ValidationReport, validate

ROOT = Path(__file__).resolve().parent.parent
SHAPES = ROOT / "shapes"
BASE = ROOT / "tests" / "data" / "shapes" / "base.ttl"
SHP = "https://w3id.org/nhs-commissioning/shapes#"
ID = iris.ID
PREFIXES = "\n".join(f"PREFIX {p}: <{ns}>" for p, ns in iris.PREFIXES.items()) + "\n"
DATA = iris.graph("base")

# (shape, focus node, the update that breaks its rule)
MUTATIONS: list[tuple[str, str, str]] = [
    (
        "EventDatedShape",
        "event/2013-04-01/ccg-00L-established",
        "DELETE WHERE { GRAPH ?g { id:event\\/2013-04-01\\/ccg-00L-established dcterms:date ?d } }",
    ),
    (
        "EventDatedShape",
        "event/2013-04-01/ccg-00L-established",
        'INSERT DATA { GRAPH <%G> { id:event\\/2013-04-01\\/ccg-00L-established nhs:approximateDate "2013-04"^^xsd:gYearMonth } }',
    ),
    (
        "EventApproximateDateShape",
        "event/2013-04-01/ccg-00L-established",
        'INSERT DATA { GRAPH <%G> { id:event\\/2013-04-01\\/ccg-00L-established nhs:approximateDate "April 2013" } }',
    ),
    (
        "FigureDatedShape",
        "figure/pct-count-2006-10-01",
        "DELETE WHERE { GRAPH ?g { id:figure\\/pct-count-2006-10-01 dcterms:date ?d } }",
    ),
    (
        "NHSEnglandUnitShape",
        "area-team/Q46",
        "INSERT DATA { GRAPH <%G> { id:area-team\\/Q46 a nhs:AreaTeam ; org:unitOf id:ccg\\/00L } }",
    ),
    (
        "PracticeParentShape",
        "practice/P84001/membership/pct/5NT/2006-10-01",
        "DELETE WHERE { GRAPH ?g { id:pct\\/5NT a nhs:PrimaryCareTrust } }",
    ),
    ("LabelShape", "ccg/00L", "DELETE WHERE { GRAPH ?g { id:ccg\\/00L rdfs:label ?l } }"),
    ("LabelShape", "pct/5NT", 'INSERT DATA { GRAPH <%G> { id:pct\\/5NT rdfs:label "Another"@en } }'),
    (
        "PrimaryCareTrustOdsCodeShape",
        "pct/5NT",
        'DELETE DATA { GRAPH <%G> { id:pct\\/5NT nhs:odsCode "5NT" } } ;'
        ' INSERT DATA { GRAPH <%G> { id:pct\\/5NT nhs:odsCode "5N" } }',
    ),
    (
        "PrescribingCostCentreOdsCodeShape",
        "practice/P84001",
        'INSERT DATA { GRAPH <%G> { id:practice\\/P84001 nhs:odsCode "P8400" } }',
    ),
    (
        "StrategicHealthAuthorityGssCodeShape",
        "sha/Q31",
        'DELETE DATA { GRAPH <%G> { id:sha\\/Q31 nhs:gssCode "E18000007" } } ;'
        ' INSERT DATA { GRAPH <%G> { id:sha\\/Q31 nhs:gssCode "E38000007" } }',
    ),
    (
        "RelationOrderShape",
        "pct/5NT/accountability/sha/Q31/2006-10-01",
        "DELETE WHERE { GRAPH ?g { id:pct\\/5NT\\/accountability\\/sha\\/Q31\\/2006-10-01 schema:endDate ?e } } ;"
        " INSERT DATA { GRAPH <%G> { id:pct\\/5NT\\/accountability\\/sha\\/Q31\\/2006-10-01"
        ' schema:endDate "2005-01-01"^^xsd:date } }',
    ),
    (
        "SingleParentShape",
        "practice/P84001",
        "DELETE WHERE { GRAPH ?g { id:practice\\/P84001\\/membership\\/pct\\/5NT\\/2006-10-01 schema:endDate ?e } } ;"
        " INSERT DATA { GRAPH <%G> { id:practice\\/P84001\\/membership\\/pct\\/5NT\\/2006-10-01"
        ' schema:endDate "2013-06-30"^^xsd:date } }',
    ),
    (
        "EventDayShape",
        "event/2013-04-01/ccg-00L-established",
        "DELETE WHERE { GRAPH ?g { id:event\\/2013-04-01\\/ccg-00L-established dcterms:date ?d } } ;"
        ' INSERT DATA { GRAPH <%G> { id:event\\/2013-04-01\\/ccg-00L-established dcterms:date "2013-04-02"^^xsd:date } }',
    ),
    ("DerivedFromShape", "ccg/00L", "DELETE WHERE { GRAPH ?g { id:ccg\\/00L prov:wasDerivedFrom ?s } }"),
    (
        "AccountabilityCoverageShape",
        "ccg/00L",
        "DELETE WHERE { GRAPH ?g { id:ccg\\/00L\\/accountability\\/nhs-cb\\/X24\\/2013-04-01 ?p ?o } }",
    ),
    (
        "OdsRecordShape",
        "pct/5NT",
        "DELETE WHERE { GRAPH ?g { id:pct\\/5NT rdfs:seeAlso ?r } }",
    ),
    (
        "SpatialShape",
        "pct/5NT",
        "INSERT DATA { GRAPH <%G> { id:pct\\/5NT dcterms:spatial <http://example.org/E16000100> } }",
    ),
    (
        "WithinLifetimesShape",
        "pct/5NT/accountability/sha/Q31/2006-10-01",
        "DELETE WHERE { GRAPH ?g { id:sha\\/Q31 schema:foundingDate ?d } } ;"
        ' INSERT DATA { GRAPH <%G> { id:sha\\/Q31 schema:foundingDate "2006-12-01"^^xsd:date } }',
    ),
    (
        "IntervalAgreesShape",
        "pct/5NT/accountability/sha/Q31/2006-10-01",
        "DELETE WHERE { GRAPH ?g { id:pct\\/5NT\\/accountability\\/sha\\/Q31\\/2006-10-01 schema:startDate ?d } } ;"
        " INSERT DATA { GRAPH <%G> { id:pct\\/5NT\\/accountability\\/sha\\/Q31\\/2006-10-01"
        ' schema:startDate "2006-10-02"^^xsd:date } }',
    ),
    (
        "FoundingDateShape",
        "pct/5NT",
        'INSERT DATA { GRAPH <%G> { id:pct\\/5NT schema:foundingDate "2006-10-01" } }',
    ),
    (
        "OrganisationOpenEndShape",
        "ccg/00L",
        "DELETE WHERE { GRAPH ?g { id:ccg\\/00L nhs:endStatus ?s } }",
    ),
    (
        "PracticeRoleShape",
        "practice/P84001/membership/ccg/00L/2013-04-01",
        "DELETE WHERE { GRAPH ?g { id:practice\\/P84001\\/membership\\/ccg\\/00L\\/2013-04-01 org:role ?r } }",
    ),
    (
        "SingleAccountabilityShape",
        "ccg/00L",
        "INSERT DATA { GRAPH <%G> { id:x a nhs:Accountability ; org:member id:ccg\\/00L ;"
        " org:organization id:nhs-cb\\/X25 . id:nhs-cb\\/X25 a nhs:NHSCommissioningBoard } }",
    ),
]


def load(updates: str = "") -> OxigraphStore:
    store = OxigraphStore.in_memory()
    for path in sorted((ROOT / "ontology").glob("*.ttl")):
        store.load_file(path, iris.graph("ontology"))
    store.load_file(BASE, DATA)
    if updates:
        store.update(PREFIXES + updates.replace("%G", DATA))
    reasoning.materialise(store, iris.graph("inferred"))
    return store


def pairs(report: ValidationReport) -> set[tuple[str, str]]:
    return {(r.source_shape.removeprefix(SHP), _id(r.focus_node)) for r in report.results}


def _id(term: object) -> str:
    return term.value.removeprefix(ID) if isinstance(term, IRI) else str(term)


def pyshacl_pairs(store: OxigraphStore) -> set[tuple[str, str]]:
    import pyshacl

    data = Graph()
    data.parse(
        data=store.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }").serialize("ntriples"), format="nt"
    )
    shapes = Graph()
    for path in sorted(SHAPES.glob("*.ttl")):
        shapes.parse(path)
    _, results, _ = pyshacl.validate(data, shacl_graph=shapes, inference="none", advanced=False)
    sh = "http://www.w3.org/ns/shacl#"
    return {
        (str(results.value(r, URIRef(sh + "sourceShape"))).removeprefix(SHP), _id_rdflib(results, r))
        for r in results.subjects(URIRef(sh + "resultSeverity"), None)
    }


def _id_rdflib(results: Graph, result: object) -> str:
    focus = results.value(result, URIRef("http://www.w3.org/ns/shacl#focusNode"))  # type: ignore[arg-type]
    return str(focus).removeprefix(ID)


def test_base_graph_conforms_without_any_result() -> None:
    report = validate(load(), SHAPES)
    assert report.results == [], report.to_text()
    assert report.conforms


@pytest.mark.parametrize(("shape", "focus", "update"), MUTATIONS, ids=[f"{m[0]}-{m[1]}" for m in MUTATIONS])
def test_each_mutation_is_caught_with_the_node_named(shape: str, focus: str, update: str) -> None:
    report = validate(load(update), SHAPES)
    assert (shape, focus) in pairs(report), report.to_text()


@pytest.mark.parametrize(("shape", "focus", "update"), MUTATIONS[:8], ids=[m[0] for m in MUTATIONS[:8]])
def test_pyshacl_reports_the_same_pairs(shape: str, focus: str, update: str) -> None:
    store = load(update)
    assert pairs(validate(store, SHAPES)) == pyshacl_pairs(store)


def test_pyshacl_agrees_on_the_base_graph() -> None:
    store = load()
    assert pyshacl_pairs(store) == pairs(validate(store, SHAPES)) == set()
