"""The raw files of the shared folder (data/raw, and two curated tables the raw converter reads) as sources.

One table for both converters: a raw file is one `nhs:DataFile` node, `source/{key}`, whichever converter
cites it. `source_for_path` maps a path as the curated files write it (`raw/openprescribing/PCO_2012.csv`,
relative to the shared folder's data/) to that IRI, and `describe` writes the node, so the two converters
write the same triples for it (the pipeline keeps each triple once).
"""

from __future__ import annotations

from dataclasses import dataclass

from service import iris
from service.ingest.model import OGL, Source
from service.ingest.raw_files_present import PRESENT_FILES
from service.ingest.turtle import Triples

_OP = "https://github.com/ebmdatalab/openprescribing/blob/"
_OP_MAIN = "2aab031b6d83d25a6247ccc85c5e9d0f8460d456"
_OP_CODES = "/openprescribing/data/org_codes/"
_ONS = "https://github.com/jtrim-ons/ons-lookups/blob/85d0ba6e476badf3861d8dc7485aecf40598d031/csv/"
_GP2GP = "https://github.com/nhsconnect/prm-gp2gp-data-sandbox/blob/8e17a6019772cc4d7fba8dd85ac49d7689701b77/"
_SPEND = "https://github.com/jhau/nhs-spend/blob/e602ea98154e694e9afddca87e50caef0b8488b9/data/"
_ELAHMO = "https://github.com/elahmo/dsfood/blob/5d0557509625c8d57b5e59b03828d6ff7d95b58c/"
_NHSD = "NHS Digital Organisation Data Service"
_ONS_PUB = "Office for National Statistics"


@dataclass(frozen=True)
class RawFile:
    """One file of the shared folder and what we say about it as a source."""

    key: str  # slug of its source IRI
    path: str  # relative to the shared folder
    title: str
    publisher: str
    issued: str | None
    upstream: str
    description: str


def _f(key: str, path: str, title: str, pub: str, issued: str | None, up: str, desc: str) -> RawFile:
    return RawFile(key, path, title, pub, issued, up, desc)


