"""The dataset described in VoID and DCAT: what `/.well-known/void`, `/void` and each `/graph/{name}` say.

One data function (`dataset_view`) gathers what a build published (the manifest, the dumps and their record)
and this host's URLs; the HTML page and the RDF (`dataset_triples`, `graph_triples`) are both made from it.
The dataset is `<{base}dataset>` (the IRI every document names with `void:inDataset`); each named graph is a
`void:subset` of it with its own Turtle dump; each linkset is one property's links into one other dataset.
Counts are of quads, as the whole dump holds them (service/build/statistics.py). A build without dumps
(older than them, or a remote backend) is described from its manifest alone: no dumps, no linksets.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib import metadata

from service import __version__, iris
from service.build.dumps import Dump, Published
from service.build.statistics import TARGETS, ClassPartition, Linkset, Target
from service.terms import IRI, BNode, Literal, Triple
from service.web.pages.document import DATASET

VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"
DCTERMS = "http://purl.org/dc/terms/"
SPDX = "http://spdx.org/rdf/terms#"
PROV = "http://www.w3.org/ns/prov#"
FOAF = "http://xmlns.com/foaf/0.1/"
OWL = "http://www.w3.org/2002/07/owl#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
FORMATS = "http://www.w3.org/ns/formats/"
IANA = "https://www.iana.org/assignments/media-types/"
RDF_TYPE = IRI("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
PREFIXES = {
    "void": VOID,
    "dcat": DCAT,
    "dcterms": DCTERMS,
    "spdx": SPDX,
    "prov": PROV,
    "foaf": FOAF,
    "owl": OWL,
    "rdfs": RDFS,
    "xsd": XSD,
    "formats": FORMATS,
    "nhs": iris.DEF,
}
DATA_LICENCE = "http://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
CODE_LICENCE = "https://spdx.org/licenses/MIT"
TITLE = "NHS commissioning knowledge graph"
SYNTAX = {"application/n-quads": "N-Quads", "text/turtle": "Turtle"}


@dataclass(frozen=True)
class Links:
    """This host's URLs that the description names (RDF keeps canonical IRIs for everything else)."""

    sparql: str
    description: str  # the VoID document (/.well-known/void)
    dump: Callable[[str], str]  # a dump's file under dumps/ -> its download URL


@dataclass(frozen=True)
class Download:
    dump: Dump
    url: str


@dataclass(frozen=True)
class GraphView:
    iri: str
    name: str  # the path after graph/ (what /graph/{name} answers for)
    triples: int
    download: Download | None


@dataclass(frozen=True)
class DatasetView:
    iri: str
    uri_space: str
    summary: str
    key: str
    built: str
    triples: int
    graphs: tuple[GraphView, ...]
    whole: Download | None
    classes: tuple[ClassPartition, ...]
    properties: dict[str, int]
    linksets: tuple[Linkset, ...]
    links: Links

    def graph(self, name: str) -> GraphView | None:
        return next((g for g in self.graphs if g.name == name), None)

    def targets(self) -> list[Target]:
        linked = {link.target for link in self.linksets}
        return [t for t in TARGETS if t.key in linked]


def _graph_name(graph: str) -> str:
    return graph.removeprefix(iris.GRAPH) if graph.startswith(iris.GRAPH) else graph


def _int_table(value: object) -> dict[str, int]:
    return {str(k): int(v) for k, v in value.items()} if isinstance(value, dict) else {}


def dataset_view(
    base: str, manifest: dict[str, object], published: Published | None, links: Links
) -> DatasetView:
    """What the build published, with this host's URLs: the one source of the page and of its RDF."""
    counts = _int_table(manifest.get("graphs"))

    def download(dump: Dump | None) -> Download | None:
        return Download(dump, links.dump(dump.file)) if dump else None

    graphs = tuple(
        GraphView(g, _graph_name(g), n, download(published.of_graph(g) if published else None))
        for g, n in sorted(counts.items())
    )
    if published is not None:
        classes, properties = published.statistics.classes, published.statistics.properties
    else:  # the manifest counts instances only
        instances = _int_table(manifest.get("classes"))
        classes = tuple(ClassPartition(c, n, -1) for c, n in sorted(instances.items()))
        properties = {}
    return DatasetView(
        iri=base + DATASET,
        uri_space=base + "id/",
        summary=metadata.metadata("nhskg")["Summary"],
        key=str(manifest.get("key", "unknown")),
        built=str(manifest.get("built", "")),
        triples=int(str(manifest.get("triples", sum(counts.values())))),
        graphs=graphs,
        whole=download(published.whole() if published else None),
        classes=classes,
        properties=properties,
        linksets=published.statistics.linksets if published else (),
        links=links,
    )


