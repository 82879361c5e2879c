"""The ontology: it parses, it is described, it defines the contract of docs/terms.md, it stays within the
OWL 2 RL constructs we allow, and the worked queries of docs/modelling.md answer as documented."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import rdflib
from rdflib import OWL, RDF, RDFS, SKOS, XSD
from rdflib.namespace import DCTERMS

from service import iris
from service.build.reasoning import materialise
from service.store import OxigraphStore

ROOT = Path(__file__).resolve().parents[1]
ONTOLOGY_FILES = sorted((ROOT / "ontology").glob("*.ttl"))
TERMS_MD = ROOT / "docs" / "terms.md"
MODELLING_MD = ROOT / "docs" / "modelling.md"
FIXTURE = ROOT / "tests" / "data" / "ontology" / "bodies.ttl"

NHS = rdflib.Namespace(iris.DEF)
ORG = rdflib.Namespace(iris.PREFIXES["org"])
VANN = rdflib.Namespace(iris.PREFIXES["vann"])
ONTOLOGY = rdflib.URIRef(iris.ONTOLOGY)
ID = iris.ID


@pytest.fixture(scope="module")
def graph() -> rdflib.Graph:
    g = rdflib.Graph()
    for path in ONTOLOGY_FILES:
        g.parse(path, format="turtle")
    return g


def nhs_terms(g: rdflib.Graph) -> set[rdflib.URIRef]:
    return {s for s in g.subjects(RDF.type, None) if isinstance(s, rdflib.URIRef) and s.startswith(iris.DEF)}


def nhs_classes(g: rdflib.Graph) -> set[rdflib.URIRef]:
    return {
        c for c in g.subjects(RDF.type, OWL.Class) if isinstance(c, rdflib.URIRef) and c.startswith(iris.DEF)
    }


# --- parsing and metadata ----------------------------------------------------------------------------


def test_parses_with_pyoxigraph() -> None:
    store = OxigraphStore.in_memory()
    for path in ONTOLOGY_FILES:
        store.load_file(path, iris.graph("ontology"))
    assert len(store) > 1000


def test_ontology_metadata(graph: rdflib.Graph) -> None:
    assert (ONTOLOGY, RDF.type, OWL.Ontology) in graph
    for prop in (DCTERMS.title, DCTERMS.description):
        assert any(getattr(v, "language", None) == "en" for v in graph.objects(ONTOLOGY, prop)), prop
    assert graph.value(ONTOLOGY, DCTERMS.creator) is not None
    assert graph.value(ONTOLOGY, DCTERMS.license) == rdflib.URIRef(
        "https://creativecommons.org/licenses/by/4.0/"
    )
    for prop in (DCTERMS.created, DCTERMS.modified):
        value = graph.value(ONTOLOGY, prop)
        assert isinstance(value, rdflib.Literal) and value.datatype == XSD.date, prop
    assert graph.value(ONTOLOGY, OWL.versionIRI) == rdflib.URIRef(iris.ONTOLOGY + "/0.1.0")
    assert str(graph.value(ONTOLOGY, OWL.versionInfo)) == "0.1.0"
    assert str(graph.value(ONTOLOGY, VANN.preferredNamespacePrefix)) == "nhs"
    assert str(graph.value(ONTOLOGY, VANN.preferredNamespaceUri)) == iris.DEF
    assert (None, OWL.imports, None) not in graph


def test_version_matches_the_package() -> None:
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    version = re.search(r'^version = "([^"]+)"', text, re.MULTILINE)
    assert version is not None
    graph = rdflib.Graph()
    for path in ONTOLOGY_FILES:
        graph.parse(path)
    assert str(graph.value(ONTOLOGY, OWL.versionInfo)) == version.group(1)


# --- every term is described -------------------------------------------------------------------------


def test_every_nhs_term_has_label_definition_and_defined_by(graph: rdflib.Graph) -> None:
    problems = []
    for term in sorted(nhs_terms(graph)):
        labels = [v for v in graph.objects(term, RDFS.label) if getattr(v, "language", None) == "en"]
        definitions = [
            v for v in graph.objects(term, SKOS.definition) if getattr(v, "language", None) == "en"
        ]
        if len(labels) != 1:
            problems.append(f"{term}: {len(labels)} rdfs:label@en")
        if len(definitions) != 1:
            problems.append(f"{term}: {len(definitions)} skos:definition@en")
        if graph.value(term, RDFS.isDefinedBy) != ONTOLOGY:
            problems.append(f"{term}: rdfs:isDefinedBy")
    assert problems == []


def test_every_standard_term_cites_its_specification(graph: rdflib.Graph) -> None:
    declared = {s for s in graph.subjects(RDF.type, None) if isinstance(s, rdflib.URIRef)}
    standard = {t for t in declared if not t.startswith(iris.DEF) and t != ONTOLOGY}
    missing = sorted(t for t in standard if graph.value(t, RDFS.isDefinedBy) is None)
    assert missing == []
    assert len(standard) > 100


def test_every_nhs_class_specialises_a_standard_class(graph: rdflib.Graph) -> None:
    for cls in nhs_classes(graph):
        supers = set(graph.transitive_objects(cls, RDFS.subClassOf))
        assert any(not s.startswith(iris.DEF) for s in supers), cls


def test_every_nhs_property_is_typed_and_placed(graph: rdflib.Graph) -> None:
    kinds = {OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty}
    properties = {t for t in nhs_terms(graph) if set(graph.objects(t, RDF.type)) & kinds}
    assert len(properties) >= 15
    assert (NHS.odsCode, RDFS.subPropertyOf, ORG.identifier) in graph
    assert (NHS.gssCode, RDFS.subPropertyOf, ORG.identifier) in graph
    assert (NHS.succeeds, RDFS.subPropertyOf, DCTERMS.replaces) in graph
    assert (NHS.succeededBy, RDFS.subPropertyOf, DCTERMS.isReplacedBy) in graph
    assert (NHS.succeededBy, OWL.inverseOf, NHS.succeeds) in graph
    assert (NHS.legalBasis, RDFS.subPropertyOf, DCTERMS.references) in graph


ROLES = ["memberPractice", "clusterMember", "partner", "accountableTo", "chiefExecutive"]
ROLES += ["accountableOfficer", "chair", "secretaryOfState"]


@pytest.mark.parametrize("role", ROLES)
def test_roles(graph: rdflib.Graph, role: str) -> None:
    assert (NHS[role], RDF.type, ORG.Role) in graph
    assert (NHS[role], SKOS.inScheme, NHS.Roles) in graph


def test_every_concept_is_in_a_scheme(graph: rdflib.Graph) -> None:
    concepts = {c for c in graph.subjects(RDF.type, SKOS.Concept) if c.startswith(iris.DEF)}
    assert len(concepts) >= 23
    for concept in concepts:
        scheme = graph.value(concept, SKOS.inScheme)
        assert (scheme, RDF.type, SKOS.ConceptScheme) in graph, concept


# --- the contract of docs/terms.md -------------------------------------------------------------------


def terms_md_names() -> set[str]:
    return set(re.findall(r"`nhs:([A-Za-z]+)", TERMS_MD.read_text(encoding="utf-8")))


def test_every_term_of_the_contract_is_defined(graph: rdflib.Graph) -> None:
    names = terms_md_names()
    assert len(names) > 60
    missing = sorted(n for n in names if (NHS[n], RDF.type, None) not in graph)
    assert missing == []


def terms_md_class_rows() -> list[tuple[str, list[str]]]:
    rows = []
    organisations = TERMS_MD.read_text(encoding="utf-8").split("## Organisations")[1].split("\n## ")[0]
    for line in organisations.splitlines():
        match = re.match(r"^\| `nhs:(\w+)` \| (.+?) \|", line)
        if match:
            rows.append((match.group(1), re.findall(r"`(\w+):(\w+)`", match.group(2))))
    return [(name, [f"{p}:{n}" for p, n in supers]) for name, supers in rows]


@pytest.mark.parametrize(("name", "supers"), terms_md_class_rows())
def test_class_super_classes_follow_the_contract(graph: rdflib.Graph, name: str, supers: list[str]) -> None:
    ancestors = set(graph.transitive_objects(NHS[name], RDFS.subClassOf))
    for curie in supers:
        prefix, local = curie.split(":")
        assert rdflib.URIRef(iris.PREFIXES[prefix] + local) in ancestors, (name, curie)


# --- OWL 2 RL ----------------------------------------------------------------------------------------

# Constructs outside OWL 2 RL (or that we do not want): existentials, unions and complements on the right of
# a subclass axiom, cardinalities above 1, property chains and keys (which the materialiser does not apply).
FORBIDDEN = [OWL.someValuesFrom, OWL.unionOf, OWL.complementOf, OWL.minCardinality, OWL.cardinality]
FORBIDDEN += [OWL.propertyChainAxiom, OWL.hasKey, OWL.imports, OWL.oneOf, OWL.sameAs]


def test_stays_within_the_allowed_owl_2_rl_constructs(graph: rdflib.Graph) -> None:
    used = set(graph.predicates())
    assert used.isdisjoint(FORBIDDEN)
    # Every class expression is named: no blank node is a class, a super-class or a range.
    for s, _p, o in graph.triples((None, RDFS.subClassOf, None)):
        assert isinstance(s, rdflib.URIRef) and isinstance(o, rdflib.URIRef)
    for _s, _p, o in graph.triples((None, RDFS.range, None)):
        assert isinstance(o, rdflib.URIRef)


def test_no_datatype_range_outside_the_owl_2_datatype_map(graph: rdflib.Graph) -> None:
    # xsd:date, xsd:gYear and xsd:gYearMonth are not OWL 2 datatypes.
    for _s, _p, o in graph.triples((None, RDFS.range, None)):
        assert o not in {XSD.date, XSD.gYear, XSD.gYearMonth}


def test_body_classes_are_disjoint_except_the_documented_pairs(graph: rdflib.Graph) -> None:
    def disjoint(a: rdflib.URIRef, b: rdflib.URIRef) -> bool:
        if (a, OWL.disjointWith, b) in graph or (b, OWL.disjointWith, a) in graph:
            return True
        for axiom in graph.subjects(RDF.type, OWL.AllDisjointClasses):
            members = list(rdflib.collection.Collection(graph, graph.value(axiom, OWL.members)))
            if a in members and b in members:
                return True
        return False

    assert disjoint(NHS.PrimaryCareOrganisation, NHS.ClinicalCommissioningGroup)
    assert disjoint(NHS.HealthAuthority, NHS.IntegratedCareSystem)
    assert disjoint(NHS.StrategicHealthAuthority, NHS.SustainabilityAndTransformationPartnership)
    assert not disjoint(NHS.PrimaryCareTrust, NHS.CareTrust)
    assert not disjoint(NHS.HealthAuthority, NHS.StrategicHealthAuthority)
    assert not disjoint(NHS.SustainabilityAndTransformationPartnership, NHS.IntegratedCareSystem)


# --- the worked queries of docs/modelling.md ---------------------------------------------------------

EXPECTED = {
    "members-on-a-date": {ID + "practice/P84001", ID + "practice/P84002"},
    "accountable-on-a-date": {ID + "sha/Q31"},
    "predecessors": {ID + "pct/5HH", ID + "pct/5HJ", ID + "pcg/4A123"},
    "successors": {ID + "pct/5HH", ID + "pct/5NT"},
    "office-holders-on-a-date": {ID + "person/john-roe"},
    "sources-of-a-fact": {ID + "source/ods-epcmem-2019-08", ID + "source/web/0123456789abcdef"},
    "bodies-alive-on-a-date": {ID + "pct/5NT", ID + "pct/5NQ", ID + "sha/Q31"},
    "practice-parent-on-a-date": {ID + "ccg/00L"},
}


def documented_queries() -> dict[str, str]:
    blocks = re.findall(r"```sparql\n(.*?)```", MODELLING_MD.read_text(encoding="utf-8"), re.DOTALL)
    queries = {}
    for block in blocks:
        name = re.match(r"# query: ([\w-]+)", block)
        assert name is not None, block[:60]
        queries[name.group(1)] = block
    return queries


@pytest.fixture(scope="module")
def fixture_store() -> OxigraphStore:
    store = OxigraphStore.in_memory()
    for path in ONTOLOGY_FILES:
        store.load_file(path, iris.graph("ontology"))
    store.load_file(FIXTURE, iris.graph("bodies"))
    materialise(store, iris.graph("inferred"))
    return store


def test_every_documented_query_is_checked() -> None:
    assert set(documented_queries()) == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_documented_query_answers(fixture_store: OxigraphStore, name: str) -> None:
    result = fixture_store.query(documented_queries()[name])
    first = result.variables[0]
    rows = list(result.rows())
    assert {row[first].value for row in rows} == EXPECTED[name]
    assert len(rows) == len(EXPECTED[name]) or name == "sources-of-a-fact"


def test_documented_queries_declare_only_standard_or_our_prefixes() -> None:
    known = {v for k, v in iris.PREFIXES.items() if k not in {"id", "sh", "void", "sd"}}
    for name, query in documented_queries().items():
        for namespace in re.findall(r"PREFIX \w+: <([^>]+)>", query):
            assert namespace in known, (name, namespace)
