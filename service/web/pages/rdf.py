"""Writers for the RDF of a page: Turtle, N-Triples, JSON-LD and RDF/XML from a list of triples.

A page's RDF is a few hundred triples built by the same data function as its HTML; these writers turn that
list into each format without a round trip through a store. Output is deterministic (sorted).
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from xml.sax.saxutils import escape, quoteattr

from service import iris
from service.query.writers import jsonld_term
from service.terms import IRI, XSD_STRING, BNode, Literal, Term, Triple

RDF = iris.PREFIXES["rdf"]
_LOCAL = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")
_XML_NAME = re.compile(r"^(.*[/#])([A-Za-z_][A-Za-z0-9_.-]*)$")


def _sorted(triples: list[Triple]) -> list[Triple]:
    unique = set(triples)
    return sorted(
        unique,
        key=lambda t: (t.subject.value, t.predicate.value != RDF + "type", t.predicate.value, t.object.value),
    )


def ntriples(triples: list[Triple]) -> str:
    return "".join(f"{t.subject.n3()} {t.predicate.n3()} {t.object.n3()} .\n" for t in _sorted(triples))


def _short(iri: str, prefixes: list[tuple[str, str]]) -> str:
    for prefix, ns in prefixes:
        if iri.startswith(ns) and _LOCAL.match(iri[len(ns) :]):
            return f"{prefix}:{iri[len(ns) :]}"
    return IRI(iri).n3()


def turtle(triples: list[Triple]) -> str:
    prefixes = sorted(iris.PREFIXES.items(), key=lambda kv: -len(kv[1]))
    lines = [f"@prefix {p}: <{ns}> ." for p, ns in sorted(iris.PREFIXES.items())]
    by_subject: dict[Term, list[Triple]] = defaultdict(list)
    for t in _sorted(triples):
        by_subject[t.subject].append(t)

    def term(value: Term) -> str:
        if isinstance(value, IRI):
            return _short(value.value, prefixes)
        if isinstance(value, Literal) and not value.language and value.datatype != XSD_STRING:
            return f"{Literal(value.value).n3()}^^{_short(value.datatype, prefixes)}"
        return value.n3()

    for subject, group in by_subject.items():
        parts = []
        for t in group:
            verb = "a" if t.predicate.value == RDF + "type" else term(t.predicate)
            parts.append(f"    {verb} {term(t.object)}")
        lines.append(f"\n{term(subject)}\n" + " ;\n".join(parts) + " .")
    return "\n".join(lines) + "\n"


def jsonld(triples: list[Triple]) -> str:
    """Expanded JSON-LD (full IRIs, no context to fetch): what every JSON-LD processor reads as is."""
    nodes: dict[str, dict[str, list[object]]] = defaultdict(lambda: defaultdict(list))
    for t in _sorted(triples):
        node = nodes[jsonld_term(t.subject)["@id"]]
        if t.predicate.value == RDF + "type" and isinstance(t.object, IRI):
            node["@type"].append(t.object.value)
        else:
            node[t.predicate.value].append(jsonld_term(t.object))
    graph = [{"@id": s, **props} for s, props in nodes.items()]
    return json.dumps(graph, indent=1, ensure_ascii=False)


def jsonld_context() -> dict[str, object]:
    """The published context (served at /context.jsonld): our prefixes, nothing else, so that every key of
    a compact document reads as the CURIE a SPARQL user writes (`rdfs:label`, `nhs:odsCode`)."""
    return {"@context": dict(sorted(iris.PREFIXES.items()))}


def _compact_iri(iri: str) -> str:
    """`prefix:rest` under the longest namespace of the context, else the IRI as it is. A suffix that is
    empty or begins `//` would not expand back (JSON-LD 1.1, IRI Expansion), so it is left whole."""
    for prefix, ns in _BY_LENGTH:
        rest = iri[len(ns) :]
        if iri.startswith(ns) and rest and not rest.startswith("//"):
            return f"{prefix}:{rest}"
    return iri


_BY_LENGTH = sorted(iris.PREFIXES.items(), key=lambda kv: -len(kv[1]))


def _compact_term(term: Term) -> object:
    if isinstance(term, IRI):
        return {"@id": _compact_iri(term.value)}
    if isinstance(term, BNode):
        return {"@id": f"_:{term.label}"}
    if term.language:
        return {"@value": term.value, "@language": term.language}
    if term.datatype == XSD_STRING:
        return term.value
    return {"@value": term.value, "@type": _compact_iri(term.datatype)}


def compact_jsonld(triples: list[Triple], context_url: str) -> str:
    """Compact JSON-LD against the published context at `context_url` (see `jsonld_context`): CURIEs for
    keys, types and node IRIs, one value without an array, a plain string for an xsd:string."""
    nodes: dict[str, dict[str, list[object]]] = defaultdict(lambda: defaultdict(list))
    for t in _sorted(triples):
        subject = t.subject.value if isinstance(t.subject, IRI) else f"_:{t.subject.label}"
        node = nodes[subject]
        if t.predicate.value == RDF + "type" and isinstance(t.object, IRI):
            node["@type"].append(_compact_iri(t.object.value))
        else:
            node[_compact_iri(t.predicate.value)].append(_compact_term(t.object))
    graph = [
        {"@id": _compact_iri(s) if not s.startswith("_:") else s}
        | {key: values[0] if len(values) == 1 else values for key, values in props.items()}
        for s, props in nodes.items()
    ]
    return json.dumps({"@context": context_url, "@graph": graph}, indent=1, ensure_ascii=False)


def embeddable_jsonld(triples: list[Triple]) -> str:
    """JSON-LD safe inside <script type="application/ld+json">: no `</` can close the element early."""
    return jsonld(triples).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def rdfxml(triples: list[Triple]) -> str:
    namespaces: dict[str, str] = {RDF: "rdf"}
    body = []
    by_subject: dict[Term, list[Triple]] = defaultdict(list)
    for t in _sorted(triples):
        by_subject[t.subject].append(t)
    for subject, group in by_subject.items():
        about = (
            f"rdf:nodeID={quoteattr(subject.label)}"
            if isinstance(subject, BNode)
            else f"rdf:about={quoteattr(subject.value)}"
        )
        body.append(f"  <rdf:Description {about}>")
        for t in group:
            match = _XML_NAME.match(t.predicate.value)
            if match is None:
                raise ValueError(f"cannot write {t.predicate.value} as an XML name")
            ns, local = match.groups()
            prefix = namespaces.setdefault(ns, f"ns{len(namespaces)}")
            body.append("    " + _xml_property(f"{prefix}:{local}", t.object))
        body.append("  </rdf:Description>")
    decls = " ".join(f"xmlns:{p}={quoteattr(ns)}" for ns, p in namespaces.items())
    return f'<?xml version="1.0" encoding="utf-8"?>\n<rdf:RDF {decls}>\n' + "\n".join(body) + "\n</rdf:RDF>\n"


def _xml_property(tag: str, term: Term) -> str:
    """One property element: a reference to a node, or a literal with its language or datatype."""
    if isinstance(term, IRI):
        return f"<{tag} rdf:resource={quoteattr(term.value)}/>"
    if isinstance(term, BNode):
        return f"<{tag} rdf:nodeID={quoteattr(term.label)}/>"
    attrs = ""
    if term.language:
        attrs = f" xml:lang={quoteattr(term.language)}"
    elif term.datatype != XSD_STRING:
        attrs = f" rdf:datatype={quoteattr(term.datatype)}"
    # A parser reads a bare carriage return as a newline: written as a character reference, it stays.
    return f"<{tag}{attrs}>{escape(term.value, {chr(13): '&#13;'})}</{tag}>"


WRITERS = {"turtle": turtle, "ntriples": ntriples, "jsonld": jsonld, "rdfxml": rdfxml}


def serialize(triples: list[Triple], fmt: str) -> str:
    return WRITERS[fmt](triples)
