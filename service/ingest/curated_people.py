"""People, posts and post holdings (people_posts.csv, and the chief executives named in other files).

A person is `foaf:Person` at iris.person(name) (honorifics such as "Sir" or "(Lord Prior)" are kept as
`skos:altLabel`, not in the key). A post is `org:Post` at iris.post(organisation, role slug), and each
holding an `nhs:PostHolding` at iris.holding(person, post, start). A start or end day the source does not
give is left out of `schema:startDate` / `schema:endDate`; a month or year goes to `nhs:approximateStart` /
`nhs:approximateEnd` (and the IRI's start is `unknown`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from service import iris
from service.ingest.curated_common import (
    DH,
    NHS_CB,
    SourceBook,
    add_approximate,
    full_or_none,
    pct_iri,
    read_rows,
    sha_2002_key,
)
from service.ingest.holding_dates import HoldingDates, HoldingFile
from service.ingest.holding_dates import read as read_holding_dates
from service.ingest.model import FOAF, LABEL, NHS, ORG, A, Caveat, Relation, cite
from service.ingest.turtle import Triples, en

FILE = "people_posts.csv"
FILE_DATES = "post_holdings.csv"
_HONORIFIC = re.compile(r"^(Sir|Dame|Lord|Lady|Dr|Professor)\s+")

# post text -> (nhs: role, post slug, post title); the first prefix that matches wins
POSTS: list[tuple[str, str, str, str]] = [
    ("Secretary of State for Health", "secretaryOfState", "secretary-of-state", "Secretary of State"),
    (
        "Chief Executive of the NHS",
        "chiefExecutive",
        "chief-executive-of-the-nhs",
        "Chief Executive of the NHS",
    ),
    (
        "Acting Chief Executive of the NHS",
        "chiefExecutive",
        "chief-executive-of-the-nhs",
        "Chief Executive of the NHS",
    ),
    ("Chief Executive", "chiefExecutive", "chief-executive", "Chief executive"),
    ("Interim Chief Executive", "chiefExecutive", "chief-executive", "Chief executive"),
    ("Interim joint Chief Executive", "chiefExecutive", "chief-executive", "Chief executive"),
    ("Chair", "chair", "chair", "Chair"),
]


def _sha(code: str) -> str:
    return iris.org("sha", code)


def _cluster(name: str) -> str:
    return iris.org("pct-cluster", iris.slug(name))


def _sha_cluster(name: str) -> str:
    return iris.org("sha-cluster", iris.slug(name))


def _sha_2002(name: str) -> str:
    return iris.org("sha-2002", sha_2002_key(name))


# organisation text of people_posts.csv -> the organisations it names (checked by hand against the
# curated cluster file, ONS PCO 2012 and pcts_2002_2006.csv)
ORGANISATIONS: dict[str, list[str]] = {
    "Department of Health": [DH],
    "Department of Health / Department of Health and Social Care": [DH],
    "Department of Health and Social Care": [DH],
    "NHS Executive / Department of Health": [DH],
    "NHS Commissioning Board (NHS England)": [NHS_CB],
    "NHS England": [NHS_CB],
    "NHS South West (SHA)": [_sha("Q39")],
    "NHS East of England (SHA)": [_sha("Q35")],
    "NHS London (SHA; SHA cluster from Oct 2011)": [_sha("Q36")],
    "NHS South East Coast (SHA)": [_sha("Q37")],
    "NHS South Central (SHA)": [_sha("Q38")],
    "NHS West Midlands (SHA)": [_sha("Q34")],
    "NHS Yorkshire and the Humber (SHA)": [_sha("Q32")],
    "NHS North West (SHA)": [_sha("Q31")],
    "NHS South of England (SHA cluster)": [_sha_cluster("NHS South of England")],
    "NHS North of England (SHA cluster)": [_sha_cluster("NHS North of England")],
    "NHS Midlands and East (SHA cluster)": [_sha_cluster("NHS Midlands and East")],
    "Kent and Medway SHA": [_sha_2002("Kent and Medway")],
    "Surrey and Sussex SHA": [_sha_2002("Surrey and Sussex")],
    "Cheshire and Merseyside SHA": [_sha_2002("Cheshire and Merseyside")],
    "Essex SHA": [_sha_2002("Essex")],
    "Black Country PCT cluster": [_cluster("Black Country cluster")],
    "Staffordshire PCT cluster": [_cluster("Staffordshire cluster")],
    "West Mercia PCT cluster": [_cluster("West Mercia cluster")],
    "Arden PCT cluster": [_cluster("Arden cluster")],
    "Birmingham PCT cluster": [_cluster("Birmingham cluster (Birmingham and Solihull)")],
    "South Yorkshire and Bassetlaw PCT cluster": [_cluster("South Yorkshire and Bassetlaw")],
    "Milton Keynes and Northamptonshire PCT cluster": [
        _cluster("Milton Keynes and Northamptonshire PCTs cluster")
    ],
    "NHS Calderdale, Kirklees and Wakefield District cluster": [
        _cluster("NHS Calderdale, Kirklees and Wakefield District Cluster")
    ],
    "Merseyside NHS cluster": [_cluster("Merseyside cluster")],
    "NHS Cheshire, Warrington and Wirral (West Cheshire)": [_cluster("NHS Cheshire, Warrington and Wirral")],
    "NHS Kent and Medway PCT cluster": [_cluster("NHS Kent and Medway")],
    "SHIP PCT cluster": [_cluster("Southampton, Hampshire, Isle of Wight and Portsmouth (SHIP) cluster")],
    "NHS Cambridgeshire and NHS Peterborough": [_cluster("Cambridgeshire and Peterborough")],
    "NHS North East London and the City": [_cluster("NHS North East London and the City")],
    "NHS Bristol, North Somerset and South Gloucestershire PCT cluster": [
        _cluster("NHS Bristol, North Somerset and South Gloucestershire")
    ],
    "NHS Bristol, NHS North Somerset and NHS South Gloucestershire": [
        _cluster("NHS Bristol, North Somerset and South Gloucestershire")
    ],
    "County Durham and Darlington PCT(s)": [_cluster("County Durham and Darlington")],
    "NHS Wiltshire and NHS Bath and North East Somerset": [pct_iri("5QK")],
    "Eastern and Coastal Kent PCT": [pct_iri("5QA")],
    "NHS Salford (Salford PCT)": [pct_iri("5F5")],
    "Bury PCT and Salford PCT": [pct_iri("5JX"), pct_iri("5F5")],
    "Bradford and Airedale Teaching PCT": [pct_iri("5NY")],
    "Gloucestershire PCT": [pct_iri("5QH")],
    "South East Essex PCT": [pct_iri("5P1")],
    "Norfolk PCT": [pct_iri("5PQ")],
    "North East Leeds PCT": [pct_iri("5HJ")],
    "Hambleton and Richmondshire PCT": [pct_iri("5KH")],
    "North Yorkshire and York PCT": [pct_iri("5NV")],
    "Darlington PCT": [pct_iri("5J9")],
    "County Durham PCT": [pct_iri("5ND")],
    "West Essex PCT": [pct_iri("5PV")],
    "West Wiltshire PCT": [pct_iri("5DH")],
    "New Forest PCT and Eastleigh and Test Valley South PCT": [pct_iri("5A1"), pct_iri("5LY")],
    "Halton and St Helens PCT": [pct_iri("5NM")],
}


def person_name(text: str) -> tuple[str, list[str]]:
    """The name used for the key and label, and the forms with honorifics as alternative labels."""
    alts = []
    bracket = re.search(r"\s*\(([^)]*)\)$", text)
    if bracket:
        alts.append(bracket.group(1))
        text = text[: bracket.start()]
    bare = _HONORIFIC.sub("", text).strip()
    if bare != text:
        alts.append(text)
    return bare, alts


def post_kind(post_text: str) -> tuple[str, str, str] | None:
    """(role, post slug, post title) for a post text, or None where no role of ours fits."""
    best = None
    for prefix, role, slug, title in POSTS:
        if (post_text == prefix or post_text.startswith(prefix + " ")) and (
            best is None or len(prefix) > len(best[0])
        ):
            best = (prefix, role, slug, title)
    return None if best is None else best[1:]


@dataclass
class People:
    """Persons, posts and holdings; remembers holdings so that another file's mention is merged."""

    names: dict[str, str]  # organisation IRI -> name for labels
    triples: Triples = field(default_factory=Triples)
    holdings: dict[tuple[str, str], str] = field(default_factory=dict)
    unresolved: list[str] = field(default_factory=list)
    dates: dict[str, HoldingDates] = field(default_factory=dict)  # holding IRI -> researched dates

    def person(self, text: str, sources: list[str]) -> str:
        name, alts = person_name(text)
        node = iris.person(name)
        g = self.triples
        g.add(node, A, FOAF + "Person")
        g.add(node, LABEL, en(name))
        g.add(node, FOAF + "name", en(name))
        for alt in alts:
            g.add(node, iris.PREFIXES["skos"] + "altLabel", en(alt))
        cite(g, node, sources)
        return node

    def post(self, organisation: str, role: str, slug: str, title: str, sources: list[str]) -> str:
        node = iris.post(organisation, slug)
        g = self.triples
        g.add(node, A, ORG + "Post")
        g.add(node, LABEL, en(f"{title}, {self.names.get(organisation, organisation)}"))
        g.add(node, ORG + "postIn", organisation)
        g.add(node, ORG + "role", iris.DEF + role)
        cite(g, node, sources)
        return node

    def hold(
        self,
        text: str,
        organisation: str,
        post_text: str,
        span: tuple[str, str],
        sources: list[str],
        caveat: Caveat | None = None,
        merge: bool = False,
    ) -> str | None:
        """One holding. With `merge`, a mention of a person and post already held only adds its sources."""
        kind = post_kind(post_text)
        if kind is None:
            return None
        role, slug, title = kind
        who = self.person(text, sources)
        post = self.post(organisation, role, slug, title, sources)
        known = self.holdings.get((who, post))
        if merge and known:
            cite(self.triples, known, sources)
            return known
        node = holding_iri(who, post, span[0])
        dated = self.dates.get(node)
        if dated is not None and dated.same_as:
            cite(self.triples, dated.same_as, [*sources, *dated.sources])
            return dated.same_as
        self.holdings.setdefault((who, post), node)
        label = f"{person_name(text)[0]}: {post_text}, {self.names.get(organisation, organisation)}"
        holding = Relation(
            node, "PostHolding", who, organisation, role, label, sources, None, None, post=post
        )
        if dated is None:
            self._as_given(holding, span, caveat)
        else:
            add_dated(self.triples, holding, dated, caveat)
        self.triples.add(who, ORG + "holds", post)
        return node

    def _as_given(self, holding: Relation, span: tuple[str, str], caveat: Caveat | None) -> None:
        """The dates as the source gives them (a holding post_holdings.csv has not dated)."""
        start, end = span
        holding.start, holding.end = full_or_none(start), full_or_none(end)
        holding.end_status, holding.caveat = "EndUnknown", caveat
        holding.add_to(self.triples)
        add_approximate(self.triples, holding.iri, start, end)


