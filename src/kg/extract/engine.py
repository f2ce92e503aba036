"""The rules of `kg extract`: raw article text → a draft annotation (pure: text and registry in, records out).

Candidates come from `matching` (lexicon phrases and registry names), `numbers` and `dates`; each
rule below turns candidates into facts and names itself in the fact's `rule`, with the
lexicon version it read, and its confidence: the rule's precision measured on the development texts
(lexicons/confidence.yaml), else a hand-set value (RULES).
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from kg.annotation import (
    Annotation,
    ClaimRecord,
    DocumentMeta,
    EventRecord,
    FigureRecord,
    Labels,
    LocalGroup,
    LocalPerson,
    LocalPlace,
    Registry,
    RoleRecord,
    Venue,
    parse_date,
)
from kg.errors import KGError
from kg.extract import numbers
from kg.extract.dates import DateFound, dates_in
from kg.extract.known import KnownEvent, match, period, place_tree
from kg.extract.lexicon import LANGUAGES, Lang, Lexicon, load_lexicon, measured_confidences
from kg.extract.matching import Hit, Quoter, find_hits, name_index, sentences
from kg.extract.names import (
    GROUP,
    ORGANISATION,
    PERSON,
    PERSON_NOUN,
    PLACE,
    POSITION,
    REGISTRY_GROUP,
    STATE,
    country_words,
    same_stem,
)
from kg.iris import is_key

#: rule id → confidence of the facts it proposes, set by hand; a rule measured on the development texts takes its
#: measured precision instead (lexicons/confidence.yaml, `python -m kg.extract.calibrate`)
RULES: dict[str, float] = {
    "event.trigger": 0.6,
    "event.meeting-coreference": 0.7,
    "event.summit-by-leaders": 0.8,
    "event.venue": 0.7,
    "event.spread-to": 0.5,
    "event.implied-by-figure": 0.3,
    "place.in-sentence": 0.7,
    "place.main-country": 0.5,
    "place.last-named": 0.4,
    "date.explicit": 0.9,
    "date.day-month": 0.8,
    "date.weekday": 0.8,
    "date.relative": 0.7,
    "date.start-of-year-main-event": 0.6,
    "date.default-month": 0.4,
    "date.first-of-text": 0.4,
    "date.range-start": 0.9,
    "date.relative-to-text": 0.7,
    "date.weekday-of-text": 0.7,
    "date.last-of-text": 0.5,
    "place.infobox": 0.6,
    "role.attendee": 0.9,
    "role.chair": 0.8,
    "role.speaker": 0.7,
    "role.target-marker": 0.6,
    "role.target-facility": 0.5,
    "role.victim-list": 0.6,
    "place.facility": 0.5,
    "claim.presented-account": 0.4,
    "role.perpetrator-in-sentence": 0.5,
    "role.perpetrator-agent": 0.6,
    "role.participant-in-sentence": 0.5,
    "role.protester": 0.5,
    "group.lexicon": 0.6,
    "role.infobox-row": 0.8,
    "role.civilians-attacked": 0.5,
    "role.deployed": 0.6,
    "role.agent-of-harm": 0.6,
    "role.member-of-group": 0.6,
    "role.victim-of-harm": 0.6,
    "role.named-victim": 0.5,
    "role.perpetrator-noun": 0.5,
    "role.facility-harmed": 0.5,
    "role.claimed-responsibility": 0.6,
    "role.blamed": 0.5,
    "role.organiser": 0.5,
    "role.actor-verb": 0.5,
    "role.object-of-harm": 0.5,
    "role.party-to-clash": 0.5,
    "role.named-agent": 0.5,
    "role.convicted": 0.5,
    "role.named-perpetrator": 0.6,
    "role.perpetrator-marker": 0.5,
    "role.subject-of-harm": 0.4,
    "group.registry-head": 0.6,
    "person.new-speaker": 0.5,
    "event.known-event": 0.5,
    "group.infobox-row": 0.6,
    "figure.counted-after": 0.8,
    "figure.counted-before": 0.7,
    "figure.row-label": 0.8,
    "figure.breakdown": 0.7,
    "figure.list": 0.6,
    "figure.unknown-number": 0.6,
    "figure.none": 0.7,
    "claim.reporting-verb": 0.7,
    "claim.according-to": 0.7,
    "claim.quote": 0.8,
}

#: how precisely each precision dates an event (higher is more precise), for merging mentions
_PRECISION_RANK = {"day": 5, "days": 4, "week": 3, "month": 2, "start-of-year": 1, "year": 0}
_VIOLENT = {"armed-attack", "armed-clash", "looting", "seizure", "blockade", "riot"}
_CROWD = {"protest", "unrest", "deployment"}
_CONJUNCTIONS = {"and", "or", "but", "dan", "atau", "tetapi", "namun", "serta"}
_INCIDENTS = {"armed-attack", "armed-clash", "looting", "seizure", "blockade"}
_MAIN_TYPES = ("unrest", "riot", "protest")
_ATTACKS = {"armed-attack"}
#: how many words after a number a harm it counts may stand and win over the lexicon's order of counted words
_NEAR_WORDS = 2
#: a capitalised word
_CAPITALISED = r"(?-i:[A-Z])[\w'’-]*"
#: the rules that read a role from a mere mention in an event's sentence, not from the sentence's structure
_COOCCURRENCE = {"role.participant-in-sentence", "role.perpetrator-in-sentence"}
#: count kinds whose counted people were harmed (a figure of these names its victims)
_HARMED = {"killed", "injured", "arrested", "beheaded"}
#: a text whose first full date lies this many days or more before its dateline looks back on the events
_RETROSPECTIVE_DAYS = 365
#: the longest line read as a row of numbers alone under an infobox label (characters)
_ROW_CHARS = 200
#: how far before a number its qualifier and counting verb are looked for (characters)
_BEFORE = 200
#: how far from an incident's word (characters, each side, within its sentence) its parties are looked for
_PARTY_CHARS = 400
#: the rules of a date that names its day outright
_FULL_DATE_RULES = ("date.explicit", "date.day-month", "date.range-start")
#: the type of a new group an infobox row names, by its role
#: an infobox row naming more people than this is a roster, not the parties to the event
_ROW_MAX_PEOPLE = 3
#: the most actors read from one list ("X, Y and Z"; "polisi dan TNI"): longer runs are no list of parties
_LIST_MAX = 6
#: the most lines an infobox row's list may go on for, one name per line
_ROW_MAX_LINES = 12
_ROW_GROUP_TYPES = {"perpetrator": "armed-group", "target": "civilians", "participant": "unnamed-group"}
#: a capitalised word of a new speaker's name
_SPEAKER_WORD = r"[A-Z][\w'’.-]*"
#: a new speaker's name right after "according to"/"menurut", past a description in lower case
_SPEAKER_AFTER = re.compile(rf"\s+(?:[a-z][\w-]*\s+){{0,5}}?((?:{_SPEAKER_WORD}\s+){{1,5}}{_SPEAKER_WORD})")
#: a new speaker's name right before the reporting verb (at most 7 runs of white space: 5 in the name, 2 by a comma)
_SPEAKER_BEFORE = re.compile(rf"((?:{_SPEAKER_WORD}\s+){{1,5}}{_SPEAKER_WORD})\s*,?\s+$")
_SPEAKER_BEFORE_SPACES = 7
_SPACES = re.compile(r"\s+")
#: capitalised words one after the other ("Budi Santoso", "McDonald"), the name a possessive ends
_CAPITALISED_RUN = r"(?-i:[A-Z])[\w-]*(?:\s+(?-i:[A-Z])[\w-]*)*"
_CAPITALISED_RUN_RE = re.compile(_CAPITALISED_RUN)
_CAPITAL = re.compile(r"[A-Z]")


def finditer_runs(pattern: re.Pattern[str], run: re.Pattern[str], text: str) -> Iterator[re.Match[str]]:
    """`pattern.finditer(text)` for a pattern that opens with `run` (capitalised words one after the other, as
    `_CAPITALISED_RUN`) and may start only at a capital: where a match fails at a capital, it fails at every
    capital after it up to where the run from it ends (the run from any of them ends at the same place, and what
    follows it is the same), so the search goes on from there, not from the next character. `re.finditer` tried
    each capital of a run of N words anew: quadratic in N (a text of names one line after another)."""
    pos = 0
    while (c := _CAPITAL.search(text, pos)) is not None:
        m = pattern.match(text, c.start())
        if m is not None:
            yield m
            pos = max(m.end(), c.start() + 1)
            continue
        r = run.match(text, c.start())
        pos = r.end() if r is not None and r.end() > c.start() else c.start() + 1


def search_at_end(pattern: re.Pattern[str], text: str, start: int, end: int, spaces: int) -> re.Match[str] | None:
    """`pattern.search(text, start, end)` for a pattern anchored at `end` ($, no lookbehind, no ^) whose matches hold
    at most `spaces` runs of white space: searched from where the last `spaces` + 1 runs begin (or a little
    before), not from `start`, as no match can start before them; so the search costs what the last words do,
    not the whole span (a reporting verb late in one long sentence)."""
    width = 256
    while True:
        cut = max(start, end - width)
        if cut == start or len(_SPACES.findall(text, cut, end)) > spaces:
            return pattern.search(text, cut, end)
        width *= 4


class ExtractError(KGError):
    """`kg extract` cannot draft this text: no date to resolve against, an unknown publisher, a bad option."""


# ----------------------------------------------------------------------------------------------
# The draft
# ----------------------------------------------------------------------------------------------


@dataclass
class _Event:
    type: str
    trigger: Hit
    sentence: int
    location: str
    location_rule: str
    date: DateFound
    roles: list[tuple[str, str, tuple[int, int], str]] = field(default_factory=list)  # role, actor, span, rule
    rule: str = "event.trigger"
    key: str = ""


@dataclass
class _Figure:
    value: int | None
    qualifier: str
    counts: str
    span: tuple[int, int]
    sentence: int
    victim: str | None
    rule: str
    low: int | None = None
    high: int | None = None


@dataclass
class _Claim:
    speaker: str
    span: tuple[int, int]
    rule: str
    key: str = ""


@dataclass(frozen=True)
class DraftOptions:
    """What the extractor needs besides the text: language, dateline, document key and publisher."""

    lang: Lang
    dateline: dt.date
    document_id: str
    text_name: str
    publisher: str
    title: str
    #: events other annotations report (`kg extract --events`): a drafted event that fits one names it
    known_events: tuple[KnownEvent, ...] = ()


def detect_language(text: str) -> Lang:
    """`id` or `en`, by which lexicon's frequent function words the text uses more."""
    words = re.findall(r"[a-z]+", text.lower())
    id_words = {"yang", "dan", "di", "dari", "ini", "itu", "dengan", "untuk", "pada", "adalah"}
    en_words = {"the", "and", "of", "in", "to", "was", "with", "for", "on", "is"}
    score_id = sum(w in id_words for w in words)
    score_en = sum(w in en_words for w in words)
    return "id" if score_id > score_en else "en"


def document_key(name: str) -> str:
    """A kg key made from a file or folder name."""
    key = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return key or "draft"


def detect_publisher(text: str, registry: Registry) -> str | None:
    """A registry organisation named in the text's first lines (byline), else None."""
    head = text[:400].lower()
    found: list[tuple[bool, int, str]] = []
    for org in registry.organisations:
        names = [t.lower() for _, t in org.label.items()]
        names += [a.lower() for t in names for a in re.findall(r"\(([^)]+)\)", t)]
        for name in names:
            for m in re.finditer(r"(?<![a-z])" + re.escape(name) + r"(?![a-z])", head):
                line_head = head[head.rfind("\n", 0, m.start()) + 1 : m.start()]
                byline = re.fullmatch(r"\s*((by|oleh)\s+)?", line_head) is not None
                found.append((not byline, m.start(), org.id))
    return min(found)[2] if found else None


def title_of(text: str) -> str:
    """The first non-empty line, without wiki heading marks."""
    for line in text.splitlines():
        line = line.strip().strip("=").strip()
        if line:
            return line
    return "(untitled)"


#: a wiki link's brackets and target ("[[Kota Makassar|" … "]]"), and bold or italic quotes
_WIKI_MARKUP = re.compile(r"\[\[(?:[^\[\]|\n]*\|)?|\]\]|'{2,}")


def _without_wiki_links(text: str) -> str:
    """The text with wiki markup blanked, each character by a space, so offsets stay those of the text."""
    return _WIKI_MARKUP.sub(lambda m: " " * len(m.group()), text)


#: wikitext that is no part of what a text says: references ("<ref>{{cite news|…}}</ref>", "<ref name="a" />"),
#: comments, one-line templates and inline HTML tags; a template spread over lines (an infobox) is kept, and so is
#: a line break ("12 killed<br>30 injured": the figures read it as the end of a count)
_WIKI_NOTES = re.compile(
    r"<ref\b[^<>]*/>|<ref\b[^<>]*>.{0,2000}?</ref\s*>|<!--.{0,2000}?-->|\{\{[^{}\n]*\}\}"
    r"|</?(?:small|big|sup|sub|span|div|center|nowiki)\b[^<>\n]*>",
    re.S | re.I,
)


#: how deep templates nest in wikitext that is blanked ("{{cite news|work={{lang|en|VOA}}}}" is two)
_WIKI_NESTING = 4


def _without_wiki_notes(text: str) -> str:
    """The text with wiki references, comments, one-line templates and inline tags blanked, each character but a
    line break by a space, so offsets (and lines) stay those of the text; nested templates from the inside out, to
    a depth of `_WIKI_NESTING` (a deeper nest is left as written: each level is one more pass over the text)."""
    for _ in range(_WIKI_NESTING):
        blanked = _WIKI_NOTES.sub(lambda m: re.sub(r"[^\n]", " ", m.group()), text)
        if blanked == text:
            break
        text = blanked
    return text


def _first_day(d: DateFound) -> dt.date:
    """The first day a date written to the day or the month covers."""
    return dt.date.fromisoformat(d.date if d.precision == "day" else d.date + "-01")


def _refines(day: DateFound, month: DateFound) -> bool:
    """Whether `day` is a full date inside the month `month` names (a later mention dates the event's day)."""
    return month.precision == "month" and day.rule in _FULL_DATE_RULES and day.date.startswith(month.date + "-")


def confidence_of(rule: str) -> float:
    """A rule's confidence: its precision measured on the development texts, else the hand-set value of RULES."""
    return measured_confidences().get(rule, RULES[rule])  # every rule is listed in RULES, measured or not


def _rule(rule: str, lex: Lexicon) -> tuple[str, float]:
    return f"{rule}@{lex.language}:{lex.version}", confidence_of(rule)


