"""Data extension, pure parts: the request as read, and the properties offered."""

from __future__ import annotations

import datetime as dt

import pytest

from service.build.catalogue import build_catalogue
from service.web.reconcile.extend import BY_ID, BadExtensionError, icbs_on, parse_request, suggest_properties
from tests.web.reconcile.conftest import ID, reconcile_store


def test_a_request_is_read_with_its_date_setting() -> None:
    request = parse_request(
        {"ids": ["a"], "properties": [{"id": "parent", "settings": {"date": "2010-01-01"}}, {"id": "icb"}]}
    )
    assert request.ids == ("a",)
    assert request.properties == ((BY_ID["parent"], dt.date(2010, 1, 1)), (BY_ID["icb"], None))


@pytest.mark.parametrize(
    "raw",
    [
        {"ids": ["a"], "properties": [{"id": "colour"}]},
        {"ids": ["a"], "properties": [{"id": "parent", "settings": {"date": "soon"}}]},
        {"ids": "a", "properties": []},
        {"ids": ["a"] * 501, "properties": []},
    ],
)
def test_a_request_we_cannot_answer_is_refused(raw: dict[str, object]) -> None:
    with pytest.raises(BadExtensionError):
        parse_request(raw)


def test_the_offered_properties_are_suggested_by_name_or_id() -> None:
    assert [p.id for p in suggest_properties("ons", for_queries=False)] == ["gssCode"]
    assert [p.id for p in suggest_properties("date", for_queries=False)] == [
        "foundingDate",
        "dissolutionDate",
        "parent",
    ]
    assert "aliveOn" in {p.id for p in suggest_properties("", for_queries=True)}
    assert "aliveOn" not in {p.id for p in suggest_properties("", for_queries=False)}


def test_icb_on_a_day_through_the_body_its_heirs_or_its_commissioner() -> None:
    store = reconcile_store()
    catalogue = build_catalogue(store)
    items = ["icb/QOP", "sub-icb-location/14L", "ccg/14L", "pct/5NT", "practice/P84004"]
    found = icbs_on(store, catalogue, [ID + i for i in items], dt.date(2025, 1, 1))
    assert {i: found[ID + i] for i in items} == {i: [ID + "icb/QOP"] for i in items}
    before = icbs_on(store, catalogue, [ID + i for i in items], dt.date(2020, 1, 1))
    assert all(before[ID + i] == [] for i in items)
