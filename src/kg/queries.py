"""Stored SPARQL queries: typed records, grlc-style headers, safe parameter binding, execution, renderers.

A stored query is one `queries/<name>.rq` file. Its `#+ key: value` header lines are YAML (the grlc
decorator syntax: summary, description, tags, defaults, enumerate), so the same folder can be served
by grlc. Parameters are the BASIL/grlc variables `?_name` (required) and `?__name` (optional) with an
optional type suffix (`_iri`, `_number`, `_literal`, an XSD name, `_xsd_date`, a two-letter language).

Values are never spliced into the query text. On rdflib they are passed as `initBindings` (typed
terms); towards a remote endpoint they become one `VALUES` block serialised from those terms, placed
at the start of the WHERE group and of each subquery that names a parameter (rdflib's initBindings reach
into subqueries), so both paths have the same SPARQL semantics.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rdflib import BNode, Graph, Literal, URIRef, Variable
from rdflib.namespace import XSD
from rdflib.query import Result
from rdflib.term import Identifier, Node, XSDToPython

from kg import paths
from kg.errors import QueryError, StoreError
from kg.namespaces import DEFAULT_BASE, PREFIXES, bind_prefixes, kind_prefixes, prefixed_name
from kg.query_records import _INTERNAL_VARIABLE, _tokens, make_record, outline_queries, outline_query
from kg.query_records import FORMS as FORMS
from kg.query_records import INTEGER_TYPES as INTEGER_TYPES
from kg.query_records import MAX_QUERY_DEPTH as MAX_QUERY_DEPTH
from kg.query_records import PARAM_NAME as PARAM_NAME
from kg.query_records import PARAM_VARIABLE as PARAM_VARIABLE
from kg.query_records import QUERY_NAME as QUERY_NAME
from kg.query_records import XSD_TYPES as XSD_TYPES
from kg.query_records import Param as Param
from kg.query_records import StoredQuery as StoredQuery
from kg.query_records import check_nesting as check_nesting
from kg.query_records import lexical_outline as lexical_outline
from kg.query_records import param_from_variable as param_from_variable
from kg.query_records import param_signature as param_signature
from kg.query_records import query_depth as query_depth
from kg.query_records import read_header as read_header
from kg.query_records import read_query_file as read_query_file
from kg.suggest import did_you_mean

if TYPE_CHECKING:  # rdflib's SPARQL parser costs ~0.4 s to import: only queries that run need it
    from rdflib.plugins.sparql.sparql import Query

# --------------------------------------------------------------------------------------------------
# records


# --------------------------------------------------------------------------------------------------
# parsing


def parse_query(text: str, prefixes: Mapping[str, str] | None = None, *, file: Path | str | None = None) -> Query:
    """Parse and translate a SPARQL 1.1 query; a syntax error is a QueryError with line and column.

    `prefixes` are declared implicitly (a PREFIX in the text wins). Updates are rejected: only
    SELECT, CONSTRUCT, ASK and DESCRIBE parse.
    """
    from pyparsing import ParseBaseException
    from rdflib.plugins.sparql import prepareQuery

    check_nesting(text, file=file)
    try:
        return prepareQuery(text, initNs=dict(prefixes or {}))
    except ParseBaseException as exc:
        line, col, why = _oxigraph_diagnosis(text, prefixes) or (exc.lineno, exc.col, exc.msg)
        source_lines = text.splitlines()
        snippet = source_lines[line - 1].strip() if 0 < line <= len(source_lines) else ""
        if len(snippet) > 80:
            snippet = snippet[:77] + "…"
        raise QueryError(
            f"syntax error at line {line}, column {col}: {why} (line {line}: {snippet!r})",
            file=file,
            line=line,
            hint="check the SPARQL 1.1 grammar near that position",
        ) from None
    except Exception as exc:  # rdflib's translator raises bare Exception (unknown prefix, bad scoping)
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        at_line, at_col = _locate_problem(text, message)
        where = f" at line {at_line}, column {at_col}" if at_line else ""
        raise QueryError(f"invalid query{where}: {message}", file=file, line=at_line) from None


def _oxigraph_diagnosis(text: str, prefixes: Mapping[str, str] | None) -> tuple[int, int, str] | None:
    """Line, column and reason of a syntax error from Oxigraph's parser, which locates errors exactly.

    rdflib's pyparsing grammar often reports where the failing rule began, not where the error is.
    The query is only parsed, never evaluated (see oxigraph_syntax_error).
    """
    prologue = " ".join(missing_prologue(text, prefixes).splitlines()) + " " if prefixes else ""
    try:
        error = oxigraph_syntax_error(prologue + text)
    except QueryError:
        return None
    match = re.match(r"error at (\d+):(\d+): (.*)", error or "", re.DOTALL)
    if match is None:
        return None
    line, col = int(match.group(1)), int(match.group(2))
    col -= len(prologue) if line == 1 else 0
    why = " ".join(match.group(3).split())
    # Oxigraph lists expected character classes verbatim; those help nobody
    return line, col, "unexpected input here" if "['" in why or len(why) > 100 else why


def _locate_problem(text: str, message: str) -> tuple[int | None, int | None]:
    """Line and column of an unknown prefix named in an rdflib error message, if there is one."""
    match = re.search(r"[Uu]nknown namespace prefix\s*:\s*(\S+)", message)
    if not match:
        return None, None
    found = re.search(rf"(?<![\w:?$]){re.escape(match.group(1))}:", _blank_comments(text))
    if not found:
        return None, None
    before = text[: found.start()]
    return before.count("\n") + 1, found.start() - (before.rfind("\n") + 1) + 1


def _blank_comments(text: str) -> str:
    """`text` with comments replaced by spaces (same offsets), for position searches."""
    out = list(text)
    for token in _tokens(text):
        if token.kind == "comment":
            out[token.start : token.end] = " " * (token.end - token.start)
    return "".join(out)


# --------------------------------------------------------------------------------------------------
# no query kg runs reaches another host


class QueryRefused(QueryError):
    """A well-formed query kg will not run: an update, or one that would reach another host (SERVICE, FROM)."""


#: what each engine would fetch, as the message that refuses it
_REFUSALS = {
    "SERVICE": "SERVICE is refused: kg never sends a query to another endpoint",
    "FROM": "FROM / FROM NAMED are refused: kg queries its own default graph and never loads remote graphs",
}
#: the words of those clauses as Oxigraph reads them (ASCII, any case, never written with \u escapes),
#: and in each the one letter the probe changes: not the first (a `\f` ECHAR or `%f` escape could end
#: there) and not a hex digit, so it never sits in an escape and changing it only unmakes the keyword
_PROBED_LETTER = {"SERVICE": ("service", 2), "FROM": ("from", 2)}


def oxigraph_syntax_error(text: str, prefixes: Mapping[str, str] | None = None) -> str | None:
    """Oxigraph's syntax error for the query `text` (with `prefixes` predeclared), or None if it parses.

    The query is never evaluated: pyoxigraph (0.5) has no parse-only call and starts evaluating
    inside `Store.query` (a SERVICE is called before the first row is read), so it is asked to
    substitute a variable the text cannot contain, which fails after parsing and before evaluation.
    """
    import pyoxigraph

    check_nesting(text)
    probe = "kgparseprobe"
    while probe in text:
        probe += "x"
    try:
        pyoxigraph.Store().query(
            text,
            prefixes=dict(prefixes or {}),
            substitutions={pyoxigraph.Variable(probe): pyoxigraph.Literal("")},
        )
    except SyntaxError as exc:
        return str(exc)
    except RuntimeError as exc:
        if f"?{probe}" in str(exc):
            return None
        raise QueryError(f"Oxigraph cannot check this query: {exc}") from None
    except ValueError as exc:  # a prefix IRI Oxigraph does not accept
        raise QueryError(f"Oxigraph cannot check this query: {exc}") from None
    raise QueryError("Oxigraph ran a query that was only to be parsed")  # pragma: no cover - see above


def _probed(text: str, word: str, at: int) -> str:
    """`text` with letter `at` of every occurrence of `word` (any case) replaced by x/X."""

    def change(m: re.Match[str]) -> str:
        found = m.group()
        return found[:at] + ("X" if found[at].isupper() else "x") + found[at + 1 :]

    return re.sub(word, change, text, flags=re.IGNORECASE)


def is_blank_query(text: str) -> bool:
    """Whether `text` holds nothing but white space and comments (which parses as an empty update)."""
    return all(token.kind in ("ws", "comment") for token in _tokens(text))


def remote_access_in_text(text: str, prefixes: Mapping[str, str] | None = None) -> str | None:
    r""" "SERVICE" or "FROM" if Oxigraph, running exactly `text` with `prefixes`, would read that clause.

    Judged by Oxigraph's own parser, which runs the query (rdflib expands `\u` escapes over the
    whole text first, Oxigraph only inside strings and IRIs, so the two can see different queries).
    Every occurrence of the word, in any case, has one letter changed, in the text and in the prefix
    names alike: in a string, IRI, comment, variable or prefixed name that changes nothing the parser
    cares about, while the keyword itself becomes a bare word no query may contain. So the changed text
    still parses exactly when no occurrence was the keyword. A text Oxigraph cannot parse is never run.
    """
    if oxigraph_syntax_error(text, prefixes) is not None:
        return None
    for clause, (word, at) in _PROBED_LETTER.items():
        if not re.search(word, text, re.IGNORECASE):
            continue
        renamed = {_probed(name, word, at): iri for name, iri in (prefixes or {}).items()}
        if oxigraph_syntax_error(_probed(text, word, at), renamed) is not None:
            return clause
    return None


def remote_access_in_algebra(parsed: Query) -> str | None:
    """ "SERVICE" or "FROM" if rdflib, evaluating the parsed query, would read that clause (and fetch)."""
    from rdflib.plugins.sparql.parserutils import CompValue

    if parsed.algebra.get("datasetClause"):
        return "FROM"
    stack: list[Any] = [parsed.algebra]
    while stack:
        node = stack.pop()
        if isinstance(node, CompValue):
            if node.name == "ServiceGraphPattern":
                return "SERVICE"
            stack += node.values()
        elif isinstance(node, list | tuple):
            stack += node
    return None


def refuse_remote_access(text: str, prefixes: Mapping[str, str] | None = None, parsed: Query | None = None) -> None:
    """Raise QueryRefused if running `text` could make Oxigraph (or rdflib, given `parsed`) fetch a URL.

    `text` and `prefixes` must be exactly what the engine gets; `parsed` is rdflib's parse of it.
    pyoxigraph (0.5) cannot turn its SERVICE support off, so this check is what keeps every store
    kg opens, built by kg or not, from calling out.
    """
    clause = (remote_access_in_algebra(parsed) if parsed is not None else None) or remote_access_in_text(text, prefixes)
    if clause is not None:
        raise QueryRefused(_REFUSALS[clause], hint="remove the clause")


def query_form(parsed: Query) -> str:
    """The form of a parsed query: "SELECT", "CONSTRUCT", "ASK" or "DESCRIBE"."""
    name = parsed.algebra.name
    try:
        return FORMS[name]
    except KeyError:  # pragma: no cover - rdflib parses only these four forms
        raise QueryError(f"unsupported query form {name!r}", hint=f"use one of {', '.join(FORMS.values())}") from None


def query_variables(parsed: Query) -> set[str]:
    """Every variable name (without `?`) that occurs anywhere in the translated query."""
    found: set[str] = set()

    def walk(node: Any, seen: set[int]) -> None:
        if isinstance(node, Variable):
            found.add(str(node))
            return
        if isinstance(node, str | bytes | int | float) or node is None or id(node) in seen:
            return
        seen.add(id(node))
        if isinstance(node, Mapping):
            for value in node.values():
                walk(value, seen)
        elif isinstance(node, list | tuple | set | frozenset):
            for value in node:
                walk(value, seen)

    walk(parsed.algebra, set())
    return {v for v in found if not _INTERNAL_VARIABLE.match(v)}


def load_query(path: Path, *, check: bool = True) -> StoredQuery:
    """Read one `.rq` file into a StoredQuery; parse it strictly (it must declare its own prefixes).

    `check=False` reads the header, form and parameters with kg's lexer without parsing the SPARQL
    (~0.25 s a query with rdflib): enough to list the queries, or to run one, which parses it then.
    """
    if not check:
        return outline_query(path)
    text = read_query_file(path)
    query = make_query(text, name=path.stem, path=path)
    if not query.summary:
        raise QueryError("stored query has no `#+ summary:` line", file=path, field="summary")
    return query


def make_query(
    text: str,
    *,
    name: str,
    path: Path | None = None,
    prefixes: Mapping[str, str] | None = None,
    check: bool = True,
) -> StoredQuery:
    """A StoredQuery from query text (header, parameters, form); `prefixes` are declared implicitly.

    `path` is the file the text came from (named in errors); None for text given inline. With
    `check=False` the text is not parsed: form and parameters come from kg's lexer (`lexical_outline`).
    """
    read_header(text, file=path)  # a broken header is reported before a syntax error
    if check:
        parsed = parse_query(text, prefixes, file=path)
        form, variables = query_form(parsed), query_variables(parsed)
    else:
        check_nesting(text, file=path)
        form, variables = lexical_outline(text, file=path)
    return make_record(text, name=name, path=path, form=form, variables=variables)


def load_queries(folder: Path = paths.QUERIES_DIR, *, check: bool = True) -> dict[str, StoredQuery]:
    """Every `*.rq` in `folder`, by name (sorted); `check` as for `load_query`."""
    if not check:
        return outline_queries(folder)
    if not folder.is_dir():
        raise QueryError("query folder not found", file=folder)
    return {q.name: q for q in (load_query(p) for p in sorted(folder.glob("*.rq")))}


def get_query(name: str, folder: Path = paths.QUERIES_DIR, *, check: bool = True) -> StoredQuery:
    """The stored query called `name`; an unknown name raises QueryError listing the known ones."""
    path = folder / f"{name}.rq"
    if QUERY_NAME.match(name) and path.is_file():
        return load_query(path, check=check)
    known = sorted(p.stem for p in folder.glob("*.rq"))
    raise QueryError(
        f"unknown query {name!r}", hint=f"known queries: {', '.join(known) or '(none)'}; see `kg query --list`"
    )


# --------------------------------------------------------------------------------------------------
# parameters


def parse_param_args(items: Sequence[str]) -> dict[str, str]:
    """`["place=kg:…", "lang=id"]` → {"place": …, "lang": "id"}; split at the first `=`."""
    out: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep:
            raise QueryError(f"parameter {item!r} is not NAME=VALUE", hint="write e.g. --param lang=en")
        name = name.strip()
        if not PARAM_NAME.match(name):
            raise QueryError(
                f"parameter name {name!r} must be letters and digits only", hint="write e.g. --param eventType=…"
            )
        if name in out:
            raise QueryError(f"parameter {name!r} given twice")
        out[name] = value
    return out


#: characters that may not appear in a SPARQL IRIREF (SPARQL 1.1 grammar, production [139])
_IRI_FORBIDDEN = re.compile(r'[<>"{}|^`\\\x00-\x20]')
_IRI_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_CURIE = re.compile(r"^([A-Za-z][\w.-]*)?:([^/].*)?$")
_INTEGER = re.compile(r"[+-]?\d+", re.ASCII)
_DECIMAL = re.compile(r"[+-]?(\d+\.\d*|\.\d+)", re.ASCII)
_DOUBLE = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)[eE][+-]?\d+", re.ASCII)

# Lexical spaces of the XSD datatypes (XML Schema 1.1 Part 2, §3.3), checked before a Literal is built:
# rdflib logs a warning with a traceback for every lexical form its converter rejects.
_TZ = r"(Z|[+-]((0\d|1[0-3]):[0-5]\d|14:00))?"
_YEAR = r"-?([1-9]\d{3,}|0\d{3})"
_MONTH = r"(0[1-9]|1[0-2])"
_DAY = r"(0[1-9]|[12]\d|3[01])"
_CLOCK = r"(([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d+)?|24:00:00(\.0+)?)"
_FLOAT = r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?|[+-]?INF|NaN"
_DURATION = r"-?P(?=\d|T\d)(\d+Y)?(\d+M)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?"
_INTEGER_LEXICAL = r"[+-]?\d+"
#: XSD datatype local name → its lexical space as a regular expression (whole value)
XSD_LEXICAL: dict[str, re.Pattern[str]] = {
    name: re.compile(pattern, re.ASCII)
    for name, pattern in {
        "boolean": r"true|false|1|0",
        "decimal": r"[+-]?(\d+(\.\d*)?|\.\d+)",
        "integer": _INTEGER_LEXICAL,
        "double": _FLOAT,
        "float": _FLOAT,
        "date": rf"{_YEAR}-{_MONTH}-{_DAY}{_TZ}",
        "dateTime": rf"{_YEAR}-{_MONTH}-{_DAY}T{_CLOCK}{_TZ}",
        "time": rf"{_CLOCK}{_TZ}",
        "duration": _DURATION,
        "gYear": rf"{_YEAR}{_TZ}",
        "gYearMonth": rf"{_YEAR}-{_MONTH}{_TZ}",
        "gMonth": rf"--{_MONTH}{_TZ}",
        "gDay": rf"---{_DAY}{_TZ}",
        "gMonthDay": rf"--{_MONTH}-{_DAY}{_TZ}",
        **dict.fromkeys(INTEGER_TYPES, _INTEGER_LEXICAL),
        "language": r"[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*",
    }.items()
}
#: examples shown when a value is not in its datatype's lexical space
XSD_EXAMPLES: dict[str, str] = {
    "date": "2022-01-05",
    "dateTime": "2022-01-05T14:30:00",
    "time": "14:30:00",
    "gYear": "2022",
    "gYearMonth": "2022-01",
    "integer": "12",
    "decimal": "3.5",
    "double": "1.5e3",
    "boolean": "true or false",
    "duration": "P1Y2M10DT2H",
}


def _day_exists(value: str) -> None:
    """Raise ValueError for a date-shaped value that names no day (2022-02-30), as date.fromisoformat does.

    Years outside Python's 1–9999 are checked in the leap year 2000; rdflib's converter decides on them.
    """
    match = re.match(r"-?(\d+)-(\d\d)-(\d\d)", value, re.ASCII)
    if match is None:
        raise ValueError(f"{value!r} does not start with a date")
    year, month, day = map(int, match.groups())
    dt.date(year if 1 <= year <= 9999 else 2000, month, day)


#: XSD datatype local name → a check of the value itself, after the lexical form matched
XSD_VALUE_CHECKS: dict[str, Callable[[str], object]] = {"date": _day_exists, "dateTime": _day_exists}


def check_lexical(value: str, datatype: URIRef) -> bool:
    """Whether `value` is a valid lexical form of `datatype` that rdflib converts without complaint.

    XSD datatypes are matched against their lexical space, then checked by value (no 30 February);
    last, rdflib's own converter for the datatype (if it has one) must accept the value, so building
    the Literal never logs a conversion failure. Other datatypes accept any string.
    """
    if datatype.startswith(str(XSD)):
        name = datatype[len(str(XSD)) :]
        pattern = XSD_LEXICAL.get(name)
        if pattern is not None and not pattern.fullmatch(value):
            return False
        check = XSD_VALUE_CHECKS.get(name)
        try:
            if check is not None:
                check(value)
        except ValueError:
            return False
    convert = XSDToPython.get(datatype)
    if convert is None:
        return True
    try:
        convert(value)
    except Exception:  # rdflib's converters raise many types; rdflib itself catches Exception here
        return False
    return True


def _iri(value: str, prefixes: Mapping[str, str], param: Param) -> URIRef:
    value = value.strip()
    if value.startswith("<") and value.endswith(">"):  # as SPARQL, Turtle and `--format table` write IRIs
        value = value[1:-1]
    curie = _CURIE.match(value)
    if curie and (curie.group(1) or "") in prefixes:
        value = prefixes[curie.group(1) or ""] + (curie.group(2) or "")
    if not _IRI_SCHEME.match(value) or _IRI_FORBIDDEN.search(value):
        raise QueryError(
            f"{value!r} is not an absolute IRI",
            field=param.name,
            hint='give a full IRI (https://…) or a CURIE with a known prefix (kgo:…); no spaces or <>"{}|^`\\',
        )
    return URIRef(value)


def _number(value: str, param: Param) -> Literal:
    for pattern, datatype in ((_INTEGER, XSD.integer), (_DECIMAL, XSD.decimal), (_DOUBLE, XSD.double)):
        if pattern.fullmatch(value.strip()):
            return Literal(value.strip(), datatype=datatype)
    raise QueryError(f"{value!r} is not a number", field=param.name, hint="give e.g. 12, 3.5 or 1e3")


def _typed(value: str, datatype: URIRef, param: Param) -> Literal:
    term = Literal(value, datatype=datatype) if check_lexical(value, datatype) else None
    if term is None or term.ill_typed:
        example = XSD_EXAMPLES.get(datatype[len(str(XSD)) :]) if datatype.startswith(str(XSD)) else None
        raise QueryError(
            f"{value!r} is not a valid {param.kind}",
            field=param.name,
            hint=f"e.g. {example} for {param.kind}" if example else None,
        )
    return term


def make_term(param: Param, value: str, prefixes: Mapping[str, str] = PREFIXES) -> Node:
    """The typed RDF term for one parameter value; a badly typed value raises QueryError."""
    if param.enum and value not in param.enum:
        raise QueryError(f"{value!r} is not allowed", field=param.name, hint=f"use one of {', '.join(param.enum)}")
    kind = param.kind
    if kind == "iri":
        return _iri(value, prefixes, param)
    if kind == "number":
        return _number(value, param)
    if kind == "literal":
        return Literal(value)
    if kind.startswith("@"):
        return Literal(value, lang=kind[1:])
    prefix, _, local = kind.partition(":")
    if prefix not in prefixes:
        raise QueryError(f"datatype prefix {prefix!r} of ?{param.variable} is not declared", field=param.name)
    return _typed(value, URIRef(prefixes[prefix] + local), param)


def declared_prefixes(text: str) -> dict[str, str]:
    """The `PREFIX p: <iri>` declarations of a query text (comments and strings skipped)."""
    significant = [t for t in _tokens(text) if t.kind not in ("ws", "comment")]
    out: dict[str, str] = {}
    for keyword, name, iri in zip(significant, significant[1:], significant[2:], strict=False):
        if (
            keyword.kind == "word"
            and keyword.text.upper() == "PREFIX"
            and name.text.endswith(":")
            and iri.kind == "iri"
        ):
            out[name.text[:-1]] = iri.text[1:-1]
    return out


def query_prefixes(query: StoredQuery | str) -> dict[str, str]:
    """kg's prefixes overlaid with the PREFIX declarations of the query text."""
    return {**PREFIXES, **declared_prefixes(query.text if isinstance(query, StoredQuery) else query)}


