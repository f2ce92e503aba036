"""kg link at scale: the sweeps of kg.link.blocking give the same candidates as score.candidates (which
compares every pair sharing a month), rows read straight into records equal the records read from
their mapped graph, and the streamed path (`link_table`, `kg link --rows`) gives the same links graph
as `link_reports`. Hand-worked cases first, then equality on the labelled sets, the bundled data, the
dataset fixtures, random reports (hypothesis) and the scale generator's rows."""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Graph

from kg.link import blocking, link_reports, link_table, read_reports, score
from kg.link.decisions import Curated, CuratedLink
from kg.link.measure import corpus_graph, strip_links
from kg.link.nquads import build_links_lines
from kg.link.publish import LinkOutput, build_links
from kg.link.records import PlaceRecord, ReportRecord, reports_from_rows, row_context
from kg.mapping import map_dataset_reports
from kg.sources import ChunkInput, acled, gdelt, ucdp
from kg.sources.dataset import Dataset, import_files
from kg.sources.registry import SOURCE as REGISTRY
from kg.sources.registry import Provided
from kg.store import read_rdf

ROOT = Path(__file__).parents[1]
BASE = "https://w3id.org/conflict-kg/"
ID = BASE + "id/"
VOCAB = BASE + "vocab/"
ONTOLOGY = [ROOT / "ontology" / "kg.ttl", ROOT / "ontology" / "vocab.ttl"]
REGISTRY_FILE = ROOT / "data" / "registry.yaml"
FIXTURES: list[tuple[Dataset, Path]] = [
    (ucdp.DATASET, ROOT / "tests" / "cases" / "ucdp" / "conflict_data_BGD.csv"),
    (gdelt.DATASET, ROOT / "tests" / "cases" / "gdelt" / "gdelt2_written.tsv"),
    (acled.DATASET, ROOT / "tests" / "cases" / "acled" / "acled_invented.csv"),
    (ucdp.DATASET, ROOT / "tests" / "cases" / "link" / "ucdp-components.csv"),
]

# --- hand-worked: which pairs the sweeps find ------------------------------------------------------

XLAND = PlaceRecord(ID + "place/xland", 10.0, 20.0, is_country=True)
YLAND = PlaceRecord(ID + "place/yland", 10.0, 20.0, is_country=True)  # another IRI for the same country
TOWN_X = PlaceRecord(ID + "place/town-x", 10.0, 20.0)
TOWN_Y = PlaceRecord(ID + "place/town-y", 10.0, 20.01)  # 0.01° of longitude at 10° N: 1.1 km east
FAR_Y = PlaceRecord(ID + "place/far-y", 11.0, 20.0)  # 111 km north


def rec(key: str, day: int, place: PlaceRecord | None, within: tuple[PlaceRecord, ...], **kw: object) -> ReportRecord:
    fields: dict[str, object] = {
        "iri": ID + "report/" + key,
        "event": ID + "event/" + key,
        "document": ID + "document/" + key.split("/")[0],
        "dataset": True,
        "start": dt.date(2024, 3, day),
        "end": None,
        "precision": "day",
        "geo_precision": "exact",
        "place": place,
        "within": within,
        "types": (VOCAB + "event-type/armed-clash",),
        "codes": (VOCAB + "event-type/armed-clash",),
        "actors": (),
        "figures": (),
        "labels": (),
    }
    fields.update(kw)
    return ReportRecord(**fields)  # type: ignore[arg-type]


def _pairs(reports: list[ReportRecord]) -> set[tuple[str, str]]:
    table = blocking.ReportTable().extend(reports)
    keys = {
        tuple(sorted((a.iri.rsplit("/", 1)[-1], b.iri.rsplit("/", 1)[-1])))
        for *_, a, b in blocking.candidate_indices(table)
    }
    return keys  # type: ignore[return-value]


