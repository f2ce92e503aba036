"""UCDP Georeferenced Event Dataset (GED) CSV: one report per row (UCDP GED Codebook, version 23.1).

Reads both the per-country extracts HDX publishes (43 columns, an HXL hashtag row) and the full
release (49 columns: relid, code_status, the *_dset_id columns, where_description; no iso3).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterator, Mapping
from pathlib import Path

from rdflib import URIRef

from kg.mapping import RegistryTerms
from kg.namespaces import ACLED, KGO, UCDP
from kg.records import Release, RowActor, RowFigure, RowPlace, RowReport
from kg.sources.dataset import DatasetSource, RowError, count, degrees, read_csv, registry_place, slug

#: the columns both layouts have and the importer reads
COLUMNS = (
    "id", "type_of_violence", "conflict_new_id", "dyad_new_id", "dyad_name", "side_a_new_id", "side_a", "gwnoa",
    "side_b_new_id", "side_b", "gwnob", "source_article", "source_office", "source_date", "source_headline",
    "source_original", "where_prec", "where_coordinates", "latitude", "longitude", "country", "country_id",
    "date_prec", "date_start", "date_end", "deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown", "best",
    "low", "high",
)  # fmt: skip

#: the licence HDX publishes UCDP GED under (`license_id: "cc-by-igo"`), where kg's sample comes from
LICENCE = "https://creativecommons.org/licenses/by/3.0/igo/"
CITATION = (
    "Sundberg, Ralph, and Erik Melander (2013). Introducing the UCDP Georeferenced Event Dataset. "
    "Journal of Peace Research 50(4): 523-532. Högbladh, Stina (2023). UCDP GED Codebook."
)
TERMS = (
    "UCDP GED may be used and redistributed with attribution (HDX publishes it under CC BY-IGO 3.0); "
    "cite Sundberg & Melander (2013) and the UCDP GED codebook."
)

#: type_of_violence → (kg event type, UCDP concept); state-based and non-state violence are fights
#: between two organised sides, one-sided violence is an attack on civilians; with ACLED's event type
#: at its top level (UCDP codes no sub-event type)
VIOLENCE: dict[str, tuple[str, URIRef, URIRef]] = {
    "1": ("armed-clash", UCDP["state-based"], ACLED.battles),
    "2": ("armed-clash", UCDP["non-state"], ACLED.battles),
    "3": ("armed-attack", UCDP["one-sided"], ACLED["violence-against-civilians"]),
}
#: date_prec → kg date precision (vocab.ttl maps each code to its own kg concept)
DATE_PRECISIONS = {"1": "day", "2": "days", "3": "week", "4": "month", "5": "year"}
#: where_prec → (kg geographic precision, the kind of place the row's point is)
WHERE_PRECISIONS = {
    "1": ("exact", "city"),
    "2": ("near", "city"),
    "3": ("admin2", "region"),
    "4": ("admin1", "region"),
    "5": ("area", "region"),
    "6": ("country", "country"),
    "7": ("international", "region"),
}
#: the dataset's own source fields, kept on the row's evidence
SOURCE_FIELDS = (
    ("source_article", KGO.sourceArticle),
    ("source_office", KGO.sourceOffice),
    ("source_date", KGO.sourceDate),
    ("source_headline", KGO.sourceHeadline),
)
_DAY = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:[ T]00:00:00(?:\.0+)?)?$")  # the full release writes a time of day


def _day(row: Mapping[str, str], column: str, line: int, file: Path) -> str:
    value = row[column].strip()
    m = _DAY.match(value)
    try:
        if m is None:
            raise ValueError
        return dt.date.fromisoformat(m.group(1)).isoformat()
    except ValueError:
        raise RowError(f"{value!r} is not a date (YYYY-MM-DD)", file=file, line=line, column=column) from None


def _code(row: Mapping[str, str], column: str, table: Mapping[str, object], line: int, file: Path) -> str:
    value = row[column].strip()
    if value not in table:
        raise RowError(f"{value!r} is not one of {', '.join(table)}", file=file, line=line, column=column)
    return value


def _id(row: Mapping[str, str], column: str, line: int, file: Path) -> str:
    value = row[column].strip()
    if not value.isdigit() or not value.isascii():
        raise RowError(f"{value!r} is not a UCDP id (digits)", file=file, line=line, column=column)
    return str(int(value))


def _country(row: Mapping[str, str], gwno: str, label: str, registry: RegistryTerms) -> RowPlace:
    """A country by its Gleditsch–Ward number; the registry's own place when it has one of that name."""
    iso3 = row.get("iso3", "").strip() if gwno == row["country_id"].strip() else ""
    return RowPlace(
        ("gw-" + gwno,), "country", label, code=iso3 or None, registry=registry_place(registry, label, "country")
    )


def _admin(row: Mapping[str, str], gw: str, country: RowPlace, registry: RegistryTerms) -> RowPlace:
    """The smallest administrative division the row names (adm_2 within adm_1 within the country), keyed
    by the country's GW number and the division's name as a key (UCDP gives divisions no ids), so that
    spellings with and without diacritics ("Barisāl", "Barisal") are one division with both labels."""
    within = country
    path = ["ucdp-adm", "gw-" + gw]
    for column in ("adm_1", "adm_2"):
        name = row[column].strip()
        if not name:
            break
        path.append(slug(name))
        known = registry_place(registry, name, "region")
        within = RowPlace(tuple(path), "region", name, within, registry=known)
    return within


