"""Decide whether the public endpoint may run a query.

The endpoint is read-only and must never reach another host: Oxigraph fetches the URL named in
`SERVICE` (pyoxigraph 0.5 cannot turn that off), rdflib too, and rdflib those in `FROM`/`FROM NAMED`
and `LOAD`. So every query is judged by the parser of each engine (kg.queries.refuse_remote_access):
rdflib's algebra, and Oxigraph's own parser over the exact text Oxigraph runs; updates (which do not
parse as a query) and empty queries are refused too.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache

from rdflib.plugins.sparql.parser import parseUpdate

from kg.errors import QueryError
from kg.namespaces import PREFIXES
from kg.queries import QueryRefused, is_blank_query, parse_query, query_form, refuse_remote_access


def _is_update(text: str) -> bool:
    try:
        parseUpdate(text)
    except Exception:  # any parser failure means "not an update"; the query's own error is reported
        return False
    return True


def check_query(text: str, prefixes: Mapping[str, str] = PREFIXES) -> str:
    """Return the form ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE") of a query the endpoint may run.

    Raises QueryError for an empty query or a syntax error (with line and column) and QueryRefused
    for an update, `SERVICE` or `FROM`/`FROM NAMED`. `prefixes` are the ones the endpoint predeclares.
    """
    if is_blank_query(text):
        raise QueryError("the query is empty", hint="send ?query=SELECT … (SPARQL 1.1 Protocol)")
    try:
        parsed = parse_query(text, prefixes)
    except QueryError:
        if _is_update(text):
            raise QueryRefused(
                "SPARQL Update (INSERT, DELETE, LOAD, CLEAR, CREATE, DROP …) is refused: this endpoint is read-only"
            ) from None
        raise
    refuse_remote_access(text, prefixes, parsed)
    return query_form(parsed)


@lru_cache(maxsize=256)
def check_query_cached(text: str) -> str:
    """check_query with kg's prefixes, remembered per text (stored queries repeat; parsing costs ms)."""
    return check_query(text)
