"""A query job's events and errors on the wire: what a worker sends is what the governor gets back."""

from __future__ import annotations

import json
from multiprocessing import Pipe

import pytest

from service.query.job import (
    Done,
    Head,
    InternalQueryError,
    MalformedQueryError,
    QueryError,
    QueryJob,
    RefusedQueryError,
    UnacceptableFormatError,
    from_wire,
    send_answer,
)
from tests.sparql_fixtures import fixture_store


def received(job: QueryJob) -> list[object]:
    """The events a worker sends for `job`, as the governor reads them (an error raised as its class)."""
    ours, theirs = Pipe()
    send_answer(theirs, fixture_store(), job)
    events: list[object] = []
    while ours.poll(0):
        try:
            events.append(from_wire(ours.recv()))
        except QueryError as exc:
            events.append(exc)
    return events


def test_an_answer_crosses_the_wire_as_head_body_and_done() -> None:
    events = received(QueryJob("ASK { ?s ?p ?o }"))
    assert events == [Head("ask", "json"), b'{"head": {}, "boolean": true}', Done(1, False)]


@pytest.mark.parametrize(
    ("job", "error", "words"),
    [
        (QueryJob("SELECT * WHERE {\n ?s ?p }"), MalformedQueryError, "syntax error"),
        (
            QueryJob("SELECT * WHERE { SERVICE <http://x.example/> { ?s ?p ?o } }"),
            RefusedQueryError,
            "SERVICE",
        ),
        (QueryJob("SELECT * WHERE { ?s ?p ?o }", solution_format=None), UnacceptableFormatError, "SELECT"),
    ],
)
def test_an_error_crosses_the_wire_as_its_own_class(
    job: QueryJob, error: type[QueryError], words: str
) -> None:
    [event] = received(job)
    assert type(event) is error
    assert words in str(event)


def test_an_error_of_a_kind_the_governor_does_not_know_is_internal() -> None:
    with pytest.raises(InternalQueryError, match="something new"):
        from_wire(("error", "SomethingNewError", "something new"))


@pytest.mark.parametrize(("max_rows", "cut"), [(1, True), (10_000, False)])
def test_the_head_says_whether_the_cap_cut_the_answer(max_rows: int, cut: bool) -> None:
    events = received(QueryJob("SELECT * WHERE { ?s ?p ?o }", max_rows=max_rows))
    assert events[0] == Head("select", "json", cut)
    assert isinstance(events[-1], Done) and events[-1].truncated == cut
    assert json.loads(b"".join(e for e in events if isinstance(e, bytes)))["head"]["vars"] == ["s", "p", "o"]
