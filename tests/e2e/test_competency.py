"""The competency questions of docs/competency-questions.md, run against a live server on the real data.

Each question's query is its file in service/queries/examples/ (the query editor's examples), which the
document shows; the answer block is compared exactly with the canonical form of the endpoint's result for
that file. After a change to the data or to a query file, `python -m tests.e2e.test_competency --write`
regenerates every query block from its file and every answer from the data (on a live server, as the test
runs it); review the diff before committing it. `--in-memory` does the same on a
store loaded in this process without the build's validation, for local work while the data does not conform.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from SPARQLWrapper import JSON, SPARQLWrapper

from service.web.examples import Example, examples
from tests.engines import virtuoso
from tests.engines.oxigraph_server import backend_args
from tests.live import LiveServer, live_server
from tests.remote_fixtures import RealBackend
from tests.virtuoso_fixtures import LoadedVirtuoso

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "competency-questions.md"
SEPARATOR = " | "

QUESTION = re.compile(
    r"^### Q(?P<number>\d+)\. (?P<text>.+?)\n"
    r"(?P<between>.*?)"
    r"^```sparql\n(?P<query>.*?)^```\n"
    r"\s*^Answer:\n\s*"
    r"^```text\n(?P<answer>.*?)^```$",
    re.MULTILINE | re.DOTALL,
)

# The seeds' own figures, each as text that an answer of the "Seed figures" section must contain.
SEED_FIGURES = {
    "303 PCTs before October 2006": "2006-09-30 | 303",
    "152 PCTs after": "2006-10-01 | 152",
    "151 PCTs in December 2010": "2010-12-17 | 151",
    "28 SHAs in 2002-2006": "2006-06-30 | 28",
    "10 SHAs after": "2006-07-01 | 10",
    "Greater Manchester cluster": "/pct-cluster/nhs-greater-manchester | 10 | 10",
    "Tees cluster": "/pct-cluster/tees-cluster | 4 | 4",
    "North West London cluster": "/pct-cluster/nhs-north-west-london | 8 | 8",
    "581 in 1999": "1999 | 581",
    "331 in 2002": "2002 | 331",
    "162 in 2006": "2006 | 162",
    "62 in 2011": "2011 | 62",
    **{f"stand-alone PCT {code}": f"{code} | " for code in ("5N9", "5NE", "5NV", "5P5", "5PQ", "5PT", "5QV")},
}


@dataclass(frozen=True)
class Question:
    number: int
    text: str
    shown: str  # the query as the document shows it: its file's body, unless the two have drifted apart
    answer: str
    span: tuple[int, int]  # where the answer block's content sits in the document
    query_span: tuple[int, int]  # where the query block's content sits
    example: Example  # its file in service/queries/examples/, which is what runs

    @property
    def query(self) -> str:
        return self.example.query


def numbered_examples() -> dict[int, Example]:
    return {e.number: e for e in examples() if e.number is not None}


def questions(text: str) -> list[Question]:
    """The document's questions, each with its example file (KeyError: a question without one)."""
    found, files = [], numbered_examples()
    for match in QUESTION.finditer(text):
        if "```" in match["between"]:
            raise ValueError(f"Q{match['number']}: a code block between the heading and the query")
        number = int(match["number"])
        found.append(
            Question(
                number,
                match["text"],
                match["query"],
                match["answer"],
                match.span("answer"),
                match.span("query"),
                files[number],
            )
        )
    return found


def canonical_term(term: Mapping[str, str] | None) -> str:
    """An IRI in full, a literal as its lexical form, a blank node as `_:id`, an unbound value as nothing."""
    if term is None:
        return ""
    if term["type"] == "bnode":
        return f"_:{term['value']}"
    return term["value"]


def canonical(result: Mapping[str, Any]) -> str:
    """The text of an answer block for a SPARQL JSON result: `true`/`false`, or one line per row."""
    if "boolean" in result:
        return "true\n" if result["boolean"] else "false\n"
    names = result["head"]["vars"]
    lines = [
        SEPARATOR.join(canonical_term(row.get(name)) for name in names).rstrip()
        for row in result["results"]["bindings"]
    ]
    return "".join(f"{line}\n" for line in lines)


def ask_endpoint(endpoint: str, query: str) -> dict[str, Any]:
    client = SPARQLWrapper(endpoint)
    client.setReturnFormat(JSON)
    client.setMethod("POST")
    client.setQuery(query)
    result = client.queryAndConvert()
    assert isinstance(result, dict)
    return result


def server_env() -> dict[str, str]:
    """The repository's own data, and its build cache so a build is reused between runs."""
    return {"NHSKG_ROOT": str(ROOT), "NHSKG_CACHE_DIR": str(ROOT / ".cache")}


