"""Two `nhskg serve` nodes behind HAProxy, run from deploy/haproxy.cfg itself: both from one build, and
both over one backend (a real Oxigraph server holding that build's dump, as docs/deploy.md describes).

A mixed load (pages, search, SPARQL by GET and by POST) flows through the balancer from a few client
threads while one node's whole process group is SIGKILLed: only requests in flight on it may fail, none
fails once HAProxy has marked it down, and the node, started again on its port, is marked up and answers
again. Every wait is on an event (a state on HAProxy's stats socket, a count of answered requests), with a
deadline only to fail instead of hanging.
"""

from __future__ import annotations

import http.client
import itertools
import os
import shutil
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import pytest
from rdflib import Graph, URIRef

from tests.balancer import Balancer, haproxy_binary, node_env, running_balancer
from tests.engines.oxigraph_server import backend_args, oxigraph_server
from tests.live import NHSKG, LiveServer, free_port, live_server

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(haproxy_binary() is None, reason="haproxy is not installed: run `make test-deps`"),
]
MINI = Path(__file__).parents[1] / "data" / "mini"
CLIENTS = 4
SD_ENDPOINT = URIRef("http://www.w3.org/ns/sparql-service-description#endpoint")
QUERY = "SELECT ?s ?label WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label } ORDER BY ?s"
FORM = "application/x-www-form-urlencoded"
SELECT_JSON = "application/sparql-results+json"


@dataclass(frozen=True)
class Call:
    name: str
    method: str
    target: str
    body: bytes | None = None
    headers: tuple[tuple[str, str], ...] = ()


MIX = (
    Call("entity page", "GET", "/doc/pct/5NT", headers=(("Accept", "text/html"),)),
    Call("entity turtle", "GET", "/doc/pct/5HG.ttl"),
    Call("search", "GET", "/search?q=manchester"),
    Call("sparql GET", "GET", "/sparql?" + urlencode({"query": QUERY}), headers=(("Accept", SELECT_JSON),)),
    Call(
        "sparql POST",
        "POST",
        "/sparql",
        urlencode({"query": QUERY}).encode(),
        (("Accept", SELECT_JSON), ("Content-Type", FORM), ("Cache-Control", "no-cache")),
    ),
)


@dataclass(frozen=True)
class Outcome:
    call: str
    started: float
    ended: float
    status: int | None  # None: the connection failed
    node: str | None  # HAProxy's X-Served-By

    @property
    def ok(self) -> bool:
        return self.status == 200


@dataclass
class Load:
    """Client threads sending MIX round and round through one keep-alive connection each."""

    url: str
    outcomes: list[Outcome] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)
    threads: list[threading.Thread] = field(default_factory=list)

    def start(self) -> None:
        self.threads = [threading.Thread(target=self.client, args=(i,), daemon=True) for i in range(CLIENTS)]
        for thread in self.threads:
            thread.start()

    def finish(self) -> None:
        """Stop sending; wait for the requests in flight."""
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=120)

    def _connection(self) -> http.client.HTTPConnection:
        host, port = self.url.removeprefix("http://").split(":")
        return http.client.HTTPConnection(host, int(port), timeout=60)

    def _send(self, connection: http.client.HTTPConnection, call: Call) -> Outcome:
        started = time.monotonic()
        connection.request(call.method, call.target, call.body, dict(call.headers))
        response = connection.getresponse()
        response.read()
        if response.will_close:
            connection.close()
        return Outcome(
            call.name, started, time.monotonic(), response.status, response.getheader("X-Served-By")
        )

    def client(self, first: int) -> None:
        connection = self._connection()
        for call in itertools.islice(itertools.cycle(MIX), first, None):
            if self.stop.is_set():
                break
            started = time.monotonic()
            try:
                outcome = self._send(connection, call)
            except (OSError, http.client.HTTPException):
                connection.close()
                outcome = Outcome(call.name, started, time.monotonic(), None, None)
            with self.lock:
                self.outcomes.append(outcome)
        connection.close()

    def snapshot(self) -> list[Outcome]:
        with self.lock:
            return list(self.outcomes)


@contextmanager
def running_load(url: str) -> Iterator[Load]:
    """CLIENTS threads sending MIX until `load.finish()` or the end of the block."""
    load = Load(url)
    load.start()
    try:
        yield load
    finally:
        load.finish()


def wait_until(what: str, ready: Callable[[], bool], timeout: float = 120.0) -> None:
    """Poll `ready` until it holds; the deadline only turns a hang into a failure."""
    deadline = time.monotonic() + timeout
    while not ready():
        if time.monotonic() > deadline:
            raise TimeoutError(f"not within {timeout} s: {what}")
        time.sleep(0.02)


def failed(outcomes: list[Outcome]) -> int:
    return sum(1 for o in outcomes if not o.ok)


def answered(load: Load, after: float, node: str | None = None) -> int:
    """Requests started after `after` that succeeded (on `node`, when given)."""
    return sum(1 for o in load.snapshot() if o.started > after and o.ok and node in (None, o.node))


@dataclass(frozen=True)
class Cluster:
    env: dict[str, str]
    args: tuple[str, ...]  # each node's flags
    nodes: dict[str, int]  # node name in haproxy.cfg -> its port
    servers: dict[str, LiveServer]  # the node now running under each name
    balancer: Balancer
    folder: Path
    stack: ExitStack  # what stops the nodes and the balancer at the end of the module

    def start_again(self, name: str) -> LiveServer:
        """Start node `name` again on its port; it lives as long as the cluster."""
        env, log = node_env(self.env, self.folder, name), self.folder / f"{name}-again.log"
        server = live_server(env, self.args, log=log, port=self.nodes[name])
        self.servers[name] = self.stack.enter_context(server)
        return self.servers[name]


