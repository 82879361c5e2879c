"""Where our workers spend their time under load: py-spy samples both gunicorn workers while the query
mix and the entity page are loaded, and the collapsed stacks are folded into self and inclusive tables.

    python -m bench profile        (not part of the default run: it slows the workers it samples)
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import threading
from collections import Counter
from pathlib import Path

from bench import ours
from bench.load import page_call, run_load, sparql_call
from bench.mix import load_queries

PY_SPY = str(Path(sys.executable).parent / "py-spy")
TOP = 15


def _record(pid: int, seconds: int, out: Path) -> subprocess.Popen[bytes]:
    command = [PY_SPY, "record", "--pid", str(pid), "--duration", str(seconds), "--rate", "200"]
    command += ["--format", "raw", "--output", str(out), "--nonblocking", "--subprocesses"]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _load(server_url: str, sparql: str, seconds: float) -> None:
    queries = load_queries()
    share = seconds / (len(queries) + 1)
    for query in queries:
        run_load(sparql_call(sparql, query.text, query.accept), 4, 100_000, share, 30.0)
    run_load(page_call(f"{server_url}/doc/pct/5NT"), 4, 100_000, share, 30.0)


def fold(raw: str) -> tuple[Counter[str], Counter[str]]:
    """Self and inclusive sample counts per frame from py-spy's collapsed (raw) output."""
    own: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    for line in raw.splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        frames = [f for f in stack.split(";") if not f.startswith("process ")]
        if not frames:
            continue
        own[frames[-1]] += int(count)
        for frame in set(frames):
            inclusive[frame] += int(count)
    return own, inclusive


def run(seconds: int = 20) -> dict[str, object]:
    if shutil.which(PY_SPY) is None and not Path(PY_SPY).exists():
        return {"status": "not available: py-spy is not installed (pip install -e '.[bench]')"}
    config = ours.settings()
    ours.built_store(config)
    out = Path(tempfile.mkstemp(prefix="nhskg-bench-profile-", suffix=".txt")[1])
    with ours.our_service(config) as server:
        recorder = _record(server.process.pid, seconds, out)
        loader = threading.Thread(target=_load, args=(server.url, server.sparql, seconds - 2))
        loader.start()
        loader.join()
        recorder.wait(timeout=seconds + 60)
    own, inclusive = fold(out.read_text(encoding="utf-8", errors="replace"))
    out.unlink(missing_ok=True)
    total = sum(own.values()) or 1
    return {
        "samples": total,
        "self_top": {frame: round(100 * n / total, 1) for frame, n in own.most_common(TOP)},
        "inclusive_service_top": {
            frame: round(100 * n / total, 1)
            for frame, n in [kv for kv in inclusive.most_common() if "service/" in kv[0]][: 2 * TOP]
        },
    }
