"""What a user query may do (service/query/policy.py): SERVICE against the allowlist, FROM / FROM NAMED
as the dataset, and the \\u escapes that must not hide either. (tests/web/test_sparql.py covers the same
through the endpoint; these call the functions.)"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from service.query.policy import Dataset, QueryRefusedError, check_query, expand_escapes, resolve_dataset

REMOTE = "http://example.org/sparql"
SERVICE = f"SELECT * WHERE {{ SERVICE <{REMOTE}> {{ ?s ?p ?o }} }}"


@given(st.characters(exclude_categories=("Cs",)))
def test_an_escape_reads_as_the_character_it_names(char: str) -> None:
    assert expand_escapes(f"\\U{ord(char):08X}") == char
    if ord(char) <= 0xFFFF:
        assert expand_escapes(f"a\\u{ord(char):04x}b") == f"a{char}b"


@given(st.text(alphabet=st.characters(exclude_characters="\\")))
def test_text_without_a_backslash_is_left_as_it_is(text: str) -> None:
    assert expand_escapes(text) == text


def test_an_escape_beyond_unicode_is_left_as_written() -> None:
    assert expand_escapes("\\UFFFFFFFF and \\u12") == "\\UFFFFFFFF and \\u12"


def test_a_query_that_names_neither_word_is_not_parsed() -> None:
    # Not SPARQL at all, but with no "service" or "from" in it there is nothing to check.
    assert check_query("SELECT nonsense {{{", []) == Dataset()


@pytest.mark.parametrize(
    "query",
    [
        SERVICE,
        SERVICE.replace("SERVICE", "service"),
        SERVICE.replace("SERVICE", "SERV\\u0049CE"),  # an escape must not hide the keyword
        f"SELECT * WHERE {{ ?s ?p ?o OPTIONAL {{ SERVICE SILENT <{REMOTE}> {{ ?s ?q ?r }} }} }}",
    ],
)
def test_a_service_not_on_the_allowlist_is_refused(query: str) -> None:
    with pytest.raises(QueryRefusedError, match=f"SERVICE <{REMOTE}> is not allowed.*no other endpoint"):
        check_query(query, [])
    assert check_query(query, [REMOTE]) == Dataset()


def test_the_refusal_names_the_endpoints_that_are_allowed() -> None:
    with pytest.raises(QueryRefusedError, match="only federates with <http://a/>, <http://b/>"):
        check_query(SERVICE, ["http://a/", "http://b/"])


def test_a_variable_endpoint_is_refused_even_with_an_allowlist() -> None:
    with pytest.raises(QueryRefusedError, match=r"variable endpoint \(\?where\)"):
        check_query("SELECT * WHERE { SERVICE ?where { ?s ?p ?o } }", [REMOTE])


def test_a_query_that_mentions_service_but_cannot_be_checked_is_refused() -> None:
    with pytest.raises(QueryRefusedError, match="could not be checked"):
        check_query("SELECT * WHERE { SERVICE <http://x/> { ?s ?p ", [REMOTE])
    # The word alone, in a string, is harmless once the query parses.
    assert check_query('SELECT * WHERE { ?s ?p "a service" }', []) == Dataset()


def test_from_and_from_named_name_the_dataset() -> None:
    query = "SELECT * FROM <http://g/1> FROM <http://g/2> FROM NAMED <http://g/3> WHERE { ?s ?p ?o }"
    assert check_query(query, []) == Dataset(("http://g/1", "http://g/2"), ("http://g/3",))
    assert check_query("SELECT * FROM NAMED <http://g/3> { GRAPH ?g { ?s ?p ?o } }", []) == Dataset(
        (), ("http://g/3",)
    )
    # Mentions "from" but does not parse: the store's own parser will report the error.
    assert check_query("SELECT * FROM <http://g/1> WHERE {", []) == Dataset()


def test_the_protocol_dataset_overrides_the_querys_but_not_the_allowlist() -> None:
    query = "SELECT * FROM <http://g/1> WHERE { ?s ?p ?o }"
    assert resolve_dataset(query, [], [], []) == Dataset(("http://g/1",), ())
    assert resolve_dataset(query, [], ["http://g/9"], []) == Dataset(("http://g/9",), ())
    assert resolve_dataset(query, [], [], ["http://g/8"]) == Dataset((), ("http://g/8",))
    with pytest.raises(QueryRefusedError):
        resolve_dataset(SERVICE, [], ["http://g/9"], [])
