"""`kg export events`: the flat table of events, read back with pandas and checked against values
written by hand from the bundled annotations (and from a few invented triples for what they lack)."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD

from kg.cli import main
from kg.errors import ExportError
from kg.exporters.events import COLUMNS, columns, event_rows, render_table
from kg.namespaces import ACLED, KGC, KGET, KGG, KGO, KGP, KGS, SCHEMA

pd = pytest.importorskip("pandas")
pq = pytest.importorskip("pyarrow.parquet")

BASE = "https://w3id.org/conflict-kg/id/"
DOC = BASE + "document/"
FIGURE_KINDS = (
    "killed",
    "injured",
    "arrested",
    "beheaded",
    "businesses_affected",
    "premises_looted",
    "vehicles_destroyed",
    "weapons_shops_seized",
    "regions_affected",
    "nights",
    "numerical_superiority",
    "participants",
    "casualties",
    "displaced",
    "houses_destroyed",
)
ROLES = ("chair", "attendee", "speaker", "target", "perpetrator", "participant")


def _plain(value: Any) -> Any:
    """A cell as a plain Python value: missing → None, dates → ISO strings, numpy numbers → int/float."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    if hasattr(value, "item"):  # a numpy scalar
        return value.item()
    return value


def _records(frame: Any) -> dict[str, dict[str, Any]]:
    """Rows keyed by report id (when there is one) or event id."""
    key = "report_id" if "report_id" in frame.columns else "event_id"
    return {r[key]: {k: _plain(v) for k, v in r.items()} for r in frame.to_dict("records")}


def _empty_row() -> dict[str, Any]:
    return {c.name: None for c in COLUMNS}


