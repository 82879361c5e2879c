"""Links out of the dataset: legislation.gov.uk's identifiers for legal bases, ONS statistical geographies
for bodies with a GSS code. Fixture inputs for the converter's rules; the committed data/ttl for the whole."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from service import iris
from service.ingest import curated_authorities, curated_national, national
from service.ingest.curated_common import SourceBook, legislation_iri
from service.ingest.legislation import CHECKED, ID, document, legislation, parts
from service.ingest.model import DCT, DERIVED, NHS, OWL, SCHEMA, A, Organisation, geography
from service.ingest.ods_common import Context
from service.ingest.ods_nhse import office_codes_2017
from service.ingest.turtle import Lit, Triples
from service.store import OxigraphStore

TTL = Path(__file__).resolve().parents[2] / "data" / "ttl"
IDENTIFIER = re.compile(r"^http://www\.legislation\.gov\.uk/id/(ukpga|uksi)/\d{4}/[1-9]\d*$")
P = """PREFIX nhs: <https://w3id.org/nhs-commissioning/def#> PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX owl: <http://www.w3.org/2002/07/owl#> PREFIX schema: <https://schema.org/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""


def objects(g: Triples, subject: str, predicate: str) -> set[object]:
    return set(g.predicates(subject).get(predicate, set()))


# legislation.gov.uk identifiers ------------------------------------------------------------------------


def test_an_item_has_one_identifier_and_one_page() -> None:
    law = legislation("ukpga", 2012, 7)
    assert law == "http://www.legislation.gov.uk/id/ukpga/2012/7"
    assert parts(law) == ("ukpga", 2012, 7)
    assert document(law) == "https://www.legislation.gov.uk/ukpga/2012/7"
    with pytest.raises(ValueError, match="not an Act"):
        legislation("asp", 2004, 7)
    with pytest.raises(ValueError, match="not a legislation.gov.uk identifier"):
        parts("https://www.legislation.gov.uk/ukpga/2012/7")


@pytest.mark.parametrize(
    "address",
    [
        "https://www.legislation.gov.uk/ukpga/2012/7",
        "http://www.legislation.gov.uk/ukpga/2012/7/section/25/enacted",
        "https://legislation.gov.uk/ukpga/2012/7/contents/enacted?view=plain",
        "http://www.legislation.gov.uk./ukpga/2012/7/data.html",
        "https://www.legislation.gov.uk:443/cy/ukpga/2012/7",
        "http://legislation.data.gov.uk/ukpga/2012/7/enacted/data.htm?wrap=true",
        "http://www.legislation.gov.uk/id/ukpga/2012/7",
    ],
)
def test_every_address_of_an_item_maps_to_its_identifier(address: str) -> None:
    assert legislation_iri(address) == "http://www.legislation.gov.uk/id/ukpga/2012/7"


def test_an_address_that_is_not_an_act_or_instrument_maps_to_nothing() -> None:
    assert legislation_iri("https://www.legislation.gov.uk/asp/2004/7") is None
    assert legislation_iri("https://example.org/ukpga/2012/7") is None


def law_constants() -> set[str]:
    """Every legal basis the converters name by year and number (module-level constants)."""
    found = set()
    for module in (national, curated_national, curated_authorities):
        found |= {v for v in vars(module).values() if isinstance(v, str) and v.startswith(ID)}
    return found


def test_every_legal_basis_named_by_number_in_the_code_is_checked_against_a_page() -> None:
    named = law_constants()
    assert len(named) >= 11  # and SI 2003/1066, named inline in curated_national
    assert named <= set(CHECKED), sorted(named - set(CHECKED))
    for law, checked in CHECKED.items():
        assert IDENTIFIER.match(law)
        assert checked.page.startswith(("http://", "https://")) and checked.title


def test_a_checked_law_is_its_identifier_with_its_title_its_page_and_the_page_it_was_checked_on(
    tmp_path: Path,
) -> None:
    book = SourceBook(tmp_path)
    law = national.HA_ACT_1995
    node = book.law(law)
    g = book.triples
    assert node == iris.source("ukpga-1995-17")
    assert objects(g, node, OWL + "sameAs") == {law}
    assert objects(g, node, SCHEMA + "url") == {"https://www.legislation.gov.uk/ukpga/1995/17"}
    assert {o.value for o in objects(g, node, DCT + "title") if isinstance(o, Lit)} == {
        "Health Authorities Act 1995"
    }
    (page,) = objects(g, node, DERIVED)
    assert NHS + "WebPage" in objects(g, page, A)
    assert objects(g, page, SCHEMA + "url") == {CHECKED[law].page}


def test_a_law_checked_on_a_page_cited_elsewhere_shares_that_page_and_its_one_title(tmp_path: Path) -> None:
    book = SourceBook(tmp_path)
    wiki = CHECKED[national.NHS_REFORM_ACT_2002].page
    cited = book.web(wiki)
    node = book.law(national.NHS_REFORM_ACT_2002)
    assert objects(book.triples, node, DERIVED) == {cited}
    assert len(objects(book.triples, cited, DCT + "title")) == 1


def test_a_law_cited_only_by_address_gets_its_identifier_but_no_checked_page(tmp_path: Path) -> None:
    book = SourceBook(tmp_path)
    node = book.web("https://www.legislation.gov.uk/uksi/2006/1408/made")
    assert objects(book.triples, node, OWL + "sameAs") == {"http://www.legislation.gov.uk/id/uksi/2006/1408"}
    assert objects(book.triples, node, DERIVED) == set()


