"""Candidate pairs at scale: the pairs `kg.link.score.blocked` lets through, without comparing every pair.

Reports are kept as compact columns (`ReportTable`: one row of small integers per report, the values
they share interned once) and paired by sweeps over their date spans, sorted by the span's first day:

1. **Place families.** Two reports whose places share a place (the same place, one within the other,
   a common ancestor through `kgo:withinPlace`) are in one family: the connected components of places
   joined by containment (in practice, a country). Each family is swept on its own; a large document
   that does not repeat itself (a UCDP release) is crossed with the family's other reports, and its
   own are paired only when their dates and precision are equal (the one pair of a release
   `score.blocked` lets through: one incident coded twice).
2. **Distance.** Reports of different families can still be close (a UCDP country and a GDELT country
   are different places): reports with coordinates are put in cells of a 3-D grid over the sphere, and
   the families of a cell are crossed with those of the cell and its 26 neighbours. Reports of small
   radii (up to a district's, `NARROW_KM`) are paired with one another by cells as wide as two such
   radii reach (and a km); pairs with a report of a wider radius by cells as wide as the farthest two
   reports' radii can reach (`REACH_KM`).
3. **No place.** A report without a place may be of any place: it is crossed with every report.

A sweep pairs two reports only when their spans overlap by `score.spans_overlap` (exactly: spans with
a day's slack), so no pair of dates apart is ever looked at. On each pair the cheap rules of blocking
are checked from the columns (one event; one document that does not repeat itself; incompatible types,
cached by pair of type signatures), and what passes is checked by `score.blocked` itself and scored by
`score.score_pair`: the candidates are exactly those of `score.candidates`, which compares every pair
sharing a month. Pairs are produced one at a time: no list of pairs is ever held.

The grouping is lossless as long as `score.place_feature` is 0 only for places that share no place
and are farther apart than their radii (`GEO_RADIUS_KM`), and `score.spans_overlap` is the day-slack
overlap of `score.date_span`; tests/test_link_scale.py checks the candidates equal on the labelled
sets and the bundled data.
"""

from __future__ import annotations

import math
from array import array
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import lru_cache
from itertools import product
from typing import Generic, NamedTuple, TypeVar

from kg.link.records import PlaceRecord, ReportRecord
from kg.link.score import (
    DAY_SLACK,
    GEO_RADIUS_KM,
    Candidate,
    blocked,
    date_span,
    repeats_itself,
    score_pair,
    type_feature,
)

#: the farthest apart two reports' points can be and still be near by their radii (km)
REACH_KM = 2 * max(GEO_RADIUS_KM.values())
_EARTH_KM = 6371.0
_NONE = -1
#: how many rebuilt records a table keeps
_RECORDS_KEPT = 1 << 14


T = TypeVar("T")


class _Interned(Generic[T]):
    """Values kept once, by a small integer."""

    def __init__(self) -> None:
        self.ids: dict[T, int] = {}
        self.values: list[T] = []

    def __call__(self, value: T) -> int:
        i = self.ids.get(value)
        if i is None:
            i = self.ids[value] = len(self.values)
            self.values.append(value)
        return i


class _Strings:
    """Strings kept as an interned head (up to the last `/`) and their own tail: the IRIs of one
    release's rows share all but the row id. None is kept too."""

    def __init__(self) -> None:
        self.heads: _Interned[str] = _Interned()
        self.head = array("i")  # _NONE for None
        self.tail: list[str] = []

    def append(self, value: str | None) -> None:
        if value is None:
            self.head.append(_NONE)
            self.tail.append("")
            return
        cut = value.rfind("/") + 1
        self.head.append(self.heads(value[:cut]))
        self.tail.append(value[cut:])

    def get(self, i: int) -> str | None:
        head = self.head[i]
        return None if head == _NONE else self.heads.values[head] + self.tail[i]

    def __getitem__(self, i: int) -> str:
        value = self.get(i)
        assert value is not None, "a None where a string was kept"
        return value

    def __len__(self) -> int:
        return len(self.tail)

    def __iter__(self) -> Iterator[str]:
        return (self[i] for i in range(len(self)))

    def same(self, i: int, j: int) -> bool:
        """Whether the i-th and j-th strings are equal (without joining them)."""
        return self.head[i] == self.head[j] and self.tail[i] == self.tail[j]


