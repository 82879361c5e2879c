"""SHA clusters and PCT clusters 2011-2013 (sha_clusters_2011.csv, pct_clusters_2011.csv).

Every row of pct_clusters_2011.csv is one nhs:ClusterMembership, whatever its basis; `membership_basis`
becomes the caveat (named_in_source: High/Stated; count_in_source_names_inferred and
inferred_from_cluster_name: Medium/Inferred; possible_standalone: Low/Inferred), with the row's note. Where
the note calls the row UNCERTAIN or superseded, the confidence is one step lower.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from service import iris
from service.ingest import local_curated
from service.ingest.curated_common import (
    SourceBook,
    add_approximate,
    first_day,
    pct_iri,
    read_rows,
)
from service.ingest.curated_people import People
from service.ingest.model import Caveat, Organisation, Relation
from service.ingest.straddling import chosen_shas
from service.ingest.turtle import Triples

PCT_FILE = "pct_clusters_2011.csv"
SHA_FILE = "sha_clusters_2011.csv"
DATES_FILE = "pct_cluster_dates.csv"
CLUSTER_END = "2013-03-31"
SHA_CLUSTER_START = "2011-10-03"
SPANS = "raw/nhsconnect-prm-gp2gp/DERIVED_parent_code_spans_from_epcmem.csv"
BASIS: dict[str, tuple[str, str]] = {
    "named_in_source": ("High", "Stated"),
    "count_in_source_names_inferred": ("Medium", "Inferred"),
    "inferred_from_cluster_name": ("Medium", "Inferred"),
    "possible_standalone": ("Low", "Inferred"),
}
_LOWER = {"High": "Medium", "Medium": "Low", "Low": "Low"}


def pct_cluster_iri(name: str) -> str:
    return iris.org("pct-cluster", iris.slug(name))


def sha_cluster_iri(name: str) -> str:
    return iris.org("sha-cluster", iris.slug(name))


def membership_caveat(basis: str, note: str) -> Caveat:
    confidence, evidence = BASIS[basis]
    if re.search(r"UNCERTAIN|superseded", note):
        confidence = _LOWER[confidence]
    label = f"membership_basis {basis}."
    return Caveat(confidence, evidence, f"{label} {note}" if note else label)


def convert_sha_clusters(book: SourceBook, g: Triples, people: People) -> dict[str, str]:
    """The four SHA clusters; returns SHA ODS code -> its SHA cluster IRI."""
    csv_source = book.data_file(SHA_FILE, "The four SHA clusters of 2011-2013 and their member SHAs.")
    by_sha: dict[str, str] = {}
    for row in read_rows(book.folder, SHA_FILE):
        cluster = sha_cluster_iri(row["sha_cluster"])
        people.names[cluster] = row["sha_cluster"]
        sources = [csv_source, *book.cell(row["source_url"])]
        Organisation(
            cluster,
            "SHACluster",
            row["sha_cluster"],
            sources,
            founded=row["start_date"],
            dissolved=row["end_date"],
        ).add_to(g)
        sha = iris.org("sha", row["member_sha_ods_code"])
        by_sha[row["member_sha_ods_code"]] = cluster
        Relation(
            iris.membership(sha, cluster, row["start_date"]),
            "ClusterMembership",
            sha,
            cluster,
            "clusterMember",
            f"{row['member_sha']} SHA in the {row['sha_cluster']} SHA cluster",
            sources,
            row["start_date"],
            row["end_date"],
            caveat=sha_membership_caveat(row),
        ).add_to(g)
        people.hold(
            row["cluster_chief_executive"],
            cluster,
            "Chief Executive",
            (row["start_date"], row["end_date"]),
            sources,
            merge=True,
        )
    return by_sha


def sha_membership_caveat(row: dict[str, str]) -> Caveat:
    if row["membership_basis"] == "stated":
        return Caveat("High", "Stated", row["note"] or None)
    inferred = f"{row['member_sha']} membership inferred" in row["note"]
    return Caveat(
        "Medium",
        "Inferred" if inferred else "Stated",
        f"membership_basis {row['membership_basis']}. {row['note']}",
    )


def _group(rows: list[dict[str, str]]) -> dict[str, list[dict[str, str]]]:
    groups: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        groups.setdefault(row["cluster_name"], []).append(row)
    return groups


def date_rows() -> list[dict[str, str]]:
    """This repository's dates and exclusions of cluster memberships (data/curated/pct_cluster_dates.csv)."""
    return local_curated.read(DATES_FILE)