def _side(row: Mapping[str, str], side: str, role: str, line: int, file: Path, registry: RegistryTerms) -> RowActor:
    """side_a or side_b: a state (a government, by its GW number) or a group (by UCDP's actor id)."""
    name = row[f"side_{side}"].strip()
    if not name:
        raise RowError("is empty; expected the name of a side", file=file, line=line, column=f"side_{side}")
    actor_id = _id(row, f"side_{side}_new_id", line, file)
    gwno = row[f"gwno{side}"].strip()
    if gwno.isdigit() and gwno.isascii():  # a state; several numbers (an alliance) stay a group
        gwno = str(int(gwno))
        country = row["country"].strip() if gwno == row["country_id"].strip() else name.removeprefix("Government of ")
        territory = _country(row, gwno, country, registry)
        state = registry.states.get(territory.registry) if territory.registry is not None else None
        return RowActor("state", "gw-" + gwno, "state", name, role, actor_id, territory, state)
    cls = "civilians" if name == "Civilians" else "group"
    return RowActor("group", "ucdp-" + actor_id, cls, name, role, actor_id)


class UcdpGed:
    """UCDP GED: the dataset's terms, its CSV layout and its rows as reports."""

    name: str = "ucdp"
    key: str = "ucdp-ged"
    suffixes: tuple[str, ...] = (".csv",)

    def release(self, key: str) -> Release:
        return Release(self.key, key, f"UCDP GED ({key})", LICENCE, CITATION, TERMS, redistributable=True)

    def rows(self, file: Path) -> Iterator[tuple[int, Mapping[str, str]]]:
        return read_csv(file, COLUMNS)

    def parse(self, row: Mapping[str, str], line: int, file: Path, release: str, registry: RegistryTerms) -> RowReport:
        row_id = _id(row, "id", line, file)
        event_type, violence, acled = VIOLENCE[_code(row, "type_of_violence", VIOLENCE, line, file)]
        date_prec = _code(row, "date_prec", DATE_PRECISIONS, line, file)
        where_prec = _code(row, "where_prec", WHERE_PRECISIONS, line, file)
        start, end = _day(row, "date_start", line, file), _day(row, "date_end", line, file)
        if end < start:
            raise RowError(f"{end} is before date_start {start}", file=file, line=line, column="date_end")
        country_name = row["country"].strip()
        if not country_name:
            raise RowError("is empty; expected the country's name", file=file, line=line, column="country")
        gw = _id(row, "country_id", line, file)
        country = _country(row, gw, country_name, registry)
        geo, place_type = WHERE_PRECISIONS[where_prec]
        if geo == "country":  # placed only at the country: the row's point is the country's, not the event's
            place = country
        else:
            lat = degrees(row["latitude"], "latitude", 90, line, file)
            lon = degrees(row["longitude"], "longitude", 180, line, file)
            name = row["where_coordinates"].strip() or country_name
            within = None if geo == "international" else _admin(row, gw, country, registry)
            place = RowPlace((self.key, release, row_id), place_type, name, within, lat, lon)
        best, low, high = (count(row[c], c, line, file) for c in ("best", "low", "high"))
        # a bound that does not bracket the best estimate is left out rather than contradict it (the
        # sample's 1991 row 84006 gives low 0, best 3, high 0)
        bounds = (low if low <= best else None, high if high >= best else None)
        roles = ("perpetrator", "target") if violence == UCDP["one-sided"] else ("participant", "participant")
        actors = (
            _side(row, "a", roles[0], line, file, registry),
            _side(row, "b", roles[1], line, file, registry),
        )
        figures = [RowFigure("best", "killed", best, *bounds)]
        for column, group in (
            ("deaths_a", actors[0].label),
            ("deaths_b", actors[1].label),
            ("deaths_civilians", "civilians"),
            ("deaths_unknown", "unknown"),
        ):
            figures.append(
                RowFigure(column.replace("_", "-"), "killed", count(row[column], column, line, file), group=group)
            )
        dyad = row["dyad_name"].strip() or f"{actors[0].label} - {actors[1].label}"
        where = place.label
        return RowReport(
            row=row_id,
            file=file,
            line=line,
            event_type=event_type,
            label=f"{dyad}, {where}, {start}",
            start=start,
            end=end if end != start else None,
            precision=DATE_PRECISIONS[date_prec],
            place=place,
            geo_precision=geo,
            actors=actors,
            figures=tuple(figures),
            as_of=end,
            codes=(
                (_VIOLENCE_TYPE, violence),
                (_ACLED_TYPE, acled),
                (_DATE_PRECISION, _ucdp(f"date-prec-{date_prec}")),
                (_GEO_PRECISION, _ucdp(f"where-prec-{where_prec}")),
            ),
            claimant=row["source_original"].strip() or None,
            sources=tuple((prop, row[c].strip()) for c, prop in SOURCE_FIELDS if row[c].strip()),
        )


# the terms every row names, made once: rdflib's namespace attributes make a new URIRef (and check it) at each use
_VIOLENCE_TYPE, _ACLED_TYPE = KGO.violenceType, KGO.acledType
_DATE_PRECISION, _GEO_PRECISION = KGO.sourceDatePrecision, KGO.sourceGeoPrecision


@functools.cache
def _ucdp(key: str) -> URIRef:
    return UCDP[key]


DATASET = UcdpGed()
SOURCE = DatasetSource(DATASET)
