"""Names made comparable, and likeness: the laws, and the cases that decide rankings."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from service.web.reconcile.scoring import canonical, likeness


def test_the_ways_of_writing_one_name_meet() -> None:
    assert canonical("NHS Manchester Primary Care Trust") == canonical("Manchester PCT") == "manchester pct"
    assert canonical("Manchester Clinical Commissioning Group") == canonical("NHS Manchester CCG")
    assert canonical("Bath & North East Somerset") == "bath and north east somerset"


def test_another_kind_weighs_more_than_a_typo() -> None:
    query = canonical("Manchester CCG")
    assert likeness(query, canonical("NHS Manchester CCG")) == 1.0
    assert likeness(canonical("Manchestr CCG"), query) > likeness(query, canonical("Manchester PCT"))


@given(st.text(max_size=40), st.text(max_size=40))
def test_likeness_is_between_0_and_1_and_1_for_the_same_name(a: str, b: str) -> None:
    assert 0.0 <= likeness(canonical(a), canonical(b)) <= 1.0
    assert likeness(canonical(a), canonical(a)) == 1.0