def data_prefixes(base: str = DEFAULT_BASE) -> dict[str, str]:
    """kg's prefixes, `kg:` for the data's instances (`<base>id/`) and `kg<kind>:` for each kind's
    (`kgperson:` is `<base>id/person/`): what users may write in values and ad-hoc queries."""
    return {**PREFIXES, "kg": base + "id/", **kind_prefixes(base)}


class MissingParameters(QueryError):
    """A stored query was run without a value for some of its required parameters."""

    def __init__(self, query: str, params: Sequence[Param], *, hint: str | None = None) -> None:
        #: name of the stored query
        self.query_name = query
        #: the required parameters that got no value, in the query's order
        self.params = tuple(params)
        listed = ", ".join(f"{p.name!r} ({p.kind})" for p in self.params)
        noun = "parameters" if len(self.params) > 1 else "parameter"
        super().__init__(f"query {query!r} needs {noun} {listed}", hint=hint)

    def hinted(self, hint: str) -> MissingParameters:
        """The same error with a hint in the caller's terms (`--param to=VALUE`, `?to=VALUE`)."""
        return MissingParameters(self.query_name, self.params, hint=hint)


def bind_params(
    query: StoredQuery,
    values: Mapping[str, str],
    prefixes: Mapping[str, str] | None = None,
    *,
    base: str = DEFAULT_BASE,
) -> dict[str, Node]:
    """Variable name → typed term for the values a user gave, with defaults applied.

    The one binding rule of the CLI, the HTTP API and the tests. IRI values may be full IRIs, `<IRI>`s
    or CURIEs with kg's prefixes, `kg:` for the data under `base`, `prefixes`, or the query's own
    (later ones win). Unknown names and badly typed values raise QueryError; missing required values
    raise MissingParameters, whose hint each caller words in its own syntax.
    """
    known = {p.name: p for p in query.params}
    unknown = sorted(set(values) - set(known))
    if unknown:
        raise QueryError(
            f"query {query.name!r} has no parameter {', '.join(map(repr, unknown))}",
            hint=f"its parameters: {', '.join(known) or '(none)'}",
        )
    missing = [p for p in query.params if p.required and values.get(p.name, p.default) is None]
    if missing:
        raise MissingParameters(query.name, missing)
    usable = {**data_prefixes(base), **(prefixes or {}), **declared_prefixes(query.text)}
    out: dict[str, Node] = {}
    for param in query.params:
        value = values.get(param.name, param.default)
        if value is not None:
            out[param.variable] = make_term(param, value, usable)
    return out


