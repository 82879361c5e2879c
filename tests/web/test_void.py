"""The VoID and DCAT description (service/web/void.py) of a built fixture project, parsed with rdflib and
queried with SPARQL."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from rdflib import Graph

from service.build import builder, dumps
from service.query.writers import write_triples
from service.web import void
from tests.void_fixtures import void_project

BASE = "https://w3id.org/nhs-commissioning/"
HOST = "http://host.example"
LINKS = void.Links(f"{HOST}/sparql", f"{HOST}/.well-known/void", lambda file: f"{HOST}/dumps/{file}")
PREFIXES = """
PREFIX void: <http://rdfs.org/ns/void#>
PREFIX dcat: <http://www.w3.org/ns/dcat#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX spdx: <http://spdx.org/rdf/terms#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return builder.build(void_project(tmp_path_factory.mktemp("void"))).path


def _graph(triples: list[void.Triple]) -> Graph:
    return Graph().parse(data=b"".join(write_triples("turtle", triples, void.PREFIXES)), format="turtle")


@pytest.fixture(scope="module")
def view(built: Path) -> void.DatasetView:
    return void.dataset_view(BASE, builder.read_manifest(built), dumps.load_published(built), LINKS)


@pytest.fixture(scope="module")
def description(view: void.DatasetView) -> Graph:
    return _graph(void.dataset_triples(view))


def rows(graph: Graph, query: str) -> list[tuple[str, ...]]:
    return sorted(tuple(str(v) for v in row) for row in graph.query(PREFIXES + query))  # type: ignore[union-attr]


def test_the_dataset_names_its_space_endpoint_dump_size_and_licence(built: Path, description: Graph) -> None:
    manifest = builder.read_manifest(built)
    found = rows(
        description,
        """SELECT ?space ?endpoint ?dump ?triples ?licence WHERE {
             ?d a void:Dataset, dcat:Dataset ; void:uriSpace ?space ; void:sparqlEndpoint ?endpoint ;
                void:dataDump ?dump ; void:triples ?triples ; dcterms:license ?licence }""",
    )
    assert found == [
        (
            BASE + "id/",
            f"{HOST}/sparql",
            f"{HOST}/dumps/nhs-commissioning.nq.gz",
            str(manifest["triples"]),
            "http://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
        )
    ]


def test_each_distribution_has_its_media_type_size_and_sha256(built: Path, description: Graph) -> None:
    published = dumps.load_published(built)
    assert published is not None
    found = rows(
        description,
        """SELECT ?url ?media ?size ?sum WHERE {
             ?x dcat:distribution [ dcat:downloadURL ?url ; dcat:mediaType ?media ; dcat:byteSize ?size ;
               spdx:checksum [ spdx:algorithm spdx:checksumAlgorithm_sha256 ;
                               spdx:checksumValue ?sum ] ] }""",
    )
    iana = "https://www.iana.org/assignments/media-types/"
    expected = [
        (f"{HOST}/dumps/{d.file}", iana + d.media_type, str(d.bytes), d.sha256) for d in published.dumps
    ]
    assert found == sorted(expected)
    gzipped = rows(description, "SELECT ?c WHERE { ?x dcat:compressFormat ?c }")
    assert gzipped == [(iana + "application/gzip",)]


def test_every_named_graph_is_a_subset_with_its_triples_and_dump(built: Path, description: Graph) -> None:
    graphs = builder.read_manifest(built)["graphs"]
    assert isinstance(graphs, dict)
    found = rows(
        description,
        "SELECT ?g ?n ?dump WHERE { ?d void:subset ?g . ?g void:triples ?n ; void:dataDump ?dump }",
    )
    assert found == sorted((g, str(n), f"{HOST}/dumps/{dumps.graph_file(g)}") for g, n in graphs.items())


