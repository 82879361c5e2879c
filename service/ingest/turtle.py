"""A deterministic Turtle writer for the converter.

rdflib's serialiser is correct but slow on a few hundred thousand triples, and its blank-node and ordering
choices make diffs noisy. The converter only writes IRIs and literals, so this writer is small: subjects,
predicates and objects sorted, `rdf:type` first, IRIs under our `id/` namespace written relative to `@base`.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from service.iris import ID, PREFIXES

XSD = PREFIXES["xsd"]
RDF_TYPE = PREFIXES["rdf"] + "type"
_LOCAL = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}


@dataclass(frozen=True, order=True)
class Lit:
    """A literal: a language-tagged string, or a lexical form with a datatype (xsd:string if none)."""

    value: str
    datatype: str | None = None
    lang: str | None = None


Obj = str | Lit
Triple = tuple[str, str, Obj]


def en(text: str) -> Lit:
    return Lit(text, lang="en")


def plain(text: str) -> Lit:
    return Lit(text)


def date(iso: str) -> Lit:
    return Lit(iso, XSD + "date")


def integer(value: int) -> Lit:
    return Lit(str(value), XSD + "integer")


def decimal(value: str) -> Lit:
    return Lit(value, XSD + "decimal")


class Triples:
    """A set of triples that remembers nothing but the triples (duplicates fold)."""

    def __init__(self) -> None:
        self._by_subject: dict[str, dict[str, set[Obj]]] = defaultdict(lambda: defaultdict(set))

    def add(self, subject: str, predicate: str, obj: Obj) -> None:
        self._by_subject[subject][predicate].add(obj)

    def __contains__(self, triple: object) -> bool:
        if not isinstance(triple, tuple) or len(triple) != 3:
            return False
        s, p, o = triple
        return o in self._by_subject.get(s, {}).get(p, ())

    def extend(self, triples: Iterable[Triple]) -> None:
        for s, p, o in triples:
            self.add(s, p, o)

    def __len__(self) -> int:
        return sum(len(objs) for preds in self._by_subject.values() for objs in preds.values())

    def __iter__(self) -> Iterator[Triple]:
        for s, preds in self._by_subject.items():
            for p, objs in preds.items():
                for o in objs:
                    yield s, p, o

    def subjects(self) -> list[str]:
        return sorted(self._by_subject)

    def predicates(self, subject: str) -> dict[str, set[Obj]]:
        return self._by_subject[subject]


def _escape(text: str) -> str:
    return "".join(_ESCAPES.get(ch, ch) for ch in text)


class _Namer:
    def __init__(self, prefixes: dict[str, str]) -> None:
        # Longest namespace first, so that `nhs:` wins over a shorter overlapping one.
        self._prefixes = sorted(prefixes.items(), key=lambda kv: -len(kv[1]))

    def iri(self, iri: str) -> str:
        if iri.startswith(ID):
            return f"<{iri[len(ID) :]}>"
        for prefix, ns in self._prefixes:
            if iri.startswith(ns) and _LOCAL.match(iri[len(ns) :]):
                return f"{prefix}:{iri[len(ns) :]}"
        return f"<{iri}>"

    def obj(self, obj: Obj) -> str:
        if isinstance(obj, str):
            return self.iri(obj)
        text = f'"{_escape(obj.value)}"'
        if obj.lang:
            return f"{text}@{obj.lang}"
        if obj.datatype and obj.datatype != XSD + "string":
            return f"{text}^^{self.iri(obj.datatype)}"
        return text


def _sort_key(obj: Obj) -> tuple[int, str, str, str]:
    if isinstance(obj, str):
        return (0, obj, "", "")
    return (1, obj.value, obj.datatype or "", obj.lang or "")


def render(triples: Triples, header: str = "") -> str:
    """Turtle text for the triples, byte-for-byte the same for the same set."""
    namer = _Namer({k: v for k, v in PREFIXES.items() if k != "id"})
    lines = [f"# {line}".rstrip() for line in header.splitlines()]
    lines += [f"@base <{ID}> ."]
    lines += [f"@prefix {p}: <{ns}> ." for p, ns in sorted(PREFIXES.items()) if p != "id"]
    for subject in triples.subjects():
        lines.append("")
        preds = triples.predicates(subject)
        order = sorted(preds, key=lambda p: (p != RDF_TYPE, p))
        parts = []
        for p in order:
            verb = "a" if p == RDF_TYPE else namer.iri(p)
            objs = ", ".join(namer.obj(o) for o in sorted(preds[p], key=_sort_key))
            parts.append(f"    {verb} {objs}")
        lines.append(namer.iri(subject))
        lines.append(" ;\n".join(parts) + " .")
    return "\n".join(lines) + "\n"


def write(path: Path, triples: Triples, header: str = "") -> bool:
    """Write the Turtle file; return whether its content changed (an unchanged file is not touched)."""
    text = render(triples, header)
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
    return True
