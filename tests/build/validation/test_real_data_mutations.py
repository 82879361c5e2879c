"""Mutating a copy of the real data: each break is caught, with the offending node named.

One copy of ontology + data/ttl is loaded in memory, unrelated breaks are applied with SPARQL updates, and
one validation over the whole graph must name every broken node under the rule it breaks. The committed
data itself conforms (the build refuses it otherwise). The breaks of the laws of a history (shapes/history.ttl
and AccountabilityCoverageShape) each touch a node that keeps the law in the data, so the test fails if the
law stops being checked, whatever else the data still breaks.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from service import iris
from service.build import builder as build
from service.build import reasoning
from service.build.validation import check as validation
from service.cli import main
from service.config import Settings
from service.store import OxigraphStore

ROOT = Path(__file__).resolve().parents[3]
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


def _set_end_status(node: str, status: str) -> str:
    """Drop the node's dissolution date and end status, then give it `status`."""
    return (
        f"DELETE WHERE {{ GRAPH ?g {{ <{node}> schema:dissolutionDate ?d }} }} ;"
        f" DELETE WHERE {{ GRAPH ?g {{ <{node}> nhs:endStatus ?s }} }} ;"
        f" INSERT DATA {{ GRAPH <{iris.graph('ccgs')}> {{ <{node}> nhs:endStatus {status} }} }}"
    )


SHA_2002 = ID + "sha-2002/"
P84004 = ID + "practice/P84004/membership/"
LAWS = {
    # two of the 28 authorities renamed together on 2002-10-01, one made the other's successor
    "SuccessionForwardShape": (
        SHA_2002 + "trent",
        f"INSERT DATA {{ GRAPH <{iris.graph('curated-authorities')}> {{"
        f" <{SHA_2002}trent> nhs:succeeds <{SHA_2002}west-yorkshire> }} }}",
    ),
    # 5NT replaced 5CR in 2006; 5CR said to replace 5NT closes a cycle
    "ReplacesCycleShape": (
        ID + "pct/5NT",
        f"INSERT DATA {{ GRAPH <{iris.graph('pcts')}> {{ <{ID}pct/5CR> dcterms:replaces <{ID}pct/5NT> }} }}",
    ),
    # a second chief executive of 5DH with no dates, so open at both ends
    "SinglePostHolderShape": (
        ID + "pct/5DH/post/chief-executive",
        f"INSERT DATA {{ GRAPH <{iris.graph('curated-people')}> {{"
        f" <{ID}person/test/holding> a nhs:PostHolding ; org:member <{ID}person/test> ;"
        f" org:organization <{ID}pct/5DH> ; nhs:post <{ID}pct/5DH/post/chief-executive> }} }}",
    ),
    # a membership of 5NT from before 5NT was founded (2006-10-01)
    "WithinLifetimesShape": (
        P84004 + "pct/5NT/2006-10-01",
        f"DELETE WHERE {{ GRAPH ?g {{ <{P84004}pct/5NT/2006-10-01> schema:startDate ?s }} }} ;"
        f" INSERT DATA {{ GRAPH <{iris.graph('practices')}> {{"
        f' <{P84004}pct/5NT/2006-10-01> schema:startDate "2005-01-01"^^xsd:date }} }}',
    ),
    # a relation with no start reads as "always"
    "RelationStartShape": (
        P84004 + "pcg/4QV29/1999-04-01",
        f"DELETE WHERE {{ GRAPH ?g {{ <{P84004}pcg/4QV29/1999-04-01> schema:startDate ?s }} }}",
    ),
    # a membership of a dissolved CCG left open
    "PastRelationOpenShape": (
        P84004 + "ccg/14L/2017-04-01",
        f"DELETE WHERE {{ GRAPH ?g {{ <{P84004}ccg/14L/2017-04-01> schema:endDate ?e }} }} ;"
        f" INSERT DATA {{ GRAPH <{iris.graph('practices')}> {{"
        f" <{P84004}ccg/14L/2017-04-01> nhs:endStatus nhs:EndUnknown }} }}",
    ),
    # an unknown end with no last day
    "EndUnknownDatedShape": (ID + "ccg/01M", _set_end_status(ID + "ccg/01M", "nhs:EndUnknown")),
    # a past body with neither a dissolution date nor nhs:Current
    "OrganisationOpenEndShape": (
        ID + "pct/5CL",
        f"DELETE WHERE {{ GRAPH ?g {{ <{ID}pct/5CL> schema:dissolutionDate ?d }} }} ;"
        f" DELETE WHERE {{ GRAPH ?g {{ <{ID}pct/5CL> nhs:endStatus ?s }} }}",
    ),
    # 5NT's accountability to its SHA removed, and no gap stated
    "AccountabilityCoverageShape": (
        ID + "pct/5NT",
        f"DELETE WHERE {{ GRAPH ?g {{ <{ID}pct/5NT/accountability/sha/Q31/2006-10-01> ?p ?o }} }}",
    ),
    # a known gap that says nothing in plain words
    "KnownGapDescriptionShape": (
        ID + "pct/5NT/gap/name-unknown/2006-10-01",
        f"INSERT DATA {{ GRAPH <{iris.graph('pcts')}> {{"
        f' <{ID}pct/5NT/gap/name-unknown/2006-10-01> a nhs:KnownGap ; rdfs:label "A gap"@en ;'
        f" nhs:gapIn <{ID}pct/5NT> ; nhs:gapKind nhs:NameUnknownGap ;"
        f' schema:startDate "2006-10-01"^^xsd:date ; schema:endDate "2006-12-31"^^xsd:date ;'
        f" prov:wasDerivedFrom <{ID}source/ods-epcmem-2019-08> }} }}",
    ),
}
BREAKS |= LAWS


@pytest.fixture(scope="module")
def store() -> OxigraphStore:
    settings = Settings(root=ROOT)
    store = OxigraphStore.in_memory()
    build.load_files(store, build.input_files(settings), lambda _: None)
    for _, update in BREAKS.values():
        store.update(f"{PREFIXES}\n{update}")
    reasoning.materialise(store, iris.graph("inferred"))
    return store


@pytest.fixture(scope="module")
def report(store: OxigraphStore) -> validation.ValidationReport:
    return validation.validate(store, Settings(root=ROOT).shapes_dir)


def test_the_2002_renaming_is_no_cross_product(store: OxigraphStore) -> None:
    # 28 authorities renamed in one event: none replaces another (the mutation above adds one pair only).
    replaces = f"<{iris.PREFIXES['dcterms']}replaces>+"
    for first, second in (("thames-valley", "surrey-and-sussex"), ("surrey-and-sussex", "thames-valley")):
        assert not store.ask(f"ASK {{ <{SHA_2002}{first}> {replaces} <{SHA_2002}{second}> }}")


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