class _Texts:
    """Tuples of strings as UTF-8 in one buffer (a tuple's strings joined by NUL), with their ends; a
    tuple with a NUL in a string is kept as it is, aside."""

    def __init__(self) -> None:
        self.data = bytearray()
        self.ends = array("q")
        self.count = array("i")
        self.aside: dict[int, tuple[str, ...]] = {}

    def append(self, texts: tuple[str, ...]) -> None:
        if any("\0" in t for t in texts):
            self.aside[len(self.ends)] = texts
        else:
            self.data += "\0".join(texts).encode()
        self.ends.append(len(self.data))
        self.count.append(len(texts))

    def __getitem__(self, i: int) -> tuple[str, ...]:
        if i in self.aside:
            return self.aside[i]
        if not self.count[i]:
            return ()
        start = self.ends[i - 1] if i else 0
        return tuple(self.data[start : self.ends[i]].decode().split("\0"))


class ReportTable:
    """Reports as columns: what blocking compares as arrays of integers, the rest interned.

    `record(i)` gives back the i-th report as it was added (equal to it, field by field).
    """

    def __init__(self) -> None:
        self.iri = _Strings()
        self.event = _Strings()
        self.labels = _Texts()
        self.place = _Strings()
        self.lat = array("d")  # NaN when the place has none (or there is no place)
        self.lon = array("d")
        self.lo = array("i")  # the span's first and last day (proleptic ordinals)
        self.hi = array("i")
        self.start = array("i")
        self.end = array("i")  # 0 when the report gives no end
        self.flags = array("b")  # 1 dataset, 2 the place is a country
        self.doc = array("i")  # interned (document)
        self.within = array("i")  # interned tuple of the containing places
        self.sig = array("i")  # interned (types, codes)
        self.actors = array("i")
        self.figures = array("i")
        self.misc = array("i")  # interned (precision, geo precision, event type, violence)
        self.violence = array("i")  # interned violence type, _NONE without
        self._docs: _Interned[str] = _Interned()
        self._within: _Interned[tuple[PlaceRecord, ...]] = _Interned()
        self._sigs: _Interned[tuple[tuple[str, ...], tuple[str, ...]]] = _Interned()
        self._actors: _Interned[tuple[str, ...]] = _Interned()
        self._figures: _Interned[tuple[tuple[str, int], ...]] = _Interned()
        self._misc: _Interned[tuple[str, str | None, str | None, str | None]] = _Interned()
        self._violence: _Interned[str] = _Interned()
        self._records: dict[int, ReportRecord] = {}
        self._blocks: _Blocks | None = None  # blocks(self), once worked out

    def __len__(self) -> int:
        return len(self.iri)

    def add(self, r: ReportRecord) -> None:
        """Keep one report."""
        self._blocks = None
        first, last = date_span(r)
        self.iri.append(r.iri)
        self.event.append(r.event)
        self.labels.append(r.labels)
        p = r.place
        self.place.append(None if p is None else p.iri)
        lat = p.latitude if p is not None and p.latitude is not None else math.nan
        lon = p.longitude if p is not None and p.longitude is not None else math.nan
        self.lat.append(lat)
        self.lon.append(lon)
        self.lo.append(first.toordinal())
        self.hi.append(last.toordinal())
        self.start.append(r.start.toordinal())
        self.end.append(0 if r.end is None else r.end.toordinal())
        self.flags.append((1 if r.dataset else 0) | (2 if p is not None and p.is_country else 0))
        self.doc.append(self._docs(r.document))
        self.within.append(self._within(r.within))
        self.sig.append(self._sigs((r.types, r.codes)))
        self.actors.append(self._actors(r.actors))
        self.figures.append(self._figures(r.figures))
        self.misc.append(self._misc((r.precision, r.geo_precision, r.event_type, r.violence)))
        self.violence.append(_NONE if r.violence is None else self._violence(r.violence))

    def extend(self, reports: Iterable[ReportRecord]) -> ReportTable:
        """Keep every report of `reports`; return the table."""
        for r in reports:
            self.add(r)
        return self

    def repeats(self) -> list[bool]:
        """For each interned document, whether its reports may repeat one another (`score.repeats_itself`)."""
        return [repeats_itself(d) for d in self._docs.values]

    def document(self, i: int) -> str:
        """The document of the i-th report."""
        return self._docs.values[self.doc[i]]

    def record(self, i: int) -> ReportRecord:
        """The i-th report, as a record (the last few thousand asked for are kept: a sweep asks for a
        report once for each of its partners)."""
        known = self._records.get(i)
        if known is None:
            if len(self._records) >= _RECORDS_KEPT:
                self._records.clear()
            known = self._records[i] = self._record(i)
        return known

    def _record(self, i: int) -> ReportRecord:
        import datetime as dt

        precision, geo, event_type, violence = self._misc.values[self.misc[i]]
        types, codes = self._sigs.values[self.sig[i]]
        iri = self.place.get(i)
        place = None
        if iri is not None:
            lat, lon = self.lat[i], self.lon[i]
            has = not math.isnan(lat)
            place = PlaceRecord(iri, lat if has else None, lon if has else None, bool(self.flags[i] & 2))
        return ReportRecord(
            iri=self.iri[i],
            event=self.event[i],
            document=self.document(i),
            dataset=bool(self.flags[i] & 1),
            start=dt.date.fromordinal(self.start[i]),
            end=dt.date.fromordinal(self.end[i]) if self.end[i] else None,
            precision=precision,
            geo_precision=geo,
            place=place,
            within=self._within.values[self.within[i]],
            types=types,
            codes=codes,
            actors=self._actors.values[self.actors[i]],
            figures=self._figures.values[self.figures[i]],
            labels=self.labels[i],
            event_type=event_type,
            violence=violence,
        )

    # --- what blocking groups by ------------------------------------------------------------------

    def families(self) -> array[int]:
        """Each report's place family (`_NONE` without a place): reports whose places share a place
        (the place itself, or one it is within) are in one family."""
        parent: dict[str, str] = {}

        def find(x: str) -> str:
            parent.setdefault(x, x)
            root = x
            while parent[root] != root:
                root = parent[root]
            while parent[x] != root:
                parent[x], x = root, parent[x]
            return root

        def union(a: str, b: str) -> None:
            ra, rb = find(a), find(b)
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)

        ancestors = {p.iri for w in self._within.values for p in w}
        for w in self._within.values:
            for p in w[1:]:
                union(w[0].iri, p.iri)
        # a place that is no one's ancestor joins its family through its first ancestor; one that is
        # (or has none) is a node of its own; a place's ancestors are the same wherever it is named
        for i in range(len(self)):
            iri = self.place.get(i)
            w = self._within.values[self.within[i]]
            if iri is not None and (iri in ancestors or not w):
                find(iri)
                if w:
                    union(iri, w[0].iri)
        numbers: dict[str, int] = {}
        out = array("i")
        for i in range(len(self)):
            iri = self.place.get(i)
            if iri is None:
                out.append(_NONE)
                continue
            w = self._within.values[self.within[i]]
            root = find(w[0].iri) if w and iri not in parent else find(iri)
            out.append(numbers.setdefault(root, len(numbers)))
        return out

    def cells(
        self, width: float = REACH_KM, reports: Iterable[int] | None = None
    ) -> dict[tuple[int, int, int], list[int]]:
        """Reports with coordinates (of `reports`, or all) by cell of a 3-D grid `width` km wide: two
        points within `width` of each other on the sphere are within that of each other in space (a
        chord is shorter than its arc), so they are in the same or neighbouring cells."""
        cells: dict[tuple[int, int, int], list[int]] = defaultdict(list)
        for i in range(len(self)) if reports is None else reports:
            lat, lon = self.lat[i], self.lon[i]
            if math.isnan(lat) or self.place.head[i] == _NONE:
                continue
            la, lo = math.radians(lat), math.radians(lon)
            x, y, z = math.cos(la) * math.cos(lo), math.cos(la) * math.sin(lo), math.sin(la)
            key = tuple(math.floor(_EARTH_KM * v / width) for v in (x, y, z))
            cells[key].append(i)  # type: ignore[index]
        return cells

    def misc_radii(self) -> array[float]:
        """The radius (km) of each geo precision of `misc`'s values, as `score.place_feature` reads it."""
        return array("d", (GEO_RADIUS_KM.get(m[1] or "exact", 0.0) for m in self._misc.values))

    def radii(self) -> array[float]:
        """Each report's radius (km) by its geo precision."""
        by_misc = self.misc_radii()
        return array("d", (by_misc[m] for m in self.misc))