def add_dated(g: Triples, holding: Relation, dated: HoldingDates, caveat: Caveat | None) -> None:
    """A holding with the researched dates; the notes of both sources are kept, the date's confidence wins."""
    holding.start, holding.end, holding.end_status = dated.start, dated.end, dated.end_status
    holding.sources = [*holding.sources, *dated.sources]
    holding.caveat = merged_caveat(caveat, dated.caveat)
    holding.add_to(g)
    add_approximate(g, holding.iri, dated.given_start, dated.given_end)
    if dated.end is not None and dated.end_status:
        g.add(holding.iri, NHS + "endStatus", NHS + dated.end_status)


def merged_caveat(first: Caveat | None, second: Caveat | None) -> Caveat | None:
    if first is None or second is None:
        return first or second
    notes = (
        " ".join(n if n.endswith((".", "!", "?")) else n + "." for n in (first.note, second.note) if n)
        or None
    )
    return Caveat(second.confidence or first.confidence, second.evidence or first.evidence, notes)


def holding_iri(who: str, post: str, start: str) -> str:
    """iris.holding; a month or year start keeps its partial ISO date in the key (never `unknown`)."""
    if not start or full_or_none(start):
        return iris.holding(who, post, full_or_none(start))
    return f"{who}/holding/{post[len(iris.ID) :]}/{start}"


