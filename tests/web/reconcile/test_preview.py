"""The preview card and the one-line description of a candidate."""

from __future__ import annotations

from service.build.catalogue import build_catalogue
from service.web.pages.ontology import build_vocabulary
from service.web.reconcile.kinds import body_kinds
from service.web.reconcile.preview import card, description
from tests.web.reconcile.conftest import ID, reconcile_store


def test_card_and_description_tell_namesakes_apart() -> None:
    store = reconcile_store()
    vocabulary = build_vocabulary(store)
    catalogue = build_catalogue(store)
    kinds = body_kinds(vocabulary)
    pct = card(catalogue, vocabulary, kinds, ID + "pct/5NT")
    assert pct is not None
    assert (pct.name, pct.founded, pct.dissolved) == (
        "Manchester Primary Care Trust",
        "2006-10-01",
        "2013-03-31",
    )
    assert set(pct.other_names) == {"Manchester PCT", "Manchester Teaching PCT", "NHS Manchester"}
    assert description(pct) == "primary care trust, 2006-10-01 to 2013-03-31, 5NT E16000149"
    icb = card(catalogue, vocabulary, kinds, ID + "icb/QOP")
    assert icb is not None and "2022-07-01 to no recorded end" in description(icb)
    assert card(catalogue, vocabulary, kinds, ID + "pct/none") is None
