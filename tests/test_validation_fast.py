"""The fast SHACL engine's whole-graph SPARQL constraints, checked against pyshacl result by result."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH

from kg.cli import main
from kg.config import Settings
from kg.namespaces import KGO, OA
from kg.store import read_rdf
from kg.validation import read_report, run_shacl
from kg.validation_fast import (
    MAX_CACHED_CHECKS,
    PreparedShapes,
    Result,
    checks_key,
    load_checks,
    prepare_shapes,
    run_fast,
    to_report,
    validate_lazily,
)

MINIMAL = Path(__file__).parent / "cases" / "mapping" / "minimal"

PREFIXES = """@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://ex/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""

#: data for the small cases: things with a size, one of a subclass, one untyped, one a blank node
DATA = """
ex:Small rdfs:subClassOf ex:Thing .
ex:a a ex:Thing ; ex:size 5 ; ex:limit 3 ; ex:part ex:b .
ex:b a ex:Small ; ex:size 7 ; ex:limit 2 ; ex:limit 9 .
ex:c a ex:Thing ; ex:size 1 ; ex:limit 4 .
ex:d ex:size 8 ; ex:limit 1 .
ex:e ex:holds ex:d .
[] a ex:Thing ; ex:size 6 ; ex:limit 5 ; ex:part ex:c .
"""

#: a SPARQL constraint "size above limit", reused by the cases with different targets and queries
SHAPE = """
ex:Prefixes sh:declare [ sh:prefix "ex" ; sh:namespace "http://ex/"^^xsd:anyURI ] .
ex:S a sh:NodeShape ; {targets} ;
    sh:sparql [ a sh:SPARQLConstraint ; sh:prefixes ex:Prefixes ;
        sh:message "size {{?size}} of {{$this}} is above {{?limit}}"@en ;
        sh:select \"\"\"{select}\"\"\" ] .
"""

#: a result as (focus, path, component, source shape, message, value as N-Triples)
Row = tuple[str, str, str, str, str, str]

PLAIN = "SELECT $this ?size ?limit WHERE { $this ex:size ?size ; ex:limit ?limit . FILTER (?size > ?limit) }"

#: name → (targets, query, taken out of the engine?)
CASES: dict[str, tuple[str, str, bool]] = {
    "class-and-subclass": ("sh:targetClass ex:Thing", PLAIN, True),
    "target-node": ("sh:targetNode ex:d, ex:c", PLAIN, True),
    "subjects-of": ("sh:targetSubjectsOf ex:part", PLAIN, True),
    "objects-of": ("sh:targetObjectsOf ex:holds", PLAIN, True),
    "two-targets": ("sh:targetClass ex:Small ; sh:targetNode ex:d", PLAIN, True),
    "joined-through-another-node": (
        "sh:targetClass ex:Thing",
        "SELECT $this ?size ?limit WHERE { $this ex:part ?p . ?p ex:size ?size ; ex:limit ?limit . "
        "FILTER (?size > ?limit) }",
        True,
    ),
    "bind": (
        "sh:targetClass ex:Thing",
        "SELECT $this ?size ?limit WHERE { $this ex:size ?s ; ex:limit ?limit . BIND (?s * 2 AS ?size) "
        "FILTER (?size > ?limit) }",
        True,
    ),
    "optional-stays-per-focus-node": (
        "sh:targetClass ex:Thing",
        "SELECT $this ?size ?limit WHERE { $this ex:size ?size . OPTIONAL { $this ex:limit ?limit } "
        "FILTER (?size > ?limit) }",
        False,
    ),
    "exists-stays-per-focus-node": (
        "sh:targetClass ex:Thing",
        "SELECT $this ?size ?limit WHERE { $this ex:size ?size ; ex:limit ?limit . "
        "FILTER (?size > ?limit && EXISTS { ?x ex:part $this }) }",
        False,
    ),
    "limit-stays-per-focus-node": ("sh:targetClass ex:Thing", PLAIN + " LIMIT 1", False),
}


def _parts(graph: Graph) -> list[bytes]:
    return [graph.serialize(format="nt", encoding="utf-8")]


