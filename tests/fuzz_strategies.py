"""Hypothesis strategies for hostile requests: a small SPARQL grammar, Accept headers, paths and texts.

The grammar makes queries that parse (mostly) and a few that nearly do; they reach every result form,
the dataset clauses, SERVICE, functions with odd arguments and literals at the edges of their types.
"""

from __future__ import annotations

from hypothesis import strategies as st

EX = "http://example.org/"
NHS = "https://w3id.org/nhs-commissioning/"
VARIABLES = st.sampled_from(["?s", "?p", "?o", "?x", "?y", "$z"])
IRIS = st.sampled_from(
    [
        f"<{NHS}id/ccg/00C>",
        f"<{NHS}def#ClinicalCommissioningGroup>",
        "<http://www.w3.org/2000/01/rdf-schema#label>",
        f"<{EX}s1>",
        "<http://kasei.us/2009/09/sparql/data/data1.rdf>",
        "<x:y>",
        "<>",
        "<relative>",
        "rdfs:label",
        "a",
    ]
)
LITERALS = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.floats(allow_nan=False, allow_infinity=False).map(lambda f: f"{f!r}".replace("inf", "1e308")),
    st.sampled_from(
        [
            '"x"',
            '""',
            '"a"@en',
            '"a"@en-GB-x-private',
            '"2013-04-01"^^xsd:date',
            '"not a date"^^xsd:date',
            '"99999999999-13-45"^^xsd:date',
            '"1e999"^^xsd:double',
            '"NaN"^^xsd:double',
            '"-0"^^xsd:decimal',
            '"<script>alert(1)</script>"',
            '"\\u0000"',
            '"\\uD800"',
            "true",
            "1e400",
            "0.0",
        ]
    ),
    st.text(st.characters(exclude_categories=("Cs",), exclude_characters='"\\\n\r'), max_size=12).map(
        lambda t: f'"{t}"'
    ),
)
TERMS = st.one_of(VARIABLES, IRIS, LITERALS)
FUNCTIONS = st.sampled_from(
    [
        "STR",
        "LANG",
        "DATATYPE",
        "IRI",
        "BNODE",
        "ABS",
        "CEIL",
        "ROUND",
        "STRLEN",
        "UCASE",
        "ENCODE_FOR_URI",
        "YEAR",
        "TZ",
        "MD5",
        "SHA512",
        "isIRI",
        "xsd:integer",
        "xsd:dateTime",
        "xsd:double",
    ]
)
BINARY_FUNCTIONS = st.sampled_from(
    ["STRSTARTS", "CONTAINS", "LANGMATCHES", "REGEX", "STRDT", "STRLANG", "SUBSTR", "sameTerm", "STRBEFORE"]
)
OPERATORS = st.sampled_from(["=", "!=", "<", ">=", "+", "-", "*", "/", "&&", "||"])


@st.composite
def expressions(draw: st.DrawFn, depth: int = 2) -> str:
    if depth == 0 or draw(st.booleans()):
        return draw(TERMS)
    kind = draw(st.integers(0, 3))
    if kind == 0:
        return f"{draw(FUNCTIONS)}({draw(expressions(depth - 1))})"
    if kind == 1:
        return f"{draw(BINARY_FUNCTIONS)}({draw(expressions(depth - 1))}, {draw(expressions(depth - 1))})"
    if kind == 2:
        return f"({draw(expressions(depth - 1))} {draw(OPERATORS)} {draw(expressions(depth - 1))})"
    return f"!BOUND({draw(VARIABLES)})"


@st.composite
def triple_patterns(draw: st.DrawFn) -> str:
    subject = draw(st.one_of(VARIABLES, IRIS.filter(lambda i: i != "a")))
    predicate = draw(st.one_of(VARIABLES, IRIS))
    path = draw(st.sampled_from(["", "*", "+", "?", "/rdfs:label", "|a"])) if predicate[0] != "?" else ""
    return f"{subject} {predicate}{path} {draw(TERMS)} ."


@st.composite
def group_patterns(draw: st.DrawFn, depth: int = 2) -> str:
    parts = draw(st.lists(triple_patterns(), min_size=0, max_size=2))
    if depth > 0:
        extras = st.sampled_from(
            ["OPTIONAL", "UNION", "MINUS", "GRAPH", "FILTER", "BIND", "VALUES", "SERVICE"]
        )
        for extra in draw(st.lists(extras, max_size=2)):
            inner = draw(group_patterns(depth - 1))
            if extra == "UNION":
                parts.append(f"{{ {inner} }} UNION {{ {draw(group_patterns(depth - 1))} }}")
            elif extra == "GRAPH":
                parts.append(f"GRAPH {draw(st.one_of(VARIABLES, IRIS))} {{ {inner} }}")
            elif extra == "FILTER":
                parts.append(f"FILTER ({draw(expressions())})")
            elif extra == "BIND":
                parts.append(f"BIND ({draw(expressions())} AS ?b{draw(st.integers(0, 3))})")
            elif extra == "VALUES":
                parts.append(f"VALUES ?v {{ {draw(TERMS)} UNDEF }}")
            elif extra == "SERVICE":
                endpoint = draw(
                    st.sampled_from(["<http://127.0.0.1:1/sparql>", "<file:///etc/passwd>", "?svc", "<x:y>"])
                )
                parts.append(f"SERVICE {draw(st.sampled_from(['', 'SILENT ']))}{endpoint} {{ {inner} }}")
            else:
                parts.append(f"{extra} {{ {inner} }}")
    return " ".join(parts)


