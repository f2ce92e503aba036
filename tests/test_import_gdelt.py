"""GDELT 2.0 and 1.0 rows as reports, and the 316 CAMEO codes of the vocabulary.

Expected values are read by eye from the files in tests/cases/gdelt/ (see SOURCES.md there) and
from the GDELT 2.0 codebook (quad classes of the root codes).
"""

from __future__ import annotations

import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS, SKOS, XSD
from tests.datasets import BASE, import_graph

from kg import queries
from kg.cli import main
from kg.config import Settings
from kg.errors import KGError
from kg.namespaces import CAMEO, KGET, KGG, KGO, KGR, OA
from kg.sources import gdelt
from kg.sources.dataset import Imported
from kg.store import open_graph

CASES = Path(__file__).parent / "cases" / "gdelt"
WRITTEN = CASES / "gdelt2_written.tsv"
REAL = CASES / "gdelt1_real.tsv"
REAL_57 = CASES / "gdelt1_real_57.tsv"
ID = BASE + "id/"


def _import(*files: Path) -> tuple[Imported, Graph]:
    return import_graph(gdelt.DATASET, files, "test")


def _report(row: str) -> URIRef:
    return URIRef(f"{ID}report/gdelt/test/{row}")


def _event(row: str) -> URIRef:
    return URIRef(f"{ID}event/gdelt/test/{row}")


def test_the_vocabulary_has_all_316_cameo_codes_with_root_and_quad_class(ontology_graph: Graph) -> None:
    codes = gdelt.cameo_codes()
    assert len(codes) == 316
    assert {root for _, root, _ in codes.values()} == {f"{n:02d}" for n in range(1, 21)}
    # GDELT 2.0 codebook, QuadClass: 01-05 verbal cooperation, 06-08 material cooperation,
    # 09-13 verbal conflict, 14-20 material conflict
    expected = {f"{n:02d}": "1" if n <= 5 else "2" if n <= 8 else "3" if n <= 13 else "4" for n in range(1, 21)}
    assert {root: quad for _, root, quad in codes.values()} == expected
    assert codes["1831"] == ("Carry out suicide bombing", "18", "4")
    assert codes["183"][1] == "18"  # listed as "1883" in the file the list was taken from
    assert ontology_graph.value(CAMEO["1831"], SKOS.broader) == CAMEO["183"]
    assert "Threaten" in codes["1385"][0]


def test_gdelt_2_rows(ontology_graph: Graph) -> None:
    result, g = _import(WRITTEN)
    assert result.refused == []
    fight = _report("1000000001")
    assert g.value(fight, KGO.cameoCode) == CAMEO["193"]
    assert g.value(fight, KGO.quadClass) == CAMEO["quad-class-4"]
    assert g.value(fight, KGO.goldsteinScale) == Literal(Decimal("-10.0"), datatype=XSD.decimal)
    assert g.value(fight, KGO.numMentions) == Literal(10, datatype=XSD.nonNegativeInteger)
    assert g.value(fight, KGO.geoPrecision) == KGG.exact
    place = g.value(fight, KGO.location)
    assert place == URIRef(ID + "place/gdelt/n1234567")  # FeatureID -1234567
    assert g.value(place, KGO.latitude) == Literal(Decimal("10.5"), datatype=XSD.decimal)
    assert g.value(place, KGO.withinPlace) == URIRef(ID + "place/fips-ts")
    assert (_event("1000000001"), KGO.eventType, KGET["armed-clash"]) in g
    roles = {(g.value(p, KGO.role), g.value(p, KGO.agent)) for p in g.subjects(KGO.inReport, fight)} - {(None, None)}
    assert roles == {
        (KGR.perpetrator, URIRef(ID + "group/gdelt-tstmil")),
        (KGR.target, URIRef(ID + "group/gdelt-tstreb")),
    }
    visit = _report("1000000002")
    assert (_event("1000000002"), KGO.eventType, KGET.meeting) in g
    assert len(set(g.objects(_event("1000000002"), KGO.attendee))) == 2
    assert g.value(visit, KGO.location) == URIRef(ID + "place/fips-ts")
    assert g.value(visit, KGO.geoPrecision) == KGG.country
    assert g.value(URIRef(ID + "place/fips-ts"), KGO.latitude) is None  # the row's 10.0, -20.0 are the country's
    assert g.value(_report("1000000003"), KGO.geoPrecision) == KGG.admin1
    assert (_event("1000000003"), KGO.eventType, KGET.riot) in g
    trade = _report("1000000004")  # placed only by its Actor2Geo
    assert g.value(g.value(trade, KGO.location), RDFS.label) == Literal(
        "Harbourtown, South Province, Testland", lang="en"
    )
    assert (_event("1000000004"), KGO.eventType, KGET.interaction) in g


