"""The dumps of a build (service/build/dumps.py): written once beside the store, each file what its record
says (size, sha256, triples), the same bytes for the same quads, and made for a build that predates them."""

from __future__ import annotations

import gzip
import hashlib
import io
import shutil
from pathlib import Path

import pytest
from rdflib import Graph

from service import iris
from service.build import builder, dumps
from service.build.dumps import Published
from tests.void_fixtures import void_project


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return builder.build(void_project(tmp_path_factory.mktemp("dumps"))).path


@pytest.fixture(scope="module")
def published(built: Path) -> Published:
    record = dumps.load_published(built)
    assert record is not None
    return record


def test_the_build_publishes_the_whole_dataset_and_each_named_graph(
    built: Path, published: Published
) -> None:
    manifest = builder.read_manifest(built)
    assert {d.graph for d in published.dumps} == {None, *manifest["graphs"]}  # type: ignore[misc]
    whole = published.whole()
    assert (whole.file, whole.media_type, whole.compression) == (
        "nhs-commissioning.nq.gz",
        "application/n-quads",
        "application/gzip",
    )
    assert whole.triples == manifest["triples"]
    links = published.of_graph(iris.graph("links"))
    assert links is not None and links.file == "graph/links.ttl" and links.media_type == "text/turtle"


def test_each_file_has_the_size_and_sha256_its_record_says(built: Path, published: Published) -> None:
    for dump in published.dumps:
        data = (built / dumps.FOLDER / dump.file).read_bytes()
        assert len(data) == dump.bytes and hashlib.sha256(data).hexdigest() == dump.sha256


def test_the_whole_dump_is_the_builds_quads_gzipped(built: Path, published: Published) -> None:
    data = gzip.decompress((built / dumps.FOLDER / published.whole().file).read_bytes())
    assert data == (built / builder.QUADS).read_bytes()
    assert len(data.splitlines()) == published.whole().triples


def test_each_graph_file_parses_to_its_count_of_triples(built: Path, published: Published) -> None:
    for dump in published.dumps:
        if dump.graph is not None:
            graph = Graph().parse(data=(built / dumps.FOLDER / dump.file).read_bytes(), format="turtle")
            assert len(graph) == dump.triples, dump.file


def test_the_gzip_header_names_no_file_and_no_time(tmp_path: Path) -> None:
    source = tmp_path / "some-name.nq"
    source.write_bytes(b"<http://a> <http://b> <http://c> <http://g> .\n")
    first, second = io.BytesIO(), io.BytesIO()
    dumps.gzip_file(source, first)
    source.rename(tmp_path / "another.nq")
    dumps.gzip_file(tmp_path / "another.nq", second)
    assert first.getvalue() == second.getvalue()
    flags, mtime = first.getvalue()[3], first.getvalue()[4:8]
    assert flags & 0x08 == 0 and mtime == b"\0\0\0\0"  # FNAME unset, MTIME 0 (RFC 1952)


def test_a_build_without_dumps_gets_them_once(built: Path, published: Published, tmp_path: Path) -> None:
    old = tmp_path / "old-build"
    shutil.copytree(built, old)
    shutil.rmtree(old / dumps.FOLDER)
    assert dumps.load_published(old) is None
    manifest = builder.read_manifest(old)
    assert dumps.ensure_published(old, manifest)
    again = dumps.load_published(old)
    assert again is not None
    assert [(d.file, d.sha256) for d in again.dumps] == [(d.file, d.sha256) for d in published.dumps]
    assert not dumps.ensure_published(old, manifest)  # nothing left to do


def test_a_reused_build_that_lost_its_dumps_makes_them_again(tmp_path: Path) -> None:
    settings = void_project(tmp_path)
    first = builder.build(settings)
    shutil.rmtree(first.path / dumps.FOLDER)
    second = builder.build(settings)
    assert second.reused and dumps.load_published(second.path) is not None


def test_a_graph_outside_ours_gets_a_file_name_of_its_own() -> None:
    assert dumps.graph_file(iris.graph("ccgs")) == "graph/ccgs.ttl"
    other = dumps.graph_file("http://example.org/g/1")
    assert other.startswith("graph/other-") and other.endswith(".ttl")
    assert dumps.graph_file("http://example.org/g/2") != other
