"""Real SPARQL clients that nobody here wrote, each asking a live endpoint and reading its answer its own way.

Every client gives back an `Answer`: the columns, the rows as our own terms, and whether the answer said it
was cut (None when the client has no way to see it). The e2e client matrix (tests/e2e/test_clients.py)
compares them with the store's own answer. Jena's remote client is a JVM run from Debian's
`libapache-jena-java`; `jena_classpath` finds it or says why it cannot.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import urllib.parse
import urllib.request
import zipfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.dom import minidom

import pyoxigraph as ox
import rdflib
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, N3, TSV, XML, SPARQLWrapper

from service.store.results import to_term
from service.terms import IRI, XSD_STRING, BNode, Literal, Term

TRUNCATED_LINK = "https://w3id.org/nhs-commissioning/sparql#truncated"
SOLUTION_TYPES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}
RESULTS_NS = "http://www.w3.org/2005/sparql-results#"
XSD_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"
Row = tuple[Term | None, ...]


@dataclass(frozen=True)
class Answer:
    """A SELECT answer (columns and rows) or an ASK answer (no columns, one row holding the boolean)."""

    columns: list[str]
    rows: list[Row]
    cut: bool | None  # None: this client cannot see whether the answer was cut
    boolean: bool | None = None


def _truncated_header(headers: Mapping[str, str]) -> bool | None:
    value = {k.lower(): v for k, v in headers.items()}.get("x-sparql-truncated")
    return None if value is None else value.strip() == "true"


# --- terms as each client gives them ----------------------------------------------------------------


def from_json_term(term: Mapping[str, str] | None) -> Term | None:
    if term is None:
        return None
    if term["type"] == "uri":
        return IRI(term["value"])
    if term["type"] == "bnode":
        return BNode(term["value"])
    return Literal(term["value"], term.get("datatype", XSD_STRING), term.get("xml:lang"))


def from_rdflib(term: object) -> Term | None:
    if term is None:
        return None
    if isinstance(term, rdflib.URIRef):
        return IRI(str(term))
    if isinstance(term, rdflib.BNode):
        return BNode(str(term))
    assert isinstance(term, rdflib.Literal)  # noqa: S101 - rdflib's three kinds of term
    return Literal(str(term), str(term.datatype or XSD_STRING), term.language)


def _from_xml_binding(binding: minidom.Element) -> Term:
    node = next(n for n in binding.childNodes if n.nodeType == n.ELEMENT_NODE)
    assert isinstance(node, minidom.Element)  # noqa: S101 - the first element child
    text = "".join(t.data for t in node.childNodes if t.nodeType == t.TEXT_NODE)
    if node.localName == "uri":
        return IRI(text)
    if node.localName == "bnode":
        return BNode(text)
    language = node.getAttribute("xml:lang") or None
    return Literal(text, node.getAttribute("datatype") or XSD_STRING, language)


def from_json_document(data: Mapping[str, Any], cut: bool | None) -> Answer:
    if "boolean" in data:
        return Answer([], [], cut, bool(data["boolean"]))
    columns = list(data["head"]["vars"])
    rows = [tuple(from_json_term(b.get(c)) for c in columns) for b in data["results"]["bindings"]]
    linked = TRUNCATED_LINK in data["head"].get("link", [])
    return Answer(columns, rows, linked if cut is None else cut and linked)


def from_xml_document(document: minidom.Document, cut: bool | None) -> Answer:
    columns = [v.getAttribute("name") for v in document.getElementsByTagNameNS(RESULTS_NS, "variable")]
    links = [v.getAttribute("href") for v in document.getElementsByTagNameNS(RESULTS_NS, "link")]
    linked = TRUNCATED_LINK in links
    booleans = document.getElementsByTagNameNS(RESULTS_NS, "boolean")
    if booleans:
        return Answer([], [], cut, booleans[0].firstChild.data.strip() == "true")  # type: ignore[union-attr]
    rows = []
    for result in document.getElementsByTagNameNS(RESULTS_NS, "result"):
        bound = {
            b.getAttribute("name"): _from_xml_binding(b)
            for b in result.getElementsByTagNameNS(RESULTS_NS, "binding")
        }
        rows.append(tuple(bound.get(c) for c in columns))
    return Answer(columns, rows, linked if cut is None else cut and linked)


def from_pyoxigraph(parsed: ox.QuerySolutions | ox.QueryBoolean, cut: bool | None) -> Answer:
    if isinstance(parsed, ox.QueryBoolean):
        return Answer([], [], cut, bool(parsed))
    columns = [v.value for v in parsed.variables]
    rows = [tuple(None if s[c] is None else to_term(s[c]) for c in columns) for s in parsed]
    if columns == ["_askResult"]:  # TSV has no boolean form: an ASK answer is this one-cell table (as Jena's)
        return Answer([], [], cut, rows[0][0] == Literal("true", XSD_BOOLEAN))
    return Answer(columns, rows, cut)


def from_csv(text: str, cut: bool | None) -> Answer:
    """CSV keeps lexical forms only: every value comes back as a plain literal, compared as such."""
    import csv
    import io

    lines = list(csv.reader(io.StringIO(text)))
    columns, body = lines[0], lines[1:]
    if columns == ["_askResult"]:
        return Answer([], [], cut, body[0][0] == "true")
    return Answer(columns, [tuple(Literal(v) if v else None for v in r) for r in body], cut)


# --- the clients --------------------------------------------------------------------------------------


def pyoxigraph_client(endpoint: str, query: str, fmt: str) -> Answer:
    """A plain HTTP GET, its body read by pyoxigraph's own results parser (what Oxigraph users build on)."""
    url = f"{endpoint}?{urllib.parse.urlencode({'query': query})}"
    request = urllib.request.Request(url, headers={"Accept": SOLUTION_TYPES[fmt]})  # noqa: S310 - http only
    with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
        body, cut = response.read(), _truncated_header(dict(response.headers))
    formats = {
        "json": ox.QueryResultsFormat.JSON,
        "xml": ox.QueryResultsFormat.XML,
        "tsv": ox.QueryResultsFormat.TSV,
    }
    return from_pyoxigraph(ox.parse_query_results(body, formats[fmt]), cut)