# --- sweeps over date spans -------------------------------------------------------------------------


def _by_start(table: ReportTable, members: Iterable[int]) -> tuple[list[int], list[int]]:
    """The members sorted by their span's first day, and those first days."""
    order = sorted(members, key=lambda i: (table.lo[i], i))
    return order, [table.lo[i] for i in order]


def _sweep(table: ReportTable, order: list[int], los: list[int]) -> Iterator[tuple[int, int]]:
    """Every pair of `order` (sorted by first day) whose spans overlap with the day's slack: i's
    later partners are those that start no later than a day after i ends."""
    hi = table.hi
    for x, i in enumerate(order):
        stop = bisect_right(los, hi[i] + DAY_SLACK, lo=x + 1)
        for y in range(x + 1, stop):
            yield i, order[y]


def _cross(
    table: ReportTable, a: tuple[list[int], list[int]], b: tuple[list[int], list[int]]
) -> Iterator[tuple[int, int]]:
    """Every pair of one report of `a` and one of `b` whose spans overlap with the day's slack; each
    pair once (found from the one that starts first; from a's side on a tie)."""
    hi = table.hi
    for (order, _), (other, olos), strict in ((a, b, False), (b, a, True)):
        for i in order:
            first = table.lo[i]
            begin = bisect_right(olos, first) if strict else bisect_left(olos, first)
            stop = bisect_right(olos, hi[i] + DAY_SLACK, lo=begin)
            for y in range(begin, stop):
                yield i, other[y]