#: IRI schemes a value may start with unannounced; any other `name:` before the value looks like a prefix
IRI_SCHEMES = frozenset({"http", "https", "urn", "mailto", "tag", "file", "ftp", "data", "doi", "geo", "info"})


def param_warnings(
    query: StoredQuery,
    values: Mapping[str, str],
    bindings: Mapping[str, Node],
    prefixes: Mapping[str, str] | None = None,
    *,
    base: str = DEFAULT_BASE,
) -> list[str]:
    """What is legal but gives no rows: an IRI value whose `prefix:` is declared nowhere (it stays an IRI
    of that scheme), and a `from` later than its `to`."""
    usable = {**data_prefixes(base), **(prefixes or {}), **declared_prefixes(query.text)}
    out = []
    for param in query.params:
        value = values.get(param.name, "").strip()
        curie = _CURIE.match(value) if param.kind == "iri" and not value.startswith("<") else None
        prefix = (curie.group(1) or "") if curie else ""
        if curie and prefix and prefix not in usable and prefix.lower() not in IRI_SCHEMES:
            close = did_you_mean(prefix, usable)
            out.append(
                f"{param.name}: the prefix {prefix + ':'!r} of {value!r} is not declared, so the value is the IRI "
                f"<{value}>, which kg's data does not use"
                + (f" — {close}" if close else " — use a kg prefix (kgplace:almaty, kget:riot) or a full IRI")
            )
    params = {p.name: p for p in query.params}
    if "from" in params and "to" in params:
        start, end = bindings.get(params["from"].variable), bindings.get(params["to"].variable)
        if isinstance(start, Literal) and isinstance(end, Literal) and start.datatype == end.datatype:
            try:
                later = bool(start.toPython() > end.toPython())
            except TypeError:  # values that do not compare (mixed time zones)
                later = False
            if later:
                out.append(f"from {start} is later than to {end}: no period lies between them, so no rows match")
    return out


