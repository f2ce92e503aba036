"""Synthetic corpora for the scale benchmarks, written in kg's own annotation format.

A corpus is a folder with `registry.yaml` and `articles/<key>/annotation.yaml` + `article.txt`,
exactly what `kg build --articles DIR/articles --registry DIR/registry.yaml` reads. The article
text is made of sentences that contain the evidence quotes, so every quote occurs verbatim (a quote
that occurs more than once is written as `{quote, occurrence}`, like a curator would). Names of
people, states and places are invented (syllables), so no real person is given invented deeds.

Everything is drawn from one `random.Random(seed)`: the same arguments give the same bytes.

The violation variant (`--violations`) adds annotation-level faults the loader accepts (a meeting
with a single attendee) and `inject_violations` adds RDF-level faults to the mapped graph; both
are announced as `Expected` records (focus node, path, constraint component), see `VIOLATION_KINDS`.

Usage: python benchmarks/generate.py --tier small --out /tmp/corpus [--violations] [--seed 7]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH, XSD

from kg import iris
from kg.namespaces import DEFAULT_BASE, KGET, KGO, OA, SCHEMA

# ----------------------------------------------------------------------------------------------
# Tiers
# ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Tier:
    """Size of a corpus: articles, and how many countries the registry invents."""

    articles: int
    countries: int


#: tier → size; the article counts give about 20k, 200k and 1M triples of mapped output
TIERS: dict[str, Tier] = {
    "tiny": Tier(articles=6, countries=3),
    "small": Tier(articles=34, countries=6),
    "medium": Tier(articles=340, countries=24),
    "large": Tier(articles=1700, countries=60),
}

DEFAULT_SEED = 7
CURATED = "2026-11-20"

# ----------------------------------------------------------------------------------------------
# Invented names
# ----------------------------------------------------------------------------------------------

_SYLLABLES = [
    "ka",
    "ra",
    "ta",
    "na",
    "ma",
    "la",
    "sa",
    "va",
    "do",
    "ri",
    "lo",
    "mi",
    "zan",
    "tor",
    "bel",
    "sen",
    "dar",
    "vik",
    "ost",
    "mar",
    "len",
    "tua",
    "pe",
    "ru",
    "go",
    "ha",
    "ne",
    "is",
    "ul",
    "ar",
    "em",
    "ok",
    "an",
    "ir",
]
_GIVEN = [
    "Arman",
    "Bela",
    "Dias",
    "Ervin",
    "Farida",
    "Galym",
    "Hana",
    "Ilyas",
    "Jana",
    "Kemal",
    "Lina",
    "Marat",
    "Nadia",
    "Oskar",
    "Petra",
    "Rustam",
    "Sabina",
    "Timur",
    "Ulla",
    "Vera",
    "Yusuf",
    "Zarina",
    "Adil",
    "Bota",
    "Dana",
    "Eldar",
    "Gulnar",
    "Ivan",
    "Karim",
    "Laila",
    "Mira",
    "Nurlan",
]


def _name(rng: random.Random, parts: int = 3) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(parts)).capitalize()


def _key(text: str) -> str:
    out = "".join(ch.lower() if ch.isalnum() else "-" for ch in text)
    return "-".join(p for p in out.split("-") if p)


# ----------------------------------------------------------------------------------------------
# Registry
# ----------------------------------------------------------------------------------------------


@dataclass
class Country:
    """An invented country, its state, offices, people, regions, cities and groups."""

    name: str
    key: str
    state: str
    regions: list[str] = field(default_factory=list)
    cities: list[tuple[str, str]] = field(default_factory=list)  # (key, name)
    people: list[tuple[str, str, str, str]] = field(default_factory=list)  # (key, name, position key, title)
    groups: list[tuple[str, str, str]] = field(default_factory=list)  # (key, English label, Indonesian label)
    ministry: str = ""
    security_forces: str = ""


@dataclass
class World:
    """Everything the registry defines, for the article generator to refer to."""

    countries: list[Country]
    publishers: list[str]
    wires: list[str]
    igos: list[tuple[str, str, tuple[str, str, str, str]]]  # (key, name, secretary-general person)


def _q(value: object) -> str:
    """A YAML scalar: JSON strings are valid YAML double-quoted scalars."""
    return json.dumps(value, ensure_ascii=False) if isinstance(value, str) else str(value)


def _labels(en: str, id_: str) -> str:
    return "{en: " + _q(en) + ", id: " + _q(id_) + "}"


def make_world(rng: random.Random, countries: int) -> tuple[World, str]:
    """Invent the registry; return the world and the text of registry.yaml."""
    used: set[str] = set()

    def fresh(parts: int = 3) -> str:
        while True:
            n = _name(rng, parts)
            if _key(n) not in used:
                used.add(_key(n))
                return n

    places: list[str] = []
    states: list[str] = []
    orgs: list[str] = []
    groups: list[str] = []
    positions: list[str] = []
    people: list[str] = []
    world = World([], [], [], [])
    for i in range(countries):
        name = fresh()
        key = _key(name)
        c = Country(name, key, f"republic-of-{key}")
        lat, lon = rng.uniform(-50, 60), rng.uniform(-120, 150)
        places.append(
            f"  - id: {key}\n    type: country\n    label: {_labels(name, name)}\n"
            f"    latitude: {lat:.4f}\n    longitude: {lon:.4f}\n"
            f'    ids: {{geonames: {1000000 + i}, source: "synthetic benchmark corpus (invented country)"}}\n'
        )
        for _ in range(4):
            r = fresh()
            rkey = f"{_key(r)}-province"
            c.regions.append(rkey)
            places.append(
                f"  - id: {rkey}\n    type: region\n    label: {_labels(r + ' Province', 'Provinsi ' + r)}\n"
                f"    within: {key}\n"
            )
            for _ in range(3):
                city = fresh(2)
                ckey = _key(city)
                c.cities.append((ckey, city))
                places.append(
                    f"  - id: {ckey}\n    type: city\n    label: {_labels(city, city)}\n    within: {rkey}\n"
                    f"    latitude: {lat + rng.uniform(-5, 5):.5f}\n    longitude: {lon + rng.uniform(-5, 5):.5f}\n"
                )
        states.append(
            f"  - id: {c.state}\n    label: {_labels('Republic of ' + name, 'Republik ' + name)}\n"
            f"    territory: {key}\n"
        )
        c.ministry = f"{key}-interior-ministry"
        orgs.append(
            f"  - id: {c.ministry}\n"
            f"    label: {_labels('Ministry of Internal Affairs of ' + name, 'Kementerian Dalam Negeri ' + name)}\n"
        )
        for title_en, title_id, pkey in (
            ("President", "Presiden", "president"),
            ("Prime Minister", "Perdana Menteri", "prime-minister"),
            ("Minister of Internal Affairs", "Menteri Dalam Negeri", "interior-minister"),
        ):
            pos = f"{pkey}-of-{key}"
            positions.append(
                f"  - id: {pos}\n    label: {_labels(f'{title_en} of {name}', f'{title_id} {name}')}\n"
                f"    of: {c.state}\n"
            )
            person = f"{rng.choice(_GIVEN)} {fresh(2)}"
            pkey_ = _key(person)
            used.add(pkey_)
            c.people.append((pkey_, person, pos, title_en))
            start = dt.date(2010, 1, 1) + dt.timedelta(days=rng.randrange(3000))
            people.append(
                f"  - id: {pkey_}\n    label: {_labels(person, person)}\n    nationality: {c.state}\n"
                f'    positions:\n      - {{position: {pos}, start: "{start.isoformat()}"}}\n'
            )
        c.security_forces = f"{key}-security-forces"
        groups.append(
            f"  - id: {c.security_forces}\n    type: security-forces\n"
            f"    label: {_labels(name + ' security forces', 'pasukan keamanan ' + name)}\n"
        )
        c.groups.append((c.security_forces, name + " security forces", "pasukan keamanan " + name))
        for gtype, en, id_ in (
            ("armed-group", "{} Liberation Front", "Front Pembebasan {}"),
            ("group", "{} Workers' Union", "Serikat Pekerja {}"),
        ):
            g = fresh(2)
            gkey = _key(en.format(g))
            groups.append(f"  - id: {gkey}\n    type: {gtype}\n    label: {_labels(en.format(g), id_.format(g))}\n")
            c.groups.append((gkey, en.format(g), id_.format(g)))
        world.countries.append(c)
    for _ in range(max(3, countries // 2)):
        n = fresh(2)
        k = f"{_key(n)}-news"
        world.publishers.append(k)
        orgs.append(f"  - id: {k}\n    label: {_labels(n + ' News', 'Berita ' + n)}\n")
    for _ in range(2):
        n = fresh(2)
        k = f"{_key(n)}-wire"
        world.wires.append(k)
        orgs.append(f"  - id: {k}\n    label: {_labels(n + ' Wire Service', 'Kantor Berita ' + n)}\n")
    for _ in range(max(2, countries // 10)):
        n = fresh()
        k = f"{_key(n)}-treaty-organization"
        members = rng.sample(world.countries, k=min(len(world.countries), 5))
        orgs.append(f"  - id: {k}\n    label: {_labels(n + ' Treaty Organization', 'Organisasi Perjanjian ' + n)}\n")
        pos = f"secretary-general-of-{k}"
        title = _labels(
            f"Secretary General of the {n} Treaty Organization", f"Sekretaris Jenderal Organisasi Perjanjian {n}"
        )
        positions.append(f"  - id: {pos}\n    label: {title}\n    of: {k}\n")
        person = f"{rng.choice(_GIVEN)} {fresh(2)}"
        pk = _key(person)
        people.append(
            f"  - id: {pk}\n    label: {_labels(person, person)}\n    nationality: {members[0].state}\n"
            f'    positions:\n      - {{position: {pos}, start: "2019-01-01", end: "2025-12-31"}}\n'
        )
        world.igos.append((k, n + " Treaty Organization", (pk, person, pos, "Secretary General")))
        # members join through the states section: rewrite their entries with member_of
        for m in members:
            idx = next(i for i, s in enumerate(states) if s.startswith(f"  - id: {m.state}\n"))
            states[idx] = (
                states[idx].rstrip("\n") + f"\n    member_of: [{k}]\n"
                if "member_of" not in states[idx]
                else states[idx]
            )
    text = (
        "# Synthetic registry of the kg scale benchmarks (benchmarks/generate.py); all names are invented.\n\n"
        + "places:\n"
        + "".join(places)
        + "\nstates:\n"
        + "".join(states)
        + "\norganisations:\n"
        + "".join(orgs)
        + "\ngroups:\n"
        + "".join(groups)
        + "\npositions:\n"
        + "".join(positions)
        + "\npeople:\n"
        + "".join(people)
    )
    return world, text


# ----------------------------------------------------------------------------------------------
# Articles
# ----------------------------------------------------------------------------------------------

#: event type → weight, English noun, Indonesian noun, violent?
EVENT_TYPES: dict[str, tuple[int, str, str, bool]] = {
    "protest": (24, "Protest", "Unjuk rasa", False),
    "riot": (12, "Riot", "Kerusuhan", True),
    "armed-attack": (14, "Armed attack", "Serangan bersenjata", True),
    "armed-clash": (12, "Armed clash", "Bentrokan bersenjata", True),
    "looting": (5, "Looting", "Penjarahan", True),
    "seizure": (4, "Seizure", "Perebutan", True),
    "blockade": (5, "Blockade", "Blokade", True),
    "meeting": (8, "Meeting", "Pertemuan", False),
    "summit": (3, "Summit", "KTT", False),
    "unrest": (4, "Unrest", "Kerusuhan sipil", True),
    "commemoration": (3, "Commemoration", "Peringatan", False),
    "day-of-mourning": (2, "Day of mourning", "Hari berkabung", False),
    "deployment": (4, "Deployment", "Pengerahan pasukan", False),
}
_MEETINGS = {"meeting", "summit"}
_MONTHS_EN = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
_MONTHS_ID = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
]
COUNTS = {
    "killed": ("people were killed", "orang tewas"),
    "injured": ("people were injured", "orang terluka"),
    "arrested": ("people were arrested", "orang ditangkap"),
    "vehicles-destroyed": ("vehicles were destroyed", "kendaraan hancur"),
    "premises-looted": ("premises were looted", "bangunan dijarah"),
    "participants": ("people took part", "orang ikut serta"),
}
QUALIFIER_WORDS = {
    "exact": ("", ""),
    "about": ("about ", "sekitar "),
    "more-than": ("more than ", "lebih dari "),
    "at-least": ("at least ", "sedikitnya "),
    "fewer-than": ("fewer than ", "kurang dari "),
}
FACILITIES = {
    "government-building": ("government building", "gedung pemerintah"),
    "law-enforcement": ("police station", "kantor polisi"),
    "bank": ("bank branch", "cabang bank"),
    "airport": ("airport", "bandara"),
    "hospital": ("hospital", "rumah sakit"),
    "shop": ("market", "pasar"),
    "military": ("army base", "pangkalan militer"),
}
_FILLER_EN = (
    "Residents described a tense atmosphere in the days that followed.",
    "Officials did not respond to requests for comment.",
    "The situation remained fluid, according to local observers.",
    "Analysts said the events reflected long-standing grievances.",
)
_FILLER_ID = (
    "Warga menggambarkan suasana tegang pada hari-hari berikutnya.",
    "Para pejabat tidak menanggapi permintaan komentar.",
    "Situasi masih berubah-ubah, menurut pengamat setempat.",
    "Para analis mengatakan peristiwa itu mencerminkan keluhan lama.",
)


@dataclass
class _Text:
    """The article text being written, and where each quote was placed."""

    parts: list[str] = field(default_factory=list)
    length: int = 0
    placed: list[tuple[str, int]] = field(default_factory=list)  # (quote, start)

    def _sep(self) -> str:
        return "" if not self.parts or self.parts[-1] == "\n\n" else " "

    def sentence(self, before: str, quote: str, after: str = ".") -> str:
        """Append `before + quote + after` as one sentence; remember where the quote starts."""
        start = self.length + len(self._sep()) + len(before)
        self.add(before + quote + after)
        self.placed.append((quote, start))
        return quote

    def add(self, text: str) -> None:
        sep = self._sep()
        self.parts.append(sep + text)
        self.length += len(sep) + len(text)

    def paragraph(self) -> None:
        self.parts.append("\n\n")
        self.length += 2

    def render(self) -> str:
        return "".join(self.parts).rstrip("\n") + "\n"


def _evidence(text: str, quote: str, start: int) -> str:
    """The YAML evidence value: a plain quote, or {quote, occurrence} if it occurs more than once."""
    occurrences, i = [], text.find(quote)
    while i >= 0:
        occurrences.append(i)
        i = text.find(quote, i + 1)
    if len(occurrences) == 1:
        return _q(quote)
    return "{quote: " + _q(quote) + f", occurrence: {occurrences.index(start) + 1}" + "}"


@dataclass
class ArticleOut:
    """One generated article: its key, YAML and text, and announced violations (keys)."""

    key: str
    annotation: str
    text: str
    lonely_meetings: list[str]


def make_article(rng: random.Random, world: World, n: int, lonely_meeting: bool = False) -> ArticleOut:
    """Invent one article (2–7 events with roles, figures and claims) and its annotation."""
    lang = "id" if rng.random() < 0.5 else "en"
    country = rng.choice(world.countries)
    city_key, city = rng.choice(country.cities)
    day = dt.date(2015, 1, 1) + dt.timedelta(days=rng.randrange(3600))
    key = f"{_key(city)}-{day.isoformat()}-{n:05d}"
    t = _Text()
    en = lang == "en"
    title = f"Unrest in {city}" if en else f"Kerusuhan di {city}"
    t.add(title + ".")
    t.paragraph()
    quotes: list[tuple[str, str, int]] = []  # (yaml path label, quote, start) in placement order
    venues: list[str] = []
    groups: list[str] = []
    places: list[str] = []
    events: list[str] = []
    figures: list[str] = []
    claims: list[str] = []
    lonely: list[str] = []

    def ev(quote: str) -> str:
        """Placeholder replaced by the YAML evidence once the whole text is known."""
        start = t.placed[-1][1]
        quotes.append(("", quote, start))
        return f"@@{len(quotes) - 1}@@"

    # article-local groups and facilities
    local_groups: list[tuple[str, str]] = []
    for g in range(rng.choice((0, 1, 1, 2))):
        lbl_en = f"residents of {city} district {g + 1}"
        lbl_id = f"warga distrik {g + 1} {city}"
        q = t.sentence(
            "Witnesses said " if en else "Saksi mengatakan ",
            lbl_en if en else lbl_id,
            " had gathered early." if en else " berkumpul sejak pagi.",
        )
        gk = f"residents-{g + 1}"
        local_groups.append((gk, lbl_en if en else lbl_id))
        groups.append(
            f"  - id: {gk}\n    type: civilians\n    label: {_labels(lbl_en, lbl_id)}\n    evidence: {ev(q)}\n"
        )
    local_places: list[tuple[str, str]] = []
    for f in range(rng.choice((0, 1, 2))):
        ftype = rng.choice(sorted(FACILITIES))
        f_en, f_id = FACILITIES[ftype]
        lbl_en, lbl_id = f"the {f_en} in {city}", f"{f_id} di {city}"
        q = t.sentence("Crowds moved towards " if en else "Massa bergerak menuju ", lbl_en if en else lbl_id)
        pk = f"facility-{f + 1}"
        local_places.append((pk, lbl_en if en else lbl_id))
        places.append(
            f"  - id: {pk}\n    type: facility\n    facility_type: {ftype}\n    within: {city_key}\n"
            f"    label: {_labels(lbl_en, lbl_id)}\n    evidence: {ev(q)}\n"
        )
    t.paragraph()

    types = sorted(EVENT_TYPES)
    weights = [EVENT_TYPES[x][0] for x in types]
    n_events = rng.randint(2, 7)
    event_keys: list[tuple[str, str, bool]] = []
    actors_all = [*local_groups, *((k, e_, i_) if en else (k, i_, e_) for k, e_, i_ in country.groups)]
    for e in range(n_events):
        etype = "meeting" if (lonely_meeting and e == 0) else rng.choices(types, weights)[0]
        _, noun_en, noun_id, violent = EVENT_TYPES[etype]
        ekey = f"{etype}-{e + 1}"
        d = day - dt.timedelta(days=rng.randrange(0, 20))
        precision = rng.choices(("day", "month", "year"), (7, 2, 1))[0]
        date_value = {"day": d.isoformat(), "month": d.isoformat()[:7], "year": d.isoformat()[:4]}[precision]
        when_en = {
            "day": f"{d.day} {_MONTHS_EN[d.month - 1]} {d.year}",
            "month": f"{_MONTHS_EN[d.month - 1]} {d.year}",
            "year": str(d.year),
        }[precision]
        when_id = {
            "day": f"{d.day} {_MONTHS_ID[d.month - 1]} {d.year}",
            "month": f"{_MONTHS_ID[d.month - 1]} {d.year}",
            "year": str(d.year),
        }[precision]
        meeting = etype in _MEETINGS
        if meeting and rng.random() < 0.5:
            vk = f"video-conference-{e + 1}"
            v_en, v_id = f"video conference of {when_en}", f"konferensi video {when_id}"
            q = t.sentence("Delegates joined a " if en else "Para delegasi mengikuti ", v_en if en else v_id)
            venues.append(
                f"  - id: {vk}\n    label: {_labels(v_en.capitalize(), v_id.capitalize())}\n    evidence: {ev(q)}\n"
            )
            location, where_en, where_id = vk, "by video", "secara virtual"
        elif local_places and rng.random() < 0.4:
            location, place = rng.choice(local_places)
            where_en, where_id = f"at {place}", place
        else:
            ck, cn = rng.choice(country.cities) if rng.random() < 0.3 else (city_key, city)
            location, where_en, where_id = ck, f"in {cn}", f"di {cn}"
        label_en = f"{noun_en} {where_en}, {when_en}"
        label_id = f"{noun_id} {where_id}, {when_id}"
        q = t.sentence(
            "",
            (f"{noun_en} took place {where_en} on {when_en}" if en else f"{noun_id} terjadi {where_id} pada {when_id}"),
        )
        lines = [
            f"  - id: {ekey}\n    type: {etype}\n    label: {_labels(label_en, label_id)}\n",
            f'    date: "{date_value}"\n    precision: {precision}\n    location: {location}\n',
        ]
        if event_keys and rng.random() < 0.3:
            lines.append(f"    sub_event_of: {event_keys[0][0]}\n")
        if rng.random() < 0.3:
            lines.append(f"    about: [{country.key}]\n")
        lines.append(f"    evidence: {ev(q)}\n")
        roles: list[str] = []
        if meeting:
            chair = rng.choice(world.countries)
            q = t.sentence(
                "",
                f"Republic of {chair.name} chaired the meeting" if en else f"Republik {chair.name} memimpin pertemuan",
                ",",
            )
            roles.append(f"      - {{role: chair, actor: {chair.state}, evidence: {ev(q)}}}\n")
            attendees = 1 if (lonely_meeting and e == 0) else rng.randint(2, 5)
            people = [
                p for c in rng.sample(world.countries, k=min(attendees, len(world.countries))) for p in c.people[:1]
            ]
            if attendees > len(people) and world.igos:
                people.append(world.igos[0][2])
            for pk, pname, pos, ptitle in people[:attendees]:
                q = t.sentence("with " if en else "bersama ", f"{ptitle} {pname}", ",")
                roles.append(f"      - {{role: attendee, actor: {pk}, as: {pos}, evidence: {ev(q)}}}\n")
            if lonely_meeting and e == 0:
                lonely.append(ekey)
            speaker = people[0]
            q = t.sentence(
                "", f"{speaker[1]} addressed the delegates" if en else f"{speaker[1]} berbicara di depan delegasi"
            )
            roles.append(f"      - {{role: speaker, actor: {speaker[0]}, as: {speaker[2]}, evidence: {ev(q)}}}\n")
        else:
            kinds = ("participant", "perpetrator", "target") if violent else ("participant",)
            for role in rng.sample(kinds, k=rng.randint(1, len(kinds))):
                if role == "target" and (local_places or rng.random() < 0.5):
                    tk, tl = rng.choice(local_places) if local_places else (city_key, city)
                else:
                    tk, tl = rng.choice(actors_all)[:2]
                phrase = {
                    "participant": (f"{tl} took part", f"{tl} ikut serta"),
                    "perpetrator": (f"the violence was blamed on {tl}", f"kekerasan dituduhkan kepada {tl}"),
                    "target": (f"{tl} came under attack", f"{tl} diserang"),
                }[role]
                q = t.sentence("Reports said " if en else "Laporan menyebutkan ", phrase[0] if en else phrase[1])
                roles.append(f"      - {{role: {role}, actor: {tk}, evidence: {ev(q)}}}\n")
        if roles:
            lines.append("    roles:\n" + "".join(roles))
        events.append("".join(lines))
        event_keys.append((ekey, label_en, violent))
        if violent or etype == "protest":
            for fi in range(rng.choice((0, 1, 1, 2))):
                counts = (
                    rng.choice(("killed", "injured", "arrested", "vehicles-destroyed")) if violent else "participants"
                )
                qualifier = rng.choices(sorted(QUALIFIER_WORDS), (3, 2, 2, 2, 1))[0]
                value = max(1, int(rng.expovariate(1 / 25)))
                w_en, w_id = QUALIFIER_WORDS[qualifier]
                c_en, c_id = COUNTS[counts]
                q = t.sentence(
                    "Officials said " if en else "Pejabat mengatakan ",
                    f"{w_en}{value} {c_en}" if en else f"{w_id}{value} {c_id}",
                )
                figures.append(
                    f"  - id: {ekey}-{counts}-{fi + 1}\n    event: {ekey}\n    counts: {counts}\n    value: {value}\n"
                    f"    qualifier: {qualifier}\n    evidence: {ev(q)}\n"
                )
        t.paragraph()

    # claims: a speaker's statement about an event, sometimes grounding it
    for ci in range(rng.choice((0, 1, 1, 2))):
        pk, pname, _, _ = rng.choice(country.people)
        ekey, elabel, _ = rng.choice(event_keys)
        text_en = f"the {elabel.split(',')[0].lower()} was organised from abroad"
        text_id = f"peristiwa itu diorganisasi dari luar negeri ({ci + 1})"
        q = t.sentence(f"{pname} said " if en else f"{pname} mengatakan ", text_en if en else text_id)
        meet = next((k for k, _, _ in event_keys if k.startswith(("meeting", "summit"))), None)
        claims.append(
            f"  - id: claim-{ci + 1}\n    speaker: {pk}\n"
            + (f"    made_at: {meet}\n" if meet else "")
            + f"    about: [{ekey}]\n    text: {_labels(text_en.capitalize() + '.', text_id.capitalize() + '.')}\n"
            f"    evidence: {ev(q)}\n"
        )
    filler = _FILLER_EN if en else _FILLER_ID
    t.add(rng.choice(filler))
    text = t.render()

    publisher = rng.choice(world.publishers)
    based_on = rng.choice(world.wires) if rng.random() < 0.3 else None
    head = (
        f"# Synthetic article {n} of the kg scale benchmarks (benchmarks/generate.py); invented.\n\n"
        f"document:\n  id: {key}\n  title: {_q(title)}\n  language: {lang}\n  text: article.txt\n"
        f"  publisher: {publisher}\n"
        + (f"  based_on: {based_on}\n" if based_on else "")
        + f'  published: "{day.isoformat()}"\n  curated: "{CURATED}"\n'
    )
    body = head
    for section, items in (
        ("venues", venues),
        ("groups", groups),
        ("places", places),
        ("events", events),
        ("figures", figures),
        ("claims", claims),
    ):
        if items:
            body += f"\n{section}:\n" + "".join(items)
    for i, (_, quote, start) in enumerate(quotes):
        body = body.replace(f"@@{i}@@", _evidence(text, quote, start), 1)
    return ArticleOut(key, body, text, lonely)


# ----------------------------------------------------------------------------------------------
# The corpus
# ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Corpus:
    """Where a generated corpus lives."""

    root: Path
    registry: Path
    articles: Path
    lonely_meetings: tuple[tuple[str, str], ...]  # (article key, event key) with one attendee


def generate(out: Path, tier: str | Tier, seed: int = DEFAULT_SEED, violations: int = 0) -> Corpus:
    """Write a corpus of `tier` under `out`; with `violations` > 0, that many lone-attendee meetings."""
    size = TIERS[tier] if isinstance(tier, str) else tier
    rng = random.Random(seed)
    world, registry = make_world(rng, size.countries)
    out.mkdir(parents=True, exist_ok=True)
    (out / "registry.yaml").write_text(registry, encoding="utf-8")
    articles = out / "articles"
    articles.mkdir(exist_ok=True)
    lonely_at = set(random.Random(seed + 1).sample(range(size.articles), k=min(violations, size.articles)))
    lonely: list[tuple[str, str]] = []
    for n in range(size.articles):
        art = make_article(rng, world, n, lonely_meeting=n in lonely_at)
        folder = articles / art.key
        folder.mkdir(exist_ok=True)
        (folder / "annotation.yaml").write_text(art.annotation, encoding="utf-8")
        (folder / "article.txt").write_text(art.text, encoding="utf-8")
        lonely += [(art.key, e) for e in art.lonely_meetings]
    manifest = {"seed": seed, "articles": size.articles, "countries": size.countries, "lonely_meetings": lonely}
    (out / "corpus.json").write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    return Corpus(out, out / "registry.yaml", articles, tuple(lonely))


# ----------------------------------------------------------------------------------------------
# Injected violations (RDF level, after mapping)
# ----------------------------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class Expected:
    """A violation the corpus is announced to have: what pyshacl must report."""

    kind: str
    focus: str
    path: str  # full IRI, or "" for a node-level constraint
    component: str  # full IRI of the constraint component


_SH = str(SH)


def _subjects_of(g: Graph, cls: URIRef) -> list[URIRef]:
    return sorted(s for s in g.subjects(RDF.type, cls) if isinstance(s, URIRef))


def _events(g: Graph, meetings: bool = False) -> list[URIRef]:
    met = {KGET.meeting, KGET.summit}
    return sorted(e for e, t in g.subject_objects(KGO.eventType) if isinstance(e, URIRef) and ((t in met) == meetings))


def _reports(g: Graph) -> list[URIRef]:
    return _subjects_of(g, KGO.Report)


def _position_selectors(g: Graph) -> list[URIRef]:
    return _subjects_of(g, OA.TextPositionSelector)


def _exact_figures(g: Graph) -> list[URIRef]:
    return sorted(f for f in _subjects_of(g, KGO.Figure) if (f, SCHEMA.maxValue, None) in g)


def _doc_length(g: Graph, selector: URIRef) -> int:
    target = g.value(None, OA.hasSelector, selector)
    doc = g.value(target, OA.hasSource)
    return int(g.value(doc, KGO.characterCount))  # type: ignore[arg-type]


def _inj_missing_location(g: Graph, e: URIRef) -> Expected:  # e: a report, which gives the place
    g.remove((e, KGO.location, None))
    return Expected("missing-location", str(e), str(KGO.location), _SH + "MinCountConstraintComponent")


def _inj_second_start_date(g: Graph, e: URIRef) -> Expected:  # e: a report, which gives the dates
    g.add((e, KGO.startDate, Literal("1999-12-31", datatype=XSD.date)))
    return Expected("second-start-date", str(e), str(KGO.startDate), _SH + "MaxCountConstraintComponent")


def _inj_unknown_event_type(g: Graph, e: URIRef) -> Expected:
    g.set((e, KGO.eventType, KGET["massacre"]))
    return Expected("unknown-event-type", str(e), str(KGO.eventType), _SH + "InConstraintComponent")


def _inj_target_not_actor(g: Graph, e: URIRef) -> Expected:
    report = min(r for r in g.subjects(KGO.reportOf, e) if isinstance(r, URIRef))
    g.add((e, KGO.target, g.value(report, KGO.evidence)))  # an evidence annotation: neither actor nor place
    return Expected("target-not-actor-or-place", str(e), str(KGO.target), _SH + "OrConstraintComponent")


def _inj_missing_label(g: Graph, e: URIRef) -> Expected:
    g.remove((e, RDFS.label, None))  # a label in either language would do; none is a violation
    return Expected("missing-label", str(e), str(RDFS.label), _SH + "QualifiedMinCountConstraintComponent")


def _inj_ill_typed_value(g: Graph, f: URIRef) -> Expected:
    g.set((f, SCHEMA.value, Literal("12", datatype=XSD.integer)))
    return Expected("ill-typed-value", str(f), str(SCHEMA.value), _SH + "DatatypeConstraintComponent")


def _inj_min_above_max(g: Graph, f: URIRef) -> Expected:
    high = int(g.value(f, SCHEMA.maxValue))  # type: ignore[arg-type]
    g.set((f, SCHEMA.minValue, Literal(high + 5, datatype=XSD.nonNegativeInteger)))
    return Expected("min-above-max", str(f), str(SCHEMA.minValue), _SH + "LessThanOrEqualsConstraintComponent")


def _inj_evidence_beyond_document(g: Graph, sel: URIRef) -> Expected:
    g.set((sel, OA.end, Literal(_doc_length(g, sel) + 7, datatype=XSD.nonNegativeInteger)))
    return Expected("evidence-beyond-document", str(sel), "", _SH + "SPARQLConstraintComponent")


def _inj_start_not_before_end(g: Graph, sel: URIRef) -> Expected:
    g.set((sel, OA.start, g.value(sel, OA.end)))  # type: ignore[arg-type]
    return Expected("start-not-before-end", str(sel), str(OA.start), _SH + "LessThanConstraintComponent")


def _inj_missing_quote_selector(g: Graph, sel: URIRef) -> Expected:
    target = g.value(None, OA.hasSelector, sel)
    assert isinstance(target, URIRef)
    quote = next(s for s in g.objects(target, OA.hasSelector) if (s, RDF.type, OA.TextQuoteSelector) in g)
    g.remove((target, OA.hasSelector, quote))
    # the target neither selects a quote nor a dataset row: one result of the node shape's sh:or
    return Expected("missing-quote-selector", str(target), "", _SH + "OrConstraintComponent")


#: kind → (candidates in the mapped graph, injection); each injection makes exactly one SHACL result
VIOLATION_KINDS: dict[str, tuple[Callable[[Graph], list[URIRef]], Callable[[Graph, URIRef], Expected]]] = {
    "missing-location": (_reports, _inj_missing_location),
    "second-start-date": (_reports, _inj_second_start_date),
    "unknown-event-type": (_events, _inj_unknown_event_type),
    "target-not-actor-or-place": (_events, _inj_target_not_actor),
    "missing-label": (_events, _inj_missing_label),
    "ill-typed-value": (lambda g: _subjects_of(g, KGO.Figure), _inj_ill_typed_value),
    "min-above-max": (_exact_figures, _inj_min_above_max),
    "evidence-beyond-document": (_position_selectors, _inj_evidence_beyond_document),
    "start-not-before-end": (_position_selectors, _inj_start_not_before_end),
    "missing-quote-selector": (_position_selectors, _inj_missing_quote_selector),
}
LONELY_MEETING = "meeting-with-one-attendee"


def inject_violations(graph: Graph, per_kind: int, seed: int = DEFAULT_SEED) -> list[Expected]:
    """Add `per_kind` RDF-level faults of every kind to `graph` (in place); return what they violate.

    Every fault goes on a different node (events, figures, selectors are each used once).
    """
    rng = random.Random(seed + 2)
    used: set[URIRef] = set()
    expected: list[Expected] = []
    for _, (candidates, inject) in VIOLATION_KINDS.items():
        pool = [c for c in candidates(graph) if c not in used]
        for node in rng.sample(pool, k=min(per_kind, len(pool))):
            used.add(node)
            if inject is _inj_missing_quote_selector:
                target = graph.value(None, OA.hasSelector, node)
                used.update(s for s in graph.objects(target, OA.hasSelector) if isinstance(s, URIRef))
            expected.append(inject(graph, node))
    return sorted(expected)


def lonely_meeting_violations(corpus: Corpus, base: str = DEFAULT_BASE) -> list[Expected]:
    """The annotation-level violations the generator wrote: meetings with one attendee."""
    return [
        Expected(
            LONELY_MEETING, str(iris.mint(base, "event", a, e)), str(KGO.attendee), _SH + "MinCountConstraintComponent"
        )
        for a, e in corpus.lonely_meetings
    ]


def write_expected(path: Path, expected: Sequence[Expected]) -> None:
    """Write the announced violations as JSON (one record per violation, sorted)."""
    rows = [e.__dict__ for e in sorted(expected)]
    path.write_text(json.dumps(rows, indent=1) + "\n", encoding="utf-8")


def iter_kinds() -> Iterator[str]:
    """Every announced violation kind."""
    yield from VIOLATION_KINDS
    yield LONELY_MEETING


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--tier", choices=sorted(TIERS), default="small")
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--seed", type=int, default=DEFAULT_SEED)
    p.add_argument("--violations", type=int, default=0, help="faults of each kind (also written as violations.json)")
    args = p.parse_args(argv)
    corpus = generate(args.out, args.tier, args.seed, args.violations)
    print(f"{args.out}: {TIERS[args.tier].articles} articles", file=sys.stderr)
    if args.violations:
        from kg import pipeline
        from kg.config import Settings

        settings = Settings(articles_dir=corpus.articles, registry_file=corpus.registry)
        mapped = pipeline.map_corpus(settings)
        expected = inject_violations(mapped.graph, args.violations, args.seed) + lonely_meeting_violations(corpus)
        mapped.graph.serialize(args.out / "bad.nt", format="nt", encoding="utf-8")
        write_expected(args.out / "violations.json", expected)
        print(f"{args.out / 'bad.nt'}: {len(mapped.graph)} triples, {len(expected)} violations", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