def test_linksets_name_their_predicate_target_and_count(description: Graph) -> None:
    found = rows(
        description,
        """SELECT ?predicate ?space ?n WHERE {
             ?d void:subset ?l . ?l a void:Linkset ; void:subjectsTarget ?d ; void:linkPredicate ?predicate ;
                void:objectsTarget ?t ; void:triples ?n . OPTIONAL { ?t void:uriSpace ?space } }""",
    )
    assert (
        "http://www.w3.org/2000/01/rdf-schema#seeAlso",
        "https://directory.spineservices.nhs.uk/ORD/",
        "2",
    ) in found
    assert (
        "http://purl.org/dc/terms/spatial",
        "http://statistics.data.gov.uk/id/statistical-geography/",
        "1",
    ) in found
    legislation = rows(
        description,
        """SELECT ?n ?pattern WHERE {
             ?l void:linkPredicate <https://w3id.org/nhs-commissioning/def#legalBasis> ;
                void:triples ?n ; void:objectsTarget [ void:uriRegexPattern ?pattern ] }""",
    )
    assert legislation == [
        ("2", "^(http://www\\.legislation\\.gov\\.uk/|https://www\\.legislation\\.gov\\.uk/)")
    ]


def test_class_and_property_partitions_carry_their_counts(view: void.DatasetView, description: Graph) -> None:
    pct = rows(
        description,
        """SELECT ?entities ?triples WHERE { ?d void:classPartition [
             void:class <https://w3id.org/nhs-commissioning/def#PrimaryCareTrust> ;
             void:entities ?entities ; void:triples ?triples ] }""",
    )
    partition = next(c for c in view.classes if c.cls.endswith("#PrimaryCareTrust"))
    assert pct == [("2", str(partition.triples))]
    labels = rows(
        description,
        """SELECT ?n WHERE { ?d void:propertyPartition [
             void:property <http://www.w3.org/2000/01/rdf-schema#label> ; void:triples ?n ] }""",
    )
    assert labels == [(str(view.properties["http://www.w3.org/2000/01/rdf-schema#label"]),)]


def test_versions_dates_and_the_codes_licence(built: Path, description: Graph) -> None:
    manifest = builder.read_manifest(built)
    found = rows(
        description,
        """SELECT ?key ?modified ?issued ?version ?code WHERE {
             ?d a void:Dataset ; owl:versionInfo ?key ; dcterms:modified ?modified ; dcterms:issued ?issued ;
                prov:wasGeneratedBy/prov:wasAssociatedWith ?software .
             ?software owl:versionInfo ?version ; dcterms:license ?code }""",
    )
    # rdflib reads the xsd:dateTime and writes it back as `+00:00` for `Z`.
    built_at = (
        dt.datetime.strptime(str(manifest["built"]), "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC).isoformat()
    )
    assert found == [
        (str(manifest["key"]), built_at, built_at, str(manifest["version"]), "https://spdx.org/licenses/MIT")
    ]


def test_a_build_without_dumps_is_described_from_its_manifest(built: Path) -> None:
    manifest = builder.read_manifest(built)
    bare = _graph(void.dataset_triples(void.dataset_view(BASE, manifest, None, LINKS)))
    assert rows(bare, "SELECT ?x WHERE { ?x void:dataDump ?d }") == []
    assert rows(bare, "SELECT ?x WHERE { ?x a void:Linkset }") == []
    assert rows(bare, "SELECT (COUNT(?g) AS ?n) WHERE { ?d void:subset ?g . ?g void:triples ?t }") == [
        (str(len(manifest["graphs"])),)  # type: ignore[arg-type]
    ]


def test_a_graphs_description_names_its_dataset_and_its_dump(view: void.DatasetView) -> None:
    graph = view.graph("links")
    assert graph is not None
    described = _graph(void.graph_triples(view, graph))
    found = rows(
        described,
        "SELECT ?d ?dump WHERE { ?d void:subset ?g . ?g void:dataDump ?dump ; dcterms:isPartOf ?d }",
    )
    assert found == [(BASE + "dataset", f"{HOST}/dumps/graph/links.ttl")]
