"""rdflib's parsed and translated SPARQL queries kept as JSON data, so that `kg query` skips rdflib's parser.

Parsing and translating a stored query with rdflib's pyparsing grammar costs ~0.15 s, most of what a
`kg query … --format json` spends beyond loading the data. The translated query (a tree of rdflib's
CompValue nodes, terms, property paths, lists and sets) is written here as JSON, keyed by the query text,
its implicit prefixes, rdflib's version and this module's code, and read back the next time instead of
parsing. The cache holds data, never code: each node is one of a closed set of kinds, and the operator a
node evaluates with is named and looked up only among the functions of rdflib's SPARQL operators module.
A query whose tree holds anything else is simply not cached. A cache file that does not read back is
parsed anew and rewritten (with a warning); one that cannot be written is skipped (with a warning).
tests/test_queries.py holds every stored query, in every format, to the bytes of a fresh parse.
"""

from __future__ import annotations

import hashlib
import json
from collections import OrderedDict
from collections.abc import Callable, Mapping
from pathlib import Path
from types import MethodType
from typing import TYPE_CHECKING, Any

from rdflib import BNode, Literal, URIRef, Variable

from kg.errors import KGError

if TYPE_CHECKING:
    from rdflib.plugins.sparql.sparql import Query

#: bump when the JSON written here changes
LAYOUT = 1
#: a cache file larger than this is not read (the seed's largest query is ~60 kB)
MAX_CACHE_BYTES = 4 * 1024 * 1024
#: cache files kept; the oldest are removed beyond this
MAX_CACHED_QUERIES = 200
#: rdflib's property path classes that may stand in a translated query (rdflib.paths)
_PATHS = ("InvPath", "SequencePath", "AlternativePath", "MulPath", "NegatedPath")


class NotCacheable(Exception):
    """A translated query holds a value the JSON form does not cover; it is run without caching."""


def query_key(text: str, prefixes: Mapping[str, str] | None) -> str:
    """SHA-256 of what the translated query depends on: the text, the implicit prefixes, rdflib, this code."""
    import rdflib

    digest = hashlib.sha256(f"kg-query-cache {LAYOUT} rdflib {rdflib.__version__}\n".encode())
    digest.update(Path(__file__).read_bytes())
    digest.update(json.dumps([text, sorted((prefixes or {}).items())]).encode("utf-8"))
    return digest.hexdigest()


def parsed_query(
    text: str,
    prefixes: Mapping[str, str] | None,
    folder: Path | None,
    parse: Callable[[], Query],
) -> tuple[Query, str | None]:
    """The translated query of `text`, read from `folder` when it holds it, else from `parse()` (and cached
    there); with a warning when a cache file was unreadable or could not be written."""
    if folder is None:
        return parse(), None
    key = query_key(text, prefixes)
    cached = folder / f"query-{key}.json"
    warning = None
    try:
        size = cached.stat().st_size
    except OSError:
        size = None
    if size is not None:
        try:
            if size > MAX_CACHE_BYTES:
                raise ValueError("too large")
            return decode_query(json.loads(cached.read_bytes()), key), None
        except (OSError, RecursionError, KeyError, TypeError, ValueError, AttributeError, IndexError):
            warning = f"{cached}: not a kg query cache; ignored and rebuilt"
    parsed = parse()
    try:
        # ASCII with \u escapes: a lone surrogate ("\\uD800" in the query) has no UTF-8 but reads back from JSON
        data = json.dumps(encode_query(parsed, key), separators=(",", ":")).encode("ascii")
    except (NotCacheable, RecursionError):
        return parsed, warning
    from kg.atomic import write_file_unsynced

    try:
        write_file_unsynced(cached, data)
        _prune(folder)
    except KGError as exc:
        warning = f"cannot write the query cache: {exc}"
    return parsed, warning