# --------------------------------------------------------------------------------------------------
# serialising bound terms as a VALUES block (remote endpoints)


def _sparql_string(value: str) -> str:
    r"""A SPARQL string literal for `value`, safe against the \u pre-pass (SPARQL 1.1 §19.2).

    SPARQL processors expand `\uXXXX` / `\UXXXXXXXX` anywhere in the text before parsing (rdflib
    even reads `\u` with eight digits). After escaping `\` as `\\`, a `u` or `U` right after it
    would start such an escape, so it is written as `\U00000075` / `\U00000055`: exactly eight
    digits, which the pre-pass (or a parser's UCHAR rule) turns back into the letter.
    """
    escaped = re.sub(r"(?<=\\\\)[uU]", lambda m: f"\\U{ord(m.group()):08X}", _escape(value))
    return f'"{escaped}"'


#: ECHAR escapes of the SPARQL/Turtle string grammar
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}
_ESCAPE_RE = re.compile("[" + re.escape("".join(_ESCAPES)) + "]")


def _escape(value: str) -> str:
    """`value` with the characters a short quoted string cannot hold written as ECHARs."""
    return _ESCAPE_RE.sub(lambda m: _ESCAPES[m.group()], value)


def term_to_sparql(term: Node) -> str:
    """A bound term as SPARQL syntax: `<iri>`, `"…"`, `"…"@lang` or `"…"^^<datatype>`."""
    if isinstance(term, URIRef):
        if _IRI_FORBIDDEN.search(term) or not _IRI_SCHEME.match(term):
            raise QueryError(f"{str(term)!r} is not an absolute IRI that SPARQL can write")
        return f"<{term}>"
    if isinstance(term, Literal):
        text = _sparql_string(str(term))
        if term.language:
            if not re.fullmatch(r"[A-Za-z]+(-[A-Za-z0-9]+)*", term.language):
                raise QueryError(f"bad language tag {term.language!r}")
            return f"{text}@{term.language}"
        if term.datatype is not None:
            return f"{text}^^{term_to_sparql(term.datatype)}"
        return text
    raise QueryError(f"cannot bind a {type(term).__name__} as a parameter; use an IRI or a literal")