def test_the_sweeps_find_pairs_across_countries_by_distance_and_unplaced_reports_by_date() -> None:
    reports = [
        rec("u/a", 5, TOWN_X, (XLAND,)),  # UCDP's country
        rec("g1/b", 6, TOWN_Y, (YLAND,)),  # GDELT's country: no shared place, 1.1 km away, a day later
        rec("g2/c", 9, TOWN_Y, (YLAND,)),  # the same place four days later: dates apart from a and b
        rec("g3/d", 5, FAR_Y, (YLAND,)),  # 111 km from a (radii 3 + 3 km): places apart; b's country
        rec("v1/e", 8, None, ()),  # no place: any place, so c (a day apart) and nothing earlier than the 7th
        rec("v2/f", 5, None, (), precision="month", start=dt.date(2024, 3, 1)),  # all of March: every one
    ]
    # each in a document of its own; by hand: a-b (near across countries), c-e, and f with a, b, c, d,
    # e; not a-c, b-c (dates), a-d (far, no shared place), b-d (one country and a day apart, but both
    # give a geo precision and lie ~110 km apart, farther than both radii: places apart since
    # link-rules-5), b-e, d-e (three days apart)
    assert _pairs(reports) == {
        ("a", "b"),
        ("c", "e"),
        ("a", "f"),
        ("b", "f"),
        ("c", "f"),
        ("d", "f"),
        ("e", "f"),
    }


def test_one_documents_rows_are_paired_only_when_one_incident_is_coded_twice() -> None:
    state = rec("u/1", 5, TOWN_X, (XLAND,), violence="state-based", actors=(ID + "group/hill-front",))
    one_sided = rec("u/2", 5, TOWN_X, (XLAND,), violence="one-sided", actors=(ID + "group/hill-front",))
    same_kind = rec("u/3", 5, TOWN_X, (XLAND,), violence="one-sided", actors=(ID + "group/hill-front",))
    gdelt_rows = [rec("gdelt/4", 5, TOWN_X, (XLAND,)), rec("gdelt/5", 5, TOWN_X, (XLAND,))]
    # u/1-u/2 and u/1-u/3 are one attack coded as a state-based and a one-sided row; u/2-u/3 two
    # one-sided rows of one release: two events. GDELT repeats itself: its two rows pair.
    reports = [replace(r, document=ID + "document/ucdp-ged/u") for r in (state, one_sided, same_kind)]
    reports += [replace(r, document=ID + "document/gdelt/x") for r in gdelt_rows]
    assert _pairs(reports) >= {("1", "2"), ("1", "3"), ("4", "5")}
    assert ("2", "3") not in _pairs(reports)
    # the same when the release is swept apart from the others (a large document: 1M rows), with a row
    # of another day and one of another precision that its rows of the 5th must not pair with
    other_day = replace(state, iri=ID + "report/u/6", event=ID + "event/u/6", start=dt.date(2024, 3, 6))
    other_precision = replace(state, iri=ID + "report/u/7", event=ID + "event/u/7", precision="days")
    reports += [replace(r, document=ID + "document/ucdp-ged/u") for r in (other_day, other_precision)]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(blocking, "BIG_DOCUMENT", 3)
        pairs = set(blocking.candidate_pairs(blocking.ReportTable().extend(reports)))
        _same_candidates(reports)
    # the release's own pairs are those of equal dates and precision; each of its rows with each GDELT row
    keys = {tuple(sorted((reports[i].iri.rsplit("/", 1)[-1], reports[j].iri.rsplit("/", 1)[-1]))) for i, j in pairs}
    assert {k for k in keys if k[0] in "12367" and k[1] in "12367"} == {("1", "2"), ("1", "3"), ("2", "3")}
    assert {("1", "4"), ("1", "5"), ("2", "4"), ("4", "6"), ("5", "7"), ("4", "5")} <= keys


# --- the same candidates as score.candidates -------------------------------------------------------


def _same_candidates(reports: list[ReportRecord]) -> None:
    assert blocking.candidates(reports) == score.candidates(reports)