class _Draft:
    """One run of the rules over one text."""

    def __init__(self, text: str, registry: Registry, opts: DraftOptions) -> None:
        #: the text as written, which evidence quotes; the rules read it with its wiki markup blanked, offset for
        #: offset ("[[13 November]] [[1998]]", "<ref>{{cite news|…}}</ref>")
        self.source = text
        text = _without_wiki_links(_without_wiki_notes(text))
        self.text = text
        self.opts = opts
        self.lex = load_lexicon(opts.lang)
        registry_json = registry.model_dump_json()
        self.idx = name_index(opts.lang, registry_json)
        self.hits = find_hits(text, opts.lang, registry_json)
        self.hit_starts = [h.start for h in self.hits]
        self.longest_hit = max((h.end - h.start for h in self.hits), default=0)
        self.sents = sentences(text)
        self.sent_starts = [s for s, _ in self.sents]
        self.main_country = self._main_country()
        self.within = place_tree(registry)
        self.groups: dict[str, tuple[str, Hit]] = {}  # key → (type, first hit)
        self.people: dict[str, tuple[int, int]] = {}  # key → span of the name, for people the registry lacks
        self._actor_verbs_re: re.Pattern[str] | None = None
        self._in_sentence: dict[tuple[int, frozenset[str]], list[Hit]] = {}  # (sentence, tables) → its hits of them
        self._alternations: dict[str, str] = {}  # a name → a regex alternation of lexicon words (`_alternation`)
        self._proper_words: dict[str, bool] = {}  # a word (lower case) → whether the text uses it as a name
        self.group_labels: dict[str, str] = {}  # key → label, for a group whose words the text does not hold together
        self.named_nouns: set[str] = set()  # groups of a perpetrator noun that named its people ("pelaku, X")
        #: actors that are security forces: the registry's, and the one a generic noun ("police") resolves to
        self.security = {g.id for g in registry.groups if g.type == "security-forces"} | set(self.idx.heads.values())
        self.security |= {key for owners in self.idx.shared_heads.values() for key in owners}
        #: every noun for people the lexicon has (person nouns, force nouns, group nouns), for names the registry lacks
        self.people_nouns = frozenset({*self.lex.person_nouns, *self.lex.force_nouns, *self.lex.groups})
        #: the nouns a qualifier may make a group of the article of ("Bugis migrants", "warga desa Agom")
        self.qualifiable = frozenset({*self.lex.groups, *self.lex.person_nouns, *self.lex.qualified_nouns})
        #: capitalised words that are no qualifier of a group noun: function words, months, weekdays, titles
        self._unqualifying = frozenset(
            {*_CONJUNCTIONS, *self.lex.months, *self.lex.weekdays, *self.lex.person_titles, *self.lex.name_intros}
            | {w for p in (*self.lex.object_determiners, *self.lex.singular_determiners) for w in p.split()}
            | set(self.lex.group_qualifier_stops)
        )
        # nouns that name a group only with their qualifier ("Tidung people", "orang Madura") join the hits so
        self.hits = self._without_dependents(self._with_qualified_nouns())
        self.hit_starts = [h.start for h in self.hits]
        self.longest_hit = max((h.end - h.start for h in self.hits), default=0)
        self.places: dict[str, tuple[Hit, str]] = {}  # key → (first hit, the place it is within)
        self.venue: Hit | None = next((h for h in self.hits if h.table == "venue"), None)
        written = [d for d in dates_in(text, opts.lang, 0, len(text), opts.dateline, ()) if d.rule in _FULL_DATE_RULES]
        self.full_dates = [d for d in written if d.precision == "day"]
        #: the dates the text writes out, in the order told: to the day, or to the month where an event word shares
        #: the sentence ("The massacre … in April 1999"; not "The group was founded in March 2001")
        told = {self.sentence_of(h.start) for h in self.hits if h.table == "trigger"}
        self.written_dates = [
            d for d in written if d.precision == "day" or (d.precision == "month" and self.sentence_of(d.start) in told)
        ]
        # an encyclopedia article read years later: its dateline is the day it was read, not the news day
        self.retrospective = bool(self.written_dates) and (
            opts.dateline - _first_day(self.written_dates[0])
        ) >= dt.timedelta(days=_RETROSPECTIVE_DAYS)

    def _without_dependents(self, hits: list[Hit]) -> list[Hit]:
        """The hits but the registry actors named only as whose supporters, followers or relatives a group is
        ("supporters of Rudolf Rassendyll", "pendukung Rudolf Rassendyll"): the group acted, not the actor."""
        markers = self._alternation("dependent_markers", self.lex.dependent_markers)
        if not markers:
            return hits
        marker = re.compile(rf"\b(?:{markers})\s+(?:the\s+)?$", re.I)
        actors = (PERSON, STATE, ORGANISATION, REGISTRY_GROUP)
        return [
            h for h in hits if h.table not in actors or not marker.search(self.text[max(0, h.start - 40) : h.start])
        ]

    def _with_qualified_nouns(self) -> list[Hit]:
        """The hits, with a group hit for each noun of the lexicon's qualified nouns that stands with its qualifier
        ("Tidung people", "orang Madura"), where no other hit covers the noun."""
        nouns = "|".join(map(re.escape, sorted(self.lex.qualified_nouns, key=len, reverse=True)))
        if not nouns:
            return self.hits
        added = []
        for m in re.finditer(rf"(?<![\w-])(?:{nouns})(?![\w-])", self.text, re.I):
            h = Hit(m.start(), m.end(), GROUP, "civilians")
            if self.hits_over(m.start(), m.end()) or self.qualified(h) is h:
                continue
            added.append(h)
        return sorted([*self.hits, *added], key=lambda h: (h.start, h.end, h.table)) if added else self.hits

    # -- helpers -------------------------------------------------------------------------------
    def _alternation(self, name: str, words: Iterable[str], *, longest_first: bool = True) -> str:
        """The regex alternation of `words` (escaped; the longest first unless told otherwise), built once per draft
        under `name` (the lexicon does not change within a draft): the rules that ask for it once per hit or per
        name rebuilt it every time."""
        found = self._alternations.get(name)
        if found is None:
            ordered = sorted(words, key=len, reverse=True) if longest_first else words
            found = self._alternations[name] = "|".join(map(re.escape, ordered))
        return found

    def sentence_of(self, offset: int) -> int:
        return max(0, bisect.bisect_right(self.sent_starts, offset) - 1)

    def hits_in(self, start: int, end: int) -> list[Hit]:
        """The hits that start in [start, end), in text order (a slice: linear in what it returns)."""
        return self.hits[bisect.bisect_left(self.hit_starts, start) : bisect.bisect_left(self.hit_starts, end)]

    def hits_over(self, start: int, end: int) -> list[Hit]:
        """The hits that overlap [start, end)."""
        return [h for h in self.hits_in(start - self.longest_hit, end) if h.end > start]

    def in_sentence(self, i: int, tables: Iterable[str]) -> list[Hit]:
        """The hits of `tables` in sentence `i`, in text order; read once per sentence and tables (every trigger of
        one long sentence asks), a new list each call."""
        want = frozenset(tables)
        found = self._in_sentence.get((i, want))
        if found is None:
            s, e = self.sents[i]
            found = self._in_sentence[i, want] = [h for h in self.hits_in(s, e) if h.table in want]
        return list(found)

    def _main_country(self) -> str | None:
        counts: dict[str, int] = {}
        for h in self.hits:
            if h.table == PLACE and self.idx.place_types.get(h.value) == "country":
                counts[h.value] = counts.get(h.value, 0) + 1
        return max(sorted(counts), key=lambda k: counts[k]) if counts else None

    def infobox_place(self) -> str | None:
        """The most specific registry place of an infobox row labelled as a place ("Location: Depok, West Java,
        Indonesia", "Lokasi | …"), the first named among equals; None when the text has no such row, or when
        the row lists places side by side with a comma before its last "and"/"dan" ("Medan, Bandung, Batam,
        and Pekanbaru": the event is at none of them alone, and stays at the country that holds them)."""
        labels = "|".join(re.escape(label) for label in self.lex.place_labels)
        if not labels:
            return None
        conj = self._words("and")
        for m in re.finditer(rf"^[\W_]*(?:{labels})(?![a-z])[^\n]*", self.text, re.I | re.M):
            if conj and re.search(rf",\s*(?:{conj})\s+\S", m.group(0), re.I):
                return None
            keys = [
                k
                for h in self.hits
                if h.table == PLACE and m.start() <= h.start < m.end() and (k := self.place_key(h.value)) is not None
            ]
            if keys:
                return min(keys, key=lambda k: self.idx.place_types.get(k) in ("country", "region"))
        return None

    def place_key(self, value: str) -> str | None:
        if value == "@main-country":
            return self.main_country
        return value if value in self.idx.place_types else None

    @cached_property
    def home_country(self) -> str | None:
        """The country the text is about: the one its places (countries included) lie in most often, if one does
        more often than any other."""
        counts: dict[str, int] = {}
        for h in self.hits:
            country = self.country_of(h.value) if h.table == PLACE else None
            if country is not None:
                counts[country] = counts.get(country, 0) + 1
        ranked = sorted(counts.values(), reverse=True)
        if not ranked or (len(ranked) > 1 and ranked[0] == ranked[1]):
            return None
        return next(k for k, n in counts.items() if n == ranked[0])

    @cached_property
    def _perpetrator_noun_set_words(self) -> frozenset[str]:
        return frozenset(self.lex.perpetrator_nouns)

    def _national_actor(self, head: str, h: Hit) -> str | None:
        """Of the registry actors a head word names ("police": the Indonesian and the Thai police), the one the word
        next to it names ("Thai police"), else the one whose name names the text's country ("Indonesian National
        Police" in a text about Indonesia), if just one does."""
        owners = self.idx.shared_heads.get(head)
        if not owners:
            return None
        # the word right before or after it, in its sentence, where that word names a country ("Thai police", "polisi
        # Borduria"): the force of that country
        s, e = self.sents[self.sentence_of(h.start)]
        near = re.findall(r"[^\W\d][\w-]*", self.text[max(s, h.start - 40) : h.start])[-1:]
        near += re.findall(r"[^\W\d][\w-]*", self.text[h.end : min(e, h.end + 40)])[:1]
        countries = {key: self._force_country(words) for key, words in owners.items()}
        for word in near:
            named = self._country_named([word.lower()])
            found = [key for key, country in countries.items() if named is not None and country == named]
            if len(found) == 1:
                return found[0]
        # by the text's country, where just one of them is that country's ("Indonesian National Police" beside "Royal
        # Thai Police"); a city's force is its country's too ("Strelsau City Police"), and a name that places a force
        # nowhere ("Central Reserve Police Force") makes it no country's
        if self.home_country is None:
            return None
        found = [key for key, country in countries.items() if country == self.home_country]
        return found[0] if len(found) == 1 else None

    def _force_country(self, words: list[str]) -> str | None:
        """The country a force's name places it in: the country it names, else the one country the registry places
        it names lie in ("Strelsau City Police": Strelsau, in Ruritania)."""
        named = self._country_named(words)
        if named is not None:
            return named
        found = {self.country_of(key) for key in self._places_named(words, self.idx.place_types)} - {None}
        return found.pop() if len(found) == 1 else None

    def country_of(self, place: str) -> str | None:
        """The registry country a registry place lies in (itself, for a country), None if none holds it."""
        seen: set[str] = set()
        current: str | None = place
        while current is not None and current not in seen and self.idx.place_types.get(current) != "country":
            seen.add(current)
            current = self.within.get(current)
        return current if current is not None and self.idx.place_types.get(current) == "country" else None

    def _places_named(self, words: list[str], keys: Iterable[str]) -> set[str]:
        """Of the registry places `keys`, those whose name, or its adjective, `words` hold: every word of a name of
        several words ("South Africa" in "South African Police Service", not "United States" in "State Police")."""
        return {
            key
            for key in keys
            if any(
                (parts := label.lower().split()) and all(any(same_stem(w, p) for w in words) for p in parts)
                for label in self.idx.place_labels[key].values()
            )
        }

    @cached_property
    def _countries(self) -> list[str]:
        return [key for key, kind in self.idx.place_types.items() if kind == "country"]

    def _country_named(self, words: list[str]) -> str | None:
        """The one registry country whose name, or its adjective, `words` hold ("thai" → Thailand)."""
        named = self._places_named(words, self._countries)
        return named.pop() if len(named) == 1 else None

    def group_key(self, h: Hit) -> str:
        words = self.text[h.start : h.end].lower()
        bare = re.sub(r"^(para|the)\s+", "", words)
        if bare in self._perpetrator_noun_set_words:
            # "Red Hand Brigade militants", "ISIS fighters": the named group's own people are that group
            owner = next(
                (
                    a
                    for a in self.hits_in(max(0, h.start - self.longest_hit - 2), h.start)
                    if a.table in (REGISTRY_GROUP, ORGANISATION) and re.fullmatch(r"[ \t]+", self.text[a.end : h.start])
                ),
                None,
            )
            if owner is not None:
                return owner.value
        head = self.lex.registry_heads.get(bare)
        if head is not None and (key := self.idx.heads.get(head) or self._national_actor(head, h)) is not None:
            return key  # generic "police"/"polisi": the one registry actor named so, or the one of the text's country
        named = self.qualified(h) if bare in self.qualifiable else h
        if named is not h:
            # the key is the noun and the capitalised words: "warga desa Agom" and "warga dari desa Agom" are one
            named_words = self.text[named.start : named.end].split()
            links = set(self.lex.group_qualifier_links)
            bare = " ".join(
                w for w in named_words if w.lower() not in links and (w[0].isupper() or w.lower() in bare.split())
            )
        key = document_key(bare)
        if key in self.idx.actors or key in self.idx.place_types or key in self.places:
            key += "-group"
        self.groups.setdefault(key, (h.value, named))
        return key

    @cached_property
    def _people_words(self) -> str:
        """A regex of the lexicon's nouns for people (groups, person nouns, nouns a qualifier makes a group)."""
        return "|".join(map(re.escape, sorted(self.qualifiable, key=len, reverse=True)))

    def _opens_sentence(self, offset: int) -> bool:
        """Whether `offset` is the first word of its sentence."""
        return not self.text[self.sents[self.sentence_of(offset)][0] : offset].strip()

    def _proper(self, word: str) -> bool:
        """Whether a word is a name wherever it stands: capitalised somewhere in the text after a word in lower case
        or a comma (not only where it opens a sentence)."""
        if word not in self._proper_words:
            found = re.search(rf"(?<=[a-z,;] )(?-i:[A-Z]){re.escape(word[1:])}\b", self.text, re.I)
            self._proper_words[word] = found is not None and found.group(0).lower() == word
        return self._proper_words[word]

    @cached_property
    def _newlines(self) -> list[int]:
        """Where each line break of the text stands."""
        return [m.start() for m in re.finditer("\n", self.text)]

    def _line_start(self, offset: int) -> int:
        """Where the line of `offset` starts (`text.rfind("\\n", 0, offset) + 1`, by bisection: a long line is not
        read back to its start for every offset on it)."""
        i = bisect.bisect_left(self._newlines, offset)
        return self._newlines[i - 1] + 1 if i else 0

    def _headline(self, offset: int) -> bool:
        """Whether `offset` lies on a line of four words or more nearly all capitalised (a Title Case headline); its
        first 400 characters are read."""
        start = self._line_start(offset)
        end = self.text.find("\n", start, start + 400)
        words = re.findall(r"[^\W\d][\w'’-]*", self.text[start : end if end >= 0 else start + 400])
        return len(words) >= 4 and sum(w[0].isupper() for w in words) >= 0.8 * len(words)

    def qualified(self, h: Hit) -> Hit:
        """A group noun with its own qualifier, the capitalised words that say which people it is: before it
        ("native Tidung people", "Bugis migrants") or after it, maybe past a linking word ("warga desa Agom",
        "umat Kristen", "pendukung Arema"); `h` itself when none stands there, or when the words are a registry
        actor's name, a month or a title ("Brimob officers" are Brimob's, read by other rules)."""
        cap = _CAPITALISED
        if self._headline(h.start):
            return h  # a Title Case headline: every word is capitalised
        if self.lex.group_qualifier_side == "before":
            base = max(0, h.start - 60)
            m = re.search(rf"(?<![\w'’-])((?:{cap}[ \t]+){{1,3}})$", self.text[base : h.start])
            words = list(re.finditer(r"\S+", m.group(1))) if m else []
            # the words that cannot qualify a group ("The", "In", a count) end the qualifier from the left; so
            # does a word capitalised only because it opens the sentence ("Unknown attackers", "Angry protesters")
            while words and (
                (w := words[0].group().lower()) in self._unqualifying
                or w in self.lex.numbers
                or (
                    m is not None and self._opens_sentence(base + m.start(1) + words[0].start()) and not self._proper(w)
                )
            ):
                words = words[1:]
            if m is None or not words:
                return h
            span = (base + m.start(1) + words[0].start(), h.start)
        else:
            if self.text[h.start : h.end].lower() in self.lex.perpetrator_nouns:
                return h  # "pelaku Ahmad Hadi": the name of the one the noun stands for, not a qualifier
            links = self._alternation("group_qualifier_links", self.lex.group_qualifier_links)
            link = rf"(?:(?:{links})[ \t]+)?" if links else ""
            m = re.match(rf"[ \t]+{link}({cap}(?:[ \t]+{cap}){{0,2}})", self.text[h.end : h.end + 60], re.I)
            if m is None or m.group(1).split()[0].lower() in self._unqualifying:
                return h
            span = (h.end + m.start(1), h.end + m.end(1))
        if any(x.table in (PERSON, ORGANISATION, REGISTRY_GROUP, GROUP) for x in self.hits_over(*span)):
            return h  # a registry actor's name or another group noun, not a qualifier
        return Hit(min(h.start, span[0]), max(h.end, span[1]), GROUP, h.value)

    def place_of_facility(self, h: Hit, within: str) -> str:
        key = document_key(self.text[h.start : h.end].lower())
        if key in self.idx.actors or key in self.idx.place_types or key in self.groups:
            key += "-place"
        self.places.setdefault(key, (h, within))
        return key

    @cached_property
    def _keyed_places(self) -> tuple[list[int], list[tuple[Hit, str]]]:
        """The hits of registry places, with their keys, in text order (and their starts, to bisect)."""
        keyed = [(h, k) for h in self.hits if h.table == PLACE and (k := self.place_key(h.value))]
        return [h.start for h, _ in keyed], keyed

    @cached_property
    def _person_hits(self) -> tuple[list[int], list[Hit]]:
        """The hits of registry people, in text order (and their starts, to bisect)."""
        people = [h for h in self.hits if h.table == PERSON]
        return [h.start for h in people], people

    def last_place_before(self, offset: int) -> str | None:
        """The registry place named last before `offset` (a text that never names its country). From the places
        only, backwards: not every hit before `offset` for every call."""
        starts, keyed = self._keyed_places
        for i in range(bisect.bisect_left(starts, offset) - 1, -1, -1):
            if keyed[i][0].end <= offset:
                return keyed[i][1]
        return None

    def last_person_before(self, offset: int) -> str | None:
        starts, people = self._person_hits
        for i in range(bisect.bisect_left(starts, offset) - 1, -1, -1):
            if people[i].end <= offset:
                return people[i].value
        return None

    def speaker_at(self, h: Hit) -> str | None:
        """The actor a speaker mention names: a registry person or state, a group, or an alias."""
        if h.table in (PERSON, STATE, ORGANISATION, REGISTRY_GROUP):
            return h.value
        if h.table == GROUP:
            return self.group_key(h)
        if h.table == "speaker-alias":
            if h.value == "@last-person":
                return self.last_person_before(h.start)
            if h.value == "@main-state" and self.main_country:
                return self.idx.state_of_place.get(self.main_country)
        return None

    # -- events --------------------------------------------------------------------------------
    def events(self) -> list[_Event]:
        mentions: list[_Event] = []
        sentence_dates: dict[int, list[DateFound]] = {}
        for h in self.hits:
            if h.table != "trigger":
                continue
            i = self.sentence_of(h.start)
            s, e = self.sents[i]
            places = [
                (p, k)
                for p in self.in_sentence(i, [PLACE])
                if (k := self.place_key(p.value)) is not None and p.value != "@main-country"
            ]
            if h.value in ("meeting", "summit") and self.venue is not None:
                location, loc_rule = "@venue", "event.venue"
            elif places:
                # the place nearest the trigger, preferring the most specific (a city over a country)
                def rank(pk: tuple[Hit, str], trigger: Hit = h) -> tuple[bool, int]:
                    p, k = pk
                    return (self.idx.place_types.get(k) == "country", abs(p.start - trigger.start))

                location, loc_rule = min(places, key=rank)[1], "place.in-sentence"
            elif self.main_country is not None:
                location, loc_rule = self.main_country, "place.main-country"
            elif (last := self.last_place_before(h.start)) is not None:
                location, loc_rule = last, "place.last-named"
            else:
                continue  # nowhere to put it: an event needs a place
            if i not in sentence_dates:  # read once per sentence, however many triggers it holds
                sentence_dates[i] = dates_in(
                    self.text, self.opts.lang, s, e, self.opts.dateline, self.hits, narrative=self.retrospective
                )
            found = sentence_dates[i]
            if found:
                date = min(found, key=lambda d: (abs(d.start - h.start), -_PRECISION_RANK[d.precision]))
                # a month written out ("Kerusuhan Mei 1998 … pada 13 Mei - 15 Mei 1998") is refined by a full date of
                # that month in the same sentence: the event is of that day
                if date.precision == "month" and date.rule == "date.explicit":
                    days = [d for d in found if d.rule in _FULL_DATE_RULES and d.date.startswith(date.date + "-")]
                    if days:
                        date = min(days, key=lambda d: d.start)
            else:
                date = self.context_month(h.start)
            kind = h.value
            local = self.lex.local_triggers.get(self.text[h.start : h.end].lower())
            if local is not None and self._local_place(location):
                kind = local  # "Kerusuhan Wamena": a riot in a town, not unrest across a country
            mentions.append(_Event(kind, h, i, location, loc_rule, date))
            # "protests began in X … and spread to Y": the same kind of event at each place after the marker
            spread = re.search(
                rf"\b(?:{'|'.join(map(re.escape, self.lex.spread_markers))})\b", self.text[h.end : e], re.I
            )
            if spread is not None:
                for p, k in places:
                    if p.start >= h.end + spread.end() and k != location:
                        mentions.append(_Event(h.value, h, i, k, "place.in-sentence", date, rule="event.spread-to"))
        for ev in mentions:
            self.roles(ev)
        return self.merge(mentions)

    def _local_place(self, key: str) -> bool:
        """A town, or a region within a region or a town (a regency, a district): not a country, nor a region
        right under one (a province, an island group)."""
        kind = self.idx.place_types.get(key)
        if kind is None or kind == "country":
            return False
        if kind != "region":
            return True
        parent = self.within.get(key)
        return parent is not None and self.idx.place_types.get(parent) not in (None, "country")

    def implied_event(self, fig: _Figure) -> _Event | None:
        """A text that counts victims but names no event of a kg type: an umbrella `unrest` event to hang the
        figures on, placed by the figure's sentence (or the main country) and dated like any undated event."""
        s = self.sents[fig.sentence][0]
        places = [k for p in self.in_sentence(fig.sentence, [PLACE]) if (k := self.place_key(p.value)) is not None]
        location = places[0] if places else self.main_country
        if location is None:
            return None
        anchor = Hit(s, s, "trigger", "unrest")
        ev = _Event("unrest", anchor, fig.sentence, location, "place.in-sentence", self.context_month(s))
        ev.rule, ev.key = "event.implied-by-figure", "unrest-1"
        return ev

    def context_month(self, offset: int) -> DateFound:
        """An undated event's month: that of the last full or day-month date before it, else the dateline's."""
        before = [d for d in self.full_dates if d.start < offset]
        day = dt.date.fromisoformat(max(before, key=lambda d: d.start).date) if before else self.opts.dateline
        return DateFound(offset, day.strftime("%Y-%m"), "month", "date.default-month")

    def roles(self, ev: _Event) -> None:
        i = ev.sentence
        s, e = self.sents[i]
        sent_hits = self.hits_in(s, e)
        people = [h for h in sent_hits if h.table == PERSON]
        positions = [h for h in sent_hits if h.table == POSITION]
        if ev.type in ("meeting", "summit"):
            for marker in (h for h in sent_hits if h.table == "attend"):
                for p in (p for p in people if p.start > marker.start):
                    title = next((t for t in positions if 0 <= p.start - t.end <= 1), None)
                    span = (title.start if title else p.start, p.end)
                    ev.roles.append(("attendee", p.value, span, "role.attendee"))
            for verb in (h for h in sent_hits if h.table == "chair"):
                actor = next(
                    (a for a in sent_hits if a.table in (STATE, PERSON, ORGANISATION) and 0 <= verb.start - a.end <= 1),
                    None,
                )
                if actor is not None:
                    ev.roles.append(("chair", actor.value, (actor.start, self._words_after(verb.end, 2)), "role.chair"))
            for verb in (h for h in sent_hits if h.table in ("reporting", "speaker-verb")):
                actor = next((a for a in people if 0 <= verb.start - a.end <= 1), None)
                if actor is not None:
                    ev.roles.append(
                        ("speaker", actor.value, (actor.start, self._words_after(verb.end, 4)), "role.speaker")
                    )
            return
        # an incident's parties are named near its word: a window of the sentence around it (a sentence that goes on
        # for pages names other incidents' parties there, and reading all of them for each word is quadratic)
        sent_hits = self.hits_in(max(s, ev.trigger.start - _PARTY_CHARS), min(e, ev.trigger.end + _PARTY_CHARS))
        markers = [h for h in sent_hits if h.table == "target-marker"]
        marker_ends = sorted(m.end for m in markers)
        aux = self._passive_aux()
        links = "|".join(map(re.escape, sorted(self.lex.subject_links, key=len, reverse=True)))
        adverbs = rf"(?:(?:{links})\s+){{0,2}}" if links else ""
        victims = "|".join(map(re.escape, sorted(self.lex.victim_verbs, key=len, reverse=True)))
        agent_after = False  # a group after "oleh"/"by" has been seen: the groups listed after it are agents too
        for g in (h for h in sent_hits if h.table == GROUP and h.value != "group"):
            # the nearest target marker before the group, with no comma between (a farther one has the same comma)
            at = bisect.bisect_right(marker_ends, g.start)
            last_marker = marker_ends[at - 1] if at else None
            after_marker = last_marker is not None and "," not in self.text[last_marker : g.start]
            # the words right before the group (a window: the searches below end there, and stay linear)
            w = max(s, g.start - _BEFORE)
            # the agent marker right before the group, or before a count of it ("oleh seribuan warga")
            by_agent = re.search(
                rf"\b(?:{'|'.join(self.lex.agent_markers)})\s+(?:[^\W\d][\w-]*\s+)?$", self.text[w : g.start], re.I
            )
            agent_at = w + by_agent.start() if by_agent else g.start
            clause_subject = g.start > ev.trigger.start and re.search(r"(?:^|[,;:]\s*)$", self.text[w : g.start])
            harmed = victims and re.match(
                rf"\s+{adverbs}{aux}{adverbs}(?:{victims})\b", self.text[g.end : g.end + 80], re.I
            )
            if harmed:
                continue  # "warga tewas", "policemen were injured": harmed, a target (victims_and_actors reads it)
            if by_agent and g.value == "security-forces" and not self._harm_before(s, agent_at):
                # "stopped by police", "checked by police": the police act in the event, they harm no one
                ev.roles.append(("participant", self.group_key(g), (g.start, g.end), "role.actor-verb"))
            elif ev.type in _VIOLENT and (by_agent or (agent_after and not after_marker) or clause_subject):
                agent_after = agent_after or bool(by_agent)
                ev.roles.append(("perpetrator", self.group_key(g), (g.start, g.end), "role.perpetrator-agent"))
            elif ev.type in _CROWD and by_agent and self._harm_before(s, agent_at):
                continue  # "beaten by police during the protest": the agent of a harm, read by agents_of_harm
            elif ev.type in _CROWD and by_agent:
                ev.roles.append(("participant", self.group_key(g), (g.start, g.end), "role.perpetrator-agent"))
            elif after_marker and ev.type in _VIOLENT:
                ev.roles.append(("target", self.group_key(g), (g.start, g.end), "role.target-marker"))
            elif ev.type in _ATTACKS and g.value == "civilians" and self._civilians_harmed(g, ev.trigger, e):
                ev.roles.append(("target", self.group_key(g), (g.start, g.end), "role.civilians-attacked"))
            elif ev.type in _ATTACKS and g.start < ev.trigger.start and g.value == "security-forces":
                continue  # named before an attack, a security force is a party only where a verb says how
            elif (
                ev.type in _VIOLENT and aux and re.fullmatch(rf"\s+{aux}{adverbs}", self.text[g.end : ev.trigger.start])
            ):
                # "villagers were attacked by a mob": the group before a passive of the event's word was harmed
                ev.roles.append(("target", self.group_key(g), (g.start, ev.trigger.end), "role.victim-of-harm"))
            elif ev.type in _VIOLENT and g.start < ev.trigger.start and g.value == "security-forces":
                # a riot or a clash names how the force took part ("police clashed with protesters")
                ev.roles.append(("participant", self.group_key(g), (g.start, g.end), "role.participant-in-sentence"))
            elif ev.type in _VIOLENT and g.start < ev.trigger.start:
                ev.roles.append(("perpetrator", self.group_key(g), (g.start, g.end), "role.perpetrator-in-sentence"))
            elif ev.type in _CROWD:
                ev.roles.append(("participant", self.group_key(g), (g.start, g.end), "role.participant-in-sentence"))
        if ev.type == "protest":
            # who protested, named by a noun for people right before the protest's verb ("Thousands of farmers
            # protested", "Ribuan petani berdemonstrasi"): its participants
            for h in (h for h in sent_hits if h.table == PERSON_NOUN and h.end <= ev.trigger.start):
                if re.fullmatch(r"\s+(?:[^\W\d][\w-]*\s+){0,2}", self.text[h.end : ev.trigger.start]):
                    key = self.group_key(Hit(h.start, h.end, GROUP, h.value))
                    ev.roles.append(("participant", key, (h.start, ev.trigger.end), "role.protester"))
        if ev.type in _VIOLENT:
            within = ev.location if ev.location in self.idx.place_types else self.main_country
            s_end = min(
                (
                    h.start
                    for h in sent_hits
                    if h.table == "trigger" and h.start > ev.trigger.start and h.value != ev.type
                ),
                default=e,
            )
            passive = self.text[ev.trigger.start : ev.trigger.end].lower() in self.lex.passive_triggers
            prev_end = max((h.end for h in sent_hits if h.table == "trigger" and h.end <= ev.trigger.start), default=s)
            window = (prev_end, ev.trigger.start) if passive else (ev.trigger.start, s_end)
            near = "|".join(map(re.escape, self.lex.proximity_markers))
            for f in (h for h in sent_hits if h.table == "facility" and window[0] <= h.start < window[1]):
                if near and re.search(
                    rf"\b(?:{near})\s+(?:the\s+)?(?:[\w-]+\s+){{0,3}}$",
                    self.text[max(s, f.start - _BEFORE) : f.start],
                    re.I,
                ):
                    continue  # "in the vicinity of the police headquarters": a landmark, not a target
                if within is not None:
                    key = self.place_of_facility(f, within)
                    ev.roles.append(("target", key, (f.start, f.end), "role.target-facility"))
        if ev.type == "deployment":
            for p in people:
                ev.roles.append(("participant", p.value, (p.start, p.end), "role.participant-in-sentence"))
            for a in (h for h in sent_hits if h.table in (REGISTRY_GROUP, ORGANISATION)):
                ev.roles.append(("participant", a.value, (a.start, a.end), "role.deployed"))

    def _civilians_harmed(self, g: Hit, trigger: Hit, sentence_end: int) -> bool:
        """Whether civilians named in an attack's sentence are its victims: named after the attack's word ("the attack
        on civilians"), or before it with a count of the harmed after them ("four civilians … were killed"); not
        where they own what was attacked ("rumah warga", "the homes of residents")."""
        s = max(self.sents[self.sentence_of(g.start)][0], g.start - _BEFORE)  # a window: the searches end at g
        owners = "|".join(map(re.escape, self.lex.possession_nouns))
        if owners and re.search(rf"\b(?:{owners})\s+(?:the\s+|para\s+)?$", self.text[s : g.start], re.I):
            return False
        harming = "|".join(
            map(re.escape, sorted((p for p, k in self.lex.counted_before if k in _HARMED), key=len, reverse=True))
        )
        if harming and re.search(rf"\b(?:{harming})\s+(?:[^\W\d][\w-]*\s+)?$", self.text[s : g.start], re.I):
            return True  # "melukai warga sipil", "killing two civilians"
        if g.start > trigger.start:
            # named right after the attack's word, a target marker or a count between at most ("the attack on
            # civilians", "penyerangan terhadap warga"), not anywhere after it
            markers = "|".join(map(re.escape, (*self.lex.target_markers, *self.lex.victim_links)))
            return (
                re.fullmatch(
                    rf"\s*(?:(?:{markers}|the|para)\s+)*(?:[^\W\d][\w-]*\s+)?", self.text[trigger.end : g.start], re.I
                )
                is not None
            )
        harmed = "|".join(
            map(re.escape, sorted((p for p, k in self.lex.counted_after if k in _HARMED), key=len, reverse=True))
        )
        return bool(harmed) and re.search(rf"\b(?:{harmed})\b", self.text[g.end : sentence_end], re.I) is not None

    def infobox_roles(self) -> list[tuple[str, str, tuple[int, int], str]]:
        """Roles from infobox rows whose label names one ("Perps: X", "Target: A, B", "Pelaku | X"): each item of
        the row is a registry actor it names, or else a new group of the article (its words are the group)."""
        out: list[tuple[str, str, tuple[int, int], str]] = []
        actors = (PERSON, STATE, ORGANISATION, REGISTRY_GROUP)
        rows = [
            *re.finditer(r"^[ \t]*-?[ \t]*([^|:\n]{2,40}?)[ \t]*[|:][ \t]*(.*)$", self.text, re.M),
            # a mirror's rendering that glues the label to its value: "PerpetratorsConvicted terrorism inmates"
            *re.finditer(r"^([A-Z][a-z]+)(?=[A-Z][a-z])(.*)$", self.text, re.M),
        ]
        labels = "|".join(re.escape(k) for k in sorted(self.lex.role_labels, key=len, reverse=True))
        if labels:
            # a rendering with only a space between a role label and a capitalised value: "Perpetrators Al Qaeda"
            rows += re.finditer(
                rf"^[ \t]*-?[ \t]*({labels})[ \t]+(?=(?-i:[A-Z]))(?=.{{1,80}}$)(.*)$", self.text, re.M | re.I
            )
        for line in rows:
            label = " ".join(re.sub(r"[^\w\s-]|\d", " ", line.group(1).lower()).split())
            role = self.lex.role_labels.get(label)
            if role is None:
                continue
            people = [h for h in self.hits_in(line.start(2), line.end(2)) if h.table == PERSON]
            if len(people) > _ROW_MAX_PEOPLE:
                continue  # a long roster of officials is who governed, not who took part
            # a list one name per line goes on only after a row naming a person ("TerdakwaAhmad Hadi Lukita"), not
            # after a group's or an organisation's row, which navigation lines may follow ("Related Articles")
            groups = any(
                h.table in (ORGANISATION, REGISTRY_GROUP, STATE, GROUP)
                for h in self.hits_in(line.start(2), line.end(2))
            )
            more = [] if groups else self._row_continuation(line.end())
            if len(people) + len(more) > _ROW_MAX_PEOPLE + _ROW_MAX_LINES:
                continue
            segments = [(line.start(2), line.end(2)), *more]
            items = [(a + m.start(), m.group(0)) for a, b in segments for m in re.finditer(r"[^,|*;]+", self.text[a:b])]
            members = "|".join(map(re.escape, sorted(self.lex.member_markers, key=len, reverse=True)))
            places = "|".join(map(re.escape, self.lex.row_place_links))
            for item_start, item in items:
                # "members of the Free Papua Movement": the group they belong to is the item
                marker = re.match(rf"\s*(?:{members})\s+(?:the\s+)?(?=\S)", item, re.I) if members else None
                if marker is not None:
                    item_start, item = item_start + marker.end(), item[marker.end() :]
                words = item.strip(" \t-")
                # "Polisi di Polrestabes Medan": where the actor was is no part of it
                where = re.search(rf"\s(?:{places})\s", words, re.I) if places else None
                if where is not None and words[: where.start()].count("(") == words[: where.start()].count(")"):
                    words = words[: where.start()]  # not inside a bracket: "(civilians in Zenda)"
                first = words.split()[0].lower() if words.split() else ""
                start = item_start + item.index(words) if words else 0
                end = start + len(words)
                inside = [h for h in self.hits_in(start, end) if h.end <= end]
                common_noun = any(h.table == GROUP for h in inside)
                if not re.search(r"[^\W\d]", words) or first in self.lex.numbers:
                    continue  # a count ("Tiga gereja …"), not an actor
                if not words[0].isupper() and not common_noun:
                    continue  # a description ("cabang Asia Tenggara dari …"), not an actor
                bracket = re.search(r"\(([^()]*)\)\s*$", words)
                if bracket and any(m in bracket.group(1).lower() for m in self.lex.supporter_markers):
                    continue  # "X (alleged support)": a supporter, not one who took part
                name_end = start + bracket.start() if bracket else end  # "X (branch of Y)": Y is not in the row
                named = [h for h in inside if h.table in actors and h.end <= name_end]
                if named:
                    out.extend((role, h.value, (start, end), "role.infobox-row") for h in named)
                    continue
                if any(h.table == PLACE for h in inside):
                    continue  # a place is no actor
                bare = re.sub(r"\s*\([^()]*\)\s*$", "", words)
                if not re.search(r"[^\W\d]", bare):
                    continue  # nothing but a bracket: no actor
                short = self.short_name_of(bare)
                if short is not None:
                    out.append((role, short, (start, end), "role.infobox-row"))
                    continue
                group_type = next((h.value for h in inside if h.table == GROUP and h.value != "group"), None)
                hit = Hit(start, start + len(bare), GROUP, group_type or _ROW_GROUP_TYPES[role])
                out.append((role, self.group_key(hit), (start, end), "role.infobox-row"))
        return out

    @cached_property
    def _row_labels(self) -> str:
        """A regex of every infobox label the lexicon knows (roles, counts, places, dates)."""
        labels = {*self.lex.role_labels, *(p for p, _ in self.lex.counted_labels)}
        labels |= {*self.lex.place_labels, *self.lex.date_labels}
        return "|".join(map(re.escape, sorted(labels, key=len, reverse=True)))

    def _row_continuation(self, row_end: int) -> list[tuple[int, int]]:
        """The lines that go on with an infobox row's list, one name per line ("TerdakwaAhmad Hadi Lukita" then
        "Abdul Haris", "Hasdarman", …): each line after the row that holds only a name, one to five capitalised
        words, up to the first other line or the next row's label; a list does not end on a line of one word (a
        heading after it, "Kronologi")."""
        name = r"[ \t]*(?-i:[A-Z])[\w.'’-]*(?:[ \t]+(?:(?-i:[A-Z])[\w.'’-]*|bin|binti|al|de|da|dos|van)){0,4}[ \t]*"
        lines: list[tuple[int, int, int]] = []
        pos = row_end + 1
        while pos < len(self.text) and len(lines) < _ROW_MAX_LINES:
            end = self.text.find("\n", pos)
            end = len(self.text) if end < 0 else end
            line = self.text[pos:end]
            if not re.fullmatch(name, line) or re.match(r"[A-Z][a-z]+(?=[A-Z][a-z])", line):
                break  # no name alone, or the next row with its label glued to its value
            if re.match(rf"[ \t]*(?:{self._row_labels})(?:[ \t]|$)", line, re.I):
                break  # the next row, its label before its value ("Target Shopkeepers")
            if any(h.table in ("trigger", PLACE) for h in self.hits_in(pos, end)):
                break  # a heading or a place, not a name of the list
            lines.append((pos, end, len(line.split())))
            pos = end + 1
        # a line of one word is a name only between two names ("Hasdarman"), not a heading after the list
        while lines and lines[-1][2] < 2:
            lines.pop()
        return [(a, b) for a, b, _ in lines]

    def _agent_lead(self) -> str | None:
        """A regex of the words before the agent of a harm or an attack, up to its agent marker: "killed by",
        "an attack by", "the massacre of the villagers by", "the attack in X was carried out by", "dihancurkan oleh";
        None when the lexicon has no harm verbs or agent markers."""
        verbs = "|".join(map(re.escape, self.lex.harm_verbs))
        agents = "|".join(self.lex.agent_markers)
        if not verbs or not agents:
            return None
        # the words of an attack ("a terrorist attack by X"): its agent is a perpetrator as a harm verb's is
        attacks = "|".join(
            re.escape(w) for w, t in sorted(self.lex.triggers.items(), key=lambda wt: -len(wt[0])) if t in _ATTACKS
        )
        # who the attack was on, between the attack's word and its agent: "the massacre of the villagers by X"
        links = "|".join(map(re.escape, self.lex.victim_links))
        victims_of = rf"(?:(?:{links})\s+(?:[^\W\d][\w'-]*\s+){{1,4}}?)?" if links else ""
        # and a verb that carries it out: "an attack carried out by X", "penyerangan yang dilancarkan oleh X"
        carried = "|".join(map(re.escape, sorted(self.lex.agent_verbs, key=len, reverse=True)))
        # past where and when it happened ("the attack in X on 3 March was carried out by", "penyerangan di X
        # dilancarkan oleh"), within the sentence
        place = r"(?:[^\s,.;:!?]+\s+){0,8}?"  # not past a comma: "…, which was led by X" is no attack's agent
        victims_of += rf"(?:{place}(?:{carried})\s+)?" if carried else ""
        # a word that completes the harm may stand before the marker: "burned alive by", "dipukuli hingga tewas oleh"
        complements = "|".join(map(re.escape, sorted(self.lex.harm_complements, key=len, reverse=True)))
        complement = rf"(?:(?:{complements})\s+)?" if complements else ""
        return rf"\b(?:{verbs}|{attacks})\s+{complement}{victims_of}(?:{agents})\s+"

    def agents_of_harm(self) -> list[tuple[str, str, tuple[int, int], str]]:
        """Perpetrators named as the agent of a harm verb: "killed by security officers", "ditembak oleh polisi"."""
        out: list[tuple[str, str, tuple[int, int], str]] = []
        lead = self._agent_lead()
        if lead is None:
            return out
        joins = self._alternation("name_links.and", self.lex.name_links["and"], longest_first=False)
        counts = self._alternation("numbers", self.lex.numbers, longest_first=False)
        for h in self.hits:
            if h.table not in (GROUP, PERSON, STATE, ORGANISATION, REGISTRY_GROUP) or (
                h.table == GROUP and h.value == "group"
            ):
                continue
            s = max(self.sents[self.sentence_of(h.start)][0], h.start - _BEFORE)  # the words before h, a window
            m = re.search(
                # "killed by", "an attack by", "dihancurkan oleh", "the massacre of the villagers by"
                rf"{lead}"
                rf"(?:[^\W\d][\w'-]*(?:\s+[^\W\d][\w'-]*){{0,3}}\s+(?:{joins})\s+)?"  # "by Al Qaeda and …"
                # a word or two before it: "oleh amuk massa", "and plainsmen Bengali settlers"
                rf"(?:(?:the|para|{counts}|\d+)\s+)?(?:[^\W\d][\w-]*\s+){{0,2}}$",
                self.text[s : h.start],
                re.I,
            )
            if m is None:
                continue
            actor = self.group_key(h) if h.table == GROUP else h.value
            out.append(("perpetrator", actor, (s + m.start(), h.end), "role.agent-of-harm"))
        return out

    def _harm_before(self, s: int, end: int) -> bool:
        """Whether a harm verb ends right before `end` ("killed" of "killed by"), in the sentence starting at `s`."""
        verbs = "|".join(map(re.escape, self.lex.harm_verbs))
        return (
            bool(verbs) and re.search(rf"\b(?:{verbs})\s+$", self.text[max(s, end - _BEFORE) : end], re.I) is not None
        )

    def _actor_at(self, h: Hit) -> str | None:
        """The actor a hit names (a registry actor, or a group of the article), else None."""
        if h.table in (PERSON, STATE, ORGANISATION, REGISTRY_GROUP):
            return h.value
        if h.table == GROUP and h.value != "group":
            return self.group_key(h)
        return None

    def _subject_end(self, h: Hit) -> int:
        """Where a subject that opens with `h` ends: after the actors joined to it by "and"/"dan" ("Indonesia police
        and military", "polisi dan TNI"; six at most), else where `h` ends; where `h` is an object (a verb before it
        in its clause), where `h` ends."""
        joins = "|".join(map(re.escape, self.lex.name_links["and"]))
        end = h.end
        window = max(self.sents[self.sentence_of(h.start)][0], h.start - 80)
        clause = re.split(r"[,;:]", self.text[window : h.start])[-1]
        before = self.hits_in(h.start - len(clause), h.start)
        if self._verb_in(clause) or any(self._actor_at(x) or x.table == PERSON_NOUN for x in before):
            return end  # an object ("cornered students and police shot"): its subject or verb is before it
        for _ in range(_LIST_MAX):
            m = re.match(rf"\s*,?\s+(?:{joins})\s+(?:the\s+|para\s+)?", self.text[end : end + 40], re.I)
            nxt = next((x for x in self.hits_in(end + m.end(), end + m.end() + 1)), None) if m else None
            if m is None or nxt is None or (self._actor_at(nxt) is None and nxt.table != PERSON_NOUN):
                return end
            end = nxt.end
        return end

    def _verb_in(self, words: str) -> bool:
        """Whether the words hold a verb the lexicon knows an actor by (harm or act)."""
        if self._actor_verbs_re is None:
            verbs = "|".join(map(re.escape, sorted(self.lex.actor_verbs, key=len, reverse=True)))
            self._actor_verbs_re = re.compile(rf"\b(?:{verbs})\b", re.I) if verbs else re.compile(r"(?!x)x")
        return self._actor_verbs_re.search(words) is not None

    def victims_and_actors(self) -> list[tuple[str, str, tuple[int, int], str]]:
        """Roles read from the verb right after an actor: "four policemen were also injured", "warga disandera"
        (harmed: a target); "polisi membubarkan massa", "the crowd burned the temple" (acting: a security force
        is a participant, any actor that burns, loots or attacks a perpetrator); and "dibubarkan oleh polisi"
        (a security force after an acting verb and the agent marker: a participant)."""
        out: list[tuple[str, str, tuple[int, int], str]] = []
        lex = self.lex
        aux = self._passive_aux()
        links = "|".join(map(re.escape, sorted(lex.subject_links, key=len, reverse=True)))
        adverbs = rf"(?:(?:{links})\s+){{0,2}}" if links else ""
        victims = "|".join(map(re.escape, sorted(lex.victim_verbs, key=len, reverse=True)))
        acts = "|".join(map(re.escape, sorted(lex.actor_verbs, key=len, reverse=True)))
        agents = "|".join(lex.agent_markers)
        lists = "|".join(map(re.escape, lex.victim_lists))
        for h in self.hits:
            actor = self._actor_at(h) if h.table != GROUP or h.value != "group" else None
            if actor is None:
                continue
            s = max(self.sents[self.sentence_of(h.start)][0], h.start - _BEFORE)  # the words before h, a window
            if lists and re.search(rf"\b(?:{lists})\b", self.text[s : h.start], re.I):
                # "Among the victims killed were a guard and four policemen": each actor of the list was harmed
                out.append(("target", actor, (h.start, h.end), "role.victim-list"))
                continue
            # a subject of several actors shares its verb: "police and the military fired tear gas"
            subject_end = self._subject_end(h)
            # a description between commas after the actor: "Abdullah, a 50-year-old elder, was killed"
            apposition = re.match(r",[ \t]+[a-z][^,.;:()\n]{0,59},", self.text[subject_end : subject_end + 80])
            subject_end += apposition.end() if apposition else 0
            after = self.text[subject_end : subject_end + 80]
            # a group's name goes on in capitalised words and linking words: "warga Indonesia keturunan Tionghoa"
            links = "|".join(map(re.escape, lex.name_links["of"]))
            name = rf"(?:\s+(?:(?-i:[A-Z])[\w-]*|{links})){{0,4}}" if links else ""
            # ("Two Brimob officers were injured": a word such as "officers" before the auxiliary too)
            m = re.match(rf"{name}\s+{adverbs}{aux}{adverbs}(?:{victims})\b", after, re.I) if victims else None
            if m is not None:
                out.append(("target", actor, (h.start, subject_end + m.end()), "role.victim-of-harm"))
                continue
            m = re.match(rf"\s+{adverbs}(?P<verb>{acts})\b", after, re.I) if acts else None
            security = actor in self.security or (h.table == GROUP and h.value == "security-forces")
            if m is not None and self._reduced_passive(subject_end + m.start("verb"), subject_end + m.end()):
                # "three policemen killed in the attack": harmed, as "were killed" says
                out.append(("target", actor, (h.start, subject_end + m.end()), "role.victim-of-harm"))
                continue
            if m is not None:
                verb = m.group(0).split()[-1].lower()
                kind = next((v for k, v in lex.actor_verbs.items() if k.split()[-1] == verb), "act")
                if kind == "harm":
                    out.append(("perpetrator", actor, (h.start, subject_end + m.end()), "role.actor-verb"))
                elif security:
                    out.append(("participant", actor, (h.start, subject_end + m.end()), "role.actor-verb"))
                continue
            s = max(self.sents[self.sentence_of(h.start)][0], h.start - _BEFORE)  # the words before h, a window
            m = re.search(rf"\b(?:{acts})\s+(?:{agents})\s+(?:(?:the|para)\s+)?$", self.text[s : h.start], re.I)
            acting = m is not None and lex.actor_verbs.get(m.group(0).split()[0].lower()) == "act"
            if m is not None and security and acts and agents and acting:
                out.append(("participant", actor, (s + m.start(), h.end), "role.actor-verb"))
        out.extend(self.named_victims(aux, victims))
        return out

    def _passive_aux(self) -> str:
        """The auxiliary of an English passive ("were killed", "has been attacked") as a regex; Indonesian marks
        its passive on the verb (di-) and needs none."""
        return r"(?:was|were|is|are|had\s+been|have\s+been|has\s+been)\s+" if self.lex.language == "en" else ""

    def _reduced_passive(self, verb_start: int, verb_end: int) -> bool:
        """Whether the English verb at [verb_start, verb_end) is a participle with no object ("three policemen killed
        in the attack", "two journalists killed Monday"): its subject was harmed, it did nothing. Only verbs that
        always take an object can tell so ("rebels attacked at dawn" did attack)."""
        if self.lex.language != "en" or self.text[verb_start:verb_end].lower() not in self.lex.participle_verbs:
            return False
        nxt = re.match(r"\s*([\w'-]+|[^\w\s]|$)", self.text[verb_end : verb_end + 40])
        word = nxt.group(1).lower() if nxt else ""
        followers = (self.lex.participle_followers, self.lex.weekdays, self.lex.months)
        return not word or not word[0].isalnum() or any(word in table for table in followers)

    def objects_of_harm(self) -> list[tuple[str, str, tuple[int, int], str]]:
        """Who a harm was done to, read from the verb right before them: "attacked a priest", "wounding three police
        officers", "menembaki warga" (a determiner, a count and one more word between at most): a target. And who
        did it, for people the registry and the lexicon's groups do not name ("an ISIS sympathiser attacked …",
        "seorang pria menikam …"): a person noun right before a harm verb is a perpetrator, a group of the article."""
        out: list[tuple[str, str, tuple[int, int], str]] = []
        lex = self.lex
        harm_verbs = [k for k, v in lex.actor_verbs.items() if v == "harm"]
        harms = "|".join(map(re.escape, sorted(harm_verbs, key=len, reverse=True)))
        if not harms:
            return out
        # whom a harm was done to: after a harm verb, or after a harm's noun and its word ("attack on")
        objects = "|".join(map(re.escape, sorted([*harm_verbs, *lex.harm_objects], key=len, reverse=True)))
        harm_nouns = frozenset(lex.harm_objects)
        blame = self._alternation("blame_markers", self.lex.blame_markers)
        counts = "|".join(map(re.escape, sorted(lex.numbers, key=len, reverse=True)))
        dets = "|".join(map(re.escape, sorted(lex.object_determiners, key=len, reverse=True)))
        links = "|".join(map(re.escape, sorted(lex.subject_links, key=len, reverse=True)))
        adverbs = rf"(?:(?:{links})\s+){{0,2}}" if links else ""
        # never the agent marker or a preposition: "shot by X" names who shot, "killed in X" where
        # nor a conjunction ("were killed and police arrested") nor what a group owns ("membakar rumah warga")
        stops = "|".join(
            map(
                re.escape,
                (
                    *lex.agent_markers,
                    *lex.participle_followers,
                    *_CONJUNCTIONS,
                    *(p.split()[0] for p in lex.possession_nouns),
                ),
            )
        )
        word = rf"(?!(?:{stops})\s)[^\W\d][\w-]*\s+"
        for h in self.hits:
            noun = h.table == PERSON_NOUN
            actor = self._actor_at(h) if not noun and (h.table != GROUP or h.value != "group") else None
            if actor is None and not noun:
                continue
            s = max(self.sents[self.sentence_of(h.start)][0], h.start - _BEFORE)  # the words before h, a window
            m = re.search(
                rf"\b(?P<harm>{objects})\s+(?:(?:{dets}|{counts}|\d+)\s+){{0,2}}(?P<free>{word})?$",
                self.text[s : h.start],
                re.I,
            )
            if m is not None and m.group("harm").lower() in harm_nouns:
                # a harm told as a noun: not where the noun is blamed on someone ("blamed the attack on X"), nor
                # where a word other than a determiner follows "atas" ("atas perintah X", "atas nama X": on X's
                # orders, in X's name)
                blamed = re.search(rf"\b(?:{blame})\s+(?:[\w-]+\s+){{0,2}}$", self.text[s : s + m.start()], re.I)
                loose = m.group("free") and m.group("harm").lower().split()[-1] in lex.loose_object_links
                if (blame and blamed) or loose:
                    m = None
            if m is not None and not re.search(r"\b(?:was|were|is|are|been)\s+\S+\s*$", self.text[s : s + m.end()]):
                if self._own_perpetrator(h, s + m.start()):
                    continue
                key = actor or self.group_key(Hit(h.start, h.end, GROUP, h.value))  # a person noun's group type
                out.append(("target", key, (s + m.start(), h.end), "role.object-of-harm"))
                continue
            if not noun:
                continue  # an actor's own harm verb after it is read by victims_and_actors
            v = re.match(rf"\s+{adverbs}(?P<verb>{harms})\b", self.text[h.end : h.end + 80], re.I)
            if v is not None and not self._reduced_passive(h.end + v.start("verb"), h.end + v.end()):
                # the group is named by the noun and a capitalised word before it ("ISIS sympathiser"), told with
                # its determiner ("an ISIS sympathiser attacked")
                words = re.search(rf"(?:\b({dets})\s+)?((?-i:[A-Z])[\w-]*\s+)?$", self.text[s : h.start], re.I)
                # a capitalised count or determiner opening the sentence is no part of the name ("Two men")
                modifier = words.group(2).strip().lower() if words and words.group(2) else ""
                if modifier in self.lex.numbers or modifier in self.lex.object_determiners:
                    words = None
                named = s + words.start(2) if words and words.group(2) else h.start
                told = s + words.start() if words else h.start
                key = self.group_key(Hit(named, h.end, GROUP, h.value))
                out.append(("perpetrator", key, (told, h.end + v.end()), "role.subject-of-harm"))
        return out

    def _own_perpetrator(self, h: Hit, verb_start: int) -> bool:
        """Whether `h`, the object of a harm verb at `verb_start`, is the event's own perpetrator killed by it: a
        perpetrator noun whose harm's subject is the event's word ("Serangan ini menewaskan pelaku", "the blast
        killed the bomber"), with no actor between the word and the verb."""
        if h not in self._perpetrator_noun_set:
            return False
        s = max(self.sents[self.sentence_of(verb_start)][0], verb_start - 80)
        between = self.hits_in(s, verb_start)
        trigger = next((i for i in range(len(between) - 1, -1, -1) if between[i].table == "trigger"), None)
        return trigger is not None and not any(self._actor_at(x) for x in between[trigger + 1 :])

    def parties_to_clashes(self) -> list[tuple[str, str, tuple[int, int], str]]:
        """The sides of a clash, named with its word: "clashes between the police and inmates", "X clashed with Y",
        "bentrok antara X dan Y", "X bentrok dengan Y" (each actor of the clause after the link, and the actor right
        before the word): participants."""
        out: list[tuple[str, str, tuple[int, int], str]] = []
        clash_words = {w for w, t in self.lex.triggers.items() if t == "armed-clash"}
        links = "|".join(map(re.escape, self.lex.clash_links))
        if not links:
            return out
        words = [h for h in self.hits if h.table == "trigger" and self.text[h.start : h.end].lower() in clash_words]
        # a riot or a conflict between two sides names them too ("kerusuhan antara X dan Y", "the conflict between
        # Christians and Muslims"), with its link right after it
        conflicts = "|".join(map(re.escape, sorted(self.lex.conflict_words, key=len, reverse=True)))
        riots = {w for w, t in self.lex.triggers.items() if t in ("riot", "unrest")}
        between = [h for h in self.hits if h.table == "trigger" and self.text[h.start : h.end].lower() in riots]
        if conflicts:
            between += [
                Hit(m.start(), m.end(), "trigger", "conflict")
                for m in re.finditer(rf"(?<![\w-])(?:{conflicts})(?![\w-])", self.text, re.I)
            ]
        # a riot's or a conflict's sides stand after "between"/"antara" only ("konflik dengan cepat" is no side)
        openers = "|".join(map(re.escape, self.lex.range_openers)) or links
        pairs = sorted([*((w, 4) for w in words), *((w, 1) for w in between)], key=lambda tw: tw[0].start)
        for t, most in pairs:
            clash = most == 4
            _, e = self.sents[self.sentence_of(t.start)]
            # a few words may stand between: "a stand-off took place in 2018 between X and Y"
            link = re.match(
                rf"\s+(?:[\w-]+\s+){{0,{most}}}?(?:{links if clash else openers})\s+", self.text[t.end : e], re.I
            )
            if link is None:
                continue
            # the sides after the link: the actor right after it, and each one joined to it by "and"/"dan", by a slash
            # ("TNI/Polri"), or by a word the lexicon joins sides with ("antara polisi dengan warga")
            joins = "|".join(map(re.escape, (*self.lex.name_links["and"], *self.lex.name_links.get("side", ()))))
            pos = t.end + link.end()
            sides: list[Hit] = []
            for h in self.hits_in(pos, e):
                gap = self.text[pos : h.start]
                first = not sides and re.fullmatch(r"(?:[\w-]+\s+){0,2}", gap)
                joined = sides and (
                    re.fullmatch(rf"\s*,?\s*(?:{joins})\s+(?:[\w-]+\s+){{0,2}}", gap, re.I) or gap.strip() == "/"
                )
                # "aparat TNI": the actor a noun for people is named by right after it, not the noun
                named = sides and sides[-1].table == PERSON_NOUN and not gap.strip() and self._actor_at(h) is not None
                if named:
                    sides.pop()
                elif not (first or joined) or (h.table not in (PERSON_NOUN, GROUP) and self._actor_at(h) is None):
                    break
                sides.append(h)
                pos = max(h.end, self.qualified(h).end) if h.table == GROUP else h.end
            # "warga desa Agom dan desa Balinuraga", "umat Kristen dan Islam": a second qualifier of the last side's
            # noun is a side of its own
            elliptic = self._elliptic_side(sides[-1], pos, e) if sides and sides[-1].table == GROUP else None
            before = [
                h
                for h in self.hits_in(t.start - self.longest_hit - _BEFORE, t.start)
                if clash and h.end <= t.start and re.fullmatch(r"[ \t]+", self.text[h.end : t.start])
            ]
            if elliptic is not None:
                out.append(("participant", elliptic[0], (t.start, elliptic[1][1]), "role.party-to-clash"))
            for h in [*before[-1:], *sides]:
                actor = self._actor_at(h) if h.table != PERSON_NOUN else None
                if actor is None and h.table in (PERSON_NOUN, GROUP):
                    kind = h.value if h.table == PERSON_NOUN else _ROW_GROUP_TYPES["participant"]
                    actor = self.group_key(Hit(h.start, h.end, GROUP, kind))
                if actor is not None:
                    named_end = self.qualified(h).end if h.table == GROUP else h.end
                    span = (min(h.start, t.start), max(named_end, t.end))
                    out.append(("participant", actor, span, "role.party-to-clash"))
        return out + self._opposed_sides()

    def _opposed_sides(self) -> list[tuple[str, str, tuple[int, int], str]]:
        """The two sides a verb sets against each other ("the riot pitted native Tidung people against Bugis
        migrants"): the actors between the verb and its link, and those right after the link, participants."""
        out: list[tuple[str, str, tuple[int, int], str]] = []
        verbs = "|".join(map(re.escape, self.lex.opposition_verbs))
        links = "|".join(map(re.escape, self.lex.opposition_links))
        if not verbs or not links:
            return out
        for m in re.finditer(rf"\b(?:{verbs})\s+", self.text, re.I):
            _, e = self.sents[self.sentence_of(m.start())]
            link = re.search(rf"\s(?:{links})\s", self.text[m.end() : min(e, m.end() + 120)], re.I)
            if link is None:
                continue
            first = self.coordinated_actors(m.end(), m.end() + link.start() + 1)
            second = self.coordinated_actors(m.end() + link.end(), e)
            if first and second:
                for actor, h in [*first, *second]:
                    out.append(("participant", actor, (m.start(), h.end), "role.party-to-clash"))
        return out

    def _elliptic_side(self, side: Hit, pos: int, end: int) -> tuple[str, tuple[int, int]] | None:
        """A second qualifier of a qualified group's noun, after "and"/"dan", with the noun left out ("warga desa Agom
        dan desa Balinuraga": the villagers of Balinuraga): the key of that group and the span of its words; None
        where the language puts its qualifier before the noun, or none follows."""
        if self.lex.group_qualifier_side != "after" or self.qualified(side) is side:
            return None
        joins = "|".join(map(re.escape, self.lex.name_links["and"]))
        links = "|".join(map(re.escape, sorted(self.lex.group_qualifier_links, key=len, reverse=True)))
        link = rf"(?:(?:{links})[ \t]+)?" if links else ""
        cap = _CAPITALISED
        m = re.match(rf"\s*,?\s*(?:{joins})[ \t]+({link}({cap}(?:[ \t]+{cap}){{0,2}}))", self.text[pos:end], re.I)
        if m is None or m.group(2).split()[0].lower() in self._unqualifying:
            return None
        span = (pos + m.start(2), pos + m.end(2))
        if any(x.table in (PERSON, ORGANISATION, REGISTRY_GROUP, GROUP, STATE) for x in self.hits_over(*span)):
            return None  # another actor of the list ("warga dan polisi"), not a second qualifier
        noun = re.sub(r"^(?:para|the)\s+", "", self.text[side.start : side.end].lower())
        key = document_key(f"{noun} {self.text[span[0] : span[1]]}")
        if key in self.idx.actors or key in self.idx.place_types or key in self.places:
            key += "-group"
        self.groups.setdefault(
            key, (side.value, Hit(pos + m.start(1), span[1], GROUP, side.value))
        )  # "desa Balinuraga"
        self.group_labels.setdefault(key, f"{noun} {m.group(1).lower()}")  # "warga desa balinuraga"
        return key, span

    def _new_name_at(self, offset: int) -> tuple[int, int] | None:
        """A name the registry and the lexicons lack, starting at `offset` after a word that introduces it ("the",
        "kelompok"): capitalised words, with linking words inside ("Front of the …", "bin"); None when the words
        are no name, or a name another table knows (a registry actor, a place, a group)."""
        intro = self._alternation("name_intros", self.lex.name_intros)
        links = self._alternation(
            "name_links.of+", (*self.lex.name_links["of"], "al", "bin", "binti"), longest_first=False
        )
        m = re.match(
            rf"(?:(?:{intro})\s+)*((?-i:[A-Z])[\w'’-]*(?:\s+(?:(?:{links})\s+)?(?-i:[A-Z])[\w'’-]*){{0,5}})",
            self.text[offset : offset + 120],
            re.I,
        )
        if m is None:
            return None
        s, e = offset + m.start(1), offset + m.end(1)
        name_end = e
        # a noun for people after it goes with the name: "Zendan troops", "Hentzau sympathisers"
        nouns = self._alternation("people_nouns", self.people_nouns)
        noun = re.match(rf"\s+((?:{nouns}))(?![\w-])", self.text[e : e + 40], re.I) if nouns else None
        if noun is not None and noun.group(1).lower() in self.lex.groups:
            return None  # "Black September gunmen": the lexicon's group, read by its own rules
        if noun is not None:
            e += noun.end()
        after = re.match(r"\s+([a-z][\w-]*)", self.text[e : e + 40])
        # one capitalised word before a common one is an adjective ("Russian shelling"), unless a preposition or a
        # conjunction follows ("killed by Papuans in Wamena")
        common = after is not None and after.group(1) not in {*self.lex.participle_followers, *_CONJUNCTIONS}
        if noun is None and " " not in self.text[s:e] and common:
            return None
        words = self.text[s:e].lower().split()
        if words[0] in self.lex.person_titles or words[0] in self.lex.months or words[0] in self.lex.weekdays:
            return None
        organisation = any(w.strip("'’s") in self.lex.organisation_words for w in words)
        for h in (h for h in self.hits_over(s, name_end) if h.table not in ("trigger", "reporting")):
            if not (organisation and h.table == PLACE and (h.end - h.start) < (e - s)):
                return None  # a name the registry or the lexicons know (a place in a group's name is no matter)
        return s, e

    def _new_actor(self, span: tuple[int, int], role: str) -> str:
        """The key of a new actor of the article: a group when a word of its name says it is one ("Front",
        "Gerakan", "Mujahideen"), else a person when it has two words or more, else a group."""
        key = document_key(self.text[span[0] : span[1]])
        if key in self.idx.actors or key in self.groups:
            return key  # the registry's actor or a group of the article, spelled otherwise ("Al-Qaeda", "Al Qaeda")
        words = self.text[span[0] : span[1]].lower().split()
        people = self.people_nouns
        if any(w.strip("'’s") in self.lex.organisation_words for w in words) or len(words) < 2 or words[-1] in people:
            return self.group_key(Hit(span[0], span[1], GROUP, _ROW_GROUP_TYPES[role]))
        return self.person_key(span)

    def named_agents(self) -> list[tuple[str, str, tuple[int, int], str]]:
        """Perpetrators the registry lacks, named where only a perpetrator stands: after an attack or a harm and
        its agent marker ("was carried out by the East Indonesia Mujahideen", "dilakukan oleh kelompok Mujahidin
        Indonesia Timur"), after "members of" when a harm verb follows ("members of the Islamic Defenders Front
        attacked"), and before a claim of responsibility. A new group, or a new person, of the article."""
        out: list[tuple[str, str, tuple[int, int], str]] = []
        lex = self.lex
        lead = self._agent_lead()
        harms = "|".join(
            map(re.escape, sorted((k for k, v in lex.actor_verbs.items() if v == "harm"), key=len, reverse=True))
        )
        members = "|".join(map(re.escape, lex.member_markers))
        claims = "|".join(map(re.escape, sorted(lex.responsibility_claims, key=len, reverse=True)))
        links = "|".join(map(re.escape, sorted(lex.subject_links, key=len, reverse=True)))
        adverbs = rf"(?:(?:{links})\s+){{0,2}}" if links else ""
        if lead is not None:
            for m in re.finditer(lead, self.text, re.I):
                span = self._new_name_at(m.end())
                if span is not None:
                    out.append(
                        ("perpetrator", self._new_actor(span, "perpetrator"), (m.start(), span[1]), "role.named-agent")
                    )
        if members and harms:
            for m in re.finditer(rf"\b(?:{members})\s+", self.text, re.I):
                span = self._new_name_at(m.end())
                if span is None:
                    continue
                v = re.match(rf"\s+{adverbs}(?:{harms})\b", self.text[span[1] : span[1] + 80], re.I)
                if v is not None:
                    key = self._new_actor(span, "perpetrator")
                    out.append(("perpetrator", key, (m.start(), span[1] + v.end()), "role.named-agent"))
        if claims:
            name = r"(?-i:[A-Z])[\w'’-]*(?:\s+(?-i:[A-Z])[\w'’-]*){0,5}"
            for m in re.finditer(rf"\b(?:{claims})\b", self.text, re.I):
                # the name right before the claim, a word such as "has" between at most
                window = max(0, m.start() - 100)
                n = re.search(
                    rf"(?<![\w'’-])({name})(?:\s+(?:has|had|later|then|telah|kemudian))?\s+$",
                    self.text[window : m.start()],
                )
                span = self._new_name_at(window + n.start(1)) if n else None
                if span is not None:
                    key = self._new_actor(span, "perpetrator")
                    out.append(("perpetrator", key, (span[0], m.end()), "role.named-agent"))
        return out

    def named_perpetrators(self) -> list[tuple[str, str, tuple[int, int], str]]:
        """The name a perpetrator noun gives ("the attacker, Rabbial Muslim Nasution", "pelaku bernama X", "the bomber
        was identified as X"): the registry's actor, or a new person of the article (a new group when a word of the
        name says it is one), a perpetrator."""
        out: list[tuple[str, str, tuple[int, int], str]] = []
        copulas = frozenset(self.lex.naming_copulas)
        links = "|".join(map(re.escape, sorted({*self.lex.naming_links, *copulas}, key=len, reverse=True)))
        if not links:
            return out
        for h in self._perpetrator_noun_hits():
            # the event's word may stand between the noun and its name: "pelaku penembakan, X", "the perpetrator of
            # the bombing was X"
            after = h.end
            word = next((x for x in self.hits_in(h.end, h.end + 12) if x.table == "trigger"), None)
            if (
                word is not None
                and " ".join(self.text[h.end : word.start].lower().split()) in self.lex.noun_event_links
            ):
                after = word.end
            m = re.match(rf"[ \t]*(?:{links})[ \t]+", self.text[after : after + 60], re.I)
            if m is None:
                continue
            pos = after + m.end()
            known = next((x for x in self.hits_in(pos, pos + 1) if self._actor_at(x) is not None), None)
            if known is not None and known.table != GROUP:
                self.named_nouns.add(self.group_key(h))
                out.append(("perpetrator", str(self._actor_at(known)), (h.start, known.end), "role.named-perpetrator"))
                continue
            span = self._new_name_at(pos)
            if span is None:
                continue
            if m.group(0).strip().lower() in copulas and self._no_name(self.text[span[0] : span[1]]):
                continue  # "the bomber was Indonesian", "was Sri Lankan", "described the attacker as Muslim": no name
            closed = re.match(r"\s*(?:[,)(.;:]|$|(?:and|dan)\b)", self.text[span[1] : span[1] + 6], re.I)
            if m.group(0).strip() == "," and closed is None:
                continue  # "Like the attacker, Rupert Hentzau was a student": no name in apposition
            self.named_nouns.add(self.group_key(h))
            words = self.text[span[0] : span[1]].lower().split()
            organisation = any(w.strip("'’s") in self.lex.organisation_words for w in words)
            key = self._new_actor(span, "perpetrator") if organisation else self.person_key(span)
            out.append(("perpetrator", key, (h.start, span[1]), "role.named-perpetrator"))
        return out

    @staticmethod
    def _no_name(words: str) -> bool:
        """Whether capitalised words after "was"/"as" are no one's name: a single word ("Muslim"), or a nationality,
        every word of it of a country's name ("Sri Lankan", "South African")."""
        parts = re.findall(r"[^\W\d]+", words.lower())
        countries = country_words()
        return len(parts) < 2 or all(any(same_stem(w, c) for c in countries) for w in parts)

    def coordinated_actors(self, pos: int, end: int) -> list[tuple[str, Hit]]:
        """The actors named from `pos` on, joined by commas, "and"/"dan" or a bracket ("X (primarily the Y) and
        Indonesian soldiers and police"), a word or two before each at most; up to `end` or the first other words."""
        joins = self._alternation(
            "name_links.and+or", (*self.lex.name_links["and"], *self.lex.name_links["or"]), longest_first=False
        )
        out: list[tuple[str, Hit]] = []
        for h in self.hits_in(pos, end):
            actor = self._actor_at(h)
            if h.table == PERSON_NOUN:  # "Bugis migrants": a group of the article, of the noun's type
                actor = self.group_key(Hit(h.start, h.end, GROUP, h.value))
            if h.start < pos or (actor is None and h.table not in ("trigger", "reporting")):
                continue  # a place or a word the tables know inside a name ("pro-Indonesia militias")
            gap = self.text[pos : h.start]
            first = not out and re.fullmatch(r"[\s(]*(?:[\w-]+[\s()]+){0,4}", gap)
            # joined by "and" (a word or two between) or by a bare comma or bracket: "X (primarily the Y) and Z",
            # "X, Y and Z"; not past a comma into the next clause ("at the hands of men, police said")
            # (a bare comma only where the list goes on after the actor: "X, Y and Z", not "men, police said")
            listed = re.match(rf"\s*(?:,|\)|(?:{joins})\b)", self.text[h.end : h.end + 12], re.I) is not None
            joined = out and (
                re.fullmatch(rf"[\s,()]*(?:{joins})\s+(?:[\w-]+[\s()]+){{0,2}}", gap, re.I)
                or re.fullmatch(r"\s*\(\s*(?:the\s+|primarily\s+(?:the\s+)?)?|\s*\)\s*", gap, re.I)
                or (listed and re.fullmatch(r"\s*,\s*(?:the\s+)?", gap, re.I))
            )
            if len(out) >= _LIST_MAX:
                break
            if not (first or joined):
                break
            if actor is None:
                break  # an event's or a report's word: the list is over
            out.append((actor, h))
            pos = h.end
        return out

    def perpetrators_after_marker(self) -> list[tuple[str, str, tuple[int, int], str]]:
        """The actors after a phrase that names who did a harm ("victims at the hands of X and Y", "tewas di tangan
        X"): perpetrators."""
        out: list[tuple[str, str, tuple[int, int], str]] = []
        markers = "|".join(map(re.escape, self.lex.perpetrator_markers))
        if not markers:
            return out
        for m in re.finditer(rf"\b(?:{markers})\s+", self.text, re.I):
            _, e = self.sents[self.sentence_of(m.start())]
            for actor, h in self.coordinated_actors(m.end(), e):
                out.append(("perpetrator", actor, (m.start(), h.end), "role.perpetrator-marker"))
        return out

    def convicted(self) -> list[tuple[str, str, tuple[int, int], str]]:
        """Who was convicted or sentenced for the event ("Budi Santoso was sentenced to death", "Imam Samudra
        divonis mati", "the Red Hand Brigade members were convicted"): the actor or the new name right before the
        verb, a perpetrator (the set reads a source's own statement of a conviction so)."""
        out: list[tuple[str, str, tuple[int, int], str]] = []
        verbs = "|".join(map(re.escape, sorted(self.lex.conviction_verbs, key=len, reverse=True)))
        if not verbs:
            return out
        aux = self._passive_aux()
        for m in re.finditer(
            rf"(?<=\S)[ \t]+{aux}(?:also\s+|later\s+|juga\s+|kemudian\s+)?(?:{verbs})\b", self.text, re.I
        ):
            s = max(self.sents[self.sentence_of(m.start())][0], m.start() - _BEFORE)
            named = next((h for h in reversed(self.hits_in(s, m.start())) if h.end == m.start()), None)
            actor = self._actor_at(named) if named is not None else None
            if named is not None and actor is not None:
                out.append(("perpetrator", actor, (named.start, m.end()), "role.convicted"))
                continue
            span = self.new_person(s, m.start() + 1, after_marker=False)
            if span is not None:
                out.append(("perpetrator", self.person_key(span), (span[0], m.end()), "role.convicted"))
        return out

    def named_victims(self, aux: str, victims: str) -> list[tuple[str, str, tuple[int, int], str]]:
        """A person the registry lacks, named right before a harm verb ("Afonso Sousa was stabbed", "Budi
        Santoso ditembak"; one word with a description between commas, "Abdullah, a 50-year-old elder, was
        killed"): a target of the event, and a draft person of the article. Words that count or quantify ("Two
        Australians", "Many Christians") are no name."""
        out: list[tuple[str, str, tuple[int, int], str]] = []
        if not victims:
            return out
        counting = {*self.lex.numbers, *self.lex.qualifiers, *self.lex.magnitudes}
        dates = {*self.lex.weekdays, *self.lex.months}
        # words of groups, buildings and facilities: "Christ Cathedral", "Gedung DPRD", "Ahmadiyya Members"
        things = {
            w for table in (self.lex.groups, self.lex.buildings, self.lex.facilities) for p in table for w in p.split()
        }
        things |= {w.rstrip("s") for w in things} | {w for p in self.lex.member_markers for w in p.split()}
        # the name and the verb on one line, the search starting after a word (linear on long runs of spaces)
        for m in re.finditer(rf"(?<=\S)[ \t]+{aux}(?:{victims})\b", self.text, re.I):
            s = max(self.sents[self.sentence_of(m.start())][0], m.start() - _BEFORE)  # the words before the verb
            end = m.start() + 1
            # a description between commas after the name: "Budi Santoso, a farmer, was shot dead"
            apposition = re.search(r",[ \t]+[a-z][^,.;:()\n]{0,59},[ \t]*$", self.text[s:end])
            description = apposition.group(0) if apposition else ""  # one of a person: "a 50-year-old elder"
            if apposition is not None:
                end = s + apposition.start() + 2
            span = self.new_person(s, end, after_marker=False)
            single = re.search(r"(?<![\w'’.-])((?-i:[A-Z])[\w'’-]+),[ \t]*$", self.text[s:end]) if apposition else None
            personal = re.search(rf"year-old|\b(?:{self._people_words})\b", description, re.I) is not None
            if span is None and single and personal and single.group(1).lower() not in self._unqualifying | dates:
                # one name with its description: "Abdullah, a 50-year-old elder from the Tidung tribe, was killed"
                one = (s + single.start(1), s + single.end(1))
                if not self.hits_over(*one):
                    out.append(("target", self.person_key(one), (one[0], m.end()), "role.named-victim"))
                continue
            if span is None:
                continue
            tokens = list(re.finditer(r"\S+", self.text[span[0] : span[1]]))
            while tokens and tokens[0].group(0).lower().strip(".,") in dates:
                tokens = tokens[1:]  # "On Monday Budi Santoso was shot": the day is no part of the name
            if len(tokens) < 2:
                continue
            span = (span[0] + tokens[0].start(), span[1])
            words = [t.group(0).lower().strip(".,") for t in tokens]
            if any(w in counting or w.rstrip("s") in counting or w in things or w.rstrip("s") in things for w in words):
                continue
            out.append(("target", self.person_key(span), (span[0], m.end()), "role.named-victim"))
        return out

    def facilities_harmed(self) -> list[tuple[Hit, tuple[int, int]]]:
        """Buildings the text says were harmed, with the evidence: "the hotels in X, Y were hit", "toko-toko dan
        perusahaan-perusahaan dihancurkan" (a victim verb after them), "massa membakar barang-barang di wihara dan
        kelenteng" (a harming verb a few words before them, in the same clause). Facilities joined by "and" are one
        (collective) facility."""
        lex = self.lex
        facilities = sorted((h for h in self.hits if h.table in ("facility", "building")), key=lambda h: h.start)
        joins = "|".join(map(re.escape, lex.name_links["and"]))
        merged: list[Hit] = []
        for h in facilities:
            last = merged[-1] if merged else None
            if last is not None and joins and re.fullmatch(rf"\s*(?:,|{joins})\s*", self.text[last.end : h.start]):
                merged[-1] = Hit(last.start, h.end, "facility", last.value.split("|")[0] + "|1")
            else:
                merged.append(h)
        aux = self._passive_aux()
        victims = "|".join(map(re.escape, sorted(lex.victim_verbs, key=len, reverse=True)))
        harms = "|".join(
            map(re.escape, sorted((k for k, v in lex.actor_verbs.items() if v == "harm"), key=len, reverse=True))
        )
        out: list[tuple[Hit, tuple[int, int]]] = []
        for h in merged:
            # after the name, a place it is in ("in Setiabudi, South Jakarta,") before the verb
            m = (
                re.match(
                    rf"(?:\s+\w+)?(?:\s+(?:in|di)\s+(?:(?-i:[A-Z])[\w-]*[\s,]*){{1,5}})?\s*{aux}(?:also\s+|juga\s+)?"
                    rf"(?:{victims})\b",
                    self.text[h.end : h.end + 120],
                    re.I,
                )
                if victims
                else None
            )
            if m is not None:
                out.append((h, (h.start, h.end + m.end())))
                continue
            s = max(self.sents[self.sentence_of(h.start)][0], h.start - _BEFORE)  # the words before h, a window
            before = re.search(rf"\b(?:{harms})\b[\s,]+(?:[\w-]+[\s,]+){{0,5}}$", self.text[s : h.start], re.I)
            if harms and before is not None:
                out.append((h, (h.start, h.end)))
        return out

    def _perpetrator_noun_hits(self) -> list[Hit]:
        """Mentions of the lexicon's nouns for those who carry an attack out ("the attackers", "a terrorist",
        "pelaku"), without a qualifier of their own: groups of the article whose role the noun itself says."""
        nouns = set(self.lex.perpetrator_nouns)
        return [
            h
            for h in self.hits
            if h.table == GROUP
            and re.sub(r"^(?:para|the)\s+", "", self.text[h.start : h.end].lower()) in nouns
            and self.qualified(h) is h  # "Dayak rioters" is a side of its own, not "the rioters" who did it
        ]

    @cached_property
    def _perpetrator_noun_set(self) -> frozenset[Hit]:
        return frozenset(self._perpetrator_noun_hits())

    def _prose(self, offset: int) -> bool:
        """Whether `offset` lies in running prose: not on an infobox row ("- Fatalities: …", "Deaths | 9 …",
        a short label line) and not inside brackets."""
        line_start = self.text.rfind("\n", 0, offset) + 1
        line_end = self.text.find("\n", offset)
        line = self.text[line_start : line_end if line_end >= 0 else len(self.text)]
        head = self.text[line_start:offset]
        return (
            not line.lstrip().startswith("-")
            and "|" not in line
            and len(line.split()) >= 8
            and head.rfind("(") <= head.rfind(")")
        )

    def perpetrators_by_noun(
        self, told: dict[str, list[tuple[int, int]]], objects: Sequence[tuple[int, int]] = ()
    ) -> list[tuple[str, str, tuple[int, int], str]]:
        """The people who carried an event out, named by a perpetrator noun in prose: a perpetrator, told by the
        first mention that counts them ("there were two perpetrators", "a terrorist who …"), else by the first;
        never by a mention that is the object of a harm (`objects`: "killed two militants")."""
        by_key: dict[str, list[Hit]] = {}
        # the event's nouns ("attack", "bombing"), not its verbs ("attacked", "opened fire"): "gunmen opened fire"
        # names who did it
        trigger_starts = {
            t.start
            for t in self.hits
            if t.table == "trigger"
            and " " not in (word := self.text[t.start : t.end].lower())
            and (word not in self.lex.actor_verbs or word.endswith("ing"))
        }
        for h in self._perpetrator_noun_hits():
            # "a terrorist attack": the noun before an event's word describes the event, it names no one
            after = re.match(r"\s+", self.text[h.end :])
            harmed = any(a <= h.start and h.end <= b for a, b in objects)
            if self._prose(h.start) and not harmed and not (after and h.end + after.end() in trigger_starts):
                by_key.setdefault(self.group_key(h), []).append(h)
        numbers = set(self.lex.numbers)
        out = []
        for key, hits in by_key.items():
            counted = [
                h for h in hits if any(w in numbers or w.isdigit() for w in self.text[: h.start].lower().split()[-2:])
            ]
            h = (counted or hits)[0]
            # a wider evidence another rule read on the same mention ("hit by two gunmen") is kept
            span = min(
                (sp for sp in told.get(key, ()) if sp[0] <= h.start and h.end <= sp[1]),
                key=lambda sp: sp[1] - sp[0],
                default=(h.start, h.end),
            )
            out.append(("perpetrator", key, span, "role.perpetrator-noun"))
        return out

    def claimed_by(self) -> list[tuple[str, str, tuple[int, int], str]]:
        """An actor that claimed the event ("X claimed responsibility", "X mengklaim bertanggung jawab"), with at
        most three words between (its name going on, its abbreviation in brackets, "has", "later"): a perpetrator."""
        claims = self._alternation("responsibility_claims", self.lex.responsibility_claims)
        out: list[tuple[str, str, tuple[int, int], str]] = []
        if not claims:
            return out
        # the words between go on with the actor's name (capitalised) or say when ("has", "later"): not "Police
        # are investigating who was behind"
        words = self._alternation("claim_gap_words", self.lex.claim_gap_words, longest_first=False)
        gap = rf"(?:\s+(?:(?-i:[A-Z])[\w'-]*|\([^()\n]{{1,20}}\)|{words}))"
        claim = re.compile(rf"{gap}{{0,3}}?\s+(?:{claims})\b", re.I)
        for h in self.hits:
            actor = self._actor_at(h)
            if actor is None:
                continue
            m = claim.match(self.text[h.end : h.end + 120])
            # the words between go on with the actor's own name, they name no other actor ("Police said X was behind")
            if m is not None and not any(self._actor_at(o) for o in self.hits_in(h.end + 1, h.end + m.end())):
                out.append(("perpetrator", actor, (h.start, h.end + m.end()), "role.claimed-responsibility"))
        return out

    def blamed(self) -> list[tuple[str, str, tuple[int, int], str]]:
        """An actor blamed for an event ("Authorities blamed X for the bombing", "accused X of the attack", "Polisi
        menuding X sebagai dalang serangan"): its perpetrator. At most two words between the marker and the actor
        ("the", "the group"); after the actor, within the sentence, the language's follower ("for"/"of") and then,
        within three words, an event's word or the lexicon's word for who did it ("dalang", "pelaku"); never under a
        negation before the marker ("did not blame", "belum menuduh")."""
        markers = self._alternation("blame_markers", self.lex.blame_markers)
        out: list[tuple[str, str, tuple[int, int], str]] = []
        if not markers:
            return out
        negations = self._alternation("negations", self.lex.negations)
        marker = re.compile(rf"\b(?:{markers})\s+(?:[^\W\d][\w-]*\s+){{0,2}}$", re.I)
        # a negation right before the marker, or one word before it ("did not blame", "has not yet blamed")
        negated = re.compile(rf"\b(?:{negations})\s+(?:[^\W\d][\w-]*\s+)?$", re.I) if negations else None
        followers = self._alternation("blame_followers", self.lex.blame_followers)
        lead = rf"(?:\s+[^\W\d][\w'-]*){{0,3}}?\s+(?:{followers})\b" if followers else ""
        doers = self._alternation("blame_objects", self.lex.blame_objects)
        what = re.compile(rf"{lead}(?:\s+[^\W\d][\w'-]*){{0,3}}?\s+(?=(?:{doers})\b)" if doers else rf"{lead}", re.I)
        triggers = {t.start for t in self.hits if t.table == "trigger"}
        for h in self.hits:
            actor = self._actor_at(h)
            if actor is None:
                continue
            s, e = self.sents[self.sentence_of(h.start)]
            w = max(s, h.start - 60)
            m = marker.search(self.text[w : h.start])
            if m is None or any(self._actor_at(o) for o in self.hits_in(w + m.end(), h.start)):
                continue
            if negated is not None and negated.search(self.text[max(s, w - 30) : w + m.start()]):
                continue
            rest = self.text[h.end : min(e, h.end + 80)]
            named = what.match(rest) if doers else None
            if named is not None:
                end = h.end + named.end()
            else:
                # the follower, then an event's word among the next four words ("for the bombing", "of the attack",
                # "X lalai dalam serangan itu")
                f = re.match(lead, rest, re.I) if followers else None
                if followers and f is None:
                    continue
                after = f.end() if f else 0
                words = itertools.islice(re.finditer(r"\S+", rest[after:]), 4)
                hit = min((p for word in words if (p := h.end + after + word.start()) in triggers), default=None)
                if hit is None:
                    continue
                end = hit
            out.append(("perpetrator", actor, (w + m.start(), end), "role.blamed"))
        return out

    def organisers(self) -> list[tuple[str, str, tuple[int, int], str]]:
        """An actor that called or organised the protests ("X had called for protests", "X menyerukan aksi"): a
        participant. "X's campaign team called for …" names a group of the article: X's campaign team."""
        phrases = "|".join(map(re.escape, sorted(self.lex.organiser_phrases, key=len, reverse=True)))
        out: list[tuple[str, str, tuple[int, int], str]] = []
        if not phrases:
            return out
        for h in self.hits:
            actor = self._actor_at(h)
            if actor is None:
                continue
            after = self.text[h.end : h.end + 120]
            own = re.match(r"['’]s((?:\s+(?-i:[a-z])[\w-]*){1,2})", after)  # "Prabowo's campaign team"
            rest = after[own.end() :] if own else after
            m = re.match(rf"(?:\s+(?:had|has|have|telah|sudah|juga))?\s+(?:{phrases})\b", rest, re.I)
            if m is None:
                continue
            end = h.end + (own.end() if own else 0)
            if own is not None:
                actor = self.group_key(Hit(h.start, end, GROUP, "group"))
            out.append(("participant", actor, (h.start, end + m.end()), "role.organiser"))
        # a possessive of a name the registry does not hold as such ("Budi's supporters had called for protests")
        possessive = re.compile(
            rf"{_CAPITALISED_RUN}['’]s(?:\s+(?-i:[a-z])[\w-]*){{1,2}}(?:\s+(?:had|has|have))?\s+(?:{phrases})\b"
        )
        for m in finditer_runs(possessive, _CAPITALISED_RUN_RE, self.text):
            if any(r[2][0] <= m.start() < r[2][1] for r in out):
                continue
            name = re.match(r".*?['’]s(?:\s+(?!(?:had|has|have)\b)[\w-]+){1,2}", m.group(0))
            if name is not None:
                group = self.group_key(Hit(m.start(), m.start() + name.end(), GROUP, "group"))
                out.append(("participant", group, (m.start(), m.end()), "role.organiser"))
        return out

    def members_of(self) -> list[tuple[str, str, tuple[int, int], str]]:
        """Perpetrators named as members of a registry group: "dua pelaku yang merupakan anggota X",
        "the attackers, members of X": X is a perpetrator."""
        out: list[tuple[str, str, tuple[int, int], str]] = []
        nouns = "|".join(map(re.escape, self.lex.perpetrator_nouns))
        markers = "|".join(map(re.escape, self.lex.member_markers))
        if not nouns or not markers:
            return out
        for h in (h for h in self.hits if h.table in (REGISTRY_GROUP, ORGANISATION)):
            s = max(self.sents[self.sentence_of(h.start)][0], h.start - _BEFORE)  # the words before h, a window
            pattern = rf"\b(?:{nouns})\b(?:\s+[\w,]+){{0,4}}?\s+(?:{markers})\s+(?:(?:the|kelompok)\s+)?$"
            m = re.search(pattern, self.text[s : h.start], re.I)
            if m is not None:
                out.append(("perpetrator", h.value, (s + m.start(), h.end), "role.member-of-group"))
        return out

    def short_name_of(self, words: str) -> str | None:
        """The one registry actor whose name contains every word of `words` (two words or more): "Indonesian
        Police" is "Indonesian National Police"; when several do, the one whose name ends in the same word
        (not "Indonesian Police Watch"); None when no actor or several do."""
        wanted = words.lower().split()
        if len(set(wanted)) < 2:
            return None
        names = [
            (phrase.split(), key)
            for phrase, (table, key) in self.idx.phrases.items()
            if table in (PERSON, STATE, ORGANISATION, REGISTRY_GROUP) and set(wanted) <= set(phrase.split())
        ]
        keys = {key for _, key in names}
        if len(keys) > 1:
            keys = {key for phrase, key in names if phrase[-1] == wanted[-1]}
        return keys.pop() if len(keys) == 1 else None

    def _words_after(self, offset: int, n: int) -> int:
        m = re.match(rf"(?:\s+[\w-]+){{0,{n}}}", self.text[offset:])
        return offset + (m.end() if m else 0)

    def merge(self, mentions: list[_Event]) -> list[_Event]:
        """One event per type and place: every meeting of an article is one meeting; the most precise date wins."""
        merged: dict[tuple[str, str, int], _Event] = {}
        for ev in mentions:
            kind = "meeting" if ev.type in ("meeting", "summit") else ev.type
            # an incident (an attack, a seizure …) is one per paragraph: another paragraph's attack at the
            # same place is usually another attack; an umbrella event (unrest, a meeting) is one per text
            paragraph = self.text.count("\n", 0, ev.trigger.start) if kind in _INCIDENTS else -1
            key = (kind, ev.location, paragraph)
            first = merged.get(key)
            if first is None:
                merged[key] = ev
                continue
            first.rule = "event.meeting-coreference" if kind == "meeting" else first.rule
            # a meeting takes its most precise date (its mentions are one sitting); another event keeps the
            # date of its first dated mention (a later "Thursday … the unrest" is a day of it, not its start)
            undated = first.date.rule == "date.default-month" and ev.date.rule != "date.default-month"
            sharper = kind == "meeting" and _PRECISION_RANK[ev.date.precision] > _PRECISION_RANK[first.date.precision]
            # a month ("May 2019 Jakarta riots") is refined by a later mention's full date of that month
            better = undated or sharper or _refines(ev.date, first.date)
            if better:
                first.date = ev.date
                if kind == "meeting":  # the sentence that dates a meeting is the best evidence of it
                    first.trigger, first.sentence = ev.trigger, ev.sentence
            first.roles.extend(ev.roles)
            if ev.type == "summit":
                first.type = "summit"
        events = self.fold_vague(list(merged.values()))
        for ev in events:
            seen: set[tuple[str, str]] = set()
            roles = []
            for r in ev.roles:
                if (r[0], r[1]) not in seen:
                    seen.add((r[0], r[1]))
                    roles.append(r)
            ev.roles = roles
            leaders = {r[1] for r in roles if r[0] == "attendee"}
            if ev.type == "meeting" and len(leaders) >= self.lex.summit_min_leaders:
                ev.type, ev.rule = "summit", "event.summit-by-leaders"
        main = next((ev for t in _MAIN_TYPES for ev in events if ev.type == t), None)
        if main is not None and main.date.rule not in ("date.explicit", "date.day-month"):
            soy = next(
                (
                    h
                    for h in self.hits
                    if h.table == "relative-date" and self.lex.relative_dates[h.value].kind == "start-of-year"
                ),
                None,
            )
            if soy is not None:
                main.date = DateFound(
                    soy.start, str(self.opts.dateline.year), "start-of-year", "date.start-of-year-main-event"
                )
        events.sort(key=lambda ev: ev.trigger.start)
        counts: dict[str, int] = {}
        for ev in events:
            counts[ev.type] = counts.get(ev.type, 0) + 1
            ev.key = f"{ev.type}-{counts[ev.type]}"
        return events

    def fold_vague(self, events: list[_Event]) -> list[_Event]:
        """An undated mention, or one placed only at the main country, is a mention of a dated or better-placed
        event of the same type when the text has one ("the bombings" after "the bombing of 13 May in X");
        it keeps its own event only when there is none, dated then by the text's first full date."""

        def vague_date(ev: _Event) -> bool:
            return ev.date.rule == "date.default-month"

        def vague_place(ev: _Event) -> bool:
            # no place in its own sentence: the main country, or the place the text named last
            return ev.location_rule in ("place.main-country", "place.last-named") or (
                self.idx.place_types.get(ev.location) == "country"
            )

        def vague(ev: _Event) -> bool:
            return vague_date(ev) or vague_place(ev)

        kept: list[_Event] = []
        ordered = sorted(events, key=lambda e: (vague(e), e.trigger.start))
        infobox = self.infobox_place() if self.retrospective else None
        for ev in ordered:
            #: an encyclopedia article's main event: its first event with a place of its own
            main = next((k for k in kept if not vague_place(k)), None)
            if self.retrospective and vague(ev):
                # a mention of the same type at the same place, or placed only at the country, is that event;
                # a mention of another type with no place of its own is part of the article's main event
                host = next(
                    (
                        k
                        for k in kept
                        if k.type == ev.type
                        and (not vague(k) or vague_place(ev))
                        and (vague_place(ev) or k.location == ev.location)
                    ),
                    None,
                )
                if host is None and vague_place(ev) and main is not None:
                    host = main
                if host is not None:
                    host.roles.extend(ev.roles)
                    if host.type == ev.type and _refines(ev.date, host.date):
                        host.date = ev.date
                    continue
                if vague_place(ev) and infobox is not None:
                    ev.location, ev.location_rule = infobox, "place.infobox"  # the infobox's place is the event's
            kept.append(ev)
        if self.retrospective:
            first = self.written_dates[0]
            for ev in kept:
                if vague_date(ev):
                    # a sub-event the narrative does not date happened on the day the text last named
                    before = [d for d in self.written_dates if d.start < ev.trigger.start]
                    last = before[-1] if before and not vague_place(ev) else None
                    if last is not None:
                        ev.date = DateFound(last.start, last.date, last.precision, "date.last-of-text")
                    else:
                        ev.date = DateFound(first.start, first.date, first.precision, "date.first-of-text")
            # an incident of one type at one place on one day is one incident, however many paragraphs tell it
            same: dict[tuple[str, str, str, str], _Event] = {}
            for ev in kept:
                if ev.date.precision != "day":
                    continue
                first_told = same.setdefault((ev.type, ev.location, ev.date.date, ev.date.precision), ev)
                if first_told is not ev:
                    first_told.roles.extend(ev.roles)
            told = {id(ev) for ev in same.values()}
            kept = [ev for ev in kept if ev.date.precision != "day" or id(ev) in told]
        return kept

    # -- figures -------------------------------------------------------------------------------
    def _number_candidates(self) -> list[tuple[int, int, int, str]]:
        """(value, start, end, kind) of every count: digits ("plus" when a `+` follows), number words, and
        orders of magnitude ("hundreds", "ratusan": kind "magnitude", a lower bound)."""
        candidates: list[tuple[int, int, int, str]] = [
            (n.value, n.start, n.end, "plus" if n.plus else "plain")
            for n in numbers.find_numbers(self.text, self.opts.lang)
        ]
        for m in re.finditer(r"[A-Za-z]+(?:[\s-]+[A-Za-z]+)*", self.text):
            words = re.findall(r"[A-Za-z]+", m.group(0))
            pos = m.start()
            spans = [(w.start() + pos, w.end() + pos) for w in re.finditer(r"[A-Za-z]+", m.group(0))]
            j = 0
            while j < len(words):
                k = j
                while k < len(words) and numbers.parse_words(words[j : k + 1], self.lex) is not None:
                    k += 1
                if k > j and not (k - j == 1 and words[j].lower() in ("a", "se")):
                    value = numbers.parse_words(words[j:k], self.lex)
                    if value is not None:
                        candidates.append((value, spans[j][0], spans[k - 1][1], "plain"))
                    j = k
                else:
                    j += 1
        # a singular subject of a harm ("A toddler was killed", "Seorang polisi tewas"): a count of one
        determiners = "|".join(map(re.escape, self.lex.singular_determiners))
        harmed = "|".join(
            map(re.escape, sorted((p for p, k in self.lex.counted_after if k in _HARMED), key=len, reverse=True))
        )
        aux = r"(?:was|has\s+been)\s+" if self.lex.language == "en" else ""
        # the words of the subject; an Indonesian active verb (me-, ber-) ends it ("Seorang saksi melihat warga tewas")
        noun_word = r"[^\W\d][\w-]*" if self.lex.language == "en" else r"(?!me|ber)[^\W\d][\w-]*"
        if determiners and harmed:
            for m in re.finditer(
                rf"(?<![\w-])({determiners})[ \t]+(?:{noun_word}[ \t]+){{1,3}}?{aux}"
                rf"(?:also\s+|juga\s+)?(?:{harmed})\b",
                self.text,
                re.I,
            ):
                candidates.append((1, m.start(1), m.end(1), "plain"))
        # a singular object of a counting verb: "menewaskan seorang polisi", "killed a policeman" (in English only
        # before a noun for people: "killed a total of 12" counts no one)
        verbs = "|".join(map(re.escape, sorted((p for p, _ in self.lex.counted_before), key=len, reverse=True)))
        nouns = "|".join(map(re.escape, sorted(self.qualifiable | set(self.lex.registry_heads), key=len, reverse=True)))
        noun = (
            rf"(?=[ \t]+(?:[^\W\d][\w-]*[ \t]+)?(?:{nouns})\b(?![ \t]+[a-z]+\b(?<!\band)(?<!\bor)(?<!\bin)(?<!\bon)"
            r"(?<!\bat)(?<!\bwho)(?<!\bduring)(?<!\bnear)(?<!\bfrom)(?<!\bwith)))"
            if self.lex.language == "en"
            else r"(?=[ \t])"
        )  # "killed a policeman", not "killed a police dog"
        if determiners and verbs:
            for m in re.finditer(rf"\b(?:{verbs})[ \t]+({determiners}){noun}", self.text, re.I):
                candidates.append((1, m.start(1), m.end(1), "plain"))
        # a mirror's infobox row with its label glued to the number: "Deaths8 (…)", "Injured4", "Tewas135[1]"
        labels = {p for p, _ in self.lex.counted_labels}
        for m in re.finditer(r"^([A-Z][a-z]+(?: [a-z]+)?)(\d+)(?=[\s(\[]|$)", self.text, re.M):
            if m.group(1).lower() in labels:
                candidates.append((int(m.group(2)), m.start(2), m.end(2), "plain"))
        taken: list[tuple[int, int]] = []
        for phrase in sorted(self.lex.magnitudes, key=len, reverse=True):
            for m in re.finditer(r"(?<![\w-])" + re.escape(phrase) + r"(?![\w-])", self.text, re.I):
                if all(m.end() <= ts or m.start() >= te for ts, te in taken):
                    taken.append((m.start(), m.end()))
                    candidates.append((self.lex.magnitudes[phrase], m.start(), m.end(), "magnitude"))
        # a number word inside an order of magnitude is part of it ("puluhan ribu" is no "ribu", 1000)
        candidates = [
            c for c in candidates if c[3] == "magnitude" or not any(ts <= c[1] and c[2] <= te for ts, te in taken)
        ]
        nobody = [(h.start, h.end) for h in self.hits if h.table == "none-figure"]
        candidates = [c for c in candidates if not any(s <= c[1] < e for s, e in nobody)]  # "no one was killed"
        return sorted(candidates, key=lambda c: c[1])

    def _shared_predicate(self, before: str, rest: str) -> list[str]:
        """For a count in a list of counts ("dua mobil, satu motor, dan satu rumah, hancur diamuk massa"), its
        noun with the words after the list ("mobil hancur diamuk massa"; the readings of a last item whose noun
        may be one or two words), else nothing. `before` is the sentence before the number, `rest` the sentence
        after it. The list's last item has "and"/"dan"; the words after the list follow that item, after a
        comma or not ("dan satu rumah dibakar massa"), and are no new clause of their own ("…, and injured 5
        people")."""
        items = re.split(r"\s*,\s*", re.sub(r"\[\w{1,6}\]", "", rest).strip())
        noun = items[0].lower().split()
        if not 1 <= len(noun) <= 2:
            return []
        conj = self.lex.name_links.get("and", ())
        last = re.search(r",\s*(\w+)\s+$", before)
        joined = last is not None and last.group(1).lower() in conj  # this count is the list's last item

        def counted(words: list[str]) -> bool:
            return bool(words) and (words[0].isdigit() or numbers.parse_words(words[:1], self.lex) is not None)

        for item in items[1:]:
            words = [w.strip(".!?;:") for w in item.lower().split()]
            starts_with_and = bool(words) and words[0] in conj
            if starts_with_and:
                words = words[1:]
            if counted(words):
                if starts_with_and:
                    joined = True
                    if len(words) > 2:  # "dan satu rumah dibakar massa": the predicate follows the last item
                        readings = [words[2:], words[3:]]
                        break
                if len(words) <= 3:
                    continue  # one more count of the list
                return []
            if starts_with_and or not joined or not words:
                return []  # a new clause ("and injured 5 people"), or no list
            readings = [words]
            break
        else:
            return []
        return [
            " ".join(noun + predicate[: self.lex.window])
            for predicate in readings
            # a clause with a count of its own is no predicate of the list
            if predicate and not any(w.isdigit() or numbers.parse_words([w], self.lex) is not None for w in predicate)
        ]

    @staticmethod
    def _ends_with(before: str, phrase: str) -> bool:
        """Whether `before` ends with the word or phrase, nothing but spaces (or a label's colon) after it
        ("…which killed ", "wounding ", "korban tewas: "; not "238 killed, ")."""
        return re.search(r"(?:^|[^\w-])" + re.escape(phrase) + r"\s*:?\s+$", before, re.I) is not None

    def _counting_verb(self, before: str) -> str | None:
        """The count kind of the lexicon's counting phrase that `before` ends with ("…which killed "), a filler such
        as "a total of" or "sebanyak" between at most, else None."""
        fillers = self._alternation("count_fillers", self.lex.count_fillers)
        if fillers:
            before = re.sub(rf"(?<![\w-])(?:{fillers})\s+$", "", before, flags=re.I)
        return next((k for p, k in self.lex.counted_before if self._ends_with(before, p)), None)

    def _toll(self, before: str) -> str | None:
        """The count kind of a toll named earlier in the clause and a verb of reaching right before the number
        ("the death toll from the attack in X reached 15", "korban luka dalam kerusuhan itu mencapai 25", the second of
        two alternatives too), else None."""
        verbs = self._alternation("toll_verbs", self.lex.toll_verbs)
        nouns = self._alternation("toll_nouns", self.lex.toll_nouns)
        if not verbs or not nouns:
            return None
        clause = r"[^,.;:!?()\n\d]{0,100}?"  # the words between: one clause, and no count of the toll's own
        # the second of two alternatives counts the same: "the total number killed is 165 or 191"
        alternative = rf"(?:\d[\d.,]*\s+(?:{self._words('or')})\s+)?"
        m = re.search(
            rf"(?:^|[^\w-])({nouns})[^\w-]{clause}(?<![\w-])(?:{verbs})\s+{alternative}$", before[-200:], re.I
        )
        return self.lex.toll_nouns[m.group(1).lower()] if m else None

    def _words(self, *keys: str) -> str:
        """A regex alternation of the lexicon's linking words of those kinds ("and", "or")."""
        return "|".join(re.escape(w) for key in keys for w in self.lex.name_links.get(key, ()))

    def _label_kind(self, label: str) -> str | None:
        """The count kind of an infobox label ("Non-fatal injuries" → injured), else None."""
        label = " ".join(re.sub(r"[^\w\s-]|\d", " ", label.lower()).split())
        return next((k for p, k in self.lex.counted_labels if label == p or label.endswith(f" {p}")), None)

    def _row_label(self, start: int) -> str | None:
        """The count kind an infobox row's label names ("Injuries: 57", "Korban tewas | 4 warga sipil",
        "Deaths 18"), or the label line right above a row of numbers alone ("Korban tewas⏎3[1] atau 6[2]",
        "Non-fatal injuries⏎|⏎>150 |")."""
        line_start = self.text.rfind("\n", max(start - _ROW_CHARS, 0), start) + 1
        if line_start == 0 and start > _ROW_CHARS:
            return None  # far into a long line: no infobox row
        prefix = self.text[line_start:start]
        m = re.match(r"\s*-?\s*([^|:\n]{2,40}?)\s*[|:]", prefix)
        if m is None:
            # "Deaths8" (a mirror's glued label) or "Deaths 18": a capitalised label and nothing else
            m = re.fullmatch(r"([A-Z][a-z]+(?: [a-z]+)?) ?", prefix)
        if m is not None:
            return self._label_kind(m.group(1))
        line_end = self.text.find("\n", start, start + _ROW_CHARS)
        if line_end < 0 and len(self.text) - start <= _ROW_CHARS:
            line_end = len(self.text)  # the text's last line
        line = self.text[line_start:line_end]
        joins = self._words("and", "or")
        # the qualifiers a row's number may have ("sekitar 197[1][2]", "at least 5")
        quals = self._alternation("qualifiers", self.lex.qualifiers)
        if (
            line_end < 0
            or len(line) > _ROW_CHARS
            or re.sub(rf"\[\w{{1,6}}\]|\d|[\s|>~.,/+()]|\b(?:{joins}|{quals})(?!\w)", "", line, flags=re.I)
        ):
            return None  # words on the number's line: no row of numbers alone
        # only numbers on this line: the label is the line above (lines of "|" alone are a table's cells), a
        # label alone on it (three words at most: "Non-fatal injuries", not a headline ending in "injured")
        lines = self.text[max(line_start - 4 * _ROW_CHARS, 0) : line_start].split("\n")[-4:-1]
        for above in reversed(lines):
            cell = above.strip(" |\t")
            if cell:
                return self._label_kind(cell) if len(cell.split()) <= 3 else None
        return None

    def figures(self) -> list[_Figure]:
        out: list[_Figure] = []
        seen: set[int] = set()
        lang = self.opts.lang
        candidates = self._number_candidates()
        months = set(self.lex.months)
        number_end: dict[int, int] = {}  # id of a figure → where its number ends
        in_brackets: list[tuple[int, int, int, int]] = []  # value, start, end, where the "(" stands
        range_highs: set[int] = set()
        alternatives = self._words("or")  # "tiga atau enam", "5 or 6"
        for value, start, end, kind in candidates:
            if start in range_highs:
                continue
            i = self.sentence_of(start)
            s, e = self.sents[i]
            if start > 0 and self.text[start - 1] == "[":
                continue  # a reference marker such as [8]
            raw = self.text[start:end]
            if re.fullmatch(r"(19|20)\d\d", raw):
                continue  # a year
            # a list after a colon that follows a count: "killed five people: three policemen and two attackers"
            colon = self.text.rfind(":", max(s, start - _BEFORE), start)
            whole_end = number_end.get(id(out[-1])) if out else None
            if (
                colon >= 0
                and whole_end is not None
                and out[-1].sentence == i
                and whole_end <= colon
                and re.fullmatch(r"\s*(?:[^\W\d]+\s*){0,2}", self.text[whole_end:colon])
                and re.fullmatch(r"[\s\w,]*", self.text[colon + 1 : start])
                and re.match(rf"\s+(?:{self._people_words})\b", self.text[end : end + 60], re.I)
            ):
                in_brackets.append((value, start, end, colon))
                continue
            # a part named after a count and a comma: "killed six people, including two children"
            asides = self._alternation("count_asides", self.lex.count_asides, longest_first=False)
            aside = (
                re.fullmatch(rf"(\s*(?:[^\W\d]+\s*){{0,3}}),\s*(?:{asides})\s+", self.text[whole_end:start], re.I)
                if asides and whole_end is not None and out[-1].sentence == i and whole_end < start
                else None
            )
            if (
                aside is not None
                and whole_end is not None
                and out[-1].value is not None
                and value <= out[-1].value  # a part is no more than its whole ("12 people, including 30 …" is not)
                and re.match(rf"\s+(?:{self._people_words})\b", self.text[end : end + 60], re.I)
            ):
                in_brackets.append((value, start, end, whole_end + aside.end(1)))
                continue
            opening = self.text.rfind("(", max(s, start - _BEFORE), start)
            if opening >= 0 and ")" not in self.text[opening:start]:
                closing = self.text.find(")", end, min(e, end + _BEFORE))
                inside = " " + " ".join(self.text[end : closing if closing >= 0 else e].lower().split()) + " "
                # a bracketed count with a kind of its own, not a count of people ("(100–700 beheaded)"), is its
                # own figure (a kind other than the figure's before it: "(possibly included in the 164 dead)" is
                # the same count)
                before_kind = out[-1].counts if out and out[-1].span[1] <= opening else None
                own_kind = any(
                    f" {p} " in inside and k not in ("participants", before_kind) for p, k in self.lex.counted_after
                )
                if not own_kind:
                    in_brackets.append((value, start, end, opening))
                    continue  # a breakdown "(15 victims, 13 attackers)": counted like the figure before it
            # the sentence after the number, at most _BEFORE characters of it
            e = min(e, end + _BEFORE)
            # a range "31–33": the low bound, at least; the high bound is no figure of its own
            # (the high bound with its thousands separators: "500–1,000", "4.000–5.000")
            # the language's thousands separator, or the other one where a text quotes a figure so ("5,000-10,000" in
            # an Indonesian infobox row)
            seps = "[.,]"
            rng = (
                re.match(rf"\s*[–—-]\s*(\d{{1,3}}(?:{seps}\d{{3}})+|\d+)(?![\d.,]\d)", self.text[end:e])
                if kind == "plain"
                else None
            )
            # "between 20 and 30", "antara 20 hingga 30": a range in words, opened by the word before it
            opener = "|".join(map(re.escape, self.lex.range_openers))
            if (
                rng is None
                and kind == "plain"
                and opener
                and re.search(rf"\b(?:{opener})\s+$", self.text[s:start][-40:], re.I)
            ):
                joins = "|".join(re.escape(w) for w in self.lex.range_words if w.isalpha())
                rng = re.match(
                    rf"\s+(?:{joins})\s+(\d{{1,3}}(?:{seps}\d{{3}})+|\d+)(?![\d.,]\d)", self.text[end:e], re.I
                )
            high = None
            if rng is not None and int(re.sub(seps, "", rng.group(1))) > value:
                high = int(re.sub(seps, "", rng.group(1)))
                range_highs.add(end + rng.start(1))
                end = end + rng.end()
            tail = re.sub(r"\([^()]*\)", " ", self.text[end:e])  # "delapan orang (…) dilaporkan tewas"
            tail = re.sub(r"\[\w{1,6}\]", " ", tail)  # a reference marker: "tiga [1] atau enam orang tewas"
            tail = re.sub(numbers.TAG + ">", " ", tail)  # a tag of wikitext: "12 killed<br>30 injured"
            # a description between commas goes with the count: "14 people, including four children, were killed"
            asides = self._alternation("count_asides", self.lex.count_asides, longest_first=False)
            if asides:
                tail = re.sub(rf"^([^,]*),\s*(?:{asides})\b[^,.;:]*,", r"\1", tail, flags=re.I)
            # names between commas (where they were: "Tiga anggota Polsek Sinak, Kabupaten Puncak, Papua, tewas") go
            # with the count too
            tail = re.sub(rf"^([^,]*)(?:,\s*{_CAPITALISED}(?:\s+{_CAPITALISED}){{0,3}})+\s*,", r"\1", tail)
            # "5 atau 7 orang tewas", "5 or 6 people": the words after the alternative count both
            tail = re.sub(rf"^\s*(?:{alternatives})\s+\d[\d.,]*", " ", tail, flags=re.I)
            after = re.split(r"[.;:()\[\n|]|\d", tail, maxsplit=1)[0]
            next_number = re.match(r"[^.;:()\[\n|\d]*(?=\d)", self.text[end:e])
            verb = next(
                (p for p, _ in self.lex.counted_before if next_number and self._ends_with(next_number.group(0), p)),
                None,
            )
            if verb:
                # "eight other cities which killed 18 people": a verb right before the next number counts that one
                low_after = " " + " ".join(after.lower().split())
                after = low_after[: low_after.rfind(f" {verb}")]
            after_words = after.lower().split()[: self.lex.window]
            # the sentence before the number, at most _BEFORE characters of it (a long line of numbers stays linear)
            ws = max(s, start - _BEFORE)
            q = numbers.parse_qualifier(self.text[ws:start], lang)
            q_start = ws + q[1] if q else start
            last_before = re.sub(r"[^\w\s-]", " ", self.text[ws:start].lower()).split()[-1:]
            if (after_words and after_words[0].strip(",") in months) or (last_before and last_before[0] in months):
                continue  # a date
            # the words before the number, without its qualifier ("wounding over 150 others": "wounding")
            before_words = re.sub(r"[^\w\s-]", " ", self.text[ws:q_start].lower()).split()[-8:]
            if after_words and after_words[0].strip(",") in self.lex.durations:
                continue  # a duration: "arrested 2 days later", "ditahan 3 hari"
            after_text = " " + " ".join(after_words).replace(",", " , ") + " "
            if "," in after_text:
                after_text = after_text.split(" , ")[0] + " "
            before_text = " " + " ".join(before_words) + " "
            # a counting verb right before the number wins over a word later in the clause
            # ("killed 18 people and injured many others" counts the dead)
            counts = self._counting_verb(self.text[ws:q_start])
            rule = "figure.counted-before"
            if counts is None:
                # a noun and its verb right after the number ("satu rumah dibakar massa") first, then the lexicon's
                # order ("the two perpetrators were killed" counts the dead)
                # (not a noun of people who took part: "dua pengunjuk rasa tewas" counts the dead)
                counts = next(
                    (
                        k
                        for p, k in self.lex.counted_after
                        if " " in p and k != "participants" and after_text.startswith(f" {p} ")
                    ),
                    None,
                )
                rule = "figure.counted-after"
            if counts is None:
                # a harm right after the number, a word at most between, before the lexicon's order ("1.721 lainnya
                # luka-luka dan beberapa kendaraan … hancur" counts the injured, not vehicles)
                near = " " + " ".join(after_text.split()[:_NEAR_WORDS]) + " "
                counts = next((k for p, k in self.lex.counted_after if k in _HARMED and f" {p} " in near), None)
                rule = "figure.counted-after"
            if counts is None:
                # a toll named before the number ("the death toll … reached 5 on Tuesday and …") before a word later
                counts, rule = self._toll(self.text[ws:q_start]), "figure.counted-before"
            if counts is None:
                counts = next((k for p, k in self.lex.counted_after if f" {p} " in after_text), None)
                rule = "figure.counted-after"
            if counts is None and out and out[-1].sentence == i and out[-1].rule == "figure.counted-before":
                # "menewaskan 3 polisi dan 2 warga", "killed a policeman and two civilians": the next count joined
                # to one a verb counted, its noun between, counts the same
                joins = self._words("and")
                gap = self.text[number_end.get(id(out[-1]), start) : start]
                own = re.match(rf"\s+(?:[^\W\d][\w-]*\s+)?(?:{self._people_words})\b", self.text[end : end + 60], re.I)
                if re.fullmatch(rf"\s+(?:[^\W\d][\w-]*\s+){{0,3}}(?:{joins})\s+", gap, re.I) and own:
                    counts, rule = out[-1].counts, "figure.counted-before"  # not "3 policemen and 2 dogs"
            if counts is None:
                counts, rule = self._row_label(start), "figure.row-label"
            if counts is None:
                # "dua mobil, satu motor, dan satu rumah, hancur": each item of the list with the predicate after it
                shared = self._shared_predicate(self.text[s:start], self.text[end:e])
                counts = next(
                    (k for text in shared for p, k in self.lex.counted_after if f"{text} ".startswith(f"{p} ")), None
                )
                rule = "figure.list"
            if counts is None:
                continue
            alternative = (
                out[-1]
                if out
                and re.fullmatch(
                    rf"\s*(?:\[\w{{1,6}}\]\s*)*(?:{alternatives})\s+",
                    self.text[number_end.get(id(out[-1]), 0) : start],
                    re.I,
                )
                else None
            )
            if kind in ("plus", "magnitude"):
                qualifier = "more-than"
            elif high is not None:
                qualifier = "at-least"
            elif q is None and alternative is not None and alternative.counts == counts:
                qualifier = alternative.qualifier  # "sekitar tiga atau enam orang tewas": both are estimates
            else:
                qualifier = q[0] if q else "exact"
            span_start = q_start
            reach = max(
                (after_text.find(f" {p} ") + len(p) + 1 for p, _ in self.lex.counted_after if f" {p} " in after_text),
                default=0,
            )
            span_end = self._end_of_words(end, reach) if rule == "figure.counted-after" else end
            if rule == "figure.counted-before":
                span_start = min(span_start, self._before_start(s, start, self.lex.counted_before))
            context = before_text + after_text
            victim = next((k for p, k in self.lex.victims if f" {p} " in context), None)
            if victim is not None and victim not in self.idx.actors:
                victim = None
            if victim is None and counts in _HARMED:
                # who was harmed, in the figure's own words ("5 police officers were killed"): a group of the article
                named = [h for h in self.hits_in(start + 1, span_end) if h.table == GROUP and h.value != "group"]
                victim = self.group_key(named[0]) if named else None
            if start in seen:
                continue
            seen.add(start)
            fig = _Figure(
                value, qualifier, counts, (span_start, span_end), i, victim, rule, low=high and value, high=high
            )
            number_end[id(fig)] = end
            out.append(fig)
        out.extend(self._breakdowns(out, number_end, in_brackets))
        for h in self.hits:
            if h.table == "none-figure":  # "no one was killed", "tidak ada korban jiwa": an exact 0
                out.append(
                    _Figure(0, "exact", h.value, (h.start, h.end), self.sentence_of(h.start), None, "figure.none")
                )
            if h.table == "unknown-figure":
                out.append(
                    _Figure(
                        None,
                        "unknown",
                        h.value,
                        (h.start, h.end),
                        self.sentence_of(h.start),
                        None,
                        "figure.unknown-number",
                    )
                )
        return sorted(out, key=lambda f: f.span)

    def _breakdowns(
        self, figures: list[_Figure], number_end: dict[int, int], in_brackets: list[tuple[int, int, int, int]]
    ) -> list[_Figure]:
        """The parts of a figure listed in brackets or after a colon right after it ("28 (15 victims, 13 attackers)",
        "delapan orang (empat pelaku dan empat warga sipil)", "killed five people: three policemen and two
        attackers"): each part counts the same, exactly."""
        out = []
        # the figures by where their number ends: the whole is one that ends a few words before the opening
        ends = sorted((ne, i) for i, f in enumerate(figures) if f.value is not None and (ne := number_end.get(id(f))))
        end_offsets = [ne for ne, _ in ends]
        for value, start, end, opening in in_brackets:
            at = bisect.bisect_right(end_offsets, opening)
            whole = next(
                (
                    figures[i]
                    for ne, i in ends[max(0, at - 3) : at]
                    if re.fullmatch(r"\s*(?:[^\W\d]+\s*){0,4}", self.text[ne:opening])
                ),
                None,
            )
            if whole is None or whole.value is None or value > whole.value:
                continue
            part = re.match(r"[^,;()]*?(?=\s+(?:and|dan)\s|[,;)]|$)", self.text[end:])
            span_end = end + (part.end() if part else 0)
            # who the part counts, in its own words ("three policemen"): a group of the article, or the registry's
            named = [h for h in self.hits_in(end, span_end) if h.table == GROUP and h.value != "group"]
            victim = self.group_key(named[0]) if named and whole.counts in _HARMED else None
            out.append(
                _Figure(value, "exact", whole.counts, (start, span_end), whole.sentence, victim, "figure.breakdown")
            )
        return out

    def _end_of_words(self, end: int, chars: int) -> int:
        """The offset `chars` characters of normalised words after `end` (the counted phrase's end)."""
        if chars <= 0:
            return end
        target = len(" ".join(self.text[end:].lower().split()[:50])[:chars].split())
        pos = end
        for n, m in enumerate(re.finditer(r"\S+", self.text[end:]), 1):
            pos = end + m.end()
            if n >= target:
                break
        return pos

    def _before_start(self, sentence_start: int, start: int, table: Sequence[tuple[str, str]]) -> int:
        """Where the nearest phrase of `table` before the number starts, within its sentence."""
        low = self.text[sentence_start:start].lower()
        # the phrase as words, not inside one ("lukai" is no part of "melukai")
        found = [m.start() for p, _ in table for m in re.finditer(rf"(?<![\w-]){re.escape(p)}(?![\w-])", low)]
        return sentence_start + max(found) if found else start

    # -- claims --------------------------------------------------------------------------------
    def claims(self) -> list[_Claim]:
        out: list[_Claim] = []
        speakers = [
            h for h in self.hits if h.table in (PERSON, STATE, ORGANISATION, REGISTRY_GROUP, GROUP, "speaker-alias")
        ]
        starts = [h.start for h in speakers]

        def starting(lo: int, hi: int) -> list[Hit]:
            """The speakers that start in [lo, hi), in text order (a slice: not every speaker for every verb)."""
            return speakers[bisect.bisect_left(starts, lo) : bisect.bisect_left(starts, hi)]

        for verb in (h for h in self.hits if h.table == "reporting"):
            i = self.sentence_of(verb.start)
            s, e = self.sents[i]
            if verb.value in self.lex.reporting_prefix:
                after = starting(verb.end, min(verb.end + 6, e))
                if not after:
                    name = self.new_person(verb.end, e, after_marker=True)
                    if name is None:
                        continue
                    after = [Hit(name[0], name[1], PERSON, self.person_key(name))]
                speaker = self.speaker_at(after[0])
                colon = re.match(r"\s*:", self.text[after[0].end : e])
                # "Menurut X, …" / "According to X: …" introduce the claim; ", according to X" closes it
                span = (after[0].end, e) if colon or verb.start == s else (s, verb.start)
                if speaker and self.text[span[0] : span[1]].strip(" \t,.;:"):  # nothing said: no claim
                    out.append(_Claim(speaker, span, "claim.according-to"))
                continue
            # the speaker right before the verb, or up to three plain words before it ("he continues to claim")
            before = [h for h in starting(s, verb.start + 1) if h.end <= verb.start and self._speaks(h, verb)]
            after = starting(verb.end, verb.end + 3)
            if before:
                speaker = self.speaker_at(before[-1])
            elif after and re.search(r"[\"”][\s,]*$", self.text[max(0, verb.start - 4) : verb.start]):
                speaker = self.speaker_at(after[0])  # `"…," kata Tokayev` / `"…," said Price`
            elif (name := self.new_person(s, verb.start, after_marker=False)) is not None:
                speaker = self.person_key(name)  # a name the registry lacks: a draft person of the article
            else:
                continue
            if speaker is None:
                continue
            quoted = self._quoted(s, e, verb)
            if quoted:
                out.extend(_Claim(speaker, span, "claim.quote") for span in quoted)
                continue
            rest = re.match(r"[\s,:]*(?:(?:bahwa|that)\s+)?", self.text[verb.end : e])
            start = verb.end + (rest.end() if rest else 0)
            if e - start > 10:
                out.append(_Claim(speaker, (start, e), "claim.reporting-verb"))
        out.extend(self._presented_account(out))
        unique: dict[tuple[int, int], _Claim] = {}
        for c in out:
            unique.setdefault(c.span, c)
        claims = sorted(unique.values(), key=lambda c: c.span)
        for n, c in enumerate(claims, 1):
            c.key = f"claim-{n}"
        return claims

    def new_person(self, start: int, end: int, *, after_marker: bool) -> tuple[int, int] | None:
        """A name the registry lacks, as a reporting verb's speaker: two to four capitalised words right before
        the verb (after_marker False) or right after "according to"/"menurut" (True), with the titles before
        it left out ("National Police spokesman Brigadier General Ali Rahman said" → "Ali Rahman"); None when
        the words are a known name, a place or a group, or fewer than two words are left."""
        if after_marker:
            # past a description in lower case: "according to local human rights activist Theo Hasegem"
            m = _SPEAKER_AFTER.match(self.text, start, end)
        else:
            m = search_at_end(_SPEAKER_BEFORE, self.text, start, end, _SPEAKER_BEFORE_SPACES)
        if m is None:
            return None
        s, e = m.start(1), m.end(1)
        if any(h.table not in ("reporting", "trigger") for h in self.hits_over(s, e)):
            return None  # a registry name, a place, a group: not a new person
        tokens = [(t.start(), t.group(0)) for t in re.finditer(r"\S+", self.text[s:e])]
        while tokens and tokens[0][1].lower().strip(".") in self.lex.person_titles:
            tokens = tokens[1:]
        if len(tokens) < 2 or any(t.lower().strip(".,") in self.lex.person_titles for _, t in tokens):
            return None
        return s + tokens[0][0], e

    def person_key(self, span: tuple[int, int]) -> str:
        """The key of a draft person of the article (one per name)."""
        key = document_key(self.text[span[0] : span[1]])
        if key in self.idx.actors or key in self.idx.place_types or key in self.groups:
            key += "-person"
        self.people.setdefault(key, span)
        return key

    def _speaks(self, h: Hit, verb: Hit) -> bool:
        """Whether `h` is the subject of the reporting verb: right before it, or a person (or "he") up to three
        plain words before it ("he continues to claim"), none of them a conjunction ("civilians and said")."""
        gap = self.text[h.end : verb.start]
        if not gap.strip():
            return True
        words = gap.split()
        return (
            h.table in (PERSON, "speaker-alias")
            and len(words) <= 3
            and all(w.isalpha() and w.islower() and w not in _CONJUNCTIONS for w in words)
        )

    def _presented_account(self, claims: list[_Claim]) -> list[_Claim]:
        """After "<person> presented (memaparkan) the situation", the report's sentences about events,
        figures or actors are that person's account, until someone else is reported speaking."""
        verb = next((h for h in self.hits if h.table == "speaker-verb"), None)
        if verb is None:
            return []
        person = next((h for h in self.hits if h.table == PERSON and 0 <= verb.start - h.end <= 2), None)
        if person is None:
            return []
        own = [c for c in claims if c.speaker == person.value and c.span[0] > verb.start]
        if not own:
            return []
        claimed = [c.span for c in claims]
        content = {"trigger", GROUP, "facility", "unknown-figure", "none-figure"}
        out = []
        # the account starts where the person is first reported speaking after presenting
        for i in range(self.sentence_of(own[0].span[0]) + 1, len(self.sents)):
            s, e = self.sents[i]
            sent_hits = self.hits_in(s, e)
            reporting = [h for h in sent_hits if h.table == "reporting"]
            if reporting:
                others = [c for c in claims if s <= c.span[0] < e and c.speaker != person.value]
                if others:
                    break
                continue
            if any(cs < e and s < ce for cs, ce in claimed):
                continue
            has_number = bool(re.search(r"\d", self.text[s:e]))
            if has_number or any(h.table in content for h in sent_hits):
                out.append(_Claim(person.value, (s, e), "claim.presented-account"))
        return out

    def _quoted(self, s: int, e: int, verb: Hit) -> list[tuple[int, int]]:
        """The sentences of a quotation the verb introduces (`said, "…"`) or closes (`"…," he said`)."""
        text = self.text
        m = re.match(r"\s*,\s*[\"“]", text[verb.end : verb.end + 5])
        if m:
            q_start = verb.end + m.end()
            close = re.search(r"[\"”]", text[q_start:])
            if close is None:
                return []
            body = (q_start, q_start + close.start())
        else:
            # a quotation that closes right before the verb, or before its speaker ("…," he said)
            window = max(0, verb.start - 1500)
            closing = re.search(r"[\"“]([^\"”]{3,})[\"”][\s,]*(?:[\w.'-]+\s+){0,3}$", text[window : verb.start])
            if closing is None:
                return []
            body = (window + closing.start(1), window + closing.end(1))
            follow = re.match(r"[^\"“]*?[.!?]\s+[\"“]([^\"”]+)[\"”]", text[verb.end : verb.end + 400])
            if follow is not None:  # `"…," he said. "…"`: the next quotation is the same speaker's
                body2 = (verb.end + follow.start(1), verb.end + follow.end(1))
                return self._split(body) + self._split(body2)
        return self._split(body)

    def _split(self, body: tuple[int, int]) -> list[tuple[int, int]]:
        """The sentences of a quotation, each one claim."""
        text = self.text
        parts = []
        for ps, pe in sentences(text[body[0] : body[1]]):
            chunk = text[body[0] + ps : body[0] + pe].rstrip(",")
            if len(chunk) > 3:
                parts.append((body[0] + ps, body[0] + ps + len(chunk)))
        return parts

    # -- the annotation ------------------------------------------------------------------------
    def annotation(self) -> Annotation:
        lang, lex, text = self.opts.lang, self.lex, self.text
        cite = Quoter(self.source)
        events = self.events()
        figures = self.figures()
        if figures and not events:
            implied = self.implied_event(figures[0])
            events = [implied] if implied is not None else []
        claims = self.claims()
        row_roles = (
            self.infobox_roles()
            + self.agents_of_harm()
            + self.members_of()
            + self.victims_and_actors()
            + self.objects_of_harm()
            + self.parties_to_clashes()
            + self.named_agents()
            + self.named_perpetrators()
            + self.perpetrators_after_marker()
            + self.convicted()
            + self.claimed_by()
            + self.blamed()
            + self.organisers()
        )
        main_event = next((ev for t in _MAIN_TYPES for ev in events if ev.type == t), events[0] if events else None)
        if main_event is not None:
            # a role read outside the event rules goes to the event of its sentence, else to the main event,
            # unless some event has that actor in that role already
            have = {(r[0], r[1]) for ev in events for r in ev.roles}
            for row in row_roles:
                if (row[0], row[1]) in have and row[1] not in self.idx.actors:
                    # a group of the article is told by its first mention in that role ("were hit by two suicide
                    # bombers" before "caused by suicide bombers"); a reading of the sentence's structure is told
                    # before a mere mention in the event's sentence ("bentrokan antara warga desa Agom …" before
                    # "penduduk Desa Agom" of the background)
                    for ev in events:
                        ev.roles = [
                            (r[0], r[1], row[2], row[3])
                            if (r[0], r[1]) == (row[0], row[1])
                            and (row[2][0] < r[2][0] or (r[3] in _COOCCURRENCE and row[3] not in _COOCCURRENCE))
                            else r
                            for r in ev.roles
                        ]
                if (row[0], row[1]) not in have:
                    have.add((row[0], row[1]))
                    i = self.sentence_of(row[2][0])
                    owner = next((ev for ev in events if ev.sentence == i), main_event)
                    owner.roles.append(row)

        # a role guessed from a mere mention in an event's sentence yields to another role a reading of a sentence's
        # structure gives the same group ("bentrokan antara warga desa Zenda …": a side, not a perpetrator)
        read = {(row[1], row[0]) for row in row_roles if row[3] not in _COOCCURRENCE and row[1] not in self.idx.actors}
        for ev in events:
            ev.roles = [
                r for r in ev.roles if r[3] not in _COOCCURRENCE or not any(a == r[1] and k != r[0] for a, k in read)
            ]

        # a noun that names a group only with its qualifier ("Ruritanian people", "masyarakat Zenda") takes a role
        # only where a reading of the sentence gives it one, never by its mere mention
        only_qualified = set(self.lex.qualified_nouns)
        for ev in events:
            ev.roles = [
                r
                for r in ev.roles
                if r[3] not in _COOCCURRENCE or text[r[2][0] : r[2][1]].lower() not in only_qualified
            ]

        # buildings the text says were harmed are targets of the event of their sentence, else of the main event
        if main_event is not None:
            have_places = {r[1] for ev in events for r in ev.roles if r[0] == "target"}
            told_spans = [r[2] for ev in events for r in ev.roles if r[0] == "target"]
            for h, span in self.facilities_harmed():
                if any(ts < h.end and h.start < te for ts, te in told_spans):
                    continue  # a facility another rule made a target already
                owner = next((ev for ev in events if ev.sentence == self.sentence_of(h.start)), main_event)
                within = owner.location if owner.location in self.idx.place_types else self.main_country
                if within is None:
                    continue
                key = self.place_of_facility(h, within)
                if key not in have_places:
                    have_places.add(key)
                    owner.roles.append(("target", key, span, "role.facility-harmed"))

        # the people a perpetrator noun names have that role and no other, told by one mention; unless an infobox
        # row names the event's perpetrators as groups of the article (the families, the cell), who are those people
        noun_groups = {self.group_key(h) for h in self._perpetrator_noun_hits()}
        if noun_groups:
            told: dict[str, list[tuple[int, int]]] = {}
            for ev in events:
                for one in ev.roles:
                    if one[1] in noun_groups:
                        told.setdefault(one[1], []).append(one[2])
                # the object of a harm stays its target ("security forces killed two suspected militants")
                ev.roles = [one for one in ev.roles if one[1] not in noun_groups or one[3] == "role.object-of-harm"]
            objects = [one[2] for ev in events for one in ev.roles if one[3] == "role.object-of-harm"]
            named = any(
                one[0] == "perpetrator" and one[3] == "role.infobox-row" and one[1] not in self.idx.actors
                for ev in events
                for one in ev.roles
            )
            if main_event is not None and not named:
                for row in self.perpetrators_by_noun(told, objects):
                    if row[1] in self.named_nouns:
                        continue  # "pelaku, Rabbial Muslim Nasution": the noun's people are the person it names
                    i = self.sentence_of(row[2][0])
                    next((ev for ev in events if ev.sentence == i), main_event).roles.append(row)

        # one mention has one role: where a mention is a perpetrator or target of one event, it is not also
        # a mere participant of another (the riot's "sekelompok massa" is not a participant of the unrest)
        sharper = {(r[1], r[2]) for ev in events for r in ev.roles if r[0] != "participant"}

        # and a group of the article that is a perpetrator or target somewhere is no mere participant elsewhere
        # (security forces excepted: they act in one event and are attacked in another)
        sharp_groups = {
            r[1]
            for ev in events
            for r in ev.roles
            if r[0] != "participant" and self.groups.get(r[1], ("security-forces",))[0] != "security-forces"
        }
        told_once: set[tuple[str, str, tuple[int, int]]] = set()  # one mention in one role is one fact of the text
        for ev in events:
            ev.roles = [
                r
                for r in ev.roles
                if r[0] != "participant" or ((r[1], r[2]) not in sharper and r[1] not in sharp_groups)
            ]
            ev.roles = [r for r in ev.roles if (r[0], r[1], r[2]) not in told_once]
            told_once.update((r[0], r[1], r[2]) for r in ev.roles)
        # and a group of the article has a role once in the text, told by its first mention in that role: the
        # rules split one incident into several events more often than a text tells one group's part twice
        first_told: dict[tuple[str, str], tuple[int, int]] = {}
        for ev in events:
            for one in ev.roles:
                if one[1] not in self.idx.actors and one[2] < first_told.get((one[0], one[1]), (len(self.text), 0)):
                    first_told[(one[0], one[1])] = one[2]
        kept_local: set[tuple[str, str]] = set()
        for ev in events:
            kept = []
            for one in ev.roles:
                if one[1] not in self.idx.actors:
                    if first_told[(one[0], one[1])] != one[2] or (one[0], one[1]) in kept_local:
                        continue
                    kept_local.add((one[0], one[1]))
                kept.append(one)
            ev.roles = kept
            # a registry actor has a role once in an event, however often the text says so
            seen: set[tuple[str, str]] = set()
            kept = []
            for one in ev.roles:
                if one[1] in self.idx.actors and (one[0], one[1]) in seen:
                    continue
                seen.add((one[0], one[1]))
                kept.append(one)
            ev.roles = kept

        def resting_on(span: tuple[int, int]) -> list[str]:
            return [c.key for c in claims if c.span[0] <= span[0] and span[1] <= c.span[1]]

        venues: list[Venue] = []
        if self.venue is not None and any(ev.location == "@venue" for ev in events):
            rule, conf = _rule("event.venue", lex)
            v = self.venue
            venues.append(
                Venue(
                    id="venue",
                    label=Labels(**{lang: text[v.start : v.end]}),
                    evidence=cite(v.start, v.end),
                    rule=rule,
                    confidence=conf,
                )
            )
        event_records: list[EventRecord] = []
        for ev in events:
            s, e = self.sents[ev.sentence]
            rule, conf = _rule(ev.rule, lex)
            where = "venue" if ev.location == "@venue" else ev.location
            place_label = (
                venues[0].label.get(lang) if where == "venue" else self.idx.place_labels[where].get(lang, where)
            )
            roles = []
            for role, actor, span, role_rule in ev.roles:
                r, c = _rule(role_rule, lex)
                position = self.idx.position_at(actor, self.opts.dateline) if role_rule != "role.chair" else None
                roles.append(
                    RoleRecord.model_validate(
                        {
                            "role": role,
                            "actor": actor,
                            "as": position,
                            "evidence": cite(*span),
                            "according_to": [k for k in resting_on(span) if k not in resting_on((s, e))],
                            "rule": r,
                            "confidence": c,
                        }
                    )
                )
            trigger = text[ev.trigger.start : ev.trigger.end] or ev.type
            known = None
            if self.opts.known_events and where != "venue":
                first, last = period(parse_date(ev.date.date, ev.date.precision).start, ev.date.precision)  # type: ignore[arg-type]
                known = match(ev.type, first, last, where, self.opts.known_events, self.within, self.opts.document_id)
                if known is not None:
                    rule, conf = _rule("event.known-event", lex)
            event_records.append(
                EventRecord(
                    id=ev.key,
                    event=known,
                    type=ev.type,  # type: ignore[arg-type]
                    label=Labels(**{lang: f"{trigger} ({place_label})"}),
                    date=ev.date.date,
                    precision=ev.date.precision,  # type: ignore[arg-type]
                    location=where,
                    according_to=resting_on((s, e)),
                    evidence=cite(s, e),
                    roles=roles,
                    rule=rule,
                    confidence=round(
                        min(conf, RULES[ev.date.rule], RULES[ev.location_rule] if ev.location != "@venue" else 1.0), 2
                    ),
                )
            )
        main = next((ev for t in _MAIN_TYPES for ev in events if ev.type == t), events[0] if events else None)
        figure_records: list[FigureRecord] = []
        for n, fig in enumerate(figures, 1):
            event = next((ev for ev in events if ev.sentence == fig.sentence), main)
            if event is None:
                continue
            rule, conf = _rule(fig.rule, lex)
            figure_records.append(
                FigureRecord(
                    id=f"{fig.counts}-{n}",
                    event=event.key,
                    counts=fig.counts,  # type: ignore[arg-type]
                    value=fig.value,
                    qualifier=fig.qualifier,  # type: ignore[arg-type]
                    low=fig.low,
                    high=fig.high,
                    victim=fig.victim,
                    according_to=resting_on(fig.span),
                    evidence=cite(*fig.span),
                    rule=rule,
                    confidence=conf,
                )
            )
        summit = next((ev.key for ev in events if ev.type in ("meeting", "summit")), None)
        claim_records: list[ClaimRecord] = []
        for claim in claims:
            rule, conf = _rule(claim.rule, lex)
            q = cite(*claim.span)
            words = q if isinstance(q, str) else q.quote
            speaks_there = summit is not None and any(
                r[1] == claim.speaker for ev in events if ev.key == summit for r in ev.roles
            )
            claim_records.append(
                ClaimRecord(
                    id=claim.key,
                    speaker=claim.speaker,
                    made_at=summit if speaks_there else None,
                    text=Labels(**{lang: words}),
                    evidence=q,
                    rule=rule,
                    confidence=conf,
                )
            )
        person_records = []
        # a name drafted as a speaker and, later, as a group of the article ("Ruritania Liberation Front claimed
        # responsibility": a speaker, and the group that claimed) is that group: one key, one entity
        for key, (ps, pe) in sorted(self.people.items(), key=lambda kv: kv[1]):
            if key in self.groups:
                continue
            rule, conf = _rule("person.new-speaker", lex)
            person_records.append(
                LocalPerson(
                    id=key,
                    label=Labels(**{lang: text[ps:pe]}),
                    evidence=cite(ps, pe),
                    rule=rule,
                    confidence=conf,
                )
            )
        group_records = []
        # a group of the article the draft gives no part (no role, no victim of a figure, no claim) is left out
        used = {r.actor for ev in event_records for r in ev.roles}
        used |= {f.victim for f in figure_records if f.victim} | {c.speaker for c in claim_records}
        for key, (group_type, h) in sorted(self.groups.items(), key=lambda kv: kv[1][1].start):
            if key not in used:
                continue
            rule, conf = _rule("group.lexicon", lex)
            group_records.append(
                LocalGroup(
                    id=key,
                    type=group_type,  # type: ignore[arg-type]
                    label=Labels(**{lang: self.group_labels.get(key, text[h.start : h.end].lower())}),
                    evidence=cite(h.start, h.end),
                    rule=rule,
                    confidence=conf,
                )
            )
        place_records = []
        for key, (h, within) in sorted(self.places.items(), key=lambda kv: kv[1][0].start):
            rule, conf = _rule("place.facility", lex)
            facility_type, collective = h.value.split("|")
            words = text[h.start : h.end]
            where_label = self.idx.place_labels.get(within, {}).get(lang, within)
            place_records.append(
                LocalPlace(
                    id=key,
                    type="facility",
                    facility_type=facility_type,  # type: ignore[arg-type]
                    collective=collective == "1",
                    within=within,
                    label=Labels(**{lang: f"{words} ({where_label})"}),
                    evidence=cite(h.start, h.end),
                    rule=rule,
                    confidence=conf,
                )
            )
        meta = DocumentMeta(
            status="draft",
            id=self.opts.document_id,
            title=self.opts.title,
            language=lang,
            text=self.opts.text_name,
            publisher=self.opts.publisher,
            published=self.opts.dateline.isoformat(),
            curated=self.opts.dateline.isoformat(),
        )
        return Annotation(
            document=meta,
            people=person_records,
            groups=group_records,
            places=place_records,
            venues=venues,
            events=event_records,
            figures=figure_records,
            claims=claim_records,
        )


def extract(text: str, registry: Registry, opts: DraftOptions) -> Annotation:
    """Draft the annotation of `text` (pure)."""
    if opts.lang not in LANGUAGES:
        raise ExtractError(f"unknown language {opts.lang!r}", hint="use id, en or auto")
    if not is_key(opts.document_id):
        raise ExtractError(f"{opts.document_id!r} is not a kg key", hint="name the file with letters and digits")
    return _Draft(text, registry, opts).annotation()