def _neighbours(key: tuple[int, int, int]) -> Iterator[tuple[int, int, int]]:
    """The 13 cells after `key` among its 26 neighbours (each neighbouring pair of cells once)."""
    for d in product((-1, 0, 1), repeat=3):
        if d > (0, 0, 0):
            yield (key[0] + d[0], key[1] + d[1], key[2] + d[2])


#: a document with at least this many reports in a family is swept apart from the others (when it does
#: not repeat itself): its own reports are paired only when `score.coded_twice` can hold
BIG_DOCUMENT = 64


def _family_pairs(table: ReportTable, members: list[int]) -> Iterator[tuple[int, int]]:
    """The pairs of one family's reports whose spans overlap, leaving out pairs of one large document
    that does not repeat itself unless their dates and precision are equal (one incident coded twice,
    `score.coded_twice`; any other pair of such a document is blocked): a release's rows are crossed
    with the others' and not swept with one another. The rest (small documents, those that repeat
    themselves) are swept together."""
    by_doc: dict[int, list[int]] = defaultdict(list)
    for i in members:
        by_doc[table.doc[i]].append(i)
    repeats = table.repeats()
    big = sorted(d for d, m in by_doc.items() if len(m) >= BIG_DOCUMENT and not repeats[d])
    if not big:
        yield from _sweep(table, *_by_start(table, members))
        return
    rest = _by_start(table, [i for d, m in by_doc.items() if d not in big for i in m])
    yield from _sweep(table, *rest)
    sorted_big = [_by_start(table, by_doc[d]) for d in big]
    misc, start, end = table.misc, table.start, table.end
    for x, own in enumerate(sorted_big):
        yield from _cross(table, own, rest)
        for other in sorted_big[x + 1 :]:
            yield from _cross(table, own, other)
        same: dict[tuple[int, int, str], list[int]] = defaultdict(list)
        for i in own[0]:
            same[(start[i], end[i], table._misc.values[misc[i]][0])].append(i)
        for group in same.values():
            for y, i in enumerate(group):
                for j in group[y + 1 :]:
                    yield i, j


_Sorted = tuple[list[int], list[int]]
#: reports of a radius up to this (km: a district's) are paired across families by a grid of cells
#: twice as wide (and a km), the others by one `REACH_KM` wide
NARROW_KM = GEO_RADIUS_KM["admin2"]


