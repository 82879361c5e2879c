"""Benchmark 3: the HTML pages of our service under concurrent load (throughput, p50, p99).

A route that answers 404 (not built yet) is reported as 'not available', not measured.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from urllib.parse import urljoin

from bench import ours
from bench.load import Call, Slice, fetch, page_call, run_load, summarise

ENTITY = "/id/pct/5NT"


@dataclass(frozen=True)
class Page:
    name: str
    path: str
    follow: bool = True  # measure the page the 303 leads to, not the redirect


LARGEST = "/id/ccg/W2U3Z"  # the entity with the most statements (977 about it, ~900 members) on the real data
PAGES = (
    Page("healthz_floor", "/healthz"),  # the cheapest route: what gunicorn + Flask + the client cost alone
    Page("home", "/"),
    Page("entity_redirect_303", ENTITY, follow=False),
    Page("entity_page", ENTITY),
    Page("entity_largest", LARGEST),
    Page("entity_largest_page_2", LARGEST.replace("/id/", "/doc/") + "?page=2"),
    Page("search", "/search?q=manchester"),
    Page("class_listing", "/class/nhs:PrimaryCareTrust"),
    Page("class_memberships", "/class/org:Membership"),  # 62,311 instances: the store was asked per request
    Page("class_memberships_page_500", "/class/org:Membership?page=500"),
    Page("class_memberships_on_a_day", "/class/org:Membership?at=2015-01-01"),
    Page("class_organisations", "/class/org:Organization"),
    Page("sparql_editor", "/sparql"),
    Page("editor_terms", "/terms.json"),  # the editor's completions: were two queries over the whole store
    Page("about", "/about"),  # 4,021 data files on one page (865 KB) until they were paged
    Page("about_page_2", "/about?page=2"),
    Page("home_on_a_day", "/?at=2015-01-01"),
    Page("ontology", "/def"),
    Page("shapes", "/shapes"),
    Page("validation", "/validation"),
    Page("coverage", "/coverage"),
    Page("icb_large", "/id/icb/QOP"),
    Page("entity_turtle", "/doc/pct/5NT.ttl"),
)


def resolve(base: str, page: Page, hops: int = 3) -> tuple[Call | None, str, int]:
    """The request to load, or None with the reason, and the size of its body in bytes; follows redirects
    (at most `hops`) once, up front."""
    url = urljoin(base, page.path)
    for _ in range(hops + 1):
        status, headers, body = fetch(page_call(url))
        if status == 404:
            return None, f"not available: {page.path} answers 404", 0
        if status in (301, 302, 303, 307, 308) and not page.follow:
            return Call("GET", url, None, (("Accept", "text/html"),), ok_status=status), url, len(body)
        if status in (301, 302, 303, 307, 308):
            url = urljoin(url, headers.get("location", ""))
            continue
        if status != 200:
            return None, f"not available: {page.path} answers {status}", 0
        return page_call(url), url, len(body)
    return None, f"not available: more than {hops} redirects from {page.path}", 0


def run(rounds: int = 3, slice_seconds: float = 2.0, concurrency: int = 4) -> dict[str, object]:
    config = ours.settings()
    ours.built_store(config)
    report: dict[str, object] = {
        "plan": {"rounds": rounds, "slice_s": slice_seconds, "concurrency": concurrency},
        "load_average_before": list(os.getloadavg()),  # the machine is shared: read the figures beside it
    }
    with ours.our_service(config) as server:
        calls: dict[str, Call] = {}
        for page in PAGES:
            call, where, size = resolve(server.url, page)
            if call is None:
                report[page.name] = {"status": where}
            else:
                calls[page.name] = call
                report[page.name] = {"url": where.removeprefix(server.url), "bytes": size}
        run_load(page_call(f"{server.url}/healthz"), 2, 50, 1.0)  # warm both workers
        slices: dict[str, list[Slice]] = {name: [] for name in calls}
        for _ in range(rounds):
            for name, call in calls.items():
                slices[name].append(run_load(call, concurrency, 20_000, slice_seconds, 30.0))
        memory = ours.memory_of(server.process.pid)
    for name, bursts in slices.items():
        report[name] = {**report[name], **summarise(bursts)}  # type: ignore[dict-item]
    report["load_average_after"] = list(os.getloadavg())
    report["worker_rss_mb_after_load"] = memory["workers"]
    report["memory_mb_after_load"] = memory
    return report
