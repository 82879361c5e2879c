"""The rules that keep relations within lifetimes and events on the right day (docs/data-quality.md)."""

from __future__ import annotations

from pathlib import Path

from service import iris
from service.ingest.curated_clusters import cluster_sha
from service.ingest.model import ChangeEvent, Relation
from service.ingest.ods_ccgs import Ccg, align_founding
from service.ingest.ods_common import Context
from service.ingest.ods_events import Lives, Move, sort_predecessors
from service.ingest.ods_lifetimes import Lifetimes, earliest_founding, parents_of, within_lifetime

PRACTICE = iris.org("practice", "A81001")
OLD, MID, NEW = (iris.org("ccg", c) for c in ("00K", "16C", "99Z"))


def open_membership() -> Relation:
    return Relation(
        iris.membership(PRACTICE, OLD, "2013-04-01"),
        "PracticeMembership",
        PRACTICE,
        OLD,
        "memberPractice",
        "fixture",
        ["epcmem"],
        "2013-04-01",
        None,
        end_status="Current",
    )


def merger(day: str, original: str, result: str) -> ChangeEvent:
    return ChangeEvent(iris.event(day, "m"), "Merger", "m", day, ["eccg"], [original], [result])


def lifetimes() -> Lifetimes:
    ends = {OLD: ("2020-03-31", "eccg"), MID: ("2021-03-31", "eccg"), NEW: ("2022-06-30", "eccg")}
    events = [merger("2020-04-01", OLD, MID), merger("2021-04-01", MID, NEW)]
    return Lifetimes(parents_of(ends, events))


def test_open_membership_ends_with_its_ccg_and_follows_the_mergers() -> None:
    lives = lifetimes()
    kept = within_lifetime(Context(Path(".")), open_membership(), lives, None)
    spans = [(r.organisation, r.start, r.end, r.end_status) for r in kept]
    assert spans == [
        (OLD, "2013-04-01", "2020-03-31", None),
        (MID, "2020-04-01", "2021-03-31", None),
        (NEW, "2021-04-01", "2022-06-30", None),
    ]
    assert kept[1].iri == iris.membership(PRACTICE, MID, "2020-04-01")
    assert all(r.caveat and r.caveat.confidence == "Medium" and r.caveat.evidence == "Inferred" for r in kept)
    assert "eccg" in kept[1].sources and (lives.ended, lives.inferred) == (1, 2)


def test_inferred_membership_stops_before_the_next_recorded_one() -> None:
    kept = within_lifetime(Context(Path(".")), open_membership(), lifetimes(), "2020-07-05")
    assert [(r.organisation, r.end) for r in kept] == [(OLD, "2020-03-31"), (MID, "2020-07-04")]


def test_membership_within_the_lifetime_is_untouched() -> None:
    rel = open_membership()
    rel.end, rel.end_status = "2019-03-31", None
    assert within_lifetime(Context(Path(".")), rel, lifetimes(), None) == [rel]


def test_practice_founded_at_its_first_membership_when_epraccur_is_later() -> None:
    founded, note = earliest_founding("2015-04-01", "2015-03-05")
    assert founded == "2015-03-05" and note and "2015-04-01" in note
    assert earliest_founding("2015-04-01", "2015-04-01") == ("2015-04-01", None)


def test_body_that_lived_on_is_a_partial_transfer_not_an_original() -> None:
    lives = Lives({"00D": "2013-04-01"}, {"00J": "2020-03-31", "00K": "2015-03-04", "00W": "2014-01-01"})
    links = [Move(c, "00D", "2015-03-05", 1) for c in ("00J", "00K", "00W")]
    assert sort_predecessors(links, "2015-03-05", lives) == (["00K"], ["00J"])


def test_ccg_founded_when_its_predecessors_closed() -> None:
    ccgs = {
        "00F": Ccg("00F", "GATESHEAD", "2013-04-01", "2015-03-31", False, "QHM"),
        "13T": Ccg("13T", "NEWCASTLE GATESHEAD", "2014-11-26", "2022-06-30", True, "QHM"),
    }
    align_founding(ccgs, {"00F": "2013-04-01", "13T": "2015-04-01"})
    assert ccgs["13T"].founded == "2015-04-01" and "2014-11-26" in ccgs["13T"].notes[0]
    assert ccgs["00F"].founded == "2013-04-01"


def test_cluster_sha_by_majority_then_by_practices() -> None:
    rows = [
        {"member_pct_ods_code": "5CQ", "sha": "South Central"},
        {"member_pct_ods_code": "5PD", "sha": "East Midlands"},
    ]
    assert cluster_sha(rows, {}, {"5CQ": 40, "5PD": 111}) == "East Midlands"
    rows.append({"member_pct_ods_code": "5QG", "sha": "South East Coast/South Central"})
    assert cluster_sha(rows, {"5QG": "South Central"}, {"5PD": 111}) == "South Central"
