"""The combined output of every converter: one label per node, no dangling links, no duplicate events.

These run the real converters on the shared folder when it is next to the repository (the failures they
catch come from two converters meeting, which the small fixtures of each cannot show); the rules that can be
shown on a fixture are tested at the end.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import pytest

from service import iris
from service.ingest import curated, ods, pipeline, raw_files
from service.ingest.curated_common import SourceBook, legislation_iri
from service.ingest.model import DCT, DERIVED, LABEL, NHS, ORG, A
from service.ingest.national import (
    NHS_ACT_1977,
    NHS_IN_ENGLAND,
    PCT_ABOLITION_2013,
    SI_2006_2072,
    WAVE_2002,
    WAVE_2013,
    WAVE_2022,
    WAVE_PCT_2006,
    WAVE_SHA_2006,
    body_event,
)
from service.ingest.turtle import Lit, Triple, Triples

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
FIXTURE = Path(__file__).resolve().parents[1] / "data" / "ingest" / "curated"
WAVES = (WAVE_2002, WAVE_SHA_2006, WAVE_PCT_2006, WAVE_2013, WAVE_2022)
LEGAL_BASIS = re.compile(r"^http://www\.legislation\.gov\.uk/id/(ukpga|uksi)/\d{4}/\d+$")

needs_shared = pytest.mark.skipif(
    not (SHARED / "data" / "raw").is_dir(), reason="the shared source folder is not next to the repository"
)


@pytest.fixture(scope="module")
def outputs() -> dict[str, Triples]:
    return pipeline.partition(pipeline.collect(SHARED))


def everything(outputs: dict[str, Triples]) -> list[Triple]:
    return [t for triples in outputs.values() for t in triples]


def labels_by_subject(triples: list[Triple]) -> dict[str, set[str]]:
    labels: dict[str, set[str]] = defaultdict(set)
    for s, p, o in triples:
        if p == LABEL and isinstance(o, Lit):
            labels[s].add(f"{o.value}@{o.lang}")
    return labels


def twice_labelled(triples: list[Triple]) -> dict[str, list[str]]:
    return {s: sorted(v) for s, v in labels_by_subject(triples).items() if len(v) > 1}


def test_twice_labelled_finds_a_node_with_two_labels() -> None:
    triples: list[Triple] = [("x", LABEL, Lit("one", lang="en")), ("x", LABEL, Lit("two", lang="en"))]
    assert twice_labelled(triples) == {"x": ["one@en", "two@en"]}


@needs_shared
def test_no_node_has_two_labels(outputs: dict[str, Triples]) -> None:
    assert twice_labelled(everything(outputs)) == {}


@needs_shared
def test_every_node_of_ours_that_is_linked_to_has_a_label(outputs: dict[str, Triples]) -> None:
    triples = everything(outputs)
    labelled = set(labels_by_subject(triples))
    dangling = sorted(
        {o for _, _, o in triples if isinstance(o, str) and o.startswith(iris.ID) and o not in labelled}
    )
    assert dangling == []


@needs_shared
def test_every_triple_is_in_exactly_one_file(outputs: dict[str, Triples]) -> None:
    triples = everything(outputs)
    assert len(triples) == len(set(triples))


@needs_shared
def test_no_two_events_describe_one_change(outputs: dict[str, Triples]) -> None:
    changes: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for s, p, o in everything(outputs):
        if p in (ORG + "originalOrganization", ORG + "resultingOrganization", DCT + "date"):
            changes[s][p].add(o.value if isinstance(o, Lit) else o)
    events: dict[tuple[frozenset[str], ...], list[str]] = defaultdict(list)
    for event, parts in changes.items():
        originals = frozenset(parts[ORG + "originalOrganization"])
        results = frozenset(parts[ORG + "resultingOrganization"])
        if originals or results:
            events[frozenset(parts[DCT + "date"]), originals, results].append(event)
    assert [sorted(found) for found in events.values() if len(found) > 1] == []


@needs_shared
def test_waves_are_described_by_the_curated_converter_alone(outputs: dict[str, Triples]) -> None:
    """The raw converter writes only dcterms:hasPart on a wave; the curated one the rest, once."""
    for wave in WAVES:
        homes = {
            (stem, p)
            for stem, triples in outputs.items()
            for s, p, _ in triples
            if s == wave and p != DCT + "hasPart"
        }
        assert {stem for stem, _ in homes} == {"curated-national"}, wave
        assert (wave, A, NHS + "Reorganisation") in outputs["curated-national"]
    for stem in ods.STEMS:
        written = {p for s, p, _ in outputs.get(stem, Triples()) if s in WAVES}
        assert written <= {DCT + "hasPart"}, stem
    assert (WAVE_2013, DCT + "hasPart", PCT_ABOLITION_2013) in outputs["ccgs"]


@needs_shared
def test_each_raw_file_is_one_source_node(outputs: dict[str, Triples]) -> None:
    triples = everything(outputs)
    sources = {o for _, p, o in triples if p == DERIVED and isinstance(o, str)}
    assert sorted(s for s in sources if s.startswith(iris.source("shared"))) == []
    files = {s for s, p, o in triples if p == A and o == NHS + "DataFile"}
    titles: dict[str, set[str]] = defaultdict(set)
    for s, p, o in triples:
        if p == DCT + "title" and isinstance(o, Lit) and s in files:
            titles[o.value].add(s)
    assert {t: sorted(s) for t, s in titles.items() if len(s) > 1} == {}


@needs_shared
def test_curated_rows_cite_the_events_the_raw_converter_infers(outputs: dict[str, Triples]) -> None:
    key_events = iris.source("curated-key-events")
    for event in (
        body_event("2005-10-01", "care-trust", "TAL"),
        body_event("2006-10-01", "care-trust", "TAM"),
        body_event("2010-04-01", "pct", "5QV"),
        PCT_ABOLITION_2013,
    ):
        assert (event, DERIVED, key_events) in outputs["curated-national"], event
    gone = iris.event("2006-10-01", "solihull care trust replaces solihull pct")
    assert all(s != gone for s, _, _ in everything(outputs))


@needs_shared
def test_legal_bases_are_acts_or_instruments(outputs: dict[str, Triples]) -> None:
    laws = {o for _, p, o in everything(outputs) if p == NHS + "legalBasis" and isinstance(o, str)}
    assert laws and sorted(law for law in laws if not LEGAL_BASIS.match(law)) == []


@needs_shared
def test_national_figures_are_about_the_nhs_in_england(outputs: dict[str, Triples]) -> None:
    about = {o for _, p, o in everything(outputs) if p == NHS + "figureOf"}
    assert iris.ID not in about
    assert NHS_IN_ENGLAND in about
    assert labels_by_subject(everything(outputs))[NHS_IN_ENGLAND] == {"The NHS in England@en"}


# Rules that a fixture shows -----------------------------------------------------------------------------


def test_raw_files_cited_by_the_curated_files_get_the_raw_converters_iri(tmp_path: Path) -> None:
    book = SourceBook(tmp_path)
    spans = "raw/nhsconnect-prm-gp2gp/DERIVED_parent_code_spans_from_epcmem.csv"
    assert book.cell(f"https://example.org/a ; {spans}")[1] == iris.source("derived-epcmem-parent-spans")
    assert book.raw_file("raw/openprescribing/PCO_2012.csv") == iris.source("ons-pco-2012")
    assert raw_files.source_for_path(spans) == iris.source("derived-epcmem-parent-spans")


def test_legislation_addresses_become_the_whole_act_or_instrument() -> None:
    assert legislation_iri("http://legislation.data.gov.uk/uksi/2006/2072/made/data.html") == SI_2006_2072
    assert legislation_iri("https://www.legislation.gov.uk/ukpga/1977/49/section/16A") == NHS_ACT_1977


def test_a_curated_row_on_an_inferred_event_only_cites(tmp_path: Path) -> None:
    national = curated.convert(FIXTURE)["curated-national"]
    about = {p for s, p, _ in national if s == PCT_ABOLITION_2013}
    assert about == {DERIVED}
    assert not any(s == iris.event("2013-04-01", "pcts and shas abolished") for s, _, _ in national)