def _where_group_start(text: str) -> int | None:
    """Offset just after the `{` that opens the query's WHERE group; None if there is none (DESCRIBE)."""
    form: str | None = None
    depth = parens = top_level = 0
    where_seen = False
    for token in _tokens(text):
        if token.kind in ("ws", "comment"):
            continue
        word = token.text.upper() if token.kind == "word" else ""
        if form is None:
            form = word if word in FORMS.values() else None
        elif token.text == "(":
            parens += 1
        elif token.text == ")":
            parens -= 1
        elif token.text == "}":
            depth -= 1
        elif token.text == "{":
            # the WHERE keyword is optional; CONSTRUCT's first top-level group is its template
            if depth == 0 and parens == 0:
                if where_seen or form != "CONSTRUCT" or top_level == 1:
                    return token.end
                top_level += 1
            depth += 1
        elif word == "WHERE" and depth == 0 and parens == 0:
            if form == "CONSTRUCT" and top_level == 0:
                raise QueryError(
                    "the short form CONSTRUCT WHERE { … } cannot take parameters",
                    hint="write CONSTRUCT { template } WHERE { pattern }",
                )
            where_seen = True
    return None


def _subquery_groups(text: str) -> list[tuple[int, set[str]]]:
    """For each subquery: the offset just after the `{` opening its WHERE group, and the variables it names.

    A subquery's variables are those from its SELECT to the `}` that closes the group it sits in (its
    projection, its pattern with the subqueries nested in it, and its modifiers).
    """
    found: list[tuple[int, set[str]]] = []  # (offset, or -1 before its WHERE group is met; names)
    # the subqueries whose closing `}` is still to come: the depth and parentheses of their SELECT
    open_subqueries: list[tuple[int, int, int]] = []  # (depth, parens, index in found)
    depth = parens = 0
    for token in _tokens(text):
        if token.kind == "var":
            for _, _, index in open_subqueries:
                found[index][1].add(token.text[1:])
        elif token.text == "(":
            parens += 1
        elif token.text == ")":
            parens -= 1
        elif token.text == "{":
            if open_subqueries:
                at, within, index = open_subqueries[-1]
                if (at, within) == (depth, parens) and found[index][0] < 0:  # not an EXISTS in its projection
                    found[index] = (token.end, found[index][1])
            depth += 1
        elif token.text == "}":
            depth -= 1
            while open_subqueries and open_subqueries[-1][0] > depth:
                open_subqueries.pop()
        elif token.kind == "word" and token.text.upper() == "SELECT" and depth > 0:
            open_subqueries.append((depth, parens, len(found)))
            found.append((-1, set()))
    return [(at, names) for at, names in found if at >= 0]