@pytest.fixture(scope="module")
def labelled() -> dict[str, list[ReportRecord]]:
    case = Graph()
    case.parse(ROOT / "tests" / "cases" / "link" / "reports.ttl")
    data = corpus_graph(REGISTRY_FILE, ROOT / "data" / "articles")
    dev = corpus_graph(
        ROOT / "tests" / "cases" / "extract" / "registry.yaml", ROOT / "tests" / "cases" / "extract" / "gold"
    )
    return {
        "case": read_reports(case),
        "data": read_reports(data),
        "data, links stripped": read_reports(strip_links(data)),
        "dev set, links stripped": read_reports(strip_links(dev)),
    }


def test_the_same_candidates_on_the_labelled_sets_and_the_bundled_data(labelled: dict[str, list[ReportRecord]]) -> None:
    for name, reports in labelled.items():
        found = blocking.candidates(reports)
        assert found == score.candidates(reports), name
        assert found, f"{name}: no candidates at all, the comparison proves nothing"


def _registry() -> tuple[Provided, set[tuple[object, object, object]]]:
    read = REGISTRY.read(ChunkInput("registry", "registry", (REGISTRY_FILE,), REGISTRY_FILE), {}, BASE)
    assert isinstance(read.provides, Provided)
    return read.provides, read.triples  # type: ignore[return-value]


@pytest.fixture(scope="module")
def fixture_rows() -> dict[str, tuple[list[ReportRecord], list[ReportRecord]]]:
    """For each dataset fixture: the records read from its mapped graph, and those read from its rows."""
    provided, triples = _registry()
    context = row_context(triples, ONTOLOGY)
    out = {}
    for n, (dataset, file) in enumerate(FIXTURES):
        imported = import_files(dataset, [file], f"r{n}", provided.terms)
        mapped: set[tuple[object, object, object]] = set()
        map_dataset_reports(imported.release, imported.reports, provided.terms, BASE, mapped)  # type: ignore[arg-type]
        graph = read_rdf(ONTOLOGY)
        for t in (*triples, *mapped):
            graph.add(t)  # type: ignore[arg-type]
        rows = reports_from_rows(imported.release, imported.reports, provided.terms, context, BASE)
        out[file.name] = (read_reports(graph), sorted(rows, key=lambda r: r.iri))
    return out


def test_rows_read_straight_into_records_equal_the_records_of_their_graph(
    fixture_rows: dict[str, tuple[list[ReportRecord], list[ReportRecord]]],
) -> None:
    for name, (from_graph, from_rows) in fixture_rows.items():
        assert len(from_rows) == len(from_graph) > 0, name
        for a, b in zip(from_graph, from_rows, strict=True):
            assert a == b, name
    registry_places = {
        p.iri for _, rows in fixture_rows.values() for r in rows for p in r.within if "/place/ucdp-" not in p.iri
    }
    assert any("/place/gw-" not in p and "/place/fips-" not in p for p in registry_places)  # the registry's own


def test_the_same_candidates_on_the_dataset_fixtures_together(
    fixture_rows: dict[str, tuple[list[ReportRecord], list[ReportRecord]]],
) -> None:
    reports = [r for _, rows in fixture_rows.values() for r in rows]
    found = blocking.candidates(reports)
    assert found == score.candidates(reports)
    assert found  # the fixtures are years apart: few pairs; the random reports and generated rows give more


_PLACES = (
    (None, ()),
    (TOWN_X, (XLAND,)),
    (TOWN_Y, (YLAND,)),
    (FAR_Y, (YLAND,)),
    (XLAND, ()),
    (PlaceRecord(ID + "place/region-x", 10.2, 20.2), (XLAND,)),
    (PlaceRecord(ID + "place/town-rx", 10.21, 20.2), (XLAND, PlaceRecord(ID + "place/region-x", 10.2, 20.2))),
    (PlaceRecord(ID + "place/lone", 10.3, 20.0), ()),  # no containing place: near by distance alone
    (PlaceRecord(ID + "place/mid-z", 10.8, 20.0), ()),  # 89 km north of the towns: two districts' radii reach
    (PlaceRecord(ID + "place/far-z", 12.7, 20.0), ()),  # 300 km north of the towns: only wide radii reach
    (PlaceRecord(ID + "place/nowhere"), ()),
)
_TYPES = (
    ((VOCAB + "event-type/armed-clash",), (VOCAB + "event-type/armed-clash",)),
    ((VOCAB + "event-type/riot",), (VOCAB + "event-type/riot", VOCAB + "event-type/unrest")),
    ((VOCAB + "event-type/protest",), (VOCAB + "event-type/protest",)),
    ((), ()),
)