def _reference(data: Graph, shapes: Graph, ontology: Graph | None = None) -> list[Row]:
    """pyshacl's results as (focus, path, component, source shape, message, value as N-Triples)."""
    _, report = run_shacl(data, shapes, ontology)
    out = []
    for r in report.subjects(RDF.type, SH.ValidationResult):
        path, value = report.value(r, SH.resultPath), report.value(r, SH.value)
        out.append(
            (
                str(report.value(r, SH.focusNode)),
                str(path) if isinstance(path, URIRef) else "",
                str(report.value(r, SH.sourceConstraintComponent)),
                str(report.value(r, SH.sourceShape)),
                str(report.value(r, SH.resultMessage) or ""),
                value.n3() if value is not None else "",
            )
        )
    return sorted(out)


def _full(results: list[Result]) -> list[Row]:
    return sorted((r.focus, r.path, r.component, r.source_shape, r.message, r.value) for r in results)


def _sparql_only(results: list[Row]) -> list[Row]:
    return [r for r in results if r[2] == str(SH.SPARQLConstraintComponent)]


@pytest.mark.parametrize("name", sorted(CASES))
def test_sparql_constraint_gives_pyshacls_results(name: str) -> None:
    targets, select, whole_graph = CASES[name]
    data = Graph().parse(data=PREFIXES + DATA, format="turtle")
    shapes = Graph().parse(data=PREFIXES + SHAPE.format(targets=targets, select=select), format="turtle")
    prepared = prepare_shapes(shapes)
    assert len(prepared.whole_graph) == int(whole_graph)
    assert (str(SH.sparql) in prepared.text) is not whole_graph
    reference = _reference(data, shapes)
    fast = _full(run_fast(_parts(data), prepared))
    if whole_graph:  # messages and values too: the engine formats {?var} differently and gives no value
        assert fast == reference
    else:
        assert [r[:4] for r in fast] == [r[:4] for r in reference]


def test_cases_are_not_vacuous() -> None:
    """Every whole-graph case reports something, and not everything (the focus check matters)."""
    data = Graph().parse(data=PREFIXES + DATA, format="turtle")
    for name, (targets, select, whole_graph) in CASES.items():
        if not whole_graph:
            continue
        shapes = Graph().parse(data=PREFIXES + SHAPE.format(targets=targets, select=select), format="turtle")
        focus = {r.focus for r in run_fast(_parts(data), prepare_shapes(shapes))}
        assert focus and focus != {"http://ex/a", "http://ex/b", "http://ex/c", "http://ex/d"}, name


@pytest.mark.parametrize(
    "select",
    [
        "SELECT ?size ?limit WHERE { $this ex:size ?size ; ex:limit ?limit . FILTER (?size > ?limit) }",
        "SELECT $this WHERE { $this ex:size ?size . FILTER (?size > 1) } GROUP BY $this",
        "SELECT $this WHERE { { $this ex:size ?size } UNION { ?x ex:limit ?size } }",
        "SELECT $this WHERE { $this ex:size ?size . { SELECT ?size WHERE { ?y ex:limit ?size } } }",
        "SELECT $this WHERE { $this ex:size ?size . VALUES ?size { 1 } }",
        "SELECT $this WHERE { $this ex:size ?size . MINUS { $this ex:limit ?size } }",
        "SELECT $this WHERE { $this ex:size/ex:limit ?size }",
        "SELECT $this WHERE { $this ?p ?size }",
        "SELECT $this ?value WHERE { ?value ex:size ?size . FILTER (?size > 1) }",
        "SELECT $this WHERE { $this ex:size ?size . BIND (ex:a AS ?x) FILTER (?x = $PATH) }",
    ],
)
def test_queries_that_need_this_bound_stay_per_focus_node(select: str) -> None:
    """Only queries where binding $this first and filtering on ?this afterwards agree are taken out."""
    shapes = Graph().parse(
        data=PREFIXES + SHAPE.format(targets="sh:targetClass ex:Thing", select=select), format="turtle"
    )
    assert prepare_shapes(shapes).whole_graph == ()


def test_shape_used_by_another_shape_stays_with_the_engine() -> None:
    shapes = Graph().parse(
        data=PREFIXES
        + SHAPE.format(targets="sh:targetClass ex:Thing", select=PLAIN)
        + "ex:T a sh:NodeShape ; sh:targetNode ex:e ; sh:property [ sh:path ex:holds ; sh:node ex:S ] .",
        format="turtle",
    )
    prepared = prepare_shapes(shapes)
    assert prepared.whole_graph == ()
    assert str(SH.sparql) in prepared.text


