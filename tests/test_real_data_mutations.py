"""Mutating a copy of the real data: each break is caught, with the offending node named.

One copy of ontology + data/ttl is loaded in memory, five unrelated breaks are applied with SPARQL updates,
and one validation over the whole graph must name every broken node under the rule it breaks. The
committed data itself conforms (the build refuses it otherwise).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from service import build, iris, reasoning, validation
from service.cli import main
from service.config import Settings
from service.store import OxigraphStore

ROOT = Path(__file__).resolve().parents[1]
SHP = "https://w3id.org/nhs-commissioning/shapes#"
ID = iris.ID
MEMBERSHIP = ID + "practice/P84004/membership/ccg/01M/2013-04-01"
PREFIXES = "\n".join(f"PREFIX {p}: <{ns}>" for p, ns in iris.PREFIXES.items())

BREAKS = {
    # an end date before its start
    "RelationOrderShape": (
        MEMBERSHIP,
        f"DELETE {{ GRAPH ?g {{ <{MEMBERSHIP}> schema:endDate ?e }} }}"
        f' INSERT {{ GRAPH ?g {{ <{MEMBERSHIP}> schema:endDate "2001-01-01"^^xsd:date }} }}'
        f" WHERE {{ GRAPH ?g {{ <{MEMBERSHIP}> schema:endDate ?e }} }}",
    ),
    # a malformed code
    "PrimaryCareTrustOdsCodeShape": (
        ID + "pct/5NT",
        f'DELETE {{ GRAPH ?g {{ <{ID}pct/5NT> nhs:odsCode "5NT" }} }}'
        f' INSERT {{ GRAPH ?g {{ <{ID}pct/5NT> nhs:odsCode "5N!" }} }}'
        f' WHERE {{ GRAPH ?g {{ <{ID}pct/5NT> nhs:odsCode "5NT" }} }}',
    ),
    # a missing label
    "LabelShape": (ID + "ccg/00L", f"DELETE WHERE {{ GRAPH ?g {{ <{ID}ccg/00L> rdfs:label ?l }} }}"),
    # overlapping parents of one practice
    "SingleParentShape": (
        ID + "practice/P84004",
        f"INSERT DATA {{ GRAPH <{iris.graph('practices')}> {{"
        f" <{ID}practice/P84004/membership/ccg/00L/2014-01-01> a nhs:PracticeMembership ;"
        f" org:member <{ID}practice/P84004> ; org:organization <{ID}ccg/00L> ;"
        f' schema:startDate "2014-01-01"^^xsd:date }} }}',
    ),
}


@pytest.fixture(scope="module")
def report() -> validation.ValidationReport:
    settings = Settings(root=ROOT)
    store = OxigraphStore.in_memory()
    build.load_files(store, build.input_files(settings), lambda _: None)
    for _, update in BREAKS.values():
        store.update(f"{PREFIXES}\n{update}")
    reasoning.materialise(store, iris.graph("inferred"))
    return validation.validate(store, settings.shapes_dir)


@pytest.mark.parametrize("shape", sorted(BREAKS))
def test_each_break_is_caught_with_its_node(report: validation.ValidationReport, shape: str) -> None:
    focus = BREAKS[shape][0]
    reported = {r.focus_node.value for r in report.results if r.source_shape == SHP + shape}
    assert focus in reported


def test_the_copy_no_longer_conforms(report: validation.ValidationReport) -> None:
    assert not report.conforms


def test_a_broken_copy_of_a_real_file_names_file_line_and_column(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = tmp_path / "pcts.ttl"
    shutil.copy(ROOT / "data" / "ttl" / "pcts.ttl", copy)
    lines = copy.read_text(encoding="utf-8").splitlines()
    lines[40] = lines[40].replace(" ;", ' "unterminated ;', 1) if " ;" in lines[40] else lines[40] + ' "open'
    copy.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert main(["validate", str(copy)]) == 2
    assert f"{copy}:41:" in capsys.readouterr().err
