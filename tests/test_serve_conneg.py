"""The Accept parser and negotiation (RFC 9110 §12.5.1), the query safety check, the GSP graph split."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kg.errors import QueryError
from kg.serve.conneg import MediaRange, Offer, negotiate, parse_accept, quality
from kg.serve.problems import QueryRefused
from kg.serve.safety import check_query

JSON = Offer("application/sparql-results+json", "json", ("application/json",))
XML = Offer("application/sparql-results+xml", "xml")
CSV = Offer("text/csv; charset=utf-8", "csv")
HTML = Offer("text/html", "html")
OFFERS = (JSON, XML, CSV, HTML)


def test_parse_accept_reads_types_params_and_q() -> None:
    ranges = parse_accept("text/html;level=1;q=0.5, application/*; q=0.2, */*;q=0, bogus, text/plain;q=x")
    assert ranges == [
        MediaRange("text", "html", (("level", "1"),), 0.5),
        MediaRange("application", "*", (), 0.2),
        MediaRange("*", "*", (), 0.0),
    ]


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, "json"),  # no header: the server's first choice
        ("", "json"),
        ("*/*", "json"),
        ("text/csv", "csv"),
        ("text/csv;q=0.5, application/sparql-results+xml", "xml"),
        ("application/json", "json"),  # alias
        ("text/*;q=0.9, application/sparql-results+json;q=0.1", "csv"),  # text/csv comes before text/html
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "html"),  # a browser
        ("*/*;q=0.1, text/csv;q=0", "json"),  # q=0 excludes csv even though */* matches it
        ("text/csv;charset=utf-8", "csv"),  # a parameter the offer has
        ("image/png", None),
        ("text/csv;q=0, application/*;q=0, text/*", "html"),
    ],
)
def test_negotiate_picks_the_best_offer(accept: str | None, expected: str | None) -> None:
    offer = negotiate(accept, OFFERS)
    assert (offer.key if offer else None) == expected


def test_most_specific_range_sets_the_quality() -> None:
    ranges = parse_accept("text/*;q=0.3, text/html;q=0.7, text/html;level=1;q=1, */*;q=0.5")
    assert quality(ranges, "text/html;level=1") == 1.0
    assert quality(ranges, "text/html") == 0.7
    assert quality(ranges, "text/plain") == 0.3
    assert quality(ranges, "image/jpeg") == 0.5


_token = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789+-.", min_size=1, max_size=8)


@given(st.text(max_size=80))
def test_parser_never_fails_on_any_header(header: str) -> None:
    for media_range in parse_accept(header):
        assert 0.0 <= media_range.q <= 1.0
    negotiate(header, OFFERS)


@given(st.lists(st.tuples(_token, _token, st.integers(0, 1000)), min_size=1, max_size=5))
def test_chosen_offer_has_the_highest_quality(elements: list[tuple[str, str, int]]) -> None:
    header = ", ".join(f"{t}/{s};q={q / 1000:.3f}" for t, s, q in elements)
    offers = [Offer(f"{t}/{s}", f"{t}/{s}") for t, s, _ in elements] + list(OFFERS)
    chosen = negotiate(header, offers)
    ranges = parse_accept(header)
    best = max(quality(ranges, o.media_type) for o in offers)
    if best == 0:
        assert chosen is None
    else:
        assert chosen is not None and quality(ranges, chosen.media_type) == best


# --------------------------------------------------------------------------------------------------
# the safety check works on the parsed query, so tricks in comments and strings do not fool it


@pytest.mark.parametrize(
    ("query", "form"),
    [
        ("SELECT * WHERE { ?s ?p ?o }", "SELECT"),
        ("ASK { ?s a kgo:Summit }", "ASK"),  # kg prefixes are predeclared
        ("CONSTRUCT WHERE { ?s a kgo:Summit }", "CONSTRUCT"),
        ("DESCRIBE <https://w3id.org/conflict-kg/id/place/almaty>", "DESCRIBE"),
        ('SELECT * WHERE { ?s ?p "SERVICE <http://x/> FROM" } # LOAD <http://x/>', "SELECT"),
    ],
)
def test_allowed_queries(query: str, form: str) -> None:
    assert check_query(query) == form


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ("SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }", "SERVICE"),
        ("SELECT * WHERE { OPTIONAL { SERVICE SILENT ?endpoint { ?s ?p ?o } } }", "SERVICE"),
        ("SELECT * WHERE { { SELECT ?s WHERE { SERVICE <http://x/> { ?s ?p ?o } } } }", "SERVICE"),
        ("SELECT * FROM <http://example.org/g> WHERE { ?s ?p ?o }", "FROM"),
        ("SELECT * FROM NAMED <http://example.org/g> WHERE { GRAPH ?g { ?s ?p ?o } }", "FROM"),
        ("CONSTRUCT { ?s ?p ?o } FROM <http://example.org/g> WHERE { ?s ?p ?o }", "FROM"),
        ("LOAD <http://example.org/data.ttl>", "Update"),
        ("INSERT DATA { <urn:a> <urn:b> <urn:c> }", "Update"),
        ("DELETE WHERE { ?s ?p ?o }", "Update"),
        ("DROP ALL", "Update"),
    ],
)
def test_refused_queries(query: str, words: str) -> None:
    with pytest.raises(QueryRefused, match=words):
        check_query(query)


def test_syntax_error_has_line_and_column() -> None:
    with pytest.raises(QueryError, match="line 2, column") as info:
        check_query("SELECT * WHERE {\n  ?s ?p }")
    assert not isinstance(info.value, QueryRefused)
