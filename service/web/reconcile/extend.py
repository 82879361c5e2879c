"""Data extension: the properties offered, and their values for the entities a client has reconciled.

Values come from the store (reconcile/values.rq, parents.rq, icb.rq); names from the catalogue. A property
with no value in the data has none here: never a guess.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from service import iris
from service.build.catalogue import Catalogue
from service.store import Store
from service.web.reconcile import facts

NHS = iris.DEF
SCHEMA = iris.PREFIXES["schema"]
COMMISSIONING_BODY = NHS + "CommissioningBody"
INTEGRATED_CARE_BOARD = NHS + "IntegratedCareBoard"
MAX_IDS = 500


@dataclass(frozen=True, slots=True)
class Property:
    id: str
    name: str
    description: str
    rdf: str | None = None  # the RDF property read, where it is one
    entities: bool = False  # values are bodies (id and name), not literals


PROPERTIES: tuple[Property, ...] = (
    Property(
        "odsCode",
        "ODS code",
        "The body's code in the NHS Organisation Data Service (nhs:odsCode).",
        NHS + "odsCode",
    ),
    Property("gssCode", "ONS code", "The body's ONS statistical code, GSS (nhs:gssCode).", NHS + "gssCode"),
    Property(
        "foundingDate",
        "Founding date",
        "The first day the body existed (schema:foundingDate).",
        SCHEMA + "foundingDate",
    ),
    Property(
        "dissolutionDate",
        "Dissolution date",
        "The last day the body existed (schema:dissolutionDate).",
        SCHEMA + "dissolutionDate",
    ),
    Property(
        "parent",
        "Parent on a date",
        "The body a practice belonged to, or a body was accountable to, on the date in the settings (today if"
        " none).",
        entities=True,
    ),
    Property(
        "successor",
        "Successor",
        "The bodies that took over from it (nhs:succeededBy).",
        NHS + "succeededBy",
        True,
    ),
    Property(
        "icb",
        "ICB today",
        "The integrated care board it belongs to today: itself, its heir's, or its commissioner's.",
        entities=True,
    ),
)
BY_ID = {p.id: p for p in PROPERTIES}
# What a reconciliation query may name besides the extension's properties: a date the body was alive.
QUERY_ONLY = (Property("aliveOn", "Alive on", "A date (YYYY-MM-DD) on which the body existed."),)


class BadExtensionError(ValueError):
    """An extension request this service cannot answer (an unknown property, a bad date, too many ids)."""


@dataclass(frozen=True, slots=True)
class Request:
    ids: tuple[str, ...]
    properties: tuple[tuple[Property, dt.date | None], ...]  # each with its date setting, if any


def parse_request(raw: Mapping[str, object]) -> Request:
    """An extension query (schemas/data-extension-query.json)."""
    ids = raw.get("ids")
    props = raw.get("properties")
    if not isinstance(ids, list) or not isinstance(props, list) or len(ids) > MAX_IDS:
        raise BadExtensionError(f"an extension needs ids (at most {MAX_IDS}) and properties")
    wanted = []
    for prop in props:
        pid = prop.get("id") if isinstance(prop, Mapping) else None
        if pid not in BY_ID:
            raise BadExtensionError(f"unknown property {pid!r}: this service offers {', '.join(BY_ID)}")
        settings = prop.get("settings") or {}
        day = settings.get("date") if isinstance(settings, Mapping) else None
        try:
            wanted.append((BY_ID[str(pid)], dt.date.fromisoformat(str(day)[:10]) if day else None))
        except ValueError as exc:
            raise BadExtensionError(f"the date setting must be YYYY-MM-DD, not {day!r}") from exc
    return Request(tuple(str(i) for i in ids), tuple(wanted))


def _date(text: str) -> dict[str, str]:
    """A date as the API writes one: ISO 8601 with a time (schemas/data-extension-response.json)."""
    return {"date": f"{text[:10]}T00:00:00Z"}


def _body(iri: str, catalogue: Catalogue) -> dict[str, str]:
    return {"id": iri, "name": catalogue.label(iri) or iri}


@dataclass(frozen=True, slots=True)
class Read:
    """What the store says of the items, read once per request for every property asked for."""

    values: Mapping[str, Mapping[str, list[str]]]
    parents: Mapping[str, list[facts.Tie]]
    parent_day: dt.date
    icbs: Mapping[str, list[str]]


def _cells(prop: Property, item: str, read: Read, catalogue: Catalogue) -> list[dict[str, str]]:
    if prop.id == "parent":
        return [_body(t.body, catalogue) for t in read.parents.get(item, []) if t.on(read.parent_day)]
    if prop.id == "icb":
        return [_body(i, catalogue) for i in read.icbs.get(item, [])]
    found = read.values.get(item, {}).get(prop.rdf or "", [])
    if prop.entities:
        return [_body(v, catalogue) for v in found]
    return [_date(v) for v in found] if prop.id.endswith("Date") else [{"str": v} for v in found]


def extend(store: Store, catalogue: Catalogue, request: Request, today: dt.date) -> dict[str, object]:
    """The extension response (schemas/data-extension-response.json): meta, then a row per id. An id we
    do not know gets a row with no values."""
    items = [i for i in request.ids if i in catalogue.entries]
    asked = {p.id for p, _ in request.properties}
    read = Read(
        facts.values(store, items),
        facts.parents(store, items) if "parent" in asked else {},
        next((d for p, d in request.properties if p.id == "parent" and d), today),
        icbs_on(store, catalogue, items, today) if "icb" in asked else {},
    )
    rows = {
        item: {
            p.id: _cells(p, item, read, catalogue) if item in catalogue.entries else []
            for p, _ in request.properties
        }
        for item in request.ids
    }
    return {"meta": [property_meta(p) for p, _ in request.properties], "rows": rows}


def icbs_on(store: Store, catalogue: Catalogue, items: list[str], day: dt.date) -> dict[str, list[str]]:
    """The integrated care boards each item belonged to on `day`: the item or an heir of it that is an
    ICB alive then, or the ICB that one of them, or the item's commissioner on that day, was accountable
    to then (a CCG -> its sub-ICB location -> the ICB; a practice -> its sub-ICB location -> the ICB)."""

    def is_icb(iri: str) -> bool:
        entry = catalogue.entries.get(iri)
        return entry is not None and INTEGRATED_CARE_BOARD in entry.classes and entry.alive_on(day)

    ties = facts.parents(store, items)
    now = {
        item: list(dict.fromkeys(h + [t.body for t in ties.get(item, []) if t.on(day)]))
        for item, h in facts.heirs(store, items).items()
    }
    above = facts.parents(store, sorted({b for bodies in now.values() for b in bodies}))
    found = {}
    for item, bodies in now.items():
        overseers = [t.body for b in bodies for t in above.get(b, []) if t.on(day)]
        found[item] = [b for b in dict.fromkeys(bodies + overseers) if is_icb(b)]
    return found


def property_meta(prop: Property) -> dict[str, object]:
    meta: dict[str, object] = {"id": prop.id, "name": prop.name}
    if prop.entities:
        meta["type"] = {"id": COMMISSIONING_BODY, "name": "Commissioning Body"}
    return meta


def property_json(prop: Property) -> dict[str, str]:
    return {"id": prop.id, "name": prop.name, "description": prop.description}


def suggest_properties(prefix: str, for_queries: bool) -> list[Property]:
    """Properties whose id or name starts a word with the prefix (all for an empty prefix)."""
    offered = PROPERTIES + (QUERY_ONLY if for_queries else ())
    wanted = prefix.strip().casefold()
    return [
        p
        for p in offered
        if not wanted
        or p.id.casefold().startswith(wanted)
        or any(w.startswith(wanted) for w in p.name.casefold().split())
    ]