@st.composite
def _report(draw: st.DrawFn, n: int) -> ReportRecord:
    place, within = draw(st.sampled_from(_PLACES))
    types, codes = draw(st.sampled_from(_TYPES))
    precision = draw(st.sampled_from(("day", "day", "days", "week", "month", "year", "start-of-year")))
    start = dt.date(2024, 1, 1) + dt.timedelta(days=draw(st.integers(0, 150)))
    end = draw(st.one_of(st.none(), st.integers(0, 40).map(lambda d: start + dt.timedelta(days=d))))
    doc = draw(st.sampled_from(("a", "b", "gdelt/g", "ucdp-ged/u")))
    return ReportRecord(
        iri=f"{ID}report/{doc}/{n}",
        event=f"{ID}event/{doc}/{n // 2 if draw(st.booleans()) else n}",
        document=f"{ID}document/{doc}/",
        dataset=doc != "a",
        start=start,
        end=end,
        precision=precision,
        geo_precision=draw(st.sampled_from((None, "exact", "near", "admin2", "admin1", "country", "international"))),
        place=place,
        within=within,
        types=types,
        codes=codes,
        actors=draw(st.sampled_from(((), (ID + "group/x",)))),
        figures=(),
        labels=(),
        violence=draw(st.sampled_from((None, "state-based", "one-sided"))),
    )


@st.composite
def _reports(draw: st.DrawFn) -> list[ReportRecord]:
    return [draw(_report(n)) for n in range(draw(st.integers(2, 30)))]


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_reports())
def test_the_same_candidates_on_random_reports(reports: list[ReportRecord]) -> None:
    _same_candidates(reports)
    # dealt out to 5 parts (a pool's): each pair in exactly one part
    table = blocking.ReportTable().extend(reports)
    whole = sorted((i, j) for i, j, *_ in blocking.candidate_indices(table))
    parts = [(i, j) for k in range(5) for i, j, *_ in blocking.candidate_indices(table, (k, 5))]
    assert sorted(parts) == whole


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_reports())
def test_the_same_candidates_when_every_document_is_swept_apart(reports: list[ReportRecord]) -> None:
    # a document of 2 reports or more counts as large: the ones that do not repeat themselves are crossed
    # with the others and paired within only on equal dates (what 1M rows of a release get)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(blocking, "BIG_DOCUMENT", 2)
        _same_candidates(reports)


# --- the streamed path: the same links graph ------------------------------------------------------


