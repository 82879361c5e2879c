"""PCTs and care trusts 2000-2013, the 10 SHAs of 2006-2013, and PCT accountability to SHAs."""

from __future__ import annotations

import re

from service import iris
from service.ingest.model import Caveat, Organisation, Relation, day_after, long_date
from service.ingest.names import Life, plain_label
from service.ingest.national import NHS_REFORM_ACT_2002
from service.ingest.ods_common import Context
from service.ingest.ods_practices import LIFETIME_NOTE, Span, parent_kind
from service.ingest.straddling import chosen_shas
from service.ingest.turtle import Triples

SHA_START, SHA_END = "2006-07-01", "2013-03-31"
SHA2002_START, SHA2002_END = "2002-04-01", "2006-06-30"
_SUFFIX = re.compile(r"\b(PCT|Primary Care Trust|Care Trust( Plus)?)$")


def body_label(code: str, name: str) -> str:
    """A PCT or care trust label from a short name: 'Manchester Teaching' -> 'Manchester Teaching PCT'."""
    name = re.sub(r"\s*\(.*\)$", "", name).strip()
    if _SUFFIX.search(name):
        return name
    return f"{name} {'Care Trust' if code.startswith('T') else 'PCT'}"


def pct_iri(code: str) -> str:
    return iris.org(parent_kind(code, set()), code)


def pct_node(
    ctx: Context, span: Span, curated: dict[str, str] | None, ons: dict[str, str] | None
) -> Organisation:
    """One PCT or care trust; the name from ONS PCO 2012 if there, else from the curated 2002-06 list."""
    code, notes = span.code, [LIFETIME_NOTE]
    sources = [ctx.src("derived-epcmem-parent-spans"), ctx.src("ods-epcmem-2019-08")]
    name, alts, gss, confidence = None, [], None, "Medium"
    if ons:
        name, gss = body_label(code, ons["PCO12NM"]), ons["PCO12CD"]
        alts.append(ons["PCO12NM"])
        sources.append(ctx.src("ons-pco-2012"))
    elif curated and curated["name_code_match_method"] != "not_found":
        name = body_label(code, curated["name"])
        if name != curated["name"]:
            alts.append(curated["name"])
        sources.append(ctx.src("curated-pcts-2002-2006"))
        if curated["name_code_match_method"].startswith("inferred_"):
            notes.append(f"Name matched to code by {curated['name_code_match_method']}: {curated['note']}")
    elif curated:
        sources.append(ctx.src("curated-pcts-2002-2006"))
    known = name is not None
    kind = parent_kind(code, set())
    node = Organisation(
        iri=pct_iri(code),
        cls="CareTrust" if code.startswith("T") else "PrimaryCareTrust",
        label=name or plain_label(kind, code),
        sources=sources,
        ods=code,
        gss=gss,
        founded=span.first,
        dissolved=span.last,
        end_status=None if span.last else "EndUnknown",
        alt_labels=alts,
        name_known=known,
        caveat=Caveat(confidence, "Inferred", " ".join(notes)),
    )
    name = name or ctx.names.name_or_gap(node, kind, code, Life(span.first, span.last))
    ctx.short[node.iri] = name or f"{'CT' if code.startswith('T') else 'PCT'} {code}"
    return node


def pct_nodes(ctx: Context, spans: dict[str, Span]) -> tuple[Triples, dict[str, Span]]:
    g = Triples()
    curated = {r["ods_code"]: r for r in ctx.table("curated-pcts-2002-2006")}
    ons = {r["PCO12CDO"]: r for r in ctx.table("ons-pco-2012")}
    pcts = {c: s for c, s in spans.items() if parent_kind(c, set()) in ("pct", "care-trust")}
    for code in sorted(pcts):
        pct_node(ctx, pcts[code], curated.get(code), ons.get(code)).add_to(g)
    return g, pcts


