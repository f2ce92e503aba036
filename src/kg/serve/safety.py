"""Decide whether the public endpoint may run a query, by inspecting the PARSED query.

The endpoint is read-only and must never reach another host: rdflib and Oxigraph both fetch the
URL named in `SERVICE` (verified for pyoxigraph 0.5), and rdflib those in `FROM`/`FROM NAMED` and
`LOAD`. So every query is parsed with rdflib's SPARQL 1.1 grammar and translated to algebra first;
updates (which do not parse as a query), `SERVICE` anywhere in the algebra and any dataset clause
are refused.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import lru_cache

from rdflib.plugins.sparql.parser import parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue

from kg.errors import QueryError
from kg.namespaces import PREFIXES
from kg.queries import parse_query, query_form
from kg.serve.problems import QueryRefused


def _nodes(node: object) -> Iterator[CompValue]:
    if isinstance(node, CompValue):
        yield node
        for value in node.values():
            yield from _nodes(value)
    elif isinstance(node, list | tuple):
        for value in node:
            yield from _nodes(value)


def _is_update(text: str) -> bool:
    try:
        parseUpdate(text)
    except Exception:  # any parser failure means "not an update"; the query's own error is reported
        return False
    return True


def check_query(text: str, prefixes: Mapping[str, str] = PREFIXES) -> str:
    """Return the form ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE") of a query the endpoint may run.

    Raises QueryError for a syntax error (with line and column) and QueryRefused for an update,
    `SERVICE` or `FROM`/`FROM NAMED`. `prefixes` are the ones the endpoint predeclares.
    """
    try:
        parsed = parse_query(text, prefixes)
    except QueryError:
        if _is_update(text):
            raise QueryRefused(
                "SPARQL Update (INSERT, DELETE, LOAD, CLEAR, CREATE, DROP …) is refused: this endpoint is read-only"
            ) from None
        raise
    if parsed.algebra.get("datasetClause"):
        raise QueryRefused(
            "FROM / FROM NAMED are refused: the endpoint serves one default graph and never loads remote graphs",
            hint="remove the dataset clause",
        )
    if any(node.name == "ServiceGraphPattern" for node in _nodes(parsed.algebra)):
        raise QueryRefused("SERVICE is refused: this endpoint does not federate to other endpoints")
    return query_form(parsed)


@lru_cache(maxsize=256)
def check_query_cached(text: str) -> str:
    """check_query with kg's prefixes, remembered per text (stored queries repeat; parsing costs ms)."""
    return check_query(text)