NODE_ARGS = ("--workers", "1")


def _nhskg(env: dict[str, str], *args: str) -> None:
    done = subprocess.run([str(NHSKG), *args], env={**os.environ, **env}, capture_output=True, check=False)
    assert done.returncode == 0, done.stderr.decode()


@pytest.fixture(scope="module", params=["one build", "one backend"])
def cluster(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    """node1 and node2 serve one build, or are stateless over one Oxigraph server holding its dump;
    HAProxy in front of both, both marked up."""
    folder = tmp_path_factory.mktemp("replicas")
    shutil.copytree(MINI, folder / "project")
    env = {"NHSKG_ROOT": str(folder / "project"), "NHSKG_CACHE_DIR": str(folder / "cache")}
    _nhskg(env, "build")
    ports = {"node1": free_port(), "node2": free_port()}
    with ExitStack() as stack:
        args = NODE_ARGS
        if request.param == "one backend":
            _nhskg(env, "dump", "--out", str(folder / "dump.nq"))
            server = stack.enter_context(oxigraph_server(folder / "dump.nq", folder / "backend"))
            args = (*NODE_ARGS, *backend_args(server))
        servers = {
            name: stack.enter_context(
                live_server(node_env(env, folder, name), args, log=folder / f"{name}.log", port=port)
            )
            for name, port in ports.items()
        }
        addresses = {name.upper(): f"127.0.0.1:{port}" for name, port in ports.items()}
        balancer = stack.enter_context(running_balancer(addresses, folder))
        for name in ports:
            balancer.wait_for(name, "UP")
        yield Cluster(env, args, ports, servers, balancer, folder, stack)


def endpoint_named(url: str, headers: dict[str, str]) -> str:
    """The sd:endpoint of the service description that `url`/sparql answers (an absolute link)."""
    host, port = url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    try:
        connection.request("GET", "/sparql", headers={"Accept": "text/turtle", **headers})
        response = connection.getresponse()
        assert response.status == 200
        graph = Graph().parse(data=response.read(), format="turtle")
    finally:
        connection.close()
    return str(next(graph.objects(None, SD_ENDPOINT)))


def test_absolute_links_name_the_balancer_and_its_scheme(cluster: Cluster) -> None:
    """Host passes through HAProxy and X-Forwarded-Proto is set by it (a client's own is overwritten);
    gunicorn trusts the header from the proxy's address, as a direct request to a node shows."""
    lb = cluster.balancer.url
    assert endpoint_named(lb, {}) == f"{lb}/sparql"
    assert endpoint_named(lb, {"X-Forwarded-Proto": "https"}) == f"{lb}/sparql"
    node = f"http://127.0.0.1:{cluster.nodes['node1']}"
    assert (
        endpoint_named(node, {"X-Forwarded-Proto": "https"})
        == f"https://127.0.0.1:{cluster.nodes['node1']}/sparql"
    )


def test_both_nodes_answer_every_kind_of_request(cluster: Cluster) -> None:
    with running_load(cluster.balancer.url) as load:
        wait_until("both nodes answer", lambda: min(answered(load, 0, n) for n in cluster.nodes) >= len(MIX))
    outcomes = load.snapshot()
    assert {o.call for o in outcomes if o.ok} == {c.name for c in MIX}
    assert [o for o in outcomes if not o.ok] == []


def test_a_killed_node_costs_only_its_requests_in_flight_and_rejoins(cluster: Cluster) -> None:
    balancer = cluster.balancer
    with running_load(balancer.url) as load:
        wait_until("both nodes under load", lambda: min(answered(load, 0, n) for n in cluster.nodes) >= 20)
        victim = cluster.servers["node2"].process
        killed = time.monotonic()
        os.killpg(victim.pid, signal.SIGKILL)  # the arbiter, its workers and the query engine
        victim.wait()
        marked_down = balancer.wait_for("node2", "DOWN")
        wait_until("100 answers after node2 is down", lambda: answered(load, marked_down) >= 100)
        served_before = int(balancer.servers()["node2"]["hrsp_2xx"])
        restarting = time.monotonic()
        cluster.start_again("node2")
        marked_up = balancer.wait_for("node2", "UP")
        wait_until("node2 answers again", lambda: answered(load, marked_up, "node2") >= len(MIX))
        served_after = int(balancer.servers()["node2"]["hrsp_2xx"])
    outcomes = load.snapshot()
    before = [o for o in outcomes if o.ended < killed]
    window = [o for o in outcomes if o.ended >= killed and o.started <= marked_down]
    after = [o for o in outcomes if o.started > marked_down]
    down = [o for o in after if o.ended < restarting]  # no node2 process at all meanwhile
    print(
        f"\nrequests: {len(before)} before the kill ({failed(before)} failed),"
        f" {len(window)} between the kill and HAProxy marking node2 down ({failed(window)} failed),"
        f" {len(after)} after ({failed(after)} failed); {len(down)} while node2 was down;"
        f" failed: {[o.call for o in outcomes if not o.ok]}"
    )
    assert failed(before) == 0
    # Each client has one request in flight at a time: at most those on node2 at the kill may fail.
    assert failed(window) <= CLIENTS
    assert failed(after) == 0
    assert len(down) >= 100
    assert {o.node for o in down} == {"node1"}
    assert served_after > served_before