def sha_nodes(ctx: Context) -> Triples:
    """The 10 SHAs of 2006-2013 (Q30-Q39)."""
    g = Triples()
    for row in ctx.table("ons-sha-2012"):
        short = row["SHA12NM"]
        node = Organisation(
            iri=iris.org("sha", row["SHA12CDO"]),
            cls="StrategicHealthAuthority",
            label=f"{short} Strategic Health Authority",
            alt_labels=[f"NHS {short}", f"{short} SHA"],
            sources=[ctx.src("ons-sha-2012"), ctx.src("curated-shas-2002-2006")],
            ods=row["SHA12CDO"],
            gss=row["SHA12CD"],
            founded=SHA_START,
            dissolved=SHA_END,
        )
        node.add_to(g)
        ctx.short[node.iri] = f"{short} SHA"
    return g


def _clip(span: Span, start: str, end: str) -> tuple[str, str] | None:
    first, last = max(span.first, start), min(span.last or end, end)
    return (first, last) if first <= last else None


def accountability(
    ctx: Context,
    body: str,
    to: str,
    dates: tuple[str, str],
    sources: list[str],
    caveat: Caveat | None,
    law: str | None,
) -> Relation:
    start, end = dates
    return Relation(
        iri=iris.accountability(body, to, start),
        cls="Accountability",
        member=body,
        organisation=to,
        role="accountableTo",
        sources=sources,
        start=start,
        end=end,
        caveat=caveat,
        legal_basis=law,
        label=f"{ctx.label_of(body)} accountable to {ctx.label_of(to)}, "
        f"{long_date(start)} to {long_date(end)}",
    )


def sha2002_iri(pct_file_name: str, sha_names: set[str]) -> str:
    """The IRI of a 2002-06 SHA from the spelling in pcts_2002_2006.csv (short, maybe with a bracket)."""
    full = re.sub(r"\s*\(.*\)$", "", pct_file_name).strip() + " Strategic Health Authority"
    if full not in sha_names:
        raise ValueError(f"SHA {pct_file_name!r} is not in shas_2002_2006.csv")
    # Keyed like the sha-2002 nodes of the curated converter (docs/uris.md): the name without its kind.
    return iris.org("sha-2002", iris.slug(full.removesuffix(" Strategic Health Authority")))


def sha2002_accountabilities(ctx: Context, pcts: dict[str, Span]) -> Triples:
    """2002-06 PCT -> SHA (28), then old PCT -> 2006 SHA for July-September 2006 via the SHA's successor."""
    g = Triples()
    shas = {r["name"]: r for r in ctx.table("curated-shas-2002-2006")}
    src = [
        ctx.src("curated-pcts-2002-2006"),
        ctx.src("curated-shas-2002-2006"),
        ctx.src("derived-epcmem-parent-spans"),
    ]
    for row in ctx.table("curated-pcts-2002-2006"):
        code, sha = row["ods_code"], row["sha_2002_2006"]
        if not sha or code not in pcts:
            continue
        to = sha2002_iri(sha, set(shas))
        ctx.short[to] = to_name(sha)
        stated = row["sha_basis"] == "stated"
        note = None if stated else "SHA inferred from the geography of the PCT's practices."
        caveat = Caveat("High" if stated else "Medium", "Stated" if stated else "Inferred", note)
        dates = _clip(pcts[code], SHA2002_START, SHA2002_END)
        if dates:
            accountability(ctx, pct_iri(code), to, dates, src, caveat, NHS_REFORM_ACT_2002).add_to(g)
        _interim_sha(ctx, g, code, pcts[code], shas[to_name(sha)], src)
    return g


def to_name(pct_file_name: str) -> str:
    return re.sub(r"\s*\(.*\)$", "", pct_file_name).strip() + " Strategic Health Authority"


def _interim_sha(
    ctx: Context, g: Triples, code: str, span: Span, sha: dict[str, str], src: list[str]
) -> None:
    """A PCT that ended on 2006-09-30 answered to the new SHA that succeeded its old one from 2006-07-01."""
    if span.last != "2006-09-30" or not sha["successor_sha_2006_ods"]:
        return
    dates = _clip(span, SHA_START, "2006-09-30")
    if not dates:
        return
    note = (
        f"Inferred: the PCT's 2002-06 SHA ({sha['name']}) was succeeded by this SHA on 2006-07-01 "
        f"({sha['successor_basis'] or 'basis not given'}); the PCT was dissolved on 2006-09-30."
    )
    to = iris.org("sha", sha["successor_sha_2006_ods"])
    accountability(ctx, pct_iri(code), to, dates, src, Caveat("Medium", "Inferred", note), None).add_to(g)


