"""Replicas: the same mixed load on one node directly, one node behind HAProxy, and two nodes behind HAProxy.

Two `nhskg serve` nodes serve one build; HAProxy runs from deploy/haproxy.cfg itself (tests/balancer.py).
The one-node-behind-HAProxy case puts node2 in maintenance through HAProxy's admin socket, so the three
cases share every process and differ only in the path a request takes. The load is bench/load_mixed.py's
mix (pages, search, SPARQL, /healthz) from a threaded Python client on the same machine: the client, the
nodes, HAProxy and whatever else runs share the cores, so the CPU that each used is reported beside each
figure, and the CPU each part spent per request.
"""

from __future__ import annotations

import os
import resource
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from bench import ours
from bench.load import Call, percentile, spread
from bench.load_mixed import Tally, entity_paths, mixed_calls, run_mixed
from tests.balancer import Balancer, haproxy_binary, node_env, running_balancer
from tests.live import LiveServer, cpu_seconds, descendants, live_server

NODES = ("node1", "node2")
Cluster = tuple[Balancer, list[LiveServer]]


@dataclass(frozen=True)
class Plan:
    rounds: int = 5  # interleaved across the cases: on a shared machine, more rounds, less luck
    slice_seconds: float = 5.0
    warm_up_seconds: float = 3.0
    connections: int = 8
    workers_per_node: int = 2
    max_requests: int = 1_000_000


@dataclass(frozen=True)
class Cpu:
    """CPU seconds used so far: by this process (the client), by HAProxy, by the nodes, by the machine."""

    wall: float
    client: float
    haproxy: float
    nodes: float
    machine: float

    def __sub__(self, other: Cpu) -> Cpu:
        return Cpu(*(a - b for a, b in zip(self.fields(), other.fields(), strict=True)))

    def __add__(self, other: Cpu) -> Cpu:
        return Cpu(*(a + b for a, b in zip(self.fields(), other.fields(), strict=True)))

    def fields(self) -> tuple[float, float, float, float, float]:
        return self.wall, self.client, self.haproxy, self.nodes, self.machine


