"""GDELT event files: one report per row, 2.0 (61 tab-separated columns) and 1.0 (57 or 58), no header.

Columns as the GDELT 2.0 Event Database Data Format Codebook and the GDELT 1.0 Event Database
codebook give them; a file may mix the layouts, which are told apart by their number of fields.
The CAMEO codes are checked against kg's vocabulary, which has all 316 with their roots and quad
classes. A row without any place (its ActionGeo, Actor1Geo and Actor2Geo all empty) is refused:
every kg report has a location.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import zipfile
from collections.abc import Iterator, Mapping
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TextIO

from rdflib import Graph, URIRef
from rdflib.namespace import SKOS

from kg import paths
from kg.errors import KGError
from kg.mapping import RegistryTerms
from kg.namespaces import CAMEO, KGO
from kg.records import Release, RowActor, RowPlace, RowReport
from kg.sources.dataset import DatasetSource, RowError, count, degrees, registry_place, slug

_ACTOR: tuple[str, ...] = ("Code", "Name", "CountryCode", "KnownGroupCode", "EthnicCode", "Religion1Code")
_ACTOR += ("Religion2Code", "Type1Code", "Type2Code", "Type3Code")
_EVENT: tuple[str, ...] = ("IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass")
_EVENT += ("GoldsteinScale", "NumMentions", "NumSources", "NumArticles", "AvgTone")
_HEAD = ("GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "FractionDate")


def _geo(prefix: str, adm2: bool) -> tuple[str, ...]:
    fields = (
        "Type",
        "FullName",
        "CountryCode",
        "ADM1Code",
        *(("ADM2Code",) if adm2 else ()),
        "Lat",
        "Long",
        "FeatureID",
    )
    return tuple(f"{prefix}Geo_{f}" for f in fields)


def _layout(adm2: bool, tail: tuple[str, ...]) -> tuple[str, ...]:
    actors = tuple(f"Actor{n}{f}" for n in (1, 2) for f in _ACTOR)
    geo = _geo("Actor1", adm2) + _geo("Actor2", adm2) + _geo("Action", adm2)
    return (*_HEAD, *actors, *_EVENT, *geo, *tail)


#: number of fields → (layout name, column names)
LAYOUTS: dict[int, tuple[str, tuple[str, ...]]] = {
    61: ("GDELT 2.0", _layout(True, ("DATEADDED", "SOURCEURL"))),
    58: ("GDELT 1.0", _layout(False, ("DATEADDED", "SOURCEURL"))),
    57: ("GDELT 1.0 (before April 2013)", _layout(False, ("DATEADDED",))),
}
assert all(len(cols) == n for n, (_, cols) in LAYOUTS.items())

TERMS = (
    "GDELT is an open platform: its data may be used, redistributed and built on without fee, provided "
    "the GDELT Project is cited and linked (https://www.gdeltproject.org)."
)
CITATION = (
    "The GDELT Project, https://www.gdeltproject.org. Leetaru, Kalev, and Philip A. Schrodt (2013). GDELT: "
    "Global Data on Events, Location and Tone, 1979-2012. ISA Annual Convention."
)
#: ActionGeo_Type etc. → (kg geographic precision, kind of place): 1 country, 2 US state, 3 US city,
#: 4 world city, 5 world state (an ADM1)
GEO_TYPES = {"1": ("country", "country"), "2": ("admin1", "region"), "3": ("exact", "city")}
GEO_TYPES |= {"4": ("exact", "city"), "5": ("admin1", "region")}
#: Actor Type1Code → kg group class (CAMEO actor role codes)
ACTOR_TYPES = {"COP": "security-forces", "MIL": "security-forces", "SPY": "security-forces"}
ACTOR_TYPES |= {"REB": "armed-group", "INS": "armed-group", "SEP": "armed-group", "UAF": "armed-group"}
ACTOR_TYPES |= {"CVL": "civilians"}


@functools.lru_cache(maxsize=1)
def cameo_codes(vocab: Path = paths.VOCAB_FILE) -> dict[str, tuple[str, str, str]]:
    """Every CAMEO code of kg's vocabulary: code → (English name, root code, quad class)."""
    g = Graph().parse(vocab, format="turtle")
    concepts = set(g.subjects(SKOS.inScheme, CAMEO.scheme))
    codes = {}
    for c in concepts:
        root = c
        while (up := g.value(root, SKOS.broader)) is not None:
            root = up
        quad = g.value(root, KGO.quadClass)
        name = next((str(label) for label in g.objects(c, SKOS.prefLabel) if label.language == "en"), "")  # type: ignore[attr-defined]
        codes[str(g.value(c, SKOS.notation))] = (name, str(g.value(root, SKOS.notation)), str(quad).rsplit("-", 1)[-1])
    return codes


