"""Names found by hand (data/curated/names.csv); the plain label and known gap of a body no source names."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from service import iris
from service.ingest import names
from service.ingest.model import NHS, Caveat, Organisation
from service.ingest.names import Life, NameBook
from service.store import OxigraphStore
from tests.ingest.stores import load, select

REPO = Path(__file__).resolve().parents[2]
TTL = REPO / "data" / "ttl"
HEADER = "code,kind,name,valid_from,valid_to,source_url,confidence,evidence,note\n"
PAGE = "https://example.org/establishment-order"
OTHER = "https://example.org/annual-report"


def book_of(tmp_path: Path, *rows: str) -> NameBook:
    (tmp_path / names.FILE).write_text(HEADER + "".join(r + "\n" for r in rows), encoding="utf-8")
    return NameBook.load(tmp_path)


def body(kind: str, code: str) -> Organisation:
    cls = {"pcg": "PrimaryCareGroup", "pct": "PrimaryCareTrust", "ccg": "ClinicalCommissioningGroup"}[kind]
    return Organisation(
        iri=iris.org(kind, code),
        cls=cls,
        label="placeholder",
        sources=[iris.source("ods-epcmem-2019-08")],
        ods=code,
        name_known=False,
        caveat=Caveat("Medium", "Inferred", "Lifetime from epcmem."),
    )


def store_of(book: NameBook, *nodes: Organisation) -> OxigraphStore:
    triples = book.output()
    for node in nodes:
        node.add_to(triples)
    return load({"names": triples})


def test_a_body_with_no_name_is_labelled_plainly_and_has_a_gap_over_its_life(tmp_path: Path) -> None:
    book = book_of(tmp_path, f"*,pcg,,,,{PAGE},,,Consulted: no list of PCGs with codes.")
    node = body("pcg", "4NE42")
    assert book.name_or_gap(node, "pcg", "4NE42", Life("1999-04-01", "2000-09-30")) is None
    assert node.label == "Primary care group 4NE42"
    rows = select(
        store_of(book, node),
        """SELECT ?status ?start ?end ?text ?kind WHERE { ?gap nhs:gapIn ?b ; nhs:gapKind ?kind ;
        schema:startDate ?start ; schema:endDate ?end ; dcterms:description ?text .
        ?b nhs:nameStatus ?status }""",
    )
    assert rows == [
        (
            NHS + "NameUnknown",
            "1999-04-01",
            "2000-09-30",
            "No source consulted gives the name of this primary care group.",
            NHS + "NameUnknownGap",
        )
    ]


def test_the_gap_cites_the_bodys_files_and_every_page_consulted(tmp_path: Path) -> None:
    book = book_of(tmp_path, f"*,pct,,,,{PAGE},,,Consulted.", f"5F6,pct,,,,{OTHER},,,Consulted too.")
    node = body("pct", "5F6")
    book.name_or_gap(node, "pct", "5F6", Life("2001-04-01", "2006-09-30"))
    cited = {
        row[0]
        for row in select(
            store_of(book, node),
            "SELECT ?url WHERE { ?gap a nhs:KnownGap ; prov:wasDerivedFrom ?s . ?s schema:url ?url }",
        )
    }
    assert cited == {PAGE, OTHER}
    sources = select(store_of(book, node), "SELECT ?s WHERE { ?gap a nhs:KnownGap ; prov:wasDerivedFrom ?s }")
    assert (iris.source("ods-epcmem-2019-08"),) in sources
    assert node.label == "Primary care trust 5F6"


def test_a_named_body_takes_the_name_cites_the_page_and_has_no_gap(tmp_path: Path) -> None:
    book = book_of(tmp_path, f"5P3,pct,East Herts PCT,,,{PAGE},Medium,Inferred,Matched by practice moves.")
    node = body("pct", "5P3")
    assert book.name_or_gap(node, "pct", "5P3", Life("2006-10-01", "2010-03-31")) == "East Herts PCT"
    store = store_of(book, node)
    assert select(store, "SELECT ?l WHERE { ?b a nhs:PrimaryCareTrust ; rdfs:label ?l }") == [
        ("East Herts PCT",)
    ]
    assert select(store, "SELECT ?s WHERE { ?b nhs:nameStatus ?s }") == []
    assert select(store, "SELECT ?g WHERE { ?g a nhs:KnownGap }") == []
    urls = select(
        store, "SELECT ?u WHERE { ?b a nhs:PrimaryCareTrust ; prov:wasDerivedFrom ?s . ?s schema:url ?u }"
    )
    assert urls == [(PAGE,)]
    assert node.caveat is not None and "Matched by practice moves." in (node.caveat.note or "")


def test_a_body_named_by_its_own_files_is_left_alone(tmp_path: Path) -> None:
    book = book_of(tmp_path, f"5P3,pct,Another name,,,{PAGE},Medium,Inferred,")
    node = body("pct", "5P3")
    node.name_known, node.label = True, "Name from ONS"
    assert book.name_or_gap(node, "pct", "5P3", Life("2006-10-01", None)) is None
    assert node.label == "Name from ONS"
    assert len(book.output()) == 0


def test_an_earlier_name_becomes_a_dated_name_use(tmp_path: Path) -> None:
    book = book_of(
        tmp_path,
        f"TAM,care-trust,Old name,2002-04-01,2006-09-30,{PAGE},High,Stated,",
        f"TAM,care-trust,New name,2006-10-01,,{OTHER},High,Stated,",
    )
    node = body("pct", "TAM")
    book.name_or_gap(node, "care-trust", "TAM", Life("2002-04-01", "2011-04-14"))
    assert node.label == "New name"
    uses = select(
        store_of(book, node),
        """SELECT ?n ?s ?e WHERE { ?b nhs:hadName ?u .
        ?u schema:name ?n ; schema:startDate ?s ; schema:endDate ?e }""",
    )
    assert uses == [("Old name", "2002-04-01", "2006-09-30")]


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        (f"4NE42,pcgroup,A name,,,{PAGE},,,", "unknown kind"),
        (f"4NE42,pcg,A name,2001,,{PAGE},,,", "not YYYY-MM-DD"),
        ("4NE42,pcg,A name,,,,,,", "cites no page"),
    ],
)
def test_a_bad_row_stops_the_converter(tmp_path: Path, row: str, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        book_of(tmp_path, row)


def test_every_name_in_the_repository_file_cites_a_page_and_says_how_it_was_matched() -> None:
    with (names.local_curated.FOLDER / names.FILE).open(encoding="utf-8", newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if r["name"]]
    assert rows
    for row in rows:
        assert all(p.strip().startswith("http") for p in row["source_url"].split(";")), row["code"]
        assert row["confidence"] in {"High", "Medium", "Low"}, row["code"]
        assert row["evidence"] in {"Stated", "Inferred"}, row["code"]
        assert row["evidence"] == "Stated" or row["note"], f"{row['code']}: an inferred match needs a note"


@pytest.fixture(scope="module")
def committed() -> OxigraphStore:
    store = OxigraphStore.in_memory()
    for stem in ("pcgs", "pcts", "ccgs", "wales", "practices", "names"):
        store.load_file(TTL / f"{stem}.ttl", iris.graph(stem))
    return store


def test_committed_data_every_unnamed_body_has_one_name_gap_and_a_plain_label(
    committed: OxigraphStore,
) -> None:
    rows = select(
        committed,
        """SELECT ?b ?label (COUNT(DISTINCT ?gap) AS ?n) WHERE { ?b nhs:nameStatus nhs:NameUnknown ;
        rdfs:label ?label . OPTIONAL { ?gap nhs:gapIn ?b ; nhs:gapKind nhs:NameUnknownGap } }
        GROUP BY ?b ?label""",
    )
    assert rows
    assert [r for r in rows if r[2] != "1"] == []
    assert [r for r in rows if "(name unknown)" in r[1] or not r[1].endswith(r[0].rsplit("/", 1)[-1])] == []


def test_committed_data_no_named_body_has_a_name_gap(committed: OxigraphStore) -> None:
    rows = select(
        committed,
        """SELECT ?b WHERE { ?gap nhs:gapIn ?b ; nhs:gapKind nhs:NameUnknownGap .
        FILTER NOT EXISTS { ?b nhs:nameStatus nhs:NameUnknown } }""",
    )
    assert rows == []


def test_committed_data_every_name_from_the_file_is_on_its_body(committed: OxigraphStore) -> None:
    book = NameBook.load()
    for row in (r for r in book.rows if r.name and r.code != names.EVERY and not r.valid_to):
        labels = select(
            committed, f"SELECT ?l WHERE {{ <{iris.org(row.kind, row.code)}> skos:altLabel|rdfs:label ?l }}"
        )
        assert (row.name,) in labels, row.code