def _split(group: _Sorted, wide: bytearray) -> tuple[_Sorted, _Sorted]:
    """A group sorted by first day, as its reports of a wide radius and the others (each still sorted)."""
    order, los = group
    w = [x for x, i in enumerate(order) if wide[i]]
    n = [x for x, i in enumerate(order) if not wide[i]]
    return ([order[x] for x in w], [los[x] for x in w]), ([order[x] for x in n], [los[x] for x in n])


def _grid_pairs(
    by_cell: dict[tuple[int, int, int], dict[int, _Sorted]],
    cross: Callable[[_Sorted, _Sorted], Iterator[tuple[int, int]]],
    take: Callable[[], bool],
) -> Iterator[tuple[int, int]]:
    """The pairs `cross` gives of the reports of two families in one cell or two neighbouring cells
    (from the cells `take` takes, to themselves and their neighbours)."""
    for key in sorted(by_cell):
        if not take():
            continue
        here = by_cell[key]
        fams = sorted(here)
        for x, f in enumerate(fams):
            for g in fams[x + 1 :]:
                yield from cross(here[f], here[g])
        for near in _neighbours(key):
            there = by_cell.get(near)
            if there is None:
                continue
            for f in fams:
                for g in there:
                    if g != f:
                        yield from cross(here[f], there[g])


#: a share of the work: (which, of how many)
Part = tuple[int, int]


def _taker(part: Part | None) -> Callable[[], bool]:
    """Whether the next block of work is this part's: blocks are dealt out in turn."""
    if part is None:
        return lambda: True
    which, parts = part
    count = iter(range(1 << 62))
    return lambda: next(count) % parts == which


class _Blocks(NamedTuple):
    """What the sweeps of a table go over, worked out once (and before a pool's processes fork)."""

    family: array[int]  # each report's place family (`ReportTable.families`)
    groups: list[list[int]]  # the reports of each family, by family
    unplaced: list[int]  # the reports without a place
    wide: bytearray  # 1 for a report of a radius wider than NARROW_KM
    fine: dict[tuple[int, int, int], dict[int, _Sorted]]  # narrow reports by fine cell and family
    coarse: dict[tuple[int, int, int], dict[int, _Sorted]]  # every placed report by coarse cell (if any wide)


def _by_cell(
    table: ReportTable, family: array[int], cells: dict[tuple[int, int, int], list[int]]
) -> dict[tuple[int, int, int], dict[int, _Sorted]]:
    return {
        key: {f: _by_start(table, [i for i in members if family[i] == f]) for f in sorted({family[i] for i in members})}
        for key, members in cells.items()
    }


def blocks(table: ReportTable) -> _Blocks:
    """The table's families and cells (kept by the table until a report is added)."""
    known = table._blocks
    if known is not None:
        return known
    family = table.families()
    groups: dict[int, list[int]] = defaultdict(list)
    for i, f in enumerate(family):
        groups[f].append(i)
    unplaced = groups.pop(_NONE, [])
    radius = table.radii()
    narrow = [i for i in range(len(table)) if family[i] != _NONE and radius[i] <= NARROW_KM]
    wide = bytearray(1 if r > NARROW_KM else 0 for r in radius)
    fine = _by_cell(table, family, table.cells(2 * NARROW_KM + 1, narrow))
    coarse = _by_cell(table, family, table.cells()) if any(wide) else {}
    known = table._blocks = _Blocks(family, [groups[f] for f in sorted(groups)], unplaced, wide, fine, coarse)
    return known


def candidate_pairs(table: ReportTable, part: Part | None = None) -> Iterator[tuple[int, int]]:
    """The pairs (by index) whose dates overlap and whose places may meet, each once; a superset of
    the pairs `score.blocked` lets through. With `part` (which, of how many), only the pairs of that
    part's blocks (families, cells, the unplaced reports; dealt out in turn): the parts' pairs
    together are the pairs, each in one part."""
    b = blocks(table)
    take = _taker(part)
    for members in b.groups:  # 1. within a family
        if take():
            yield from _family_pairs(table, members)
    # 2. families apart but near: reports of small radii (a point, a town, a district) by a fine grid,
    # pairs with a wider one (a province, an area) by a coarse one
    yield from _grid_pairs(b.fine, lambda x, y: _cross(table, x, y), take)

    def cross_wide(x: _Sorted, y: _Sorted) -> Iterator[tuple[int, int]]:
        """The pairs of x × y with at least one report of a wide radius."""
        (wx, nx), (wy, ny) = _split(x, b.wide), _split(y, b.wide)
        yield from _cross(table, wx, wy)
        yield from _cross(table, wx, ny)
        yield from _cross(table, nx, wy)

    yield from _grid_pairs(b.coarse, cross_wide, take)
    if b.unplaced and take():  # 3. no place: any place
        loose = _by_start(table, b.unplaced)
        yield from _sweep(table, *loose)
        yield from _cross(table, loose, _by_start(table, (i for i in range(len(table)) if b.family[i] != _NONE)))


