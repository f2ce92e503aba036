"""kg.store.read_rdf_quickly (Oxigraph's parser, rdflib's terms) gives the graph rdflib's own parser gives, or
leaves the file to rdflib's parser where the two would read it differently."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic, to_canonical_graph

from kg import store
from kg.errors import StoreError
from kg.store import published_files, read_rdf, read_rdf_quickly

XSD = "http://www.w3.org/2001/XMLSchema#"
PREFIXES = f"@prefix x: <http://example.org/> .\n@prefix xsd: <{XSD}> .\n"


def _same_graph(a: Graph, b: Graph) -> bool:
    """The same triples, blank nodes aside, each term as written (a literal's lexical form, datatype and
    language tag in its N-Triples form, so that "s" and "s"^^xsd:string or @en-US and @en-us differ)."""
    return len(a) == len(b) and _written(a) == _written(b)


def _written(graph: Graph) -> set[tuple[str, ...]]:
    return {tuple(term.n3() for term in triple) for triple in to_canonical_graph(graph)}


def _both(path: Path) -> tuple[Graph, Graph]:
    return read_rdf([path]), read_rdf_quickly([path])


def test_the_published_build_is_read_by_oxigraphs_parser_into_the_same_graph(
    built_dist: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = published_files(built_dist)
    expected = read_rdf(files)
    monkeypatch.setattr(store, "read_rdf", _refuse)  # none of kg's own dumps needs rdflib's parser
    quick = read_rdf_quickly(files)
    assert isomorphic(quick, expected) and _same_graph(quick, expected)


def _refuse(paths: object, into: object = None) -> Graph:
    raise AssertionError(f"read_rdf_quickly left {paths} to rdflib's parser")


@pytest.mark.parametrize(
    ("name", "text", "quick"),
    [
        (
            "numbers and booleans",
            'x:a x:b 5, -5, +5, 1.0, 1.50, 1e3, 1.0E-3, true, "t"^^xsd:boolean, "01"^^xsd:integer .',
            True,
        ),
        ("integer subtypes", 'x:a x:b "18"^^xsd:nonNegativeInteger, "007"^^xsd:positiveInteger, "3"^^xsd:int .', True),
        (
            "dates",
            'x:a x:b "2022-01-01"^^xsd:date, "2022-01"^^xsd:gYearMonth, "2022"^^xsd:gYear, "P1D"^^xsd:duration .',
            True,
        ),
        ("strings", 'x:a x:b "tab\\there\\u00e9", \'\'\'long\none\'\'\', "ends in g", "en"@en, "x"^^x:string2 .', True),
        ("blank nodes and lists", "x:a x:c _:b0 . _:b0 x:d ( 1 2 ) . x:a x:e [ x:f _:b0 ] .", True),
        ("a capital in a language tag", 'x:a x:b "hi"@en-US .', False),
        ("a capital in a language tag after a space", 'x:a x:b "hi" @en-US .', False),
        ("a capital in a language tag after a comment", 'x:a x:b "hi" # note\n  @en-US .', False),
        ("xsd:string written out", 'x:a x:b "s"^^xsd:string, "t" .', False),
        ("xsd:string as an IRI", f'x:a x:b "s"^^<{XSD}string> .', False),
        ("xsd:string split over a prefix", f'@prefix s: <{XSD}str> . x:a x:b "s"^^s:ing .', False),
        ("a relative IRI", "<rel> x:b x:c .", False),
        ("a base", "@base <http://example.org/base/> . <rel> x:b x:c .", False),
    ],
)
def test_each_reader_gives_rdflibs_graph(tmp_path: Path, name: str, text: str, quick: bool) -> None:
    """The same graph, or the same error where rdflib's parser refuses the file (a space before a language
    tag is valid Turtle that rdflib refuses; with a capital in the tag the file is left to rdflib)."""
    path = tmp_path / "case.ttl"
    path.write_text(PREFIXES + text + "\n", encoding="utf-8")
    assert _outcome(read_rdf_quickly, path) == _outcome(read_rdf, path), name
    assert (store._quick_triples(path) is not None) == quick, name


def _outcome(read: Callable[[list[Path]], Graph], path: Path) -> tuple[str, object]:
    try:
        graph = read([path])
    except StoreError as exc:
        return "error", str(exc)
    return "graph", (len(graph), _written(graph))


def test_a_syntax_error_reads_as_rdflibs(tmp_path: Path) -> None:
    path = tmp_path / "bad.ttl"
    path.write_text(PREFIXES + "x:a x:b .\n", encoding="utf-8")
    with pytest.raises(StoreError) as slow:
        read_rdf([path])
    with pytest.raises(StoreError) as quick:
        read_rdf_quickly([path])
    assert str(quick.value) == str(slow.value) and quick.value.line == slow.value.line == 3


def test_a_missing_file_is_the_same_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="file not found"):
        read_rdf_quickly([tmp_path / "missing.ttl"])


_DATATYPES = [
    None,
    f"{XSD}string",
    f"{XSD}integer",
    f"{XSD}nonNegativeInteger",
    f"{XSD}decimal",
    f"{XSD}double",
    f"{XSD}boolean",
    f"{XSD}date",
    "http://example.org/kind",
]
_literals = st.one_of(
    st.builds(
        lambda text, datatype: Literal(text, datatype=datatype),
        st.text(st.characters(exclude_categories=("Cs",)), max_size=12)
        | st.sampled_from(["0", "01", "+5", "-0", "1.50", "1e3", "true", "1", "2022-01-01", "2022-13-01"]),
        st.sampled_from(_DATATYPES),
    ),
    st.builds(
        lambda text, lang: Literal(text, lang=lang),
        st.text(max_size=8),
        st.sampled_from(["en", "id", "en-US", "zh-Hans", "kk"]),
    ),
)


@pytest.mark.filterwarnings("ignore::UserWarning")  # rdflib warns of the lexical forms its converters reject
@settings(max_examples=60, deadline=None)
@given(values=st.lists(_literals, min_size=1, max_size=6), fmt=st.sampled_from(["turtle", "nt"]))
def test_any_literal_reads_back_as_rdflib_reads_it(
    tmp_path_factory: pytest.TempPathFactory, values: list[Literal], fmt: str
) -> None:
    """rdflib writes the literals (Turtle or N-Triples); both readers read the file back to the same terms."""
    source = Graph()
    for i, value in enumerate(values):
        source.add((URIRef(f"http://example.org/s{i}"), URIRef("http://example.org/p"), value))
    path = tmp_path_factory.mktemp("lit") / ("data.ttl" if fmt == "turtle" else "data.nt")
    path.write_bytes(source.serialize(format=fmt, encoding="utf-8"))
    expected, got = _both(path)
    assert _same_graph(got, expected)