def _generator() -> object:
    spec = importlib.util.spec_from_file_location("generate_link_scale", ROOT / "benchmarks" / "generate_link_scale.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("generated")
    _generator().write(600, out)  # type: ignore[attr-defined]
    return out


def _generated_reports(folder: Path) -> Iterator[ReportRecord]:
    from kg.link.records import read_row_reports

    yield from read_row_reports("ucdp", folder / "ucdp.csv", REGISTRY_FILE, ONTOLOGY, BASE)
    yield from read_row_reports("gdelt", folder / "gdelt.tsv", REGISTRY_FILE, ONTOLOGY, BASE)


def test_the_streamed_path_gives_the_same_links_graph_with_curated_decisions(generated: Path) -> None:
    reports = sorted(_generated_reports(generated), key=lambda r: r.iri)
    scored = score.candidates(reports)
    assert blocking.candidates(reports) == scored
    high = [c for c in scored if c.score >= score.THRESHOLD]
    low = [c for c in scored if c.score < score.THRESHOLD]
    assert high and low
    when = dt.date(2026, 12, 7)
    why = 'same "attack", told twice: \\ é'
    accept = CuratedLink(a="x", b="y", decision="accepted", who="A. Curator", when=when, why=why)
    reject = CuratedLink(a="x", b="y", decision="rejected", who="B", when=when, why="two towns")
    curated = [
        Curated(low[0].a, low[0].b, accept, "links.yaml", 1),
        Curated(high[0].a, high[0].b, reject, "links.yaml", 2),
    ]
    whole = link_reports(BASE, reports, curated)
    stream, below = link_table(BASE, blocking.ReportTable().extend(reports), curated)
    streamed = LinkOutput(
        b"".join(stream.nquads), b"".join(stream.proposals), stream.links, stream.curated, stream.events
    )
    assert streamed.nquads == whole.nquads
    assert (streamed.links, streamed.curated, streamed.events) == (whole.links, whole.curated, whole.events)
    assert b'same \\"attack\\", told twice' in streamed.nquads  # the curated text, escaped as rdflib does
    pairs = json.loads(whole.proposals)["pairs"]
    kept = json.loads(streamed.proposals)["pairs"]
    curated_keys = {(c.a, c.b) for c in curated}
    assert kept == [p for p in pairs if p["score"] >= score.THRESHOLD or (p["a"], p["b"]) in curated_keys]
    assert below == len(pairs) - len(kept) > 0
    # by a pool of three processes (blocks dealt out to 24 parts): the same bytes, the same count
    pooled, pooled_below = link_table(BASE, blocking.ReportTable().extend(reports), curated, workers=3)
    assert b"".join(pooled.nquads) == streamed.nquads and b"".join(pooled.proposals) == streamed.proposals
    assert pooled_below == below


def test_the_line_writer_writes_the_bytes_of_rdflibs(labelled: dict[str, list[ReportRecord]]) -> None:
    reports = labelled["data, links stripped"]
    decisions = score.decide(reports, score.candidates(reports))
    assert any(d.linked for d in decisions)
    assert build_links_lines(BASE, reports, decisions, []) == build_links(BASE, reports, decisions, [])
    assert build_links_lines(BASE, reports, [], []) == build_links(BASE, reports, [], [])  # no pair at all
    # a curated link between two reports the scorer does not link: its who, when and why as rdflib writes them
    a, b = next((x.iri, y.iri) for x in reports for y in reports if x.document < y.document)
    accept = CuratedLink(
        a="x", b="y", decision="accepted", who="A. Curator", when=dt.date(2026, 12, 7), why='a "quote" \\ é'
    )
    curated = [Curated(a, b, accept, "links.yaml", 1)]
    decisions = score.decide(reports, score.candidates(reports), [(a, b)], [])
    assert build_links_lines(BASE, reports, decisions, curated) == build_links(BASE, reports, decisions, curated)


@pytest.mark.slow
def test_kg_link_rows_links_a_dataset_file_and_refuses_an_unknown_dataset_in_one_line(
    generated: Path, tmp_path: Path
) -> None:
    kg = [sys.executable, "-m", "kg", "link", "--dist", str(tmp_path / "out"), "--base", BASE]
    rows = ["--rows", "ucdp", str(generated / "ucdp.csv"), "--rows", "gdelt", str(generated / "gdelt.tsv")]
    done = subprocess.run([*kg, *rows], capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert done.returncode == 0, done.stderr
    reports = sorted(_generated_reports(generated), key=lambda r: r.iri)
    assert (tmp_path / "out" / "links.nq").read_bytes() == link_reports(BASE, reports, []).nquads
    assert f"kg link: {len(reports)} report(s)" in done.stdout
    bad = subprocess.run(
        [*kg, "--rows", "ucdpx", str(generated / "ucdp.csv")], capture_output=True, text=True, cwd=tmp_path, timeout=300
    )
    errors = [line for line in bad.stderr.splitlines() if "error" in line]
    assert bad.returncode == 2 and len(errors) == 1 and "unknown dataset 'ucdpx'" in errors[0], bad.stderr


def test_link_files_links_rows_with_a_graphs_reports() -> None:
    from kg.link import link_files

    graph = Graph()
    graph.parse(ROOT / "tests" / "cases" / "link" / "reports.ttl")
    rows = [("ucdp", ROOT / "tests" / "cases" / "link" / "ucdp-components.csv")]
    out, reports, _ = link_files(BASE, rows, REGISTRY_FILE, ONTOLOGY, graph)
    assert reports == 4 + 3  # the graph's four reports and the file's three rows
    nquads = b"".join(out.nquads).decode()
    # by the file's docstring (tests/test_link_ucdp.py): rows 910001 and 910002 are one attack coded twice
    # (state-based and one-sided, same day and point, a side in common), 910003 another incident
    row = ID + "report/ucdp-ged/ucdp-components/"
    linked = {line.split(" ")[2] for line in nquads.splitlines() if "#linkedReport>" in line}
    assert {f"<{row}910001>", f"<{row}910002>"} <= linked and f"<{row}910003>" not in linked
    proposals = json.loads(b"".join(out.proposals))
    assert any(p["reason"] == "one incident coded as several rows by its dataset" for p in proposals["pairs"])


def test_rows_of_one_incident_coded_twice_are_kept_whatever_their_score() -> None:
    from kg.link.records import read_row_reports

    rows = ROOT / "tests" / "cases" / "link" / "ucdp-components.csv"
    reports = list(read_row_reports("ucdp", rows, REGISTRY_FILE, ONTOLOGY, BASE))
    strict = 0.99  # above the score of the coded-twice pair (0.73): only the dataset's rule links it
    stream, below = link_table(BASE, blocking.ReportTable().extend(reports), [], strict)
    assert (stream.links, below) == (1, 0)
    assert b"".join(stream.nquads) == link_reports(BASE, reports, [], strict).nquads


def test_reports_of_small_radii_meet_across_families_as_far_as_both_radii_reach() -> None:
    # two district-level rows of two countries' families, 89 km apart: within 50 + 50 km, a pair (1-2);
    # an exact point as far from a district row is not (1-4, 2-3: 50 + 3 km), nor two exact ones (3-4); a
    # province-level row (250 km) 211 km from mid pairs with both rows there (2-5, 4-5), not with the
    # towns 300.2 km away (1-5: 250 + 50 km; 3-5); same places pair (1-3, 2-4)
    mid = PlaceRecord(ID + "place/mid", 10.8, 20.0)
    far = PlaceRecord(ID + "place/far", 12.7, 20.0)
    reports = [
        rec("a/1", 5, TOWN_X, (XLAND,), geo_precision="admin2"),
        rec("b/2", 5, mid, (YLAND,), geo_precision="admin2"),
        rec("c/3", 5, TOWN_X, (XLAND,)),
        rec("d/4", 5, mid, (YLAND,)),
        rec("e/5", 5, far, (), geo_precision="admin1"),
    ]
    assert _pairs(reports) == {("1", "2"), ("1", "3"), ("2", "4"), ("2", "5"), ("4", "5")}
    _same_candidates(reports)


def _killed_part(part: object) -> object:
    """What a process of the pool does when it is killed: ends with no answer and no exception."""
    import os

    os._exit(9)


def test_a_scoring_process_that_dies_is_one_error_not_a_wait(
    labelled: dict[str, list[ReportRecord]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A process of the pool killed without its answer (the out-of-memory killer) ends `kg link` with one
    error that says what to do; multiprocessing.Pool waited for the answer forever."""
    import kg.link
    from kg.errors import WorkerDied

    monkeypatch.setattr(kg.link, "_kept_part", _killed_part)
    reports = labelled["data, links stripped"]
    with pytest.raises(WorkerDied, match=r"kg link --jobs 1"):
        link_table(BASE, blocking.ReportTable().extend(reports), [], workers=2)
