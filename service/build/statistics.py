"""What the VoID description counts, computed once per build: class and property partitions, and the links
out to other datasets (linksets).

Every count is of quads, as the whole-dataset dump holds them: a triple stated in two named graphs (a data
file and the inferred graph) counts twice, so that the partitions and linksets add up the way a client that
loads the dump counts. A linkset is one property's triples from our dataset into one target dataset, the
target known by the IRIs it mints (its URI space); a target the data does not link to has no linkset.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from service import queries
from service.store import Store
from service.terms import Literal


@dataclass(frozen=True)
class Target:
    """A dataset we link to: `key` names its description (`dataset#key`), `spaces` the IRIs it mints."""

    key: str
    title: str
    spaces: tuple[str, ...]
    homepage: str


# The datasets the data links to, by the prefixes of their IRIs (the ORD API's records, ONS's statistical
# geographies, legislation.gov.uk's items and their /id/ IRIs over http and https, Wikidata's entities).
TARGETS: tuple[Target, ...] = (
    Target(
        "ods",
        "NHS Organisation Data Service (ORD API records)",
        ("https://directory.spineservices.nhs.uk/ORD/",),
        "https://digital.nhs.uk/services/organisation-data-service",
    ),
    Target(
        "ons-geographies",
        "ONS statistical geographies",
        ("http://statistics.data.gov.uk/id/statistical-geography/",),
        "https://statistics.data.gov.uk/",
    ),
    Target(
        "legislation",
        "legislation.gov.uk",
        ("http://www.legislation.gov.uk/", "https://www.legislation.gov.uk/"),
        "https://www.legislation.gov.uk/",
    ),
    Target("wikidata", "Wikidata", ("http://www.wikidata.org/entity/",), "https://www.wikidata.org/"),
)


@dataclass(frozen=True)
class ClassPartition:
    cls: str
    entities: int
    triples: int


@dataclass(frozen=True)
class Linkset:
    target: str  # a Target's key
    predicate: str
    triples: int


@dataclass(frozen=True)
class Statistics:
    classes: tuple[ClassPartition, ...]
    properties: dict[str, int]
    linksets: tuple[Linkset, ...]

    def to_json(self) -> dict[str, object]:
        return {
            "classes": [asdict(c) for c in self.classes],
            "properties": self.properties,
            "linksets": [asdict(link) for link in self.linksets],
        }

    @classmethod
    def from_json(cls, data: dict[str, object]) -> Statistics:
        classes, properties, linksets = data["classes"], data["properties"], data["linksets"]
        assert isinstance(classes, list) and isinstance(properties, dict) and isinstance(linksets, list)  # noqa: S101
        return cls(
            tuple(ClassPartition(**c) for c in classes),
            {str(k): int(v) for k, v in properties.items()},
            tuple(Linkset(**link) for link in linksets),
        )


def target(key: str) -> Target:
    return next(t for t in TARGETS if t.key == key)


def compute(store: Store) -> Statistics:
    """The partitions and linksets of everything in `store` (one scan of the store per query)."""
    classes = tuple(
        ClassPartition(row["class"].value, int(row["entities"].value), int(row["triples"].value))
        for row in store.select(queries.text("void/class_partitions"))
    )
    properties = {
        row["property"].value: int(row["triples"].value)
        for row in store.select(queries.text("void/property_partitions"))
    }
    return Statistics(classes, properties, tuple(linksets(store)))


def linksets(store: Store) -> list[Linkset]:
    """Each target's links, by property (a target with two URI spaces adds their counts)."""
    found: list[Linkset] = []
    for t in TARGETS:
        counts: dict[str, int] = {}
        for space in t.spaces:
            rows = store.select(queries.text("void/links"), {"space": Literal(space)})
            for row in rows:
                name = row["property"].value
                counts[name] = counts.get(name, 0) + int(row["triples"].value)
        found += [Linkset(t.key, p, n) for p, n in sorted(counts.items())]
    return found
