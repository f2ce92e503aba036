"""The lexicons of `kg extract`: versioned YAML data files shipped with the package, read into typed records."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal

from ruamel.yaml import YAML

from kg.errors import KGError

LEXICON_DIR = Path(__file__).parent / "lexicons"
#: the rules' confidences measured on the development texts (`python -m kg.extract.calibrate` writes it)
CONFIDENCE_FILE = LEXICON_DIR / "confidence.yaml"
Lang = Literal["id", "en"]
LANGUAGES: tuple[Lang, ...] = ("id", "en")


class LexiconError(KGError):
    """A lexicon file of `kg extract` is missing or malformed."""


@dataclass(frozen=True)
class RelativeDate:
    """A relative date expression: what period it names, counted from the dateline."""

    kind: str
    offset: int


@dataclass(frozen=True)
class Lexicon:
    """Every word list one language needs; phrases are lower-case."""

    language: Lang
    version: str
    triggers: dict[str, str]
    summit_min_leaders: int
    qualifiers: dict[str, str]
    window: int
    counted_after: tuple[tuple[str, str], ...]
    counted_before: tuple[tuple[str, str], ...]
    counted_unknown: tuple[tuple[str, str], ...]
    #: phrases that say nobody was counted ("no one was killed", "tidak ada korban jiwa"): an exact 0
    counted_none: tuple[tuple[str, str], ...]
    counted_labels: tuple[tuple[str, str], ...]
    magnitudes: dict[str, int]
    role_labels: dict[str, str]
    supporter_markers: tuple[str, ...]
    harm_verbs: tuple[str, ...]
    perpetrator_nouns: tuple[str, ...]
    member_markers: tuple[str, ...]
    qualifier_gap: tuple[str, ...]
    victims: tuple[tuple[str, str], ...]
    numbers: dict[str, int]
    multipliers: dict[str, int]
    teens: frozenset[str]
    reporting_verbs: tuple[str, ...]
    reporting_prefix: tuple[str, ...]
    speaker_verbs: tuple[str, ...]
    venues: tuple[str, ...]
    speaker_aliases: dict[str, str]
    attend_markers: tuple[str, ...]
    chair_verbs: tuple[str, ...]
    target_markers: tuple[str, ...]
    agent_markers: tuple[str, ...]
    spread_markers: tuple[str, ...]
    months: dict[str, int]
    weekdays: dict[str, int]
    relative_dates: dict[str, RelativeDate]
    groups: dict[str, str]
    facilities: dict[str, tuple[str, bool]]
    #: buildings that are a target only where the text says they were harmed (not by standing near an attack)
    buildings: dict[str, tuple[str, bool]]
    #: words between an attack's word and those it harmed, before its agent ("the massacre of … by X")
    victim_links: tuple[str, ...]
    #: words after an actor that say it claimed the event ("claimed responsibility"): a perpetrator
    responsibility_claims: tuple[str, ...]
    #: words before an actor that blame it for the event ("blamed X for", "menuding X"): the actor is its perpetrator
    blame_markers: tuple[str, ...]
    #: words that must follow the blamed actor within a few words ("for", "of"; none in Indonesian)
    blame_followers: tuple[str, ...]
    #: words after a blamed actor that say it did the event, in place of the event's word ("sebagai dalang")
    blame_objects: tuple[str, ...]
    #: words that negate the verb after them ("did not blame", "belum menuduh")
    negations: tuple[str, ...]
    #: words before an actor that name a group of its own people ("supporters of X"): the group acts, not X
    dependent_markers: tuple[str, ...]
    #: nouns of what a group owns ("rumah warga"): the group after them is not what was attacked
    possession_nouns: tuple[str, ...]
    #: verbs between an attack's word and its agent marker ("an attack carried out by X")
    agent_verbs: tuple[str, ...]
    #: words after an actor that say it called or organised a protest ("called for protests"): a participant
    organiser_phrases: tuple[str, ...]
    passive_triggers: frozenset[str]
    place_aliases: dict[str, str]
    #: a generic noun for a kind of actor → the English head word that names it in a registry label
    #: ("polisi" → "police"): it is the registry actor whose English label holds that word, when only one does
    registry_heads: dict[str, str]
    #: a noun for the soldiers of a force ("troops", "pasukan") → the English head word of that force's registry
    #: label ("forces"): qualified by the force's own name ("Indonesian troops", "pasukan TNI") it names that force
    force_nouns: dict[str, str]
    #: words that make a singular subject ("a", "seorang"): "A toddler was killed" counts one killed
    singular_determiners: tuple[str, ...]
    #: a toll named earlier in the clause ("death toll", "korban luka") → what it counts, and the verbs of reaching
    #: right before its number ("reached", "mencapai")
    toll_nouns: dict[str, str]
    #: words after a clash's word that name its sides ("clashes between X and Y", "bentrok dengan Y")
    clash_links: tuple[str, ...]
    #: words of a conflict that is no clash by the triggers ("conflict", "perseteruan"): before "between"/"antara"
    #: they name its sides too; and verbs that set two sides against each other ("pitted X against Y")
    conflict_words: tuple[str, ...]
    opposition_verbs: tuple[str, ...]
    opposition_links: tuple[str, ...]
    #: words between a perpetrator noun and the name it gives ("the attacker, X", "pelaku bernama X")
    naming_links: tuple[str, ...]
    #: words that complete a harm verb before its agent marker ("burned alive by X")
    harm_complements: tuple[str, ...]
    #: words between a counting verb and its number ("killed a total of 12", "menewaskan sebanyak 12")
    count_fillers: tuple[str, ...]
    #: words after an actor in an infobox row that say where it was ("Polisi di Polrestabes Medan")
    row_place_links: tuple[str, ...]
    #: words before the perpetrators of harm told as its victims' ("victims at the hands of X")
    perpetrator_markers: tuple[str, ...]
    #: a group noun's own qualifier: capitalised words before it (en, "Bugis migrants") or after it, maybe after a
    #: linking word (id, "warga desa Agom", "umat Kristen"): the group of the article is the qualified one
    group_qualifier_side: str
    group_qualifier_links: tuple[str, ...]
    #: nouns for people that are a group of the article only with a qualifier ("Tidung people", "orang Madura"):
    #: alone they name no one in particular
    qualified_nouns: tuple[str, ...]
    #: capitalised words that never qualify a group noun ("The protesters", "In Jakarta, students")
    group_qualifier_stops: tuple[str, ...]
    #: words before a range told in words ("between 20 and 30"), and words that open a description between commas
    #: after a count ("14 people, including four children, were killed")
    range_openers: tuple[str, ...]
    #: "<actor> was/were <verb>" (en) or "<actor> <verb>" (id): the actor was convicted or sentenced, a perpetrator
    conviction_verbs: tuple[str, ...]
    #: words that may stand between an actor and its claim of responsibility besides its name ("has", "later")
    claim_gap_words: tuple[str, ...]
    count_asides: tuple[str, ...]
    #: words that introduce a name the registry lacks ("the", "kelompok"), and words of a name that make it a group's
    #: ("Front", "Gerakan"): a new group of the article rather than a new person
    name_intros: tuple[str, ...]
    organisation_words: frozenset[str]
    toll_verbs: tuple[str, ...]
    #: words that may stand between an actor and its verb ("massa mulai membakar", "police then shot")
    subject_links: tuple[str, ...]
    #: nouns for one or more people of no group of the lexicon ("priest", "pendeta"): an actor only right before
    #: or after a harm verb
    person_nouns: tuple[str, ...]
    #: the group type of a person noun other than civilians ("sympathisers": unnamed-group, "aparat": security-forces)
    person_noun_types: dict[str, str]
    #: words that may stand between a harm verb and whom it harmed ("attacked the", "menembaki para")
    object_determiners: tuple[str, ...]
    #: words after an English participle that show it has no object ("killed in", "looted during"): a passive
    participle_followers: frozenset[str]
    #: English verbs that always take an object: bare after their subject, with none, they are passives
    participle_verbs: frozenset[str]
    #: "<actor> was/were <verb>" (en) or "<actor> <verb>" (id): the actor was harmed, a target of the event
    victim_verbs: tuple[str, ...]
    #: "<actor> <verb>" with the actor acting in the event: a security force is a participant, another actor
    #: that burns, loots or attacks a perpetrator
    actor_verbs: dict[str, str]
    #: words of a title before a name ("spokesman", "Brigadier", "Kombes"): left out of a draft person's name
    person_titles: frozenset[str]
    #: words that place a facility near the event ("in the vicinity of"): a landmark, not a target
    proximity_markers: tuple[str, ...]
    #: infobox row labels of a date ("Date: 13–14 May 2018"): the event's date, never the text's dateline
    date_labels: tuple[str, ...]
    #: words between the two days of a range ("13–14 May", "29 hingga 30 Juli"): the event starts on the first
    range_words: tuple[str, ...]
    #: infobox row labels of a place ("Location: Depok, West Java, Indonesia"): where the article's event is
    place_labels: tuple[str, ...]
    #: a trigger word whose event type is another when the event is placed in a city or town, not a country
    #: or region ("kerusuhan": unrest across a country, a riot in a town)
    local_triggers: dict[str, str]
    #: words that go on a group's name ("of": "warga … keturunan Tionghoa", "students of Papua"), that join
    #: two names ("and": "by Al Qaeda and Jemaah Islamiyah") and that join alternatives ("or": "3 atau 6")
    name_links: dict[str, tuple[str, ...]]
    #: words that open a list of the harmed ("among the victims … were"): every actor after them is a target
    victim_lists: tuple[str, ...]
    #: units of time: a number right before one is a duration ("arrested 2 days later"), never a count
    durations: frozenset[str]
    #: a harm told as a noun and the word that names whom it harmed ("attack on", "serangan terhadap"): the actor
    #: right after it is a target, as after a harm verb (session 13)
    harm_objects: tuple[str, ...]
    #: words after which a perpetrator noun's name has two words at least ("the bomber was Karl Heinz", not "the
    #: bomber was Indonesian")
    naming_copulas: tuple[str, ...]
    #: the words after a perpetrator noun that may lead to the event's word before its name ("of the": "the
    #: perpetrator of the bombing was X"; "" for the word right after it: "pelaku penembakan, X")
    noun_event_links: tuple[str, ...]
    #: the word of a harm's noun after which only a determiner may stand before whom it harmed ("serangan atas
    #: kantor polisi", not "serangan atas perintah X")
    loose_object_links: frozenset[str]


def _pairs(raw: Any, file: Path, field: str) -> tuple[tuple[str, str], ...]:
    if not isinstance(raw, list) or not all(isinstance(p, list) and len(p) == 2 for p in raw):
        raise LexiconError("expected a list of [phrase, value] pairs", file=file, field=field)
    return tuple((str(a).lower(), str(b)) for a, b in raw)


def _side(raw: Any) -> str:
    if raw not in ("before", "after"):
        raise ValueError(f"group_qualifiers.side must be 'before' or 'after', not {raw!r}")
    return str(raw)


@cache
def measured_confidences() -> dict[str, float]:
    """Rule id → its confidence measured on the development texts (empty where the file has no rules)."""
    try:
        data = YAML(typ="safe").load(CONFIDENCE_FILE.read_text(encoding="utf-8"))
    except OSError as exc:
        raise LexiconError(f"cannot read the rules' confidences ({exc.strerror})", file=CONFIDENCE_FILE) from None
    try:
        return {str(rule): float(v["confidence"]) for rule, v in (data.get("rules") or {}).items()}
    except (AttributeError, KeyError, TypeError, ValueError):
        raise LexiconError(
            "each rule needs {drafted, matched, confidence}",
            file=CONFIDENCE_FILE,
            hint="rewrite it with python -m kg.extract.calibrate",
        ) from None


@cache
def load_lexicon(lang: Lang) -> Lexicon:
    """Read the lexicon of `lang` (cached: the files never change while kg runs)."""
    file = LEXICON_DIR / f"{lang}.yaml"
    try:
        data = YAML(typ="safe").load(file.read_text(encoding="utf-8"))
    except OSError as exc:
        raise LexiconError(f"cannot read the lexicon ({exc.strerror})", file=file) from None
    try:
        counted = data["counted"]
        return Lexicon(
            language=lang,
            version=str(data["version"]),
            triggers={str(k).lower(): str(v) for k, v in data["triggers"].items()},
            summit_min_leaders=int(data["summit_min_leaders"]),
            qualifiers={str(k).lower(): str(v) for k, v in data["qualifiers"].items()},
            window=int(counted["window"]),
            counted_after=_pairs(counted["after"], file, "counted.after"),
            counted_before=_pairs(counted["before"], file, "counted.before"),
            counted_unknown=_pairs(counted["unknown"], file, "counted.unknown"),
            counted_none=_pairs(counted["none"], file, "counted.none"),
            counted_labels=_pairs(counted["labels"], file, "counted.labels"),
            magnitudes={str(k).lower(): int(v) for k, v in data["magnitudes"].items()},
            role_labels={str(k).lower(): str(v) for k, v in data["role_labels"].items()},
            supporter_markers=tuple(str(v).lower() for v in data["supporter_markers"]),
            harm_verbs=tuple(str(v).lower() for v in data["harm_verbs"]),
            perpetrator_nouns=tuple(str(v).lower() for v in data["perpetrator_nouns"]),
            member_markers=tuple(str(v).lower() for v in data["member_markers"]),
            qualifier_gap=tuple(str(v).lower() for v in data["qualifier_gap"]),
            victims=_pairs(counted["victims"], file, "counted.victims"),
            numbers={str(k).lower(): int(v) for k, v in data["numbers"].items()},
            multipliers={str(k).lower(): int(v) for k, v in data["multipliers"].items()},
            teens=frozenset(str(t) for t in data["teens"]),
            reporting_verbs=tuple(str(v).lower() for v in data["reporting_verbs"]),
            reporting_prefix=tuple(str(v).lower() for v in data["reporting_prefix"]),
            speaker_verbs=tuple(str(v).lower() for v in data["speaker_verbs"]),
            venues=tuple(str(v).lower() for v in data["venues"]),
            speaker_aliases={str(k).lower(): str(v) for k, v in data["speaker_aliases"].items()},
            attend_markers=tuple(str(v).lower() for v in data["attend_markers"]),
            chair_verbs=tuple(str(v).lower() for v in data["chair_verbs"]),
            target_markers=tuple(str(v).lower() for v in data["target_markers"]),
            spread_markers=tuple(str(v).lower() for v in data["spread_markers"]),
            agent_markers=tuple(re.escape(str(v).lower()) for v in data["agent_markers"]),
            months={str(k).lower(): int(v) for k, v in data["months"].items()},
            weekdays={str(k).lower(): int(v) for k, v in data["weekdays"].items()},
            relative_dates={
                str(k).lower(): RelativeDate(str(v["kind"]), int(v["offset"]))
                for k, v in data["relative_dates"].items()
            },
            groups={str(k).lower(): str(v) for k, v in data["groups"].items()},
            facilities={str(k).lower(): (str(v[0]), bool(v[1])) for k, v in data["facilities"].items()},
            buildings={str(k).lower(): (str(v[0]), bool(v[1])) for k, v in data["buildings"].items()},
            victim_links=tuple(str(v).lower() for v in data["victim_links"]),
            responsibility_claims=tuple(str(v).lower() for v in data["responsibility_claims"]),
            blame_markers=tuple(str(v).lower() for v in data["blame_markers"]),
            blame_followers=tuple(str(v).lower() for v in data["blame_followers"]),
            blame_objects=tuple(str(v).lower() for v in data["blame_objects"]),
            negations=tuple(str(v).lower() for v in data["negations"]),
            dependent_markers=tuple(str(v).lower() for v in data["dependent_markers"]),
            possession_nouns=tuple(str(v).lower() for v in data["possession_nouns"]),
            agent_verbs=tuple(str(v).lower() for v in data["agent_verbs"]),
            organiser_phrases=tuple(str(v).lower() for v in data["organiser_phrases"]),
            passive_triggers=frozenset(str(v).lower() for v in data["passive_triggers"]),
            place_aliases={str(k).lower(): str(v) for k, v in data["place_aliases"].items()},
            registry_heads={str(k).lower(): str(v).lower() for k, v in data["registry_heads"].items()},
            subject_links=tuple(str(v).lower() for v in data["subject_links"]),
            person_nouns=tuple(str(v).lower() for v in data["person_nouns"]),
            person_noun_types={str(k).lower(): str(v) for k, v in data["person_noun_types"].items()},
            object_determiners=tuple(str(v).lower() for v in data["object_determiners"]),
            participle_followers=frozenset(str(v).lower() for v in data["participle_followers"]),
            participle_verbs=frozenset(str(v).lower() for v in data["participle_verbs"]),
            name_intros=tuple(str(v).lower() for v in data["name_intros"]),
            organisation_words=frozenset(str(v).lower() for v in data["organisation_words"]),
            claim_gap_words=tuple(str(v).lower() for v in data["claim_gap_words"]),
            conviction_verbs=tuple(str(v).lower() for v in data["conviction_verbs"]),
            range_openers=tuple(str(v).lower() for v in data["range_openers"]),
            count_asides=tuple(str(v).lower() for v in data["count_asides"]),
            clash_links=tuple(str(v).lower() for v in data["clash_links"]),
            conflict_words=tuple(str(v).lower() for v in data["conflict_words"]),
            opposition_verbs=tuple(str(v).lower() for v in data["opposition_verbs"]),
            opposition_links=tuple(str(v).lower() for v in data["opposition_links"]),
            naming_links=tuple(str(v).lower() for v in data["naming_links"]),
            harm_complements=tuple(str(v).lower() for v in data["harm_complements"]),
            count_fillers=tuple(str(v).lower() for v in data["count_fillers"]),
            row_place_links=tuple(str(v).lower() for v in data["row_place_links"]),
            perpetrator_markers=tuple(str(v).lower() for v in data["perpetrator_markers"]),
            group_qualifier_side=_side(data["group_qualifiers"]["side"]),
            group_qualifier_links=tuple(str(v).lower() for v in data["group_qualifiers"]["links"]),
            qualified_nouns=tuple(str(v).lower() for v in data["group_qualifiers"]["nouns"]),
            group_qualifier_stops=tuple(str(v).lower() for v in data["group_qualifiers"]["stops"]),
            toll_nouns={str(k).lower(): str(v) for k, v in data["toll_nouns"].items()},
            toll_verbs=tuple(str(v).lower() for v in data["toll_verbs"]),
            singular_determiners=tuple(str(v).lower() for v in data["singular_determiners"]),
            force_nouns={str(k).lower(): str(v).lower() for k, v in data["force_nouns"].items()},
            victim_verbs=tuple(str(v).lower() for v in data["victim_verbs"]),
            actor_verbs={str(k).lower(): str(v) for k, v in data["actor_verbs"].items()},
            person_titles=frozenset(str(v).lower() for v in data["person_titles"]),
            proximity_markers=tuple(str(v).lower() for v in data["proximity_markers"]),
            date_labels=tuple(str(v).lower() for v in data["date_labels"]),
            range_words=tuple(str(v).lower() for v in data["range_words"]),
            place_labels=tuple(str(v).lower() for v in data["place_labels"]),
            local_triggers={str(k).lower(): str(v) for k, v in data["local_triggers"].items()},
            name_links={str(k): tuple(str(w) for w in v) for k, v in data["name_links"].items()},
            victim_lists=tuple(str(v).lower() for v in data["victim_lists"]),
            durations=frozenset(str(v).lower() for v in data["durations"]),
            harm_objects=tuple(str(v).lower() for v in data["harm_objects"]),
            naming_copulas=tuple(str(v).lower() for v in data["naming_copulas"]),
            noun_event_links=tuple(str(v).lower() for v in data["noun_event_links"]),
            loose_object_links=frozenset(str(v).lower() for v in data["loose_object_links"]),
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise LexiconError(f"malformed lexicon: {exc!r}", file=file) from None


def lexicon_version() -> str:
    """The versions of every lexicon, e.g. `en:1 id:1` (recorded in every draft)."""
    return " ".join(f"{lang}:{load_lexicon(lang).version}" for lang in LANGUAGES)
