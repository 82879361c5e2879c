"""The /reconcile blueprint: thin handlers over the pure functions of this package.

    GET|POST /reconcile                 the manifest; with `queries`, a batch of queries; with `extend`, data
    GET /reconcile/suggest/{entity,type,property}?prefix=   auto-completion
    GET /reconcile/properties?type=     the properties proposed for data extension
    GET /reconcile/preview?id=          a small HTML card
    GET /reconcile/view?id=             303 See Other to our page about the entity

Every response allows any origin (CORS), as the API expects of a public service: clients call it from the
browser.
"""

from __future__ import annotations

import datetime as dt
import json
from importlib.metadata import version

from flask import Blueprint, Response, abort, jsonify, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as WerkzeugResponse

from service.web import context, urls
from service.web.pages.state import pages_state
from service.web.reconcile import extend, facts, kinds, matching, preview
from service.web.reconcile.manifest import Endpoints, manifest

blueprint = Blueprint("reconcile", __name__, url_prefix="/reconcile")
MAX_BATCH = 100
SUGGEST_LIMIT = 10
PREVIEW_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors *; base-uri 'none'; form-action 'none'"
)


@blueprint.after_request
def allow_any_origin(response: Response) -> Response:
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def _json_parameter(name: str) -> object:
    try:
        return json.loads(request.values[name])
    except ValueError:
        abort(400, f"`{name}` must be JSON")


def _kinds() -> list[kinds.Kind]:
    return kinds.body_kinds(pages_state().vocabulary)


@blueprint.route("", methods=["GET", "POST"])
def endpoint() -> Response:
    if "queries" in request.values:
        return jsonify(_reconcile(_json_parameter("queries")))
    if "extend" in request.values:
        return jsonify(_extend(_json_parameter("extend")))
    endpoints = Endpoints(
        url_for("reconcile.endpoint", _external=True),
        url_for("reconcile.view", _external=True),
        url_for("reconcile.preview_card", _external=True),
        url_for("pages.about", _external=True),
    )
    return jsonify(manifest(endpoints, _kinds(), version("nhskg")))


def _reconcile(batch: object) -> dict[str, object]:
    if (
        not isinstance(batch, dict)
        or len(batch) > MAX_BATCH
        or not all(isinstance(q, dict) for q in batch.values())
    ):
        abort(400, f"`queries` must be an object of at most {MAX_BATCH} queries")
    state, store = pages_state(), context.state().store
    all_kinds = _kinds()
    try:
        parsed = {key: matching.parse_query(raw) for key, raw in batch.items()}
    except matching.BadQueryError as exc:
        abort(400, str(exc))
    return {
        key: {
            "result": [
                _candidate(c, m, all_kinds)
                for c, m in matching.reconcile(
                    state.catalogue, state.search, q, lambda i: facts.parents(store, i)
                )
            ]
        }
        for key, q in parsed.items()
    }


def _candidate(candidate: matching.Candidate, match: bool, all_kinds: list[kinds.Kind]) -> dict[str, object]:
    state = pages_state()
    card = preview.card(state.catalogue, state.vocabulary, all_kinds, candidate.entry.iri)
    kinds_of = kinds.kinds_of(candidate.entry.classes, state.vocabulary, all_kinds)
    return {
        "id": candidate.entry.iri,
        "name": candidate.entry.label or candidate.entry.iri,
        "description": preview.description(card) if card else "",
        "type": [{"id": k.iri, "name": k.name} for k in kinds_of],
        "score": round(candidate.score, 1),
        "match": match,
    }


def _extend(raw: object) -> dict[str, object]:
    if not isinstance(raw, dict):
        abort(400, "`extend` must be an object with ids and properties")
    try:
        parsed = extend.parse_request(raw)
    except extend.BadExtensionError as exc:
        abort(400, str(exc))
    return extend.extend(context.state().store, pages_state().catalogue, parsed, dt.date.today())


@blueprint.get("/suggest/entity")
def suggest_entity() -> Response:
    state, all_kinds = pages_state(), _kinds()
    cursor = request.args.get("cursor", "0")
    start = int(cursor) if cursor.isdigit() else 0
    wanted = request.args.get("type") or kinds.ORGANIZATION
    found = state.search.search(request.args.get("prefix", "")[:200], limit=start + SUGGEST_LIMIT * 5)
    hits = found.hits
    entries = [h.entry for h in hits if wanted in h.entry.classes][start : start + SUGGEST_LIMIT]
    result = []
    for entry in entries:
        card = preview.card(state.catalogue, state.vocabulary, all_kinds, entry.iri)
        result.append(
            {
                "id": entry.iri,
                "name": entry.label or entry.iri,
                "description": preview.description(card) if card else "",
                "notable": [
                    {"id": k.iri, "name": k.name}
                    for k in kinds.kinds_of(entry.classes, state.vocabulary, all_kinds)
                ],
            }
        )
    return jsonify({"result": result})


@blueprint.get("/suggest/type")
def suggest_type() -> Response:
    all_kinds = _kinds()
    by_iri = {k.iri: k for k in all_kinds}
    found = kinds.suggest_kinds(all_kinds, request.args.get("prefix", "")[:200])
    return jsonify({"result": [kinds.kind_json(k, by_iri) for k in found[:SUGGEST_LIMIT]]})


@blueprint.get("/suggest/property")
def suggest_property() -> Response:
    found = extend.suggest_properties(request.args.get("prefix", "")[:200], for_queries=True)
    return jsonify({"result": [extend.property_json(p) for p in found[:SUGGEST_LIMIT]]})


@blueprint.get("/properties")
def propose_properties() -> Response:
    limit = request.args.get("limit", "")
    count = int(limit) if limit.isdigit() else len(extend.PROPERTIES)
    proposal: dict[str, object] = {"properties": [extend.property_json(p) for p in extend.PROPERTIES[:count]]}
    if request.args.get("type"):
        proposal["type"] = request.args["type"]
    if limit.isdigit():
        proposal["limit"] = count
    return jsonify(proposal)


@blueprint.get("/preview")
def preview_card() -> Response:
    state = pages_state()
    card = preview.card(state.catalogue, state.vocabulary, _kinds(), request.args.get("id", ""))
    if card is None:
        abort(404, "no entity with this id")
    page = render_template("reconcile_preview.html", card=card, width=preview.WIDTH, height=preview.HEIGHT)
    # Shown in a frame of the client's page, on another origin: frame-ancestors allows it, and by the HTML
    # standard a policy with frame-ancestors makes browsers ignore the site's X-Frame-Options.
    return Response(page, mimetype="text/html", headers={"Content-Security-Policy": PREVIEW_POLICY})


@blueprint.get("/view")
def view() -> WerkzeugResponse:
    path = urls.path_for_iri(request.args.get("id", ""), context.state().settings.canonical_base)
    if path is None:
        abort(404, "not one of our IRIs")
    return redirect(url_for("pages.thing", path=path), 303)
