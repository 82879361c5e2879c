"""Every named query that is cheap on the real data gives the same answer from a real Oxigraph server as from
the embedded store, over the same build: the fixture has nothing for several of them to find.

The others read the whole store (the catalogue, the coverage table's bodies, the reasoner's rules over 1.5 M
triples: 10-55 s each, on each store); they were compared by hand on 2026-12-04, all with equal counts, and
run on the fixture in tests/store/test_remote.py.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from service import iris, queries
from service.store import OxigraphStore, RemoteStore
from service.store.dialect import OXIGRAPH
from service.terms import IRI
from tests.remote_fixtures import RealBackend
from tests.store.test_remote import answer, cases

pytestmark = pytest.mark.e2e
CHEAP = [
    "coverage/figures",
    "coverage/gaps",
    "coverage/gaps_of",
    "coverage/unnamed",
    # The examples are the competency questions: tests/e2e/test_competency.py runs each on an Oxigraph server.
    *(f"pages/{path.stem}" for path in sorted((queries.FOLDER / "pages").glob("*.rq"))),
    "rules/check-cax-dw",
    "rules/check-cls-nothing2",
    "rules/check-prp-irp",
    "rules/nhs-post-holding",
    "rules/nhs-reports-to",
    "rules/nhs-succession",
    "rules/prp-dom",
    "rules/prp-trp",
]
WHOLE_STORE = {  # see the module's docstring
    "pages/catalogue",
    "pages/class_members",
    "pages/class_member_labels",
    "pages/class_member_starts",
    "pages/class_member_ends",
}
THINGS = [
    iris.org("pct", "5NT"),
    iris.org("ccg", "00C"),
    iris.org("icb", "QOP"),
    iris.org("sha", "Q34"),
    iris.org("practice", "E85001"),
]


@pytest.fixture(scope="module")
def stores(real_backend: RealBackend) -> Iterator[tuple[OxigraphStore, RemoteStore]]:
    remote = RemoteStore(real_backend.server.query_url, OXIGRAPH)
    yield real_backend.embedded, remote
    remote.close()


@pytest.mark.parametrize("name", [n for n in CHEAP if n not in WHOLE_STORE])
def test_a_named_query_gives_the_embedded_stores_answer_on_the_real_data(
    stores: tuple[OxigraphStore, RemoteStore], name: str
) -> None:
    embedded, remote = stores
    sparql, dataset, bindings = cases(embedded, name, [IRI(iri) for iri in THINGS])
    for bound in bindings:
        assert answer(remote, sparql, bound, dataset) == answer(embedded, sparql, bound, dataset), bound
