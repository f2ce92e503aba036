"""kg link's pure core: each feature on hand-written report pairs, blocking, the decisions, the
records read from a graph, and the links graph's determinism. Expected values are worked out by
hand from the rules' docstrings, not copied from kg's output."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import replace
from pathlib import Path

import pytest
from rdflib import Graph

from kg.link import link_reports, read_reports
from kg.link.records import PlaceRecord, ReportRecord
from kg.link.score import (
    THRESHOLD,
    actor_feature,
    apart,
    blocked,
    candidates,
    date_feature,
    date_span,
    decide,
    figure_feature,
    in_other_divisions,
    in_sibling_regions,
    label_feature,
    place_feature,
    score_pair,
    type_feature,
)

BASE = "https://w3id.org/conflict-kg/"
ID = BASE + "id/"
VOCAB = "https://w3id.org/conflict-kg/vocab/"
CASES = Path(__file__).parent / "cases" / "link"

LAND = PlaceRecord(ID + "place/testland", 10.0, 20.0, is_country=True)
OTHERLAND = PlaceRecord(ID + "place/otherland", -10.0, -20.0, is_country=True)
NORTH = PlaceRecord(ID + "place/north-province")
TOWN = PlaceRecord(ID + "place/testville", 10.0, 20.0)
NEAR_TOWN = PlaceRecord(ID + "place/testville-east", 10.0, 20.018)  # 0.018° of longitude at 10° N ≈ 1.97 km
FAR_TOWN = PlaceRecord(ID + "place/otherville", 11.0, 20.0)  # ≈ 111 km north


def report(key: str, **kw: object) -> ReportRecord:
    doc = key.split("/")[0]
    fields: dict[str, object] = {
        "iri": ID + "report/" + key,
        "event": ID + "event/" + key,
        "document": ID + "document/" + doc,
        "dataset": False,
        "start": dt.date(2024, 3, 5),
        "end": None,
        "precision": "day",
        "geo_precision": "exact",
        "place": TOWN,
        "within": (LAND,),
        "types": (VOCAB + "event-type/riot",),
        "codes": (VOCAB + "event-type/riot",),
        "actors": (),
        "figures": (),
        "labels": (),
    }
    fields.update(kw)
    return ReportRecord(**fields)  # type: ignore[arg-type]


# --- dates ------------------------------------------------------------------------------------


def test_date_span_respects_precision() -> None:
    assert date_span(report("a/x")) == (dt.date(2024, 3, 5), dt.date(2024, 3, 5))
    feb = report("a/x", start=dt.date(2024, 2, 1), precision="month")
    assert date_span(feb) == (dt.date(2024, 2, 1), dt.date(2024, 2, 29))  # 2024 is a leap year
    dec = report("a/x", start=dt.date(2023, 12, 1), precision="month")
    assert date_span(dec) == (dt.date(2023, 12, 1), dt.date(2023, 12, 31))
    year = report("a/x", start=dt.date(2023, 1, 1), precision="year")
    assert date_span(year) == (dt.date(2023, 1, 1), dt.date(2023, 12, 31))
    week = report("a/x", precision="week")
    assert date_span(week) == (dt.date(2024, 3, 5), dt.date(2024, 3, 11))
    ended = report("a/x", end=dt.date(2024, 3, 20), precision="month", start=dt.date(2024, 3, 1))
    assert date_span(ended) == (dt.date(2024, 3, 1), dt.date(2024, 3, 31))


def test_date_feature_reads_start_dates_by_precision() -> None:
    day = report("a/x")
    assert date_feature(day, report("b/y")) == 1.0
    assert date_feature(day, report("b/y", start=dt.date(2024, 3, 6))) == 0.7
    assert date_feature(day, report("b/y", start=dt.date(2024, 3, 8))) == 0.3
    month = report("b/y", start=dt.date(2024, 3, 1), precision="month")
    assert date_feature(day, month) == 0.6  # the month holds the day: a month's weight
    year = report("b/y", start=dt.date(2024, 1, 1), precision="start-of-year")
    assert date_feature(day, year) == 0.3  # "since the start of the year" is January; 5 March is not in it
    # a start without an end says nothing of duration: both began on the 5th, one says until the 7th
    assert date_feature(day, report("b/y", end=dt.date(2024, 3, 7))) == 1.0
    # both give ends: starts agree (1), ends two days apart (0.3)
    assert date_feature(report("a/x", end=dt.date(2024, 3, 5)), report("b/y", end=dt.date(2024, 3, 7))) == 0.65


# --- places -----------------------------------------------------------------------------------


def test_place_feature_levels() -> None:
    a = report("a/x")
    assert place_feature(a, report("b/y")) == 1.0
    country = report("b/y", place=LAND, within=(), geo_precision="country")
    assert place_feature(country, report("c/z", place=LAND, within=(), geo_precision="country")) == 0.5
    assert place_feature(a, country) == pytest.approx(0.35)  # containment 0.7 × country-level 0.5
    assert place_feature(a, report("b/y", place=NEAR_TOWN)) == 0.8  # ~2 km, within 3 + 3 km
    # 111 km apart, a region or only the country in common: without a geo precision the points say
    # nothing of how far the report's place may reach
    in_north = {"within": (NORTH, LAND), "geo_precision": None}
    assert place_feature(report("a/x", **in_north), report("b/y", place=FAR_TOWN, **in_north)) == 0.3
    assert place_feature(report("a/x", geo_precision=None), report("b/y", place=FAR_TOWN)) == 0.1
    abroad = report("b/y", place=PlaceRecord(ID + "place/elsewhere", -10.0, -20.0), within=(OTHERLAND,))
    assert place_feature(a, abroad) == 0.0
    assert place_feature(a, report("b/y", place=None, within=())) is None


def test_points_farther_apart_than_both_radii_are_apart() -> None:
    # both reports give a geo precision: 111 km is beyond 3 + 3 km (exact), 25 + 25 km (near) and
    # 50 + 50 km (admin2), but within 250 + 3 km (a region-wide report)
    for geo in ("exact", "near", "admin2"):
        a, far = report("a/x", geo_precision=geo), report("b/y", place=FAR_TOWN, geo_precision=geo)
        assert place_feature(a, far) == 0.0, geo
        assert blocked(a, far) == "places apart"
    assert place_feature(report("a/x", geo_precision="admin1"), report("b/y", place=FAR_TOWN)) == 0.8 * 0.7
    # 2 km apart: within the radii
    assert place_feature(report("a/x"), report("b/y", place=NEAR_TOWN)) == 0.8


DIVISION = PlaceRecord(ID + "place/ucdp-adm/testland/north-division")
EAST = PlaceRecord(ID + "place/ucdp-adm/testland/north-division/east-district")
WEST = PlaceRecord(ID + "place/ucdp-adm/testland/north-division/west-district")


def test_reports_in_two_districts_of_one_division_are_apart() -> None:
    # district-level rows 65 km apart (within 50 + 50 km), each in its own district of one division
    east = report(
        "a/x", geo_precision="admin2", place=PlaceRecord(ID + "place/r1", 10.0, 20.0), within=(LAND, DIVISION, EAST)
    )
    west = report(
        "b/y", geo_precision="admin2", place=PlaceRecord(ID + "place/r2", 10.58, 20.0), within=(LAND, DIVISION, WEST)
    )
    assert in_sibling_regions(east, west)
    assert place_feature(east, west) == 0.0
    # the same district: not siblings, and within the radii
    also_east = replace(west, within=(LAND, DIVISION, EAST))
    assert not in_sibling_regions(east, also_east) and place_feature(east, also_east) == 0.8
    # placed only in the division: it may be in either district
    in_division = replace(west, within=(LAND, DIVISION))
    assert not in_sibling_regions(east, in_division) and place_feature(east, in_division) == 0.8
    # another gazetteer's district: no shared region below the country, so not taken apart
    other = replace(west, within=(LAND, PlaceRecord(ID + "place/acled-adm/west")))
    assert not in_sibling_regions(east, other) and place_feature(east, other) == 0.8


def test_reports_in_districts_of_two_divisions_of_one_gazetteer_are_apart() -> None:
    # district-level rows 65 km apart (within 50 + 50 km) in two districts of two divisions: they share
    # only the country, but the divisions are two of one gazetteer's (minted side by side), which do not
    # overlap
    south = PlaceRecord(ID + "place/ucdp-adm/testland/south-division")
    south_west = PlaceRecord(ID + "place/ucdp-adm/testland/south-division/west-district")
    east = report(
        "a/x", geo_precision="admin2", place=PlaceRecord(ID + "place/r1", 10.0, 20.0), within=(LAND, DIVISION, EAST)
    )
    west = report(
        "b/y", geo_precision="admin2", place=PlaceRecord(ID + "place/r2", 10.58, 20.0), within=(LAND, south, south_west)
    )
    assert not in_sibling_regions(east, west) and in_other_divisions(east, west)
    assert place_feature(east, west) == 0.0 and blocked(east, west) == "places apart"
    # another gazetteer's division and district (ACLED's names): never taken apart; within the radii
    other = replace(west, within=(LAND, PlaceRecord(ID + "place/acled-adm/testland/south")))
    assert not in_other_divisions(east, other) and place_feature(east, other) == 0.8
    # placed only in the country: it may be anywhere in it
    in_country = replace(west, within=(LAND,))
    assert not in_other_divisions(east, in_country) and place_feature(east, in_country) == 0.8


# --- types, actors, figures, labels -------------------------------------------------------------


def _typed(key: str, kind: str, *codes: str) -> ReportRecord:
    t = VOCAB + "event-type/" + kind
    return report(key, types=(t,), codes=(t, *(VOCAB + c for c in codes)))


def test_type_feature_through_the_vocabulary() -> None:
    riot = _typed("a/x", "riot", "acled/riots")
    assert type_feature(riot, _typed("b/y", "riot")) == 1.0
    summit = _typed("a/x", "summit", "event-type/meeting")  # skos:broader* reaches meeting
    assert type_feature(summit, _typed("b/y", "meeting")) == 0.8
    assert type_feature(riot, _typed("b/y", "protest", "acled/protests")) == 0.5  # one family
    assert type_feature(riot, _typed("b/y", "summit", "event-type/meeting")) == 0.0
    # a riot is "fighting" or an armed clash to other sources; a protest is not
    assert type_feature(riot, _typed("b/y", "armed-clash")) == 0.5
    assert type_feature(_typed("a/x", "protest"), _typed("b/y", "armed-clash")) == 0.0
    assert type_feature(riot, report("b/y", types=(), codes=())) is None
    # a row with no kg type and only the ACLED code the riot maps to: a shared code
    assert type_feature(riot, report("b/y", types=(), codes=(VOCAB + "acled/riots",))) == 0.5
    # a row whose codes name the kg type itself
    assert type_feature(riot, report("b/y", types=(), codes=(VOCAB + "event-type/riot",))) == 0.8


def test_actor_feature_counts_only_actors_another_source_can_name() -> None:
    own = ID + "group/a/crowd"  # declared by document a: no other document can point at it
    shared, other = ID + "group/testland-police", ID + "person/jane-roe"
    assert actor_feature(report("a/x", actors=(own,)), report("b/y", actors=(shared,))) is None
    a = report("a/x", actors=(own, shared))
    assert actor_feature(a, report("b/y", actors=(shared, other))) == 0.5


def test_figure_feature_is_only_positive() -> None:
    killed = VOCAB + "count/killed"
    a = report("a/x", figures=((killed, 3),))
    assert figure_feature(a, report("b/y", figures=((killed, 3), (killed, 5)))) == 1.0
    assert figure_feature(a, report("b/y", figures=((killed, 4),))) is None  # a revised toll is no evidence
    assert figure_feature(a, report("b/y")) is None
    # a zero is no evidence: UCDP rows give 0 for each side that lost no one
    none_lost = report("a/x", figures=((killed, 0), (killed, 3)))
    assert figure_feature(none_lost, report("b/y", figures=((killed, 0), (killed, 4)))) is None


def test_label_feature_ignores_function_words_and_the_report_suffix() -> None:
    a = report("a/x", labels=("Riot in Testville (report: a)", "Kerusuhan di Testville (laporan: a)"))
    b = report("b/y", labels=("The Testville riot",))
    # {riot, testville, kerusuhan} vs {testville, riot}: 2 / 3
    assert label_feature(a, b) == pytest.approx(2 / 3)
    assert label_feature(a, report("b/y")) is None


# --- blocking, score, decisions ------------------------------------------------------------------


def test_blocking_says_why() -> None:
    a = report("a/x")
    assert blocked(a, report("a/y")) == "one document's reports are distinct events by its author's account"
    gdelt = {"dataset": True, "document": ID + "document/gdelt/20240305"}
    assert blocked(report("g/1", **gdelt), report("g/2", **gdelt)) is None  # GDELT's rows repeat one another
    ucdp = {"dataset": True, "document": ID + "document/ucdp-ged/25-1"}
    assert blocked(report("u/1", **ucdp), report("u/2", **ucdp)) is not None  # UCDP's rows are distinct events
    assert blocked(a, report("b/y", event=a.event)) == "already one event"
    assert blocked(a, report("b/y", start=dt.date(2024, 3, 8))) == "dates do not overlap"
    assert blocked(a, report("b/y", start=dt.date(2024, 3, 6))) is None  # a day's slack
    abroad = report("b/y", place=PlaceRecord(ID + "place/elsewhere"), within=(OTHERLAND,))
    assert blocked(a, abroad) == "places apart"
    assert blocked(a, _typed("b/y", "summit")) == "types incompatible"


def test_score_is_the_weighted_mean_of_known_features() -> None:
    a = report("a/x", labels=("Riot in Testville",))
    b = report("b/y", labels=("Testville riot",), start=dt.date(2024, 3, 6))
    c = score_pair(b, a)
    assert (c.a, c.b) == (a.iri, b.iri)  # IRI order whatever the argument order
    # date 0.7 (×2), place 1 (×2), type 1 (×2), label 1 (×2); actors and figures unknown
    assert c.features == {"date": 0.7, "place": 1.0, "type": 1.0, "label": 1.0, "actors": None, "figures": None}
    assert c.score == pytest.approx((1.4 + 2 + 2 + 2) / 8)


def test_decide_never_puts_two_reports_of_one_article_in_one_event() -> None:
    whole = report("a/bombings", labels=("Testville bombings",), end=dt.date(2024, 3, 6))
    part = report("a/church", labels=("Bombing of a church in Testville",))
    other = report("b/bombings", labels=("Testville bombings",), end=dt.date(2024, 3, 6))
    reports = [whole, part, other]
    decisions = {d.candidate.key: d for d in decide(reports, candidates(reports))}
    assert decisions[(whole.iri, other.iri)].linked
    refused = decisions[(part.iri, other.iri)]
    assert refused.candidate.score >= THRESHOLD
    assert not refused.linked and refused.reason == "would put two reports of one document in one event"
    assert (whole.iri, part.iri) not in decisions  # one document's reports are never candidates


def test_decide_never_chains_reports_apart_into_one_event() -> None:
    # the same group on four days running, each a day from the next: three links would make one event
    # of rows three days apart, and no day is within a day of both the first and the last
    days = [
        report(f"{doc}/x", start=dt.date(2024, 3, d), labels=("Riot in Testville",))
        for doc, d in zip("abcd", (5, 6, 7, 8), strict=True)
    ]
    assert blocked(days[0], days[2]) == "dates do not overlap"
    assert apart(days[0], days[2]) and not apart(days[0], days[1])
    decisions = {d.candidate.key: d for d in decide(days, candidates(days))}
    # by falling score (all equal), then by pair: 5-6 and 6-7 join (the 6th is within a day of each);
    # 7-8 would add the 8th, three days from the 5th
    linked = [k for k, d in decisions.items() if d.linked]
    assert sorted(linked) == [(days[0].iri, days[1].iri), (days[1].iri, days[2].iri)]
    refused = [d for d in decisions.values() if not d.linked]
    assert [d.candidate.key for d in refused] == [(days[2].iri, days[3].iri)]
    assert [d.reason for d in refused] == ["would put two reports apart in time or place in one event"]
    assert refused[0].candidate.score >= THRESHOLD


def test_copies_a_day_before_and_after_are_one_event() -> None:
    # a row of the 5th, and two copies of it dated the 4th and the 6th (each a day off): the copies are
    # two days apart, no candidate pair, but each is a day from the row, and the 5th is within a day
    # of all three: one event
    row = report("a/x", start=dt.date(2024, 3, 5), labels=("Riot in Testville",))
    before = report("b/x", start=dt.date(2024, 3, 4), labels=("Riot in Testville",))
    after = report("c/x", start=dt.date(2024, 3, 6), labels=("Riot in Testville",))
    reports = [row, before, after]
    assert blocked(before, after) == "dates do not overlap"
    decisions = decide(reports, candidates(reports))
    assert [(d.candidate.key, d.linked) for d in decisions] == [
        ((row.iri, before.iri), True),
        ((row.iri, after.iri), True),
    ]


def test_decide_never_chains_points_apart_into_one_event() -> None:
    # three exact points along a road, ≈4.9 km from one to the next: each pair of neighbours within
    # 3 + 3 km, the ends ≈9.8 km apart
    spots = [PlaceRecord(ID + f"place/km-{i}", 10.0, 20.0 + 0.045 * i) for i in range(3)]
    road = [report(f"{doc}/x", place=spot, labels=("Riot",)) for doc, spot in zip("abc", spots, strict=True)]
    assert blocked(road[0], road[2]) == "places apart" and blocked(road[0], road[1]) is None
    assert apart(road[0], road[2]) and not apart(road[1], road[2])
    decisions = {d.candidate.key: d for d in decide(road, candidates(road))}
    assert sum(d.linked for d in decisions.values()) == 1
    (refused,) = [d for d in decisions.values() if not d.linked]
    assert refused.reason == "would put two reports apart in time or place in one event"


def test_an_event_a_curator_made_is_not_held_to_apart() -> None:
    # a curator accepts a (Testville) with c (Otherville, 111 km away); b is the same riot as a: its
    # link is proposed although b and c are apart
    a, b = report("a/x", labels=("Riot",)), report("b/y", labels=("Riot",))
    c = report("c/z", place=FAR_TOWN, labels=("Riot",))
    assert place_feature(b, c) == 0.0
    out = {d.candidate.key: d for d in decide([a, b, c], candidates([a, b, c]), accepted=[(a.iri, c.iri)])}
    assert out[(a.iri, b.iri)].linked and out[(a.iri, b.iri)].reason == "score"


def test_curated_decisions_win_over_the_score() -> None:
    a, b = report("a/x"), report("b/y")
    far = report("c/z", start=dt.date(2025, 1, 1))  # a year later: never a candidate
    reports = [a, b, far]
    scored = candidates(reports)
    assert [(c.a, c.b) for c in scored] == [(a.iri, b.iri)]
    out = {d.candidate.key: d for d in decide(reports, scored, accepted=[(far.iri, a.iri)], rejected=[(b.iri, a.iri)])}
    assert out[(a.iri, b.iri)].linked is False and out[(a.iri, b.iri)].reason == "curated: rejected"
    assert out[(a.iri, far.iri)].linked is True and out[(a.iri, far.iri)].reason == "curated: accepted"


# --- the records, read from a graph --------------------------------------------------------------


@pytest.fixture(scope="module")
def case_graph() -> Graph:
    g = Graph()
    g.parse(CASES / "reports.ttl")
    return g


def test_read_reports_from_a_graph(case_graph: Graph) -> None:
    reports = {r.local(): r for r in read_reports(case_graph)}
    assert sorted(reports) == ["doc-a/riot", "doc-b/riot", "doc-b/summit", "doc-c/protest"]
    riot = reports["doc-a/riot"]
    assert riot.document == ID + "document/doc-a" and riot.dataset is False
    assert (riot.start, riot.end, riot.precision, riot.geo_precision) == (dt.date(2024, 3, 5), None, "day", "exact")
    assert riot.place == PlaceRecord(ID + "place/testville", 10.0, 20.0, False)
    assert riot.within == (
        PlaceRecord(ID + "place/north-province"),
        PlaceRecord(ID + "place/testland", 10.0, 20.0, True),
    )
    assert riot.types == (VOCAB + "event-type/riot",)
    assert set(riot.codes) == {VOCAB + "event-type/riot", VOCAB + "acled/riots"}
    assert riot.actors == (ID + "group/testville-traders",)
    assert riot.figures == ((VOCAB + "count/killed", 3),)
    assert "Riot in Testville" in riot.labels
    protest = reports["doc-c/protest"]  # the report's own ACLED code, and the code above it
    assert set(protest.codes) == {
        VOCAB + "event-type/protest",
        VOCAB + "acled/peaceful-protest",
        VOCAB + "acled/protests",
    }
    row = reports["doc-b/riot"]
    assert row.dataset is True and row.end == dt.date(2024, 3, 6) and row.precision == "days"


def test_the_links_graph_is_deterministic(case_graph: Graph) -> None:
    reports = read_reports(case_graph)
    first = link_reports(BASE, reports, [])
    again = link_reports(BASE, list(reversed(reports)), [])
    assert first.nquads == again.nquads and first.proposals == again.proposals
    assert (first.links, first.events) == (1, 1)
    text = first.nquads.decode()
    lines = text.splitlines()
    assert lines == sorted(lines)  # canonical: sorted N-Quads, whatever the hash seed
    # the linked event is named by the digest of its components' IRIs, sorted, one per line
    members = "\n".join([ID + "event/doc-a/riot", ID + "event/doc-b/riot"])
    linked = ID + "event/linked/" + hashlib.sha256(members.encode()).hexdigest()[:16]
    assert f"<{linked}> <https://w3id.org/conflict-kg/ontology#component> <{ID}event/doc-a/riot>" in text
    assert "_:" not in text  # no blank nodes
    moved = [replace(r, iri=r.iri) for r in reports]
    assert link_reports(BASE, moved, []).nquads == first.nquads


def test_a_linked_event_is_named_by_its_sorted_components() -> None:
    reports = [report(f"{doc}/riot", labels=("Riot in Testville",)) for doc in ("e", "b", "d", "a", "c")]
    out = link_reports(BASE, reports, [])
    assert out.events == 1
    members = "\n".join(ID + f"event/{doc}/riot" for doc in "abcde")
    linked = ID + "event/linked/" + hashlib.sha256(members.encode()).hexdigest()[:16]
    assert out.nquads.decode().count(f"<{linked}> <https://w3id.org/conflict-kg/ontology#component> ") == 5
