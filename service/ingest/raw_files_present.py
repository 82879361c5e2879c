"""The raw files of the present day (2021-2026): ODS epraccur snapshots, the ICB mergers of April 2026 and the
ONS sub-ICB location lookup of July 2022 (SOURCES.md sections 6-8). Registered in `raw_files.FILES`.

Each entry: (key, path, title, publisher, issued, upstream, description).
"""

from __future__ import annotations

_GH = "https://github.com/"
_NHSE = "NHS England Organisation Data Service"
_ONS_PUB = "Office for National Statistics"
_MERGERS = "raw/ods-icb-mergers-2026/"
_XLSX = "ODS_Change_Summary_ICB_Mergers_Phase_1_Apr_2026.xlsx"
_RCPCH = (
    _GH + "rcpch/rcpch-nhs-organisations/blob/2346f35eab95398019951698a99cab26da57b749/"
    "documentation/docs/developer/icb-history.md"
)
_EPRACCUR_DESC = (
    "Every GP practice and prescribing cost centre: name, open and close dates, status, prescribing setting, "
    "commissioner (column 15: CCG before 1 July 2022, sub-ICB location from then) with its join and left "
    "dates, and column 4 (STP before 1 July 2022, ICB from then)."
)

# (key, file name, release, upstream repository @ commit / path)
_EPRACCUR = (
    (
        "2021-11",
        "OliviaKBryant/lshtm-data-challenge",
        "c1942201b980d9a4b9f12749122a74dfeaaa5f35",
        "data/epraccur.csv",
    ),
    ("2023-02", "psychty/child_immunisations", "8c27b310f15dae0ae66b8d85da1db7acda55bc42", "epraccur.csv"),
    (
        "2023-12",
        "hsma-programme/hsma6_geographic_optimisation_and_visualisation_book",
        "f28ce2e81a08b5b1662095bf56c77614d32e6c15",
        "data/epraccur.csv",
    ),
    (
        "2024-05",
        "andersthemagi/general-pervasive",
        "94220f2ea2a04421773a2f7fb79704d466616982",
        "epraccur.csv",
    ),
    (
        "2025-04",
        "jscuffell/practice_website_test",
        "43f2b76e22136bda395eeb92ec47f8bd0ff44130",
        "epraccur.csv",
    ),
    ("2025-09", "Priyanshpaila/Uk_frontend", "bf618d7775d7c78c2c347837b677433a60602cfb", "data/epraccur.csv"),
    (
        "2026-02",
        "benstanbury/antibiotic-prescribing-analysis",
        "875785333337beea7f1b1270b7a7c653a19a3bf8",
        "data/raw/epraccur.csv",
    ),
)

EPRACCUR_RELEASES = tuple(release for release, *_ in _EPRACCUR)


def epraccur_key(release: str) -> str:
    return f"ods-epraccur-{release}"


def _epraccur_entries() -> list[tuple[str, str, str, str, str | None, str, str]]:
    out: list[tuple[str, str, str, str, str | None, str, str]] = []
    for release, repo, commit, path in _EPRACCUR:
        out.append(
            (
                epraccur_key(release),
                f"raw/ods-epraccur/epraccur_{release}.csv",
                f"ODS epraccur: GP practices and prescribing cost centres ({release})",
                _NHSE,
                release,
                f"{_GH}{repo}/blob/{commit}/{path}",
                _EPRACCUR_DESC
                + (
                    " Newer ODS export format: status ACTIVE/INACTIVE/DORMANT, role codes in column 26."
                    if release == "2026-02"
                    else ""
                ),
            )
        )
    return out


_MERGER_UP = _GH + "Will-Suvera/Tech-growth-map/blob/0449113e71ffbb7dceee8ccee29baa7d261dd24a/"
_SHEETS = ("Summary", "ICB_Footprints", "SICBL_Changes", "GP_Practice_Moves")


def _merger_entries() -> list[tuple[str, str, str, str, str | None, str, str]]:
    out = [
        (
            "ods-icb-mergers-2026",
            _MERGERS + _XLSX,
            "Integrated Care Board Mergers - Phase 1 April 2026 - Change Summary (version 1)",
            _NHSE,
            "2025-11-06",
            _MERGER_UP + _XLSX,
            "The 12 ICBs legally closed on 31 March 2026, the six new ICBs and QRL's boundary change from "
            "1 April 2026, sub-ICB locations renamed, closed (D4U1Y) and created, and GP practice moves.",
        ),
        (
            "ods-icb-successions-2026",
            _MERGERS + "DERIVED_icb_successions_2026-04-01_from_icb-history_md.csv",
            "ICB successions of 1 April 2026 (ODS succession records, as quoted by RCPCH)",
            "NHS commissioning history project (from ODS, via rcpch/rcpch-nhs-organisations)",
            None,
            _RCPCH,
            "Derived by the project from the upstream page named in dcterms:source: the 16 predecessor-to-"
            "successor pairs of the ICBs of 1 April 2026 with the six new ICB codes, quoting the ODS API.",
        ),
    ]
    for sheet in _SHEETS:
        out.append(
            (
                f"ods-icb-mergers-2026-sheet-{sheet.lower().replace('_', '-')}",
                _MERGERS + f"DERIVED_sheet_{sheet}.csv",
                f"Sheet {sheet.replace('_', ' ')} of the ODS ICB mergers change summary (April 2026)",
                "NHS commissioning history project",
                None,
                _MERGER_UP + _XLSX,
                "One worksheet of the change summary written out as CSV, values unchanged.",
            )
        )
    return out


PRESENT_FILES: list[tuple[str, str, str, str, str | None, str, str]] = [
    *_epraccur_entries(),
    *_merger_entries(),
    (
        "ons-loc22-icb22-nhser22-lookup",
        "raw/ons-lookups/LOC22_ICB22_NHSER22_EN_LU.csv",
        "ONS sub ICB locations to integrated care boards to NHS England (region) (July 2022) lookup",
        _ONS_PUB,
        "2022-07",
        _GH + "craig-shenton/cqc-icb-lookup/blob/2415e278a01b08befd10ad28dc9d20d0d878830f/"
        "data/LOC22_ICB22_NHSER22_EN_LU.csv",
        "The 106 sub-ICB locations (E38 and ODS codes) with their ICB (E54, Q code) and region "
        "(E40, Y code).",
    ),
]


def sheet_key(sheet: str) -> str:
    return f"ods-icb-mergers-2026-sheet-{sheet.lower().replace('_', '-')}"
