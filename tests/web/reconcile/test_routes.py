"""The /reconcile endpoints over the fixture graph: every response validates against the group's schemas,
and says what the data says."""

from __future__ import annotations

import json
from html.parser import HTMLParser

import pytest
from flask.testing import FlaskClient

from service import iris
from service.web.reconcile import routes
from tests.web.reconcile.conftest import ID
from tests.web.reconcile.w3c import errors

PCT = iris.DEF + "PrimaryCareTrust"


def batch(
    client: FlaskClient, queries: dict[str, object], method: str = "post"
) -> dict[str, list[dict[str, object]]]:
    if method == "post":
        response = client.post("/reconcile", data={"queries": json.dumps(queries)})
    else:
        response = client.get("/reconcile", query_string={"queries": json.dumps(queries)})
    assert response.status_code == 200
    body = response.get_json()
    assert errors("reconciliation-result-batch", body) == []
    return {key: value["result"] for key, value in body.items()}


def test_the_blueprint_is_registered(client: FlaskClient) -> None:
    assert routes.blueprint.name in client.application.blueprints


@pytest.mark.parametrize("script_root", ["", "/kg"])
def test_manifest_validates_and_its_urls_keep_the_host_and_prefix(
    client: FlaskClient, script_root: str
) -> None:
    response = client.get(
        "/reconcile", base_url="http://example.org", environ_overrides={"SCRIPT_NAME": script_root}
    )
    manifest = response.get_json()
    assert errors("manifest", manifest) == []
    root = f"http://example.org{script_root}/reconcile"
    assert manifest["view"]["url"] == root + "/view?id={{id}}"
    assert manifest["preview"]["url"] == root + "/preview?id={{id}}"
    assert manifest["suggest"]["entity"] == {"service_url": root, "service_path": "/suggest/entity"}
    assert manifest["identifierSpace"] == iris.ID and manifest["schemaSpace"] == iris.DEF
    assert PCT in {t["id"] for t in manifest["defaultTypes"]}
    assert response.headers["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize("method", ["post", "get"])
def test_a_name_with_a_date_finds_the_body_alive_then(client: FlaskClient, method: str) -> None:
    found = batch(
        client,
        {
            "in2010": {"query": "Manchester", "properties": [{"pid": "aliveOn", "v": "2010-01-01"}]},
            "in2020": {"query": "Manchester", "properties": [{"pid": "aliveOn", "v": "2020-01-01"}]},
        },
        method,
    )
    assert found["in2010"][0]["id"] == ID + "pct/5NT"
    assert found["in2020"][0]["id"] == ID + "ccg/14L"
    assert all(0 <= c["score"] <= 100 for c in found["in2010"] + found["in2020"])


def test_an_exact_code_is_a_match_only_when_one_body_of_the_type_holds_it(client: FlaskClient) -> None:
    found = batch(
        client,
        {
            "code": {"query": "5NT"},
            "reused": {"query": "14L"},  # the CCG and the sub-ICB location that kept its code
            "typed": {"query": "14L", "type": iris.DEF + "ClinicalCommissioningGroup"},
            "dated": {"query": "14L", "properties": [{"pid": "aliveOn", "v": "2018-05-01"}]},
        },
    )
    assert (found["code"][0]["id"], found["code"][0]["score"], found["code"][0]["match"]) == (
        ID + "pct/5NT",
        100,
        True,
    )
    assert {c["id"] for c in found["reused"]} == {ID + "ccg/14L", ID + "sub-icb-location/14L"}
    assert not any(c["match"] for c in found["reused"])
    assert [(c["id"], c["match"]) for c in found["typed"]] == [(ID + "ccg/14L", True)]
    assert (found["dated"][0]["id"], found["dated"][0]["match"]) == (ID + "ccg/14L", True)


def test_a_former_name_finds_the_body_with_its_type(client: FlaskClient) -> None:
    found = batch(client, {"q": {"query": "Manchester Teaching PCT", "type": PCT, "limit": 2}})
    top = found["q"][0]
    assert (top["id"], top["match"]) == (ID + "pct/5NT", True)
    assert top["type"] == [{"id": PCT, "name": "primary care trust"}]
    assert "2006-10-01 to 2013-03-31" in str(top["description"])
    assert len(found["q"]) <= 2


@pytest.mark.parametrize(
    "queries",
    [
        {"q": {"query": "x", "properties": [{"pid": "colour", "v": "red"}]}},
        {"q": {"query": "x", "properties": [{"pid": "aliveOn", "v": "last year"}]}},
        ["not", "an", "object"],
    ],
)
def test_a_query_we_cannot_answer_is_refused_with_the_reason(client: FlaskClient, queries: object) -> None:
    response = client.post("/reconcile", data={"queries": json.dumps(queries)})
    assert response.status_code == 400


def test_extension_validates_and_gives_the_stored_values(client: FlaskClient) -> None:
    request = {
        "ids": [ID + "pct/5NT", ID + "practice/P84004", ID + "nothing/here"],
        "properties": [
            {"id": "odsCode"},
            {"id": "gssCode"},
            {"id": "foundingDate"},
            {"id": "dissolutionDate"},
            {"id": "successor"},
            {"id": "parent", "settings": {"date": "2010-01-01"}},
            {"id": "icb"},
        ],
    }
    response = client.post("/reconcile", data={"extend": json.dumps(request)})
    body = response.get_json()
    assert errors("data-extension-response", body) == []
    assert [m["id"] for m in body["meta"]] == [p["id"] for p in request["properties"]]
    pct, practice = body["rows"][ID + "pct/5NT"], body["rows"][ID + "practice/P84004"]
    assert pct["odsCode"] == [{"str": "5NT"}] and pct["gssCode"] == [{"str": "E16000149"}]
    assert pct["foundingDate"] == [{"date": "2006-10-01T00:00:00Z"}]
    assert pct["dissolutionDate"] == [{"date": "2013-03-31T00:00:00Z"}]
    assert {s["id"] for s in pct["successor"]} == {ID + "ccg/00W", ID + "ccg/01M", ID + "ccg/01N"}
    assert [p["id"] for p in pct["parent"]] == [ID + "sha/Q31"]
    assert practice["parent"] == [{"id": ID + "pct/5NT", "name": "Manchester Primary Care Trust"}]
    assert practice["icb"] == [{"id": ID + "icb/QOP", "name": "NHS Greater Manchester Integrated Care Board"}]
    assert all(v == [] for v in body["rows"][ID + "nothing/here"].values())


@pytest.mark.parametrize(
    ("path", "schema"),
    [
        ("/reconcile/suggest/entity?prefix=manch", "suggest-entities-response"),
        ("/reconcile/suggest/type?prefix=prim", "suggest-types-response"),
        ("/reconcile/suggest/property?prefix=ods", "suggest-properties-response"),
        ("/reconcile/properties?type=" + PCT + "&limit=3", "data-extension-property-proposal"),
    ],
)
def test_suggest_and_proposals_validate(client: FlaskClient, path: str, schema: str) -> None:
    body = client.get(path).get_json()
    assert errors(schema, body) == []
    assert body.get("result", body.get("properties"))


def test_suggest_finds_entities_types_and_properties(client: FlaskClient) -> None:
    entities = client.get(
        "/reconcile/suggest/entity", query_string={"prefix": "manch", "type": PCT}
    ).get_json()
    assert {e["id"] for e in entities["result"]} == {
        ID + p for p in ("pct/5NT", "pct/5AA", "pct/5CL", "pct/5CR")
    }
    types = client.get("/reconcile/suggest/type?prefix=prim").get_json()["result"]
    assert PCT in {t["id"] for t in types}
    props = client.get("/reconcile/suggest/property?prefix=ali").get_json()["result"]
    assert [p["id"] for p in props] == ["aliveOn"]
    proposal = client.get("/reconcile/properties?limit=2").get_json()
    assert [p["id"] for p in proposal["properties"]] == ["odsCode", "gssCode"] and proposal["limit"] == 2


class Texts(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []
        self.links: list[str] = []

    def handle_data(self, data: str) -> None:
        if data.strip():
            self.texts.append(data.strip())

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.links += [v or "" for k, v in attrs if tag == "a" and k == "href"]


def test_preview_is_a_small_card_that_may_be_framed(client: FlaskClient) -> None:
    response = client.get(
        "/reconcile/preview", query_string={"id": ID + "pct/5NT"}, environ_overrides={"SCRIPT_NAME": "/kg"}
    )
    parsed = Texts()
    parsed.feed(response.get_data(as_text=True))
    assert "Manchester Primary Care Trust" in parsed.texts
    assert "Codes: 5NT, E16000149" in parsed.texts
    assert any("Manchester Teaching PCT" in t for t in parsed.texts)
    assert parsed.links == ["/kg/doc/pct/5NT"]
    assert "frame-ancestors *" in response.headers["Content-Security-Policy"]
    assert client.get("/reconcile/preview", query_string={"id": ID + "pct/none"}).status_code == 404


def test_view_sends_the_client_to_our_page_under_the_prefix(client: FlaskClient) -> None:
    response = client.get(
        "/reconcile/view", query_string={"id": ID + "pct/5NT"}, environ_overrides={"SCRIPT_NAME": "/kg"}
    )
    assert response.status_code == 303
    assert response.headers["Location"] == "/kg/id/pct/5NT"
    assert client.get("/reconcile/view?id=https://example.org/x").status_code == 404


@pytest.mark.parametrize(
    "fields",
    [
        {"queries": "{not json"},
        {"queries": json.dumps({"q": {"query": 5, "limit": "ten", "type": 7, "properties": "none"}})},
        {"queries": json.dumps({"q": {"properties": [1, {"pid": "parent", "v": {"id": None}}]}})},
        {"extend": json.dumps({"ids": [1, None], "properties": [{"id": "odsCode", "settings": "x"}]})},
        {"extend": "[]"},
    ],
)
def test_odd_requests_get_an_answer_or_a_400_never_a_500(client: FlaskClient, fields: dict[str, str]) -> None:
    response = client.post("/reconcile", data=fields)
    assert response.status_code in (200, 400)
    if response.status_code == 200:
        body = response.get_json()
        assert (
            errors("reconciliation-result-batch", body) == [] or errors("data-extension-response", body) == []
        )