def machine_busy_seconds() -> float:
    """CPU seconds the whole machine has spent busy (every core; /proc/stat, idle and iowait left out)."""
    ticks = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    return (sum(ticks) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK")


def client_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def sample(balancer: Balancer, nodes: list[LiveServer]) -> Cpu:
    pids = [p for node in nodes for p in (node.process.pid, *descendants(node.process.pid))]
    return Cpu(
        time.monotonic(),
        client_seconds(),
        cpu_seconds(balancer.process.pid),
        sum(cpu_seconds(p) for p in pids),
        machine_busy_seconds(),
    )


def cpu_shares(used: Cpu) -> dict[str, float]:
    """Each part's CPU as a share (%) of what the machine's cores could give in that time."""
    capacity = used.wall * len(os.sched_getaffinity(0))
    ours = used.client + used.haproxy + used.nodes
    shares = {
        "client": used.client,
        "haproxy": used.haproxy,
        "nodes": used.nodes,
        "other_processes": max(0.0, used.machine - ours),
        "machine_busy": used.machine,
    }
    figures = {f"{name}_pct_of_capacity": round(100 * v / capacity, 1) for name, v in shares.items()}
    figures["client_pct_of_busy"] = round(100 * used.client / used.machine, 1) if used.machine else 0.0
    return figures


def cpu_per_request(used: Cpu, requests: int) -> dict[str, float]:
    """CPU milliseconds each part spent per answered request: what a request costs, whatever else the
    machine was doing meanwhile."""
    parts = {"client": used.client, "haproxy": used.haproxy, "nodes": used.nodes}
    return {name: round(1000 * v / requests, 3) if requests else 0.0 for name, v in parts.items()}


def served_by(balancer: Balancer) -> dict[str, int]:
    """Responses each node has given through HAProxy so far (its stats' 2xx count)."""
    servers = balancer.servers()
    return {name: int(servers[name]["hrsp_2xx"] or 0) for name in NODES}


@dataclass(frozen=True)
class Case:
    name: str
    url: str
    nodes_in_service: tuple[str, ...]  # what HAProxy may send to (empty: HAProxy is not in the path)


def set_nodes(balancer: Balancer, in_service: tuple[str, ...]) -> None:
    """Keep only `in_service` in service (none named: every node) and wait until HAProxy says so."""
    for name in NODES:
        wanted = not in_service or name in in_service
        balancer.command(f"{'enable' if wanted else 'disable'} server nodes/{name}")
        balancer.wait_for(name, "UP" if wanted else "MAINT")


@dataclass
class Rounds:
    """What the rounds of one case measured, summed."""

    slices: list[tuple[Tally, float]] = field(default_factory=list)
    cpu: Cpu = Cpu(0.0, 0.0, 0.0, 0.0, 0.0)
    served: dict[str, int] = field(default_factory=lambda: dict.fromkeys(NODES, 0))

    def summary(self, through_haproxy: bool) -> dict[str, object]:
        latencies = [x for tally, _ in self.slices for x in tally.latencies]
        return {
            "req_per_s": spread([len(t.latencies) / seconds for t, seconds in self.slices], 1),
            "requests_ok": len(latencies),
            "errors": sum(len(t.errors) for t, _ in self.slices),
            "p50_ms": round(percentile(latencies, 0.5) * 1000, 2),
            "p99_ms": round(percentile(latencies, 0.99) * 1000, 2),
            "served_by_node": self.served if through_haproxy else {},
            "cpu": cpu_shares(self.cpu),
            "cpu_ms_per_request": cpu_per_request(self.cpu, len(latencies)),
        }


def one_round(case: Case, calls: list[Call], plan: Plan, cluster: Cluster, rounds: Rounds) -> None:
    """One slice of load on `case`, added to `rounds` with the CPU it took and who served it."""
    balancer, nodes = cluster
    set_nodes(balancer, case.nodes_in_service)
    before_cpu, before_served = sample(balancer, nodes), served_by(balancer)
    started = time.monotonic()
    tally = run_mixed(calls, plan.connections, plan.slice_seconds, plan.max_requests)
    rounds.slices.append((tally, time.monotonic() - started))
    rounds.cpu = rounds.cpu + (sample(balancer, nodes) - before_cpu)
    after_served = served_by(balancer)
    for name in NODES:
        rounds.served[name] += after_served[name] - before_served[name]


def measure(cases: list[Case], entities: list[str], plan: Plan, cluster: Cluster) -> dict[str, object]:
    """Warm every case up, then take its rounds in turn (A B C A B C ...), so that whatever else the
    machine runs meanwhile weighs on each case alike."""
    calls = {case.name: mixed_calls(case.url, entities) for case in cases}
    for case in cases:
        set_nodes(cluster[0], case.nodes_in_service)
        run_mixed(calls[case.name], plan.connections, plan.warm_up_seconds, plan.max_requests)
    rounds = {case.name: Rounds() for case in cases}
    for _ in range(plan.rounds):
        for case in cases:
            one_round(case, calls[case.name], plan, cluster, rounds[case.name])
    report: dict[str, object] = {c.name: rounds[c.name].summary(bool(c.nodes_in_service)) for c in cases}
    return report | {"kinds_of_request": len(calls[cases[0].name])}


@contextmanager
def two_nodes_behind_haproxy(plan: Plan, folder: Path) -> Iterator[Cluster]:
    config = ours.settings()
    ours.built_store(config)
    env = {"NHSKG_ROOT": str(config.root), "CI": "1"}
    if config.cache_dir is not None:
        env["NHSKG_CACHE_DIR"] = str(config.cache_dir)
    args = ["--workers", str(plan.workers_per_node)]
    with ExitStack() as stack:
        nodes = [
            stack.enter_context(
                live_server(node_env(env, folder, name), args, timeout=300, log=folder / f"{name}.log")
            )
            for name in NODES
        ]
        addresses = {
            name.upper(): node.url.removeprefix("http://") for name, node in zip(NODES, nodes, strict=True)
        }
        balancer = stack.enter_context(running_balancer(addresses, folder))
        for name in NODES:
            balancer.wait_for(name, "UP")
        for node in nodes:  # queries run in the in-memory side, as in production, not on disk meanwhile
            if not ours.wait_for_memory_engine(node.process.pid, 300):
                raise RuntimeError(f"{node.url}: the in-memory query engine did not come up")
        yield balancer, nodes


def run(plan: Plan | None = None) -> dict[str, object]:
    plan = plan or Plan()
    if haproxy_binary() is None:
        return {"status": "not measured: haproxy is not installed (make test-deps)"}
    report: dict[str, object] = {"plan": plan.__dict__, "cpus": len(os.sched_getaffinity(0))}
    with tempfile.TemporaryDirectory(prefix="nhskg-bench-replicas-") as scratch:
        with two_nodes_behind_haproxy(plan, Path(scratch)) as cluster:
            balancer, nodes = cluster
            cases = [
                Case("1 node, direct", nodes[0].url, ()),
                Case("1 node via HAProxy", balancer.url, ("node1",)),
                Case("2 nodes via HAProxy", balancer.url, NODES),
            ]
            report |= measure(cases, entity_paths(nodes[0].url), plan, cluster)
    return report
