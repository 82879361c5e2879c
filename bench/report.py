"""bench/RESULTS.md from the results JSON: machine, versions, medians with min/max, ratios, targets."""

from __future__ import annotations

from typing import Any

from bench import reconcile, targets

Results = dict[str, Any]


def _rate(f: dict[str, Any]) -> str:
    r = f.get("req_per_s", {})
    return f"{r.get('median', 0):.3g} ({r.get('min', 0):.3g}–{r.get('max', 0):.3g})"


def _table(header: list[str], rows: list[list[object]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return lines + [""]


def _differences(check: dict[str, Any]) -> str:
    diffs = check.get("differences", {})
    return ", ".join(f"{k}: {d['only_ours_count']}/{d['only_theirs_count']}" for k, d in diffs.items()) or "-"


def endpoint(e: Results) -> list[str]:
    out = ["## 1. SPARQL endpoint: ours (embedded, over Oxigraph server, over Virtuoso), engines alone", ""]
    out += [f"Plan: {e['plan']}. Data: `{e['export']['file']}` (N-Quads export of our built store).", ""]
    if "load_average_seen" in e:
        seen = e["load_average_seen"]
        out += [f"Load average of the machine (1, 5, 15 min; other work included): {seen}.", ""]
    out += _table(["system", "setup"], [[name, setup] for name, setup in e["systems"].items()])
    rows = []
    for query, check in e["correctness"].items():
        for system, figures in sorted(e["throughput"].items()):
            f = figures.get(query, {})
            rows.append(
                [query, system, _rate(f), f.get("p50_ms", "-"), f.get("p99_ms", "-"), f.get("errors", "-"),
                 check["results"].get(system, "-")]
            )  # fmt: skip
    out += ["req/s: median over rounds (min–max); latencies over every request of every round.", ""]
    out += _table(["query", "system", "req/s", "p50 ms", "p99 ms", "errors", "results"], rows)
    return out + correctness(e) + ratios(e) + remote_overhead(e) + limit(e)


def correctness(e: Results) -> list[str]:
    out = ["### Correctness (one request per system and query)", ""]
    out += _table(
        ["query", "result counts", "same count", "same results", "rows only in ours / only in theirs"],
        [
            [q, c["results"], c["same_count"], c["same_results"], _differences(c)]
            for q, c in e["correctness"].items()
        ],
    )
    for query, check in e["correctness"].items():
        for system, diff in check.get("differences", {}).items():
            ours_only, theirs_only = diff["only_ours"][:1], diff["only_theirs"][:1]
            out.append(f"- {query}, {system}: only ours e.g. {ours_only}; only theirs e.g. {theirs_only}")
    return out + [""]


def ratios(e: Results) -> list[str]:
    out = ["### Ratios (ours / other, by median req/s)", ""]
    ratio_rows = [
        [name, r["per_query"], r["geometric_mean"], r["mix"]]
        for name, r in e["ratios"].items()
        if name.startswith("ours")
    ]
    out += _table(["ratio", "per query", "geometric mean", "equal-share mix"], ratio_rows)
    out += [f"Equal-share mix throughput (req/s): {e['ratios']['mix_req_per_s']}", ""]
    return out + [f"Memory after the load (MB): {e['memory_mb_after_load']}", ""]


def remote_overhead(e: Results) -> list[str]:
    """Our p50 over an engine less that engine's own p50: through our service, and the store alone."""
    out: list[str] = []
    for key, title, how in (
        ("remote_overhead", "our service over an engine less the engine alone",
         "One client, the engine alone and ours over it asked in turn (A B B A ...), every answer"
         " evaluated."),
        ("store_overhead", "the remote store alone less the same request sent raw",
         "In one process, the request the store sends (query, dataset parameters, Accept) sent raw and"
         " through `RemoteStore.query`, read to its last row, in turn."),
    ):  # fmt: skip
        found = e.get(key)
        if found:
            out += _overhead_table(found, f"### What the remote store adds: {title}", how)
    return out


def _overhead_table(found: dict[str, Any], title: str, how: str) -> list[str]:
    out = [title, "", how, ""]
    keys = ["added_p50_ms", "ours_p50_ms", "alone_p50_ms", "median_paired_difference_ms", "pairs", "errors"]
    rows = [
        [engine, q, *(f.get(k, "-") for k in keys)]
        for engine, o in found.items()
        for q, f in o["per_query"].items()
    ]
    out += _table(["engine", "query", *keys], rows)
    worst = [f"{engine}: {o['worst_ms']} ms ({o['worst_query']})" for engine, o in found.items()]
    return out + [f"Worst query: {'; '.join(worst)}. Target: at most 1 ms.", ""]


def limit(e: Results) -> list[str]:
    out = ["## 2. The limit: in-process pyoxigraph (query + serialisation) vs our HTTP, one client", ""]
    out += _table(
        ["query", "in-process p50 ms", "in-process p99 ms", "HTTP p50 ms (evaluated)", "HTTP / in-process",
         "HTTP p50 ms (result cache)", "cached HTTP / in-process"],
        [
            [q, r["in_process"]["p50_ms"], r["in_process"]["p99_ms"], r["http_sequential_p50_ms"],
             r["http_over_in_process"], r.get("http_cached_sequential_p50_ms"),
             r.get("http_cached_over_in_process")]
            for q, r in e["limit"].items()
        ],
    )  # fmt: skip
    return out


def pages(p: Results) -> list[str]:
    out = ["## 3. Pages (our service, HTML)", "", f"Plan: {p['plan']}.", ""]
    if "load_average_before" in p:
        out += [f"Load average (1, 5, 15 min; the machine is shared): before {p['load_average_before']}, "
                f"after {p.get('load_average_after')}.", ""]  # fmt: skip
    rows = []
    for name, f in p.items():
        if name in ("plan", "worker_rss_mb_after_load", "memory_mb_after_load") or name.startswith("load_"):
            continue
        if "status" in f:
            rows.append([name, f["status"], "-", "-", "-", "-"])
        else:
            figures = [_rate(f), f.get("p50_ms", "-"), f.get("p99_ms", "-"), f.get("bytes", "-")]
            rows.append([name, f["url"], *figures])
    out += _table(["page", "url", "req/s", "p50 ms", "p99 ms", "bytes"], rows)
    return out + [f"VmRSS after the load (MB): {p.get('memory_mb_after_load')}", ""]


def costs(c: Results) -> list[str]:
    out = ["## 4. Costs and growth with the data", ""]
    keys = ["turtle_mb", "triples", "cold_build_s", "noop_build_s", "validate_s", "conforms",
            "restart_to_healthy_s", "worker_rss_mb", "worker_plus_query_processes_mb", "seconds",
            "failed"]  # fmt: skip
    rows = [[factor] + [f.get(k, "-") for k in keys] for factor, f in c["factors"].items()]
    out += _table(["data", *keys], rows)
    for factor, why in c.get("skipped", {}).items():
        out.append(f"- {factor}: {why}")
    out += ["", f"Growth exponent b in cost ~ size^b (1 = linear): {c['growth_exponent']}", ""]
    return out


def startup(s: Results) -> list[str]:
    out = ["## Start-up (bench/startup.py, real data)", ""]
    return out + _table(["measure", "value"], [[k, v] for k, v in s.items()])


def sides(s: Results) -> list[str]:
    out = ["## 5. The query engine's blast radius: in-memory sides and a runaway query", ""]
    out += [f"Plan: {s['plan']}. Store `{s['store']}`.", ""]
    keys = ["ready_after_s", "rss_mb_each", "baseline_p50_ms", "in_flight_at_stop",
            "sent_while_a_side_was_missing", "all_up_again_after_s", "total"]  # fmt: skip
    configs = [name for name in s if name.startswith("sides=")]
    return out + _table(["measure", *configs], [[k, *(s[c].get(k, "-") for c in configs)] for k in keys])


def profile(p: Results) -> list[str]:
    out = ["## Profile of our workers under load (py-spy, % of samples)", ""]
    if "status" in p:
        return out + [p["status"], ""]
    out += [f"{p['samples']} samples.", "", "Self time:", ""]
    out += _table(["frame", "%"], [[f"`{k}`", v] for k, v in p["self_top"].items()])
    out += ["Inclusive time in service/ code:", ""]
    return out + _table(["frame", "%"], [[f"`{k}`", v] for k, v in p["inclusive_service_top"].items()])


REPLICA_CASES = ("1 node, direct", "1 node via HAProxy", "2 nodes via HAProxy")


def replicas(r: Results) -> list[str]:
    out = ["## Replicas: one node, one node behind HAProxy, two nodes behind HAProxy", ""]
    if "status" in r:
        return out + [r["status"], ""]
    out += [f"Plan: {r['plan']}; {r['kinds_of_request']} kinds of request (bench/load_mixed.py's mix).", ""]
    out += ["CPU: each part's share of what the machine's cores could give during the rounds (%).", ""]
    rows = []
    for case in REPLICA_CASES:
        f, cpu = r[case], r[case]["cpu"]
        rows.append(
            [case, _rate(f), f["p50_ms"], f["p99_ms"], f["errors"], f["served_by_node"] or "-",
             cpu["client_pct_of_capacity"], cpu["client_pct_of_busy"], cpu["nodes_pct_of_capacity"],
             cpu["haproxy_pct_of_capacity"], cpu["other_processes_pct_of_capacity"],
             f["cpu_ms_per_request"]]
        )  # fmt: skip
    header = ["case", "req/s", "p50 ms", "p99 ms", "errors", "served by node", "client CPU %",
              "client % of busy CPU", "nodes CPU %", "HAProxy CPU %", "other processes CPU %",
              "CPU ms per request"]  # fmt: skip
    out += _table(header, rows)
    return out + [
        "Other processes: whatever else the machine ran meanwhile (other work, not this benchmark).",
        "",
    ]


def markdown(results: Results) -> str:
    lines = ["# Benchmark results", "", f"Run {results['date']} ({results.get('parts')}).", ""]
    lines += _table(["machine", "value"], [[k, v] for k, v in results["machine"].items()])
    lines += [f"Settings from the environment: {results.get('settings') or 'none (defaults)'}.", ""]
    lines += ["## Targets", ""]
    lines += _table(["target", "measured", "met"], targets.check(results))
    renderers = {"endpoint": endpoint, "pages": pages, "costs": costs, "startup": startup,
                 "profile": profile, "replicas": replicas, "sides": sides,
                 "reconcile": reconcile.render}  # fmt: skip
    for name, figures in results["benchmarks"].items():
        lines += (
            renderers[name](figures) if "error" not in figures else [f"## {name}", "", figures["error"], ""]
        )
    notes = results.get("notes")
    if notes:
        lines += ["## Notes", "", *notes, ""]
    return "\n".join(lines)
