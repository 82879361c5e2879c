"""/reconcile on the real data, through a live `nhskg serve`: the top-1 accuracy over 30 names and codes
taken from the sources (tests/e2e/data/reconcile_evaluation.json), and OpenRefine's request sequence.

Every response is validated against the group's schemas (tests/w3c/reconciliation).
"""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import pytest

from bench.reconcile import CASES, batch_query
from tests.live import LiveServer, real_data_server
from tests.web.reconcile.w3c import errors

pytestmark = pytest.mark.e2e
ID = "https://w3id.org/nhs-commissioning/id/"
NHS = "https://w3id.org/nhs-commissioning/def#"
TARGET = 0.9


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The real data (its build cache shared through NHSKG_CACHE_DIR when set)."""
    with real_data_server(tmp_path_factory.mktemp("reconcile") / "server.log") as running:
        yield running


def get(url: str) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers={"User-Agent": "OpenRefine/3.8"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return response.status, dict(response.headers), response.read()


def get_json(url: str) -> Any:
    return json.loads(get(url)[2])


def post_form(url: str, fields: dict[str, str]) -> Any:
    request = urllib.request.Request(
        url, data=urlencode(fields).encode(), headers={"User-Agent": "OpenRefine/3.8"}
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())


def test_top1_accuracy_over_names_and_codes_from_the_sources(server: LiveServer) -> None:
    cases = json.loads(CASES.read_text(encoding="utf-8"))["cases"]
    assert len(cases) == 30
    queries = {f"q{i}": batch_query(case) for i, case in enumerate(cases)}
    answer = post_form(f"{server.url}/reconcile", {"queries": json.dumps(queries)})
    assert errors("reconciliation-result-batch", answer) == []
    wrong = [
        (case["query"], case["expected"], [c["id"] for c in answer[f"q{i}"]["result"][:1]])
        for i, case in enumerate(cases)
        if [c["id"] for c in answer[f"q{i}"]["result"][:1]] != [ID + case["expected"]]
    ]
    accuracy = 1 - len(wrong) / len(cases)
    print(f"top-1 accuracy: {accuracy:.1%} ({len(cases) - len(wrong)}/{len(cases)}); wrong: {wrong}")
    assert accuracy >= TARGET, wrong


def test_openrefine_request_sequence(server: LiveServer) -> None:
    base = f"{server.url}/reconcile"
    # 1. The manifest, when the service is added.
    manifest = get_json(base)
    assert errors("manifest", manifest) == []
    ccg = NHS + "ClinicalCommissioningGroup"
    assert ccg in {t["id"] for t in manifest["defaultTypes"]}
    # 2. A batch of 10 names with a type (OpenRefine's default batch size), the form field `queries`.
    names = json.loads(CASES.read_text(encoding="utf-8"))["cases"][:4]
    ccg_names = [c["query"] for c in names] + [
        "NHS Leeds CCG", "NHS Bradford City CCG", "NHS Wirral CCG", "NHS Dorset CCG", "NHS Kernow CCG",
        "NHS Oldham CCG",
    ]  # fmt: skip
    batch = {
        f"q{i}": {"query": name, "type": ccg, "type_strict": "should"} for i, name in enumerate(ccg_names)
    }
    results = post_form(base, {"queries": json.dumps(batch)})
    assert errors("reconciliation-result-batch", results) == []
    assert len(results) == 10 and all(results[k]["result"] for k in batch)
    assert all(ccg in {t["id"] for t in c["type"]} for r in results.values() for c in r["result"])
    top = results["q0"]["result"][0]
    assert top["id"] == ID + "ccg/02N" and top["match"] is True
    # 3. Suggest: an entity while matching by hand, a type, a property for a column.
    service = manifest["suggest"]
    entities = get_json(
        service["entity"]["service_url"]
        + service["entity"]["service_path"]
        + "?"
        + urlencode({"prefix": "Leeds", "type": ccg})
    )
    assert errors("suggest-entities-response", entities) == [] and entities["result"]
    types = get_json(service["type"]["service_url"] + service["type"]["service_path"] + "?prefix=clinical")
    assert errors("suggest-types-response", types) == [] and ccg in {t["id"] for t in types["result"]}
    props = get_json(service["property"]["service_url"] + service["property"]["service_path"] + "?prefix=ods")
    assert errors("suggest-properties-response", props) == [] and props["result"][0]["id"] == "odsCode"
    # 4. The preview of a candidate, in the frame the manifest sizes.
    status, headers, page = get(
        manifest["preview"]["url"].replace("{{id}}", urllib.parse.quote(top["id"], safe=""))
    )
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert "NHS Airedale, Wharfedale and Craven" in page.decode()
    # 5. Data extension: the proposed properties, then their values for the matched ids.
    extend = manifest["extend"]["propose_properties"]
    proposal = get_json(extend["service_url"] + extend["service_path"] + "?" + urlencode({"type": ccg}))
    assert errors("data-extension-property-proposal", proposal) == []
    ids = [r["result"][0]["id"] for r in results.values()]
    query = {"ids": ids, "properties": [{"id": p["id"]} for p in proposal["properties"]]}
    extended = post_form(base, {"extend": json.dumps(query)})
    assert errors("data-extension-response", extended) == []
    row = extended["rows"][ID + "ccg/02N"]
    assert row["odsCode"] == [{"str": "02N"}]
    assert row["gssCode"] == [{"str": "E38000001"}]  # raw/ons-lookups/CCG19_EN_NC.csv
