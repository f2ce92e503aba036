"""Stored-query files without an RDF library: the records, the grlc-style `#+` header, the parameters
and the form, read with kg's SPARQL lexer (comments, strings and IRIs skipped), never by parsing.

`kg query --list` needs nothing more, so it starts without rdflib; kg.queries parses, binds and runs
the queries and re-exports these names.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from kg import paths
from kg.errors import QueryError

# --------------------------------------------------------------------------------------------------
# records


@dataclass(frozen=True)
class Param:
    """One parameter of a stored query, read from a `?_name…` / `?__name…` variable."""

    #: parameter name as users type it (`place`, `eventType`): letters and digits only
    name: str
    #: `?_name` is required, `?__name` optional (left unbound when not given)
    required: bool
    #: "iri", "literal" (plain string), "number", a datatype CURIE ("xsd:date") or "@xx" (language tag)
    kind: str
    #: the SPARQL variable name without `?` (`_place_iri`)
    variable: str
    #: value used when none is given (`#+ defaults:`), as the user would type it
    default: str | None = None
    #: the only values allowed (`#+ enumerate:` with a list), empty when any value goes
    enum: tuple[str, ...] = ()


@dataclass(frozen=True)
class StoredQuery:
    """A SPARQL query stored as `queries/<name>.rq`, with its grlc-style header."""

    #: file stem, the name used by `kg query NAME` and the HTTP API
    name: str
    #: one-line summary (`#+ summary:`)
    summary: str
    #: longer description (`#+ description:`), may be empty
    description: str
    #: grouping tags (`#+ tags:`)
    tags: tuple[str, ...]
    #: parameters, required ones first, then by name
    params: tuple[Param, ...]
    #: the whole file text (header comments included: they are SPARQL comments)
    text: str
    #: where the query was read from
    path: Path
    #: query form: "SELECT", "CONSTRUCT", "ASK" or "DESCRIBE"
    form: str


#: rdflib algebra name → query form
FORMS: dict[str, str] = {
    "SelectQuery": "SELECT",
    "ConstructQuery": "CONSTRUCT",
    "AskQuery": "ASK",
    "DescribeQuery": "DESCRIBE",
}

#: BASIL/grlc parameter variable: `_` or `__`, a name of letters and digits, then up to two type parts
PARAM_VARIABLE = re.compile(
    r"^(?P<req>__?)(?P<name>[A-Za-z0-9]+)(?:_(?P<type>[A-Za-z0-9]+)(?:_(?P<sub>[A-Za-z0-9]+))?)?$"
)
#: a stored query's name (its file stem)
QUERY_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
#: a parameter name as typed on the command line or in a URL
PARAM_NAME = re.compile(r"^[A-Za-z0-9]+$")
#: rdflib's internal aggregate variables, which are not parameters
_INTERNAL_VARIABLE = re.compile(r"^__agg_\d+__$")

#: the XSD types derived from xsd:integer, which share its lexical space (their ranges rdflib checks)
INTEGER_TYPES = (
    "nonNegativeInteger",
    "positiveInteger",
    "nonPositiveInteger",
    "negativeInteger",
    "long",
    "int",
    "short",
    "byte",
    "unsignedLong",
    "unsignedInt",
    "unsignedShort",
    "unsignedByte",
)
#: XSD datatypes accepted as a single type suffix (`?_n_integer`), as in grlc's static.XSD_DATATYPES
XSD_TYPES = frozenset(
    [
        "string",
        "boolean",
        "decimal",
        "integer",
        "double",
        "float",
        "date",
        "dateTime",
        "time",
        "duration",
        "gYear",
        "gYearMonth",
        "gMonth",
        "gDay",
        "gMonthDay",
        *INTEGER_TYPES,
        "anyURI",
        "language",
        "normalizedString",
        "token",
    ]
)
#: type suffixes that are kinds of their own
_PLAIN_KINDS = {"iri": "iri", "number": "number", "literal": "literal", "string": "literal"}


#: deepest nesting a query may have: brackets `( [ {` inside each other plus a run of prefix operators
#: (`!`, `-`, `+`, `^`). Both parsers recurse once per level: rdflib's stops with RecursionError near 28
#: parentheses, Oxigraph's overflows its stack (SIGSEGV, the whole process) near 10,000 `!`.
MAX_QUERY_DEPTH = 32
_OPENERS = {"(": ")", "[": "]", "{": "}"}
_CLOSERS = frozenset(_OPENERS.values())
_PREFIX_OPERATORS = frozenset("!-+^")


@functools.lru_cache(maxsize=256)
def query_depth(text: str) -> int:
    """The deepest nesting of `text`: open brackets plus the current run of prefix operators (see MAX_QUERY_DEPTH).

    Strings, IRIs and comments do not count; a lexer, not a parser, so no text can make it recurse.
    """
    deepest = brackets = run = 0
    for token in _tokens(text):
        if token.kind in ("ws", "comment"):
            continue
        if token.text in _OPENERS:
            brackets += 1
        elif token.text in _CLOSERS:
            brackets = max(0, brackets - 1)
        run = run + 1 if token.text in _PREFIX_OPERATORS else 0
        deepest = max(deepest, brackets + run)
    return deepest


def check_nesting(text: str, limit: int = MAX_QUERY_DEPTH, *, file: Path | str | None = None) -> None:
    """Raise QueryError if `text` nests deeper than `limit`, before any parser sees it."""
    depth = query_depth(text)
    if depth > limit:
        raise QueryError(
            f"the query nests {depth} levels deep (brackets and runs of ! - + ^); at most {limit} are allowed",
            file=file,
            hint="write the expression with fewer nested brackets or operators",
        )


def param_from_variable(variable: str) -> Param | None:
    """The parameter a variable name declares (`_from_xsd_date` → from, required, xsd:date), or None."""
    match = PARAM_VARIABLE.match(variable)
    if not match or _INTERNAL_VARIABLE.match(variable):
        return None
    type_, sub = match.group("type"), match.group("sub")
    if type_ is None:
        kind = "literal"
    elif sub is not None:
        kind = f"{type_}:{sub}"
    elif type_ in _PLAIN_KINDS:
        kind = _PLAIN_KINDS[type_]
    elif type_ in XSD_TYPES:
        kind = f"xsd:{type_}"
    elif len(type_) == 2 and type_.isalpha():
        kind = f"@{type_.lower()}"
    else:
        return None
    return Param(name=match.group("name"), required=match.group("req") == "_", kind=kind, variable=variable)


_yaml = YAML(typ="safe", pure=True)


def read_header(text: str, *, file: Path | str | None = None) -> dict[str, Any]:
    """The YAML of the `#+` header lines (grlc decorators); empty if there are none."""
    lines = [line[2:] for line in text.splitlines() if line.startswith("#+")]
    if not lines:
        return {}
    try:
        data = _yaml.load("\n".join(lines))
    except YAMLError as exc:
        raise QueryError(
            f"the #+ header is not valid YAML: {exc}", file=file, hint="see the grlc decorator syntax"
        ) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise QueryError("the #+ header must be a YAML mapping (`#+ summary: …`)", file=file)
    return data


def _header_map(entries: Any, key: str, file: Path | str | None) -> dict[str, Any]:
    """grlc writes defaults/enumerate as a list of one-key maps (or plain names); normalise to a dict."""
    if entries is None:
        return {}
    if isinstance(entries, Mapping):
        entries = [dict(entries)]
    if not isinstance(entries, list):
        raise QueryError(f"#+ {key}: expected a list of `- name: value` items", file=file, field=key)
    out: dict[str, Any] = {}
    for entry in entries:
        if isinstance(entry, str):  # grlc: enumerate this variable from the data; we take no fixed list
            out[entry.lstrip("_")] = None
        elif isinstance(entry, Mapping):
            out.update({str(k).lstrip("_"): v for k, v in entry.items()})
        else:
            raise QueryError(f"#+ {key}: unexpected item {entry!r}", file=file, field=key)
    return out


def _param_key(variable_or_name: str, params: Mapping[str, Param]) -> str | None:
    """Map a header key (`lang`, `__lang`, `_place_iri`) to a parameter name."""
    key = variable_or_name.lstrip("_")
    if key in params:
        return key
    for p in params.values():
        if p.variable.lstrip("_") == key:
            return p.name
    return None


def lexical_outline(text: str, *, file: Path | str | None = None) -> tuple[str, set[str]]:
    """The form and the variables of a query, read by kg's lexer (comments, strings and IRIs skipped)
    without parsing it; tests/test_latency_cli.py checks that every stored query gives what parsing gives."""
    form: str | None = None
    variables: set[str] = set()
    forms = set(FORMS.values())
    for m in _TOKEN_RE.finditer(text):  # the tokens of _tokens, without making a record of each
        kind = m.lastgroup
        if kind == "var":
            variables.add(m.group()[1:])
        elif form is None and kind == "word" and m.group().upper() in forms:
            form = m.group().upper()
    if form is None:
        raise QueryError("no SELECT, CONSTRUCT, ASK or DESCRIBE in the query", file=file)
    return form, variables


def _params_of(variables: set[str], header: Mapping[str, Any], file: Path | str | None) -> tuple[Param, ...]:
    by_name: dict[str, Param] = {}
    for variable in sorted(variables):
        if not variable.startswith("_"):
            continue
        param = param_from_variable(variable)
        if param is None:
            raise QueryError(
                f"?{variable} looks like a parameter but does not follow ?_name[_type]",
                file=file,
                hint="parameter names are letters and digits only (camelCase), e.g. ?_eventType_iri",
            )
        if param.name in by_name:
            raise QueryError(
                f"parameter {param.name!r} is declared twice (?{by_name[param.name].variable}, ?{variable})", file=file
            )
        by_name[param.name] = param
    defaults = _header_map(header.get("defaults"), "defaults", file)
    enums = _header_map(header.get("enumerate"), "enumerate", file)
    for key, values in (("defaults", defaults), ("enumerate", enums)):
        for name in values:
            if _param_key(name, by_name) is None:
                raise QueryError(
                    f"#+ {key} names {name!r}, which is not a parameter of the query", file=file, field=key
                )
    out = []
    for name, p in by_name.items():
        default = next((v for k, v in defaults.items() if _param_key(k, by_name) == name), None)
        enum = next((v for k, v in enums.items() if _param_key(k, by_name) == name), None)
        out.append(
            Param(
                name=p.name,
                required=p.required and default is None,
                kind=p.kind,
                variable=p.variable,
                default=None if default is None else _scalar(default),
                enum=tuple(_scalar(v) for v in enum) if isinstance(enum, list) else (),
            )
        )
    return tuple(sorted(out, key=lambda p: (not p.required, p.name)))


def _scalar(value: Any) -> str:
    """A YAML scalar as the string a user would type (YAML reads `2022-01-01` as a date)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