def _figures(**values: tuple[int | None, int | None, int | None]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for kind, (best, low, high) in values.items():
        out.update({f"{kind}_best": best, f"{kind}_low": low, f"{kind}_high": high})
    return out


def _read(payload: bytes, fmt: str) -> Any:
    if fmt == "csv":  # as a researcher reads it: codes as text (CAMEO 04 keeps its zero)
        return pd.read_csv(io.BytesIO(payload), dtype={"cameo_code": str})
    return pd.read_parquet(io.BytesIO(payload))


# Written by hand from data/registry.yaml and the four annotations.
ZHANAOZEN = {
    **_empty_row(),
    "event_id": BASE + "event/zhanaozen-protests-2022",
    "event_label": "Protests in Zhanaozen, January 2022",
    "kg_type": "protest",
    "acled_event_type": "Protests",  # kget:protest skos:closeMatch acled:protests
    "cameo_code": "141",  # … and cameo:141
    "date_start": "2022-01-02",
    "date_end": "2022-01-02",
    "date_precision": "day",
    "place_id": BASE + "place/zhanaozen",
    "place": "Zhanaozen",
    "country": "Kazakhstan",
    "latitude": 43.34116,
    "longitude": 52.86192,
    "reports": 2,
    "sources": 2,
    "source_ids": f"{DOC}wikipedia-en-2022-kazakh-protests-early; {DOC}wikipedia-en-2022-kazakh-unrest",
}
SUMMIT = {
    **_empty_row(),
    "event_id": BASE + "event/csto-kazakhstan-2022-01-10/csto-summit",
    "event_label": "CSTO video summit on the situation in Kazakhstan",
    "kg_type": "summit",
    "cameo_code": "04",
    "date_start": "2022-01-10",
    "date_end": "2022-01-10",
    "date_precision": "day",
    "place_id": BASE + "venue/csto-kazakhstan-2022-01-10/csto-video-conference",
    "place": "CSTO video conference of 10 January 2022",
    "actors_chair": "Republic of Armenia",
    "actors_attendee": "Akylbek Japarov; Alexander Lukashenko; Emomali Rahmon; Kassym-Jomart Tokayev; "
    "Nikol Pashinyan; Stanislav Zas; Vladimir Putin",
    "actors_speaker": "Kassym-Jomart Tokayev",
    "reports": 1,
    "sources": 1,
    "source_ids": DOC + "csto-kazakhstan-2022-01-10",
}
# The January 2022 unrest: four reports (the seed: start of the year; the early Wikipedia revision and the
# current one: 2 January, the latter to 11 January; VOA: January), all placed at Kazakhstan.
UNREST = {
    "kg_type": "unrest",
    "acled_event_type": None,  # deliberately unmapped, and no report codes it
    "date_start": "2022-01-01",
    "date_end": "2022-01-31",  # VOA's month
    "date_precision": "start-of-year",  # the seed's, shorter than VOA's month with the same start
    "place": "Kazakhstan",
    "country": "Kazakhstan",
    "geo_precision": "country",
    "latitude": 48.0,
    "longitude": 68.0,
    "reports": 4,
    "sources": 4,
    **_figures(
        # 16 (Tokayev's claim), 164 and 18 (superseded by 227 and 19), 238 and 19 (no claim), 227 (officials')
        killed=(238, 16, 238),
        # only "more than 1300" (Tokayev's claim): its bounds, 1301
        injured=(1301, 1301, 1301),
        # 7939 (early revision), "more than 9900" twice (one on the officials' claim)
        arrested=(9901, 7939, 9901),
        participants=(3800, 2001, 3800),  # "over 2,000" and 3,800
        casualties=(None, None, None),  # of unknown number
        regions_affected=(11, 11, 11),
        numerical_superiority=(5, 5, 5),
    ),
}
# Report rows: what each source said, nothing aggregated, superseded figures included.
UNREST_REPORTS = {
    BASE + "report/wikipedia-en-2022-kazakh-protests-early/protests": {
        "kg_type": "protest",  # the type this source gives
        "date_start": "2022-01-02",
        "date_end": "2022-01-02",
        "date_precision": "day",
        "sources": 1,
        "source_ids": DOC + "wikipedia-en-2022-kazakh-protests-early",
        **_figures(killed=(164, 18, 164), arrested=(7939, 7939, 7939), injured=(None, None, None)),
    },
    BASE + "report/wikipedia-en-2022-kazakh-unrest/unrest": {
        "kg_type": "unrest",
        "date_start": "2022-01-02",
        "date_end": "2022-01-11",
        "date_precision": "day",
        "actors_participant": "Government of Kazakhstan and its forces (side 2 of the infobox); "
        "Kazakh opposition and protesters (side 1 of the infobox)",
        **_figures(killed=(238, 19, 238), arrested=(9901, 9901, 9901), participants=(3800, 2001, 3800)),
    },
}


@pytest.fixture(scope="module", params=["csv", "parquet"])
def fmt(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def test_event_rows_read_back_with_pandas(published_graph: Graph, fmt: str) -> None:
    frame = _read(render_table(published_graph, fmt, "event"), fmt)
    assert list(frame.columns) == [c.name for c in COLUMNS]
    rows = _records(frame)
    assert rows[ZHANAOZEN["event_id"]] == ZHANAOZEN
    assert rows[SUMMIT["event_id"]] == SUMMIT
    unrest = rows[BASE + "event/kazakhstan-unrest-2022"]
    assert {k: unrest[k] for k in UNREST} == UNREST
    # one row per event, and every event of the graph has one
    events = {str(s) for s in published_graph.subjects(RDF.type, None) if "/id/event/" in str(s)}
    assert set(rows) == events


def test_report_rows_do_not_aggregate(published_graph: Graph, fmt: str) -> None:
    frame = _read(render_table(published_graph, fmt, "report"), fmt)
    assert list(frame.columns) == [c.name for c in columns("report")]
    rows = _records(frame)
    for report, expected in UNREST_REPORTS.items():
        assert {k: rows[report][k] for k in expected} == expected, report
    assert sum(r["event_id"] == BASE + "event/kazakhstan-unrest-2022" for r in rows.values()) == 4
    assert {r["reports"] for r in rows.values()} == {1}


def test_parquet_column_types(published_graph: Graph) -> None:
    schema = pq.read_schema(io.BytesIO(render_table(published_graph, "parquet")))
    types = {f.name: str(f.type) for f in schema}
    assert types["date_start"] == "date32[day]" and types["latitude"] == "double"
    assert types["killed_best"] == "int64" and types["reports"] == "int64" and types["cameo_code"] == "string"
    assert schema.field("geo_precision").metadata[b"description"].startswith(b"exact, near")


def _invented(published: Graph) -> Graph:
    """The seed plus one invented riot with two reports: divisions, a superseded, a withdrawn, a claimed
    and a "fewer than" figure, and reports that disagree on date and place."""
    g = Graph()
    for t in published:
        g.add(t)
    k = URIRef(BASE + "place/kazakhstan")
    region, district, town = (URIRef(BASE + f"place/test-{n}") for n in ("region", "district", "town"))
    event = URIRef(BASE + "event/test-riot")
    r1, r2 = URIRef(BASE + "report/test-a/riot"), URIRef(BASE + "report/test-b/riot")
    for place, cls, label, within in (
        (region, KGO.Region, "Region One", k),
        (district, KGO.Region, "District Two", region),
        (town, KGO.City, "Town Three", district),
    ):
        g.add((place, RDF.type, cls))
        g.add((place, RDFS.label, Literal(label, lang="en")))
        g.add((place, KGO.withinPlace, within))
    g.add((town, KGO.latitude, Literal("44.5", datatype=XSD.decimal)))
    g.add((town, KGO.longitude, Literal("66.25", datatype=XSD.decimal)))
    g.add((event, RDF.type, KGO.Riot))
    g.add((event, KGO.eventType, KGET.riot))
    g.add((event, RDFS.label, Literal("Test riot", lang="en")))
    for report, doc, start, precision, place, geo in (
        (r1, "test-a", "2022-01-05", KGP.day, town, KGG.exact),
        (r2, "test-b", "2022-01-03", KGP.week, k, KGG.country),
    ):
        g.add((report, RDF.type, KGO.Report))
        g.add((report, KGO.reportOf, event))
        g.add((report, KGO.startDate, Literal(start, datatype=XSD.date)))
        g.add((report, KGO.datePrecision, precision))
        g.add((report, KGO.location, place))
        g.add((report, KGO.geoPrecision, geo))
        g.add((report, URIRef("http://www.w3.org/ns/prov#wasDerivedFrom"), URIRef(DOC + doc)))
    g.add((r1, KGO.endDate, Literal("2022-01-06", datatype=XSD.date)))
    g.add((r1, KGO.acledType, ACLED["mob-violence"]))
    claim = URIRef(BASE + "claim/test-b/toll")
    early = URIRef(BASE + "figure/test/a-early")
    for name, report, value, low, high, extra in (
        ("a-early", r1, 20, 20, 20, ()),
        ("a-killed", r1, 10, 10, 10, ((KGO.supersedes, early),)),
        ("a-withdrawn", r1, 50, 50, 50, ((KGO.status, KGS.withdrawn),)),
        ("b-fewer", r2, 10, 0, 9, ()),
        ("b-claimed", r2, 30, None, None, ((KGO.accordingTo, claim),)),
    ):
        fig = URIRef(BASE + f"figure/test/{name}")
        g.add((fig, RDF.type, KGO.Figure))
        g.add((fig, KGO.figureOf, event))
        g.add((fig, KGO.inReport, report))
        g.add((fig, KGO.counts, KGC.killed))
        g.add((fig, SCHEMA.value, Literal(value)))
        if low is not None:
            g.add((fig, SCHEMA.minValue, Literal(low)))
            g.add((fig, SCHEMA.maxValue, Literal(high)))
        for p, o in extra:
            g.add((fig, p, o))
    return g


def test_disagreeing_reports_and_divisions(published_graph: Graph) -> None:
    g = _invented(published_graph)
    row = next(r for r in event_rows(g) if r["event_id"] == BASE + "event/test-riot")
    expected = {
        "kg_type": "riot",
        "acled_event_type": "Riots",  # broader of the report's own sub-event type
        "acled_sub_event_type": "Mob violence",
        "cameo_code": "145",  # no report codes it: kget:riot's mapping
        "date_start": dt.date(2022, 1, 3),  # report b's week …
        "date_end": dt.date(2022, 1, 9),  # … lasts to the 9th, past report a's end on the 6th
        "date_precision": "week",
        "place": "Town Three",  # report a places it exactly, report b only at the country
        "admin1": "Region One",
        "admin2": "District Two",
        "country": "Kazakhstan",
        "latitude": 44.5,
        "longitude": 66.25,
        "geo_precision": "exact",
        # current figures on no claim: 10 and "fewer than 10" (at most 9); 20 was superseded by the 10, 30 rests
        # on a claim, 50 was withdrawn; low and high span every figure but the withdrawn one
        "killed_best": 10,
        "killed_low": 0,
        "killed_high": 30,
        "reports": 2,
        "sources": 2,
    }
    assert {k: row[k] for k in expected} == expected
    by_report = {r["report_id"]: r for r in event_rows(g, "report") if r["event_id"] == row["event_id"]}
    a, b = by_report[BASE + "report/test-a/riot"], by_report[BASE + "report/test-b/riot"]
    assert (a["killed_best"], a["killed_low"], a["killed_high"]) == (10, 10, 20)
    assert (b["killed_best"], b["killed_low"], b["killed_high"]) == (9, 0, 30)
    assert (a["date_end"], b["date_end"], b["place"], b["admin1"]) == (
        dt.date(2022, 1, 6),
        dt.date(2022, 1, 9),
        "Kazakhstan",
        None,
    )
    assert b["acled_event_type"] == "Riots" and b["acled_sub_event_type"] is None  # only the type's mapping


def test_same_input_same_bytes_from_dist_and_store(seed_store: tuple[Path, Path]) -> None:
    from kg.store import open_graph, open_store, published_files

    dist, store = seed_store
    for fmt in ("csv", "parquet"):
        for by in ("event", "report"):
            first = render_table(open_graph(published_files(dist)), fmt, by)
            assert render_table(open_graph(published_files(dist), backend="oxigraph"), fmt, by) == first
            assert render_table(open_store(store, read_only=True), fmt, by) == first, (fmt, by)


def test_unknown_format_and_unit_list_the_valid_ones(published_graph: Graph) -> None:
    with pytest.raises(ExportError, match="use one of csv, parquet"):
        render_table(published_graph, "xlsx")
    with pytest.raises(ExportError, match="use one of event, report"):
        render_table(published_graph, "csv", "figure")


def test_cli_writes_events_and_reports(built_dist: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    dist = tmp_path / "dist"
    dist.mkdir()
    for name in ("kg.ttl", "ontology.ttl"):
        (dist / name).write_bytes((built_dist / name).read_bytes())
    assert main(["export", "events", "--dist", str(dist)]) == 0
    assert main(["export", "events", "--dist", str(dist), "--by", "report", "--format", "parquet"]) == 0
    assert capsys.readouterr().out.split() == [str(dist / "kg-events.csv"), str(dist / "kg-reports.parquet")]
    assert len(pd.read_csv(dist / "kg-events.csv")) == len(_records(pd.read_csv(dist / "kg-events.csv")))
    assert set(pd.read_parquet(dist / "kg-reports.parquet")["report_id"]) >= set(UNREST_REPORTS)
    # --format and --by belong to the table; an unknown export names `events` among the valid ones
    assert main(["export", "gexf", "--dist", str(dist), "--format", "csv"]) == 2
    assert main(["export", "table", "--dist", str(dist)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 2 and "apply to `kg export events` only" in err[0] and err[1].endswith("png, events")