def _day(value: str, column: str, line: int, file: Path) -> str:
    value = value.strip()
    try:
        if len(value) not in (8, 14) or not value.isdigit():
            raise ValueError
        return dt.date(int(value[:4]), int(value[4:6]), int(value[6:8])).isoformat()
    except ValueError:
        raise RowError(f"{value!r} is not a date (YYYYMMDD)", file=file, line=line, column=column) from None


def _decimal(value: str, column: str, limit: int, line: int, file: Path) -> Decimal:
    try:
        number = Decimal(value.strip())
    except InvalidOperation:
        number = Decimal("NaN")
    if not number.is_finite() or abs(number) > limit:
        raise RowError(f"{value!r} is not a number from -{limit} to {limit}", file=file, line=line, column=column)
    return number


def _feature_key(feature: str) -> str:
    """A GDELT FeatureID as a key: GNS ids may be negative, ADM1 places have a text code."""
    feature = feature.strip()
    return ("n" + slug(feature[1:])) if feature.startswith("-") else slug(feature)


def _place(
    row: Mapping[str, str], prefix: str, line: int, file: Path, registry: RegistryTerms
) -> tuple[RowPlace, str] | None:
    """The place of `<prefix>Geo_*` and its precision, or None if the row gives none there."""
    kind = row[f"{prefix}Geo_Type"].strip()
    if kind in ("", "0"):
        return None
    if kind not in GEO_TYPES:
        raise RowError(f"{kind!r} is not a GDELT geo type (0-5)", file=file, line=line, column=f"{prefix}Geo_Type")
    full = row[f"{prefix}Geo_FullName"].strip()
    code = row[f"{prefix}Geo_CountryCode"].strip()
    if not full or not code:
        column = f"{prefix}Geo_FullName" if not full else f"{prefix}Geo_CountryCode"
        raise RowError("is empty; a place has a name and a country", file=file, line=line, column=column)
    country_name = full.rsplit(",", 1)[-1].strip()
    known = registry_place(registry, country_name, "country")
    country = RowPlace((f"fips-{slug(code)}",), "country", country_name, code=code, registry=known)
    geo, place_type = GEO_TYPES[kind]
    if geo == "country":
        return country, geo
    lat = degrees(row[f"{prefix}Geo_Lat"], f"{prefix}Geo_Lat", 90, line, file)
    lon = degrees(row[f"{prefix}Geo_Long"], f"{prefix}Geo_Long", 180, line, file)
    feature = row[f"{prefix}Geo_FeatureID"].strip()
    if not feature:
        raise RowError("is empty; expected the place's id", file=file, line=line, column=f"{prefix}Geo_FeatureID")
    place = RowPlace(("gdelt", _feature_key(feature)), place_type, full, country, lat, lon, code=feature)
    return place, geo


def _actor(row: Mapping[str, str], n: int, role: str) -> RowActor | None:
    code = row[f"Actor{n}Code"].strip()
    if not code:
        return None
    name = row[f"Actor{n}Name"].strip() or code
    cls = ACTOR_TYPES.get(row[f"Actor{n}Type1Code"].strip(), "group")
    return RowActor("group", "gdelt-" + slug(code), cls, name, role, code)


def _kg_type(code: str, actors: int) -> str:
    """The nearest kg event type of a CAMEO code; kget:interaction where kg has none."""
    if code.startswith("04") and actors == 2:
        return "meeting"
    for prefix, kg_type in (("145", "riot"), ("144", "blockade"), ("14", "protest"), ("15", "deployment")):
        if code.startswith(prefix):
            return kg_type
    for prefix, kg_type in (
        ("171", "looting"),
        ("175", "armed-attack"),
        ("18", "armed-attack"),
        ("20", "armed-attack"),
    ):
        if code.startswith(prefix):
            return kg_type
    for prefix, kg_type in (("191", "blockade"), ("192", "seizure"), ("19", "armed-clash")):
        if code.startswith(prefix):
            return kg_type
    return "interaction"


def _open(file: Path) -> TextIO:
    if file.suffix.lower() != ".zip":
        return file.open(encoding="utf-8", newline="")
    archive = zipfile.ZipFile(file)
    members = archive.namelist()
    if len(members) != 1:
        archive.close()
        raise zipfile.BadZipFile(f"{len(members)} members, expected 1")
    return io.TextIOWrapper(archive.open(members[0]), encoding="utf-8", newline="")