def inject_values(text: str, bindings: Mapping[str, Node]) -> str:
    """`text` with one `VALUES (?a ?b) { (t1 t2) }` block at the start of its WHERE group.

    The same block, of the variables it names, also starts the WHERE group of each subquery that names
    one: SPARQL evaluates a subquery on its own, where the outer block is not seen, while grlc pastes
    the value in place of the variable everywhere and rdflib's `initBindings` reach into subqueries too.
    The terms are serialised by `term_to_sparql`, never from user strings. A query without bindings is
    returned unchanged.
    """
    if not bindings:
        return text
    for name in bindings:
        if not re.fullmatch(r"\w+", name):
            raise QueryError(f"{name!r} is not a variable name")

    def block(names: Sequence[str]) -> str:
        row = " ".join(term_to_sparql(bindings[n]) for n in names)
        return f"VALUES ({' '.join('?' + n for n in names)}) {{ ({row}) }}"

    at = _where_group_start(text)
    if at is None:  # DESCRIBE without a pattern: a trailing VALUES clause (SPARQL 1.1 §10.2.2)
        return f"{text}\n{block(sorted(bindings))}\n"
    inserts = [(at, sorted(bindings))]
    inserts += [(start, sorted(set(bindings) & names)) for start, names in _subquery_groups(text)]
    for start, names in sorted(inserts, reverse=True):
        if names:
            text = f"{text[:start]} {block(names)} {text[start:]}"
    return text


def missing_prologue(text: str, prefixes: Mapping[str, str] = PREFIXES) -> str:
    """PREFIX lines for each of `prefixes` that the text does not declare itself (for ad-hoc queries)."""
    declared = declared_prefixes(text)
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in sorted(prefixes.items()) if p not in declared)


# --------------------------------------------------------------------------------------------------
# execution


def run_query(
    graph: Graph,
    text: str,
    bindings: Mapping[str, Node] | None = None,
    prefixes: Mapping[str, str] | None = None,
    *,
    parsed: Query | None = None,
) -> Result:
    """Run a query on an rdflib graph with typed `initBindings`; errors are QueryError.

    `parsed` is rdflib's translation of exactly `text` with `prefixes` (kg.query_cache keeps them), parsed
    here when not given. On an Oxigraph-backed graph (oxrdflib) the text goes to Oxigraph's native engine,
    with the bindings as a VALUES block (as for a remote endpoint): a parsed rdflib query would make
    oxrdflib fall back to rdflib's much slower engine.
    """
    parsed = parse_query(text, prefixes) if parsed is None else parsed
    if type(graph.store).__module__.startswith("oxrdflib"):
        sent = remote_query_text(text, bindings, prefixes)
        # oxrdflib predeclares the store's namespaces: Oxigraph parses with exactly these
        refuse_remote_access(sent, {str(p): str(ns) for p, ns in graph.namespaces()}, parsed)
        try:
            return graph.query(sent)
        except Exception as exc:  # pyoxigraph raises SyntaxError, OSError, RuntimeError
            raise QueryError(f"query failed: {type(exc).__name__}: {exc}") from None
    refuse_remote_access(text, prefixes, parsed)
    try:
        init: dict[str, Any] = dict(bindings or {})  # rdflib types these as Identifier; every Node we bind is one
        result = graph.query(parsed, initBindings=init)
        if result.type == "SELECT" and _has_group_by(parsed):
            # rdflib yields one empty group when GROUP BY sees no solution; SPARQL 1.1 §18.5.1 says none
            result.bindings = [row for row in result.bindings if row]
        return result
    except QueryError:
        raise
    except Exception as exc:  # rdflib's evaluator raises many types (type errors, SERVICE failures)
        raise QueryError(f"query failed: {type(exc).__name__}: {exc}") from None


def run_stored_query(
    files: Sequence[Path],
    query: StoredQuery,
    bindings: Mapping[str, Node] | None = None,
    *,
    cache: Path | None = None,
) -> tuple[Result, str | None]:
    """Run a stored query with rdflib's engine on `files`, and a warning about the query cache, if any.

    The files go into rdflib's lighter in-memory store (SimpleMemory: no named graphs, which a stored query
    never reads), ~40 ms sooner than the default one; rdflib's translation of the query is read from the
    folder `cache` when it holds it (~0.15 s sooner than parsing) and kept there when not (kg.query_cache).
    """
    from kg.query_cache import parsed_query
    from kg.store import read_rdf_quickly

    graph = read_rdf_quickly(files, Graph(store="SimpleMemory"))
    parsed, warning = parsed_query(query.text, None, cache, lambda: parse_query(query.text))
    return run_query(graph, query.text, bindings, parsed=parsed), warning


#: the RDF files `run_on_files` loads itself, by suffix (pyoxigraph RdfFormat names)
_OXIGRAPH_FILES = {".ttl": "TURTLE", ".nt": "N_TRIPLES"}


def can_run_on_files(files: Sequence[Path]) -> bool:
    """Whether `run_on_files` reads every one of `files` (Turtle and N-Triples)."""
    return all(f.suffix in _OXIGRAPH_FILES for f in files)


def run_on_files(
    files: Sequence[Path],
    text: str,
    bindings: Mapping[str, Node] | None = None,
    prefixes: Mapping[str, str] | None = None,
) -> Result:
    """Run a query with Oxigraph's own engine on files loaded into a new in-memory store, answered as an
    rdflib Result (what `run_query` gives on an Oxigraph-backed graph, with the same rows).

    Neither rdflib's SPARQL parser nor oxrdflib is imported (~0.5 s of a `kg query` on the seed): the
    text Oxigraph runs is judged by Oxigraph's parser alone, as for a store (`refuse_remote_access`); a
    text it cannot parse is worded by rdflib's parser, with line and column, and never run.
    """
    import pyoxigraph as ox

    from kg.store import first_line

    store = ox.Store()
    for path in files:
        try:
            store.load(path=str(path), format=getattr(ox.RdfFormat, _OXIGRAPH_FILES[path.suffix]))
        except FileNotFoundError:
            raise StoreError("file not found", file=path, hint="check the path") from None
        except (SyntaxError, OSError, ValueError) as exc:
            raise StoreError(f"cannot parse {path.suffix[1:]}: {first_line(exc)}", file=path) from None
    sent = remote_query_text(text, bindings, prefixes)
    if oxigraph_syntax_error(sent, prefixes) is not None:
        parse_query(text, prefixes)  # raises the error with rdflib's line and column
        raise QueryError(f"syntax error (Oxigraph's parser): {oxigraph_syntax_error(sent, prefixes)}")
    refuse_remote_access(sent, prefixes)
    try:
        answer = store.query(sent, prefixes=dict(prefixes or {}))
    except (SyntaxError, OSError, RuntimeError, ValueError) as exc:
        raise QueryError(f"query failed: {type(exc).__name__}: {exc}") from None
    return _rdflib_result(answer)