@st.composite
def sparql_queries(draw: st.DrawFn) -> str:
    """A query from a small SPARQL grammar: every result form, dataset clauses, modifiers."""
    prefixes = "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>\n"
    where = f"WHERE {{ {draw(group_patterns())} }}"
    dataset = " ".join(
        f"FROM {draw(st.sampled_from(['', 'NAMED ']))}{draw(IRIS.filter(lambda i: i[0] == '<'))}"
        for _ in range(draw(st.integers(0, 2)))
    )
    form = draw(st.sampled_from(["SELECT", "SELECT DISTINCT", "ASK", "CONSTRUCT", "DESCRIBE", "AGG"]))
    if form.startswith("SELECT"):
        head = f"{form} {draw(st.sampled_from(['*', '?s ?o', '(COUNT(*) AS ?n)']))}"
    elif form == "AGG":
        head = f"SELECT ?s (SAMPLE({draw(expressions(1))}) AS ?a) (GROUP_CONCAT(?o) AS ?g)"
        where += " GROUP BY ?s"
    elif form == "CONSTRUCT":
        head = f"CONSTRUCT {{ {draw(triple_patterns())} }}"
    elif form == "DESCRIBE":
        head = f"DESCRIBE {draw(st.one_of(VARIABLES, IRIS.filter(lambda i: i[0] == '<')))}"
    else:
        head = "ASK"
    modifiers = draw(
        st.sampled_from(
            ["", " ORDER BY ?s", " LIMIT 5", " OFFSET 2 LIMIT 1", " LIMIT 0", " OFFSET 99999999999"]
        )
    )
    query = f"{prefixes}{head} {dataset} {where}{modifiers}"
    if draw(st.integers(0, 9)) == 0:  # near misses: a cut, a stray brace or byte
        cut = draw(st.integers(0, len(query)))
        query = query[:cut] + draw(st.sampled_from(["", "}", "{", "\x00", "'''", "#"]))
    return query


# What a client can put in a header value: anything but CR and LF (which no client library will send).
HEADER_TEXT = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\r\n"), max_size=30)
MEDIA = st.sampled_from(
    [
        "application/sparql-results+json",
        "application/sparql-results+xml",
        "text/csv",
        "text/tab-separated-values",
        "text/turtle",
        "application/ld+json",
        "application/n-triples",
        "application/rdf+xml",
        "application/trig",
        "text/html",
        "application/json",
        "text/plain",
        "*/*",
        "text/*",
        "image/png",
        "*/json",
        "",
    ]
)
QUALITIES = st.one_of(
    st.just(""),
    st.sampled_from(["0", "1", "0.5", "1.0001", "-1", "NaN", "inf", "1e999", "abc", ""]).map(
        lambda q: f";q={q}"
    ),
    HEADER_TEXT.map(lambda t: f";{t[:6]}"),
)


@st.composite
def accept_headers(draw: st.DrawFn) -> str:
    """Accept headers, well-formed and not: many ranges, odd qualities, junk parameters."""
    if draw(st.integers(0, 4)) == 0:
        return draw(st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=60))
    ranges = draw(st.lists(st.tuples(MEDIA, QUALITIES), max_size=6))
    return ", ".join(m + q for m, q in ranges)


# Text with control characters, combining marks, right-to-left and astral characters, but no surrogates
# (which no HTTP client can send as UTF-8).
ANY_TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)
PATH_SEGMENTS = st.one_of(
    st.sampled_from(
        ["ccg", "00C", "pct", "..", ".", "%2e%2e", "%00", "%0d%0a", "a--b", "_x", "-", "~", "%", "%ZZ", ""]
    ),
    st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=10),
)
DAYS = st.one_of(
    st.dates().map(lambda d: d.isoformat()),
    st.sampled_from(["2013-02-30", "0000-01-01", "9999-12-31", "2013-4-1", "-2013-04-01", "２０１３-04-01"]),
    ANY_TEXT,
)
PAGE_NUMBERS = st.one_of(
    st.integers(min_value=-5, max_value=10**25).map(str),
    st.sampled_from(["", "1.5", "0x10", "¹", "٣", " 2 ", "1e3"]),
    ANY_TEXT,
)
