"""Virtuoso Open Source (Debian's virtuoso-opensource-7-bin) on loopback, with a throw-away database.

`virtuoso(nquads)` writes its own virtuoso.ini into a temporary folder, starts virtuoso-t, waits until the
SQL port answers isql, bulk-loads the N-Quads (a `nhskg dump` file) with ld_dir + rdf_loader_run +
checkpoint, waits until /sparql answers a query, and removes everything afterwards. The tests
(tests/engines/fixtures.py) and the benchmarks (bench/endpoint.py) both start it from here.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.live import free_port, stop_group

SERVER = "virtuoso-t"
ISQL = "isql-vt"
VAD = "/usr/share/virtuoso-opensource-7/vad"
# Virtuoso keeps a few system graphs of its own; count only ours.
DEFAULT_LOAD_GRAPH = "urn:nhskg:load:default"
OURS = 'FILTER (STRSTARTS(STR(?g), "https://w3id.org/nhs-commissioning/"))'

# Tuned as Virtuoso's own guidance says for a few GB of RAM: buffers for the whole data set, result rows
# not capped at the default 10000 (the label search returns more), and no query cost estimate refusals.
INI = """\
[Database]
DatabaseFile = {db}/virtuoso.db
ErrorLogFile = {db}/virtuoso.log
LockFile = {db}/virtuoso.lck
TransactionFile = {db}/virtuoso.trx
xa_persistent_file = {db}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {db}/virtuoso-temp.db
TransactionFile = {db}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
MaxClientConnections = 20
CheckpointInterval = 60
O_DIRECT = 0
CaseMode = 2
MaxStaticCursorRows = 5000
CheckpointAuditTrail = 0
AllowOSCalls = 0
SchedulerInterval = 10
DirsAllowed = ., {data}, {vad}
ThreadCleanupInterval = 0
ThreadThreshold = 10
ResourcesCleanupInterval = 0
FreeTextBatchSize = 100000
SingleCPU = 0
VADInstallDir = {vad}/
PrefixResultNames = 0
RdfFreeTextRulesSize = 100
IndexTreeMaps = 64
MaxQueryMem = 2G
VectorSize = 1000
MaxVectorSize = 1000000
AdjustVectorSize = 0
ThreadsPerQuery = 2
AsyncQueueMaxThreads = 10
NumberOfBuffers = 170000
MaxDirtyBuffers = 130000

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {db}
MaxClientConnections = 20
DavRoot = DAV
EnabledDavVSP = 0
HTTPProxyEnabled = 0
TempASPXDir = 0
ServerThreads = 20
MaxKeepAlives = 20
KeepAliveTimeout = 30
HTTPThreadSize = 280000
HttpPrintWarningsInOutput = 0
Charset = UTF-8
EnabledGzipContent = 0

[Client]
SQL_PREFETCH_ROWS = 100
SQL_PREFETCH_BYTES = 16000
SQL_QUERY_TIMEOUT = 0
SQL_TXN_TIMEOUT = 0