def _prune(folder: Path) -> None:
    """Remove all but the MAX_CACHED_QUERIES newest cache files (another process may remove them too)."""
    files = list(folder.glob("query-*.json"))
    if len(files) <= MAX_CACHED_QUERIES:
        return

    def age(f: Path) -> int:
        try:
            return f.stat().st_mtime_ns
        except OSError:
            return 0

    for old in sorted(files, key=age)[:-MAX_CACHED_QUERIES]:
        old.unlink(missing_ok=True)


# --------------------------------------------------------------------------------------------------
# the JSON form: every value is a JSON string, true/false/null, an integer, or a list whose first item
# names its kind


def encode_query(parsed: Query, key: str) -> dict[str, Any]:
    """The JSON form of a translated query; NotCacheable if it holds a value this form does not cover."""
    prologue = parsed.prologue
    args = getattr(parsed, "_original_args", None)
    return {
        "layout": LAYOUT,
        "key": key,
        "base": prologue.base,
        "namespaces": [[str(p), str(ns)] for p, ns in prologue.namespace_manager.namespaces()],
        "original_args": _encode(list(args)) if args is not None else None,
        "algebra": _encode(parsed.algebra),
    }


def decode_query(doc: Any, key: str) -> Query:
    """The translated query of a JSON form written for `key`; KeyError, TypeError or ValueError if it is not one."""
    from rdflib.plugins.sparql.sparql import Prologue, Query

    if doc["layout"] != LAYOUT or doc["key"] != key:
        raise ValueError("another layout or query")
    prologue = Prologue()
    base = doc["base"]
    if base is not None and not isinstance(base, str):
        raise TypeError("base")
    prologue.base = base
    for prefix, namespace in doc["namespaces"]:
        prologue.bind(_str(prefix), URIRef(_str(namespace)))
    query = Query(prologue, _decode(doc["algebra"]))
    if doc["original_args"] is not None:
        query._original_args = tuple(_decode(doc["original_args"]))
    return query


