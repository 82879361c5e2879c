"""The ICB mergers of 1 April 2026 (42 ICBs become 36), from the ODS change summary and succession records.

Twelve ICBs were legally closed on 31 March 2026; six new ICBs began on 1 April 2026; QRL (Hampshire and
Isle of Wight) gained part of Frimley. Succession comes only from the predecessor-successor pairs of the ODS
succession table: one merger event per new ICB, its originals the predecessors the table pairs with it, so no
cross product is made. QRL's gain is part of the reorganisation, not a succession (QRL lives on).
Sub-ICB locations: 23 kept their codes and were renamed, moving to a new ICB; D4U1Y (Frimley) closed and its
practices moved (GP Practice Moves sheet); one new Thames Valley sub-ICB location began, its code "to be
confirmed" in the change summary and in no other source read, so it is keyed by name.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from service import iris
from service.ingest.model import Caveat, ChangeEvent, Organisation
from service.ingest.ods_common import Context
from service.ingest.raw_files_present import sheet_key

LAST_DAY = "2026-03-31"
FIRST_DAY = "2026-04-01"
SUMMARY = "ods-icb-mergers-2026"
SUCCESSIONS = "ods-icb-successions-2026"
FRIMLEY_SUB_ICB = "D4U1Y"
NEW_THAMES_VALLEY = "thames-valley-2026"  # IRI key of the new sub-ICB location (no code in the sources)
THAMES_VALLEY_ICB = "S0E4D"
GAINING_ICB = "QRL"  # boundary change only: keeps its code and name


@dataclass
class Mergers2026:
    """What the change summary and the succession table say, read once."""

    closed_icbs: dict[str, str] = field(default_factory=dict)  # code -> name (the 12)
    new_icbs: dict[str, str] = field(default_factory=dict)  # code -> name (the 6)
    predecessors: dict[str, list[str]] = field(default_factory=dict)  # successor -> its predecessors
    renamed: dict[str, tuple[str, str]] = field(default_factory=dict)  # sub-ICB code -> (old, new name)
    new_icb_of: dict[str, str] = field(default_factory=dict)  # sub-ICB code -> ICB from 1 April 2026
    practice_moves: dict[str, str] = field(default_factory=dict)  # practice -> receiving sub-ICB key

    def sources(self, ctx: Context) -> list[str]:
        return [ctx.src(SUMMARY), ctx.src(SUCCESSIONS)]


def read_mergers(ctx: Context) -> Mergers2026:
    m = Mergers2026()
    for row in ctx.table(SUCCESSIONS):
        pred, succ = row["predecessor_ods"], row["successor_ods"]
        if pred != succ:
            m.predecessors.setdefault(succ, []).append(pred)
        if succ != GAINING_ICB:
            m.new_icbs[succ] = f"{row['successor_name']} Integrated Care Board"
        m.closed_icbs[pred] = row["predecessor_name"]
    _read_sub_icb_changes(ctx, m)
    _read_practice_moves(ctx, m)
    return m


def _read_sub_icb_changes(ctx: Context, m: Mergers2026) -> None:
    """The 23 renamed sub-ICB locations, and each one's new ICB (named in the new name)."""
    name_to_code = {name.upper(): code for code, name in m.new_icbs.items()}
    in_table = False
    for row in ctx.rows(sheet_key("SICBL_Changes")):
        if row[0] == "Sub ICB Location Code" and len(row) > 3 and row[3] == "New Sub ICB Location Name":
            in_table = True
            continue
        if in_table and not row[0].strip():
            break
        if in_table:
            code, old, new = row[0].strip(), row[1].strip(), row[3].strip()
            m.renamed[code] = (old, new)
            icb_name = new.rsplit(" ICB - ", 1)[0] + " INTEGRATED CARE BOARD"
            m.new_icb_of[code] = name_to_code[icb_name]


def _read_practice_moves(ctx: Context, m: Mergers2026) -> None:
    """Practices (and other prescribing cost centres) moved out of D4U1Y: practice -> receiving key."""
    for row in ctx.rows(sheet_key("GP_Practice_Moves")):
        if len(row) < 3 or not row[0].startswith("NHS ") or " ICB - " not in row[0]:
            continue
        code, receiving = row[1].strip(), row[0].rsplit(" - ", 1)[1].strip()
        if not code or code == "SICBL Code":
            continue
        m.practice_moves[code] = NEW_THAMES_VALLEY if receiving.startswith("[") else receiving


def new_icb_nodes(ctx: Context, m: Mergers2026) -> list[Organisation]:
    out = []
    for code, name in sorted(m.new_icbs.items()):
        out.append(
            Organisation(
                iri=iris.org("icb", code),
                cls="IntegratedCareBoard",
                label=name,
                alt_labels=[name.replace("Integrated Care Board", "ICB")],
                sources=m.sources(ctx),
                ods=code,
                founded=FIRST_DAY,
                end_status="Current",
                caveat=Caveat(
                    "High",
                    "Stated",
                    f"ODS code {code}: the five-character form, from the ODS succession records.",
                ),
            )
        )
    return out


def merger_events(ctx: Context, m: Mergers2026, label_of: dict[str, str]) -> list[ChangeEvent]:
    """One merger per new ICB (its predecessors from the succession table), within one reorganisation
    that also holds QRL's boundary change and the closures."""
    reorg = iris.event(FIRST_DAY, "icb-mergers-phase-1")
    events = []
    for succ, preds in sorted(m.predecessors.items()):
        if succ == GAINING_ICB:
            continue
        names = ", ".join(label_of.get(iris.org("icb", p), p) for p in sorted(preds))
        events.append(
            ChangeEvent(
                iri=iris.event(FIRST_DAY, f"icb-{succ}-established"),
                cls="Merger",
                day=FIRST_DAY,
                label=f"{m.new_icbs[succ]} established from {names}, 1 April 2026",
                sources=m.sources(ctx),
                originals=[iris.org("icb", p) for p in sorted(preds)],
                results=[iris.org("icb", succ)],
                part_of=reorg,
                description="Predecessors as the ODS succession records pair them with this ICB; an ICB "
                "split between two new ICBs is a predecessor of each.",
            )
        )
    frimley = ", ".join(sorted(m.predecessors.get(GAINING_ICB, [])))
    events.append(
        ChangeEvent(
            iri=reorg,
            cls="Reorganisation",
            day=FIRST_DAY,
            label="ICB mergers, phase 1: 42 integrated care boards become 36, 1 April 2026",
            sources=m.sources(ctx),
            originals=[iris.org("icb", c) for c in sorted(m.closed_icbs)] + [iris.org("icb", GAINING_ICB)],
            results=[iris.org("icb", c) for c in sorted(m.new_icbs)] + [iris.org("icb", GAINING_ICB)],
            description="Twelve ICBs legally closed on 31 March 2026 and six new ICBs began on 1 April "
            f"2026. {GAINING_ICB} (NHS Hampshire and Isle of Wight) kept its code and gained 101 LSOAs of "
            f"{frimley} (NHS Frimley), which joined its sub-ICB location D9Y0V.",
        )
    )
    return events
