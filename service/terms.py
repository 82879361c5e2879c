"""RDF terms as plain, immutable values, and their one N-Triples serialisation.

Every writer of ours (SPARQL results, pages, shapes) writes terms through `n3()`; the store hands these
objects out and takes them in, so nothing outside service/store/ sees pyoxigraph's own classes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


# N-Triples escapes: the one serialisation of terms, used by every writer of ours (results, pages, shapes).
# Most terms need none, so a regular expression finds the few that do.
_ECHARS = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}
_LITERAL_ESCAPED = re.compile(r'[\\"\x00-\x1f]')
_IRI_ESCAPED = re.compile(r'[<>"{}|^`\\ \x00-\x1f]')


def _echar(match: re.Match[str]) -> str:
    ch = match.group()
    return _ECHARS.get(ch) or f"\\u{ord(ch):04X}"


def _uchar(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04X}"


def _quoted(text: str) -> str:
    return '"' + _LITERAL_ESCAPED.sub(_echar, text) + '"'


@dataclass(frozen=True, slots=True)
class IRI:
    value: str

    def n3(self) -> str:
        """An IRIREF; the characters N-Triples forbids in one are written as \\u escapes."""
        return "<" + _IRI_ESCAPED.sub(_uchar, self.value) + ">"


@dataclass(frozen=True, slots=True)
class BNode:
    id: str

    @property
    def value(self) -> str:
        return self.id

    @property
    def label(self) -> str:
        """A label valid in N-Triples, Turtle and as an XML name: oxigraph's ids may start with a digit."""
        return self.id if self.id[:1].isalpha() else f"b{self.id}"

    def n3(self) -> str:
        return f"_:{self.label}"


@dataclass(frozen=True, slots=True)
class Literal:
    value: str
    datatype: str = XSD_STRING
    language: str | None = None

    def __post_init__(self) -> None:
        if self.language and self.datatype == XSD_STRING:
            object.__setattr__(self, "datatype", RDF_LANG_STRING)

    def n3(self) -> str:
        if self.language:
            return f"{_quoted(self.value)}@{self.language}"
        if self.datatype == XSD_STRING:
            return _quoted(self.value)
        return f"{_quoted(self.value)}^^{IRI(self.datatype).n3()}"


Term = IRI | BNode | Literal
# A variable's value, or several values (each a solution of an inline VALUES block).
Bindings = Mapping[str, Term | tuple[Term, ...]]
Row = dict[str, Term]


@dataclass(frozen=True, slots=True)
class Triple:
    subject: IRI | BNode
    predicate: IRI
    object: Term