def test_escaped_iris_and_lines_split_across_parts() -> None:
    r"""An IRI written with \u escapes, and a line that starts in one part and ends in the next."""
    shapes = Graph().parse(
        data=PREFIXES + SHAPE.format(targets="sh:targetClass ex:Thing", select=PLAIN), format="turtle"
    )
    data = Graph().parse(data=PREFIXES + DATA, format="turtle")
    text = data.serialize(format="nt", encoding="utf-8")
    escaped = text.replace(b"<http://ex/size>", b"<http://ex/\\u0073ize>")
    cut = text.index(b"<http://ex/a> <http://ex/limit>") + 20  # ex:a's only limit, which it exceeds
    prepared = prepare_shapes(shapes)
    expected = _reference(data, shapes)
    assert "http://ex/a" in {r[0] for r in expected}
    assert _full(run_fast([escaped], prepared)) == expected
    assert _full(run_fast([text[:cut], text[cut:]], prepared)) == expected


def test_no_sparql_constraint_nothing_taken_out() -> None:
    shapes = Graph().parse(
        data=PREFIXES
        + "ex:S a sh:NodeShape ; sh:targetClass ex:Thing ; sh:property [ sh:path ex:size ; sh:maxCount 0 ] .",
        format="turtle",
    )
    prepared = prepare_shapes(shapes)
    assert isinstance(prepared, PreparedShapes) and prepared.whole_graph == ()
    data = Graph().parse(data=PREFIXES + DATA, format="turtle")
    fast = [r[:4] for r in _full(run_fast(_parts(data), prepared))]
    assert len(fast) == 4 and fast == [r[:4] for r in _reference(data, shapes)]


def test_kg_offset_constraint_runs_once_and_matches_pyshacl_on_the_seed(
    seed_graph: Graph, shapes_graph: Graph, ontology_graph: Graph
) -> None:
    """The seed with one evidence offset moved past the end of its document (and one before it, as is)."""
    prepared = prepare_shapes(shapes_graph)
    assert [q.shape for q in prepared.whole_graph] == ["https://w3id.org/conflict-kg/shapes#TextPositionSelectorShape"]
    data = Graph()
    data += seed_graph
    selector, end = min(data.subject_objects(OA.end))
    target = data.value(None, OA.hasSelector, selector)
    length = data.value(data.value(target, OA.hasSource), KGO.characterCount)
    assert isinstance(length, Literal) and isinstance(end, Literal)
    data.set((selector, OA.end, Literal(int(length) + 3, datatype=end.datatype)))
    parts = [data.serialize(format="nt", encoding="utf-8"), ontology_graph.serialize(format="nt", encoding="utf-8")]
    fast = run_fast(parts, prepared)
    reference = _reference(data, shapes_graph, ontology_graph)
    assert _sparql_only(_full(fast)) == _sparql_only(reference)
    assert [r[0] for r in _sparql_only(reference)] == [str(selector)]
    assert [r[:4] for r in _full(fast)] == [r[:4] for r in reference]
    # the report records (message with the numbers filled in, value, label, severity) are pyshacl's too
    _, report = run_shacl(data, shapes_graph, ontology_graph)
    sparql = "sh:SPARQLConstraintComponent"
    pyshacl_violations = [v for v in read_report(report, data) if v.component == sparql]
    assert [v for v in to_report(fast, data).violations if v.component == sparql] == pyshacl_violations
    assert [v.message for v in pyshacl_violations] == [
        f"evidence offset {int(length) + 3} lies beyond the end of its document ({length} characters)"
    ]
    assert end.toPython() != int(length) + 3


def test_seed_conforms_on_both_engines(seed_graph: Graph, shapes_graph: Graph, ontology_graph: Graph) -> None:
    parts = [
        seed_graph.serialize(format="nt", encoding="utf-8"),
        ontology_graph.serialize(format="nt", encoding="utf-8"),
    ]
    assert run_fast(parts, prepare_shapes(shapes_graph)) == []
    assert _reference(seed_graph, shapes_graph, ontology_graph) == []