def _rdflib_result(answer: Any) -> Result:
    import pyoxigraph as ox

    def term(t: Any) -> Identifier:
        if isinstance(t, ox.NamedNode):
            return URIRef(t.value)
        if isinstance(t, ox.BlankNode):
            return BNode(t.value)
        if t.language:
            return Literal(t.value, lang=t.language)
        return Literal(t.value, datatype=URIRef(t.datatype.value))

    if isinstance(answer, ox.QueryBoolean):
        result = Result("ASK")
        result.askAnswer = bool(answer)
        return result
    if isinstance(answer, ox.QuerySolutions):
        result = Result("SELECT")
        names = [v.value for v in answer.variables]
        result.vars = [Variable(n) for n in names]
        result.bindings = [{Variable(n): term(row[n]) for n in names if row[n] is not None} for row in answer]
        return result
    result = Result("CONSTRUCT")
    graph = Graph()
    for triple in answer:
        graph.add((term(triple.subject), term(triple.predicate), term(triple.object)))
    result.graph = graph
    return result


def _has_group_by(parsed: Query) -> bool:
    """Whether the query (or a subquery) has an explicit GROUP BY clause."""
    stack: list[Any] = [parsed.algebra]
    seen: set[int] = set()
    while stack:
        node = stack.pop()
        if id(node) in seen or not isinstance(node, Mapping):
            continue
        seen.add(id(node))
        if getattr(node, "name", None) == "Group" and node.get("expr") is not None:
            return True
        stack += [v for v in node.values() if isinstance(v, Mapping)]
        stack += [x for v in node.values() if isinstance(v, list) for x in v if isinstance(x, Mapping)]
    return False


#: media types asked from a remote endpoint, by query form (SPARQL 1.1 Protocol §2.1); N-Triples first
#: for graphs because it has no abbreviations an endpoint could get wrong, Turtle as the common fallback
_REMOTE_ACCEPT = {
    "SELECT": "application/sparql-results+json",
    "ASK": "application/sparql-results+json",
    "CONSTRUCT": "application/n-triples, text/turtle;q=0.9",
    "DESCRIBE": "application/n-triples, text/turtle;q=0.9",
}


def remote_query_text(
    text: str, bindings: Mapping[str, Node] | None = None, prefixes: Mapping[str, str] | None = None
) -> str:
    """The exact text sent to an endpoint: implicit prefixes declared, bindings as a VALUES block."""
    full = (missing_prologue(text, prefixes) if prefixes else "") + text
    return inject_values(full, bindings or {})


def run_remote(
    endpoint: str,
    text: str,
    bindings: Mapping[str, Node] | None = None,
    prefixes: Mapping[str, str] | None = None,
    *,
    form: str | None = None,
    timeout: float = 60.0,
) -> Result:
    """Run a query on a SPARQL 1.1 endpoint (POST application/sparql-query); return an rdflib Result.

    The text is parsed locally first (for a clear syntax error and the query form) unless `form`
    is given, as for a StoredQuery, which was parsed when it was loaded.
    """
    import httpx

    if form is None:
        form = query_form(parse_query(text, prefixes))
    if form not in _REMOTE_ACCEPT:
        raise QueryError(f"unknown query form {form!r}", hint=f"use one of {', '.join(_REMOTE_ACCEPT)}")
    sent = remote_query_text(text, bindings, prefixes)
    try:
        response = httpx.post(
            endpoint,
            content=sent.encode("utf-8"),
            headers={"Content-Type": "application/sparql-query; charset=utf-8", "Accept": _REMOTE_ACCEPT[form]},
            timeout=timeout,
        )
    except httpx.HTTPError as exc:
        raise StoreError(f"cannot reach SPARQL endpoint {endpoint}: {exc}", hint="check --endpoint") from None
    if response.status_code >= 400:
        detail = " ".join(response.text.split())[:300]
        error = QueryError if response.status_code == 400 else StoreError
        raise error(f"endpoint {endpoint} answered {response.status_code}: {detail}")
    return _parse_response(form, response.content, response.headers.get("content-type", ""), endpoint)


def _parse_response(form: str, body: bytes, content_type: str, endpoint: str) -> Result:
    try:
        if form in ("SELECT", "ASK"):
            return Result.parse(io.BytesIO(body), format="json", content_type=content_type.split(";")[0] or None)
        graph = Graph()
        rdf_format = "nt" if "n-triples" in content_type else "turtle"  # Turtle reads N-Triples too
        graph.parse(data=body.decode("utf-8"), format=rdf_format)
    except Exception as exc:  # rdflib's result parsers raise various types on bad input
        raise StoreError(f"endpoint {endpoint} sent a response kg cannot read: {exc}") from None
    result = Result(form)
    result.graph = graph
    return result


# --------------------------------------------------------------------------------------------------
# renderers


@dataclass(frozen=True)
class Renderer:
    """One output format: its media type, the query forms it can show, and the function that writes it."""

    media_type: str
    forms: frozenset[str]
    write: Callable[[Result], bytes] = field(repr=False)
    #: file extension for downloads
    extension: str = ""

    def render(self, result: Result) -> bytes:
        """The result in this format; a form it cannot show raises QueryError."""
        if result.type not in self.forms:
            fitting = sorted(k for k, r in RENDERERS.items() if result.type in r.forms)
            raise QueryError(
                f"{self.media_type} cannot show a {result.type} result",
                hint=f"use one of {', '.join(fitting)}",
            )
        return self.write(result)


_SOLUTIONS = frozenset({"SELECT", "ASK"})
_GRAPHS = frozenset({"CONSTRUCT", "DESCRIBE"})


def _rdflib_results(fmt: str) -> Callable[[Result], bytes]:
    def write(result: Result) -> bytes:
        out = io.BytesIO()
        result.serialize(out, encoding="utf-8", format=fmt)
        return out.getvalue()

    return write


def _xml(result: Result) -> bytes:
    """SPARQL 1.1 XML results by rdflib's writer, an unbound variable left out of its row (§2.3.1): rdflib's
    engine leaves a None for an OPTIONAL that matched nothing, which its writer refuses."""
    if result.type == "SELECT":
        bound = Result("SELECT")
        bound.vars = result.vars
        bound.bindings = [{k: v for k, v in row.items() if v is not None} for row in result.bindings]
        result = bound
    return _rdflib_results("xml")(result)