def in_memory_answerer() -> Callable[[str], dict[str, Any]]:
    """Answer queries from a store loaded and materialised here, skipping the build's validation."""
    from service import config, iris
    from service.build import builder as build
    from service.build import reasoning
    from service.store import OxigraphStore

    store = OxigraphStore.in_memory()
    build.load_files(store, build.input_files(config.from_env(server_env())), lambda _: None)
    reasoning.materialise(store, iris.graph("inferred"))

    def answer(query: str) -> dict[str, Any]:
        result: dict[str, Any] = json.loads(store.query(query).serialize("json"))
        return result

    return answer


def rewrite(text: str, answer: Callable[[str], dict[str, Any]]) -> str:
    """The document with every query block replaced by its file's body and every answer block by the
    canonical result of that file."""
    pieces, last = [], 0
    for question in questions(text):
        (query_start, query_end), (start, end) = question.query_span, question.span
        pieces += [text[last:query_start], question.example.body, text[query_end:start]]
        pieces.append(canonical(answer(question.query)))
        last = end
    return "".join(pieces) + text[last:]


# --- the tests ----------------------------------------------------------------------------------------

pytestmark = pytest.mark.e2e
QUESTIONS = questions(DOC.read_text(encoding="utf-8"))


def backend_args_for(request: pytest.FixtureRequest, engine: str) -> list[str]:
    """`nhskg serve`'s flags over the real data in the real `engine` (its session fixture), as the README
    gives them."""
    if engine == "virtuoso":
        loaded: LoadedVirtuoso = request.getfixturevalue("real_virtuoso")
        return virtuoso.backend_args(loaded.server)
    backend: RealBackend = request.getfixturevalue("real_backend")
    return backend_args(backend.server)


@pytest.fixture(scope="module", params=["embedded", "oxigraph-server", "virtuoso"])
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The real data's server, and the same over each real engine holding the build's quads
    (`nhskg serve --backend-url`): the same answers from the three."""
    args = ["--workers", "2"]
    if request.param != "embedded":
        # One worker: each worker's start reads the page catalogue from the backend (271,866 rows; 42 s on
        # Virtuoso), and the questions are asked one at a time.
        args = ["--workers", "1", *backend_args_for(request, request.param)]
    log = tmp_path_factory.mktemp("competency") / "server.log"
    with live_server(server_env(), args, timeout=600, log=log) as running:
        yield running


@pytest.mark.parametrize("question", QUESTIONS, ids=[f"Q{q.number}" for q in QUESTIONS])
def test_the_data_gives_the_documented_answer(server: LiveServer, question: Question) -> None:
    assert canonical(ask_endpoint(server.sparql, question.query)) == question.answer, question.text


def test_the_questions_are_numbered_and_many() -> None:
    assert len(QUESTIONS) >= 30
    assert [q.number for q in QUESTIONS] == list(range(1, len(QUESTIONS) + 1))
    assert DOC.read_text(encoding="utf-8").count("### Q") == len(QUESTIONS), "a question the parser missed"


def test_each_question_is_an_example_file_and_the_document_shows_that_file() -> None:
    """The editor's examples are these questions: one file each, titled with the question, nothing more."""
    assert sorted(numbered_examples()) == [q.number for q in QUESTIONS]
    for q in QUESTIONS:
        assert q.example.title == q.text, f"Q{q.number}: the file's title differs from the question"
        assert q.shown == q.example.body, f"Q{q.number}: the document differs from {q.example.name}.rq"


def test_every_query_that_returns_rows_defines_their_order() -> None:
    for q in QUESTIONS:
        if q.answer.count("\n") > 1:
            assert "ORDER BY" in q.query, f"Q{q.number} has several rows and no ORDER BY"


@pytest.mark.parametrize("figure", SEED_FIGURES)
def test_every_seed_figure_is_answered(figure: str) -> None:
    text = DOC.read_text(encoding="utf-8")
    seeds = text[text.index("## Seed figures") : text.index("## Across the model")]
    answers = "".join(q.answer for q in questions(seeds))
    assert any(SEED_FIGURES[figure] in line for line in answers.splitlines()), figure


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.e2e.test_competency", description=__doc__)
    parser.add_argument("--write", action="store_true", help="regenerate every answer from the data")
    parser.add_argument(
        "--in-memory", action="store_true", help="load the data here, without the build's validation"
    )
    options = parser.parse_args(argv)
    if not options.write:
        parser.error("nothing to do: pass --write")
    text = DOC.read_text(encoding="utf-8")
    started = time.perf_counter()
    if options.in_memory:
        new = rewrite(text, in_memory_answerer())
    else:
        with live_server(server_env(), ["--workers", "2"], timeout=600) as running:
            new = rewrite(text, lambda query: ask_endpoint(running.sparql, query))
    DOC.write_text(new, encoding="utf-8")
    changed = sum(a.answer != b.answer for a, b in zip(questions(text), questions(new), strict=True))
    print(f"{len(QUESTIONS)} questions, {changed} answers changed, {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