def excluded(row: dict[str, str], dates: list[dict[str, str]]) -> dict[str, str] | None:
    """The exclusion that leaves a shared row out (a membership that never was), if any."""
    for d in dates:
        if d["action"] == "exclude" and (d["cluster_name"], d["member_pct_ods_code"]) == (
            row["cluster_name"],
            row["member_pct_ods_code"],
        ):
            return d
    return None


def effective_start(row: dict[str, str], dates: list[dict[str, str]]) -> tuple[str, dict[str, str] | None]:
    """The start of a membership as the sources support it (YYYY, YYYY-MM or a full date), and the row of
    this repository's file that gives it (None where the shared row has its own)."""
    if row["start_date"]:
        return row["start_date"], None
    starts = {d["cluster_name"]: d for d in dates if d["action"] == "start"}
    chosen = starts.get(row["cluster_name"]) or starts["*"]
    return chosen["start_date"], chosen


def pct_first_days(source: Path) -> dict[str, str]:
    """PCT code -> the first day of its GP-practice membership in ODS epcmem (a PCT formed in 2011 cannot
    have joined a cluster before it existed)."""
    with (source / "data" / SPANS).open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return {r["parent_code"]: f"{d[:4]}-{d[4:6]}-{d[6:]}" for r in rows if len(d := r["earliest_join"]) == 8}


def membership_start(row: dict[str, str], dates: list[dict[str, str]], first_days: dict[str, str]) -> str:
    """The earliest day the membership can have begun: the start the sources give, or the PCT's first day."""
    start = first_day(effective_start(row, dates)[0])
    return max(start, first_days.get(row["member_pct_ods_code"], start))


def membership_iri(row: dict[str, str], dates: list[dict[str, str]], first_days: dict[str, str]) -> str:
    start = membership_start(row, dates, first_days)
    return iris.membership(pct_iri(row["member_pct_ods_code"]), pct_cluster_iri(row["cluster_name"]), start)


def _cluster_node(name: str, starts: list[str], end: str, sources: list[str], g: Triples) -> str:
    node = pct_cluster_iri(name)
    earliest = min(starts, key=first_day)
    Organisation(node, "PCTCluster", name, sources, founded=first_day(earliest), dissolved=end).add_to(g)
    add_approximate(g, node, start=earliest)
    return node


def _date_caveat(basis: Caveat, given: dict[str, str] | None) -> Caveat:
    if given is None:
        return basis
    levels = ["Low", "Medium", "High"]
    confidence = min(basis.confidence or "High", given["confidence"] or "High", key=levels.index)
    lead = (basis.note or "").rstrip(".")
    note = f"{lead}. Start: {given['note']}" if lead else f"Start: {given['note']}"
    return Caveat(confidence, "Inferred" if given["evidence"] == "Inferred" else basis.evidence, note)


def _memberships(node: str, name: str, rows: list[dict[str, str]], ctx: ClusterContext, g: Triples) -> None:
    for row in rows:
        pct = pct_iri(row["member_pct_ods_code"])
        start, given = effective_start(row, ctx.dates)
        sources = [ctx.csv_source, *ctx.book.cell(row["source_url"])]
        if given is not None:
            sources += local_curated.row_sources(ctx.book, given, ctx.local)
        link = membership_iri(row, ctx.dates, ctx.first_days)
        Relation(
            link,
            "ClusterMembership",
            pct,
            node,
            "clusterMember",
            f"{row['member_pct_name']} ({row['member_pct_ods_code']}) in {name}",
            sources,
            membership_start(row, ctx.dates, ctx.first_days),
            row["end_date"] or None,
            end_status="EndUnknown",
            caveat=_date_caveat(membership_caveat(row["membership_basis"], row["note"]), given),
        ).add_to(g)
        add_approximate(g, link, start=start)


@dataclass(frozen=True)
class ClusterContext:
    """What every cluster's conversion needs: the source book, the two files' source nodes and the dates."""

    book: SourceBook
    csv_source: str
    local: str
    dates: list[dict[str, str]]
    first_days: dict[str, str]  # PCT code -> its first day in ODS epcmem


@dataclass(frozen=True)
class SHAWeights:
    """What decides a cluster's one SHA: straddling PCT code -> its chosen SHA's name, and PCT code -> its
    number of distinct GP practices in ODS epcmem."""

    straddlers: dict[str, str]
    practices: dict[str, int]


def sha_weights(source: Path, shas: dict[str, str]) -> SHAWeights:
    name_of = {code: name for name, code in shas.items()}
    straddlers = {pct: name_of[sha] for pct, (sha, _) in chosen_shas(source).items()}
    path = source / "data" / SPANS
    with path.open(encoding="utf-8-sig", newline="") as handle:
        practices = {r["parent_code"]: int(r["n_distinct_practices"]) for r in csv.DictReader(handle)}
    return SHAWeights(straddlers, practices)


