"""The synthetic bigger projects of the cost benchmark: each copy is a second, independent dataset.

Every node a copy defines is its own (under id/copyk/); only the OWL-Time nodes, whose IRIs are their
dates (shapes#IntervalKeyShape), stay shared, as time.ttl is not copied.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Graph, URIRef

from bench import scaled

ROOT = Path(__file__).resolve().parents[1]
ID = scaled.ID

TIME = """@base <https://w3id.org/nhs-commissioning/id/> .
@prefix time: <http://www.w3.org/2006/time#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

<instant/2002-04-01> a time:Instant ; time:inXSDDate "2002-04-01"^^xsd:date .
<interval/2002-04-01--open> a time:Interval ; time:hasBeginning <instant/2002-04-01> .
"""
PCTS = """@base <https://w3id.org/nhs-commissioning/id/> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .

<pct/5NT> rdfs:label "Manchester PCT"@en ; org:subOrganizationOf <sha/Q31> .
<pct/5NT/membership> org:organization <pct/5NT> ;
    org:memberDuring <interval/2002-04-01--open> ;
    rdfs:seeAlso <https://w3id.org/nhs-commissioning/id/interval/2002-04-01--open> .
"""


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Path]:
    root = tmp_path / "root"
    for name in ("ontology", "shapes", "data/ttl"):
        (root / name).mkdir(parents=True)
    (root / "data/ttl/time.ttl").write_text(TIME, encoding="utf-8")
    (root / "data/ttl/pcts.ttl").write_text(PCTS, encoding="utf-8")
    folder = scaled.make_project(root, 3)
    yield folder
    shutil.rmtree(folder)


def _triples(path: Path) -> list[tuple[str, str, object]]:
    return [(str(s), str(p), o) for s, p, o in Graph().parse(path, format="turtle")]


def test_copies_are_their_own_nodes_over_the_shared_intervals(project: Path) -> None:
    data = project / "data" / "ttl"
    assert sorted(p.name for p in data.glob("*.ttl")) == [
        "copy2-pcts.ttl", "copy3-pcts.ttl", "pcts.ttl", "time.ttl"
    ]  # fmt: skip
    original = _triples(data / "pcts.ttl")
    for k in (2, 3):
        copy = _triples(data / f"copy{k}-pcts.ttl")
        assert len(copy) == len(original)
        assert all(subject.startswith(f"{ID}copy{k}/") for subject, _, _ in copy)
        iris = {str(o) for _, _, o in copy if isinstance(o, URIRef)}
        assert {i for i in iris if not i.startswith(f"{ID}copy{k}/")} == {f"{ID}interval/2002-04-01--open"}
        assert f"{ID}copy{k}/sha/Q31" in iris


def test_the_shared_nodes_are_exactly_those_of_the_files_left_uncopied() -> None:
    """The copier relies on it: time.ttl defines every interval and instant, and nothing else."""
    for path in sorted((ROOT / "data" / "ttl").glob("*.ttl")):
        with path.open(encoding="utf-8") as lines:
            subjects = [line for line in lines if line.startswith("<")]
        shared = [s for s in subjects if s.startswith(tuple(f"<{p}" for p in scaled.SHARED))]
        expected = subjects if path.name in scaled.SHARED_FILES else []
        assert shared == expected, path.name
