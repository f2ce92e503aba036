"""ACLED export CSV: one report per row (ACLED Codebook, 2023).

ACLED's terms of use forbid redistributing its rows: a release of it is marked not
redistributable, and `kg push`/`kg serve` ask for an explicit choice (kg.redistribution).
ACLED codes no ids for actors or places: actors are keyed by their names, a row's place by the
row, its country by its ISO 3166-1 numeric code.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from pathlib import Path

from rdflib import URIRef

from kg.mapping import RegistryTerms
from kg.namespaces import ACLED, KGO
from kg.records import Release, RowActor, RowFigure, RowPlace, RowReport
from kg.sources.dataset import DatasetSource, RowError, count, degrees, read_csv, registry_place, slug

COLUMNS = (
    "event_id_cnty", "event_date", "time_precision", "event_type", "sub_event_type", "actor1", "assoc_actor_1",
    "inter1", "actor2", "assoc_actor_2", "inter2", "iso", "country", "location", "latitude", "longitude",
    "geo_precision", "source", "source_scale", "notes", "fatalities", "timestamp",
)  # fmt: skip

CITATION = (
    "Raleigh, Clionadh, Andrew Linke, Håvard Hegre and Joakim Karlsen (2010). Introducing ACLED: An Armed "
    "Conflict Location and Event Dataset. Journal of Peace Research 47(5): 651-660. ACLED data: "
    "https://acleddata.com (cite with the date of access and the filters used)."
)
TERMS = (
    "ACLED's terms of use forbid redistributing its data (raw or derived rows) and building a substitute "
    "dataset from it: keep graphs holding ACLED rows private unless ACLED allows otherwise."
)

#: event type → its sub-event types (ACLED Codebook 2023), each → (kg event type, roles of actor1 and actor2).
#: kg's type is the nearest of its own scheme; the report keeps ACLED's sub-event type (kgo:acledType).
SUB_EVENTS: dict[str, dict[str, tuple[str, str, str]]] = {
    "Battles": {
        "Government regains territory": ("seizure", "participant", "participant"),
        "Non-state actor overtakes territory": ("seizure", "participant", "participant"),
        "Armed clash": ("armed-clash", "participant", "participant"),
    },
    "Explosions/Remote violence": {
        "Chemical weapon": ("armed-attack", "perpetrator", "target"),
        "Air/drone strike": ("armed-attack", "perpetrator", "target"),
        "Suicide bomb": ("armed-attack", "perpetrator", "target"),
        "Shelling/artillery/missile attack": ("armed-attack", "perpetrator", "target"),
        "Remote explosive/landmine/IED": ("armed-attack", "perpetrator", "target"),
        "Grenade": ("armed-attack", "perpetrator", "target"),
    },
    "Violence against civilians": {
        "Sexual violence": ("armed-attack", "perpetrator", "target"),
        "Attack": ("armed-attack", "perpetrator", "target"),
        "Abduction/forced disappearance": ("armed-attack", "perpetrator", "target"),
    },
    "Protests": {
        "Peaceful protest": ("protest", "participant", "participant"),
        "Protest with intervention": ("protest", "participant", "participant"),
        "Excessive force against protesters": ("protest", "target", "perpetrator"),
    },
    "Riots": {
        "Violent demonstration": ("riot", "participant", "target"),
        "Mob violence": ("riot", "perpetrator", "target"),
    },
    "Strategic developments": {
        "Agreement": ("meeting", "attendee", "attendee"),
        "Arrests": ("seizure", "perpetrator", "target"),
        "Change to group/activity": ("deployment", "participant", "participant"),
        "Disrupted weapons use": ("seizure", "perpetrator", "participant"),
        "Headquarters or base established": ("deployment", "participant", "participant"),
        "Looting/property destruction": ("looting", "perpetrator", "target"),
        "Non-violent transfer of territory": ("seizure", "participant", "participant"),
        "Other": ("deployment", "participant", "participant"),
    },
}
#: time_precision → kg date precision (vocab.ttl: acled:time-precision-N)
TIME_PRECISIONS = {"1": "day", "2": "week", "3": "month"}
#: geo_precision → (kg geographic precision, the kind of place the row's point is)
GEO_PRECISIONS = {"1": ("exact", "city"), "2": ("near", "city"), "3": ("admin1", "region")}
#: inter1/inter2 (the number, or the name newer exports give) → (kg group class of the actor, inter code)
INTER = {
    "1": ("security-forces", "1"), "State forces": ("security-forces", "1"),
    "2": ("armed-group", "2"), "Rebel group": ("armed-group", "2"),
    "3": ("armed-group", "3"), "Political militia": ("armed-group", "3"),
    "4": ("armed-group", "4"), "Identity militia": ("armed-group", "4"),
    "5": ("group", "5"), "Rioters": ("group", "5"),
    "6": ("group", "6"), "Protesters": ("group", "6"),
    "7": ("civilians", "7"), "Civilians": ("civilians", "7"),
    "8": ("group", "8"), "External/Other forces": ("group", "8"),
}  # fmt: skip


def _day(value: str, column: str, line: int, file: Path) -> str:
    """ISO (the API's form) or `15 January 2023` (the export tool's form)."""
    for parse in (dt.date.fromisoformat, lambda v: dt.datetime.strptime(v, "%d %B %Y").date()):
        try:
            return parse(value.strip()).isoformat()
        except ValueError:
            continue
    raise RowError(f"{value!r} is not a date (YYYY-MM-DD or 15 January 2023)", file=file, line=line, column=column)


def _actors(row: Mapping[str, str], n: int, role: str, line: int, file: Path) -> list[RowActor]:
    """actor1 (or 2) with its inter code, and the associated actors ("; "-separated) in the same role."""
    name = row[f"actor{n}"].strip()
    if not name:
        return []
    inter = row[f"inter{n}"].strip()
    if inter not in INTER:
        raise RowError(
            f"{inter!r} is not an ACLED inter code (1-8 or its name)", file=file, line=line, column=f"inter{n}"
        )
    cls, code = INTER[inter]
    out = [RowActor("group", "acled-" + slug(name), cls, name, role, name, category=ACLED[f"inter-{code}"])]
    for other in row[f"assoc_actor_{n}"].split(";"):
        other = other.strip()
        if other:
            out.append(RowActor("group", "acled-" + slug(other), "group", other, role, other))
    return out


class Acled:
    """ACLED: the dataset's terms, its export layout and its rows as reports."""

    name: str = "acled"
    key: str = "acled"
    suffixes: tuple[str, ...] = (".csv",)

    def release(self, key: str) -> Release:
        return Release(self.key, key, f"ACLED ({key})", None, CITATION, TERMS, redistributable=False)

    def rows(self, file: Path) -> Iterator[tuple[int, Mapping[str, str]]]:
        return read_csv(file, COLUMNS)

    def parse(self, row: Mapping[str, str], line: int, file: Path, release: str, registry: RegistryTerms) -> RowReport:
        event_id = row["event_id_cnty"].strip()
        if not event_id:
            raise RowError("is empty; expected the event's id", file=file, line=line, column="event_id_cnty")
        row_key = slug(event_id)
        event_type = row["event_type"].strip()
        if event_type not in SUB_EVENTS:
            known = ", ".join(SUB_EVENTS)
            raise RowError(f"{event_type!r} is not one of {known}", file=file, line=line, column="event_type")
        sub = row["sub_event_type"].strip()
        if sub not in SUB_EVENTS[event_type]:
            known = ", ".join(SUB_EVENTS[event_type])
            raise RowError(
                f"{sub!r} is not a sub-event type of {event_type} ({known})",
                file=file,
                line=line,
                column="sub_event_type",
            )
        kg_type, role1, role2 = SUB_EVENTS[event_type][sub]
        precision = row["time_precision"].strip()
        if precision not in TIME_PRECISIONS:
            raise RowError(f"{precision!r} is not one of 1, 2, 3", file=file, line=line, column="time_precision")
        geo_code = row["geo_precision"].strip()
        if geo_code not in GEO_PRECISIONS:
            raise RowError(f"{geo_code!r} is not one of 1, 2, 3", file=file, line=line, column="geo_precision")
        day = _day(row["event_date"], "event_date", line, file)
        stamp = row["timestamp"].strip()
        if not stamp.isdigit() or not stamp.isascii():
            raise RowError(f"{stamp!r} is not a Unix time (seconds)", file=file, line=line, column="timestamp")
        as_of = dt.datetime.fromtimestamp(int(stamp), dt.UTC).date().isoformat()
        fatalities = count(row["fatalities"], "fatalities", line, file)
        country_name, iso = row["country"].strip(), row["iso"].strip()
        if not country_name:
            raise RowError("is empty; expected the country's name", file=file, line=line, column="country")
        if not iso.isdigit() or not iso.isascii():
            raise RowError(f"{iso!r} is not an ISO 3166-1 numeric code", file=file, line=line, column="iso")
        country = RowPlace(
            (f"iso-{int(iso)}",),
            "country",
            country_name,
            code=iso,
            registry=registry_place(registry, country_name, "country"),
        )
        geo, place_type = GEO_PRECISIONS[geo_code]
        lat = degrees(row["latitude"], "latitude", 90, line, file)
        lon = degrees(row["longitude"], "longitude", 180, line, file)
        name = row["location"].strip() or country_name
        place = RowPlace((self.key, release, row_key), place_type, name, country, lat, lon)
        actors = tuple(_actors(row, 1, role1, line, file) + _actors(row, 2, role2, line, file))
        if not actors:
            raise RowError("is empty; an ACLED event has an actor", file=file, line=line, column="actor1")
        if kg_type == "meeting" and len(actors) < 2:
            raise RowError("an agreement has two parties; actor2 is empty", file=file, line=line, column="actor2")
        sources = [(KGO.sourceOffice, row["source"].strip()), (KGO.sourceScale, row["source_scale"].strip())]
        return RowReport(
            row=row_key,
            file=file,
            line=line,
            event_type=kg_type,
            label=f"{sub}: {actors[0].label}, {name}, {day}",
            start=day,
            end=None,
            precision=TIME_PRECISIONS[precision],
            place=place,
            geo_precision=geo,
            actors=actors,
            figures=(RowFigure("fatalities", "killed", fatalities),),
            as_of=as_of,
            codes=(
                (KGO.acledType, _concept(sub)),
                (KGO.sourceDatePrecision, ACLED[f"time-precision-{precision}"]),
                (KGO.sourceGeoPrecision, ACLED[f"geo-precision-{geo_code}"]),
            ),
            sources=tuple((p, v) for p, v in sources if v),
            description=row["notes"].strip() or None,
        )


def _concept(name: str) -> URIRef:
    """The vocabulary's concept of an ACLED type, named after it (vocab.ttl, e.g. acled:air-drone-strike)."""
    return ACLED[slug(name)]


DATASET = Acled()
SOURCE = DatasetSource(DATASET)