def cluster_sha(rows: list[dict[str, str]], straddlers: dict[str, str], practices: dict[str, int]) -> str:
    """The SHA of the majority of the member PCTs (a straddling PCT counted under its chosen SHA); a tie goes
    to the SHA whose members had the most GP practices in ODS epcmem."""
    votes: dict[str, tuple[int, int]] = {}
    for r in rows:
        sha = straddlers.get(r["member_pct_ods_code"], r["sha"])
        members, size = votes.get(sha, (0, 0))
        votes[sha] = (members + 1, size + practices.get(r["member_pct_ods_code"], 0))
    return max(sorted(votes), key=lambda sha: votes[sha])


def _accountabilities(
    node: str,
    name: str,
    rows: list[dict[str, str]],
    sources: list[str],
    shas: dict[str, str],
    sha_clusters: dict[str, str],
    g: Triples,
    weights: SHAWeights,
    dates: list[dict[str, str]],
) -> None:
    """Cluster -> the SHA of its member PCTs (ONS lookup), and -> that SHA's SHA cluster (from 2011-10-03)."""
    sha_name = cluster_sha(rows, weights.straddlers, weights.practices)
    others = sorted({part for r in rows for part in r["sha"].split("/")} - {sha_name})
    start = min(first_day(effective_start(r, dates)[0]) for r in rows)
    end = max(r["end_date"] for r in rows)
    note = "Inferred: the SHA of the member PCTs in the ONS PCO 2012 to SHA 2012 lookup."
    if others:
        note = (
            f"Inferred: the SHA of the majority of the member PCTs in the ONS PCO 2012 to SHA 2012 lookup "
            f"(a straddling PCT counted under one SHA, a tie broken by GP practices in ODS epcmem); "
            f"members also lie in {', '.join(others)}."
        )
    sha = iris.org("sha", shas[sha_name])
    Relation(
        iris.accountability(node, sha, start),
        "Accountability",
        node,
        sha,
        "accountableTo",
        f"{name} accountable to the {sha_name} SHA",
        sources,
        start,
        end,
        caveat=Caveat("Low" if others else "Medium", "Inferred", note),
    ).add_to(g)
    cluster = sha_clusters[shas[sha_name]]
    begins = max(start, SHA_CLUSTER_START)
    Relation(
        iris.accountability(node, cluster, begins),
        "Accountability",
        node,
        cluster,
        "accountableTo",
        f"{name} accountable to the SHA cluster of the {sha_name} SHA",
        sources,
        begins,
        end,
        caveat=Caveat("Medium", "Inferred", note + " SHA clusters took over from 3 October 2011."),
    ).add_to(g)


def _chief_executives(node: str, rows: list[dict[str, str]], sources: list[str], people: People) -> None:
    for entry in filter(None, (e.strip() for e in rows[0]["cluster_chief_executive"].split(";"))):
        match = re.match(r"([^()]+?)\s*(?:\(([^)]*)\))?$", entry)
        if not match:
            continue
        name, status = match.groups()
        note = f"Source: {status}." if status else None
        people.hold(name, node, "Chief Executive", ("", ""), sources, Caveat(note=note), merge=True)


def convert_pct_clusters(
    book: SourceBook,
    g: Triples,
    people: People,
    shas: dict[str, str],
    sha_clusters: dict[str, str],
    weights: SHAWeights,
    source: Path,
) -> None:
    """Every PCT cluster with its members, accountability and chief executives."""
    csv_source = book.data_file(PCT_FILE, "PCT clusters of 2011-2013: one row per cluster and member PCT.")
    local = local_curated.data_file(
        book, DATES_FILE, "Start dates of the PCT clusters of 2011-2013 and memberships that never were."
    )
    ctx = ClusterContext(book, csv_source, local, date_rows(), pct_first_days(source))
    rows = [r for r in read_rows(book.folder, PCT_FILE) if excluded(r, ctx.dates) is None]
    for name, members in _group(rows).items():
        sources = sorted({csv_source, *(s for r in members for s in book.cell(r["source_url"]))})
        givens = [given for r in members if (given := effective_start(r, ctx.dates)[1]) is not None]
        dated = sorted(
            {*sources, *(s for given in givens[:1] for s in local_curated.row_sources(book, given, local))}
        )
        starts = [effective_start(r, ctx.dates)[0] for r in members]
        node = _cluster_node(name, starts, max(r["end_date"] for r in members), dated, g)
        people.names[node] = name
        _memberships(node, name, members, ctx, g)
        _accountabilities(node, name, members, dated, shas, sha_clusters, g, weights, ctx.dates)
        _chief_executives(node, members, sources, people)
