"""Dates in news text resolved against the dateline: explicit dates, weekdays and relative phrases."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from kg.extract.lexicon import Lang, Lexicon, LexiconError, load_lexicon
from kg.extract.matching import Hit

# ----------------------------------------------------------------------------------------------
# Dates
# ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DateFound:
    """A date expression resolved against the dateline."""

    start: int
    date: str
    precision: str
    rule: str


@cache
def _date_patterns(lang: Lang) -> dict[str, re.Pattern[str]]:
    lex = load_lexicon(lang)
    months = "|".join(sorted(lex.months, key=len, reverse=True))
    days = "|".join(sorted(lex.weekdays, key=len, reverse=True))
    return {
        "dmy": re.compile(rf"\b(\d{{1,2}})\s+({months})\.?\s+(\d{{4}})\b", re.I),
        "mdy": re.compile(rf"\b({months})\.?\s+(\d{{1,2}}),?\s+(\d{{4}})\b", re.I),
        "numeric": re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b"),
        "dm": re.compile(rf"\b(\d{{1,2}})\s+({months})\b(?!\s+\d)", re.I),
        "my": re.compile(rf"\b({months})\s+(\d{{4}})\b", re.I),
        "weekday": re.compile(rf"\b({days})\b", re.I),
    }


def _day(y: int, m: int, d: int) -> dt.date | None:
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def explicit_dates(text: str, lang: Lang, start: int = 0, end: int | None = None) -> list[tuple[int, dt.date]]:
    """Full dates (day, month and year) written in text[start:end], with their offsets."""
    lex = load_lexicon(lang)
    p = _date_patterns(lang)
    chunk = text[start:end]
    out: list[tuple[int, dt.date]] = []
    for m in p["dmy"].finditer(chunk):
        day = _day(int(m.group(3)), lex.months[m.group(2).lower()], int(m.group(1)))
        if day:
            out.append((start + m.start(), day))
    for m in p["mdy"].finditer(chunk):
        day = _day(int(m.group(3)), lex.months[m.group(1).lower()], int(m.group(2)))
        if day:
            out.append((start + m.start(), day))
    for m in p["numeric"].finditer(chunk):
        day = _day(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        if day:
            out.append((start + m.start(), day))
    return sorted(out)


def read_dateline(text: str, lang: Lang) -> dt.date | None:
    """The date the text gives itself near its top, else None.

    Only a date that reads as a dateline counts: on a byline ("By VOA News January 07, 2022"), after a
    weekday ("Senin, 10 Januari 2022") or alone on its line; a date in the first lines' prose is an
    event's ("Protest in Aktobe on 4 January 2022"), not the document's.
    """
    lex = load_lexicon(lang)
    weekdays = "|".join(lex.weekdays)
    for start, day in explicit_dates(text, lang, 0, min(len(text), 400)):
        line_start = text.rfind("\n", 0, start) + 1
        line_end = text.find("\n", start)
        line = text[line_start : line_end if line_end >= 0 else len(text)]
        head = text[line_start:start]
        byline = re.match(r"\s*(by|oleh)\b", line, re.I) is not None
        after_weekday = re.search(rf"\b({weekdays}),?\s*$", head, re.I) is not None
        alone = len(line.strip(" .,")) <= 24
        if byline or after_weekday or alone:
            return day
    return None


def dates_in(text: str, lang: Lang, start: int, end: int, dateline: dt.date, hits: Sequence[Hit]) -> list[DateFound]:
    """Every date expression in text[start:end], resolved against the dateline, in order of preference."""
    lex = load_lexicon(lang)
    p = _date_patterns(lang)
    chunk = text[start:end]
    out = [DateFound(s, d.isoformat(), "day", "date.explicit") for s, d in explicit_dates(text, lang, start, end)]
    for m in p["dm"].finditer(chunk):
        # a day and month take the year of the last full date before them (else the dateline's)
        earlier = explicit_dates(text, lang, 0, start + m.start())
        year = earlier[-1][1].year if earlier else dateline.year
        day = _day(year, lex.months[m.group(2).lower()], int(m.group(1)))
        if day:
            out.append(DateFound(start + m.start(), day.isoformat(), "day", "date.day-month"))
    for m in p["my"].finditer(chunk):
        if re.search(r"\d\s+$", chunk[: m.start()]):
            continue  # the month and year of a full date
        out.append(
            DateFound(start + m.start(), f"{m.group(2)}-{lex.months[m.group(1).lower()]:02d}", "month", "date.explicit")
        )
    for m in p["weekday"].finditer(chunk):
        back = (dateline.weekday() - lex.weekdays[m.group(1).lower()]) % 7
        out.append(
            DateFound(start + m.start(), (dateline - dt.timedelta(days=back)).isoformat(), "day", "date.weekday")
        )
    for h in hits:
        if h.table == "relative-date" and start <= h.start < end:
            out.append(_relative(lex, h, dateline))
    return out


def _relative(lex: Lexicon, h: Hit, dateline: dt.date) -> DateFound:
    rel = lex.relative_dates[h.value]
    if rel.kind == "day":
        return DateFound(h.start, (dateline + dt.timedelta(days=rel.offset)).isoformat(), "day", "date.relative")
    if rel.kind == "week":
        monday = dateline - dt.timedelta(days=dateline.weekday()) + dt.timedelta(weeks=rel.offset)
        return DateFound(h.start, monday.isoformat(), "week", "date.relative")
    if rel.kind == "month":
        return DateFound(h.start, f"{dateline.year}-{dateline.month:02d}", "month", "date.relative")
    if rel.kind == "year":
        return DateFound(h.start, str(dateline.year), "year", "date.relative")
    if rel.kind == "start-of-year":
        return DateFound(h.start, str(dateline.year), "start-of-year", "date.relative")
    raise LexiconError(f"unknown relative date kind {rel.kind!r}", hint="use day, week, month, year or start-of-year")
