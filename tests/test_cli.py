"""The `nhskg` command through its exit codes and messages."""

from __future__ import annotations

import gzip
import hashlib
import shutil
from pathlib import Path

import pytest

from service import iris
from service.build import builder, dumps
from service.cli import _settings, main, parser
from service.config import from_env
from service.store import OxigraphStore, Store
from service.terms import Term
from tests.live import free_port

QUADS = "SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }"


def _broken(root: Path) -> Path:
    path = root / "broken.ttl"
    path.write_text("@prefix ex: <http://e/> .\nex:a ex:b .\n", encoding="utf-8")
    return path


def test_build_then_stats(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["build"]) == 0
    assert "triples" in capsys.readouterr().out
    assert main(["build"]) == 0
    assert "up to date" in capsys.readouterr().out
    assert main(["stats"]) == 0
    assert "https://w3id.org/nhs-commissioning/graph/pcts" in capsys.readouterr().out


def test_stats_without_a_store_fails_clearly(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["stats"]) == 1
    assert "run `nhskg build`" in capsys.readouterr().err


def test_validate_conforming_data_exits_0(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate"]) == 0


def test_validate_violations_exit_1(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = project / "unlabelled.ttl"
    bad.write_text(
        "<https://w3id.org/nhs-commissioning/id/pct/5XX> a\n"
        "    <https://w3id.org/nhs-commissioning/def#PrimaryCareTrust> .\n",
        encoding="utf-8",
    )
    assert main(["validate", str(bad)]) == 1
    assert "pct/5XX" in capsys.readouterr().out


def test_validate_broken_file_exits_2_with_position(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = _broken(project)
    assert main(["validate", str(bad)]) == 2
    err = capsys.readouterr().err
    assert f"{bad}:2:" in err
    assert "Traceback" not in err


def test_build_with_broken_data_exits_2(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.move(_broken(project), project / "data" / "ttl" / "broken.ttl")
    assert main(["build"]) == 2
    assert "broken.ttl:2:" in capsys.readouterr().err


def test_validate_missing_file_exits_2(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(project / "nope.ttl")]) == 2
    assert "no such file" in capsys.readouterr().err


@pytest.mark.parametrize(("fmt", "expected"), [("json", '"value"'), ("csv", "n\r\n"), ("tsv", "?n\n")])
def test_query_formats(project: Path, capsys: pytest.CaptureFixture[str], fmt: str, expected: str) -> None:
    assert main(["query", "--format", fmt, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"]) == 0
    assert expected in capsys.readouterr().out


def test_query_ask_prints_a_boolean(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["query", 'ASK { ?s ?p "5NT" }']) == 0
    assert capsys.readouterr().out.strip() == "true"


def test_query_syntax_error_exits_2(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["query", "SELECT * WHERE { ?s ?p }"]) == 2
    assert "query syntax error" in capsys.readouterr().err


def test_query_format_must_fit_the_query(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["query", "--format", "turtle", "SELECT * WHERE { ?s ?p ?o }"]) == 2
    assert "does not fit" in capsys.readouterr().err


def test_bad_usage_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["frobnicate"])
    assert exited.value.code == 2


def test_bad_setting_exits_2(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("NHSKG_WORKERS", "0")
    assert main(["build"]) == 2
    assert "workers" in capsys.readouterr().err


def _quads(store: Store) -> set[tuple[Term, ...]]:
    return {tuple(row[name] for name in ("g", "s", "p", "o")) for row in store.select(QUADS)}


def _built_quads() -> set[tuple[Term, ...]]:
    return _quads(builder.open_built(from_env()).store)


def test_dump_builds_first_and_writes_exactly_the_quads_of_the_store(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = project / "all.nq"
    assert main(["dump", "--out", str(out)]) == 0  # nothing is built yet: dump builds
    quads = _quads(OxigraphStore.from_dump(out))
    assert quads == _built_quads()
    assert {str(g.value) for g, *_ in quads} >= {iris.graph(n) for n in ("ontology", "pcts", "inferred")}
    assert f"wrote {len(quads)} quads to {out}" in capsys.readouterr().out
    assert [p.name for p in project.iterdir() if ".partial" in p.name] == []


def test_dump_gzips_by_extension(project: Path, tmp_path: Path) -> None:
    out = project / "all.nq.gz"
    assert main(["dump", "--out", str(out)]) == 0
    plain = tmp_path / "unzipped.nq"
    with gzip.open(out, "rb") as source:  # fails unless the file is gzip
        plain.write_bytes(source.read())
    assert _quads(OxigraphStore.from_dump(plain)) == _built_quads()
    # The same bytes as the build publishes at /dumps/ (no temporary file name in the gzip header).
    published = dumps.load_published(builder.current_store(from_env()) or Path())
    assert published is not None and hashlib.sha256(out.read_bytes()).hexdigest() == published.whole().sha256


@pytest.mark.parametrize(
    ("name", "says"),
    [
        ("no-such-folder/all.nq", "cannot write there"),
        ("all.ttl", "must end in .nq"),
        ("all.nq.bz2", "must end in .nq"),
        (".", "must end in .nq"),
        ("folder.nq", "is a folder"),
        ("data/ttl/pcts.ttl/all.nq", "cannot write there"),
    ],
)
def test_dump_to_a_bad_path_exits_2_with_one_line(
    project: Path, capsys: pytest.CaptureFixture[str], name: str, says: str
) -> None:
    (project / "folder.nq").mkdir()
    assert main(["dump", "--out", str(project / name)]) == 2
    err = capsys.readouterr().err
    assert says in err and err.count("\n") == 1 and "Traceback" not in err
    assert builder.current_store(from_env()) is None, "a bad path is refused before any build"


def test_dump_of_data_that_fails_its_checks_exits_1_and_leaves_the_old_file(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = project / "all.nq"
    out.write_text("old\n", encoding="utf-8")
    (project / "data" / "ttl" / "unlabelled.ttl").write_text(
        "<https://w3id.org/nhs-commissioning/id/pct/5XX> a\n"
        "    <https://w3id.org/nhs-commissioning/def#PrimaryCareTrust> .\n",
        encoding="utf-8",
    )
    assert main(["dump", "--out", str(out)]) == 1
    assert out.read_text(encoding="utf-8") == "old\n"
    assert [p.name for p in project.iterdir() if ".partial" in p.name] == []


@pytest.mark.parametrize("command", ["build", "validate", "serve", "query", "stats", "ingest", "dump"])
def test_every_command_has_help(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main([command, "--help"])
    assert exited.value.code == 0
    assert "usage: nhskg" in capsys.readouterr().out


def test_serve_takes_a_backend_from_its_flags(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NHSKG_BACKEND_GRAPHS", "http://example.org/a")
    args = parser().parse_args(
        ["serve", "--backend-url", "http://127.0.0.1:7878/query", "--backend-graph", "http://example.org/b"]
    )
    settings = _settings(args)
    assert (settings.backend_url, settings.backend_dialect) == ("http://127.0.0.1:7878/query", "standard")
    assert settings.backend_graphs == ("http://example.org/a", "http://example.org/b")
    with pytest.raises(SystemExit):
        parser().parse_args(["serve", "--backend-dialect", "no-such-server"])


def test_serve_stops_at_once_when_the_backend_does_not_answer(capsys: pytest.CaptureFixture[str]) -> None:
    url = f"http://127.0.0.1:{free_port()}/query"  # nothing listens there
    assert main(["serve", "--backend-url", url]) == 1
    assert f"cannot reach the SPARQL server at {url}" in capsys.readouterr().err
