"""The `nhskg` command. Exit codes: 0 ok, 1 a check failed, 2 bad usage or unreadable input."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from service import __version__, huge_pages
from service.build import builder, dumps
from service.config import Settings, SettingsError, from_env, parse_graph_option
from service.store import (
    GRAPH_FORMATS,
    SOLUTION_FORMATS,
    QuerySyntaxError,
    RemoteStore,
    Store,
    StoreUnavailableError,
)
from service.store.dialect import DIALECTS

OK, FAILED, USAGE = 0, 1, 2


class CommandError(Exception):
    """A one-line error for the user, with the exit code to leave with."""

    def __init__(self, message: str, code: int = USAGE) -> None:
        super().__init__(message)
        self.code = code


def _progress() -> Callable[[str], None]:
    """Progress lines on a terminal; silence in CI and pipes."""
    if sys.stderr.isatty() and not os.environ.get("CI"):
        return lambda line: print(f"· {line}", file=sys.stderr, flush=True)
    return lambda _: None


def _settings(args: argparse.Namespace) -> Settings:
    graphs = tuple(parse_graph_option(g) for g in getattr(args, "graph", None) or ())
    base = from_env()
    return base.with_overrides(
        host=getattr(args, "host", None),
        port=getattr(args, "port", None),
        workers=getattr(args, "workers", None),
        extra_graphs=(base.extra_graphs + graphs) or None,
        backend_url=getattr(args, "backend_url", None),
        backend_dialect=getattr(args, "backend_dialect", None),
        backend_graphs=(base.backend_graphs + tuple(getattr(args, "backend_graph", None) or ())) or None,
    ).validated()


def cmd_build(args: argparse.Namespace) -> int:
    result = builder.build(_settings(args), _progress())
    state = "up to date" if result.reused else f"built in {result.seconds:.1f} s"
    print(f"store {result.key} {state}: {result.manifest.get('triples', 0)} triples at {result.path}")
    return OK


def cmd_validate(args: argparse.Namespace) -> int:
    settings = _settings(args)
    files = [Path(f) for f in args.files] or sorted(settings.data_dir.glob("*.ttl"))
    for f in files:
        if not f.is_file():
            raise CommandError(f"{f}: no such file")
    report = builder.check_files(settings, files, _progress())
    render = {"text": report.to_text, "turtle": report.to_turtle, "json": report.to_json}[args.format]
    print(render())
    return OK if report.conforms else FAILED


def _check_backend(settings: Settings) -> None:
    """A backend that cannot serve stops `nhskg serve` with one line, before any worker starts."""
    if settings.backend_url is None:
        return
    backend = RemoteStore(
        settings.backend_url, DIALECTS[settings.backend_dialect], graphs=settings.backend_graphs
    )
    try:
        ours = backend.graphs()
    except StoreUnavailableError as exc:
        raise CommandError(str(exc), FAILED) from exc
    finally:
        backend.close()
    if not ours:
        raise CommandError(
            f"the SPARQL server at {settings.backend_url} holds none of our named graphs", FAILED
        )


def cmd_serve(args: argparse.Namespace) -> int:
    from service.web import server

    settings = _settings(args)
    _check_backend(settings)
    try:
        if settings.store_path is None and settings.backend_url is None:  # those are served as they are
            builder.build(settings, _progress())
    except builder.BuildError as exc:
        fallback = builder.last_good_store(settings)
        if fallback is None:
            raise
        # A broken input must not take the service down: serve the last good store, and say so loudly.
        print(f"nhskg: build failed, serving the last good store {fallback.name}: {exc}", file=sys.stderr)
        settings = settings.with_overrides(store_path=fallback)
    server.serve(settings, dev=args.dev)
    return OK


def _query_text(args: argparse.Namespace) -> str:
    if args.file:
        try:
            return Path(args.file).read_text(encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"{args.file}: cannot read: {exc.strerror}") from exc
    if args.query and args.query != "-":
        return str(args.query)
    if sys.stdin.isatty() and args.query != "-":
        raise CommandError("give a query as an argument, with --file, or on standard input")
    return sys.stdin.read()


def cmd_query(args: argparse.Namespace) -> int:
    settings = _settings(args)
    text = _query_text(args)
    folder = builder.current_store(settings) or builder.build(settings, _progress()).path
    store = builder.open_built(settings, folder).store
    try:
        result = store.query(text)
    except QuerySyntaxError as exc:
        raise CommandError(f"query syntax error: {exc}") from exc
    if result.kind == "ask" and args.format is None:
        print("true" if result.boolean else "false")
        return OK
    fmt = args.format or ("tsv" if result.kind == "select" else "turtle")
    allowed = GRAPH_FORMATS if result.kind == "graph" else SOLUTION_FORMATS
    if fmt not in allowed:
        raise CommandError(
            f"--format {fmt} does not fit a {result.kind} query: use one of {', '.join(allowed)}"
        )
    sys.stdout.buffer.write(result.serialize(fmt))
    return OK


def cmd_stats(args: argparse.Namespace) -> int:
    settings = _settings(args)
    try:
        opened = builder.open_built(settings)
    except StoreUnavailableError as exc:
        raise CommandError(str(exc), FAILED) from exc
    if args.coverage:
        return _coverage(opened.store, args.json)
    manifest = opened.manifest
    if args.json:
        print(json.dumps(manifest, indent=2, sort_keys=True))
        return OK
    print(f"store {manifest['key']}: {manifest['triples']} triples")
    for title, table in (("graph", manifest["graphs"]), ("class", manifest["classes"])):
        assert isinstance(table, dict)  # noqa: S101 - the manifest is ours
        print(f"\n{title:<70} {'count':>10}")
        for name, n in sorted(table.items(), key=lambda kv: -kv[1]):
            print(f"{name:<70} {n:>10}")
    return OK


def _coverage(store: Store, as_json: bool) -> int:
    from service.build import coverage
    from service.web.pages import coverage as pages_coverage

    view = coverage.coverage(store)
    print(json.dumps(pages_coverage.to_json(view), indent=2) if as_json else pages_coverage.to_text(view))
    return OK


DUMP_SUFFIXES = (".nq", ".nq.gz")


def _dump_target(name: str) -> Path:
    """The output path checked before any build: the temporary file made beside it, to be renamed over it."""
    out = Path(name)
    if not out.name.endswith(DUMP_SUFFIXES):
        raise CommandError(f"{out}: the name must end in .nq (N-Quads) or .nq.gz (gzipped N-Quads)")
    if out.is_dir():
        raise CommandError(f"{out}: is a folder; give a file name ending in .nq or .nq.gz")
    temporary = out.with_name(f".{out.name}.{os.getpid()}.partial")
    try:
        temporary.open("xb").close()  # writable here? (before any build; the umask gives its mode)
    except OSError as exc:
        raise CommandError(f"{out}: cannot write there: {exc.strerror or exc}") from exc
    return temporary


def _write_quads(quads: Path, temporary: Path, gzipped: bool) -> None:
    with temporary.open("wb") as sink:
        if gzipped:  # no file name (the temporary's) and no time in the header: the build's published bytes
            dumps.gzip_file(quads, sink)
        else:
            with quads.open("rb") as source:
                shutil.copyfileobj(source, sink, 1 << 20)


def cmd_dump(args: argparse.Namespace) -> int:
    """Every quad of the build (ontology, data, inferred graph) as N-Quads, written to a temporary file
    beside the output and renamed into place, so that a reader never sees half a dump."""
    out = Path(args.out)
    temporary = _dump_target(args.out)
    try:
        settings = _settings(args)
        folder = builder.current_store(settings) or builder.build(settings, _progress()).path
        quads = folder / builder.QUADS
        if not quads.is_file():
            raise CommandError(f"{folder}: the store has no {builder.QUADS}: rebuild it", FAILED)
        try:
            _write_quads(quads, temporary, out.name.endswith(".gz"))
            os.replace(temporary, out)
        except OSError as exc:
            raise CommandError(f"{out}: cannot write: {exc.strerror or exc}") from exc
    finally:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()
    count = builder.read_manifest(folder).get("triples", 0)
    print(f"wrote {count} quads to {out}")
    return OK


def cmd_ingest(args: argparse.Namespace) -> int:
    from service.ingest import pipeline

    settings = _settings(args)
    source = Path(args.source)
    if not (source / "data").is_dir():
        raise CommandError(f"{source}: not a shared folder (no data/ inside)")
    changed = pipeline.run(source, Path(args.out) if args.out else settings.data_dir, _progress())
    print(f"{len(changed)} file(s) changed" + "".join(f"\n  {p}" for p in changed))
    return OK


def _with_huge_pages(command: str) -> None:
    """Run the command again with 2 MB pages where it builds a store (service/huge_pages.py)."""
    environ = huge_pages.environment(command, os.environ, from_env().huge_pages)
    if environ is not None:
        huge_pages.run_again(sys.argv[1:], environ)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="nhskg", description="Build, check and serve the NHS commissioning knowledge graph."
    )
    p.add_argument("--version", action="version", version=f"nhskg {__version__}")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    b = sub.add_parser("build", help="build the store from ontology/ and data/ttl/ (a no-op when up to date)")
    b.set_defaults(run=cmd_build)
    v = sub.add_parser("validate", help="check data files against the shapes (default: data/ttl/)")
    v.add_argument("files", nargs="*", metavar="FILE")
    v.add_argument("--format", choices=["text", "turtle", "json"], default="text")
    v.set_defaults(run=cmd_validate)
    s = sub.add_parser("serve", help="serve the SPARQL endpoint and the pages")
    s.add_argument("--host")
    s.add_argument("--port", type=int)
    s.add_argument("--workers", type=int)
    s.add_argument("--graph", action="append", metavar="IRI=FILE", help="load FILE into the named graph IRI")
    s.add_argument("--dev", action="store_true", help="Flask's reloader instead of gunicorn")
    s.add_argument("--backend-url", metavar="URL", help="serve over this SPARQL endpoint; no local build")
    s.add_argument(
        "--backend-dialect", choices=sorted(DIALECTS), help="what the backend needs beyond the protocol"
    )
    s.add_argument(
        "--backend-graph", action="append", metavar="IRI", help="a backend graph outside ours that joins ours"
    )
    s.set_defaults(run=cmd_serve)
    q = sub.add_parser("query", help="run a SPARQL query on the built store")
    q.add_argument("query", nargs="?", help="the query text, or - for standard input")
    q.add_argument("--file", help="read the query from a file")
    q.add_argument("--format", choices=sorted({*SOLUTION_FORMATS, *GRAPH_FORMATS}))
    q.set_defaults(run=cmd_query)
    st = sub.add_parser("stats", help="triples by named graph and things by class")
    st.add_argument("--json", action="store_true")
    st.add_argument(
        "--coverage", action="store_true", help="how complete the history is, kind by kind (as /coverage)"
    )
    st.set_defaults(run=cmd_stats)
    d = sub.add_parser("dump", help="write every quad of the build as N-Quads (.nq, or .nq.gz gzipped)")
    d.add_argument("--out", required=True, metavar="FILE", help="FILE.nq or FILE.nq.gz, replaced atomically")
    d.set_defaults(run=cmd_dump)
    i = sub.add_parser("ingest", help="convert the raw and curated sources into data/ttl/")
    i.add_argument("--source", required=True, help="the shared folder (with data/raw, data/curated, seeds)")
    i.add_argument("--out", help="where to write the Turtle (default: data/ttl/)")
    i.set_defaults(run=cmd_ingest)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        if argv is None:  # a command of its own, not a call from Python
            _with_huge_pages(args.command)
        code: int = args.run(args)
    except CommandError as exc:
        print(f"nhskg: {exc}", file=sys.stderr)
        return exc.code
    except (SettingsError, builder.InputError) as exc:
        print(f"nhskg: {exc}", file=sys.stderr)
        return USAGE
    except builder.NonConformingError as exc:
        print(f"nhskg: {exc}", file=sys.stderr)
        return FAILED
    except (builder.BuildError, StoreUnavailableError) as exc:
        print(f"nhskg: {exc}", file=sys.stderr)
        return FAILED
    except KeyboardInterrupt:
        return 130
    return code


if __name__ == "__main__":
    sys.exit(main())
