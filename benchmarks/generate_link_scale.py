"""Dataset files for `kg link` at scale, with the truth: UCDP GED rows, GDELT rows copying a known share
of them (duplicates, which must link), and GDELT rows that nearly copy some (near-misses, which must not).

The layouts are the importers' (UCDP GED's 43 columns, GDELT 2.0's 61, as in
`benchmarks/generate_datasets.py`), but every event is a different one: `generate_datasets.py`
cycles a few fixture rows, so its copies would all be one event. Events are spread over 40 countries
(their rough centres) and 1989-2023; a UCDP row gives a dyad of the country's groups, a town near the
centre, a date precision (mostly a day) and a place precision (mostly exact, some near).

Of the UCDP events, `DUPLICATE_SHARE` get one GDELT row (a third of those two): the same incident
told by GDELT, its day within the UCDP row's span and one day's slack, its point within 1.5 km of
where the incident was (GDELT's city points are exact: kg takes them to 3 km), which is UCDP's point
for an exact row and up to 13.5 km from it for a "near" or district one (two copies of one incident
are within 3 km of each other, and within 15 km of UCDP's point), its CAMEO code of the same kind
(190 for a fight, 180 for an attack on civilians), its actors named as GDELT names them. Of the
rest, `NEAR_SHARE` get one near-miss GDELT row, another incident: the same day and kind 15-50 km
beyond both rows' radii in the same country (`far`), the same point and kind five to eight days
after the last day the UCDP row's date can mean (`later`), or
the same day and point but a demonstration (`protest`).

Writes OUT/ucdp.csv, OUT/gdelt.tsv and OUT/truth.tsv (report key, true event, kind). The same
arguments give the same bytes.

Usage: python benchmarks/generate_link_scale.py REPORTS OUT
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import math
import random
from pathlib import Path

from kg.sources.gdelt import LAYOUTS, cameo_codes

ROOT = Path(__file__).resolve().parent.parent
UCDP_SAMPLE = ROOT / "tests" / "cases" / "ucdp" / "conflict_data_BGD.csv"
#: share of UCDP events with GDELT duplicates, and of those with two
DUPLICATE_SHARE = 0.25
TWO_SHARE = 1 / 3
#: share of the other UCDP events with a near-miss GDELT row
NEAR_SHARE = 0.12
FIRST_DAY = dt.date(1989, 1, 1)
DAYS = (dt.date(2023, 12, 31) - FIRST_DAY).days + 1

#: (name, Gleditsch-Ward number, ISO 3166 alpha-3, FIPS 10-4, rough centre): invented places lie around it
COUNTRIES: tuple[tuple[str, int, str, str, float, float], ...] = (
    ("Afghanistan", 700, "AFG", "AF", 33.9, 67.7),
    ("Algeria", 615, "DZA", "AG", 28.0, 1.7),
    ("Angola", 540, "AGO", "AO", -11.2, 17.9),
    ("Bangladesh", 771, "BGD", "BG", 23.7, 90.4),
    ("Brazil", 140, "BRA", "BR", -14.2, -51.9),
    ("Burkina Faso", 439, "BFA", "UV", 12.2, -1.6),
    ("Burundi", 516, "BDI", "BY", -3.4, 29.9),
    ("Cameroon", 471, "CMR", "CM", 7.4, 12.4),
    ("Central African Republic", 482, "CAF", "CT", 6.6, 20.9),
    ("Chad", 483, "TCD", "CD", 15.5, 18.7),
    ("Colombia", 100, "COL", "CO", 4.6, -74.3),
    ("DR Congo", 490, "COD", "CG", -4.0, 21.8),
    ("Egypt", 651, "EGY", "EG", 26.8, 30.8),
    ("Ethiopia", 530, "ETH", "ET", 9.1, 40.5),
    ("India", 750, "IND", "IN", 20.6, 79.0),
    ("Indonesia", 850, "IDN", "ID", -0.8, 113.9),
    ("Iraq", 645, "IRQ", "IZ", 33.2, 43.7),
    ("Kenya", 501, "KEN", "KE", -0.02, 37.9),
    ("Libya", 620, "LBY", "LY", 26.3, 17.2),
    ("Mali", 432, "MLI", "ML", 17.6, -4.0),
    ("Mexico", 70, "MEX", "MX", 23.6, -102.6),
    ("Mozambique", 541, "MOZ", "MZ", -18.7, 35.5),
    ("Myanmar", 775, "MMR", "BM", 21.9, 95.96),
    ("Nepal", 790, "NPL", "NP", 28.4, 84.1),
    ("Niger", 436, "NER", "NG", 17.6, 8.1),
    ("Nigeria", 475, "NGA", "NI", 9.1, 8.7),
    ("Pakistan", 770, "PAK", "PK", 30.4, 69.3),
    ("Peru", 135, "PER", "PE", -9.2, -75.0),
    ("Philippines", 840, "PHL", "RP", 12.9, 121.8),
    ("Russia", 365, "RUS", "RS", 55.8, 37.6),
    ("Rwanda", 517, "RWA", "RW", -1.9, 29.9),
    ("Somalia", 520, "SOM", "SO", 5.2, 46.2),
    ("South Sudan", 626, "SSD", "OD", 6.9, 31.3),
    ("Sri Lanka", 780, "LKA", "CE", 7.9, 80.8),
    ("Sudan", 625, "SDN", "SU", 12.9, 30.2),
    ("Syria", 652, "SYR", "SY", 34.8, 39.0),
    ("Thailand", 800, "THA", "TH", 15.9, 100.99),
    ("Turkey", 640, "TUR", "TU", 38.96, 35.2),
    ("Uganda", 500, "UGA", "UG", 1.4, 32.3),
    ("Yemen", 678, "YEM", "YM", 15.6, 48.5),
)
GROUPS_PER_COUNTRY = 12
TOWNS_PER_COUNTRY = 400
KM_PER_DEGREE = 111.2


def _offset(lat: float, lon: float, km: float, bearing: float) -> tuple[float, float]:
    """The point `km` from (lat, lon) at `bearing` (radians), on a flat approximation (short distances)."""
    dlat = km * math.cos(bearing) / KM_PER_DEGREE
    dlon = km * math.sin(bearing) / (KM_PER_DEGREE * math.cos(math.radians(lat)))
    return round(lat + dlat, 6), round(lon + dlon, 6)


def _month_end(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)


class Generator:
    """The rows of one run, drawn from one seeded random number generator."""

    def __init__(self, seed: int = 17) -> None:
        self.rnd = random.Random(seed)
        self.countries = []
        for n, (name, gw, iso3, fips, lat, lon) in enumerate(COUNTRIES):
            towns = []
            for t in range(TOWNS_PER_COUNTRY):
                tlat, tlon = _offset(lat, lon, self.rnd.uniform(0, 250), self.rnd.uniform(0, 2 * math.pi))
                towns.append((f"Town {n}-{t}", f"Province {n}-{t % 8}", f"District {n}-{t % 40}", tlat, tlon))
            groups = [(f"{name} Front {g}", 100_000 + n * 100 + g) for g in range(GROUPS_PER_COUNTRY)]
            self.countries.append((name, gw, iso3, fips, towns, groups))
        with UCDP_SAMPLE.open(encoding="utf-8", newline="") as f:
            records = list(csv.reader(f))
        self.ucdp_header, self.ucdp_hxl, template = records[0], records[1], records[2]
        self.ucdp_template = dict(zip(self.ucdp_header, template, strict=True))
        self.gdelt_columns = LAYOUTS[61][1]
        self.cameo = cameo_codes()

    # --- UCDP --------------------------------------------------------------------------------------

    def ucdp_event(self, row_id: int) -> dict[str, object]:
        """One UCDP event: what its row says, and what its copies need."""
        rnd = self.rnd
        country = rnd.randrange(len(self.countries))
        name, gw, _, _, towns, groups = self.countries[country]
        town = towns[rnd.randrange(len(towns))]
        violence = rnd.choices(("1", "2", "3"), (0.5, 0.2, 0.3))[0]
        a, b = rnd.sample(groups, 2)
        side_a = (f"Government of {name}", gw * 1000 % 100_000 + 1, str(gw)) if violence == "1" else (*a, "")
        side_b = ("Civilians", 1, "") if violence == "3" else (*b, "")
        date_prec = rnd.choices(("1", "2", "3", "4", "5"), (0.86, 0.06, 0.04, 0.03, 0.01))[0]
        start = FIRST_DAY + dt.timedelta(days=rnd.randrange(DAYS - 400))
        if date_prec == "4":
            start = start.replace(day=1)
        elif date_prec == "5":
            start = start.replace(month=1, day=1)
        span = {"1": 0, "2": rnd.randint(1, 5), "3": 6, "4": 0, "5": 0}[date_prec]
        end = start + dt.timedelta(days=span)
        where_prec = rnd.choices(("1", "2", "3"), (0.8, 0.15, 0.05))[0]
        lat, lon = _offset(town[3], town[4], rnd.uniform(0, 2), rnd.uniform(0, 2 * math.pi))
        deaths = [rnd.choice((0, 0, 1, 2, 3, 5)) for _ in range(4)]
        return {
            "id": row_id, "country": country, "town": town, "violence": violence, "side_a": side_a,
            "side_b": side_b, "date_prec": date_prec, "start": start, "end": end, "where_prec": where_prec,
            "lat": lat, "lon": lon, "deaths": deaths,
        }  # fmt: skip

    def ucdp_row(self, e: dict[str, object]) -> list[str]:
        name, gw, iso3, _, _, _ = self.countries[e["country"]]  # type: ignore[index]
        town, (sa, sa_id, gwa), (sb, sb_id, gwb) = e["town"], e["side_a"], e["side_b"]  # type: ignore[misc]
        deaths: list[int] = e["deaths"]  # type: ignore[assignment]
        best = sum(deaths)
        start: dt.date = e["start"]  # type: ignore[assignment]
        row = dict(self.ucdp_template)
        row.update({
            "id": str(e["id"]), "year": str(start.year), "type_of_violence": str(e["violence"]),
            "conflict_name": f"{sa} - {sb}", "dyad_name": f"{sa} - {sb}",
            "side_a_new_id": str(sa_id), "gwnoa": gwa, "side_a": sa, "side_b_new_id": str(sb_id), "gwnob": gwb,
            "side_b": sb, "where_prec": str(e["where_prec"]), "where_coordinates": f"{town[0]} town",
            "adm_1": town[1], "adm_2": town[2], "latitude": str(e["lat"]), "longitude": str(e["lon"]),
            "geom_wkt": f"POINT ({e['lon']} {e['lat']})", "country": name, "iso3": iso3, "country_id": str(gw),
            "date_prec": str(e["date_prec"]), "date_start": start.isoformat(), "date_end": e["end"].isoformat(),  # type: ignore[attr-defined]
            "deaths_a": str(deaths[0]), "deaths_b": str(deaths[1]), "deaths_civilians": str(deaths[2]),
            "deaths_unknown": str(deaths[3]), "low": str(best), "best": str(best), "high": str(best),
        })  # fmt: skip
        return [row[c] for c in self.ucdp_header]

    # --- GDELT -------------------------------------------------------------------------------------

    def gdelt_row(self, row_id: int, e: dict[str, object], kind: str) -> list[str]:
        """A GDELT row telling the UCDP event `e` (kind "duplicate") or a near-miss of it."""
        rnd = self.rnd
        name, _, iso3, fips, _, _ = self.countries[e["country"]]  # type: ignore[index]
        town = e["town"]
        start: dt.date = e["start"]  # type: ignore[assignment]
        end: dt.date = e["end"]  # type: ignore[assignment]
        lat: float = e["lat"]  # type: ignore[assignment]
        lon: float = e["lon"]  # type: ignore[assignment]
        code = "180" if e["violence"] == "3" else "190"
        if kind == "duplicate":
            day = start + dt.timedelta(days=rnd.randint(-1, (end - start).days + 1))
            if "spot" not in e:  # where the incident was: UCDP's point, or up to 13.5 km from a "near" one
                off = 0.0 if e["where_prec"] == "1" else rnd.uniform(0, 13.5)
                e["spot"] = _offset(lat, lon, off, rnd.uniform(0, 2 * math.pi))
            spot: tuple[float, float] = e["spot"]  # type: ignore[assignment]
            lat, lon = _offset(*spot, rnd.uniform(0, 1.5), rnd.uniform(0, 2 * math.pi))
        elif kind == "far":  # beyond both radii (kg.link.score.GEO_RADIUS_KM: UCDP's by where_prec, 3 km)
            day = start
            reach = {"1": 3.0, "2": 25.0, "3": 50.0}[str(e["where_prec"])] + 3.0
            lat, lon = _offset(lat, lon, reach + rnd.uniform(15, 50), rnd.uniform(0, 2 * math.pi))
        elif kind == "later":  # five to eight days after the last day the UCDP row's date can mean
            last = {"4": _month_end(start), "5": start.replace(month=12, day=31)}.get(str(e["date_prec"]), end)
            day = last + dt.timedelta(days=rnd.randint(5, 8))
        elif kind == "protest":
            day, code = start, "141"
        else:
            raise ValueError(f"unknown kind {kind!r}")
        _, root, quad = self.cameo[code]
        (sa, _, _), (sb, _, _) = e["side_a"], e["side_b"]  # type: ignore[misc]
        row = dict.fromkeys(self.gdelt_columns, "")
        place = f"{town[0]}, {town[1]}, {name}"  # type: ignore[index]
        geo = {"Type": "4", "FullName": place, "CountryCode": fips, "ADM1Code": f"{fips}01", "ADM2Code": "",
               "Lat": str(lat), "Long": str(lon), "FeatureID": str(-(10_000_000 + row_id))}  # fmt: skip
        row.update({
            "GLOBALEVENTID": str(row_id), "SQLDATE": day.strftime("%Y%m%d"), "MonthYear": day.strftime("%Y%m"),
            "Year": str(day.year), "FractionDate": f"{day.year + (day.timetuple().tm_yday - 1) / 365:.4f}",
            "Actor1Code": f"{iso3}REB", "Actor1Name": sa.upper(), "Actor1CountryCode": iso3, "Actor1Type1Code": "REB",
            "Actor2Code": f"{iso3}CVL" if sb == "Civilians" else f"{iso3}UAF", "Actor2Name": sb.upper(),
            "Actor2CountryCode": iso3, "Actor2Type1Code": "CVL" if sb == "Civilians" else "UAF",
            "IsRootEvent": "1", "EventCode": code, "EventBaseCode": code, "EventRootCode": root, "QuadClass": quad,
            "GoldsteinScale": "-10.0", "NumMentions": "4", "NumSources": "1", "NumArticles": "4", "AvgTone": "-6.5",
            "DATEADDED": (day + dt.timedelta(days=1)).strftime("%Y%m%d") + "060000",
            "SOURCEURL": f"https://example.org/news/{row_id}",
        })  # fmt: skip
        for k, v in geo.items():
            row[f"ActionGeo_{k}"] = v
        return [row[c] for c in self.gdelt_columns]


def write(reports: int, out: Path, seed: int = 17) -> dict[str, int]:
    """About `reports` rows in all (UCDP and GDELT) into `out`; the count of rows of each kind."""
    gen = Generator(seed)
    rnd = gen.rnd
    per_event = 1 + DUPLICATE_SHARE * (1 + TWO_SHARE) + (1 - DUPLICATE_SHARE) * NEAR_SHARE
    events = max(1, round(reports / per_event))
    out.mkdir(parents=True, exist_ok=True)
    counts = {"ucdp": 0, "duplicate": 0, "far": 0, "later": 0, "protest": 0}
    gdelt_id = 1_500_000_000
    with (
        (out / "ucdp.csv").open("w", encoding="utf-8", newline="") as u,
        (out / "gdelt.tsv").open("w", encoding="utf-8", newline="") as g,
        (out / "truth.tsv").open("w", encoding="utf-8", newline="") as t,
    ):
        ucdp = csv.writer(u, lineterminator="\n")
        ucdp.writerow(gen.ucdp_header)
        ucdp.writerow(gen.ucdp_hxl)
        t.write("report\tevent\tkind\n")
        for n in range(events):
            e = gen.ucdp_event(20_000_000 + n)
            ucdp.writerow(gen.ucdp_row(e))
            t.write(f"ucdp-ged/ucdp/{e['id']}\tu{e['id']}\tucdp\n")
            counts["ucdp"] += 1
            copies: list[str] = []
            if rnd.random() < DUPLICATE_SHARE:
                copies = ["duplicate"] * (2 if rnd.random() < TWO_SHARE else 1)
            elif rnd.random() < NEAR_SHARE:
                copies = [rnd.choice(("far", "later", "protest"))]
            for kind in copies:
                gdelt_id += 1
                g.write("\t".join(gen.gdelt_row(gdelt_id, e, kind)) + "\n")
                truth = f"u{e['id']}" if kind == "duplicate" else f"g{gdelt_id}"
                t.write(f"gdelt/gdelt/{gdelt_id}\t{truth}\t{kind}\n")
                counts[kind] += 1
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("reports", type=int, help="about how many rows in all")
    parser.add_argument("out", type=Path, help="folder for ucdp.csv, gdelt.tsv and truth.tsv")
    args = parser.parse_args()
    counts = write(args.reports, args.out)
    print(" ".join(f"{k} {v}" for k, v in counts.items()), f"total {sum(counts.values())}")


if __name__ == "__main__":
    main()
