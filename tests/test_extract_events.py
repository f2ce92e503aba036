"""`kg extract`'s event rules of session 7 (dates, places and how many events), each on invented text.

None of the sentences is copied from a dev, held-aside or curated text; the expected events are
written by hand from each text. The dateline of every draft is 6 March 2023, so a text dated years
earlier reads as an article that looks back (an encyclopedia article), the others as news.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import ruritania
from kg.annotation import Annotation, LoadedRegistry, load_registry
from kg.extract.dates import dates_in, read_dateline
from kg.extract.engine import DraftOptions, extract

REGISTRY = ruritania.REGISTRY
DATELINE = dt.date(2023, 3, 6)


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory) -> LoadedRegistry:
    file = tmp_path_factory.mktemp("registry") / "registry.yaml"
    file.write_text(REGISTRY, encoding="utf-8")
    return load_registry(file)


def _events(lang: str, text: str, registry: LoadedRegistry) -> set[tuple[str, str, str, str]]:
    opts = DraftOptions(lang, DATELINE, "invented", "article.txt", "voa", "invented")  # type: ignore[arg-type]
    ann: Annotation = extract(text, registry.registry, opts)
    events = [(e.type or "", e.date, e.precision, e.location) for e in ann.events]
    assert len(events) == len(set(events)), f"an event drafted twice: {events}"
    return set(events)


# --------------------------------------------------------------------------------------------------
# dates


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "Zenda siege\n- Date: 13–14 May 2018\n- Location: Zenda\n"),
        ("en", "Zenda siege\nDate8–10 May 2018\n"),  # a mirror glues the label to its value
        ("id", "Pengepungan Zenda\nTanggal | 13 Mei 2018 |\n"),
    ],
)
def test_an_infobox_date_row_is_the_events_date_not_the_dateline(lang: str, text: str) -> None:
    assert read_dateline(text, lang) is None  # type: ignore[arg-type]


def test_a_date_alone_on_its_line_is_still_a_dateline() -> None:
    assert read_dateline("Riot in Zenda\n14 May 2018\nA riot broke out.\n", "en") == dt.date(2018, 5, 14)


@pytest.mark.parametrize(
    ("lang", "text", "day"),
    [
        ("en", "Riots took place on 21 and 22 May 2019 in Strelsau.", "2019-05-21"),
        ("en", "The siege lasted 8–10 May 2018.", "2018-05-08"),
        ("id", "Kerusuhan terjadi pada 13 Mei - 15 Mei 1998 di Strelsau.", "1998-05-13"),
        ("id", "Pada malam tanggal 29 hingga 30 Juli 2016, kerusuhan terjadi.", "2016-07-29"),
    ],
)
def test_a_range_of_days_is_its_first_day(lang: str, text: str, day: str) -> None:
    found = dates_in(text, lang, 0, len(text), DATELINE, ())  # type: ignore[arg-type]
    assert [(d.date, d.precision, d.rule) for d in found] == [(day, "day", "date.range-start")]


def test_the_next_day_counts_from_the_texts_last_date(registry: LoadedRegistry) -> None:
    text = "A bombing hit Strelsau on 13 May 2018.\nAnother bombing occurred the next day in Zenda.\n"
    assert _events("en", text, registry) == {
        ("armed-attack", "2018-05-13", "day", "strelsau"),
        ("armed-attack", "2018-05-14", "day", "zenda"),
    }


def test_a_weekday_of_a_narrative_is_the_one_nearest_its_last_date() -> None:
    text = "On 25 March 2021 the cathedral reopened. A bomb went off there on Sunday."
    start = text.index("A bomb")
    narrative = dates_in(text, "en", start, len(text), DATELINE, (), narrative=True)
    assert [(d.date, d.rule) for d in narrative] == [("2021-03-28", "date.weekday-of-text")]
    news = dates_in(text, "en", start, len(text), DATELINE, ())
    assert [(d.date, d.rule) for d in news] == [("2023-03-05", "date.weekday")]  # the Sunday before the dateline


def test_a_month_in_an_events_name_is_refined_by_the_day_of_its_sentence(registry: LoadedRegistry) -> None:
    text = "Kerusuhan Mei 1998 adalah kerusuhan yang terjadi di Strelsau pada 13 Mei - 15 Mei 1998.\n"
    assert _events("id", text, registry) == {("riot", "1998-05-13", "day", "strelsau")}


def test_a_month_is_refined_by_a_later_mention_of_a_day_of_it(registry: LoadedRegistry) -> None:
    text = "= May 2019 Strelsau riots =\n\nRiots broke out on 21 May 2019 in Strelsau.\n"
    assert _events("en", text, registry) == {("riot", "2019-05-21", "day", "strelsau")}


# --------------------------------------------------------------------------------------------------
# types and places


def test_kerusuhan_in_a_town_is_a_riot_across_a_country_unrest(registry: LoadedRegistry) -> None:
    assert _events("id", "Kerusuhan terjadi di Strelsau pada 3 Maret 2023.", registry) == {
        ("riot", "2023-03-03", "day", "strelsau")
    }
    assert _events("id", "Kerusuhan terjadi di Ruritania pada 3 Maret 2023.", registry) == {
        ("unrest", "2023-03-03", "day", "ruritania")
    }


def test_an_event_with_no_place_of_its_own_is_at_the_infobox_location(registry: LoadedRegistry) -> None:
    text = "Prison riot\nLocation: Zenda, Ruritania\nDate: 4 June 2015\n\nA riot broke out in the prison.\n"
    assert _events("en", text, registry) == {("riot", "2015-06-04", "day", "zenda")}


@pytest.mark.parametrize(
    ("lang", "row"),
    [("en", "Location: Zenda, Strelsau, and Hentzau"), ("id", "Lokasi: Zenda, Strelsau, dan Hentzau")],
)
def test_an_infobox_location_listing_places_side_by_side_is_none_of_them(
    lang: str, row: str, registry: LoadedRegistry
) -> None:
    """Session 9: a row of several places joined by "and" (bombings in several towns) places the event at the
    country that holds them, not at the first town the registry knows."""
    text = {
        "en": f"Prison riots\n{row}\nDate: 4 June 2015\n\nA riot broke out in the prisons of Ruritania.\n",
        "id": f"Kerusuhan penjara\n{row}\nTanggal: 4 Juni 2015\n\nKerusuhan terjadi di penjara-penjara di Ruritania.\n",
    }[lang]
    assert {e[3] for e in _events(lang, text, registry)} == {"ruritania"}


# --------------------------------------------------------------------------------------------------
# how many events an article that looks back tells


def test_an_undated_sub_event_at_another_place_is_its_own_event_of_the_last_day_named(
    registry: LoadedRegistry,
) -> None:
    text = (
        "The Strelsau bombings happened on 13 May 2018 in Strelsau.\nThe fourth bombing occurred in Zenda, in a flat.\n"
    )
    assert _events("en", text, registry) == {
        ("armed-attack", "2018-05-13", "day", "strelsau"),
        ("armed-attack", "2018-05-13", "day", "zenda"),
    }


def test_a_mention_of_another_type_with_no_place_of_its_own_is_part_of_the_main_event(
    registry: LoadedRegistry,
) -> None:
    text = "The Strelsau bombing happened on 4 June 2015 in Strelsau.\nProtests were held after it.\n"
    assert _events("en", text, registry) == {("armed-attack", "2015-06-04", "day", "strelsau")}


def test_one_incident_told_in_two_paragraphs_is_one_event(registry: LoadedRegistry) -> None:
    text = "A bombing hit Strelsau on 4 June 2015.\n\nThe bombing in Strelsau on 4 June 2015 killed two.\n"
    assert _events("en", text, registry) == {("armed-attack", "2015-06-04", "day", "strelsau")}


# --------------------------------------------------------------------------------------------------
# the fact-by-fact listing a developer reads (python -m kg.extract.facts)


def test_the_fact_listing_names_each_matched_missed_and_extra_fact() -> None:
    from kg.extract.evaluate import Comparison, Fact, render_facts

    gold_riot = Fact(("riot", "2019-05-21", "day", "strelsau"), None, "riot 2019-05-21 day @strelsau", "riots")
    draft_riot = Fact(("riot", "2019-05-21", "day", "strelsau"), None, "riot 2019-05-21 day @strelsau", "riot-1")
    gold_protest = Fact(("protest", "2019-05-21", "day", "zenda"), None, "protest 2019-05-21 day @zenda", "protests")
    draft_unrest = Fact(
        ("unrest", "2019-05-01", "month", "ruritania"), None, "unrest 2019-05-01 month @ruritania", "u-1"
    )
    events = Comparison(matched=[(gold_riot, draft_riot)], missed=[gold_protest], extra=[draft_unrest])
    listing = render_facts({"doc-a": {"events": events, "participants": Comparison()}}, ["events", "participants"])
    assert listing == (
        "== doc-a\n"
        "  events ok    riot 2019-05-21 day @strelsau [riots = riot-1]\n"
        "  events miss  protest 2019-05-21 day @zenda [protests]\n"
        "  events extra unrest 2019-05-01 month @ruritania [u-1]\n"
    )


def test_the_fact_listing_runs_over_a_gold_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from kg.extract.facts import main

    root = Path(__file__).parent / "cases" / "extract"
    assert main([str(root / "gold2"), "--registry", str(root / "registry.yaml"), "--facts", "events"]) == 0
    out = capsys.readouterr().out
    assert "== wikipedia-en-2009-jakarta-bombings\n" in out
    assert "participants ok" not in out  # only the fact types asked for
    assert "fact type" in out  # and the score table after them