@dataclass(frozen=True)
class _Token:
    kind: str
    text: str
    start: int
    end: int


_TOKEN_RE = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<comment>\#[^\n\r]*)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
               |'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][\w\u00b7\u0300-\u036f\u203f-\u2040]+)
  | (?P<word>[\w][\w.\-]*(?::[^\s{}()\[\],;"'<>]*)?|:[^\s{}()\[\],;"'<>]*)
  | (?P<punct>\S)
    """,
    re.VERBOSE | re.DOTALL,
)


def _tokens(text: str) -> Iterator[_Token]:
    """A coarse SPARQL lexer: enough to skip comments, strings and IRIs and to track `{}`/`()` depth."""
    pos = 0
    while pos < len(text):
        m = _TOKEN_RE.match(text, pos)
        if m is None:  # an unterminated string: the rest is one token
            yield _Token("string", text[pos:], pos, len(text))
            return
        kind = m.lastgroup or "punct"
        yield _Token(kind, m.group(), m.start(), m.end())
        pos = m.end()


def make_record(text: str, *, name: str, path: Path | None, form: str, variables: set[str]) -> StoredQuery:
    """A StoredQuery from its text and the form and variables found in it (by the lexer or a parser)."""
    header = read_header(text, file=path)
    tags = header.get("tags") or ()
    return StoredQuery(
        name=name,
        summary=" ".join(str(header.get("summary") or "").split()),
        description=" ".join(str(header.get("description") or "").split()),
        tags=(str(tags),) if isinstance(tags, str) else tuple(str(t) for t in tags),
        params=_params_of(variables, header, path),
        text=text,
        path=path if path is not None else Path(f"<{name}>"),
        form=form,
    )


def read_query_file(path: Path) -> str:
    """The text of a `.rq` file; an unreadable file is a QueryError naming it."""
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise QueryError(f"cannot read query file: {exc.strerror}", file=path) from None


def outline_query(path: Path) -> StoredQuery:
    """One `.rq` file as a StoredQuery read by the lexer (`lexical_outline`), without parsing the SPARQL."""
    text = read_query_file(path)
    check_nesting(text, file=path)
    form, variables = lexical_outline(text, file=path)
    query = make_record(text, name=path.stem, path=path, form=form, variables=variables)
    if not query.summary:
        raise QueryError("stored query has no `#+ summary:` line", file=path, field="summary")
    return query


def outline_queries(folder: Path = paths.QUERIES_DIR) -> dict[str, StoredQuery]:
    """Every `*.rq` in `folder` by name (sorted), read by the lexer: what `kg query --list` shows."""
    if not folder.is_dir():
        raise QueryError("query folder not found", file=folder)
    return {q.name: q for q in (outline_query(p) for p in sorted(folder.glob("*.rq")))}


def param_signature(param: Param) -> str:
    """`place (iri)`, `lang (literal, default en)`, `meeting (iri, optional)`: for `--list` and the README."""
    if param.default is not None:
        return f"{param.name} ({param.kind}, default {param.default})"
    return f"{param.name} ({param.kind}{'' if param.required else ', optional'})"