def _t(s: IRI | BNode, p: str, o: IRI | BNode | Literal) -> Triple:
    return Triple(s, IRI(p), o)


def _count(n: int) -> Literal:
    return Literal(str(n), XSD + "integer")


def _when(view: DatasetView) -> Literal:
    return Literal(view.built, XSD + "dateTime")


def dataset_triples(view: DatasetView) -> list[Triple]:
    """The VoID and DCAT description of the whole dataset, its subsets, linksets and provenance."""
    d = IRI(view.iri)
    triples = [
        _t(IRI(view.links.description), RDF_TYPE.value, IRI(VOID + "DatasetDescription")),
        _t(IRI(view.links.description), FOAF + "primaryTopic", d),
        _t(d, RDF_TYPE.value, IRI(VOID + "Dataset")),
        _t(d, RDF_TYPE.value, IRI(DCAT + "Dataset")),
        _t(d, DCTERMS + "title", Literal(TITLE, language="en")),
        _t(d, DCTERMS + "description", Literal(view.summary, language="en")),
        _t(d, DCTERMS + "license", IRI(DATA_LICENCE)),
        _t(d, VOID + "uriSpace", Literal(view.uri_space)),
        _t(d, VOID + "vocabulary", IRI(iris.ONTOLOGY)),
        _t(d, VOID + "sparqlEndpoint", IRI(view.links.sparql)),
        _t(d, VOID + "triples", _count(view.triples)),
        _t(d, VOID + "classes", _count(len(view.classes))),
        *_versions(view, d),
        *_classes(view, d),
        *_properties(view, d),
    ]
    if view.whole is not None:
        triples += [
            _t(d, VOID + "dataDump", IRI(view.whole.url)),
            _t(d, VOID + "feature", IRI(FORMATS + "N-Quads")),
            _t(d, VOID + "feature", IRI(FORMATS + "Turtle")),
            *_distribution(d, IRI(view.iri + "#nquads"), view.whole, "The whole dataset"),
        ]
    for graph in view.graphs:
        triples += [_t(d, VOID + "subset", IRI(graph.iri)), *_subset(view, graph)]
    return triples + [*_linksets(view, d)]


def graph_triples(view: DatasetView, graph: GraphView) -> list[Triple]:
    """A named graph's description: the subset, its dump, the dataset it belongs to."""
    d = IRI(view.iri)
    return [
        _t(d, VOID + "subset", IRI(graph.iri)),
        _t(d, RDFS + "seeAlso", IRI(view.links.description)),
        *_subset(view, graph),
    ]


def _versions(view: DatasetView, d: IRI) -> Iterator[Triple]:
    """The build (its key, its time) and the software that made it, with the code's licence."""
    build, software = IRI(view.iri + "#build"), IRI(view.iri + "#software")
    yield _t(d, OWL + "versionInfo", Literal(view.key))
    yield _t(d, DCAT + "version", Literal(view.key))
    if view.built:
        yield _t(d, DCTERMS + "modified", _when(view))
        yield _t(d, DCTERMS + "issued", _when(view))
        yield _t(build, PROV + "endedAtTime", _when(view))
    yield _t(d, PROV + "wasGeneratedBy", build)
    yield _t(build, RDF_TYPE.value, IRI(PROV + "Activity"))
    yield _t(build, RDFS + "label", Literal(f"nhskg build {view.key}"))
    yield _t(build, PROV + "wasAssociatedWith", software)
    yield _t(software, RDF_TYPE.value, IRI(PROV + "SoftwareAgent"))
    yield _t(software, RDFS + "label", Literal("nhskg"))
    yield _t(software, OWL + "versionInfo", Literal(__version__))
    yield _t(software, DCTERMS + "license", IRI(CODE_LICENCE))


def _classes(view: DatasetView, d: IRI) -> Iterator[Triple]:
    for i, c in enumerate(view.classes):
        partition = BNode(f"class{i}")
        yield _t(d, VOID + "classPartition", partition)
        yield _t(partition, VOID + "class", IRI(c.cls))
        yield _t(partition, VOID + "entities", _count(c.entities))
        if c.triples >= 0:
            yield _t(partition, VOID + "triples", _count(c.triples))