_DERIVED = "Derived by the project from the upstream file named in dcterms:source: "
FILES: dict[str, RawFile] = {
    f.key: f
    for f in (
        _f(
            "ods-epcmem-2019-08",
            "raw/nhsconnect-prm-gp2gp/epcmem_2019-08.csv",
            "ODS epcmem: GP practice membership of parent commissioners (August 2019)",
            _NHSD,
            "2019-08-30",
            _GP2GP + "data/epcmem.csv",
            "Dated membership of every GP practice in its PCG, LHG, PCT, care trust, "
            "LHB or CCG, 1999-04-01 to 2019-08; left date is the last day of membership.",
        ),
        _f(
            "ods-epraccur-2019-10",
            "raw/nhsconnect-prm-gp2gp/epraccur_2019-10.csv",
            "ODS epraccur: GP practices and prescribing cost centres (October 2019)",
            _NHSD,
            "2019-10-03",
            _GP2GP + "data/epraccur.csv",
            "Names, open and close dates and prescribing settings.",
        ),
        _f(
            "ods-epraccur-2016-02",
            "raw/openprescribing/epraccur_2016-02.csv",
            "ODS epraccur: GP practices and prescribing cost centres (February 2016)",
            _NHSD,
            "2016-02-11",
            _OP + "cd493fc08aa6975c41141bed6a2bb4678da21951" + _OP_CODES + "epraccur.csv",
            "Names, open and close dates and prescribing settings.",
        ),
        _f(
            "derived-epcmem-parent-transitions",
            "raw/nhsconnect-prm-gp2gp/DERIVED_parent_transitions_from_epcmem.csv",
            "Parent transitions of GP practices derived from ODS epcmem (August 2019)",
            "NHS commissioning history project",
            None,
            _GP2GP + "data/epcmem.csv",
            _DERIVED + "consecutive memberships of a practice where the left date "
            "plus one day is the next join date, counted per (from parent, to parent, date).",
        ),
        _f(
            "derived-epcmem-parent-spans",
            "raw/nhsconnect-prm-gp2gp/DERIVED_parent_code_spans_from_epcmem.csv",
            "Parent code spans derived from ODS epcmem (August 2019)",
            "NHS commissioning history project",
            None,
            _GP2GP + "data/epcmem.csv",
            _DERIVED + "earliest join and latest left date of each parent code.",
        ),
        _f(
            "ons-pco-2012",
            "raw/openprescribing/PCO_2012.csv",
            "ONS primary care organisations (2012) names and codes",
            _ONS_PUB,
            "2012",
            _OP + _OP_MAIN + _OP_CODES + "PCO_2012.csv",
            "GSS and ODS codes and names of PCTs.",
        ),
        _f(
            "ons-pco12-sha12-lookup",
            "raw/openprescribing/PCO12_SHA12_EN_LU.csv",
            "ONS primary care organisations (2012) to strategic health authorities (2012) lookup",
            _ONS_PUB,
            "2012",
            _OP + _OP_MAIN + _OP_CODES + "PCO12_SHA12_EN_LU.csv",
            "PCT to SHA lookup, 2012.",
        ),
        _f(
            "ons-sha-2012",
            "raw/openprescribing/SHA_2012.csv",
            "ONS strategic health authorities (2012) names and codes",
            _ONS_PUB,
            "2012",
            _OP + _OP_MAIN + _OP_CODES + "SHA_2012.csv",
            "GSS and ODS codes of the 10 SHAs.",
        ),
        _f(
            "ons-ccg-apr-2013",
            "raw/openprescribing/CCG_APR_2013.csv",
            "ONS clinical commissioning groups (April 2013) names and codes",
            _ONS_PUB,
            "2013-04",
            _OP + _OP_MAIN + _OP_CODES + "CCG_APR_2013.csv",
            "211 CCGs.",
        ),
        _f(
            "ons-ccg13-nhsat13-lookup",
            "raw/openprescribing/CCG13_NHSAT13_NHSCR13_EW_LU.csv",
            "ONS CCG (2013) to NHS area team to NHS commissioning region lookup",
            _ONS_PUB,
            "2013-04",
            _OP + _OP_MAIN + _OP_CODES + "CCG13_NHSAT13_NHSCR13_EW_LU.csv",
            "As at 1 April 2013.",
        ),
        _f(
            "ons-nhsat-apr-2013",
            "raw/openprescribing/NHSAT_APR_2013_EN_NC.csv",
            "ONS NHS area teams (April 2013) names and codes",
            _ONS_PUB,
            "2013-04",
            _OP + _OP_MAIN + _OP_CODES + "NHSAT_APR_2013_EN_NC.csv",
            "25 area teams.",
        ),
        _f(
            "openprescribing-area-teams",
            "raw/openprescribing/at.csv",
            "Area team GSS to ODS codes (OpenPrescribing)",
            "EBM DataLab (from ONS and HSCIC)",
            None,
            _OP + _OP_MAIN + _OP_CODES + "at.csv",
            "Maps the E39 code of each area team to its ODS Q code.",
        ),
        _f(
            "ods-eccg-2016-02",
            "raw/openprescribing/eccg_2016-02.csv",
            "ODS eccg: CCGs and commissioning hubs (February 2016)",
            _NHSD,
            "2016-02-11",
            _OP + "6e98b609f3366c969e669fc320aa03288bf71e81" + _OP_CODES + "eccg.csv",
            "CCGs and hubs with region, area team or local office, open and close dates.",
        ),
        _f(
            "ods-eccg-2018-11",
            "raw/openprescribing/eccg_2018-11.csv",
            "ODS eccg: CCGs and commissioning hubs (November 2018)",
            _NHSD,
            "2018-11",
            _OP + "326ee35b33506ce6404da98c29c02ea7c98b4fa0"
            "/openprescribing/pipeline/data/ccg_details/2018_11/eccg.csv",
            "CCGs and hubs with local office.",
        ),
        _f(
            "ods-eauth-2018-11",
            "raw/openprescribing/eauth_2018-11.csv",
            "ODS eauth: NHS England regions and local offices (November 2018)",
            _NHSD,
            "2018-11",
            _OP + "326ee35b33506ce6404da98c29c02ea7c98b4fa0"
            "/openprescribing/pipeline/data/region_details/2018_11/eauth.csv",
            "Regions and local offices.",
        ),
        _f(
            "ods-eccg-2025-12",
            "raw/jhau-nhs-spend/eccg_2025-12.csv",
            "ODS eccg: CCGs, sub-ICB locations and commissioning hubs (December 2025)",
            "NHS England Organisation Data Service",
            "2025-12",
            _SPEND + "eccg.csv",
            "Every CCG 2013-2022 with open and close dates; sub-ICB locations with their ICB.",
        ),
        _f(
            "ons-icb-2024",
            "raw/jhau-nhs-spend/ICB24_EN_NC.csv",
            "ONS integrated care boards (December 2024) names and codes",
            _ONS_PUB,
            "2024-12",
            _SPEND + "icb_names_codes_dec_2024.csv",
            "The 42 ICBs.",
        ),
        _f(
            "ons-ccg17-nc",
            "raw/ons-lookups/CCG17_EN_NC_v3.csv",
            "ONS CCGs (April 2017) names and codes v3",
            _ONS_PUB,
            "2017-04",
            _ONS + "270.csv",
            "207 CCGs.",
        ),
        _f(
            "ons-ccg19-nc",
            "raw/ons-lookups/CCG19_EN_NC.csv",
            "ONS CCGs (April 2019) names and codes",
            _ONS_PUB,
            "2019-04",
            _ONS + "273.csv",
            "191 CCGs.",
        ),
        _f(
            "ons-ccg20-nc",
            "raw/ons-lookups/CCG20_EN_NC.csv",
            "ONS CCGs (April 2020) names and codes",
            _ONS_PUB,
            "2020-04",
            _ONS + "245.csv",
            "135 CCGs.",
        ),
        _f(
            "ons-ccg17-stp17-lookup",
            "raw/ons-lookups/CCG17_STP17_EN_LU_v3.csv",
            "ONS CCG to STP (April 2017) lookup v3",
            _ONS_PUB,
            "2017-04",
            _ONS + "066.csv",
            "CCG to STP.",
        ),
        _f(
            "ons-ccg18-stp18-lookup",
            "raw/ons-lookups/CCG18_STP18_EN_LU_v2.csv",
            "ONS CCG to STP (April 2018) lookup v2",
            _ONS_PUB,
            "2018-04",
            _ONS + "065.csv",
            "CCG to STP.",
        ),
        _f(
            "ons-ccg19-stp19-lookup",
            "raw/ons-lookups/CCG19_STP19_EN_LU.csv",
            "ONS CCG to STP (April 2019) lookup",
            _ONS_PUB,
            "2019-04",
            _ONS + "028.csv",
            "CCG to STP.",
        ),
        _f(
            "ons-ccg20-stp20-lookup",
            "raw/ons-lookups/CCG20_STP20_EN_LU.csv",
            "ONS CCG to STP (April 2020) lookup",
            _ONS_PUB,
            "2020-04",
            _ONS + "031.csv",
            "CCG to STP, with the STP ODS code.",
        ),
        _f(
            "ons-stp20-nc",
            "raw/ons-lookups/STP20_EN_NC.csv",
            "ONS STPs (April 2020) names and codes",
            _ONS_PUB,
            "2020-04",
            _ONS + "268.csv",
            "42 STPs with GSS and ODS codes.",
        ),
        _f(
            "ons-ics19-nc",
            "raw/ons-lookups/ICS19_EN_NC.csv",
            "ONS integrated care systems (December 2019) names and codes",
            _ONS_PUB,
            "2019-12",
            _ONS + "232.csv",
            "The 10 first-wave ICSs (E59).",
        ),
        _f(
            "ons-ccg17-nhsrlo17-lookup",
            "raw/ons-lookups/CCG17_NHSRLO17_NHSER17_EN_LU_v3.csv",
            "ONS CCG to NHS England local office to region (April 2017) lookup v3",
            _ONS_PUB,
            "2017-04",
            _ONS + "222.csv",
            "CCG to local office (E39) to region (E40).",
        ),
        _f(
            "ons-ccg18-nhsrlo18-lookup",
            "raw/ons-lookups/CCG18_NHSRLO18_NHSER18_EN_LU.csv",
            "ONS CCG to NHS England local office to region (April 2018) lookup",
            _ONS_PUB,
            "2018-04",
            _ONS + "202.csv",
            "CCG to local office to region, with ODS codes.",
        ),
        _f(
            "ons-nhser19-nc",
            "raw/ons-lookups/NHSER19_EN_NC.csv",
            "ONS NHS England regions (April 2019) names and codes",
            _ONS_PUB,
            "2019-04",
            _ONS + "246.csv",
            "7 regions.",
        ),
        _f(
            "ons-ccg-lad-pairs-2015-2020",
            "raw/ons-lookups/DERIVED_CCG_LAD_pairs_from_LSOA11_lookups_2015_2020.csv",
            "CCG to local authority district pairs derived from ONS LSOA lookups 2015-2020",
            "NHS commissioning history project",
            None,
            _ONS + "219.csv",
            _DERIVED
            + "distinct (CCG, LAD) pairs with LSOA counts from the ONS LSOA (2011) to CCG to LAD lookups "
            "of July 2015 and April 2016-2020 (csv/212, 211, 226, 216, 217 and 219 upstream; "
            "the newest is named).",
        ),
        _f(
            "elahmo-pct12-ccg13-postcode-share",
            "raw/elahmo-dsfood/DERIVED_PCT12_to_CCG13_postcode_share.csv",
            "PCT (2012) to CCG (2013) postcode shares (unverified copy)",
            "elahmo/dsfood (student project)",
            None,
            _ELAHMO + "app/static/csv/ccg2ons.js",
            _DERIVED + "a JSON array re-written as CSV. Unverified: no "
            "licence, provenance undocumented; looks like the ONS PCT to CCG postcode-share lookup.",
        ),
        _f(
            "curated-pcts-2002-2006",
            "curated/pcts_2002_2006.csv",
            "Curated PCTs and care trusts 2002-2006",
            "NHS commissioning history project",
            None,
            "file:shared/data/curated/pcts_2002_2006.csv",
            "Names of 2002-2006 PCT codes from public web pages, "
            "with the method used to match each name to its code, and the SHA of each PCT.",
        ),
        _f(
            "curated-shas-2002-2006",
            "curated/shas_2002_2006.csv",
            "Curated strategic health authorities 2002-2006",
            "NHS commissioning history project",
            None,
            "",
            "The 28 SHAs of 2002-2006 and their 2006 successors.",
        ),
        *(_f(*entry) for entry in PRESENT_FILES),
    )
}


# Sources cited here but described by another converter (the curated one), so not written twice.
EXTERNAL = {"curated-shas-2002-2006"}


def source_iri(key: str) -> str:
    """The IRI of a raw file's source node, by its key in FILES."""
    return iris.source(FILES[key].key)


BY_PATH: dict[str, str] = {f.path: key for key, f in FILES.items()}


def key_for_path(path: str) -> str:
    """The key of the raw file at `path` (relative to the shared folder's data/); KeyError if unknown."""
    return BY_PATH[path.strip()]


def source_for_path(path: str) -> str:
    """The source IRI of the raw file at `path` (relative to the shared folder's data/)."""
    return source_iri(key_for_path(path))


def describe(g: Triples, key: str) -> str:
    """Write the nhs:DataFile node of one file; returns its IRI."""
    f = FILES[key]
    node = source_iri(key)
    Source(
        iri=node,
        cls="DataFile",
        title=f.title,
        publisher=f.publisher,
        issued=f.issued,
        licence=None if f.path.startswith("curated/") else OGL,
        description=f.description + f" (Copy in the shared folder: {f.path}.)",
        upstream=f.upstream or None,
    ).add_to(g)
    return node