def _str(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected a string, found {type(value).__name__}")
    return value


def _operators() -> Any:
    from rdflib.plugins.sparql import operators

    return operators


#: the operators rdflib's parser binds to an expression node (`setEvalFn` in rdflib.plugins.sparql.parser)
#: besides its `Builtin_` functions: nothing else of the operators module is ever an `_evalfn`
_EXPRESSION_OPERATORS = frozenset(
    {
        "AdditiveExpression",
        "ConditionalAndExpression",
        "ConditionalOrExpression",
        "Function",
        "MultiplicativeExpression",
        "RelationalExpression",
        "UnaryMinus",
        "UnaryNot",
        "UnaryPlus",
    }
)


def _is_operator_name(name: str) -> bool:
    return name.startswith("Builtin_") or name in _EXPRESSION_OPERATORS


def _encode(value: Any) -> Any:
    from rdflib.paths import Path as RdfPath
    from rdflib.plugins.sparql.parserutils import CompValue, Expr

    if value is None or isinstance(value, bool) or type(value) is str:
        return value
    if type(value) is int:
        return value
    if type(value) is Variable:
        return ["var", str(value)]
    if type(value) is URIRef:
        return ["iri", str(value)]
    if type(value) is BNode:
        return ["bnode", str(value)]
    if type(value) is Literal:
        datatype = None if value.datatype is None else str(value.datatype)
        return ["literal", str(value), datatype, value.language]
    if type(value) in (list, tuple, set, frozenset):
        return [type(value).__name__, *(_encode(v) for v in value)]
    if type(value) in (dict, OrderedDict):
        return ["dict", *([_encode(k), _encode(v)] for k, v in value.items())]
    if type(value) in (CompValue, Expr):
        return _encode_comp(value)
    if isinstance(value, RdfPath) and type(value).__name__ in _PATHS and type(value).__module__ == "rdflib.paths":
        return ["path", type(value).__name__, *([k, _encode(v)] for k, v in vars(value).items())]
    raise NotCacheable(type(value).__name__)


def _encode_comp(node: Any) -> list[Any]:
    from rdflib.plugins.sparql.parserutils import Expr

    operators = _operators()
    if node is operators.TrueFilter:
        return ["truefilter"]
    attrs = dict(vars(node))
    name = attrs.pop("name")
    function = None
    if type(node) is Expr:
        bound = attrs.pop("_evalfn")
        if bound is not None:
            if not isinstance(bound, MethodType) or bound.__self__ is not node:
                raise NotCacheable("an operator not bound to its node")
            function = bound.__func__.__name__
            if not _is_operator_name(function) or getattr(operators, function, None) is not bound.__func__:
                raise NotCacheable(f"operator {function} is not one of rdflib's")
    for key in node:
        if type(key) is not str:
            raise NotCacheable("a node key that is not a string")
    return [
        "expr" if type(node) is Expr else "comp",
        _str(name),
        function,
        [[k, _encode(dict.__getitem__(node, k))] for k in node],
        [[k, _encode(v)] for k, v in attrs.items()],
    ]


def _decode(value: Any) -> Any:
    if value is None or isinstance(value, bool | str | int):
        return value
    if not isinstance(value, list) or not value:
        raise TypeError(f"not a cached value: {type(value).__name__}")
    kind, rest = value[0], value[1:]
    decode = _DECODERS.get(kind) if isinstance(kind, str) else None
    if decode is None:
        raise ValueError(f"unknown kind {kind!r}")
    return decode(rest)


def _decode_literal(rest: list[Any]) -> Literal:
    lexical, datatype, language = rest
    if language is not None:
        return Literal(_str(lexical), lang=_str(language))
    return Literal(_str(lexical), datatype=None if datatype is None else URIRef(_str(datatype)))


def _decode_dict(rest: list[Any]) -> dict[Any, Any]:
    return {_decode(k): _decode(v) for k, v in rest}


def _decode_comp(expr: bool, rest: list[Any]) -> Any:
    from rdflib.plugins.sparql.parserutils import CompValue, Expr

    name, function, items, attrs = rest
    node = (Expr if expr else CompValue).__new__(Expr if expr else CompValue)
    OrderedDict.__init__(node)
    node.name = _str(name)
    if expr:
        if function is None:
            node._evalfn = None
        else:
            found = getattr(_operators(), _str(function), None) if _is_operator_name(_str(function)) else None
            if not callable(found) or getattr(found, "__module__", None) != _operators().__name__:
                raise ValueError(f"{function!r} is not one of rdflib's SPARQL operators")
            node._evalfn = MethodType(found, node)
    elif function is not None:
        raise ValueError("an operator on a node that takes none")
    for key, item in items:
        OrderedDict.__setitem__(node, _str(key), _decode(item))
    for attr, item in attrs:
        if _str(attr) == "name" or attr.startswith("_"):
            raise ValueError(f"attribute {attr!r}")
        setattr(node, attr, _decode(item))
    return node


def _decode_path(rest: list[Any]) -> Any:
    from rdflib import paths

    name, *attrs = rest
    if name not in _PATHS:
        raise ValueError(f"unknown path kind {name!r}")
    cls = getattr(paths, name)
    path = cls.__new__(cls)
    for attr, item in attrs:
        if _str(attr).startswith("_"):
            raise ValueError(f"attribute {attr!r}")
        setattr(path, attr, _decode(item))
    return path


#: kind → the function that rebuilds a value of that kind from the rest of its list
_DECODERS: dict[str, Callable[[list[Any]], Any]] = {
    "var": lambda rest: Variable(_str(rest[0])),
    "iri": lambda rest: URIRef(_str(rest[0])),
    "bnode": lambda rest: BNode(_str(rest[0])),
    "literal": _decode_literal,
    "list": lambda rest: [_decode(v) for v in rest],
    "tuple": lambda rest: tuple(_decode(v) for v in rest),
    "set": lambda rest: {_decode(v) for v in rest},
    "frozenset": lambda rest: frozenset(_decode(v) for v in rest),
    "dict": _decode_dict,
    "comp": lambda rest: _decode_comp(False, rest),
    "expr": lambda rest: _decode_comp(True, rest),
    "truefilter": lambda rest: _operators().TrueFilter,
    "path": _decode_path,
}
