"""Serve N-Quads with rdflib-endpoint under uvicorn on loopback (run as a subprocess by bench.rdflib_ep).

    python -m bench.rdflib_serve FILE.nq PORT [MAX_QUADS]

Loads the file into an rdflib Dataset whose default graph is the union of the named graphs (as ours
and Virtuoso's are), prints one JSON line with the load time, quads and resident memory, then serves
SPARQL at /sparql with one uvicorn worker: rdflib-endpoint evaluates each query inside its event loop,
so more workers would only mean more copies of the graph.
"""

from __future__ import annotations

import itertools
import json
import sys
import time
from pathlib import Path

import uvicorn
from rdflib import Dataset
from rdflib_endpoint import SparqlEndpoint


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def load(path: Path, max_quads: int | None) -> Dataset:
    dataset = Dataset(default_union=True)
    if max_quads is None:
        dataset.parse(str(path), format="nquads")
        return dataset
    with path.open(encoding="utf-8") as handle:
        subset = "".join(itertools.islice(handle, max_quads))
    dataset.parse(data=subset, format="nquads")
    return dataset


def main(argv: list[str]) -> None:
    path, port = Path(argv[0]), int(argv[1])
    max_quads = int(argv[2]) if len(argv) > 2 else None
    started = time.perf_counter()
    dataset = load(path, max_quads)
    seconds = time.perf_counter() - started
    quads = sum(1 for _ in dataset.quads((None, None, None, None)))
    print(json.dumps({"load_s": round(seconds, 1), "quads": quads, "rss_mb": round(rss_mb())}), flush=True)
    app = SparqlEndpoint(graph=dataset, path="/sparql", cors_enabled=False)
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main(sys.argv[1:])