# ----------------------------------------------------------------------------------------------
# the data-only cache of prepared shapes and ontology, and `kg validate`'s default engine
# ----------------------------------------------------------------------------------------------


def test_cached_checks_are_the_prepared_ones_and_give_the_same_results(
    tmp_path: Path, settings: Settings, seed_graph: Graph
) -> None:
    files = (settings.shapes_file, settings.ontology_files)
    fresh = load_checks(*files, None)  # no cache: parsed and prepared now
    first = load_checks(*files, tmp_path)
    [cached_file] = tmp_path.iterdir()
    assert cached_file.name == f"shapes-{checks_key(*files)}.json"
    again = load_checks(*files, tmp_path)
    assert first.warning is None and again.warning is None
    assert again == first  # read back from JSON: the same shapes text, rewrites, queries and ontology bytes
    assert [q.shape for q in again.shapes.whole_graph] == [q.shape for q in fresh.shapes.whole_graph] != []
    assert again.shapes.rewrites.keys() == fresh.shapes.rewrites.keys() != set()
    data = Graph()
    data += seed_graph
    selector, end = min(data.subject_objects(OA.end))
    data.set((selector, OA.end, Literal(99999, datatype=end.datatype)))  # beyond its document
    event = min(data.subjects(KGO.eventType))  # no label in any language: the rewritten qualified shape
    data.remove((event, RDFS.label, None))
    cached = [
        r.key() for r in run_fast([data.serialize(format="nt", encoding="utf-8"), again.ontology_nt], again.shapes)
    ]
    shapes, ontology = read_rdf([settings.shapes_file]), read_rdf(settings.ontology_files)
    assert cached == [
        r.key()
        for r in run_fast([data.serialize(format="nt", encoding="utf-8"), fresh.ontology_nt], prepare_shapes(shapes))
    ]
    assert len(cached) == 2
    lines = validate_lazily(data, again, lambda: (shapes, ontology)).lines()
    assert lines == validate_lazily(data, None, lambda: (shapes, ontology)).lines()  # pyshacl's own lines


def test_a_broken_cache_file_is_rebuilt_with_one_warning_and_a_changed_file_changes_the_key(
    tmp_path: Path, settings: Settings
) -> None:
    cache = tmp_path / "cache"
    good = load_checks(settings.shapes_file, settings.ontology_files, cache)
    [cached_file] = cache.iterdir()
    cached_file.write_text('{"layout": 1, "shapes": 3}')
    rebuilt = load_checks(settings.shapes_file, settings.ontology_files, cache)
    assert rebuilt.warning == f"{cached_file}: not a kg validation cache; ignored and rebuilt"
    assert rebuilt.shapes.whole_graph == good.shapes.whole_graph  # prepared anew (blank nodes get new labels)
    third = load_checks(settings.shapes_file, settings.ontology_files, cache)
    assert third.warning is None and (third.shapes, third.ontology_nt) == (rebuilt.shapes, rebuilt.ontology_nt)
    shapes = tmp_path / "shapes.ttl"
    shapes.write_bytes(settings.shapes_file.read_bytes() + b"\n# a comment changes the digest\n")
    assert checks_key(shapes, settings.ontology_files) != checks_key(settings.shapes_file, settings.ontology_files)
    load_checks(shapes, settings.ontology_files, cache)
    assert len(list(cache.iterdir())) == 2
    for n in range(MAX_CACHED_CHECKS):  # more versions of the shapes than the cache keeps: the newest stay
        shapes.write_bytes(settings.shapes_file.read_bytes() + f"\n# version {n}\n".encode())
        load_checks(shapes, settings.ontology_files, cache)
    kept = sorted(f.name for f in cache.iterdir())
    assert len(kept) == MAX_CACHED_CHECKS and f"shapes-{checks_key(shapes, settings.ontology_files)}.json" in kept
    assert cached_file.name not in kept  # the oldest went


