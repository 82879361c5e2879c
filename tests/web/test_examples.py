"""The query editor's examples (service/web/examples.py): the 43 competency questions, read from their files,
grouped by theme, and served by GET /sparql as buttons in their groups and as the editor's data, each query
equal to its file. (tests/e2e/test_competency.py runs the same files against their documented answers;
tests/e2e/test_browser.py chooses one in Chromium.)"""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

from flask.testing import FlaskClient

from service import queries
from service.store import OxigraphStore
from service.web.examples import UNGROUPED, examples, themes

COMPETENCY_QUESTIONS = 43


def test_an_example_takes_its_title_and_theme_from_its_two_first_comments(tmp_path: Path) -> None:
    (tmp_path / "q02-second.rq").write_text(
        "# Who was in post?\n# Theme: People in posts\nSELECT * { ?s ?p ?o }\n", encoding="utf-8"
    )
    (tmp_path / "q01-first.rq").write_text("# How many?\n# Theme: Counts\nASK {}\n", encoding="utf-8")
    (tmp_path / "plain-one.rq").write_text("SELECT * { ?s ?p ?o }\n", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("# not a query\n", encoding="utf-8")
    found = examples(tmp_path)
    assert [(e.name, e.title, e.theme, e.number, e.tab) for e in found] == [
        ("plain-one", "plain one", UNGROUPED, None, "plain one"),
        ("q01-first", "How many?", "Counts", 1, "Q1"),
        ("q02-second", "Who was in post?", "People in posts", 2, "Q2"),
    ]
    assert found[2].query == "# Who was in post?\n# Theme: People in posts\nSELECT * { ?s ?p ?o }\n"
    assert found[2].body == "SELECT * { ?s ?p ?o }\n"
    assert found[0].body == found[0].query


def test_themes_keep_the_order_of_their_first_example(tmp_path: Path) -> None:
    for name, theme in [("q01-a", "Counts"), ("q02-b", "People"), ("q03-c", "Counts")]:
        (tmp_path / f"{name}.rq").write_text(f"# {name}?\n# Theme: {theme}\nASK {{}}\n", encoding="utf-8")
    grouped = themes(examples(tmp_path))
    assert [(t.title, [e.name for e in t.examples]) for t in grouped] == [
        ("Counts", ["q01-a", "q03-c"]),
        ("People", ["q02-b"]),
    ]


def test_the_shipped_examples_are_the_competency_questions_each_themed_and_valid() -> None:
    shipped = examples()
    assert [e.number for e in shipped] == list(range(1, COMPETENCY_QUESTIONS + 1))
    assert all(e.title.endswith("?") and e.theme != UNGROUPED for e in shipped)
    assert 1 < len(themes(shipped)) < COMPETENCY_QUESTIONS
    store = OxigraphStore.in_memory()
    for example in shipped:
        store.query(example.query)  # a broken file raises QuerySyntaxError


class EditorPage(HTMLParser):
    """The examples as the editor page offers them: the groups (summary -> button names) and its data."""

    def __init__(self) -> None:
        super().__init__()
        self.groups: dict[str, list[str]] = {}
        self.config = ""
        self._group: str | None = None
        self._in: str | None = None  # "summary" or "config" while inside one

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "summary":
            self._in, self._group = "summary", ""
        elif tag == "script" and attributes.get("id") == "sparql-config":
            self._in = "config"
        elif tag == "button" and attributes.get("data-example") and self._group is not None:
            self.groups[self._group].append(str(attributes["data-example"]))

    def handle_data(self, data: str) -> None:
        if self._in == "summary" and self._group is not None:
            self._group += data
        elif self._in == "config":
            self.config += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "summary" and self._group is not None:
            self._group = self._group.strip()
            self.groups[self._group] = []
        if tag in ("summary", "script"):
            self._in = None
        if tag == "details":
            self._group = None


def test_the_editor_offers_every_question_in_its_group_as_its_file(sparql_client: FlaskClient) -> None:
    response = sparql_client.get("/sparql", headers={"Accept": "text/html"})
    page = EditorPage()
    page.feed(response.get_data(as_text=True))
    files = {p.stem: p.read_text(encoding="utf-8") for p in queries.EXAMPLES.glob("*.rq")}
    assert len(files) == COMPETENCY_QUESTIONS
    # The groups: each summary names its theme and how many it holds; every file is in the group its
    # `# Theme:` line names, once.
    expected: dict[str, list[str]] = {}
    for name in sorted(files):
        theme = files[name].splitlines()[1].removeprefix("# Theme:").strip()
        expected.setdefault(theme, []).append(name)
    assert page.groups == {f"{theme} ({len(names)})": names for theme, names in expected.items()}
    # The editor's data: each example's query is its file, byte for byte.
    offered = json.loads(page.config)["examples"]
    assert {e["name"]: e["query"] for e in offered} == files
    assert [e["tab"] for e in offered] == [f"Q{n}" for n in range(1, COMPETENCY_QUESTIONS + 1)]
