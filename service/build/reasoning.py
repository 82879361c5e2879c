"""Materialisation of the standard super-terms, so that a user needs no reasoner.

The rules are SPARQL queries in `service/queries/rules/`, one file per rule, each headed by the OWL 2 RL rule
(or the documented shortcut of docs/terms.md) that it implements:

- a CONSTRUCT file is an entailment rule; `materialise` runs them all, round after round, until a round adds
  nothing (a fixpoint). Every rule ends in `FILTER NOT EXISTS` on its own head, read over the union of all
  graphs, so no triple already present in any graph is ever added again.
- a SELECT file named `check-*.rq` is a consistency check (cax-dw, cax-adc, cls-nothing2, prp-irp);
  `inconsistencies` runs them. Each selects `?x ?first ?second`: the individual and the two terms that clash.

No rule merges IRIs: the eq-* rules and prp-fp / prp-ifp (which conclude owl:sameAs) are left out on purpose.
"""

from __future__ import annotations

from dataclasses import dataclass

from service import queries
from service.store import OxigraphStore

CHECK_PREFIX = "check-"
MAX_ROUNDS = 32
SOURCE = "GRAPH ?source"


@dataclass(frozen=True, slots=True)
class Rule:
    name: str
    sparql: str

    @property
    def incremental(self) -> bool:
        """Whether the rule reads its one data pattern from `GRAPH ?source` (semi-naive evaluation)."""
        return SOURCE in self.sparql


class FixpointNotReachedError(RuntimeError):
    """The rules still added triples after MAX_ROUNDS rounds: a rule generates new terms."""


def _load(check: bool) -> list[Rule]:
    rules = []
    for path in sorted(queries.RULES.glob("*.rq")):
        if path.stem.startswith(CHECK_PREFIX) == check:
            rules.append(Rule(path.stem, path.read_text(encoding="utf-8")))
    return rules


def entailment_rules() -> list[Rule]:
    """The CONSTRUCT rules, in a stable order (by file name)."""
    return _load(check=False)


def consistency_checks() -> list[Rule]:
    """The SELECT checks whose every row is an inconsistency."""
    return _load(check=True)


def materialise(store: OxigraphStore, target_graph: str, *, max_rounds: int = MAX_ROUNDS) -> int:
    """Add every entailed triple to `target_graph`; return how many were added.

    Semi-naive evaluation. Each run of a rule writes its new triples to the target graph and to a scratch
    graph of its own. The first run of every rule reads the whole store. Later runs of a single-pattern rule
    (one that reads `GRAPH ?source`) read only the scratch graphs written since its previous run by the
    other rules: each such rule is closed under itself (its property paths take the whole closure, and the
    inverse of an inverse is the original triple), so its own output needs no second look. Rules with
    several data patterns (the shortcuts, prp-trp) read the whole store again whenever anything was added
    since their last run; they are cheap. The rules never derive ontology axioms, so reading the axioms from
    the whole store is exact. The scratch graphs are dropped before returning.

    Idempotent: a second call on the same store adds nothing and returns 0.
    """
    rules = entailment_rules()
    runs: list[tuple[str, str]] = []  # (rule, scratch graph) of every run that added triples, in order
    last_run: dict[str, int] = {}  # rule -> len(runs) when it last ran
    total = 0
    try:
        for _ in range(max_rounds):
            added_in_round = 0
            for rule in rules:
                sparql = _sparql_for_run(rule, runs, last_run.get(rule.name))
                last_run[rule.name] = len(runs)
                if sparql is None:
                    continue
                scratch = f"{target_graph}/scratch/{len(runs)}-{rule.name}"
                added = store.add_construct(sparql, [target_graph, scratch])
                if added:
                    runs.append((rule.name, scratch))
                added_in_round += added
            total += added_in_round
            if added_in_round == 0:
                return total
        raise FixpointNotReachedError(f"still adding triples after {max_rounds} rounds")
    finally:
        for _, graph in runs:
            store.update(f"DROP SILENT GRAPH <{graph}>")


def _sparql_for_run(rule: Rule, runs: list[tuple[str, str]], since: int | None) -> str | None:
    """The query for this run of the rule, or None when nothing it reads has changed since its last run."""
    if since is None:
        return rule.sparql.replace(SOURCE, "")  # first run: the whole store
    if not rule.incremental:
        return rule.sparql if len(runs) > since else None
    sources = [graph for name, graph in runs[since:] if name != rule.name]
    if not sources:
        return None
    values = " ".join(f"<{graph}>" for graph in sources)
    return rule.sparql.replace(SOURCE, f"VALUES ?source {{ {values} }} {SOURCE}")


def inconsistencies(store: OxigraphStore) -> list[tuple[str, str, str]]:
    """Individuals that break a disjointness, are owl:Nothing, or relate to themselves irreflexively.

    Each tuple is (individual, first term, second term): the two disjoint classes for cax-dw / cax-adc,
    owl:Nothing twice for cls-nothing2, the property and owl:IrreflexiveProperty for prp-irp. Run it after
    `materialise`, since it reads the types as stored.
    """
    found: set[tuple[str, str, str]] = set()
    for check in consistency_checks():
        for row in store.select(check.sparql):
            found.add((row["x"].value, row["first"].value, row["second"].value))
    return sorted(found)
