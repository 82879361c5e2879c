"""The Reconciliation Service API 0.2 at /reconcile: what OpenRefine speaks to match names and codes to our
IRIs (W3C Entity Reconciliation Community Group, https://www.w3.org/community/reports/reconciliation/).

    routes.py    the blueprint: thin handlers over the pure functions below
    manifest.py  the service manifest
    kinds.py     the types: each kind of body in the ontology
    scoring.py   names made comparable, and a name's likeness to a query (0-1)
    matching.py  a reconciliation query -> scored candidates, dates and codes considered
    extend.py    the properties offered, and their values for data extension
    preview.py   the small card shown beside a candidate
"""