def _memo(function: Callable[[int, int], bool]) -> Callable[[int, int], bool]:
    return lru_cache(maxsize=1 << 16)(function)


def candidate_indices(
    table: ReportTable, part: Part | None = None
) -> Iterator[tuple[int, int, ReportRecord, ReportRecord]]:
    """The pairs that pass `score.blocked`, each once, in no set order: their indices and records
    (with `part`, those of that part's blocks: `candidate_pairs`)."""
    repeats = table.repeats()
    sigs = table._sigs.values

    @_memo
    def types_apart(s: int, t: int) -> bool:
        (ta, ca), (tb, cb) = sigs[s], sigs[t]
        probe = _PROBE
        return type_feature(probe.with_types(ta, ca), probe.with_types(tb, cb)) == 0.0

    radius = table.misc_radii()
    family = blocks(table).family
    event, doc, sig, violence, start, end = table.event, table.doc, table.sig, table.violence, table.start, table.end
    misc, lat, lon = table.misc, table.lat, table.lon
    for i, j in candidate_pairs(table, part):
        if event.same(i, j):
            continue
        if doc[i] == doc[j] and not repeats[doc[i]]:
            vi, vj = violence[i], violence[j]
            if _NONE in (vi, vj) or vi == vj or start[i] != start[j] or end[i] != end[j]:
                continue  # not one incident coded twice (score.coded_twice): one document, two events
        if types_apart(sig[i], sig[j]):
            continue
        if family[i] != family[j] and _NONE not in (family[i], family[j]):
            # places of two families share no place: they meet only within both radii (a metre's margin
            # over score.haversine_km's own rounding; score.blocked decides)
            reach = radius[misc[i]] + radius[misc[j]] + 0.001
            if math.isnan(lat[i]) or math.isnan(lat[j]) or _km(lat[i], lon[i], lat[j], lon[j]) > reach:
                continue
        a, b = table.record(i), table.record(j)
        if blocked(a, b) is None:
            yield i, j, a, b


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance, by the formula of score.haversine_km."""
    la1, lo1, la2, lo2 = (math.radians(v) for v in (lat1, lon1, lat2, lon2))
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


class _Probe:
    """A report with only types and codes, for `type_feature` on type signatures."""

    def __init__(self) -> None:
        import datetime as dt

        self.base = ReportRecord(
            "", "", "", False, dt.date(2000, 1, 1), None, "day", None, None, (), (), (), (), (), ()
        )

    def with_types(self, types: tuple[str, ...], codes: tuple[str, ...]) -> ReportRecord:
        from dataclasses import replace

        return replace(self.base, types=types, codes=codes)


_PROBE = _Probe()


def scored_pairs(
    table: ReportTable, part: Part | None = None
) -> Iterator[tuple[int, int, ReportRecord, ReportRecord, Candidate]]:
    """Every candidate pair, scored (`score.score_pair`), one at a time: its indices, records and score."""
    for i, j, a, b in candidate_indices(table, part):
        yield i, j, a, b, score_pair(a, b)


def scored_candidates(table: ReportTable) -> Iterator[Candidate]:
    """Every candidate pair, scored, one at a time."""
    for *_, c in scored_pairs(table):
        yield c


def candidates(reports: Sequence[ReportRecord]) -> list[Candidate]:
    """The same candidates as `score.candidates`, sorted by pair, found by sweeps instead of months."""
    table = ReportTable().extend(reports)
    return sorted(scored_candidates(table), key=lambda c: c.key)


__all__ = [
    "REACH_KM",
    "ReportTable",
    "candidate_indices",
    "candidate_pairs",
    "candidates",
    "scored_candidates",
    "scored_pairs",
]
