"""What the endpoint reads in a query's own text: the columns of a `SELECT *` in the query's order, and a
syntax error said in words a person can act on.

Both scan the text with one small tokenizer that knows only what can hide a variable or a keyword (strings,
IRIs, comments): they never rewrite a query, only read it.
"""

from __future__ import annotations

import re

# What may hide a `?name` or a keyword in a query's text: long and short strings, IRIs, comments.
_OPAQUE = (
    r"'{3}.*?'{3}"
    r'|"{3}.*?"{3}'
    r"|'(?:[^'\\\n]|\\.)*'"
    r'|"(?:[^"\\\n]|\\.)*"'
    r'|<[^<>"{}|^`\\\s]*>'
    r"|#[^\n]*"
)
_TOKENS = re.compile(rf"(?P<opaque>{_OPAQUE})|[?$](?P<var>[A-Za-z0-9_\u00b7\u00c0-\ufffd]+)", re.DOTALL)
_FIRST_SELECT = re.compile(r"\bSELECT\s+(?:(?:DISTINCT|REDUCED)\s+)?(?P<star>\*)?", re.IGNORECASE)


def select_star_order(sparql: str, variables: list[str]) -> list[str]:
    """The columns of a `SELECT *` in the order their variables first appear in the query, as Jena and
    rdflib give them (pyoxigraph lists them sorted); the columns of any other projection as given."""
    code = _TOKENS.sub(lambda m: " " if m["opaque"] else m[0], sparql)
    select = _FIRST_SELECT.search(code)
    if select is None or select["star"] is None:
        return variables
    seen: dict[str, int] = {}
    for match in _TOKENS.finditer(sparql):
        if match["var"] and match["var"] not in seen:
            seen[match["var"]] = len(seen)
    return sorted(variables, key=lambda v: seen.get(v, len(seen)))


# --- syntax errors ------------------------------------------------------------------------------------

# Oxigraph's parser says `error at LINE:COLUMN: expected one of A, B, ...`, where an item is a keyword, a
# quoted token, a character class such as ['A' ..= 'Z' | '\u{00C0}'..='\u{00D6}' | ...] or `[_]` (any
# character), or a sentence of its own ("Prefix not found").
_PARSER_MESSAGE = re.compile(
    r"\berror at (?P<line>\d+):(?P<column>\d+): expected (?:one of )?(?P<items>.*)$", re.DOTALL
)
_ITEM = re.compile(r"\[(?:[^\]'\\]|'(?:[^'\\]|\\.)*'|\\.)*\]|\"(?:[^\"\\]|\\.)*\"|[^,]+")
_PREFIXED = re.compile(r"([A-Za-z][\w.-]*)?:[\w.-]*$")
_CONTEXT = 30  # characters of the query shown before the place of the error


def readable_syntax_error(message: str, sparql: str, line_offset: int = 0) -> str:
    """The parser's message as a sentence: where (line and column in the user's text, which starts
    `line_offset` lines into what was parsed), the text just before that place, and what could come
    there. A message of another form (another server's parser) is kept, with its position moved back."""
    parsed = _PARSER_MESSAGE.search(message.strip())
    if parsed is None:
        return re.sub(r"\bat (\d+):(\d+)", lambda m: f"at {int(m[1]) - line_offset}:{m[2]}", message, count=1)
    line, column = int(parsed["line"]) - line_offset, int(parsed["column"])
    lines = sparql.split("\n")
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    before = text[: max(0, column - 1)]
    items = [i.strip() for i in _ITEM.findall(parsed["items"]) if i.strip()]
    where = f"at line {line}, column {column}"
    if "Prefix not found" in items:
        prefixed = _PREFIXED.search(before)
        name = (prefixed[1] or "") if prefixed else ""
        return f"{where}: the prefix {name}: is not declared; add PREFIX {name}: <its IRI> before the query"
    at_end = line > len(lines) or (line == len(lines) and column > len(text))
    shown = before[-_CONTEXT:].lstrip()
    near = f", just after {shown!r}" if shown else ""
    near += " (the end of the query)" if at_end else ""
    words = _expected_words(items)
    wanted = f"expected {words[0]}" if len(words) == 1 else "expected one of " + ", ".join(words)
    return f"{where}{near}: {wanted}" if words else f"{where}{near}: the query cannot be read from here"


def _expected_words(items: list[str]) -> list[str]:
    """The parser's alternatives as words: keywords and tokens as they are, character classes named."""
    words: list[str] = []
    for item in items:
        word = _class_word(item) if item.startswith("[") else item
        if word and word not in words:
            words.append(word)
    return words


def _class_word(item: str) -> str | None:
    if item == "[_]":
        return None  # any character: the parser's fallback, which tells a reader nothing
    if "'A'" in item and "'Z'" in item:
        return "a letter"
    if "'0'" in item and "'9'" in item:
        return "a digit"
    single = re.fullmatch(r"\['((?:[^'\\]|\\.)+)'\]", item)
    return f'"{single[1].replace(chr(92) * 2, chr(92))}"' if single else None