def test_validate_prints_pyshacls_lines_by_default(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A meeting with one attendee in an annotation: the default engine prints pyshacl's line, file and line
    included (the origins are found only once the graph does not conform)."""
    articles = tmp_path / "articles"
    shutil.copytree(MINIMAL / "articles", articles)
    ann = articles / "testville-2023-03-03" / "annotation.yaml"
    ann.write_text(ann.read_text().replace("type: protest", "type: meeting"))
    args = ["validate", str(ann), "--registry", str(MINIMAL / "registry.yaml"), "--dist", str(tmp_path / "dist")]
    outputs = []
    for engine in ([], ["--shacl-engine", "pyshacl"], ["--shacl-engine", "fast"]):
        assert main([*args, *engine]) == 1
        outputs.append(capsys.readouterr())
    assert outputs[0] == outputs[1] == outputs[2]
    [line] = outputs[0].out.splitlines()
    assert line.startswith(f"{ann}:10: Rally in Testville <") and "a meeting has at least two attendees" in line
    assert outputs[0].err == "kg validate: 1 violation(s)\n"
    [cached] = (tmp_path / "dist" / ".kg-cache" / "validation").iterdir()
    assert cached.name.startswith("shapes-")


def test_a_query_whose_predicate_the_data_lacks_is_not_searched_for_and_finds_the_same(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Without any ex:limit triple the query has no row, and its lines are not gathered; with one, it is
    run and finds the violation (a partition of dataset rows has no oa:end, an article's has)."""
    import kg.validation_fast as fast

    shapes = Graph().parse(
        data=PREFIXES + SHAPE.format(targets="sh:targetClass ex:Thing", select=PLAIN), format="turtle"
    )
    prepared = prepare_shapes(shapes)
    assert [sorted(q.required) for q in prepared.whole_graph] == [["http://ex/limit", "http://ex/size"]]
    data = Graph().parse(data=PREFIXES + DATA, format="turtle")
    lacking = Graph()
    lacking += data
    lacking.remove((None, URIRef("http://ex/limit"), None))
    real = fast.whole_graph_data
    searched: list[int] = []

    def gathering(parts: list[bytes], queries: list[fast.WholeGraphQuery]) -> bytes:
        searched.append(len(queries))
        return real(parts, queries)

    monkeypatch.setattr(fast, "whole_graph_data", gathering)
    assert _sparql_only(_full(run_fast(_parts(lacking), prepared))) == []
    assert searched == []
    found = _sparql_only(_full(run_fast(_parts(data), prepared)))
    assert found == _sparql_only(_reference(data, shapes)) != []
    assert searched == [1]


def test_a_predicate_only_declared_as_a_subject_or_named_as_an_object_does_not_make_the_query_run(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The ontology declares kg's properties (oa:end is a subject there, and the object of a
    sub-property): the query needing ex:limit as a predicate is still not searched for; a literal
    holding the text is a (harmless) reason to run it."""
    import kg.validation_fast as fast

    shapes = Graph().parse(
        data=PREFIXES + SHAPE.format(targets="sh:targetClass ex:Thing", select=PLAIN), format="turtle"
    )
    prepared = prepare_shapes(shapes)
    data = Graph().parse(data=PREFIXES + DATA, format="turtle")
    data.remove((None, URIRef("http://ex/limit"), None))
    ontology = (
        b"<http://ex/limit> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
        b"<http://www.w3.org/1999/02/22-rdf-syntax-ns#Property> .\n"
        b"<http://ex/upper> <http://www.w3.org/2000/01/rdf-schema#subPropertyOf> <http://ex/limit> .\n"
    )
    literal = b'<http://ex/note> <http://ex/says> "a <http://ex/limit> <http://ex/x> ." .\n'
    searched: list[int] = []
    real = fast.whole_graph_data

    def gathering(parts: list[bytes], queries: list[fast.WholeGraphQuery]) -> bytes:
        searched.append(len(queries))
        return real(parts, queries)

    monkeypatch.setattr(fast, "whole_graph_data", gathering)
    assert _sparql_only(_full(run_fast([*_parts(data), ontology], prepared))) == []
    assert searched == []
    assert _sparql_only(_full(run_fast([*_parts(data), ontology, literal], prepared))) == []
    assert searched == [1]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (b'<http://ex/s> <http://ex/p> "1" .\n', True),
        (b"<http://ex/s> <http://ex/p> <http://ex/o> .\n", True),
        (b"_:b0 <http://ex/p> _:b1 .\n", True),
        (b"<http://ex/p> <http://ex/q> <http://ex/o> .\n", False),
        (b"<http://ex/s> <http://ex/q> <http://ex/p> .\n", False),
        (b"<http://ex/s> <http://ex/q> <http://ex/p> .\n<http://ex/p> <http://ex/q> _:b .\n", False),
    ],
)
def test_as_predicate_finds_the_iri_between_a_subject_and_an_object_only(line: bytes, expected: bool) -> None:
    from kg.validation_fast import _as_predicate

    assert _as_predicate(b"<http://ex/p>", line) is expected


# ----------------------------------------------------------------------------------------------
# read_predicates: the triples validation can read, so that an import leaves the others out
# ----------------------------------------------------------------------------------------------

#: shapes reading ex:size (a path), ex:part (a target) and, in a SPARQL constraint's NOT EXISTS, ex:limit
READING = """
ex:Prefixes sh:declare [ sh:prefix "ex" ; sh:namespace "http://ex/"^^xsd:anyURI ] .
ex:S a sh:NodeShape ; sh:targetClass ex:Thing ;
    sh:property [ sh:path ex:size ; sh:maxCount 1 ; sh:class ex:Thing ] .
ex:T a sh:NodeShape ; sh:targetSubjectsOf ex:part ;
    sh:sparql [ a sh:SPARQLConstraint ; sh:prefixes ex:Prefixes ;
        sh:select \"\"\"SELECT $this WHERE { $this ex:part ?p . FILTER NOT EXISTS { ?p ex:limit ?l } }\"\"\" ] .
"""


def test_read_predicates_are_the_shapes_iris_and_their_queries_predicates() -> None:
    from kg.validation_fast import read_predicates

    read = read_predicates(Graph().parse(data=PREFIXES + READING, format="turtle"))
    assert read is not None
    assert {"http://ex/size", "http://ex/part", "http://ex/limit", str(RDF.type), str(RDFS.subClassOf)} <= read
    assert "http://ex/colour" not in read
    bundled = read_predicates(read_rdf([Settings().shapes_file]))
    assert bundled is not None
    assert {str(KGO.linkStatus), "http://purl.org/dc/terms/creator", str(KGO.characterCount)} <= bundled
    assert not {str(KGO.goldsteinScale), str(KGO.rowLine), str(KGO.cameoCode), str(OA.motivatedBy)} & bundled


@pytest.mark.parametrize(
    "extra",
    [
        "ex:S sh:closed true .",  # reads every predicate of a focus node
        'ex:S sh:sparql [ sh:select "SELECT $this WHERE { $this ?p ?o }" ] .',  # a variable predicate
        'ex:S sh:sparql [ sh:select "SELECT $this WHERE { $this <http://ex/a>/<http://ex/b> ?o }" ] .',  # a path
        'ex:S sh:sparql [ sh:select "SELECT $this WHERE { $this undeclared:p ?o }" ] .',  # does not parse
        'ex:S sh:sparql [ sh:select "SELECT $this WHERE { FILTER EXISTS { $this ?p ?o } }" ] .',
    ],
)
def test_shapes_that_may_read_any_predicate_read_all(extra: str) -> None:
    from kg.validation_fast import read_predicates

    assert read_predicates(Graph().parse(data=PREFIXES + READING + extra, format="turtle")) is None


def test_leaving_out_the_triples_of_predicates_no_shape_reads_gives_the_same_results() -> None:
    """ex:colour, ex:weight and ex:tag are read by no shape: the results with and without them are equal
    (and not empty: a size that is no Thing, two sizes, a part without a limit)."""
    from kg.validation_fast import read_predicates

    shapes = Graph().parse(data=PREFIXES + READING, format="turtle")
    data = Graph().parse(
        data=PREFIXES
        + DATA
        + "ex:a ex:colour ex:b ; ex:weight 3 . ex:c ex:size ex:a ; ex:tag ex:c . ex:d ex:part ex:e ; ex:colour 1 .",
        format="turtle",
    )
    read = read_predicates(shapes)
    assert read is not None
    kept = Graph()
    for triple in data:
        if str(triple[1]) in read:
            kept.add(triple)
    assert len(kept) < len(data) - 4
    prepared = prepare_shapes(shapes)
    expected = _full(run_fast(_parts(data), prepared))
    assert expected != [] and {r[0] for r in expected} >= {"http://ex/c", "http://ex/d"}
    assert _full(run_fast(_parts(kept), prepared)) == expected