def rdflib_client(endpoint: str, query: str, fmt: str) -> Answer:
    """rdflib's SPARQLStore, in its default XML or in JSON; it shows no headers."""
    store = SPARQLStore(endpoint, returnFormat=fmt, method="POST_FORM")
    try:
        result = store.query(query)
        if result.type == "ASK":
            return Answer([], [], None, bool(result.askAnswer))
        columns = [str(v) for v in result.vars or []]
        rows = [tuple(from_rdflib(row[c]) for c in columns) for row in result]  # type: ignore[index]
        return Answer(columns, rows, None)
    finally:
        store.close()


def sparqlwrapper_client(endpoint: str, query: str, fmt: str) -> Answer:
    """SPARQLWrapper: JSON and XML as it converts them, CSV and TSV as the bytes it hands over."""
    client = SPARQLWrapper(endpoint)
    client.setQuery(query)
    client.setReturnFormat({"json": JSON, "xml": XML, "csv": CSV, "tsv": TSV}[fmt])
    response = client.query()
    cut = _truncated_header(dict(response.response.headers))
    converted = response.convert()
    if fmt == "json":
        return from_json_document(converted, cut)  # type: ignore[arg-type]
    if fmt == "xml":
        return from_xml_document(converted, cut)  # type: ignore[arg-type]
    text = converted.decode("utf-8")  # type: ignore[union-attr]
    if fmt == "csv":
        return from_csv(text, cut)
    parsed = ox.parse_query_results(text.encode(), ox.QueryResultsFormat.TSV)
    return from_pyoxigraph(parsed, cut)


def sparqlwrapper_graph(endpoint: str, query: str, fmt: str) -> tuple[rdflib.Graph, bool | None]:
    """A CONSTRUCT through SPARQLWrapper in N-Triples or Turtle, parsed by rdflib."""
    client = SPARQLWrapper(endpoint)
    client.setQuery(query)
    client.setReturnFormat(N3)  # SPARQLWrapper has no N-Triples: its Accept header is replaced below, and
    client.setOnlyConneg(True)  # it must not send format=n3 too, which outweighs Accept (as in Virtuoso)
    client.addCustomHttpHeader("Accept", {"turtle": "text/turtle", "ntriples": "application/n-triples"}[fmt])
    response = client.query()
    body = response.response.read()
    graph = rdflib.Graph()
    graph.parse(data=body, format={"turtle": "turtle", "ntriples": "nt"}[fmt])
    return graph, _truncated_header(dict(response.response.headers))


