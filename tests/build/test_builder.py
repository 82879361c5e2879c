"""The build pipeline: parse, materialise, validate, write atomically; reuse when nothing changed."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from rdflib import RDF, Graph
from rdflib.namespace import SH as SHACL

from service import iris
from service.build import builder as build
from service.build import reasoning
from service.config import Settings
from service.store import OxigraphStore, StoreUnavailableError

MINI = Path(__file__).parents[1] / "data" / "mini"
PCT = iris.org("pct", "5NT")


@pytest.fixture
def project(tmp_path: Path) -> Settings:
    root = tmp_path / "project"
    shutil.copytree(MINI, root)
    return Settings(root=root, cache_dir=tmp_path / "cache")


def _open(result: build.BuildResult) -> OxigraphStore:
    return OxigraphStore.open_read_only(result.path / build.DB)


def test_build_materialises_standard_terms(project: Settings) -> None:
    result = build.build(project)
    store = _open(result)
    assert store.ask(f"ASK {{ <{PCT}> a <http://www.w3.org/ns/org#Organization> }}")
    assert store.ask(f'ASK {{ <{PCT}> <http://www.w3.org/ns/org#identifier> "5NT" }}')
    assert iris.graph("inferred") in store.graphs()
    assert result.manifest["graphs"][iris.graph("pcts")] == 10  # type: ignore[index]
    assert result.manifest["classes"]["http://www.w3.org/ns/org#Organization"] == 2  # type: ignore[index]


def test_unchanged_inputs_reuse_the_store(project: Settings) -> None:
    first = build.build(project)
    second = build.build(project)
    assert second.reused and second.path == first.path and second.key == first.key
    assert build.current_store(project) == first.path


def test_changed_input_builds_a_new_store(project: Settings) -> None:
    first = build.build(project)
    data = project.data_dir / "pcts.ttl"
    data.write_text(
        data.read_text(encoding="utf-8").replace("Manchester", "Manchester Teaching"), encoding="utf-8"
    )
    second = build.build(project)
    assert not second.reused and second.key != first.key
    assert _open(second).ask('ASK { ?s ?p "Manchester Teaching Primary Care Trust"@en }')


def test_broken_turtle_stops_the_build_and_keeps_the_last_good_store(project: Settings) -> None:
    good = build.build(project)
    (project.data_dir / "broken.ttl").write_text('<a> <b> "unterminated .\n', encoding="utf-8")
    with pytest.raises(build.InputError, match=r"broken\.ttl:1:\d+"):
        build.build(project)
    assert _open(good).ask(f"ASK {{ <{PCT}> ?p ?o }}")
    assert not list(good.path.parent.glob("*.partial-*"))


def test_non_conforming_data_is_refused(project: Settings) -> None:
    extra = project.data_dir / "unlabelled.ttl"
    extra.write_text(
        "<https://w3id.org/nhs-commissioning/id/pct/5XX> a\n"
        "    <https://w3id.org/nhs-commissioning/def#PrimaryCareTrust> .\n",
        encoding="utf-8",
    )
    with pytest.raises(build.NonConformingError, match="pct/5XX"):
        build.build(project)
    assert build.current_store(project) is None


def test_interrupted_build_leaves_no_partial_store(
    project: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    good = build.build(project)
    (project.data_dir / "more.ttl").write_text("", encoding="utf-8")

    def interrupted(store: OxigraphStore, graph: str) -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr(reasoning, "materialise", interrupted)
    with pytest.raises(KeyboardInterrupt):
        build.build(project)
    stores = sorted(p.name for p in good.path.parent.iterdir() if p.is_dir())
    assert stores == [good.path.name]


def test_stale_partial_of_a_killed_build_is_cleared(project: Settings) -> None:
    stores = project.cache / "stores"
    dead = stores / f"abc.partial-{_dead_pid()}"
    dead.mkdir(parents=True)
    build.build(project)
    assert not dead.exists()


def _dead_pid() -> int:
    pid = os.getpid() + 100_000
    while True:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return pid
        except PermissionError:
            pass
        pid += 1


def test_check_files_validates_without_a_store(project: Settings) -> None:
    report = build.check_files(project, [project.data_dir / "pcts.ttl"])
    assert report.conforms
    assert not (project.cache / "stores").exists()


def test_build_saves_the_validation_report_beside_the_store(project: Settings) -> None:
    result = build.build(project)
    report = json.loads((result.path / "validation.json").read_text(encoding="utf-8"))
    assert report["conforms"] is True and report["shapesChecked"] > 0
    graph = Graph().parse(result.path / "validation.ttl", format="turtle")
    assert (None, RDF.type, SHACL.ValidationReport) in graph
    assert len(list(graph.objects(None, SHACL.result))) == len(report["results"])


def test_build_without_validation_saves_no_report(project: Settings) -> None:
    result = build.build(project.with_overrides(validate_on_build=False))
    assert not (result.path / "validation.json").exists()
    assert not (result.path / "validation.ttl").exists()


def test_open_built_opens_the_build_for_the_current_inputs_read_only(project: Settings) -> None:
    result = build.build(project)
    opened = build.open_built(project)
    assert opened.folder == result.path and opened.store_path == result.path / build.DB
    assert opened.manifest == result.manifest
    assert opened.store.ask(f"ASK {{ <{PCT}> ?p ?o }}")
    assert build.open_built(project, result.path).manifest["key"] == result.key  # a folder named: no lookup


def test_open_built_says_so_when_nothing_is_built(project: Settings) -> None:
    with pytest.raises(StoreUnavailableError, match="run `nhskg build`"):
        build.open_built(project)
