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


def test_heirs_are_every_body_that_took_over_at_any_remove() -> None:
    found = facts.heirs(STORE, [ID + "pct/5NT"])[ID + "pct/5NT"]
    expected = ["pct/5NT", "ccg/00W", "ccg/01M", "ccg/01N", "ccg/14L", "icb/QOP", "sub-icb-location/14L"]
    assert sorted(found) == sorted(ID + i for i in expected)


def test_values_are_read_as_stored() -> None:
    found = facts.values(STORE, [ID + "ccg/01M"])[ID + "ccg/01M"]
    assert found[facts.iris.DEF + "odsCode"] == ["01M"]
    assert found[facts.iris.DEF + "succeededBy"] == [ID + "ccg/14L"]