# ONS statistical geographies ---------------------------------------------------------------------------


def test_a_body_links_to_the_area_of_its_code_and_of_each_earlier_code() -> None:
    g = Triples()
    body = iris.org("ccg", "00X")
    Organisation(
        body, "ClinicalCommissioningGroup", "X", [], gss="E38000227", former_gss=["E38000065"]
    ).add_to(g)
    assert {o.value for o in objects(g, body, NHS + "gssCode") if isinstance(o, Lit)} == {"E38000227"}
    assert objects(g, body, DCT + "spatial") == {geography("E38000227"), geography("E38000065")}


def write(root: Path, path: str, text: str) -> None:
    (root / "data" / path).parent.mkdir(parents=True, exist_ok=True)
    (root / "data" / path).write_text(text, encoding="utf-8")


def test_local_offices_of_2017_get_the_code_of_the_one_ods_office_of_the_same_name(tmp_path: Path) -> None:
    write(
        tmp_path,
        "raw/openprescribing/eauth_2018-11.csv",
        '"Q70","NHS ENGLAND SOUTH (WESSEX)","Y57"\n"Q72","NHS ENGLAND NORTH (YORKSHIRE AND HUMBER)","Y54"\n',
    )
    header = "CCG17CD,CCG17NM,NHSRLO17CD,NHSRLO17NM,NHSER17CD,NHSER17NM,FID\n"
    rows = (
        "E38000001,A CCG,E39000025,NHS England South (Wessex),E40000004,South of England,1\n"
        "E38000002,B CCG,E39000029,NHS England North (Yorkshire and Humber),E40000001,North of England,2\n"
    )
    write(tmp_path, "raw/ons-lookups/CCG17_NHSRLO17_NHSER17_EN_LU_v3.csv", header + rows)
    assert office_codes_2017(Context(tmp_path)) == {"Q70": "E39000025", "Q72": "E39000029"}


def test_a_2017_office_that_no_ods_office_is_named_like_is_an_error(tmp_path: Path) -> None:
    write(tmp_path, "raw/openprescribing/eauth_2018-11.csv", '"Q70","NHS ENGLAND SOUTH (WESSEX)","Y57"\n')
    write(
        tmp_path,
        "raw/ons-lookups/CCG17_NHSRLO17_NHSER17_EN_LU_v3.csv",
        "CCG17CD,CCG17NM,NHSRLO17CD,NHSRLO17NM,NHSER17CD,NHSER17NM,FID\n"
        "E38000001,A CCG,E39000034,NHS England South (South Central),E40000004,South of England,1\n",
    )
    with pytest.raises(ValueError, match="South Central"):
        office_codes_2017(Context(tmp_path))


# The committed data ------------------------------------------------------------------------------------

needs_ttl = pytest.mark.skipif(not (TTL / "ccgs.ttl").exists(), reason="data/ttl is not generated")


@pytest.fixture(scope="module")
def committed() -> OxigraphStore:
    store = OxigraphStore.in_memory()
    for path in sorted(TTL.glob("*.ttl")):
        store.load_file(path, iris.graph(path.stem))
    return store


def rows(store: OxigraphStore, query: str) -> list[dict[str, str]]:
    return [{n: t.value for n, t in row.items()} for row in store.select(P + query)]


@needs_ttl
def test_every_body_with_a_gss_code_links_to_its_statistical_geography(committed: OxigraphStore) -> None:
    coded = rows(committed, "SELECT ?body ?code WHERE { GRAPH ?g { ?body nhs:gssCode ?code } }")
    assert len(coded) > 600
    linked = {
        (r["body"], r["area"])
        for r in rows(committed, "SELECT ?body ?area WHERE { GRAPH ?g { ?body dcterms:spatial ?area } }")
    }
    missing = [r for r in coded if (r["body"], geography(r["code"])) not in linked]
    assert not missing
    assert all(
        re.match(r"^http://statistics\.data\.gov\.uk/id/statistical-geography/E\d{8}$", a) for _, a in linked
    )


@needs_ttl
def test_the_south_local_offices_closed_in_2018_have_their_2017_codes(committed: OxigraphStore) -> None:
    found = rows(
        committed,
        "SELECT ?office ?code WHERE { GRAPH ?g { ?office a nhs:LocalOffice ; nhs:gssCode ?code } }",
    )
    codes = {r["office"].rsplit("/", 1)[1]: r["code"] for r in found}
    assert {q: codes.get(q) for q in ("Q70", "Q80", "Q81", "Q82")} == {
        "Q70": "E39000025",
        "Q80": "E39000036",
        "Q81": "E39000035",
        "Q82": "E39000034",
    }


@needs_ttl
def test_every_legal_basis_is_an_identifier_described_by_its_legislation_source(
    committed: OxigraphStore,
) -> None:
    laws = {
        r["law"]
        for r in rows(committed, "SELECT DISTINCT ?law WHERE { GRAPH ?g { ?x nhs:legalBasis ?law } }")
    }
    assert len(laws) >= 12 and all(IDENTIFIER.match(law) for law in laws)
    records = rows(
        committed,
        "SELECT ?law ?url ?title WHERE { GRAPH ?g { ?s a nhs:Legislation ; owl:sameAs ?law ; "
        "schema:url ?url ; dcterms:title ?title } }",
    )
    described = {r["law"]: r for r in records}
    assert laws <= set(described)
    for law in laws:
        assert described[law]["url"] == document(law)
        if law in CHECKED:
            assert described[law]["title"] == CHECKED[law].title
