"""Streaming writers for query results: solutions, booleans and triples, chunk by chunk.

`QueryResult.serialize` in `service.store` builds the whole answer in memory; these writers take the
rows or triples one at a time, and the row cap stops them part-way. They follow the W3C result formats
(SPARQL JSON, XML, CSV, TSV) and the RDF syntaxes.

An answer the row cap cut says so where its format has a legal place for it, and before its first row:
SPARQL JSON and XML carry TRUNCATED_LINK in the head (`head.link`, `<link href>`: the formats' own place for
"further metadata about the results", which every parser accepts), N-Triples, N-Quads, Turtle and TriG a
comment on their first line; CSV, TSV, JSON-LD and RDF/XML have no such place (the HTTP header
`X-SPARQL-Truncated`, service/web/sparql.py, tells for every format). A marker after the rows would break
strict parsers (pyoxigraph refuses any JSON after the bindings), so a SELECT's rows are written and held
until the writer knows whether the cap cut them, then sent after the head: at most `max_rows` rows are
ever held.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from json.encoder import encode_basestring_ascii as json_string  # what json.dumps quotes with
from typing import Generic, TypeVar
from xml.sax.saxutils import escape, quoteattr

from service import iris
from service.terms import IRI, RDF_LANG_STRING, XSD_STRING, BNode, Literal, Row, Term, Triple

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = IRI(RDF + "type")
T = TypeVar("T")
CHUNK_ROWS = 500
TRUNCATED_LINK = iris.BASE + "sparql#truncated"  # in the head of an answer the row cap cut
_LOCAL_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")
_XML_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9._-]*$")
_TSV_PLAIN = {XSD + "integer": re.compile(r"^[+-]?\d+$"), XSD + "decimal": re.compile(r"^[+-]?\d*\.\d+$")}


class Capped(Generic[T]):
    """Rows (or triples) up to a limit; `truncated` tells, once exhausted, whether more were left."""

    def __init__(self, rows: Iterable[T], limit: int) -> None:
        self._rows = iter(rows)
        self.limit = limit
        self.count = 0
        self.truncated = False

    def __iter__(self) -> Iterator[T]:
        for row in self._rows:
            if self.count >= self.limit:
                self.truncated = True
                return
            self.count += 1
            yield row


def _batched(items: Iterable[str], size: int = CHUNK_ROWS) -> Iterator[bytes]:
    batch: list[str] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield "".join(batch).encode("utf-8")
            batch.clear()
    if batch:
        yield "".join(batch).encode("utf-8")


# --- terms ------------------------------------------------------------------------------------------


def nt_term(term: Term) -> str:
    """A term in N-Triples syntax (also SPARQL TSV's)."""
    return term.n3()


def json_term_text(term: Term) -> str:
    """A term as a SPARQL 1.1 JSON results object (`{"type": "uri", "value": ...}`), written as text,
    the same text `json.dumps` gives for it: this is the JSON writer's inner loop, where json.dumps of
    a dict per term cost as much as the query itself."""
    if isinstance(term, IRI):
        return '{"type": "uri", "value": ' + json_string(term.value) + "}"
    if isinstance(term, BNode):
        return '{"type": "bnode", "value": ' + json_string(term.label) + "}"
    text = '{"type": "literal", "value": ' + json_string(term.value)
    if term.language:
        return text + ', "xml:lang": ' + json_string(term.language) + "}"
    if term.datatype not in (XSD_STRING, RDF_LANG_STRING):
        return text + ', "datatype": ' + json_string(term.datatype) + "}"
    return text + "}"


# --- solutions --------------------------------------------------------------------------------------


def write_solutions(fmt: str, variables: list[str], rows: Capped[Row]) -> Iterator[bytes]:
    """SELECT results in a format named in `store.SOLUTION_FORMATS`: the rows are written and held first,
    so that the head can say whether the cap cut them (see the module's docstring); once this has been
    iterated, `rows.truncated` says so too."""
    body = list(_SOLUTION_ROWS[fmt](variables, rows))
    yield _SOLUTION_HEADS[fmt](variables, rows.truncated)
    yield from body
    if _SOLUTION_TAILS[fmt]:
        yield _SOLUTION_TAILS[fmt]


def write_boolean(fmt: str, value: bool) -> bytes:
    """ASK results; CSV and TSV have no standard boolean form, so they get one `_askResult` column."""
    word = "true" if value else "false"
    if fmt == "json":
        return json.dumps({"head": {}, "boolean": value}).encode()
    if fmt == "xml":
        return (
            '<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">'
            f"<head></head><boolean>{word}</boolean></sparql>\n"
        ).encode()
    if fmt == "csv":
        return f"_askResult\r\n{word}\r\n".encode()
    return f"?_askResult\n{word}\n".encode()


def _json_head(variables: list[str], truncated: bool) -> bytes:
    head: dict[str, list[str]] = {"vars": variables, **({"link": [TRUNCATED_LINK]} if truncated else {})}
    return (json.dumps({"head": head})[:-1] + ', "results": {"bindings": [\n').encode()


def _json_rows(variables: list[str], rows: Capped[Row]) -> Iterator[bytes]:
    lines = (
        ("{" if i == 0 else ",\n{")
        + ", ".join(json_string(k) + ": " + json_term_text(v) for k, v in row.items())
        + "}"
        for i, row in enumerate(rows)
    )
    return _batched(lines)


def _xml_term(term: Term) -> str:
    if isinstance(term, IRI):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, BNode):
        return f"<bnode>{escape(term.label)}</bnode>"
    if term.language:
        return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
    if term.datatype in (XSD_STRING, RDF_LANG_STRING):
        return f"<literal>{escape(term.value)}</literal>"
    return f"<literal datatype={quoteattr(term.datatype)}>{escape(term.value)}</literal>"


