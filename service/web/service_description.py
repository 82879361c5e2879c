"""The SPARQL service description (sd:Service) as a graph, with VoID statistics.

Built from the build's manifest (triples per named graph, things per class) as plain triples, then
written by the same streaming writers as query results.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from service import iris
from service.config import Settings
from service.query.writers import write_triples
from service.terms import IRI, BNode, Literal, Triple

SD = "http://www.w3.org/ns/sparql-service-description#"
VOID = "http://rdfs.org/ns/void#"
FORMATS = "http://www.w3.org/ns/formats/"
RDF_TYPE = IRI("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
RDFS_SEE_ALSO = "http://www.w3.org/2000/01/rdf-schema#seeAlso"
XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"
RESULT_FORMATS = (
    "SPARQL_Results_JSON",
    "SPARQL_Results_XML",
    "SPARQL_Results_CSV",
    "SPARQL_Results_TSV",
    "Turtle",
    "N-Triples",
    "JSON-LD",
    "RDF_XML",
    "TriG",
    "N-Quads",
)
DESCRIPTION_PREFIXES = {"sd": SD, "void": VOID, "formats": FORMATS, "dcterms": "http://purl.org/dc/terms/"}


def _count(n: int) -> Literal:
    return Literal(str(n), XSD_INTEGER)


def _service(service: IRI, endpoint: str, settings: Settings) -> Iterator[Triple]:
    yield Triple(service, RDF_TYPE, IRI(SD + "Service"))
    yield Triple(service, IRI(SD + "endpoint"), IRI(endpoint))
    yield Triple(service, IRI(SD + "supportedLanguage"), IRI(SD + "SPARQL11Query"))
    for name in RESULT_FORMATS:
        yield Triple(service, IRI(SD + "resultFormat"), IRI(FORMATS + name))
    yield Triple(service, IRI(SD + "feature"), IRI(SD + "UnionDefaultGraph"))
    if settings.service_allowlist:
        yield Triple(service, IRI(SD + "feature"), IRI(SD + "BasicFederatedQuery"))
    yield Triple(service, IRI("http://purl.org/dc/terms/title"), Literal("NHS commissioning knowledge graph"))


def _default_graph(graph: BNode, total: int, classes: Mapping[str, int]) -> Iterator[Triple]:
    yield Triple(graph, RDF_TYPE, IRI(SD + "Graph"))
    yield Triple(graph, RDF_TYPE, IRI(VOID + "Dataset"))
    yield Triple(graph, IRI(VOID + "triples"), _count(total))
    yield Triple(graph, IRI(VOID + "classes"), _count(len(classes)))
    for i, (cls, n) in enumerate(sorted(classes.items())):
        partition = BNode(f"class{i}")
        yield Triple(graph, IRI(VOID + "classPartition"), partition)
        yield Triple(partition, IRI(VOID + "class"), IRI(cls))
        yield Triple(partition, IRI(VOID + "entities"), _count(n))


def _named_graph(i: int, name: str, triples: int) -> Iterator[Triple]:
    named, graph = BNode(f"named{i}"), BNode(f"graph{i}")
    yield Triple(named, RDF_TYPE, IRI(SD + "NamedGraph"))
    yield Triple(named, IRI(SD + "name"), IRI(name))
    yield Triple(named, IRI(SD + "graph"), graph)
    yield Triple(graph, RDF_TYPE, IRI(SD + "Graph"))
    yield Triple(graph, IRI(VOID + "triples"), _count(triples))


def describe(
    endpoint: str,
    settings: Settings,
    graph_counts: Mapping[str, int],
    manifest: Mapping[str, object],
    void_url: str | None = None,
) -> list[Triple]:
    """The sd:Service at `endpoint`: languages, formats, features, the default dataset and its graphs.

    The default dataset is our dataset, `<{base}dataset>`, which `void_url` (/.well-known/void) describes
    in VoID and DCAT (its dumps, partitions and linksets): `rdfs:seeAlso` there.

    The default graph is the union of the named graphs; its void:triples is the sum over them (a triple
    in two graphs counts twice) and its class partitions count distinct instances, as the build did.
    """
    service, dataset, default = (
        IRI(endpoint + "#service"),
        IRI(settings.canonical_base + "dataset"),
        BNode("default"),
    )
    classes = manifest.get("classes")
    class_counts = {str(k): int(v) for k, v in classes.items()} if isinstance(classes, dict) else {}
    triples = [*_service(service, endpoint, settings)]
    triples += [
        Triple(service, IRI(SD + "defaultDataset"), dataset),
        Triple(dataset, RDF_TYPE, IRI(SD + "Dataset")),
        Triple(dataset, IRI(SD + "defaultGraph"), default),
    ]
    if void_url is not None:
        triples.append(Triple(dataset, IRI(RDFS_SEE_ALSO), IRI(void_url)))
    triples += _default_graph(default, sum(graph_counts.values()), class_counts)
    for i, (name, n) in enumerate(sorted(graph_counts.items())):
        triples.append(Triple(dataset, IRI(SD + "namedGraph"), BNode(f"named{i}")))
        triples += _named_graph(i, name, n)
    return triples


def serialize(triples: list[Triple], fmt: str) -> Iterator[bytes]:
    return write_triples(fmt, triples, {**DESCRIPTION_PREFIXES, "nhs": iris.DEF})