class Gdelt:
    """GDELT: the dataset's terms, its tab-separated layouts and its rows as reports."""

    name: str = "gdelt"
    key: str = "gdelt"
    suffixes: tuple[str, ...] = (".csv", ".CSV", ".tsv", ".txt", ".zip")

    def release(self, key: str) -> Release:
        return Release(self.key, key, f"GDELT events ({key})", None, CITATION, TERMS, redistributable=True)

    def rows(self, file: Path) -> Iterator[tuple[int, Mapping[str, str]]]:
        """One row per line (GDELT quotes nothing; a tab or newline never occurs inside a field); a
        `.zip` as GDELT publishes its files is read from its one member."""
        try:
            handle = _open(file)
        except OSError as exc:
            raise KGError(f"cannot read: {exc.strerror}", file=file) from None
        except zipfile.BadZipFile as exc:
            raise KGError(f"not a zip file of one GDELT file: {exc}", file=file) from None
        with handle:
            try:
                for n, text in enumerate(handle, 1):
                    text = text.rstrip("\r\n")
                    if not text:
                        continue
                    cells = text.split("\t")
                    layout = LAYOUTS.get(len(cells))
                    if layout is None:
                        yield n, {"": f"{len(cells)} fields; GDELT 2.0 has 61, GDELT 1.0 57 or 58"}
                        continue
                    yield n, dict(zip(layout[1], cells, strict=True))
            except UnicodeDecodeError as exc:
                raise KGError(f"not UTF-8: {exc.reason} at byte {exc.start}", file=file) from None

    def parse(self, row: Mapping[str, str], line: int, file: Path, release: str, registry: RegistryTerms) -> RowReport:
        event_id = row["GLOBALEVENTID"].strip()
        if not event_id.isdigit() or not event_id.isascii():
            raise RowError(
                f"{event_id!r} is not a GDELT event id (digits)", file=file, line=line, column="GLOBALEVENTID"
            )
        day = _day(row["SQLDATE"], "SQLDATE", line, file)
        codes = cameo_codes()
        code = row["EventCode"].strip()
        if code not in codes:
            raise RowError(f"{code!r} is not a CAMEO event code", file=file, line=line, column="EventCode")
        name, root, quad = codes[code]
        if row["EventRootCode"].strip() != root:
            given = row["EventRootCode"].strip()
            raise RowError(
                f"{given!r} is not the root of {code} ({root})", file=file, line=line, column="EventRootCode"
            )
        if row["QuadClass"].strip() != quad:
            given = row["QuadClass"].strip()
            message = f"{given!r} is not the quad class of {code} ({quad})"
            raise RowError(message, file=file, line=line, column="QuadClass")
        located = None
        for prefix in ("Action", "Actor1", "Actor2"):  # where it happened; else where an actor is
            located = _place(row, prefix, line, file, registry)
            if located is not None:
                break
        if located is None:
            raise RowError(
                "is 0 (and so are Actor1Geo_Type and Actor2Geo_Type): no place",
                file=file,
                line=line,
                column="ActionGeo_Type",
            )
        place, geo = located
        conflict = quad in ("3", "4")
        actors = tuple(
            a
            for a in (
                _actor(row, 1, "perpetrator" if conflict else "participant"),
                _actor(row, 2, "target" if conflict else "participant"),
            )
            if a is not None
        )
        distinct = len({a.key for a in actors})
        kg_type = _kg_type(code, distinct)
        if kg_type == "meeting":
            actors = tuple(RowActor(a.kind, a.key, a.cls, a.label, "attendee", a.code) for a in actors)
        numbers = (
            (_GOLDSTEIN, _decimal(row["GoldsteinScale"], "GoldsteinScale", 10, line, file)),
            (_MENTIONS, count(row["NumMentions"], "NumMentions", line, file)),
            (_SOURCES, count(row["NumSources"], "NumSources", line, file)),
            (_ARTICLES, count(row["NumArticles"], "NumArticles", line, file)),
            (_TONE, _decimal(row["AvgTone"], "AvgTone", 100, line, file)),
        )
        who = " – ".join(a.label for a in actors) or "(no actor)"
        url = row.get("SOURCEURL", "").strip()
        return RowReport(
            row=event_id,
            file=file,
            line=line,
            event_type=kg_type,
            label=f"{name}: {who}, {place.label}, {day}",
            start=day,
            end=None,
            precision="day",
            place=place,
            geo_precision=geo,
            actors=actors,
            figures=(),
            as_of=_day(row["DATEADDED"], "DATEADDED", line, file),
            codes=((_CAMEO_CODE, _cameo(code)), (_QUAD_CLASS, _cameo(f"quad-class-{quad}"))),
            numbers=numbers,
            sources=((_SOURCE_ARTICLE, url),) if url else (),
        )


# the terms every row names, made once: rdflib's namespace attributes make a new URIRef (and check it) at each use
_GOLDSTEIN, _MENTIONS, _SOURCES = KGO.goldsteinScale, KGO.numMentions, KGO.numSources
_ARTICLES, _TONE, _SOURCE_ARTICLE = KGO.numArticles, KGO.avgTone, KGO.sourceArticle
_CAMEO_CODE, _QUAD_CLASS = KGO.cameoCode, KGO.quadClass


@functools.cache
def _cameo(key: str) -> URIRef:
    return CAMEO[key]


DATASET = Gdelt()
SOURCE = DatasetSource(DATASET)
