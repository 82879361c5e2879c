"""The VoID statistics of a build (service/build/statistics.py): partitions and linksets, each checked
against a count made another way (Python over the quads of the build's N-Quads, no SPARQL)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest

from service.build import builder
from service.build.statistics import TARGETS, Statistics, compute, target
from service.store import OxigraphStore
from tests.void_fixtures import void_project


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return builder.build(void_project(tmp_path_factory.mktemp("statistics"))).path


@pytest.fixture(scope="module")
def statistics(built: Path) -> Statistics:
    return compute(OxigraphStore.open_read_only(built / builder.DB))


RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
Quad = tuple[str, str, str, bool]  # subject, predicate, object, whether the object is an IRI


@pytest.fixture(scope="module")
def quads(built: Path) -> list[Quad]:
    parsed = ox.parse(path=str(built / builder.QUADS), format=ox.RdfFormat.N_QUADS)
    return [
        (str(q.subject), q.predicate.value, q.object.value, isinstance(q.object, ox.NamedNode))
        for q in parsed
    ]


def test_linksets_count_each_property_into_each_target(statistics: Statistics) -> None:
    found = {(link.target, link.predicate): link.triples for link in statistics.linksets}
    assert found[("ods", "http://www.w3.org/2000/01/rdf-schema#seeAlso")] == 2
    assert found[("ons-geographies", "http://purl.org/dc/terms/spatial")] == 1
    # One https page and one http /id/ IRI: both legislation.gov.uk's.
    assert found[("legislation", "https://w3id.org/nhs-commissioning/def#legalBasis")] == 2
    assert not any(key[0] == "wikidata" for key in found)  # no links, no linkset


def test_linksets_agree_with_a_count_of_the_quads(statistics: Statistics, quads: list[Quad]) -> None:
    for link in statistics.linksets:
        spaces = target(link.target).spaces
        counted = sum(
            1 for _, p, o, is_iri in quads if p == link.predicate and is_iri and o.startswith(spaces)
        )
        assert counted == link.triples, link


def test_property_partitions_add_up_to_every_quad(statistics: Statistics, quads: list[Quad]) -> None:
    assert statistics.properties == dict(Counter(p for _, p, _, _ in quads))


def test_class_partitions_count_instances_and_the_quads_about_them(
    statistics: Statistics, quads: list[Quad]
) -> None:
    for partition in statistics.classes:
        instances = {s for s, p, o, _ in quads if p == RDF_TYPE and o == partition.cls}
        about = sum(1 for s, _, _, _ in quads if s in instances)
        assert (partition.entities, partition.triples) == (len(instances), about), partition
    pct = next(c for c in statistics.classes if c.cls.endswith("#PrimaryCareTrust"))
    assert pct.entities == 2 and pct.triples > 10  # the data file's, the links' and the inferred graph's


def test_statistics_survive_their_json(statistics: Statistics) -> None:
    assert Statistics.from_json(statistics.to_json()) == statistics


def test_every_target_has_a_key_a_title_and_a_space() -> None:
    assert len({t.key for t in TARGETS}) == len(TARGETS)
    assert all(t.title and t.spaces and t.homepage.startswith("https://") for t in TARGETS)
