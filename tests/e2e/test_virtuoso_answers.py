"""Our own queries give the same answers on Virtuoso as on the embedded store.

Every named query under service/queries (pages, coverage), with the values the pages bind, and the
competency questions of docs/competency-questions.md (the examples, service/queries/examples/) run
against a real Virtuoso (with the Virtuoso dialect's parameters) and against the embedded store, both
loaded from the same `nhskg dump` of the test data (tests/virtuoso_fixtures.py); their SPARQL JSON
results must be equal, row for row (in order where the query orders them, as multisets where it does not).
The engine bugs that user queries can still meet are in docs/backends.md, each an xfail test here with its
reason.

On the real data (where plans differ, and a query can be slow on one engine only):
`python -m tests.e2e.test_virtuoso_answers FILE.nq` with a `nhskg dump` of the build; it prints each case and
exits 1 when any differs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from service import iris, queries
from service.store import OxigraphStore, QueryResult, RemoteStore, bind_values
from service.store.dialect import VIRTUOSO, our_graphs
from service.store.remote import GRAPH_ACCEPT, accept_for
from service.terms import IRI, Bindings, Literal, Term
from tests.e2e.test_competency import QUESTIONS, Question
from tests.engines import virtuoso
from tests.engines.virtuoso import post_query
from tests.virtuoso_fixtures import LoadedVirtuoso

pytestmark = pytest.mark.e2e

XSD = "http://www.w3.org/2001/XMLSchema#"
NAMED = ("pages", "coverage")  # the examples are the competency questions, compared below
ID, NHS = iris.ID, iris.DEF


def _id(path: str) -> IRI:
    return IRI(ID + path)


# The values the pages and the coverage table bind, on things of the test data (tests/data/pages).
BINDINGS: dict[str, list[Bindings]] = {
    "pages/events": [{"this": _id("pct/5NT")}, {"this": _id("ccg/14L")}],
    "pages/exists": [{"this": _id("pct/5NT")}, {"this": _id("pct/NOPE")}],
    "pages/incoming": [{"this": _id("pct/5NT")}, {"this": _id("sha/Q31")}],
    "pages/incoming_count": [{"this": _id("pct/5NT")}],
    "pages/labels": [{"this": _id("practice/P84004/membership/pct/5NT/2006-10-01")}],
    "pages/succession": [
        {"b": (_id("ccg/14L"),)},
        {"b": (_id("ccg/00W"), _id("ccg/01M"))},
        {"a": (_id("pct/5NT"),)},
    ],
    "pages/members": [{"this": _id("pct/5NT")}, {"this": _id("ccg/14L")}],
    "pages/outgoing": [{"this": _id("pct/5NT")}, {"this": _id("practice/P84010")}],
    "pages/relations": [{"this": _id("pct/5NT")}, {"this": _id("person/jane-example")}],
    "pages/sources": [{"this": _id("pct/5NT")}, {"this": _id("ccg/00W")}],
    "coverage/bodies": [
        {"kind": IRI(NHS + "PrimaryCareTrust")},
        {"kind": (IRI(NHS + "ClinicalCommissioningGroup"), IRI(NHS + "GPPractice"))},
    ],
    "coverage/gaps_of": [{"this": _id("pct/5NT")}],
}
# Queries that are only meaningful with their values bound (LIMIT 1 of everything has no one answer).
BOUND_ONLY = {"pages/labels", "pages/incoming"}
# GROUP_CONCAT joins its values in no defined order; the reader (coverage.parse_spans) sorts them.
UNORDERED_CONCATS = {"spans"}
# One value, two spellings: xsd:boolean's lexical space has 1 and 0 too, and Virtuoso writes those.
BOOLEAN_VALUES = {"1": "true", "0": "false"}


def named_queries() -> list[tuple[str, str]]:
    """(id, query text) for every named query, unbound and with each set of values the table gives."""
    cases = []
    for folder in NAMED:
        for path in sorted((queries.FOLDER / folder).glob("*.rq")):
            name = f"{folder}/{path.stem}"
            if name not in BOUND_ONLY:
                cases.append((name, queries.text(name)))
            for n, values in enumerate(BINDINGS.get(name, [])):
                cases.append((f"{name}[{n}]", bind_values(queries.text(name), values)))
    return cases


def canonical_term(term: Mapping[str, str] | None) -> tuple[str, ...]:
    """A term as the SPARQL JSON results give it, whatever the engine's spelling: Virtuoso's older
    "typed-literal", xsd:string left out or written, language tags in any case, blank nodes by kind."""
    if term is None:
        return ()
    kind = term["type"]
    if kind == "bnode":
        return ("bnode",)
    if kind == "uri":
        return ("uri", term["value"])
    if "xml:lang" in term:
        return ("literal", term["value"], "lang", term["xml:lang"].lower())
    datatype = term.get("datatype", XSD + "string")
    if datatype == XSD + "boolean":
        return ("literal", BOOLEAN_VALUES.get(term["value"], term["value"]), datatype)
    return ("literal", term["value"], datatype)


def canonical_cell(name: str, term: Mapping[str, str] | None) -> tuple[str, ...]:
    if name in UNORDERED_CONCATS and term is not None:
        term = {**term, "value": " ".join(sorted(term["value"].split(" ")))}
    return canonical_term(term)


def canonical(result: Mapping[str, Any], ordered: bool) -> object:
    """A result to compare: the boolean, the triples (a CONSTRUCT's, in no order), or the rows (in order
    where the query orders them)."""
    if "boolean" in result:
        return result["boolean"]
    if "triples" in result:
        return Counter(tuple(canonical_term(t) for t in triple) for triple in result["triples"])
    names = result["head"]["vars"]
    rows = [tuple(canonical_cell(n, row.get(n)) for n in names) for row in result["results"]["bindings"]]
    return (names, rows) if ordered else (names, Counter(rows))


def as_json_term(term: Term) -> dict[str, str]:
    """One of our terms as the SPARQL JSON results write it, for `canonical_term`."""
    if isinstance(term, IRI):
        return {"type": "uri", "value": term.value}
    if isinstance(term, Literal):
        tag = {"xml:lang": term.language} if term.language else {"datatype": term.datatype}
        return {"type": "literal", "value": term.value, **tag}
    return {"type": "bnode", "value": ""}


def triples_of(result: QueryResult) -> dict[str, Any]:
    triples = result.triples()
    return {"triples": [[as_json_term(t) for t in (t.subject, t.predicate, t.object)] for t in triples]}


def on_virtuoso(server: LoadedVirtuoso, query: str) -> dict[str, Any]:
    if accept_for(query) == GRAPH_ACCEPT:  # a CONSTRUCT: through our store, which reads graph answers
        store = RemoteStore(server.sparql, VIRTUOSO, graphs=server.graphs)
        try:
            return triples_of(store.query(query))
        finally:
            store.close()
    answer = post_query(server.sparql, query, VIRTUOSO.query_params(server.graphs, timeout=60))
    assert VIRTUOSO.answer_error(answer.status, answer.headers) is None, "a partial answer"
    return answer.body


def on_embedded(store: OxigraphStore, query: str) -> dict[str, Any]:
    answer = store.query(query)
    if answer.kind == "graph":
        return triples_of(answer)
    result: dict[str, Any] = json.loads(answer.serialize("json"))
    return result


def assert_same_answer(server: LoadedVirtuoso, store: OxigraphStore, query: str) -> None:
    ordered = "ORDER BY" in query.upper()
    expected = canonical(on_embedded(store, query), ordered)
    assert canonical(on_virtuoso(server, query), ordered) == expected


NAMED_CASES = named_queries()


@pytest.mark.parametrize(("name", "query"), NAMED_CASES, ids=[name for name, _ in NAMED_CASES])
def test_each_named_query_answers_the_same_on_virtuoso(
    virtuoso_server: LoadedVirtuoso, embedded_store: OxigraphStore, name: str, query: str
) -> None:
    assert_same_answer(virtuoso_server, embedded_store, query)


@pytest.mark.parametrize("question", QUESTIONS, ids=[f"Q{q.number}" for q in QUESTIONS])
def test_each_competency_question_answers_the_same_on_virtuoso(
    virtuoso_server: LoadedVirtuoso, embedded_store: OxigraphStore, question: Question
) -> None:
    assert_same_answer(virtuoso_server, embedded_store, question.query)


def _finds_something(answer: Mapping[str, Any]) -> bool:
    if "triples" in answer:
        return bool(answer["triples"])
    return bool(answer["boolean"]) if "boolean" in answer else bool(answer["results"]["bindings"])


def test_the_test_data_gives_the_comparison_something_to_compare(embedded_store: OxigraphStore) -> None:
    # Equal empty answers prove nothing: most queries must find something in the test data.
    named = [name for name, query in NAMED_CASES if _finds_something(on_embedded(embedded_store, query))]
    asked = [q.number for q in QUESTIONS if _finds_something(on_embedded(embedded_store, q.query))]
    assert len(named) >= 0.8 * len(NAMED_CASES), sorted({n for n, _ in NAMED_CASES} - set(named))
    assert len(asked) >= 15


# --- the engine's bugs that a user's own query still meets (docs/backends.md) ---------------------------

CCG = f"<{ID}ccg/14L>"
PREFIXES = """PREFIX schema: <https://schema.org/>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
PREFIX nhs: <https://w3id.org/nhs-commissioning/def#>
"""
# (what, a user's query, why Virtuoso answers it wrongly): each a line of docs/backends.md.
USERS_QUERIES = [
    (
        "an inclusive upper bound on dates",
        'SELECT ?body WHERE { ?body schema:foundingDate ?day FILTER (?day <= "2006-10-01"^^xsd:date) }',
        "Virtuoso 7.2.5 drops rows from ?day <= D when it plans a range scan of the dates (6 of 10 bodies"
        " here; 1,603 of 14,154 on the real data); !(?day > D), or < the day after, returns them all",
    ),
    (
        "the same bound written the other way round",
        'SELECT ?rel WHERE { ?rel schema:startDate ?day FILTER ("2006-10-01"^^xsd:date >= ?day) }',
        "Virtuoso 7.2.5: D >= ?day is the same range scan as ?day <= D, and drops rows the same way",
    ),
    (
        "a boolean from EXISTS",
        "SELECT ?body ?coded WHERE { ?body a nhs:PrimaryCareTrust BIND (EXISTS { ?body nhs:odsCode ?c }"
        " AS ?coded) }",
        "Virtuoso 7.2.5 has no boolean values: true and EXISTS come back as 1 or 0 typed xsd:integer"
        " (xsd:boolean(...) keeps the type, written 1 or 0)",
    ),
    (
        "a property path from a VALUES-bound start",
        f"SELECT ?before WHERE {{ VALUES ?body {{ {CCG} }} ?body nhs:succeeds+ ?before }}",
        "Virtuoso 7.2.5 refuses it with an error 500, 'transitive start not given'; the start written in"
        " the path itself works",
    ),
    (
        "a property path's nodes once each",
        f"SELECT ?before WHERE {{ {CCG} nhs:succeeds+ ?before }}",
        "Virtuoso 7.2.5 gives a node that p+ reaches by several paths once per path (SPARQL 1.1 gives each"
        " once); SELECT DISTINCT gives each once",
    ),
    (
        "ORDER BY over IRIs and literals",
        'SELECT ?v WHERE { VALUES ?v { "unmarked" nhs:Stated nhs:Inferred } } ORDER BY ?v',
        "Virtuoso 7.2.5 does not put IRIs before literals in ORDER BY, as SPARQL 1.1 (section 15.1) does",
    ),
]


@pytest.mark.parametrize(
    "query",
    [
        pytest.param(PREFIXES + query, id=name, marks=pytest.mark.xfail(strict=True, reason=reason))
        for name, query, reason in USERS_QUERIES
    ],
)
def test_a_users_query_meets_virtuosos_bugs(
    virtuoso_server: LoadedVirtuoso, embedded_store: OxigraphStore, query: str
) -> None:
    assert_same_answer(virtuoso_server, embedded_store, query)


DAY = dt.date(2006, 10, 1)
# The day after, computed here and bound as a value (never spliced into the text).
AFTER_DAY: Bindings = {"after": Literal((DAY + dt.timedelta(days=1)).isoformat(), XSD + "date")}
WORKAROUNDS: dict[str, tuple[str, Bindings]] = {
    "not after": (
        f'SELECT ?body WHERE {{ ?body schema:foundingDate ?day FILTER (!(?day > "{DAY}"^^xsd:date)) }}',
        {},
    ),
    "before the day after": (
        "SELECT ?body WHERE { ?body schema:foundingDate ?day FILTER (?day < ?after) }",
        AFTER_DAY,
    ),
    "a property path from its start itself, DISTINCT": (
        f"SELECT DISTINCT ?before WHERE {{ {CCG} nhs:succeeds+ ?before }}",
        {},
    ),
    "a boolean cast": (
        "SELECT ?body ?coded WHERE { ?body a nhs:PrimaryCareTrust"
        " BIND (xsd:boolean(EXISTS { ?body nhs:odsCode ?c }) AS ?coded) }",
        {},
    ),
}


@pytest.mark.parametrize("name", WORKAROUNDS)
def test_the_documented_workarounds_answer_the_same_on_virtuoso(
    virtuoso_server: LoadedVirtuoso, embedded_store: OxigraphStore, name: str
) -> None:
    query, values = WORKAROUNDS[name]
    text = bind_values(PREFIXES + query, values) if values else PREFIXES + query
    assert_same_answer(virtuoso_server, embedded_store, text)


# --- on the real data ------------------------------------------------------------------------------------


def real_data_cases() -> list[tuple[str, str]]:
    """The competency questions, and the named queries as the pages call them (bound where they bind)."""
    named = [(name, query) for name, query in NAMED_CASES if name not in BINDINGS]
    return [(f"Q{q.number}", q.query) for q in QUESTIONS] + named


def compare_on(dump: Path) -> int:
    """Load `dump` into Virtuoso and into an embedded store, print each case's verdict; how many differ."""
    store = OxigraphStore.from_dump(dump)
    differ = 0
    with virtuoso.virtuoso(dump) as server:
        loaded = LoadedVirtuoso(server, dump, tuple(our_graphs(store.graphs())))
        print(f"Virtuoso {server.version}: {server.quads} quads loaded in {server.load_seconds:.1f} s")
        for name, query in real_data_cases():
            try:
                assert_same_answer(loaded, store, query)
                verdict = "same"
            except (AssertionError, OSError) as exc:  # OSError: urllib's errors and timeouts
                differ += 1
                verdict = f"DIFFERENT: {str(exc).splitlines()[0][:200]}"
            print(f"{name}: {verdict}", flush=True)
    return differ


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.e2e.test_virtuoso_answers", description=__doc__)
    parser.add_argument("dump", type=Path, help="a `nhskg dump --out FILE.nq` of the build")
    differ = compare_on(parser.parse_args(argv).dump)
    print(f"{differ} case(s) differ")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
