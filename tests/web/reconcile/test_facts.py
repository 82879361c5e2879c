"""What reconciliation reads from the store: parents with their dates, stored values, the ICB on a day."""

from __future__ import annotations

import datetime as dt

from service.web.reconcile import facts
from tests.web.reconcile.conftest import ID, reconcile_store

STORE = reconcile_store()


def test_parents_carry_their_dates_and_hold_on_the_right_days() -> None:
    ties = facts.parents(STORE, [ID + "practice/P84004"])[ID + "practice/P84004"]
    on = {
        day: {t.body.removeprefix(ID) for t in ties if t.on(dt.date.fromisoformat(day))}
        for day in ("2005-01-01", "2010-01-01", "2014-01-01")
    }
    assert on == {"2005-01-01": {"pct/5CR"}, "2010-01-01": {"pct/5NT"}, "2014-01-01": {"ccg/01M"}}
    assert facts.parents(STORE, []) == {}


def test_icb_on_a_day_through_the_body_its_heirs_or_its_commissioner() -> None:
    items = ["icb/QOP", "sub-icb-location/14L", "ccg/14L", "pct/5NT", "practice/P84004"]
    found = facts.icbs_on(STORE, [ID + i for i in items], dt.date(2025, 1, 1))
    assert {i: found[ID + i] for i in items} == {i: [ID + "icb/QOP"] for i in items}
    before = facts.icbs_on(STORE, [ID + i for i in items], dt.date(2020, 1, 1))
    assert all(before[ID + i] == [] for i in items)


def test_values_are_read_as_stored() -> None:
    found = facts.values(STORE, [ID + "ccg/01M"])[ID + "ccg/01M"]
    assert found[facts.iris.DEF + "odsCode"] == ["01M"]
    assert found[facts.iris.DEF + "succeededBy"] == [ID + "ccg/14L"]