def _json(result: Result) -> bytes:
    # rdflib's serializer, re-dumped with stable key order and a final newline
    data = json.loads(_rdflib_results("json")(result))
    return (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def _tsv(result: Result) -> bytes:
    """SPARQL 1.1 TSV: a header of `?var`s, then terms in Turtle syntax (unbound = empty)."""
    variables = list(result.vars or [])
    lines = ["\t".join(f"?{v}" for v in variables)]
    for row in result:
        lines.append("\t".join("" if t is None else _tsv_term(t) for t in row))  # type: ignore[union-attr]
    return ("\n".join(lines) + "\n").encode("utf-8")


def _tsv_term(term: Node) -> str:
    if isinstance(term, BNode):
        return f"_:{term}"
    if isinstance(term, Literal):
        lexical = f'"{_escape(str(term))}"'
        if term.language:
            return f"{lexical}@{term.language}"
        return f"{lexical}^^<{term.datatype}>" if term.datatype is not None else lexical
    return f"<{term}>"


def _csv(result: Result) -> bytes:
    """SPARQL 1.1 CSV: header of names, values without term types, CRLF line ends."""
    import csv

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    variables = list(result.vars or [])
    writer.writerow([str(v) for v in variables])
    for row in result:
        writer.writerow(["" if t is None else str(t) for t in row])  # type: ignore[union-attr]
    return out.getvalue().encode("utf-8")


#: the prefixes of `--format table`: every name it prints is a valid SPARQL and Turtle prefixed name
_DISPLAY_PREFIXES: dict[str, str] = {**PREFIXES, **kind_prefixes(DEFAULT_BASE)}


def display_term(term: Node | None) -> str:
    """A term as a person reads it: a prefixed name that pastes into SPARQL or Turtle (`kgplace:almaty`), else
    the full `<IRI>`; the lexical form for literals."""
    if term is None:
        return ""
    if isinstance(term, URIRef):
        return prefixed_name(str(term), _DISPLAY_PREFIXES) or f"<{term}>"
    if isinstance(term, BNode):
        return f"_:{term}"
    return " ".join(str(term).split())


#: widest a literal column of `--format table` gets; longer literals are cut with "…"
TABLE_TEXT_WIDTH = 60


def _table(result: Result) -> bytes:
    """Aligned columns with CURIEs and plain values (ASK: true/false; graph results: Turtle).

    IRIs are never cut, so any one can be pasted into the next `--param`; long literals are.
    """
    if result.type in _GRAPHS:
        return _graph_writer("turtle")(result)
    if result.type == "ASK":
        return (("true" if result.askAnswer else "false") + "\n").encode("utf-8")
    headers = [str(v) for v in (result.vars or [])]
    rows = [[(display_term(t), isinstance(t, URIRef | BNode)) for t in row] for row in result]  # type: ignore[union-attr]
    shown = [[len(text) if whole else min(len(text), TABLE_TEXT_WIDTH) for text, whole in r] for r in rows]
    widths = [max([len(h), *(r[i] for r in shown)]) for i, h in enumerate(headers)]

    def line(cells: Sequence[tuple[str, bool]]) -> str:
        fitted = (text if whole else _cut(text, w) for (text, whole), w in zip(cells, widths, strict=True))
        return "  ".join(c.ljust(w) for c, w in zip(fitted, widths, strict=True)).rstrip()

    out = [line([(h, True) for h in headers]), "  ".join("-" * w for w in widths)]
    out += [line(r) for r in rows]
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return ("\n".join(out) + "\n").encode("utf-8")


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _graph_writer(fmt: str) -> Callable[[Result], bytes]:
    def write(result: Result) -> bytes:
        graph = bind_prefixes(Graph(), DEFAULT_BASE)
        assert result.graph is not None
        for triple in result.graph:
            graph.add(triple)
        if fmt == "nt":
            lines = sorted(set(graph.serialize(format="nt", encoding="utf-8").decode("utf-8").splitlines()) - {""})
            return ("\n".join(lines) + "\n" if lines else "").encode("utf-8")
        if fmt == "json-ld":
            context = {p: iri for p, iri in PREFIXES.items() if any(str(t).startswith(iri) for tr in graph for t in tr)}
            return graph.serialize(format="json-ld", context=context, encoding="utf-8", sort_keys=True)
        return graph.serialize(format=fmt, encoding="utf-8")

    return write


#: output format name → renderer (SPARQL 1.1 Query Results JSON/CSV-TSV/XML; RDF for graph results)
RENDERERS: dict[str, Renderer] = {
    "table": Renderer("text/plain; charset=utf-8", _SOLUTIONS | _GRAPHS, _table, ".txt"),
    "json": Renderer("application/sparql-results+json", _SOLUTIONS, _json, ".srj"),
    "csv": Renderer("text/csv; charset=utf-8", frozenset({"SELECT"}), _csv, ".csv"),
    "tsv": Renderer("text/tab-separated-values; charset=utf-8", frozenset({"SELECT"}), _tsv, ".tsv"),
    "xml": Renderer("application/sparql-results+xml", _SOLUTIONS, _xml, ".srx"),
    "ttl": Renderer("text/turtle; charset=utf-8", _GRAPHS, _graph_writer("turtle"), ".ttl"),
    "nt": Renderer("application/n-triples", _GRAPHS, _graph_writer("nt"), ".nt"),
    "jsonld": Renderer("application/ld+json", _GRAPHS, _graph_writer("json-ld"), ".jsonld"),
}


def get_renderer(name: str) -> Renderer:
    """The renderer for a format name; an unknown one raises QueryError listing the known ones."""
    try:
        return RENDERERS[name]
    except KeyError:
        raise QueryError(f"unknown output format {name!r}", hint=f"use one of {', '.join(RENDERERS)}") from None


def render(result: Result, fmt: str) -> bytes:
    """`result` written in format `fmt`."""
    return get_renderer(fmt).render(result)


# --------------------------------------------------------------------------------------------------
# documentation


def readme_table(queries: Mapping[str, StoredQuery] | None = None) -> str:
    """The markdown table of stored queries that the README carries between its query markers."""
    queries = load_queries() if queries is None else queries
    lines = ["| query | what it answers | parameters |", "|---|---|---|"]
    for q in queries.values():
        params = ", ".join(f"`{param_signature(p)}`" for p in q.params) or "—"
        lines.append(f"| `{q.name}` | {q.summary.replace('|', '/')} | {params} |")
    return "\n".join(lines) + "\n"