def row_caveat(row: dict[str, str]) -> Caveat | None:
    note = row["note"]
    post = row["post"]
    extra = [note] if note else []
    if re.match(r"(Acting|Interim)", post) or "(designate)" in post or "(shared)" in post:
        extra.insert(0, f"Post as the source gives it: {post}.")
    if not extra:
        return None
    return Caveat(note=" ".join(extra))


def convert_people(book: SourceBook, people: People) -> None:
    """Every row of people_posts.csv as a post holding (rows without a resolvable post are reported)."""
    folder = book.folder
    researched = read_holding_dates(book)
    people.dates.update(researched.dates)
    csv_source = book.data_file(FILE, "People and the posts they held, with dates as the sources give them.")
    for row in read_rows(folder, FILE):
        orgs = ORGANISATIONS.get(row["organisation"])
        where = f"{row['person_name']} / {row['post']} / {row['organisation']}"
        if not orgs or post_kind(row["post"]) is None:
            people.unresolved.append(where)
            continue
        sources = [csv_source, *book.cell(row["source_url"])]
        for org in orgs:
            people.hold(
                row["person_name"],
                org,
                row["post"],
                (row["start_date"], row["end_date"]),
                sources,
                row_caveat(row),
            )
    add_researched(people, researched)


def add_researched(people: People, researched: HoldingFile) -> None:
    """The holdings only post_holdings.csv records (the dates it gives for them apply as for any other)."""
    for added in researched.added:
        if post_kind(added.post) is None:
            people.unresolved.append(f"{added.person} / {added.post} / {FILE_DATES}")
            continue
        node = people.hold(
            added.person, added.organisation, added.post, (added.start, added.end), [*added.sources]
        )
        if node not in people.dates:
            people.unresolved.append(f"{added.person} / {added.post}: key is not {node}")
