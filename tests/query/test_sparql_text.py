"""What the endpoint reads in a query's text: SELECT * columns in the query's order, and syntax errors
in words."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from service.query.sparql_text import readable_syntax_error, select_star_order
from service.store import OxigraphStore, QuerySyntaxError


@pytest.mark.parametrize(
    ("query", "given_order", "expected"),
    [
        ("SELECT * WHERE { ?s ?p ?o }", ["o", "p", "s"], ["s", "p", "o"]),
        ("select distinct * { $b ?a ?c }", ["a", "b", "c"], ["b", "a", "c"]),
        # a name inside an IRI, a string or a comment is not a variable
        (
            'PREFIX x: <http://e/?z> # ?q\nSELECT * { ?b x:p "?a" . ?a x:q ?z }',
            ["a", "b", "z"],
            ["b", "a", "z"],
        ),
        # an explicit projection keeps its own order; a SELECT * inside it does not count
        ("SELECT ?o ?s WHERE { ?s ?p ?o }", ["o", "s"], ["o", "s"]),
        ("SELECT ?x WHERE { { SELECT * WHERE { ?b ?a ?x } } }", ["x"], ["x"]),
        ("# SELECT *\nSELECT ?o ?s WHERE { ?s ?p ?o }", ["o", "s"], ["o", "s"]),
        ("ASK { ?s ?p ?o }", [], []),
    ],
)
def test_select_star_order(query: str, given_order: list[str], expected: list[str]) -> None:
    assert select_star_order(query, given_order) == expected


@given(st.permutations(["alpha", "beta", "gamma", "delta"]))
def test_select_star_order_is_the_order_of_first_appearance(names: list[str]) -> None:
    pattern = " . ".join(f"?{n} <http://e/p> ?{n}" for n in names)
    assert select_star_order(f"SELECT * WHERE {{ {pattern} }}", sorted(names)) == names


def parser_message(query: str) -> str:
    with pytest.raises(QuerySyntaxError) as caught:
        OxigraphStore.in_memory().query(query)
    return str(caught.value)


@pytest.mark.parametrize(
    ("query", "words"),
    [
        (
            "SELECT * WHERE {\n ?s ?p }",
            ["at line 2, column ", "just after '?s ?p }'", "(the end of the query)"],
        ),
        (
            "SELECT ?s WHERE { ?s foo:p ?o }",
            ["at line 1, column 27", "the prefix foo: is not declared", "PREFIX foo:"],
        ),
        (
            "SELEC ?s WHERE { ?s ?p ?o }",
            ["at line 1, column 10, just after 'SELEC ?s '", "expected CONSTRUCT"],
        ),
        (
            "SELECT ?s WHERE { ?s ?p ?o ",
            ["at line 1, column 28", 'expected one of ",", ".", ";", "{"'],
        ),
    ],
)
def test_a_syntax_error_says_where_and_what_in_words(query: str, words: list[str]) -> None:
    message = readable_syntax_error(parser_message(query), query)
    for word in words:
        assert word in message
    assert "\\u{" not in message and "[_]" not in message and len(message) < 200


def test_the_unicode_ranges_become_words() -> None:
    query = "SELECT ?s WHERE { ?s foo:p ?o }"
    raw = parser_message(query)
    assert "\\u{" in raw and len(raw) > 400  # what the parser says
    assert "\\u{" not in readable_syntax_error(raw, query)


def test_positions_are_in_the_users_text_under_a_base_line() -> None:
    query = "SELECT * WHERE {\n ?s ?p }"
    message = readable_syntax_error(parser_message(f"BASE <http://e/>\n{query}"), query, line_offset=1)
    assert message.startswith("at line 2, column ")


def test_another_parsers_message_is_kept_with_its_position_moved() -> None:
    assert (
        readable_syntax_error("SP030: syntax error at 3:4", "", line_offset=1) == "SP030: syntax error at 2:4"
    )