def _xml_head(variables: list[str], truncated: bool) -> bytes:
    head = "".join(f"<variable name={quoteattr(v)}/>" for v in variables)
    link = f"<link href={quoteattr(TRUNCATED_LINK)}/>" if truncated else ""
    return (
        '<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">'
        f"<head>{head}{link}</head><results>\n"
    ).encode()


def _xml_rows(variables: list[str], rows: Capped[Row]) -> Iterator[bytes]:
    results = (
        "<result>"
        + "".join(f"<binding name={quoteattr(k)}>{_xml_term(v)}</binding>" for k, v in row.items())
        + "</result>\n"
        for row in rows
    )
    return _batched(results)


def _csv_value(term: Term) -> str:
    if isinstance(term, BNode):
        return f"_:{term.label}"
    return term.value


def _csv_head(variables: list[str], truncated: bool) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(variables)
    return buffer.getvalue().encode("utf-8")


def _csv_rows(variables: list[str], rows: Capped[Row]) -> Iterator[bytes]:
    def lines() -> Iterator[str]:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        for row in rows:
            writer.writerow([_csv_value(row[v]) if v in row else "" for v in variables])
            if buffer.tell() > 65536:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue()

    return (chunk.encode("utf-8") for chunk in lines() if chunk)


def _tsv_value(term: Term) -> str:
    if (
        isinstance(term, Literal)
        and term.datatype in _TSV_PLAIN
        and _TSV_PLAIN[term.datatype].match(term.value)
    ):
        return term.value
    return nt_term(term)


def _tsv_head(variables: list[str], truncated: bool) -> bytes:
    return ("\t".join(f"?{v}" for v in variables) + "\n").encode()


def _tsv_rows(variables: list[str], rows: Capped[Row]) -> Iterator[bytes]:
    return _batched(
        "\t".join(_tsv_value(row[v]) if v in row else "" for v in variables) + "\n" for row in rows
    )


_SOLUTION_HEADS: dict[str, Callable[[list[str], bool], bytes]] = {
    "json": _json_head,
    "xml": _xml_head,
    "csv": _csv_head,
    "tsv": _tsv_head,
}
_SOLUTION_ROWS: dict[str, Callable[[list[str], Capped[Row]], Iterator[bytes]]] = {
    "json": _json_rows,
    "xml": _xml_rows,
    "csv": _csv_rows,
    "tsv": _tsv_rows,
}
_SOLUTION_TAILS = {"json": b"\n]}}\n", "xml": b"</results></sparql>\n", "csv": b"", "tsv": b""}


def graph_note(fmt: str, limit: int) -> bytes:
    """The first line of a graph answer the cap cut, in the formats that have comments (else nothing)."""
    if fmt not in ("ntriples", "nquads", "turtle", "trig"):
        return b""
    return f"# truncated: the endpoint's row cap kept the first {limit} triples of this answer\n".encode()


# --- triples ----------------------------------------------------------------------------------------