def sha2006_accountabilities(ctx: Context, pcts: dict[str, Span]) -> Triples:
    """2006-13 PCT -> SHA (Q30-Q39) from the ONS 2012 lookup; a straddling PCT keeps one SHA (see
    `straddling`), and the other goes in the caveat."""
    g = Triples()
    chosen = chosen_shas(ctx.root)
    for row in ctx.table("ons-pco12-sha12-lookup"):
        code, sha = row["PCO12CDO"], row["SHA12CDO"]
        dates = _clip(pcts[code], SHA_START, SHA_END)
        if not dates or (code in chosen and chosen[code][0] != sha):
            continue
        caveat = Caveat(
            "High", "Stated", "Dates: the lifetimes of the PCT and of the SHA; the lookup is of 2012."
        )
        sources = [ctx.src("ons-pco12-sha12-lookup"), ctx.src("derived-epcmem-parent-spans")]
        if code in chosen:
            caveat = Caveat("Medium", "Inferred", straddling_note(chosen[code][1]))
            sources += [ctx.src("curated-pcts-2002-2006"), ctx.src("curated-shas-2002-2006")]
            sources.append(ctx.src("derived-epcmem-parent-transitions"))
        accountability(ctx, pct_iri(code), iris.org("sha", sha), dates, sources, caveat, None).add_to(g)
    successor_shas(ctx, pcts, g)
    return g


def successor_shas(ctx: Context, pcts: dict[str, Span], g: Triples) -> None:
    """A PCT or care trust of 2006-13 dissolved before the ONS 2012 lookup answered to the SHA of the body
    that all its GP practices moved to on the day after it ended (epcmem), where the lookup gives that one
    SHA; a PCT of 2002-06 that lived past 2006-09-30 is treated alike."""
    sha_of: dict[str, set[str]] = {}
    for row in ctx.table("ons-pco12-sha12-lookup"):
        sha_of.setdefault(row["PCO12CDO"], set()).add(row["SHA12CDO"])
    moved: dict[tuple[str, str], set[str]] = {}
    for row in ctx.table("derived-epcmem-parent-transitions"):
        day = row["transition_date"]
        moved.setdefault((row["from_parent_code"], f"{day[:4]}-{day[4:6]}-{day[6:]}"), set()).add(
            row["to_parent_code"]
        )
    for code, span in sorted(pcts.items()):
        dates = _clip(span, SHA_START, SHA_END)
        interim = span.last == "2006-09-30"  # see _interim_sha
        targets = moved.get((code, day_after(span.last or SHA_END)), set())
        if code in sha_of or interim or not dates or len(targets) != 1:
            continue
        successor = next(iter(targets))
        if len(sha_of.get(successor, ())) != 1:
            continue
        sha = next(iter(sha_of[successor]))
        note = (
            f"Inferred: dissolved before the ONS 2012 lookup; all its GP practices moved to {successor} on "
            f"{day_after(span.last or SHA_END)} (ODS epcmem), which the lookup places under {sha}."
        )
        sources = [
            ctx.src("ons-pco12-sha12-lookup"),
            ctx.src("derived-epcmem-parent-transitions"),
            ctx.src("derived-epcmem-parent-spans"),
        ]
        to = iris.org("sha", sha)
        accountability(
            ctx, pct_iri(code), to, dates, sources, Caveat("Medium", "Inferred", note), None
        ).add_to(g)


def straddling_note(others: list[str]) -> str:
    return (
        f"The ONS 2012 lookup also lists this PCT under {', '.join(others)}, because its area straddles "
        "them. One SHA at a time is kept: the 2006 successor of the 2002-06 SHA of the PCT (or of its "
        "predecessor PCTs, by the practices that moved into it on 2006-10-01)."
    )
