"""The one SHA (2006-2013) of a PCT that the ONS PCO 2012 to SHA 2012 lookup lists under two.

Rule: the 2006 SHA that succeeded the PCT's own 2002-06 SHA (curated pcts_2002_2006 and shas_2002_2006); for a
PCT founded on 2006-10-01, that of the predecessor PCTs whose practices moved into it that day (the SHA with
the most moved practices). The result must be one of the SHAs of the lookup; otherwise there is no choice.
Both converters read it: the ODS one for PCT accountability, the curated one for the PCT clusters.
"""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

LOOKUP = "raw/openprescribing/PCO12_SHA12_EN_LU.csv"
TRANSITIONS = "raw/nhsconnect-prm-gp2gp/DERIVED_parent_transitions_from_epcmem.csv"
PCTS = "curated/pcts_2002_2006.csv"
SHAS = "curated/shas_2002_2006.csv"


def _rows(root: Path, path: str) -> list[dict[str, str]]:
    with (root / "data" / path).open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _successor_sha(root: Path) -> dict[str, str]:
    """PCT code -> the 2006 SHA (ODS) that succeeded its 2002-06 SHA."""
    succ = {r["name"]: r["successor_sha_2006_ods"] for r in _rows(root, SHAS)}
    out = {}
    for row in _rows(root, PCTS):
        sha = row["sha_2002_2006"].split(" (")[0].strip()
        code = succ.get(f"{sha} Strategic Health Authority", "")
        if code:
            out[row["ods_code"]] = code
    return out


def chosen_shas(root: Path) -> dict[str, tuple[str, list[str]]]:
    """Straddling PCT code -> (the chosen SHA's ODS code, the other SHAs of the lookup)."""
    listed: dict[str, list[str]] = {}
    for row in _rows(root, LOOKUP):
        listed.setdefault(row["PCO12CDO"], []).append(row["SHA12CDO"])
    own = _successor_sha(root)
    moved_in: dict[str, Counter[str]] = {}
    for row in _rows(root, TRANSITIONS):
        if row["transition_date"] == "20061001" and row["from_parent_code"] in own:
            votes = moved_in.setdefault(row["to_parent_code"], Counter())
            votes[own[row["from_parent_code"]]] += int(row["n_practices"])
    out = {}
    for code, shas in listed.items():
        if len(shas) < 2:
            continue
        votes = moved_in.get(code, Counter())
        choice = own.get(code) or (votes.most_common(1)[0][0] if votes else None)
        if choice in shas:
            out[code] = (choice, sorted(s for s in shas if s != choice))
    return out