# --- Apache Jena ARQ's remote client ------------------------------------------------------------------

JENA_PACKAGE = "libapache-jena-java"


def jena_classpath(work: Path) -> str | None:
    """The classpath of Debian's Jena and its dependencies, or None when Jena or java is not installed.

    Debian's jena 4.5.0-2 moves the XML Schema datatype classes it shades to `xerces.*` but leaves their
    message bundles under `org/apache/jena/ext/xerces/`, so that ARQ fails to start ("internal error" in
    XSSimpleTypeDecl); the bundles are copied to where those classes look, in a jar in `work`, first on
    the path.
    """
    if shutil.which("java") is None or shutil.which("dpkg-query") is None:
        return None
    jars = _package_jars(JENA_PACKAGE)
    core = next((j for j in jars if j.name == "jena-core.jar"), None)
    if core is None:
        return None
    depends = subprocess.run(  # noqa: S603 - fixed arguments
        ["dpkg-query", "-W", "-f=${Depends}", JENA_PACKAGE],
        capture_output=True,
        text=True,
        check=True,  # noqa: S607
    ).stdout
    for name in (d.split()[0] for d in depends.split(",") if d.strip()):
        jars += [j for j in _package_jars(name) if "slf4j" not in j.name]
    bundles = work / "jena-bundles.jar"  # a jar, not a folder: the JVM's class-data archive wants jars
    with zipfile.ZipFile(core) as archive, zipfile.ZipFile(bundles, "w") as moved:
        for member in archive.namelist():
            if member.startswith("org/apache/jena/ext/xerces/") and member.endswith(".properties"):
                moved.writestr(member.removeprefix("org/apache/jena/ext/"), archive.read(member))
    logging = [Path("/usr/share/java/slf4j-api.jar"), Path("/usr/share/java/slf4j-nop.jar")]
    return ":".join(str(p) for p in [bundles, *jars, *logging])


def _package_jars(package: str) -> list[Path]:
    listed = subprocess.run(["dpkg", "-L", package], capture_output=True, text=True, check=False)  # noqa: S603, S607
    return [
        Path(line)
        for line in listed.stdout.splitlines()
        if line.startswith("/usr/share/java/")
        and line.endswith(".jar")
        and not any(c.isdigit() for c in Path(line).name)
    ]


def jena_client(classpath: str, work: Path) -> Callable[[str, str, str], Answer]:
    """`arq.rsparql` asking `endpoint?output=FMT` (so the server answers in FMT, which Jena parses), and
    writing what it read as SPARQL JSON, which is read back here. It shows no headers. The JVM starts
    with C1 only and a class-data archive written by its first run: a third of the CPU per query."""
    archive = work / "jena-classes.jsa"

    def ask(endpoint: str, query: str, fmt: str) -> Answer:
        query_file = work / "query.rq"
        query_file.write_text(query, encoding="utf-8")
        service = f"{endpoint}?{urllib.parse.urlencode({'output': fmt})}"
        share = (
            f"-XX:SharedArchiveFile={archive}" if archive.exists() else f"-XX:ArchiveClassesAtExit={archive}"
        )
        java = ["java", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", share, "-cp", classpath]
        command = [
            *java,
            "arq.rsparql",
            "--service",
            service,
            "--query",
            str(query_file),
            "--results",
            "json",
        ]
        done = subprocess.run(command, capture_output=True, check=False, timeout=300)  # noqa: S603
        if done.returncode != 0 or b"{" not in done.stdout:
            said = (done.stderr + done.stdout).decode(errors="replace")[-2000:]
            raise RuntimeError(f"rsparql failed ({done.returncode}): {said}")
        text = done.stdout.decode("utf-8")  # the run that writes the class-data archive says so after it
        answer = from_json_document(json.JSONDecoder().raw_decode(text[text.index("{") :])[0], None)
        return Answer(answer.columns, answer.rows, None, answer.boolean)

    return ask


CLIENTS: dict[str, Sequence[str]] = {
    "pyoxigraph": ("json", "xml", "tsv"),
    "rdflib": ("xml", "json"),
    "sparqlwrapper": ("json", "xml", "csv", "tsv"),
    "jena": ("json", "xml", "csv", "tsv"),
}
