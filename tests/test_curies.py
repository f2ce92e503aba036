"""CURIEs that paste: every prefixed name kg prints reads the same in rdflib and Oxigraph; warnings for
parameters that are legal but can match nothing."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import given
from hypothesis import strategies as st
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import XSD

from kg import queries
from kg.iris import KINDS, mint
from kg.namespaces import DEFAULT_BASE, kind_prefixes, sparql_prologue

KEY = st.from_regex(r"[a-z0-9]+(-[a-z0-9]+){0,3}", fullmatch=True)


def _read_back(name: str) -> tuple[str, str]:
    """The IRI that `name` stands for, as rdflib and as Oxigraph read it in a query with kg's prologue."""
    text = sparql_prologue(DEFAULT_BASE) + f"SELECT ?x WHERE {{ BIND({name} AS ?x) }}"
    by_rdflib = next(iter(Graph().query(text)))[0]  # type: ignore[index]
    by_oxigraph = next(iter(ox.Store().query(text)))["x"]  # type: ignore[index]
    assert isinstance(by_oxigraph, ox.NamedNode)
    return str(by_rdflib), by_oxigraph.value


@given(kind=st.sampled_from(KINDS), keys=st.lists(KEY, min_size=1, max_size=3))
def test_what_the_table_prints_pastes_into_sparql(kind: str, keys: list[str]) -> None:
    """A registry IRI prints as `kg<kind>:<key>`, an article-scoped one as `<IRI>`; both engines read back the IRI."""
    iri = mint(DEFAULT_BASE, kind, *keys)
    shown = queries.display_term(iri)
    assert shown == (f"kg{kind}:{keys[0]}" if len(keys) == 1 else f"<{iri}>")
    assert _read_back(shown) == (str(iri), str(iri))


def test_vocabulary_names_paste_too() -> None:
    for iri in ("https://w3id.org/conflict-kg/vocab/cameo/145", "https://w3id.org/conflict-kg/ontology#Event"):
        shown = queries.display_term(URIRef(iri))
        assert not shown.startswith("<")
        assert _read_back(shown) == (iri, iri)


def test_a_local_name_that_needs_escapes_is_written_in_full() -> None:
    for tail in ("a/b", "a.", "-a", "a b", "a%20b", "a,b", ""):
        iri = URIRef(kind_prefixes()["kgplace"] + tail)
        assert queries.display_term(iri) == f"<{iri}>"


def test_the_old_kg_curies_still_bind() -> None:
    """`kg:place/almaty` (what kg printed before) and `kgplace:almaty` bind to the same IRI."""
    query = queries.get_query("events-in-place")
    old = queries.bind_params(query, {"place": "kg:place/almaty"})
    new = queries.bind_params(query, {"place": "kgplace:almaty"})
    assert old == new == {"_place_iri": URIRef(DEFAULT_BASE + "id/place/almaty"), "__lang": Literal("en")}


def test_an_undeclared_prefix_is_a_warning_with_a_suggestion() -> None:
    query = queries.get_query("events-in-place")
    for value, close in (("kgplac:almaty", "did you mean 'kgplace'?"), ("nowhere:almaty", "use a kg prefix")):
        values = {"place": value}
        (warning,) = queries.param_warnings(query, values, queries.bind_params(query, values))
        assert warning.startswith(f"place: the prefix '{value.split(':')[0]}:' of {value!r} is not declared"), warning
        assert close in warning
    for fine in ("kgplace:almaty", "kg:place/almaty", "https://example.org/x", "urn:x:y", "<nowhere:almaty>"):
        values = {"place": fine}
        assert queries.param_warnings(query, values, queries.bind_params(query, values)) == []


@pytest.mark.parametrize(
    ("start", "end", "warned"), [("2022-02-01", "2022-01-01", True), ("2022-01-01", "2022-01-01", False)]
)
def test_from_later_than_to_is_a_warning(start: str, end: str, warned: bool) -> None:
    query = queries.get_query("timeline")
    values = {"from": start, "to": end}
    bindings = queries.bind_params(query, values)
    assert bindings["_from_xsd_date"] == Literal(start, datatype=XSD.date)
    warnings = queries.param_warnings(query, values, bindings)
    assert warnings == (
        [f"from {start} is later than to {end}: no period lies between them, so no rows match"] if warned else []
    )


def test_cli_prints_the_warnings_on_stderr(built_dist: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from kg.cli import main

    argv = ["query", "timeline", "-p", "from=2022-02-01", "-p", "to=2022-01-01", "--dist", str(built_dist)]
    assert main(argv) == 0
    out, err = capsys.readouterr()
    assert out.endswith("(0 rows)\n")
    warning = "from 2022-02-01 is later than to 2022-01-01: no period lies between them, so no rows match"
    assert err == f"kg query: warning: {warning}\n"
