"""Stored SPARQL queries: every query against expected rows, the same rows on a real Oxigraph server,
safe parameter binding (injection, property tests), output formats, the CLI and the README table."""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import json
import logging
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import Graph, Literal, URIRef, Variable
from rdflib.namespace import XSD
from rdflib.query import Result

from kg import paths, queries, query_cache
from kg.cli import main
from kg.cli import query as cli_query
from kg.errors import QueryError
from kg.store import open_graph, published_files
from servers import oxigraph_load, oxigraph_server

CASES_DIR = Path(__file__).parent / "cases" / "queries"
README = paths.PROJECT_ROOT / "README.md"
KG = "https://w3id.org/conflict-kg/id/"
SUMMIT = KG + "event/csto-kazakhstan-2022-01-10/csto-summit"
MALICIOUS = 'x" } ; DROP ALL #'
#: rows of meeting-participants for the summit: Armenia in the chair, seven attendees, Tokayev also as speaker
SUMMIT_ROWS = 9


def load_cases() -> list[tuple[str, int, dict[str, Any]]]:
    """(query name, case number, case) for every case in tests/cases/queries/*.json."""
    out = []
    for path in sorted(CASES_DIR.glob("*.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        assert doc["query"] == path.stem, f"{path.name} names query {doc['query']!r}"
        out += [(path.stem, i, case) for i, case in enumerate(doc["cases"])]
    return out


CASES = load_cases()


@pytest.fixture(scope="module")
def stored() -> dict[str, queries.StoredQuery]:
    return queries.load_queries()


GraphFor = Callable[[tuple[str, ...]], Graph]


@pytest.fixture(scope="module")
def graphs(built_dist: Path) -> GraphFor:
    """The published build plus a case's extra data files, each combination loaded once."""
    cache: dict[tuple[str, ...], Graph] = {}

    def graph_for(extra: tuple[str, ...]) -> Graph:
        if extra not in cache:
            cache[extra] = open_graph(published_files(built_dist) + [CASES_DIR / e for e in extra])
        return cache[extra]

    return graph_for


RunCase = Callable[[str, int], Result]


@pytest.fixture(scope="module")
def run_case(stored: dict[str, queries.StoredQuery], graphs: GraphFor) -> RunCase:
    """The local result of one expectation case, computed once and shared by the tests that need it."""
    cache: dict[tuple[str, int], Result] = {}
    by_key = {(name, number): case for name, number, case in CASES}

    def run(name: str, number: int) -> Result:
        if (name, number) not in cache:
            case, query = by_key[name, number], stored[name]
            graph = graphs(tuple(case.get("data", ())))
            cache[name, number] = queries.run_query(graph, query.text, queries.bind_params(query, case["params"]))
        return cache[name, number]

    return run


def _rows(result: Result, columns: list[str]) -> list[list[str]]:
    names = [str(v) for v in result.vars or []]
    missing = set(columns) - set(names)
    assert not missing, f"the query has no column {sorted(missing)}; it has {names}"
    return [[queries.display_term(row[names.index(c)]) for c in columns] for row in result]  # type: ignore[index]


def _triples(result: Result) -> list[list[str]]:
    assert result.graph is not None
    return sorted([queries.display_term(t) for t in triple] for triple in result.graph)


def _terms(result: Result) -> Any:
    """A comparable form of any result: solutions as tuples of terms, graphs as sorted triples."""
    if result.type in ("CONSTRUCT", "DESCRIBE"):
        assert result.graph is not None
        return sorted(result.graph)
    if result.type == "ASK":
        return result.askAnswer
    return [tuple(row) for row in result]  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------------------
# every stored query against its expected rows


@pytest.mark.parametrize(("name", "number", "case"), CASES, ids=[f"{n}-{i}" for n, i, _ in CASES])
def test_stored_query_gives_expected_rows(
    name: str,
    number: int,
    case: dict[str, Any],
    stored: dict[str, queries.StoredQuery],
    graphs: GraphFor,
    run_case: RunCase,
) -> None:
    query = stored[name]
    graph = graphs(tuple(case.get("data", ())))
    bindings = queries.bind_params(query, case["params"])
    result = run_case(name, number)
    if "triples" in case:
        assert _triples(result) == case["triples"]
    else:
        assert _rows(result, case["columns"]) == case["rows"], case["description"]
    # the VALUES block sent to remote endpoints must mean exactly what initBindings mean locally
    injected = queries.run_query(graph, queries.inject_values(query.text, bindings))
    assert _terms(injected) == _terms(result)


@pytest.fixture(scope="module")
def oxigraph_graphs(built_dist: Path) -> GraphFor:
    """Like `graphs`, on the Oxigraph backend (pyoxigraph through oxrdflib)."""
    cache: dict[tuple[str, ...], Graph] = {}

    def graph_for(extra: tuple[str, ...]) -> Graph:
        if extra not in cache:
            files = published_files(built_dist) + [CASES_DIR / e for e in extra]
            cache[extra] = open_graph(files, backend="oxigraph")
        return cache[extra]

    return graph_for


def test_oxigraph_backend_gives_expected_rows(
    stored: dict[str, queries.StoredQuery], oxigraph_graphs: GraphFor
) -> None:
    """run_query on an Oxigraph-backed graph takes Oxigraph's native engine; the rows are the same."""
    for name, number, case in CASES:
        query = stored[name]
        graph = oxigraph_graphs(tuple(case.get("data", ())))
        result = queries.run_query(graph, query.text, queries.bind_params(query, case["params"]))
        if "triples" in case:
            assert _triples(result) == case["triples"], f"{name} case {number}"
        else:
            assert _rows(result, case["columns"]) == case["rows"], f"{name} case {number}"


def test_formats_answered_by_oxigraph_are_byte_identical_to_rdflibs(
    stored: dict[str, queries.StoredQuery], built_dist: Path, run_case: RunCase
) -> None:
    """`kg query` answers the formats in cli_query.OXIGRAPH_FORMATS (values without datatypes) with Oxigraph
    directly: on every case of every stored query they give the bytes rdflib's engine gives. (The other result
    formats, and the Turtle of a graph result, show datatypes, which Oxigraph does not keep: it stores an
    xsd:nonNegativeInteger as xsd:integer.)"""
    compared = set()
    for name, number, case in CASES:
        query = stored[name]
        files = published_files(built_dist) + [CASES_DIR / e for e in case.get("data", ())]
        direct = queries.run_on_files(files, query.text, queries.bind_params(query, case["params"]))
        for fmt in cli_query.OXIGRAPH_FORMATS:
            if query.form in ("SELECT", "ASK") and query.form in queries.RENDERERS[fmt].forms:
                expected = queries.render(run_case(name, number), fmt)
                assert queries.render(direct, fmt) == expected, f"{name} case {number} --format {fmt}"
                compared.add((name, fmt))
    assert {n for n, f in compared if f == "csv"} == {n for n, q in stored.items() if q.form == "SELECT"}


#: the formats whose solutions show datatypes: `kg query` answers them with rdflib's engine
TYPED_FORMATS = tuple(f for f in ("json", "xml", "tsv") if f not in cli_query.OXIGRAPH_FORMATS)


def test_typed_formats_are_the_bytes_rdflibs_own_parser_gives(
    stored: dict[str, queries.StoredQuery], built_dist: Path, run_case: RunCase
) -> None:
    """`kg query` reads dist/ with Oxigraph's parser into rdflib's graph (kg.store.read_rdf_quickly); on the first
    case of every stored query, json, xml and tsv are byte for byte what the graph of rdflib's parser gives."""
    from kg.store import read_rdf

    slow: dict[tuple[str, ...], Graph] = {}
    compared = set()
    for name, number, case in CASES:
        query = stored[name]
        if query.form not in ("SELECT", "ASK") or name in compared:
            continue
        extra = tuple(case.get("data", ()))
        if extra not in slow:
            slow[extra] = read_rdf(published_files(built_dist) + [CASES_DIR / e for e in extra])
        expected = queries.run_query(slow[extra], query.text, queries.bind_params(query, case["params"]))
        for fmt in TYPED_FORMATS:
            if query.form in queries.RENDERERS[fmt].forms:
                got = queries.render(run_case(name, number), fmt)
                assert got == queries.render(expected, fmt), f"{name} case {number} --format {fmt}"
                compared.add(name)
    assert compared == {n for n, q in stored.items() if q.form in ("SELECT", "ASK")}


@pytest.mark.parametrize("fmt", ["json", "xml", "tsv"])
def test_a_non_negative_integer_keeps_its_datatype(
    capsys: pytest.CaptureFixture[str], built_dist: Path, fmt: str
) -> None:
    """The seed's article is 4,026 characters long (its text file), and kg:characterCount is typed
    xsd:nonNegativeInteger: json, xml and tsv show that type (Oxigraph would answer xsd:integer)."""
    article = paths.DATA_DIR / "articles" / "csto-kazakhstan-2022-01-10" / "article.id.txt"
    length = len(article.read_text(encoding="utf-8"))
    document = KG + "document/csto-kazakhstan-2022-01-10"
    adhoc = f"SELECT ?n WHERE {{ <{document}> kgo:characterCount ?n }}"
    code, out, err = _cli(capsys, "query", "--sparql", adhoc, "--dist", str(built_dist), "--format", fmt)
    assert code == 0, err
    nni = str(XSD.nonNegativeInteger)
    if fmt == "json":
        assert json.loads(out)["results"]["bindings"] == [
            {"n": {"type": "literal", "value": str(length), "datatype": nni}}
        ]
    elif fmt == "xml":
        assert f'<literal datatype="{nni}">{length}</literal>' in out
    else:
        assert out.splitlines() == ["?n", f'"{length}"^^<{nni}>']


def test_xml_results_leave_unbound_variables_out(stored: dict[str, queries.StoredQuery], run_case: RunCase) -> None:
    """Every case of every stored SELECT query in SPARQL XML: one <result> per row, a <binding> for each bound
    variable only (an OPTIONAL that matched nothing used to stop the writer: exit 70)."""
    import xml.etree.ElementTree as ET

    ns = "{http://www.w3.org/2005/sparql-results#}"
    unbound = 0
    for name, number, _ in CASES:
        if stored[name].form != "SELECT":
            continue
        result = run_case(name, number)
        root = ET.fromstring(queries.render(result, "xml"))
        rows = root.findall(f"{ns}results/{ns}result")
        expected = [sorted(str(v) for v in row.asdict()) for row in result]  # type: ignore[union-attr]
        assert [sorted(b.get("name", "") for b in r.findall(f"{ns}binding")) for r in rows] == expected, name
        unbound += sum(len(result.vars or []) - len(names) for names in expected)
    assert unbound > 0  # some case has an unbound variable


#: a value for each required parameter of the queries that take a language
LANG_SAMPLES = {
    "actor": KG + "person/kassym-jomart-tokayev",
    "meeting": SUMMIT,
    "place": KG + "place/kazakhstan",
    "fact": KG + "participation/csto-kazakhstan-2022-01-10/csto-summit/attendee/vladimir-putin",
    "event": KG + "event/kazakhstan-unrest-2022",
    "from": "2022-01-01",
    "to": "2022-12-31",
}


def test_labels_in_the_requested_language_on_every_engine(
    stored: dict[str, queries.StoredQuery], graphs: GraphFor, oxigraph_graphs: GraphFor
) -> None:
    """`lang=id` gives the same rows with rdflib's initBindings, with a VALUES block, and on Oxigraph.

    Oxigraph evaluates groups bottom-up as SPARQL specifies: a label OPTIONAL nested in another
    OPTIONAL does not see ?__lang there, and falls back to English.
    """
    extra = ("second-source.ttl", "dated-events.ttl")
    checked = []
    for query in stored.values():
        if "lang" not in {p.name for p in query.params}:
            continue
        values = {p.name: LANG_SAMPLES[p.name] for p in query.params if p.required} | {"lang": "id"}
        bindings = queries.bind_params(query, values)
        engines = {
            "initBindings": queries.run_query(graphs(extra), query.text, bindings),
            "VALUES": queries.run_query(graphs(extra), queries.inject_values(query.text, bindings)),
            "oxigraph": queries.run_query(oxigraph_graphs(extra), query.text, bindings),
        }
        rows = {k: sorted(tuple(queries.display_term(t) for t in row) for row in r) for k, r in engines.items()}  # type: ignore[union-attr]
        assert rows["initBindings"], query.name
        assert rows["VALUES"] == rows["initBindings"] == rows["oxigraph"], query.name
        checked.append(query.name)
    assert {"timeline", "meeting-participants", "actor-events", "events-without-coordinates", "figure-history"} <= set(
        checked
    )


def test_every_stored_query_has_expectations(stored: dict[str, queries.StoredQuery]) -> None:
    expected = {p.stem for p in CASES_DIR.glob("*.json")}
    assert set(stored) == expected, (
        f"without expectations: {sorted(set(stored) - expected)}; stale: {sorted(expected - set(stored))}"
    )
    assert len(stored) >= 12


def test_summit_participants_are_the_seven_leaders_and_the_chair(
    stored: dict[str, queries.StoredQuery], graphs: GraphFor
) -> None:
    query = stored["meeting-participants"]
    result = queries.run_query(graphs(()), query.text, queries.bind_params(query, {"meeting": SUMMIT}))
    rows = _rows(result, ["participant", "role", "positionLabel", "onBehalfOfLabel", "nationalityLabel"])
    attendees = {r[0].removeprefix("kgperson:"): (r[2], r[3]) for r in rows if r[1] == "kgr:attendee"}
    assert attendees == {
        "nikol-pashinyan": ("Prime Minister of Armenia", "Republic of Armenia"),
        "alexander-lukashenko": ("President of Belarus", "Republic of Belarus"),
        "kassym-jomart-tokayev": ("President of Kazakhstan", "Republic of Kazakhstan"),
        "akylbek-japarov": ("Chairman of the Cabinet of Ministers of Kyrgyzstan", "Kyrgyz Republic"),
        "emomali-rahmon": ("President of Tajikistan", "Republic of Tajikistan"),
        "stanislav-zas": ("Secretary General of the CSTO", "Collective Security Treaty Organization"),
        "vladimir-putin": ("President of Russia", "Russian Federation"),
    }
    # the chair is a state, on its own behalf; Zas acted for the CSTO, his nationality is a separate column
    assert rows[0] == ["kgstate:republic-of-armenia", "kgr:chair", "", "Republic of Armenia", ""]
    assert ["kgperson:stanislav-zas", "kgr:attendee"] in [r[:2] for r in rows]
    assert [r[4] for r in rows if r[0] == "kgperson:stanislav-zas"] == ["Republic of Belarus"]


def test_stored_queries_are_well_formed(stored: dict[str, queries.StoredQuery]) -> None:
    for query in stored.values():
        assert query.summary and query.description, query.name
        assert query.form in queries.FORMS.values()
        assert queries.QUERY_NAME.match(query.name)
        for param in query.params:
            assert queries.PARAM_NAME.match(param.name), param
            assert param.variable.startswith("_")
        # standalone (declares its own prefixes), so grlc and any endpoint can run the file as it is
        queries.parse_query(query.text)
        assert "#+ summary:" in query.text


# --------------------------------------------------------------------------------------------------
# the same rows on a real SPARQL server (Oxigraph), through `kg query --endpoint`


@pytest.fixture(scope="module")
def oxigraph_endpoint(built_dist: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """An Oxigraph server on 127.0.0.1 with the published build loaded; stopped after the module."""
    location = oxigraph_load(tmp_path_factory.mktemp("oxigraph"), published_files(built_dist))
    with oxigraph_server(location) as base:
        yield base


def _cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


#: Oxigraph stores the XSD types derived from xsd:integer as xsd:integer (oxigraph/oxigraph#1413, open),
#: so `"2"^^xsd:nonNegativeInteger` comes back from the server as `"2"^^xsd:integer`: same value, other type
_INTEGER_TYPES = {str(XSD[t]) for t in queries.INTEGER_TYPES}


def _datatype(iri: str | None) -> str | None:
    return str(XSD.integer) if iri in _INTEGER_TYPES else iri


def _json_solutions(text: str) -> Any:
    doc = json.loads(text)
    if "boolean" in doc:
        return doc["boolean"]
    return [
        {
            k: (
                v["type"].replace("typed-literal", "literal"),
                v["value"],
                _datatype(v.get("datatype")),
                v.get("xml:lang"),
            )
            for k, v in b.items()
        }
        for b in doc["results"]["bindings"]
    ]


def _nt_triples(text: str) -> set[tuple[Any, ...]]:
    out = set()
    for s, p, o in Graph().parse(data=text, format="nt"):
        if isinstance(o, Literal) and o.datatype is not None:
            o = Literal(str(o), datatype=_datatype(str(o.datatype)))
        out.add((s, p, o))
    return out


#: media type of each RDF file kind the tests load into the server (SPARQL 1.1 Graph Store Protocol)
_MEDIA_TYPES = {".ttl": "text/turtle", ".nt": "application/n-triples"}


def _replace_default_graph(base: str, files: list[Path]) -> None:
    """Make the server's default graph exactly `files`: PUT the first (which replaces), POST the others."""
    for i, file in enumerate(files):
        send = httpx.put if i == 0 else httpx.post
        r = send(
            base + "/store?default",
            content=file.read_bytes(),
            headers={"Content-Type": _MEDIA_TYPES[file.suffix]},
            timeout=60,
        )
        assert r.status_code in (200, 201, 204), r.text


def test_oxigraph_gives_the_same_rows(
    oxigraph_endpoint: str,
    built_dist: Path,
    run_case: RunCase,
    stored: dict[str, queries.StoredQuery],
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Every case of every stored query: `kg query --endpoint` on Oxigraph == the same query run locally.

    The server holds the published build plus exactly the extra files of the cases being run (each
    combination in turn), as the local graph of those cases does: fixtures about the same event would
    otherwise add rows to each other's cases.
    """
    endpoint = oxigraph_endpoint + "/query"
    checked: set[str] = set()
    combinations = sorted({tuple(c.get("data", ())) for _, _, c in CASES})  # () first: the seed alone
    for extra in combinations:
        if extra:
            _replace_default_graph(oxigraph_endpoint, published_files(built_dist) + [CASES_DIR / e for e in extra])
        for name, number, case in (c for c in CASES if tuple(c[2].get("data", ())) == extra):
            query = stored[name]
            fmt = "nt" if query.form == "CONSTRUCT" else "json"
            local = queries.render(run_case(name, number), fmt)
            params = [a for k, v in case["params"].items() for a in ("--param", f"{k}={v}")]
            code, remote, err = _cli(capsys, "query", name, *params, "--format", fmt, "--endpoint", endpoint)
            assert code == 0, err
            if fmt == "nt":
                assert _nt_triples(remote) == _nt_triples(local.decode("utf-8")), f"{name} case {number}"
            else:
                assert _json_solutions(remote) == _json_solutions(local.decode("utf-8")), f"{name} case {number}"
            checked.add(name)
    _replace_default_graph(oxigraph_endpoint, published_files(built_dist))
    assert checked == set(stored)


def test_endpoint_binding_is_injection_safe(oxigraph_endpoint: str, stored: dict[str, queries.StoredQuery]) -> None:
    """A hostile value reaches the server as one literal: the query runs, matches nothing, deletes nothing."""
    query = stored["meeting-participants"]
    endpoint = oxigraph_endpoint + "/query"
    before = queries.run_remote(endpoint, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    bound = queries.bind_params(query, {"meeting": SUMMIT, "lang": MALICIOUS})
    result = queries.run_remote(endpoint, query.text, bound)
    assert len(list(result)) == SUMMIT_ROWS  # falls back to English labels: the value matched no language
    after = queries.run_remote(endpoint, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert list(before) == list(after)
    echoed = queries.run_remote(endpoint, "SELECT ?v WHERE { BIND(?__v AS ?v) }", {"__v": Literal(MALICIOUS)})
    assert [row[0] for row in echoed] == [Literal(MALICIOUS)]  # type: ignore[index]


# --------------------------------------------------------------------------------------------------
# parameters: parsing, typing, binding, injection


def test_injection_value_is_one_literal(stored: dict[str, queries.StoredQuery], graphs: GraphFor) -> None:
    query = stored["meeting-participants"]
    bindings = queries.bind_params(query, {"meeting": SUMMIT, "lang": MALICIOUS})
    assert bindings["__lang"] == Literal(MALICIOUS)
    graph = graphs(())
    size = len(graph)
    assert len(list(queries.run_query(graph, query.text, bindings))) == SUMMIT_ROWS
    assert len(graph) == size
    sent = queries.remote_query_text(query.text, bindings)
    assert sent.count(query.text[:200]) == 1  # the stored text is untouched, only a VALUES block is added
    values = [n for n in _algebra_nodes(queries.parse_query(sent).algebra) if getattr(n, "name", "") == "values"]
    values = [v for v in values if any(Variable("__lang") in row for row in v["res"])]  # not the query's own
    assert [dict(row) for v in values for row in v["res"]] == [
        {Variable("__lang"): Literal(MALICIOUS), Variable("__meeting_iri"): URIRef(SUMMIT)}
    ]


def _algebra_nodes(node: Any) -> Iterator[Any]:
    seen: set[int] = set()
    stack = [node]
    while stack:
        n = stack.pop()
        if id(n) in seen or isinstance(n, str):
            continue
        seen.add(id(n))
        yield n
        if isinstance(n, dict):
            stack += list(n.values())
        elif isinstance(n, list | tuple):
            stack += list(n)


def test_parameter_errors(stored: dict[str, queries.StoredQuery]) -> None:
    timeline = stored["timeline"]
    with pytest.raises(QueryError, match="needs parameter 'from'"):
        queries.bind_params(timeline, {"to": "2022-01-31"})
    with pytest.raises(QueryError, match="not a valid xsd:date"):
        queries.bind_params(timeline, {"from": "10 January", "to": "2022-01-31"})
    with pytest.raises(QueryError, match="has no parameter 'place'"):
        queries.bind_params(timeline, {"from": "2022-01-01", "to": "2022-01-31", "place": "x"})
    with pytest.raises(QueryError, match="not an absolute IRI"):
        queries.bind_params(stored["events-in-place"], {"place": "http://x> } DROP ALL #"})
    with pytest.raises(QueryError, match="not an absolute IRI"):
        queries.bind_params(stored["events-in-place"], {"place": "almaty"})
    with pytest.raises(QueryError, match=r"known queries: .*timeline"):
        queries.get_query("no-such-query")
    with pytest.raises(QueryError, match="unknown query"):
        queries.get_query("../README")


def test_missing_parameters_are_a_structured_error(stored: dict[str, queries.StoredQuery]) -> None:
    """The library names what is missing; each caller words the hint (`--param`, `?to=`)."""
    with pytest.raises(queries.MissingParameters) as info:
        queries.bind_params(stored["timeline"], {})
    error = info.value
    assert isinstance(error, QueryError) and error.query_name == "timeline"
    assert [p.name for p in error.params] == ["from", "to"] and error.hint is None
    assert str(error) == "query 'timeline' needs parameters 'from' (xsd:date), 'to' (xsd:date)"
    hinted = error.hinted("add ?from=VALUE&to=VALUE to the URL")
    assert isinstance(hinted, queries.MissingParameters) and hinted.params == error.params
    assert str(hinted).endswith(" — add ?from=VALUE&to=VALUE to the URL")


def test_curie_values_expand_with_the_query_prefixes(stored: dict[str, queries.StoredQuery]) -> None:
    bound = queries.bind_params(stored["attack-targets"], {"eventType": "kget:armed-attack"})
    assert bound["__eventType_iri"] == URIRef("https://w3id.org/conflict-kg/vocab/event-type/armed-attack")
    assert bound["__lang"] == Literal("en")  # the #+ defaults value


@pytest.mark.parametrize(
    ("value", "base", "expected"),
    [
        ("kg:place/almaty", None, f"{KG}place/almaty"),
        ("kg:place/almaty", "https://example.org/kg/", "https://example.org/kg/id/place/almaty"),
        (f"<{KG}place/almaty>", None, f"{KG}place/almaty"),  # as `--format table` and Turtle write IRIs
        ("kgo:Place", "https://example.org/kg/", "https://w3id.org/conflict-kg/ontology#Place"),
    ],
)
def test_kg_curies_expand_to_the_data_base(
    stored: dict[str, queries.StoredQuery], value: str, base: str | None, expected: str
) -> None:
    """`kg:` means the data's `<base>id/` for every caller of bind_params (CLI, HTTP, tests) alike."""
    query = stored["events-in-place"]
    bound = (
        queries.bind_params(query, {"place": value})
        if base is None
        else queries.bind_params(query, {"place": value}, base=base)
    )
    assert bound["_place_iri"] == URIRef(expected)


@pytest.mark.parametrize(
    ("variable", "name", "required", "kind"),
    [
        ("_place_iri", "place", True, "iri"),
        ("__lang", "lang", False, "literal"),
        ("_from_xsd_date", "from", True, "xsd:date"),
        ("_n_integer", "n", True, "xsd:integer"),
        ("__limit_number", "limit", False, "number"),
        ("_eventType_iri", "eventType", True, "iri"),
        ("_title_en", "title", True, "@en"),
        ("_x_literal", "x", True, "literal"),
    ],
)
def test_param_from_variable(variable: str, name: str, required: bool, kind: str) -> None:
    param = queries.param_from_variable(variable)
    assert param is not None
    assert (param.name, param.required, param.kind, param.variable) == (name, required, kind, variable)


def test_header_defaults_and_enumerate(tmp_path: Path) -> None:
    (tmp_path / "q.rq").write_text(
        "#+ summary: test\n#+ defaults:\n#+   - n: 3\n#+ enumerate:\n#+   - colour: [red, green]\n"
        "SELECT ?x WHERE { BIND(?__n_integer AS ?x) BIND(?_colour AS ?y) }\n"
    )
    q = queries.get_query("q", tmp_path)
    params = {p.name: p for p in q.params}
    assert params["n"].default == "3" and not params["n"].required
    assert params["colour"].enum == ("red", "green") and params["colour"].required
    assert queries.bind_params(q, {"colour": "red"})["__n_integer"] == Literal(3)
    with pytest.raises(QueryError, match="not allowed"):
        queries.bind_params(q, {"colour": "blue"})


param_names = st.from_regex(r"\A[A-Za-z0-9]{1,12}\Z")


@given(st.dictionaries(param_names, st.text(max_size=40), max_size=5))
def test_param_args_round_trip(values: dict[str, str]) -> None:
    assert queries.parse_param_args([f"{k}={v}" for k, v in values.items()]) == values


@given(st.text(max_size=20).filter(lambda s: "=" not in s))
def test_param_args_without_equals_sign_are_rejected(item: str) -> None:
    with pytest.raises(QueryError):
        queries.parse_param_args([item])


@given(st.dates())
def test_date_values_become_xsd_dates(day: Any) -> None:
    param = queries.Param(name="from", required=True, kind="xsd:date", variable="_from_xsd_date")
    term = queries.make_term(param, day.isoformat())
    assert term == Literal(day.isoformat(), datatype=XSD.date) and isinstance(term, Literal)
    assert term.toPython() == day


class _Records(logging.Handler):
    """Collects the log records of rdflib (which logs a traceback for every Literal it cannot convert)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@contextlib.contextmanager
def _rdflib_log() -> Iterator[list[logging.LogRecord]]:
    handler, logger = _Records(), logging.getLogger("rdflib")
    logger.addHandler(handler)
    try:
        yield handler.records
    finally:
        logger.removeHandler(handler)


_DATATYPE_KINDS = [*sorted(f"xsd:{name}" for name in queries.XSD_TYPES), "xsd:hexBinary", "xsd:dayTimeDuration"]
_AWKWARD_VALUES = ["2022-13-01", "2022-02-30", "2023-02-29", "0000-01-01", "20220105", "2022-W01-1", "INF", "NaN"]
_TYPED_TEXT = (
    st.text(max_size=25)
    | st.from_regex(r"\A-?\d{1,5}-\d{1,2}-\d{1,2}(T\d\d:\d\d:\d\d)?Z?\Z")
    | st.sampled_from([*_AWKWARD_VALUES, "1e999", "P", "128", "-0", "+1.5e-3"])
)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(_DATATYPE_KINDS), _TYPED_TEXT)
def test_typed_values_are_valid_literals_or_one_error(kind: str, value: str) -> None:
    """Any text for any XSD datatype: a well-typed Literal or a QueryError, and rdflib never logs."""
    param = queries.Param(name="v", required=True, kind=kind, variable="_v_" + kind.replace(":", "_"))
    with _rdflib_log() as records:
        try:
            term = queries.make_term(param, value)
        except QueryError as exc:
            assert f"is not a valid {kind}" in str(exc)
        else:
            assert isinstance(term, Literal) and not term.ill_typed
    assert records == [], [r.getMessage() for r in records]


@given(st.dates().map(lambda d: d.isoformat()) | st.from_regex(r"\A\d{4}-(1[3-9]|0\d)-([4-9]\d|3[2-9])\Z"))
def test_date_values_are_checked_like_date_fromisoformat(value: str) -> None:
    param = queries.Param(name="from", required=True, kind="xsd:date", variable="_from_xsd_date")
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        with pytest.raises(QueryError, match="not a valid xsd:date"):
            queries.make_term(param, value)
    else:
        assert queries.make_term(param, value) == Literal(day.isoformat(), datatype=XSD.date)


@given(st.integers() | st.decimals(allow_nan=False, allow_infinity=False, places=3))
def test_number_values_keep_their_value(number: Any) -> None:
    param = queries.Param(name="n", required=True, kind="number", variable="_n_number")
    term = queries.make_term(param, str(number))
    assert isinstance(term, Literal) and term.toPython() == number


_ECHO = "SELECT ?v WHERE { BIND(?__v AS ?v) }"


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40) | st.sampled_from([MALICIOUS, "\\u0022 } DROP ALL #", "\\\\u0022", "a\\Ub", '"""', "\\"]))
def test_any_string_survives_the_values_block_unchanged(value: str) -> None:
    """Whatever the string, the VALUES text gives back exactly that literal, in rdflib and in Oxigraph."""
    import pyoxigraph

    sent = queries.inject_values(_ECHO, {"__v": Literal(value)})
    assert sent.startswith("SELECT ?v WHERE {") and sent.endswith(" BIND(?__v AS ?v) }")
    assert [row[0] for row in Graph().query(sent)] == [Literal(value)]  # type: ignore[index]
    solutions = list(pyoxigraph.Store().query(sent))  # type: ignore[arg-type]
    assert [s["v"].value for s in solutions] == [value]


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=30))
def test_iri_values_are_valid_or_refused(value: str) -> None:
    param = queries.Param(name="x", required=True, kind="iri", variable="_x_iri")
    try:
        term = queries.make_term(param, "http://example.org/" + value)
    except QueryError:
        return
    sent = queries.inject_values(_ECHO, {"__v": term})
    assert [row[0] for row in Graph().query(sent)] == [term]  # type: ignore[index]


@settings(deadline=None)
@given(st.text(max_size=30), st.sampled_from(["literal", "xsd:string", "@en"]))
def test_local_bindings_never_touch_the_query(value: str, kind: str) -> None:
    param = queries.Param(name="v", required=True, kind=kind, variable="_v")
    term = queries.make_term(param, value)
    result = queries.run_query(Graph(), "SELECT ?v WHERE { BIND(?_v AS ?v) }", {"_v": term})
    assert [row[0] for row in result] == [term]  # type: ignore[index]


# --------------------------------------------------------------------------------------------------
# parsing and syntax errors


def test_syntax_error_names_line_and_column() -> None:
    with pytest.raises(QueryError) as info:
        queries.parse_query("SELECT ?x WHERE {\n  ?x ?p \n}\n")
    assert info.value.line == 3
    assert "line 3, column" in str(info.value)


def test_unknown_prefix_is_located() -> None:
    with pytest.raises(QueryError, match=r"line 2, column 12: .*foo"):
        queries.parse_query("SELECT ?x\nWHERE { ?x foo:bar ?y }")


def test_updates_are_not_queries() -> None:
    with pytest.raises(QueryError, match="syntax error"):
        queries.parse_query("DROP ALL")


def test_where_group_is_found_in_every_form() -> None:
    values = {"_x": Literal("v")}
    for text in (
        "SELECT * { ?s ?p ?_x }",
        "SELECT (EXISTS { ?a ?b ?c } AS ?e) WHERE { ?s ?p ?_x }",
        "ASK { ?s ?p ?_x }",
        "CONSTRUCT { ?s ?p ?_x } WHERE { ?s ?p ?_x }",
        "CONSTRUCT { ?s ?p ?_x } { ?s ?p ?_x }",
        "PREFIX where: <http://e/> SELECT * WHERE { ?s where:p '{' . ?s ?p ?_x } # {",
    ):
        sent = queries.inject_values(text, values)
        queries.parse_query(sent)
        assert 'VALUES (?_x) { ("v") }' in sent
    assert queries.inject_values("DESCRIBE ?_x", values).endswith('VALUES (?_x) { ("v") }\n')
    with pytest.raises(QueryError, match="short form"):
        queries.inject_values("CONSTRUCT WHERE { ?s ?p ?_x }", values)


def test_values_reach_the_subqueries_that_name_a_parameter(tmp_path: Path) -> None:
    """A subquery is evaluated on its own (SPARQL 1.1 §18.2.1): the block starts its WHERE group too.

    So the VALUES path (remote endpoints, Oxigraph) counts what rdflib's initBindings count, and what grlc
    counts after pasting the value in place of the variable; a subquery that names no parameter is left as is.
    """
    data = tmp_path / "data.ttl"
    data.write_text("<http://e/a> <http://e/p> 1 , 2 . <http://e/b> <http://e/p> 3 .\n", encoding="utf-8")
    graph = Graph().parse(data)
    text = (
        "SELECT ?n ?m ?all WHERE {"
        " { SELECT (COUNT(*) AS ?n) WHERE { ?__s_iri <http://e/p> ?o } }"
        " { SELECT (SUM(?o) AS ?m) { { SELECT ?o { ?__s_iri <http://e/p> ?o } } } }"
        " { SELECT (COUNT(*) AS ?all) WHERE { ?s <http://e/p> ?o } }"
        " }"
    )
    bindings = {"__s_iri": URIRef("http://e/a")}
    sent = queries.inject_values(text, bindings)
    assert sent.count("VALUES (?__s_iri) { (<http://e/a>) }") == 4  # the query, two subqueries and a nested one
    assert "{ SELECT (COUNT(*) AS ?all) WHERE { ?s" in sent
    expected = [(Literal(2), Literal(3), Literal(3))]
    assert [tuple(row) for row in queries.run_query(graph, text, bindings)] == expected  # type: ignore[arg-type]
    assert [tuple(row) for row in queries.run_query(graph, sent)] == expected  # type: ignore[arg-type]
    oxigraph = [tuple(row) for row in queries.run_on_files([data], text, bindings)]  # type: ignore[arg-type]
    assert [tuple(int(t) for t in row) for row in oxigraph] == [(2, 3, 3)]
    # a group in the subquery's projection is not its WHERE group
    sent = queries.inject_values(
        "SELECT * { { SELECT (EXISTS { ?a ?b ?c } AS ?e) WHERE { ?s ?p ?_x } } }", {"_x": Literal("v")}
    )
    assert "EXISTS { ?a" in sent and 'WHERE { VALUES (?_x) { ("v") }' in sent
    assert queries.oxigraph_syntax_error(sent) is None


# --------------------------------------------------------------------------------------------------
# renderers


@pytest.fixture(scope="module")
def summit_result(stored: dict[str, queries.StoredQuery], graphs: GraphFor) -> Result:
    query = stored["meeting-participants"]
    return queries.run_query(graphs(()), query.text, queries.bind_params(query, {"meeting": SUMMIT}))


def test_renderers_write_standard_formats(summit_result: Result) -> None:
    rendered = {name: queries.render(summit_result, name) for name in ("json", "csv", "tsv", "xml", "table")}
    doc = json.loads(rendered["json"])
    assert len(doc["results"]["bindings"]) == SUMMIT_ROWS and "participantLabel" in doc["head"]["vars"]
    rows = list(csv.DictReader(io.StringIO(rendered["csv"].decode("utf-8"))))
    assert {r["participantLabel"] for r in rows} >= {"Vladimir Putin", "Stanislav Zas"} and len(rows) == SUMMIT_ROWS
    tsv = rendered["tsv"].decode("utf-8").splitlines()
    assert tsv[0].split("\t")[0] == "?meeting" and len(tsv) == 1 + SUMMIT_ROWS
    assert f"<{SUMMIT}>" in tsv[1] and '"Vladimir Putin"@en' in tsv[8]
    assert "\t\t" in tsv[1]  # the chair has no position: an unbound value is an empty field
    for fmt in ("json", "xml"):
        again = Result.parse(io.BytesIO(rendered[fmt]), format=fmt)
        assert [tuple(r) for r in again] == [tuple(r) for r in summit_result]  # type: ignore[arg-type]
    table = rendered["table"].decode("utf-8")
    assert "Vladimir Putin" in table and f"({SUMMIT_ROWS} rows)" in table
    with pytest.raises(QueryError, match="use one of"):
        queries.render(summit_result, "ttl")
    with pytest.raises(QueryError, match="unknown output format"):
        queries.render(summit_result, "pdf")


def test_table_never_cuts_iris(stored: dict[str, queries.StoredQuery]) -> None:
    """Every IRI in `--format table` can be pasted into the next `--param`; only long literals are cut."""
    iri = KG + "participation/csto-kazakhstan-2022-01-10/csto-summit/attendee/alexander-lukashenko"
    other = "https://example.org/" + "x" * 80
    text = "a very long literal " * 10
    result = Graph().query(f'SELECT ?iri ?text WHERE {{ VALUES (?iri ?text) {{ (<{iri}> "{text}") (<{other}> "") }} }}')
    lines = queries.render(result, "table").decode("utf-8").splitlines()
    shown = f"<{iri}>"  # an article-scoped IRI has no prefixed name that pastes into SPARQL
    assert lines[2].startswith(shown + "  ") and lines[3].startswith(f"<{other}>")
    column = lines[0].index("text")
    assert column == lines[2].index("a very") == max(len(iri), len(other)) + 4  # aligned after the widest IRI
    assert lines[2].endswith("…") and len(lines[2][column:]) == queries.TABLE_TEXT_WIDTH
    bound = queries.bind_params(stored["evidence"], {"fact": shown})
    assert bound["_fact_iri"] == URIRef(iri)
    assert queries.bind_params(stored["evidence"], {"fact": f"<{other}>"})["_fact_iri"] == URIRef(other)


def test_graph_results_parse_as_rdf(stored: dict[str, queries.StoredQuery], graphs: GraphFor) -> None:
    query = stored["event-card"]
    event = KG + "event/csto-kazakhstan-2022-01-10/interior-ministry-attack-almaty"
    result = queries.run_query(graphs(()), query.text, queries.bind_params(query, {"event": event}))
    for fmt, parser in (("ttl", "turtle"), ("nt", "nt"), ("jsonld", "json-ld")):
        graph = Graph().parse(data=queries.render(result, fmt).decode("utf-8"), format=parser)
        assert set(graph) == set(result.graph), fmt  # type: ignore[arg-type]
    assert queries.render(result, "nt") == queries.render(result, "nt")  # deterministic
    for name, renderer in queries.RENDERERS.items():
        assert renderer.media_type, name


# --------------------------------------------------------------------------------------------------
# the CLI


def test_cli_list(capsys: pytest.CaptureFixture[str], stored: dict[str, queries.StoredQuery]) -> None:
    code, out, _ = _cli(capsys, "query", "--list")
    assert code == 0
    for query in stored.values():
        assert query.name in out and query.summary in out
    assert "--param from (xsd:date)" in out


def test_cli_formats(capsys: pytest.CaptureFixture[str], built_dist: Path) -> None:
    base = ["query", "meeting-participants", "--param", f"meeting={SUMMIT}", "--dist", str(built_dist)]
    code, out, _ = _cli(capsys, *base, "--format", "csv")
    assert code == 0 and len(list(csv.DictReader(io.StringIO(out)))) == SUMMIT_ROWS
    code, out, _ = _cli(capsys, *base, "--format", "json")
    assert code == 0 and len(json.loads(out)["results"]["bindings"]) == SUMMIT_ROWS
    code, out, _ = _cli(capsys, *base, "--param", "lang=id")
    assert code == 0 and "Presiden Belarus" in out
    event = KG + "event/csto-kazakhstan-2022-01-10/interior-ministry-attack-almaty"
    code, out, _ = _cli(
        capsys, "query", "event-card", "-p", f"event={event}", "--format", "ttl", "--dist", str(built_dist)
    )
    assert code == 0 and len(Graph().parse(data=out, format="turtle")) > 20


def _first_cases() -> dict[str, dict[str, Any]]:
    """The first expectation case of every stored query, by query name."""
    out: dict[str, dict[str, Any]] = {}
    for name, _, case in CASES:
        out.setdefault(name, case)
    return out


def test_stored_queries_from_the_parse_cache_give_the_bytes_of_a_fresh_parse(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    stored: dict[str, queries.StoredQuery],
    built_dist: Path,
    run_case: RunCase,
) -> None:
    """Every stored query (its first case) in every format it can show: run as `kg query` runs it on rdflib's
    engine (the light store, the translation read back from the query cache, rdflib's parser unable to run),
    it gives the bytes rdflib's engine gives on the default store with a fresh parse."""
    import rdflib.plugins.sparql

    cache = tmp_path / "queries"
    first = _first_cases()
    assert set(first) == set(stored)
    for name in first:  # cold: each query parsed once and kept
        text = stored[name].text
        query_cache.parsed_query(text, None, cache, lambda text=text: queries.parse_query(text))
    assert len(list(cache.iterdir())) == len(stored)
    expected = {name: run_case(name, 0) for name in first}  # rdflib's engine on a fresh parse

    def no_parser(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("rdflib's parser ran")

    monkeypatch.setattr(rdflib.plugins.sparql, "prepareQuery", no_parser)
    compared = set()
    for name, case in first.items():
        query = stored[name]
        files = published_files(built_dist) + [CASES_DIR / e for e in case.get("data", ())]
        got, warning = queries.run_stored_query(files, query, queries.bind_params(query, case["params"]), cache=cache)
        assert warning is None
        for fmt, renderer in queries.RENDERERS.items():
            if query.form in renderer.forms:
                assert queries.render(got, fmt) == queries.render(expected[name], fmt), f"{name} --format {fmt}"
                compared.add((name, fmt))
    assert {f for _, f in compared} == set(queries.RENDERERS)


def _same_tree(a: Any, b: Any, at: str = "algebra") -> None:
    """Assert two translated queries' trees are alike: types, names, keys, attributes, operators and terms."""
    from rdflib.plugins.sparql.operators import TrueFilter
    from rdflib.plugins.sparql.parserutils import CompValue
    from rdflib.term import Node

    assert type(a) is type(b), at
    if isinstance(a, CompValue):
        assert (a is TrueFilter) == (b is TrueFilter), at  # rdflib's one TrueFilter, not a copy
        assert (a.name, list(a)) == (b.name, list(b)), at
        attrs_a, attrs_b = dict(vars(a)), dict(vars(b))
        fn_a, fn_b = attrs_a.pop("_evalfn", None), attrs_b.pop("_evalfn", None)
        assert getattr(fn_a, "__func__", fn_a) is getattr(fn_b, "__func__", fn_b), at
        assert (fn_a is None) or (fn_a.__self__ is a and fn_b.__self__ is b), at  # bound to its own node
        assert sorted(attrs_a) == sorted(attrs_b), at
        for k in a:
            _same_tree(dict.__getitem__(a, k), dict.__getitem__(b, k), f"{at}.{k}")
        for k in attrs_a:
            _same_tree(attrs_a[k], attrs_b[k], f"{at}@{k}")
    elif isinstance(a, Node):
        assert (a, str(a), getattr(a, "datatype", None), getattr(a, "language", None)) == (
            b,
            str(b),
            getattr(b, "datatype", None),
            getattr(b, "language", None),
        ), at
    elif isinstance(a, list | tuple):
        assert len(a) == len(b), at
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            _same_tree(x, y, f"{at}[{i}]")
    elif isinstance(a, dict):
        assert list(a) == list(b), at
        for k in a:
            _same_tree(a[k], b[k], f"{at}[{k}]")
    elif hasattr(a, "__dict__") and not isinstance(a, set | frozenset):
        assert sorted(vars(a)) == sorted(vars(b)), at
        for k in vars(a):
            _same_tree(vars(a)[k], vars(b)[k], f"{at}.{k}")
    else:
        assert a == b, at


def test_the_cached_translation_is_the_parsers(tmp_path: Path, stored: dict[str, queries.StoredQuery]) -> None:
    """Every stored query, written to the query cache and read back: the same tree rdflib's parser gives, node
    for node (operators bound to their own nodes, rdflib's TrueFilter itself), with the same prologue."""
    shared = 0
    for name, query in stored.items():
        fresh = queries.parse_query(query.text)
        shared += "TrueFilter" in repr(fresh.algebra)
        first, _ = query_cache.parsed_query(query.text, None, tmp_path, lambda fresh=fresh: fresh)
        read, warning = query_cache.parsed_query(query.text, None, tmp_path, lambda: pytest.fail("parsed again"))
        assert first is fresh and read is not fresh and warning is None, name
        _same_tree(read.algebra, fresh.algebra, name)
        assert read.prologue.base == fresh.prologue.base
        assert sorted(read.prologue.namespace_manager.namespaces()) == sorted(
            fresh.prologue.namespace_manager.namespaces()
        )
    assert shared > 0


ASK_LANG = 'ASK { FILTER(LANG("a"@en) = "en") }'


@pytest.mark.parametrize(
    ("spoil", "why"),
    [
        (lambda data: data[: len(data) // 2], "torn"),
        (lambda data: b"\x80" + data, "not UTF-8"),
        (lambda data: data.replace(b'"Builtin_LANG"', b'"quote"'), "a function outside rdflib's operators"),
        (lambda data: data.replace(b'"Builtin_LANG"', b'"__class__"'), "not a function"),
        (lambda data: data.replace(b'"Builtin_LANG"', b'"register_custom_function"'), "an operator no parse binds"),
        (lambda data: data.replace(b'[["translated",true]]', b'[["_value",true]]'), "a private attribute"),
        (lambda data: data.replace(b'["literal",', b'["eval",', 1), "an unknown kind"),
        (lambda data: data.replace(b'"key":"', b'"key":"0', 1), "written for another query"),
        (lambda data: data + b" " * query_cache.MAX_CACHE_BYTES, "too large"),
    ],
)
def test_a_spoilt_query_cache_file_is_parsed_anew_with_a_warning(
    tmp_path: Path, spoil: Callable[[bytes], bytes], why: str
) -> None:
    fresh = queries.parse_query(ASK_LANG)
    query_cache.parsed_query(ASK_LANG, None, tmp_path, lambda: fresh)
    [cached] = tmp_path.iterdir()
    good = cached.read_bytes()
    assert b'"Builtin_LANG"' in good
    assert spoil(good) != good, why
    cached.write_bytes(spoil(good))
    again = queries.parse_query(ASK_LANG)
    got, warning = query_cache.parsed_query(ASK_LANG, None, tmp_path, lambda: again)
    assert got is again, why
    assert warning == f"{cached}: not a kg query cache; ignored and rebuilt", why
    assert cached.read_bytes() == good, why  # rewritten
    assert query_cache.parsed_query(ASK_LANG, None, tmp_path, lambda: pytest.fail())[1] is None


def test_a_query_with_a_lone_surrogate_is_cached_and_read_back(tmp_path: Path) -> None:
    """A string escape with no UTF-8 ("\\uD800") is kept in the cache as a JSON escape, not a crash."""
    text = 'SELECT ?x WHERE { BIND(STRLEN("\\uD800") AS ?x) }'
    fresh = queries.parse_query(text)
    got, warning = query_cache.parsed_query(text, None, tmp_path, lambda: fresh)
    assert got is fresh and warning is None
    [cached] = tmp_path.iterdir()
    cached.read_bytes().decode("ascii")
    read, warning = query_cache.parsed_query(text, None, tmp_path, lambda: pytest.fail("parsed again"))
    assert warning is None
    _same_tree(read.algebra, fresh.algebra, "surrogate")


def test_the_query_cache_is_keyed_by_text_prefixes_and_rdflib(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import rdflib

    keys = {
        query_cache.query_key(ASK_LANG, None),
        query_cache.query_key(ASK_LANG + " ", None),
        query_cache.query_key(ASK_LANG, {"ex": "http://example.org/"}),
    }
    monkeypatch.setattr(rdflib, "__version__", "0.0.0")
    keys.add(query_cache.query_key(ASK_LANG, None))
    assert len(keys) == 4


def test_an_unwritable_query_cache_is_a_warning(tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("")
    fresh = queries.parse_query(ASK_LANG)
    got, warning = query_cache.parsed_query(ASK_LANG, None, blocked / "queries", lambda: fresh)
    assert got is fresh and warning is not None and warning.startswith("cannot write the query cache: ")


def test_cli_prints_in_every_format_the_bytes_of_rdflibs_engine(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    stored: dict[str, queries.StoredQuery],
    built_dist: Path,
    run_case: RunCase,
) -> None:
    """`kg query actor-events` (issue 20's latency row) in every format, first with no query cache in dist/, then
    with the one that first run left there: the bytes of rdflib's engine on a fresh parse, every time."""
    dist = tmp_path / "dist"
    shutil.copytree(built_dist, dist, symlinks=True)
    cache = dist / ".kg-cache" / "queries"
    shutil.rmtree(cache, ignore_errors=True)  # other tests' runs on the shared build may have left one
    case = _first_cases()["actor-events"]
    argv = ["query", "actor-events", "--dist", str(dist)]
    argv += [a for k, v in case["params"].items() for a in ("-p", f"{k}={v}")]
    for run in ("cold", "warm"):
        for fmt in queries.RENDERERS:
            if "SELECT" not in queries.RENDERERS[fmt].forms:
                continue
            code, out, err = _cli(capsys, *argv, "--format", fmt)
            assert (code, err) == (0, ""), f"{run} --format {fmt}"
            assert out.encode("utf-8") == queries.render(run_case("actor-events", 0), fmt), f"{run} --format {fmt}"
        assert len(list(cache.glob("query-*.json"))) == 1, run
    [cached] = cache.glob("query-*.json")
    cached.write_bytes(b"{")
    code, out, err = _cli(capsys, *argv, "--format", "json")
    assert (code, out.encode("utf-8")) == (0, queries.render(run_case("actor-events", 0), "json"))
    assert err == f"kg query: warning: {cached}: not a kg query cache; ignored and rebuilt\n"


def test_cli_adhoc_queries(capsys: pytest.CaptureFixture[str], built_dist: Path, tmp_path: Path) -> None:
    # no PREFIX lines: rdfs: is pre-declared (rdflib does not unescape `\\/` in a CURIE like kg:place\\/almaty)
    adhoc = f"SELECT ?label WHERE {{ <{KG}place/almaty> rdfs:label ?label FILTER(lang(?label) = 'en') }}"
    code, out, err = _cli(capsys, "query", "--sparql", adhoc, "--dist", str(built_dist), "--format", "csv")
    assert code == 0, err
    assert out.splitlines() == ["label", "Almaty"]
    rq = tmp_path / "mine.rq"
    rq.write_text("SELECT ?e WHERE { ?e kgo:location ?_place_iri } ORDER BY ?e\n")
    code, out, err = _cli(
        capsys, "query", "--file", str(rq), "-p", "place=kg:place/almaty", "--dist", str(built_dist), "-f", "csv"
    )
    assert code == 0, err
    # header + the reports located in Almaty itself: the seed's fighting in Almaty and gun-shop seizures,
    # the early Wikipedia revision's Almaty protests, the current revision's Almaty riots
    assert len(out.splitlines()) == 1 + 4


def test_cli_reason_loads_inferred_triples(
    capsys: pytest.CaptureFixture[str], built_dist: Path, tmp_path: Path
) -> None:
    dist = tmp_path / "dist"
    shutil.copytree(built_dist, dist)
    (dist / "kg-inferred.ttl").write_text(
        f"<{SUMMIT}> <https://w3id.org/conflict-kg/ontology#locatedIn> <{KG}place/kazakhstan> .\n"
    )
    ask = f"SELECT ?p WHERE {{ <{SUMMIT}> kgo:locatedIn ?p }}"
    code, out, _ = _cli(capsys, "query", "--sparql", ask, "--dist", str(dist), "-f", "csv")
    assert code == 0 and out.splitlines() == ["p"]
    code, out, _ = _cli(capsys, "query", "--sparql", ask, "--dist", str(dist), "-f", "csv", "--reason")
    assert code == 0 and out.splitlines() == ["p", f"{KG}place/kazakhstan"]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["query", "timeline", "-p", "from=2022-01-01"], "needs parameter 'to'"),
        (["query", "timeline", "-p", "from=2022-01-01"], "— add --param to=VALUE"),
        (["query", "timeline"], "needs parameters 'from' (xsd:date), 'to' (xsd:date) — add --param from=VALUE --param"),
        (["query", "timeline", "-p", "from=2022-13-01", "-p", "to=2022-01-10"], "'2022-13-01' is not a valid xsd:date"),
        (["query", "timeline", "-p", "from=2022-02-30", "-p", "to=2022-03-01"], "e.g. 2022-01-05 for xsd:date"),
        (["query", "no-such-query"], "unknown query 'no-such-query'"),
        (["query", "--sparql", "SELECT ?x WHERE {\n ?x ?y\n}"], "line 3, column"),
        (["query", "timeline", "-p", "from=yesterday", "-p", "to=2022-01-01"], "not a valid xsd:date"),
        (["query", "timeline", "-p", "from"], "not NAME=VALUE"),
        (["query", "meeting-participants", "-f", "ttl"], "cannot show a SELECT result"),
        (["query"], "exactly one of"),
    ],
)
def test_cli_errors_are_one_line_with_exit_2(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str], built_dist: Path
) -> None:
    code, out, err = _cli(capsys, *argv, "--dist", str(built_dist))
    assert code == 2
    assert out == ""
    assert message in err and len(err.strip().splitlines()) == 1


def test_bad_typed_value_is_exactly_one_line_on_stderr(built_dist: Path) -> None:
    """A process of its own, so that nothing (pytest's log capture) hides what rdflib would log."""
    bad = "2022-13-01"
    argv = ["query", "timeline", "-p", f"from={bad}", "-p", "to=2022-01-10", "--dist", str(built_dist)]
    proc = subprocess.run(
        [sys.executable, "-m", "kg", *argv],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
        check=False,
    )
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.splitlines() == [
        f"kg query: error: from: '{bad}' is not a valid xsd:date — e.g. 2022-01-05 for xsd:date"
    ]


def test_cli_runs_as_a_process(built_dist: Path) -> None:
    """The installed entry point, end to end."""
    proc = subprocess.run(
        [sys.executable, "-m", "kg", "query", "events-by-cameo-root", "--format", "tsv", "--dist", str(built_dist)],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[0].split("\t") == ["?cameoRoot", "?code", "?cameoRootLabel", "?events"]


# --------------------------------------------------------------------------------------------------
# README


def test_readme_table_is_current() -> None:
    text = README.read_text(encoding="utf-8")
    start, end = text.index("<!-- BEGIN query -->"), text.index("<!-- END query -->")
    assert queries.readme_table() in text[start:end], "README query table is stale: run `kg query --readme` and paste"


def columns_table(stored: dict[str, queries.StoredQuery]) -> str:
    """The README's table of the columns each stored query returns (a graph for CONSTRUCT)."""
    lines = ["| query | columns |", "|---|---|"]
    for query in stored.values():
        parsed = queries.parse_query(query.text)
        columns = ", ".join(f"`{v}`" for v in parsed.algebra["PV"]) if query.form == "SELECT" else "(an RDF graph)"
        lines.append(f"| `{query.name}` | {columns} |")
    return "\n".join(lines) + "\n"


def test_readme_lists_the_columns_of_each_query(stored: dict[str, queries.StoredQuery]) -> None:
    text = README.read_text(encoding="utf-8")
    start, end = text.index("<!-- BEGIN query -->"), text.index("<!-- END query -->")
    expected = columns_table(stored)
    assert expected in text[start:end], f"README columns table is stale; paste:\n{expected}"