def write_triples(fmt: str, triples: Iterable[Triple], prefixes: Mapping[str, str]) -> Iterator[bytes]:
    """CONSTRUCT/DESCRIBE results in a format named in `store.GRAPH_FORMATS`, a chunk at a time.

    TriG and N-Quads carry the triples in the default graph, so they are Turtle and N-Triples here.
    """
    if fmt in ("ntriples", "nquads"):
        return _batched(
            f"{nt_term(t.subject)} {nt_term(t.predicate)} {nt_term(t.object)} .\n" for t in triples
        )
    if fmt in ("turtle", "trig"):
        return _turtle(triples, prefixes)
    if fmt == "jsonld":
        return _jsonld(triples)
    if fmt == "rdfxml":
        return _rdfxml(triples)
    raise KeyError(fmt)


def _turtle_term(term: Term, prefixes: Mapping[str, str]) -> str:
    if isinstance(term, IRI):
        for prefix, namespace in prefixes.items():
            local = term.value[len(namespace) :]
            if term.value.startswith(namespace) and _LOCAL_NAME.match(local):
                return f"{prefix}:{local}"
    return nt_term(term)


def _turtle(triples: Iterable[Triple], prefixes: Mapping[str, str]) -> Iterator[bytes]:
    yield "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in prefixes.items()).encode()

    def statements() -> Iterator[str]:
        subject: Term | None = None
        for t in triples:
            s, o = _turtle_term(t.subject, prefixes), _turtle_term(t.object, prefixes)
            p = "a" if t.predicate == RDF_TYPE else _turtle_term(t.predicate, prefixes)  # `a` is a verb only
            if t.subject == subject:
                yield f" ;\n    {p} {o}"
            else:
                yield f"{' .' if subject is not None else ''}\n{s} {p} {o}"
                subject = t.subject
        if subject is not None:
            yield " .\n"

    yield from _batched(statements())


def jsonld_term(term: Term) -> dict[str, str]:
    if isinstance(term, IRI):
        return {"@id": term.value}
    if isinstance(term, BNode):
        return {"@id": f"_:{term.label}"}
    if term.language:
        return {"@value": term.value, "@language": term.language}
    if term.datatype == XSD_STRING:
        return {"@value": term.value}
    return {"@value": term.value, "@type": term.datatype}


def _jsonld(triples: Iterable[Triple]) -> Iterator[bytes]:
    """Expanded JSON-LD: one node object per triple, which any JSON-LD processor merges by @id."""
    nodes = (
        ("[\n" if i == 0 else ",\n")
        + json.dumps({"@id": jsonld_term(t.subject)["@id"], t.predicate.value: [jsonld_term(t.object)]})
        for i, t in enumerate(triples)
    )
    empty = True
    for chunk in _batched(nodes):
        empty = False
        yield chunk
    yield b"[]\n" if empty else b"\n]\n"


def _rdfxml_property(predicate: IRI, obj: Term) -> str:
    match = _XML_NAME.search(predicate.value)
    if match is None or match.start() == 0:
        raise ValueError(f"the predicate {predicate.value} cannot be written in RDF/XML")
    namespace, local = predicate.value[: match.start()], match.group()
    open_tag = f"<p:{local} xmlns:p={quoteattr(namespace)}"
    if isinstance(obj, IRI):
        return f"{open_tag} rdf:resource={quoteattr(obj.value)}/>"
    if isinstance(obj, BNode):
        return f"{open_tag} rdf:nodeID={quoteattr(obj.label)}/>"
    if obj.language:
        open_tag += f" xml:lang={quoteattr(obj.language)}"
    elif obj.datatype != XSD_STRING:
        open_tag += f" rdf:datatype={quoteattr(obj.datatype)}"
    return f"{open_tag}>{escape(obj.value)}</p:{local}>"


def _rdfxml(triples: Iterable[Triple]) -> Iterator[bytes]:
    yield f'<?xml version="1.0" encoding="utf-8"?>\n<rdf:RDF xmlns:rdf="{RDF}">\n'.encode()

    def descriptions() -> Iterator[str]:
        for t in triples:
            about = (
                f"rdf:about={quoteattr(t.subject.value)}"
                if isinstance(t.subject, IRI)
                else f"rdf:nodeID={quoteattr(t.subject.label)}"
            )
            yield f"<rdf:Description {about}>{_rdfxml_property(t.predicate, t.object)}</rdf:Description>\n"

    yield from _batched(descriptions())
    yield b"</rdf:RDF>\n"
