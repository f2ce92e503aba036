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
        if _labelled(head, lex.date_labels):
            continue  # an infobox row "Date: 13–14 May 2018" dates the event, not the text
        byline = re.match(r"\s*(by|oleh)\b", line, re.I) is not None
        after_weekday = re.search(rf"\b({weekdays}),?\s*$", head, re.I) is not None
        alone = len(line.strip(" .,")) <= 24
        if byline or after_weekday or alone:
            return day
    return None


def _labelled(head: str, labels: Sequence[str]) -> bool:
    """Whether the text before a date on its line is only an infobox label ("- Date: 13–", "Tanggal | ")."""
    if not labels:
        return False
    alternatives = "|".join(re.escape(label) for label in labels)
    return re.fullmatch(rf"[\W\d_]*(?:{alternatives})(?![a-z])[\W\d_]*", head, re.I) is not None


def ranges(text: str, lang: Lang, start: int, end: int) -> list[tuple[int, int, dt.date]]:
    """Day ranges in text[start:end] ("13–14 May 2018", "29 hingga 30 Juli 2016", "13 Mei - 15 Mei 1998"):
    the offset of the first day, the offset of the full date that closes the range, and the first day."""
    lex = load_lexicon(lang)
    months = "|".join(sorted(lex.months, key=len, reverse=True))
    words = "|".join(re.escape(w) for w in sorted(lex.range_words, key=len, reverse=True))
    pattern = re.compile(
        rf"(?<!\d)(\d{{1,2}})(?:\s+({months}))?\s*(?:{words})\s*(?=(\d{{1,2}})\s+({months})\.?\s+(\d{{4}})\b)", re.I
    )
    out = []
    for m in pattern.finditer(text[start:end]):
        month = lex.months[(m.group(2) or m.group(4)).lower()]
        day = _day(int(m.group(5)), month, int(m.group(1)))
        if day is not None and (m.group(2) or int(m.group(1)) <= int(m.group(3))):
            out.append((start + m.start(), start + m.end(), day))
    return out


def dates_in(
    text: str, lang: Lang, start: int, end: int, dateline: dt.date, hits: Sequence[Hit], *, narrative: bool = False
) -> list[DateFound]:
    """Every date expression in text[start:end], resolved against the dateline, in order of preference.

    In a `narrative` (an article read long after the events it tells), a weekday is the one nearest the
    text's last full date before it ("on 28 March 2021 … The bombing happened … on Palm Sunday"), not
    the week before the dateline."""
    lex = load_lexicon(lang)
    p = _date_patterns(lang)
    chunk = text[start:end]
    spans = ranges(text, lang, start, end)
    closing = {close for _, close, _ in spans}
    # a range is its first day; the full date that closes it is its end, not another date
    out = [DateFound(s, d.isoformat(), "day", "date.range-start") for s, _, d in spans]
    out += [
        DateFound(s, d.isoformat(), "day", "date.explicit")
        for s, d in explicit_dates(text, lang, start, end)
        if s not in closing
    ]
    opening = {s for s, _, _ in spans}
    for m in p["dm"].finditer(chunk):
        if start + m.start() in opening:
            continue  # the first day of a range, read above with the range's year
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
        weekday = lex.weekdays[m.group(1).lower()]
        earlier = explicit_dates(text, lang, 0, start + m.start()) if narrative else []
        if earlier:
            base = earlier[-1][1]
            ahead = (weekday - base.weekday()) % 7  # 0..6 days on; the nearest is at most 3 days either way
            day = base + dt.timedelta(days=ahead if ahead <= 3 else ahead - 7)
            out.append(DateFound(start + m.start(), day.isoformat(), "day", "date.weekday-of-text"))
            continue
        back = (dateline.weekday() - weekday) % 7
        out.append(
            DateFound(start + m.start(), (dateline - dt.timedelta(days=back)).isoformat(), "day", "date.weekday")
        )
    for h in hits:
        if h.table == "relative-date" and start <= h.start < end:
            rel = lex.relative_dates[h.value]
            if rel.kind == "text-day":
                # "the next day", "keesokan harinya": counted from the text's last full date, not the dateline
                earlier = explicit_dates(text, lang, 0, h.start)
                base = earlier[-1][1] if earlier else dateline
                next_day = (base + dt.timedelta(days=rel.offset)).isoformat()
                out.append(DateFound(h.start, next_day, "day", "date.relative-to-text"))
                continue
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