def _properties(view: DatasetView, d: IRI) -> Iterator[Triple]:
    if view.properties:
        yield _t(d, VOID + "properties", _count(len(view.properties)))
    for i, (p, n) in enumerate(sorted(view.properties.items())):
        partition = BNode(f"property{i}")
        yield _t(d, VOID + "propertyPartition", partition)
        yield _t(partition, VOID + "property", IRI(p))
        yield _t(partition, VOID + "triples", _count(n))


def _subset(view: DatasetView, graph: GraphView) -> Iterator[Triple]:
    g = IRI(graph.iri)
    yield _t(g, RDF_TYPE.value, IRI(VOID + "Dataset"))
    yield _t(g, RDF_TYPE.value, IRI(DCAT + "Dataset"))
    yield _t(g, DCTERMS + "title", Literal(f"Named graph {graph.name}", language="en"))
    yield _t(g, DCTERMS + "isPartOf", IRI(view.iri))
    yield _t(g, DCTERMS + "license", IRI(DATA_LICENCE))
    yield _t(g, VOID + "triples", _count(graph.triples))
    yield _t(g, VOID + "sparqlEndpoint", IRI(view.links.sparql))
    if graph.download is not None:
        yield _t(g, VOID + "dataDump", IRI(graph.download.url))
        yield _t(g, VOID + "feature", IRI(FORMATS + "Turtle"))
        yield from _distribution(g, IRI(graph.iri + "#turtle"), graph.download, f"Named graph {graph.name}")


def _distribution(dataset: IRI, node: IRI, download: Download, what: str) -> Iterator[Triple]:
    """A dcat:Distribution with its download URL, media type (and compression), size and sha256."""
    dump = download.dump
    checksum = BNode(f"sha256-{node.value.rsplit('/', 1)[-1].replace('#', '-')}")
    syntax = SYNTAX.get(dump.media_type, dump.media_type)
    yield _t(dataset, DCAT + "distribution", node)
    yield _t(node, RDF_TYPE.value, IRI(DCAT + "Distribution"))
    compressed = ", gzipped" if dump.compression else ""
    yield _t(node, DCTERMS + "title", Literal(f"{what} as {syntax}{compressed}", language="en"))
    yield _t(node, DCAT + "downloadURL", IRI(download.url))
    yield _t(node, DCAT + "accessURL", IRI(download.url))
    yield _t(node, DCAT + "mediaType", IRI(IANA + dump.media_type))
    if dump.compression:
        yield _t(node, DCAT + "compressFormat", IRI(IANA + dump.compression))
    yield _t(node, DCAT + "byteSize", Literal(str(dump.bytes), XSD + "nonNegativeInteger"))
    yield _t(node, DCTERMS + "license", IRI(DATA_LICENCE))
    yield _t(node, SPDX + "checksum", checksum)
    yield _t(checksum, RDF_TYPE.value, IRI(SPDX + "Checksum"))
    yield _t(checksum, SPDX + "algorithm", IRI(SPDX + "checksumAlgorithm_sha256"))
    yield _t(checksum, SPDX + "checksumValue", Literal(dump.sha256, XSD + "hexBinary"))


def linkset_iri(view: DatasetView, link: Linkset) -> str:
    local = link.predicate.rstrip("/#").rsplit("/", 1)[-1].rsplit("#", 1)[-1]
    return f"{view.iri}#links-{link.target}-{iris.slug(local)}"


def _linksets(view: DatasetView, d: IRI) -> Iterator[Triple]:
    for t in view.targets():
        target = IRI(f"{view.iri}#{t.key}")
        yield _t(target, RDF_TYPE.value, IRI(VOID + "Dataset"))
        yield _t(target, DCTERMS + "title", Literal(t.title, language="en"))
        yield _t(target, FOAF + "homepage", IRI(t.homepage))
        if len(t.spaces) == 1:
            yield _t(target, VOID + "uriSpace", Literal(t.spaces[0]))
        else:
            pattern = "^(" + "|".join(s.replace(".", "\\.") for s in t.spaces) + ")"
            yield _t(target, VOID + "uriRegexPattern", Literal(pattern))
    for link in view.linksets:
        node = IRI(linkset_iri(view, link))
        yield _t(d, VOID + "subset", node)
        yield _t(node, RDF_TYPE.value, IRI(VOID + "Linkset"))
        yield _t(node, VOID + "subjectsTarget", d)
        yield _t(node, VOID + "objectsTarget", IRI(f"{view.iri}#{link.target}"))
        yield _t(node, VOID + "linkPredicate", IRI(link.predicate))
        yield _t(node, VOID + "triples", _count(link.triples))
