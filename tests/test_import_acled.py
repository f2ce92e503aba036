"""ACLED rows as reports, from invented rows written from the codebook (tests/cases/acled/SOURCES.md).

Expected values are read by eye from tests/cases/acled/acled_invented.csv.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, SKOS, VOID, XSD
from tests.datasets import BASE, import_graph

from kg import queries
from kg.build import dumps
from kg.build.stages import build
from kg.cli import main
from kg.mapping import RegistryTerms
from kg.namespaces import ACLED, KGG, KGO, KGP, KGR
from kg.project import load_settings
from kg.redistribution import check_redistribution
from kg.sources import acled
from kg.sources.dataset import Imported, import_files
from kg.store import open_graph

CASES = Path(__file__).parent / "cases"
ROWS = CASES / "acled" / "acled_invented.csv"
ID = BASE + "id/"


@pytest.fixture(scope="module")
def imported() -> tuple[Imported, Graph]:
    return import_graph(acled.DATASET, [ROWS], "test")


def _report(row: str) -> URIRef:
    return URIRef(f"{ID}report/acled/test/{row}")


def test_every_row_imports_with_its_sub_event_type(imported: tuple[Imported, Graph], ontology_graph: Graph) -> None:
    result, g = imported
    assert result.refused == []
    assert len(result.reports) == 25
    types = {g.value(_report(f"tst{n}"), KGO.acledType) for n in range(1, 26)}
    assert len(types) == 25  # one row for each of the 25 sub-event types
    for concept in types:
        assert (concept, SKOS.inScheme, ACLED.scheme) in ontology_graph, concept
    categories = set(g.objects(None, KGO.actorCategory))
    assert categories == {ACLED[f"inter-{n}"] for n in (1, 2, 3, 5, 6, 7)}
    assert all((c, SKOS.inScheme, ACLED.inter) in ontology_graph for c in categories)
    assert g.value(_report("tst7"), KGO.acledType) == ACLED["shelling-artillery-missile-attack"]
    assert g.value(_report("tst23"), KGO.acledType) == ACLED["looting-property-destruction"]


def test_time_and_geo_precision_codes(imported: tuple[Imported, Graph]) -> None:
    g = imported[1]
    # TST1: time 1, geo 1 at Testville 10.5, -20.25
    assert g.value(_report("tst1"), KGO.datePrecision) == KGP.day
    assert g.value(_report("tst1"), KGO.geoPrecision) == KGG.exact
    place = g.value(_report("tst1"), KGO.location)
    assert g.value(place, KGO.latitude) == Literal("10.5000", datatype=XSD.decimal)
    # TST2: time 2 (week), geo 2 (near Northtown)
    assert g.value(_report("tst2"), KGO.datePrecision) == KGP.week
    assert g.value(_report("tst2"), KGO.sourceDatePrecision) == ACLED["time-precision-2"]
    assert g.value(_report("tst2"), KGO.geoPrecision) == KGG.near
    # TST3: time 3 (month), geo 3 (North Province)
    assert g.value(_report("tst3"), KGO.datePrecision) == KGP.month
    assert g.value(_report("tst3"), KGO.geoPrecision) == KGG.admin1
    assert g.value(_report("tst3"), KGO.sourceGeoPrecision) == ACLED["geo-precision-3"]
    # TST7: "15 March 2023"
    assert g.value(_report("tst7"), KGO.startDate) == Literal("2023-03-15", datatype=XSD.date)


def test_associated_actors_share_their_actors_role(imported: tuple[Imported, Graph]) -> None:
    """TST11: Hill Front attacks Civilians (Testland) with Farmers (Testland); Herders (Testland)."""
    g = imported[1]
    roles = {
        (
            g.value(p, KGO.role),
            str(g.value(g.value(p, KGO.agent), URIRef("http://www.w3.org/2000/01/rdf-schema#label"))),
        )
        for p in g.subjects(KGO.inReport, _report("tst11"))
        if (p, RDF.type, KGO.Participation) in g
    }
    assert roles == {
        (KGR.perpetrator, "Hill Front"),
        (KGR.target, "Civilians (Testland)"),
        (KGR.target, "Farmers (Testland)"),
        (KGR.target, "Herders (Testland)"),
    }
    assert (URIRef(ID + "group/acled-civilians-testland"), RDF.type, KGO.Civilians) in g
    police = URIRef(ID + "group/acled-police-forces-of-testland-2020")
    assert (police, RDF.type, KGO.SecurityForces) in g
    assert g.value(police, KGO.actorCategory) == ACLED["inter-1"]  # inter2 1 in TST6, TST14 …
    assert g.value(URIRef(ID + "group/acled-protesters-testland"), KGO.actorCategory) == ACLED["inter-6"]
    assert g.value(URIRef(ID + "group/acled-farmers-testland"), KGO.actorCategory) is None  # an associated actor


def test_fatalities_and_the_rows_timestamp(imported: tuple[Imported, Graph]) -> None:
    """TST6: 6 fatalities; timestamp 1700000000 is 2023-11-14 (UTC)."""
    g = imported[1]
    figure = URIRef(f"{ID}figure/acled/test/tst6/fatalities")
    assert g.value(figure, URIRef("https://schema.org/value")) == Literal(6, datatype=XSD.nonNegativeInteger)
    assert g.value(figure, KGO.asOf) == Literal("2023-11-14", datatype=XSD.date)
    release = URIRef(f"{ID}document/acled/test")
    assert g.value(release, KGO.redistributable) == Literal(False)
    assert g.value(release, DCTERMS.license) is None


def test_a_row_with_an_unknown_sub_event_type_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(ROWS.read_text(encoding="utf-8").replace(",Grenade,", ",Hand grenade,"), encoding="utf-8")
    result = import_files(acled.DATASET, [bad], "test", RegistryTerms({}, {}, {}))
    assert len(result.reports) == 24
    assert [e.render() for e in result.refused] == [
        f"{bad}:10:sub_event_type: 'Hand grenade' is not a sub-event type of Explosions/Remote violence "
        "(Chemical weapon, Air/drone strike, Suicide bomb, Shelling/artillery/missile attack, "
        "Remote explosive/landmine/IED, Grenade)"
    ]


def test_an_acled_build_conforms_and_is_published_only_on_request(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (project / "registry.yaml").write_bytes((CASES / "ucdp" / "project" / "registry.yaml").read_bytes())
    (project / "acled.csv").write_bytes(ROWS.read_bytes())
    (project / "kg.toml").write_text(
        'base = "https://example.org/kg/"\n'
        '[sources.registry]\ntype = "registry"\npath = "registry.yaml"\n'
        '[sources.acled]\ntype = "acled"\npath = "acled.csv"\n',
        encoding="utf-8",
    )
    dist = tmp_path / "dist"
    build(load_settings({"dist_dir": dist}, file=project / "kg.toml"), engine="fast")
    void = Graph().parse(dist / "void.ttl")
    release = URIRef(f"{ID}document/acled/acled")
    dataset = void.value(None, VOID.subset, release)
    assert "forbid redistributing" in str(void.value(dataset, DCTERMS.rights))
    # the country of the rows is the registry's Testland
    nt = (dist / "kg.nt").read_bytes()
    assert f"<{ID}place/acled/acled/tst1> <{KGO.withinPlace}> <{ID}place/testland> .".encode() in nt
    store = open_graph([dist / "kg.nt", *load_settings().ontology_files], backend="oxigraph")
    query = queries.get_query("events-by-acled-type")
    rows = queries.run_query(store, query.text, queries.bind_params(query, {}))
    counts = {str(r[1]): int(r[2]) for r in rows}  # type: ignore[index]
    assert counts == {
        "Strategic developments": 8,
        "Explosions/Remote violence": 6,
        "Battles": 3,
        "Protests": 3,
        "Violence against civilians": 3,
        "Riots": 2,
    }
    for command in (["push", "--endpoint", "http://127.0.0.1:9/query"], ["serve", "--port", "9"]):
        assert main([*command, "--dist", str(dist)]) == 2
        err = capsys.readouterr().err
        assert f"holds rows of {release}, whose terms forbid redistributing them" in err
        assert "--include-restricted" in err
    check_redistribution(dist, True, "push")  # given the flag, nothing is refused
    assert dumps.TYPED[-1] == f"<{KGO.DatasetRelease}>".encode()