def test_gdelt_1_rows_of_58_and_57_columns() -> None:
    result, g = _import(REAL)
    assert [r.row for r in result.reports] == ["324845984", "324845987"]
    assert [e.render() for e in result.refused] == [
        f"{REAL}:3:ActionGeo_Type: is 0 (and so are Actor1Geo_Type and Actor2Geo_Type): no place"
    ]
    police = _report("324845984")
    assert g.value(police, KGO.cameoCode) == CAMEO["014"]
    assert g.value(police, KGO.startDate) == Literal("2004-11-26", datatype=XSD.date)
    target = g.value(g.value(police, KGO.evidence), OA.hasTarget)
    source = g.value(g.value(target, OA.hasSelector), KGO.sourceArticle)
    assert str(source).startswith("http://www.news.com.au/")
    short, g57 = _import(REAL_57)
    assert [r.row for r in short.reports] == ["324845984"]
    assert not any(g57.triples((None, KGO.sourceArticle, None)))


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("\t193\t193\t19\t4\t", "\t193\t193\t18\t4\t", "EventRootCode: '18' is not the root of 193 (19)"),
        ("\t193\t193\t19\t4\t", "\t193\t193\t19\t3\t", "QuadClass: '3' is not the quad class of 193 (4)"),
        ("\t193\t193\t19\t4\t", "\t999\t193\t19\t4\t", "EventCode: '999' is not a CAMEO event code"),
        ("1000000001\t20230105", "1000000001\t20231305", "SQLDATE: '20231305' is not a date (YYYYMMDD)"),
    ],
)
def test_a_bad_code_is_refused_with_its_column(tmp_path: Path, old: str, new: str, message: str) -> None:
    bad = tmp_path / "bad.tsv"
    text = WRITTEN.read_text(encoding="utf-8")
    assert old in text
    bad.write_text(text.replace(old, new), encoding="utf-8")
    result, _ = _import(bad)
    assert [e.render() for e in result.refused] == [f"{bad}:1:{message}"]
    assert len(result.reports) == 3


def test_import_validates_and_events_by_cameo_root(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "gdelt.nq"
    assert main(["import", "gdelt", str(WRITTEN), str(REAL), "--release", "test", "-o", str(out), "--base", BASE]) == 1
    err = capsys.readouterr().err
    assert "6 row(s) imported, 1 refused" in err
    nt = tmp_path / "gdelt.nt"
    graph = f" <{ID}document/gdelt/test> .\n".encode()
    nt.write_bytes(out.read_bytes().replace(graph, b" .\n"))
    store = open_graph([nt, *Settings().ontology_files], backend="oxigraph")
    query = queries.get_query("events-by-cameo-root")
    rows = queries.run_query(store, query.text, queries.bind_params(query, {}))
    counts = {str(r[1]): int(r[3]) for r in rows}  # type: ignore[index]
    assert counts == {"19": 1, "04": 1, "14": 1, "03": 1, "01": 1, "05": 1}


def test_a_zipped_file_reads_like_the_file(tmp_path: Path) -> None:
    """GDELT publishes `20230105.export.CSV.zip`, one file per archive."""
    archive = tmp_path / "20230105.export.CSV.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.write(WRITTEN, "20230105.export.CSV")
    zipped, plain = _import(archive), _import(WRITTEN)
    assert [r.row for r in zipped[0].reports] == [r.row for r in plain[0].reports]
    assert set(zipped[1]) == set(plain[1])
    two = tmp_path / "two.zip"
    with zipfile.ZipFile(two, "w") as z:
        z.write(WRITTEN, "a.CSV")
        z.write(WRITTEN, "b.CSV")
    with pytest.raises(KGError, match="not a zip file of one GDELT file: 2 members, expected 1"):
        _import(two)