[SPARQL]
ResultSetMaxRows = {max_rows}
MaxQueryCostEstimationTime = 0
MaxQueryExecutionTime = 120
"""


@dataclass(frozen=True)
class Virtuoso:
    url: str
    pid: int
    sql_port: int
    load_seconds: float
    quads: int
    version: str

    @property
    def sparql(self) -> str:
        return f"{self.url}/sparql"


def available() -> bool:
    return shutil.which(SERVER) is not None and shutil.which(ISQL) is not None


def version() -> str:
    out = subprocess.run([SERVER, "-?"], capture_output=True, text=True, check=False)
    lines = [line for line in (out.stdout + out.stderr).splitlines() if line.startswith("Version")]
    return lines[0].removeprefix("Version ").strip() if lines else "unknown"


def isql(port: int, sql: str, timeout: float = 900.0) -> str:
    """Run SQL statements through isql as dba (the fresh database's default password)."""
    out = subprocess.run(
        [ISQL, f"127.0.0.1:{port}", "dba", "dba", "VERBOSE=OFF", "BANNER=OFF", f"EXEC={sql}"],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if out.returncode != 0 or "*** Error" in out.stdout + out.stderr:
        raise RuntimeError(f"isql failed on {sql!r}: {out.stdout}{out.stderr}")
    return out.stdout


def _wait_sql(port: int, process: subprocess.Popen[bytes], timeout: float = 120.0) -> None:
    """Until isql gets an answer on the SQL port (the server opens it once its database is ready)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"virtuoso-t exited with {process.returncode}")
        try:
            isql(port, "status('');", timeout=10)
            return
        except (RuntimeError, subprocess.TimeoutExpired):
            time.sleep(0.2)
    raise RuntimeError(f"Virtuoso did not answer on {port} within {timeout} s")


def _wait_sparql(url: str, process: subprocess.Popen[bytes], timeout: float = 60.0) -> None:
    """Until /sparql answers an ASK with 200 (the HTTP listener starts after the SQL one)."""
    ask = f"{url}/sparql?" + urllib.parse.urlencode({"query": "ASK {}"})
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"virtuoso-t exited with {process.returncode}")
        try:
            with urllib.request.urlopen(ask, timeout=10) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    raise RuntimeError(f"Virtuoso's /sparql did not answer within {timeout} s")


def load_statements(folder: Path, name: str) -> list[str]:
    """The SQL that bulk-loads one N-Quads file (plain or .gz), as the README gives it: the graph of each
    triple comes from its quad (the third argument is only for triples without one)."""
    return [
        f"ld_dir('{folder}', '{name}', '{DEFAULT_LOAD_GRAPH}');",
        "rdf_loader_run();",
        "checkpoint;",
    ]


def _bulk_load(port: int, data: Path, name: str) -> int:
    for statement in load_statements(data, name):
        isql(port, statement)
    failed = isql(port, "SELECT ll_file, ll_error FROM DB.DBA.LOAD_LIST WHERE ll_error IS NOT NULL;")
    if "0 Rows" not in failed and failed.strip():
        raise RuntimeError(f"Virtuoso could not load some files: {failed}")
    out = isql(port, f"SPARQL SELECT COUNT(*) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {OURS} }};")
    digits = [line.strip() for line in out.splitlines() if line.strip().isdigit()]
    return int(digits[-1]) if digits else -1


@dataclass(frozen=True)
class Answer:
    """What Virtuoso's /sparql answered: its status, its headers (names in lower case), its JSON body."""

    status: int
    headers: dict[str, str]
    body: dict[str, Any]


def post_query(
    endpoint: str, query: str, params: Sequence[tuple[str, str]] = (), timeout: float = 120.0
) -> Answer:
    """One SPARQL 1.1 Protocol query (form POST) for JSON results, with plain urllib."""
    data = urllib.parse.urlencode([("query", query), *params]).encode()
    request = urllib.request.Request(
        endpoint, data=data, headers={"Accept": "application/sparql-results+json"}, method="POST"
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:
        headers = {k.lower(): v for k, v in response.headers.items()}
        return Answer(response.status, headers, json.loads(response.read()))


def _stop(process: subprocess.Popen[bytes], port: int) -> None:
    if process.poll() is not None:
        return
    try:
        isql(port, "shutdown;", timeout=60)
        process.wait(timeout=60)
    except (RuntimeError, subprocess.TimeoutExpired):
        stop_group(process, grace=20)


@contextmanager
def virtuoso(nquads: Path, max_rows: int = 1_000_000) -> Iterator[Virtuoso]:
    """A running Virtuoso with `nquads` loaded, answering at most `max_rows` rows (its ResultSetMaxRows);
    stopped and deleted on exit."""
    folder = Path(tempfile.mkdtemp(prefix="nhskg-virtuoso-"))
    db, data = folder / "db", folder / "data"
    db.mkdir()
    data.mkdir()
    if _same_fs(nquads, data):
        os.link(nquads, data / nquads.name)
    else:
        shutil.copy(nquads, data)
    sql_port, http_port = free_port(), free_port()
    ini = folder / "virtuoso.ini"
    ini.write_text(
        INI.format(db=db, data=data, vad=VAD, sql_port=sql_port, http_port=http_port, max_rows=max_rows)
    )
    log = (folder / "stdout.log").open("wb")
    process = subprocess.Popen(
        [SERVER, "+foreground", "+configfile", str(ini)],
        cwd=db,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        _wait_sql(sql_port, process)
        started = time.perf_counter()
        quads = _bulk_load(sql_port, data, nquads.name)
        seconds = time.perf_counter() - started
        url = f"http://127.0.0.1:{http_port}"
        _wait_sparql(url, process)
        yield Virtuoso(url, process.pid, sql_port, seconds, quads, version())
    finally:
        _stop(process, sql_port)
        log.close()
        shutil.rmtree(folder, ignore_errors=True)


def _same_fs(a: Path, b: Path) -> bool:
    return a.stat().st_dev == b.stat().st_dev


def backend_args(server: Virtuoso, graphs: Sequence[str] = ()) -> list[str]:
    """`nhskg serve`'s flags to serve over `server` with the virtuoso dialect, as the README says; `graphs`
    are its graphs outside ours that join the dataset."""
    graph_args = (a for g in graphs for a in ("--backend-graph", g))
    return ["--backend-url", server.sparql, "--backend-dialect", "virtuoso", *graph_args]
