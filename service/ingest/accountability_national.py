"""Accountability of whole kinds of body (data/curated/accountability_national.csv), mostly fixed by statute.

Each row says that every body of one kind answered to one national body for a span: the health
authorities of 1996-2002, the strategic health authorities of 2002-2006 and 2006-2013 and the SHA clusters of
2011-2013 to the Department of Health. Each body gets one nhs:Accountability, its dates the row's span
clipped to the body's own life (so a body founded later, or dissolved earlier, is accountable only while it
existed). Where the converter of the bodies has already stated that accountability (the SHAs of 2002-2006,
curated_authorities), the row adds its legal basis and sources to it instead of stating it twice.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from service import iris
from service.ingest import local_curated
from service.ingest.curated_common import SourceBook, legislation_iri, sha_2012
from service.ingest.model import NHS, SCHEMA, A, Relation, cite, long_date
from service.ingest.turtle import Lit, Triples

FILE = "accountability_national.csv"
SHA_2006 = ("2006-07-01", "2013-03-31")  # the ten SHAs of SI 2006/1408, abolished by the 2012 Act
DEPARTMENT = "Department of Health"  # its name from 1988 to 2018, the years these rows fall within


def lives_of(g: Triples, cls: str) -> dict[str, tuple[str, str | None]]:
    """Body IRI -> (founding, dissolution) for the bodies of nhs:`cls` described in `g`."""
    out: dict[str, tuple[str, str | None]] = {}
    for s in g.subjects():
        p = g.predicates(s)
        if NHS + cls in p.get(iris.PREFIXES["rdf"] + "type", set()):
            founded = _date(p.get(SCHEMA + "foundingDate", set()))
            if founded:
                out[s] = (founded, _date(p.get(SCHEMA + "dissolutionDate", set())))
    return out


def _date(values: Iterable[object]) -> str | None:
    days = sorted(v.value for v in values if isinstance(v, Lit))
    return days[0] if days else None


def sha_2006_lives(sha_codes: Iterable[str]) -> dict[str, tuple[str, str | None]]:
    return {iris.org("sha", code): SHA_2006 for code in sha_codes}


def accountabilities(
    book: SourceBook,
    g: Triples,
    bodies: dict[str, dict[str, tuple[str, str | None]]],
    names: dict[str, str],
    folder: Path = local_curated.FOLDER,
) -> None:
    """One accountability per body of each row's kind (`bodies`: kind -> body IRI -> its life)."""
    file_node = local_curated.data_file(book, FILE, "Accountability of whole kinds of body fixed by statute.")
    for row in local_curated.read(FILE, folder):
        if row["accountable_to"] != "department-of-health":
            raise ValueError(f"{FILE}: only the Department of Health is known here: {row}")
        to = iris.org("department", row["accountable_to"])
        sources = local_curated.row_sources(book, row, file_node)
        law = legislation_iri(row["legal_basis"]) if row["legal_basis"] else None
        if row["legal_basis"] and law is None:
            raise ValueError(f"{FILE}: the legal basis is not on legislation.gov.uk: {row}")
        for body, (founded, dissolved) in sorted(bodies[row["bodies"]].items()):
            start = max(row["start_date"], founded)
            end = min(row["end_date"], dissolved or row["end_date"])
            if start > end:
                continue
            node = iris.accountability(body, to, start)
            if (node, A, NHS + "Accountability") in g:  # already stated by its own converter: cite the law
                if law:
                    g.add(node, NHS + "legalBasis", law)
                cite(g, node, sources)
                continue
            Relation(
                node,
                "Accountability",
                body,
                to,
                "accountableTo",
                f"{names.get(body, body.rsplit('/', 1)[-1])} accountable to the {DEPARTMENT}, "
                f"{long_date(start)} to {long_date(end)}",
                sources,
                start,
                end,
                caveat=local_curated.row_caveat(row),
                legal_basis=law,
            ).add_to(g)


def convert(
    book: SourceBook, authorities: Triples, clusters: Triples, source: Path, names: dict[str, str]
) -> None:
    """The rows of the file for the health authorities and SHAs of 2002 in `authorities`, the SHA clusters in
    `clusters` and the ten SHAs of ONS 2012; the accountabilities go into `authorities`."""
    shas = sha_2012(source)
    for name, code in shas.items():
        names.setdefault(iris.org("sha", code), f"{name} Strategic Health Authority")
    bodies = {
        "health-authority": lives_of(authorities, "HealthAuthority"),
        "strategic-health-authority-2002": lives_of(authorities, "StrategicHealthAuthority"),
        "strategic-health-authority-2006": sha_2006_lives(shas.values()),
        "sha-cluster": lives_of(clusters, "SHACluster"),
    }
    accountabilities(book, authorities, bodies, names)
