"""Namespaces and the builders of every IRI we mint (see docs/uris.md).

Pure functions only: the converter, the shapes tests and the pages all build IRIs here, so a pattern
changes in one place.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

BASE = "https://w3id.org/nhs-commissioning/"
ID = BASE + "id/"
DEF = BASE + "def#"
ONTOLOGY = BASE + "def"
GRAPH = BASE + "graph/"

PREFIXES: dict[str, str] = {
    "nhs": DEF,
    "id": ID,
    "org": "http://www.w3.org/ns/org#",
    "time": "http://www.w3.org/2006/time#",
    "prov": "http://www.w3.org/ns/prov#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "schema": "https://schema.org/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "owl": "http://www.w3.org/2002/07/owl#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "sh": "http://www.w3.org/ns/shacl#",
    "void": "http://rdfs.org/ns/void#",
    "vann": "http://purl.org/vocab/vann/",
    "sd": "http://www.w3.org/ns/sparql-service-description#",
}

_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def slug(text: str) -> str:
    """Lower-case ASCII words joined by '-', accents folded and '&' spelled 'and'."""
    folded = unicodedata.normalize("NFKD", text.replace("&", " and "))
    ascii_text = folded.encode("ascii", "ignore").decode("ascii").lower()
    words = re.findall(r"[a-z0-9]+", ascii_text)
    if not words:
        raise ValueError(f"cannot make a slug of {text!r}")
    return "-".join(words)


def term(name: str) -> str:
    """A term of our ontology."""
    return DEF + name


def graph(name: str) -> str:
    """A named graph of the store."""
    return GRAPH + name


def org(kind: str, key: str) -> str:
    """An organisation, keyed by its kind and ODS code (or name slug where it has no code)."""
    return f"{ID}{kind}/{key}"


def person(name: str) -> str:
    return f"{ID}person/{slug(name)}"


def _path(iri: str) -> str:
    if not iri.startswith(ID):
        raise ValueError(f"not one of our IRIs: {iri}")
    return iri[len(ID) :]


def _day(date: str | None) -> str:
    """An ISO date, or a year-month or year where the source gives no more, as a path segment."""
    if date is None:
        return "unknown"
    if not _DATE.match(date):
        raise ValueError(f"not an ISO date, year-month or year: {date!r}")
    return date


def post(organisation: str, role_slug: str) -> str:
    return f"{organisation}/post/{role_slug}"


def membership(member: str, organisation: str, start: str | None) -> str:
    return f"{member}/membership/{_path(organisation)}/{_day(start)}"


def accountability(body: str, accountable_to: str, start: str | None) -> str:
    return f"{body}/accountability/{_path(accountable_to)}/{_day(start)}"


def holding(holder: str, post_iri: str, start: str | None) -> str:
    return f"{holder}/holding/{_path(post_iri)}/{_day(start)}"


def name_use(organisation: str, start: str | None) -> str:
    return f"{organisation}/name/{_day(start)}"


def gap(body: str, kind_slug: str, start: str) -> str:
    """A known gap in a body's record: what the sources do not say (`kind_slug`) from `start`."""
    return f"{body}/gap/{kind_slug}/{_day(start)}"


def event(date: str, name: str) -> str:
    return f"{ID}event/{_day(date)}/{slug(name)}"


def figure(name: str) -> str:
    return f"{ID}figure/{slug(name)}"


def source(name: str) -> str:
    return f"{ID}source/{slug(name)}"


def web_source(url: str) -> str:
    """A web page as a source; keyed by a hash of its address so that the key never changes."""
    return f"{ID}source/web/{hashlib.sha256(url.strip().encode()).hexdigest()[:16]}"


def interval(start: str | None, end: str | None) -> str:
    return f"{ID}interval/{_day(start)}--{'open' if end is None else _day(end)}"


def instant(date: str) -> str:
    return f"{ID}instant/{_day(date)}"
