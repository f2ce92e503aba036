"""Typed records for the registry and article annotations; loading them with line numbers and checks.

An article is its verbatim text plus a curated YAML annotation. Loading checks, in order: the YAML
syntax, the shape of every record (pydantic, unknown fields refused), dates against their
precision, references between records, and that every evidence quote occurs verbatim in the
article text (its character offsets are computed here). Every failure is an `AnnotationError`
naming the file, the line and the field.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, field_validator, model_validator

from kg.errors import AnnotationError, AnnotationErrors
from kg.iris import is_key
from kg.suggest import did_you_mean

if TYPE_CHECKING:  # ruamel (~15 ms to import) reads only what libyaml cannot: see read_yaml_fast
    from ruamel.yaml import YAML
    from ruamel.yaml.constructor import RoundTripConstructor

# ----------------------------------------------------------------------------------------------
# Closed vocabularies (each value is a concept of ontology/vocab.ttl)
# ----------------------------------------------------------------------------------------------

EventType = Literal[
    "meeting",
    "summit",
    "unrest",
    "riot",
    "protest",
    "armed-attack",
    "armed-clash",
    "looting",
    "seizure",
    "blockade",
    "commemoration",
    "day-of-mourning",
    "deployment",
]
#: How precisely a date is known: `days` is a span of 2-6 days from the date (UCDP date_prec 2), `week`
#: the week starting on the date (UCDP 3, ACLED 2); see the kgp: scheme in ontology/vocab.ttl
Precision = Literal["day", "days", "week", "month", "year", "start-of-year"]
#: How precisely a report places an event (UCDP where_prec 1-7, ACLED geo_precision 1-3); the kgg: scheme
GeoPrecision = Literal["exact", "near", "admin2", "admin1", "area", "country", "international"]
Qualifier = Literal["exact", "about", "more-than", "at-least", "fewer-than", "unknown"]
#: A figure's standing as its source gives it: withdrawn when the source itself retracted it. Whether a
#: later figure superseded it is not the source's word but another figure's `supersedes`.
FigureStatus = Literal["current", "withdrawn"]
CountKind = Literal[
    "killed",
    "injured",
    "arrested",
    "beheaded",
    "businesses-affected",
    "premises-looted",
    "vehicles-destroyed",
    "weapons-shops-seized",
    "regions-affected",
    "nights",
    "numerical-superiority",
    "participants",
    "casualties",
    "displaced",
    "houses-destroyed",
]
#: ACLED's 25 sub-event types (codebook names, lower-cased, non-alphanumerics as hyphens); concepts acled:<value>
AcledSubEventType = Literal[
    "armed-clash",
    "government-regains-territory",
    "non-state-actor-overtakes-territory",
    "chemical-weapon",
    "air-drone-strike",
    "suicide-bomb",
    "shelling-artillery-missile-attack",
    "remote-explosive-landmine-ied",
    "grenade",
    "peaceful-protest",
    "protest-with-intervention",
    "excessive-force-against-protesters",
    "violent-demonstration",
    "mob-violence",
    "agreement",
    "arrests",
    "change-to-group-activity",
    "disrupted-weapons-use",
    "headquarters-or-base-established",
    "looting-property-destruction",
    "non-violent-transfer-of-territory",
    "other",
    "sexual-violence",
    "attack",
    "abduction-forced-disappearance",
]
Role = Literal["chair", "attendee", "speaker", "target", "perpetrator", "participant"]
PlaceType = Literal["country", "region", "city", "facility"]
GroupType = Literal["group", "armed-group", "unnamed-group", "security-forces", "civilians"]
FacilityType = Literal[
    "government-building",
    "law-enforcement",
    "detention-centre",
    "strategic-facility",
    "bank",
    "broadcast",
    "airport",
    "transport-route",
    "military",
    "hospital",
    "shop",
    "emergency-service",
]
Language = Literal["id", "en"]

Key = Annotated[str, Field(min_length=1, description="A kg key: lowercase letters and digits joined by hyphens.")]


def _refuse_bool(value: object) -> object:
    """YAML reads `true`/`yes` as booleans, which pydantic would take for 1: a number must be written as one."""
    if isinstance(value, bool):
        raise ValueError("a yes/no value is not a number; write the number")
    return value


#: An absolute http(s) IRI without the characters RFC 3987 forbids (it is written into the graph as an IRI)
HttpIri = Annotated[str, Field(pattern=r"^https?://[^\s<>\"{}|\\^`]+$", description="An absolute http(s) IRI.")]
Int = Annotated[int, BeforeValidator(_refuse_bool)]
Float = Annotated[float, BeforeValidator(_refuse_bool)]


class _Record(BaseModel):
    # defer_build: a schema is built when its model first validates, so `kg validate` builds the registry's and the
    # annotation's only (the other models are inside them), not all 25 at import (~14% of its instructions)
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=False, defer_build=True)


class Labels(_Record):
    """A name in English and/or Indonesian; the document's own language is required where it is a document's."""

    en: str | None = Field(default=None, min_length=1, description="English label.")
    id: str | None = Field(default=None, min_length=1, description="Indonesian label.")

    @model_validator(mode="after")
    def _one_language(self) -> Labels:
        if self.en is None and self.id is None:
            raise ValueError("give the label in at least one language (en or id)")
        return self

    def get(self, lang: str) -> str:
        """The label in `lang`, else in the other language."""
        first, second = (self.id, self.en) if lang == "id" else (self.en, self.id)
        return first or second or ""

    def items(self) -> Iterator[tuple[str, str]]:
        """(language, label) for each language given, English first."""
        for lang, text in (("en", self.en), ("id", self.id)):
            if text is not None:
                yield lang, text


class QuoteRef(_Record):
    """An evidence quote that occurs more than once in the article: which occurrence is meant."""

    quote: str = Field(min_length=1, description="Exact text of the article, copied verbatim.")
    occurrence: Int = Field(default=1, ge=1, description="1-based occurrence of the quote in the article.")


Quote = str | QuoteRef


def _check_key(value: str) -> str:
    if not is_key(value):
        raise ValueError(f"{value!r} is not a kg key; use lowercase ASCII letters and digits joined by single hyphens")
    return value


class _Drafted(_Record):
    """The optional fields of a fact that `kg extract` drafted: the rule that proposed it and how sure it is."""

    rule: str | None = Field(
        default=None, min_length=1, description="Id of the `kg extract` rule that proposed the fact (drafts only)."
    )
    confidence: Float | None = Field(
        default=None, ge=0, le=1, description="The extractor's confidence in the fact, 0 to 1 (drafts only)."
    )


class _Keyed(_Record):
    id: Key = Field(description="Key of the record, unique in the registry and the article.")

    _id = field_validator("id")(_check_key)


# ----------------------------------------------------------------------------------------------
# Registry: shared entities, defined once for all articles
# ----------------------------------------------------------------------------------------------


class ExternalIds(_Record):
    """Identifiers in other datasets, with where they came from (a wrong link is worse than none)."""

    geonames: Int | None = Field(default=None, ge=1, description="GeoNames ID.")
    wikidata: str | None = Field(default=None, pattern=r"^Q[1-9][0-9]*$", description="Wikidata QID, only if verified.")
    source: str = Field(min_length=1, description="Where the IDs came from and how they were checked.")


class Tenure(_Record):
    """A person's tenure of a position."""

    position: Key = Field(description="Key of a registry position.")
    start: str = Field(description="ISO date the tenure began.")
    end: str | None = Field(default=None, description="ISO date the tenure ended, if it has.")


class RegistryPerson(_Keyed):
    """A named person."""

    label: Labels
    nationality: Key | None = Field(default=None, description="Key of the person's state.")
    positions: list[Tenure] = Field(default_factory=list)
    ids: ExternalIds | None = None


class RegistryState(_Keyed):
    """A sovereign state as an actor."""

    label: Labels
    territory: Key = Field(description="Key of the country (place) that is the state's territory.")
    member_of: list[Key] = Field(default_factory=list, description="Keys of organisations.")
    ids: ExternalIds | None = None


class RegistryOrganisation(_Keyed):
    """A named organisation."""

    label: Labels
    member_of: list[Key] = Field(default_factory=list)
    ids: ExternalIds | None = None


class RegistryGroup(_Keyed):
    """A collective actor shared by several articles."""

    type: GroupType
    label: Labels


class RegistryPlace(_Keyed):
    """A place with its containing place and coordinates."""

    type: PlaceType
    label: Labels
    within: Key | None = Field(default=None, description="Key of the place that contains this one.")
    latitude: Float | None = Field(default=None, ge=-90, le=90)
    longitude: Float | None = Field(default=None, ge=-180, le=180)
    ids: ExternalIds | None = None


class RegistryPosition(_Keyed):
    """An office, such as President of Kazakhstan."""

    label: Labels
    of: Key = Field(description="Key of the state or organisation whose office it is.")


class RegistryEvent(_Keyed):
    """A real-world event that several sources report, declared once; annotations point at it with `event:`."""

    type: EventType
    label: Labels
    description: Labels | None = None
    sub_event_of: Key | None = Field(default=None, description="Key of a registry event this one is part of.")


class Registry(_Record):
    """The file `data/registry.yaml`."""

    people: list[RegistryPerson] = Field(default_factory=list)
    states: list[RegistryState] = Field(default_factory=list)
    organisations: list[RegistryOrganisation] = Field(default_factory=list)
    groups: list[RegistryGroup] = Field(default_factory=list)
    places: list[RegistryPlace] = Field(default_factory=list)
    positions: list[RegistryPosition] = Field(default_factory=list)
    events: list[RegistryEvent] = Field(default_factory=list, description="Events several sources report.")


# ----------------------------------------------------------------------------------------------
# Article annotation
# ----------------------------------------------------------------------------------------------


class DocumentMeta(_Record):
    """The article itself."""

    status: Literal["draft"] | None = Field(
        default=None,
        description="`draft` for an annotation that `kg extract` proposed and no curator has accepted yet; "
        'every fact mapped from it carries kgo:curationStatus "draft". Remove it when the draft is curated.',
    )
    id: Key = Field(description="Key of the article; also its folder name.")
    title: str = Field(min_length=1)
    language: Language = Field(description="Language of the article text (BCP 47).")
    text: str = Field(min_length=1, description="File name of the verbatim article text, next to the annotation.")
    publisher: Key = Field(description="Key of the organisation that published the article.")
    based_on: Key | None = Field(default=None, description="Key of the organisation whose release the article reports.")
    published: str = Field(description="ISO date of publication.")
    curated: str = Field(description="ISO date the annotation was last revised; dumps are dated from it.")
    url: HttpIri | None = Field(default=None, description="Where the document was published.")
    licence: HttpIri | None = Field(default=None, description="IRI of the licence the text is published under.")

    _id = field_validator("id")(_check_key)


class LocalGroup(_Keyed, _Drafted):
    """A collective actor that only this article mentions."""

    type: GroupType
    label: Labels
    evidence: Quote
    according_to: list[Key] = Field(default_factory=list, description="Claims the group's description rests on.")


class LocalPerson(_Keyed, _Drafted):
    """A named person that only this article mentions (a spokesman the registry does not know); `kg extract`
    drafts one for a name it cannot resolve. Move a person several articles name to the registry."""

    label: Labels
    evidence: Quote


class LocalPlace(_Keyed, _Drafted):
    """A place (often a class of facilities named collectively) that only this article mentions."""

    type: PlaceType
    label: Labels
    within: Key | None = None
    facility_type: FacilityType | None = None
    collective: bool = Field(default=False, description='True for a class of places named collectively ("banks").')
    evidence: Quote


class Venue(_Keyed, _Drafted):
    """A virtual venue, e.g. a video conference."""

    label: Labels
    evidence: Quote


class RoleRecord(_Drafted):
    """An actor's (or, for a target, a place's) role in an event."""

    role: Role
    actor: Key = Field(description="Key of the actor, or of a place for the role `target`.")
    as_: Key | None = Field(default=None, alias="as", description="Key of the position the person acted in.")
    evidence: Quote
    according_to: list[Key] = Field(default_factory=list)


#: `event:` of a report: a registry event key, or `<document-id>/<key>` of an event another document declares.
EventRef = Annotated[str, Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*(/[a-z0-9]+(-[a-z0-9]+)*)?$")]


class EventRecord(_Keyed, _Drafted):
    """The article's report of an event: what this source says of it (dates, place, roles, evidence)."""

    event: EventRef | None = Field(
        default=None,
        description="The event reported: a registry event key, or `<document-id>/<key>` of an event another "
        "document declares. Omitted: this report declares a new event (then `type` and `label` are required).",
    )
    type: EventType | None = Field(default=None, description="The event type; required when declaring an event.")
    label: Labels | None = Field(default=None, description="The event's name; required when declaring an event.")
    description: Labels | None = None
    date: Annotated[str | int, BeforeValidator(_refuse_bool)] = Field(
        description="ISO date, year-month or year, as precise as `precision` says."
    )
    precision: Precision
    end_date: str | None = Field(default=None, description="ISO date the event ended, if the source gives it.")
    location: Key = Field(description="Key of a place or venue.")
    geo_precision: GeoPrecision | None = Field(
        default=None,
        description="How precisely the source places the event; a report located at a country is `country`.",
    )
    acled: AcledSubEventType | None = Field(
        default=None, description="ACLED sub-event type of this report, where the event type does not decide it."
    )
    cameo: str | None = Field(
        default=None, pattern=r"^(0[1-9]|1[0-9]|20)[0-9]{0,2}$", description="CAMEO event code, e.g. '145'."
    )
    about: list[Key] = Field(default_factory=list)
    sub_event_of: Key | None = None
    preceded_by: list[Key] = Field(default_factory=list)
    pretext: Labels | None = None
    according_to: list[Key] = Field(default_factory=list, description="Claims the event rests on.")
    evidence: Quote
    roles: list[RoleRecord] = Field(default_factory=list)


class FigureRecord(_Keyed, _Drafted):
    """A number reported for an event, with the source's qualifier, its date and its standing."""

    event: Key = Field(description="Key of the report (an `events` entry of this annotation) the figure belongs to.")
    counts: CountKind
    value: Int | None = Field(
        default=None, ge=0, description="The number the source gives (its best estimate); omitted only when unknown."
    )
    qualifier: Qualifier
    low: Int | None = Field(default=None, ge=0, description="Low estimate, where the source gives a range.")
    high: Int | None = Field(default=None, ge=0, description="High estimate, where the source gives a range.")
    as_of: str | None = Field(
        default=None, description="ISO date the figure is as of; default: the document's publication date."
    )
    status: FigureStatus = Field(default="current", description="`withdrawn` when the source retracted it.")
    supersedes: list[Annotated[str, Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*/[a-z0-9]+(-[a-z0-9]+)*$")]] = Field(
        default_factory=list, description="Earlier figures this one replaces, as `<document-id>/<figure key>`."
    )
    group: Labels | None = Field(default=None, description="Who or what was counted, in the source's words.")
    victim: Key | None = Field(default=None, description="Key of the actor the counted people belonged to.")
    according_to: list[Key] = Field(default_factory=list)
    evidence: Quote


class ClaimRecord(_Keyed, _Drafted):
    """A statement attributed to a speaker."""

    speaker: Key
    made_at: Key | None = None
    about: list[Key] = Field(default_factory=list)
    text: Labels
    evidence: Quote


class Annotation(_Record):
    """One file `data/articles/<id>/annotation.yaml`."""

    document: DocumentMeta
    people: list[LocalPerson] = Field(default_factory=list, description="People only this article names.")
    groups: list[LocalGroup] = Field(default_factory=list)
    places: list[LocalPlace] = Field(default_factory=list)
    venues: list[Venue] = Field(default_factory=list)
    events: list[EventRecord] = Field(default_factory=list)
    figures: list[FigureRecord] = Field(default_factory=list)
    claims: list[ClaimRecord] = Field(default_factory=list)


# ----------------------------------------------------------------------------------------------
# Loaded, checked results
# ----------------------------------------------------------------------------------------------

Path_ = tuple[str | int, ...]


@dataclass(frozen=True)
class Span:
    """Where an evidence quote sits in the article: code-point offsets [start, end)."""

    start: int
    end: int
    exact: str
    prefix: str
    suffix: str


@dataclass(frozen=True)
class DateValue:
    """An event date: the first day of the period, and how precisely the source knows it."""

    start: dt.date
    precision: Precision


@dataclass(frozen=True)
class LoadedRegistry:
    """The registry with the line of every record, for error messages."""

    registry: Registry
    file: Path
    lines: Mapping[Path_, int]

    def line_of(self, *path: str | int) -> int | None:
        """Return the line of the record at `path`, or of its nearest ancestor."""
        return _line_of(self.lines, path)


@dataclass(frozen=True)
class Article:
    """A checked article: its annotation, its text and the offsets of every quote."""

    annotation: Annotation
    file: Path
    text_file: Path
    text: str
    lines: Mapping[Path_, int]
    spans: Mapping[tuple[str, int], Span] = field(default_factory=dict)

    @property
    def key(self) -> str:
        """The article's key."""
        return self.annotation.document.id

    def line_of(self, *path: str | int) -> int | None:
        """Return the line of the record at `path`, or of its nearest ancestor."""
        return _line_of(self.lines, path)

    def span(self, quote: Quote) -> Span:
        """Return the offsets of an evidence quote (checked at load time)."""
        q = _quote_key(quote)
        return self.spans[q]


@dataclass(frozen=True)
class Corpus:
    """Everything a build maps: the registry and the articles, all checked."""

    registry: LoadedRegistry
    articles: tuple[Article, ...]


def _line_of(lines: Mapping[Path_, int], path: Sequence[str | int]) -> int | None:
    for n in range(len(path), -1, -1):
        line = lines.get(tuple(path[:n]))
        if line is not None:
            return line
    return None


def _quote_key(quote: Quote) -> tuple[str, int]:
    return (quote, 1) if isinstance(quote, str) else (quote.quote, quote.occurrence)


# ----------------------------------------------------------------------------------------------
# YAML with line numbers
# ----------------------------------------------------------------------------------------------


@cache
def _constructor() -> type[RoundTripConstructor]:
    from ruamel.yaml.constructor import RoundTripConstructor

    class _Constructor(RoundTripConstructor):
        """Keep timestamps as the strings the curator wrote, so kg checks dates itself."""

    _Constructor.add_constructor("tag:yaml.org,2002:timestamp", RoundTripConstructor.construct_yaml_str)
    return _Constructor


def _yaml() -> YAML:
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.Constructor = _constructor()
    yaml.allow_duplicate_keys = False
    return yaml


#: Bounds on every YAML input (annotations, registry), each refused with one line naming the file:
#: its size in bytes, how deep values nest, and how many values aliases (`*name`) may add by
#: repeating an anchored value (a few hundred bytes of nested aliases expand to billions).
MAX_YAML_BYTES = 32 * 1024 * 1024
MAX_YAML_DEPTH = 64
MAX_ALIAS_VALUES = 10_000
#: The largest article text kg reads, in bytes.
MAX_TEXT_BYTES = 16 * 1024 * 1024


class _Expansion:
    """Counts values as `_plain` visits them, to stop at nesting or alias expansion beyond the bounds."""

    def __init__(self, file: Path) -> None:
        self.file = file
        self.seen: set[int] = set()
        self.repeated = 0

    def visit(self, node: Any, path: Path_, line: int | None) -> None:
        if len(path) > MAX_YAML_DEPTH:
            raise AnnotationError(
                f"values nest deeper than {MAX_YAML_DEPTH} levels",
                file=self.file,
                line=line,
                hint="an annotation needs a few levels; look for a runaway bracket or a recursive alias",
            )
        if id(node) in self.seen:
            self.repeated += 1
            if self.repeated > MAX_ALIAS_VALUES:
                raise AnnotationError(
                    f"YAML aliases repeat more than {MAX_ALIAS_VALUES} values",
                    file=self.file,
                    line=line,
                    hint="write the values out instead of nesting aliases (*name)",
                )
        else:
            self.seen.add(id(node))


_CORE_TAGS = {f"tag:yaml.org,2002:{t}" for t in ("str", "int", "float", "bool", "null", "seq", "map")}


def _plain(node: Any, path: Path_, lines: dict[Path_, int], bound: _Expansion) -> Any:
    """Convert ruamel's round-trip nodes to plain data, recording the 1-based line of every path.

    Only plain data passes: tags other than YAML's core ones (`!!python/object…`, `!custom`) and
    binary values are refused, naming the line.
    """
    from ruamel.yaml.comments import CommentedMap, CommentedSeq, TaggedScalar

    line = _line_of(lines, path)

    def refuse(what: str) -> AnnotationError:
        return AnnotationError(
            f"{what} is not allowed",
            file=bound.file,
            line=line,
            field=".".join(map(str, path)) or None,
            hint="kg reads plain strings, numbers, lists and mappings",
        )

    tag = getattr(getattr(node, "tag", None), "value", None)
    if tag is not None and tag not in _CORE_TAGS:
        raise refuse(f"the YAML tag {tag.replace('tag:yaml.org,2002:', '!!')}")
    if isinstance(node, CommentedMap):
        line = node.lc.line + 1 if node.lc.line is not None else line
        bound.visit(node, path, line)
        lines.setdefault(path, line or 1)
        out: dict[str, Any] = {}
        for k, v in node.items():
            key_pos = node.lc.key(k)
            lines[(*path, str(k))] = key_pos[0] + 1 if key_pos else (line or 1)
            out[str(k)] = _plain(v, (*path, str(k)), lines, bound)
        return out
    if isinstance(node, CommentedSeq):
        line = node.lc.line + 1 if node.lc.line is not None else line
        bound.visit(node, path, line)
        lines.setdefault(path, line or 1)
        items = []
        for i, v in enumerate(node):
            item_pos = node.lc.item(i)
            lines[(*path, i)] = item_pos[0] + 1 if item_pos else (line or 1)
            items.append(_plain(v, (*path, i), lines, bound))
        return items
    if isinstance(node, TaggedScalar):  # a core tag such as !!str 5
        return str(node.value)
    if isinstance(node, str):
        return str(node)
    if node is None or isinstance(node, (bool, int, float)):
        return node
    raise refuse(f"a {type(node).__name__} value")


def _read_bounded(file: Path, limit: int, what: str) -> bytes:
    """The bytes of `file`, refusing a missing, unreadable or oversized file with one line."""
    try:
        with file.open("rb") as f:
            raw = f.read(limit + 1)
    except FileNotFoundError:
        raise AnnotationError("file not found", file=file, hint="check the path, or create the file") from None
    except OSError as exc:
        raise AnnotationError(f"cannot read file ({exc.strerror})", file=file) from None
    if len(raw) > limit:
        raise AnnotationError(
            f"{what} is larger than {limit // (1024 * 1024)} MiB", file=file, hint="split it, or check the file"
        )
    return raw


def decode_utf8(raw: bytes, file: Path) -> str:
    """Decode UTF-8, naming the first bad byte and how to convert the file."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise AnnotationError(
            f"not valid UTF-8: byte {exc.start} (0x{raw[exc.start]:02x}) on line {line} ({exc.reason})",
            file=file,
            line=line,
            hint=f"convert the file to UTF-8, e.g. iconv -f WINDOWS-1252 -t UTF-8 {file.name} > {file.name}.utf8",
        ) from None


def read_yaml(file: Path) -> tuple[Any, dict[Path_, int]]:
    """Parse a YAML file into plain data and a map from field paths to line numbers."""
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    raw = decode_utf8(_read_bounded(file, MAX_YAML_BYTES, "the YAML file"), file)
    try:
        data = _yaml().load(raw)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = " ".join(str(p) for p in (exc.context, exc.problem) if p)
        raise AnnotationError(
            f"malformed YAML: {problem or exc}", file=file, line=line, hint="fix the YAML syntax at that line"
        ) from None
    except (YAMLError, ValueError) as exc:
        raise AnnotationError(f"malformed YAML: {exc}", file=file) from None
    except RecursionError:
        raise AnnotationError(
            f"values nest deeper than {MAX_YAML_DEPTH} levels", file=file, hint="look for a runaway bracket"
        ) from None
    lines: dict[Path_, int] = {}
    return _plain(data, (), lines, _Expansion(file)), lines


# -- YAML through libyaml ---------------------------------------------------------------------
# ruamel's round-trip loader (pure Python) is most of the time of a cold build. `read_yaml_fast`
# parses the same files with libyaml's C parser and returns exactly what `read_yaml`
# returns (data and line numbers, YAML 1.2 scalars, timestamps kept as strings) for the plain
# subset annotations use; anything else (tags, anchors, aliases, duplicate keys, scalars whose
# YAML 1.2 type is not obvious, syntax errors) goes to ruamel, which also words the errors. The
# loaders take it as their `read` parameter.
# tests/test_incremental.py checks the equality on the seed and generated corpora.

_YAML_INT = re.compile(r"[-+]?[0-9]+")
_YAML_FLOAT = re.compile(r"[-+]?[0-9]+\.[0-9]*")
_YAML_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_YAML_MONTH = re.compile(r"[0-9]{4}-[0-9]{2}")
_YAML_WORDS: dict[str, object] = {
    **dict.fromkeys(("~", "null", "Null", "NULL", ""), None),
    **dict.fromkeys(("true", "True", "TRUE"), True),
    **dict.fromkeys(("false", "False", "FALSE"), False),
}


class _NotPlain(Exception):
    """The file needs ruamel."""


def _plain_scalar(value: str) -> object:
    if value in _YAML_WORDS:
        return _YAML_WORDS[value]
    first = value[0]
    if first.isalpha() and not value.startswith((".", "0x", "0o")):
        return value
    if _YAML_INT.fullmatch(value):
        return int(value)
    if _YAML_FLOAT.fullmatch(value):
        return float(value)
    if _YAML_DATE.fullmatch(value) or _YAML_MONTH.fullmatch(value) or " " in value:
        # YAML 1.2 has no month type, and no type but a timestamp (kept as written) has a space:
        # ruamel reads `2022-01` and `2022 Kazakh unrest` as these strings too
        return value
    raise _NotPlain(value)


def _yaml_node(events: Iterator[Any], event: Any, path: tuple[str | int, ...], lines: dict[Any, int]) -> object:
    import yaml

    if len(path) > MAX_YAML_DEPTH:
        raise _NotPlain("deep")  # ruamel's reader words the error
    if getattr(event, "anchor", None) is not None or isinstance(event, yaml.AliasEvent):
        raise _NotPlain("anchor")
    if isinstance(event, yaml.ScalarEvent):
        if event.tag is not None and not any(event.implicit):
            raise _NotPlain("tag")
        return _plain_scalar(event.value) if not event.style else event.value
    if event.tag is not None and not event.implicit:
        raise _NotPlain("tag")
    lines.setdefault(path, event.start_mark.line + 1)
    if isinstance(event, yaml.MappingStartEvent):
        out: dict[str, object] = {}
        for key_event in events:
            if isinstance(key_event, yaml.MappingEndEvent):
                return out
            key = _yaml_node(events, key_event, (), {})
            if not isinstance(key, str) or key in out:
                raise _NotPlain("key")
            lines[(*path, key)] = key_event.start_mark.line + 1
            out[key] = _yaml_node(events, next(events), (*path, key), lines)
        raise _NotPlain("unterminated mapping")
    if isinstance(event, yaml.SequenceStartEvent):
        items: list[object] = []
        for item_event in events:
            if isinstance(item_event, yaml.SequenceEndEvent):
                return items
            i = len(items)
            lines[(*path, i)] = item_event.start_mark.line + 1
            items.append(_yaml_node(events, item_event, (*path, i), lines))
        raise _NotPlain("unterminated sequence")
    raise _NotPlain(type(event).__name__)


def read_yaml_fast(file: Path) -> tuple[Any, dict[Any, int]]:
    """`read_yaml`, through libyaml when the file allows it (same result)."""

    try:
        import yaml

        if file.stat().st_size > MAX_YAML_BYTES:
            raise _NotPlain("large")
        raw = file.read_text(encoding="utf-8")
        events = iter(yaml.parse(raw, Loader=yaml.CSafeLoader))
        if not isinstance(next(events), yaml.StreamStartEvent) or not isinstance(next(events), yaml.DocumentStartEvent):
            raise _NotPlain("document")
        lines: dict[Any, int] = {}
        data = _yaml_node(events, next(events), (), lines)
        if not isinstance(next(events), yaml.DocumentEndEvent) or not isinstance(next(events), yaml.StreamEndEvent):
            raise _NotPlain("several documents")
        return data, lines
    except (ImportError, AttributeError, OSError, UnicodeError, StopIteration, _NotPlain, ValueError):
        return _ruamel(file)
    except Exception as exc:  # libyaml's errors (yaml.YAMLError) and anything odd: ruamel decides and words it
        if type(exc).__module__.startswith("yaml"):
            return _ruamel(file)
        raise


def _ruamel(file: Path) -> tuple[Any, dict[Any, int]]:
    data, lines = read_yaml(file)
    return data, dict(lines)


def _all_field_names() -> set[str]:
    names: set[str] = set()
    for model in (Registry, Annotation):
        stack: list[type[BaseModel]] = [model]
        seen: set[type[BaseModel]] = set()
        while stack:
            m = stack.pop()
            if m in seen:
                continue
            seen.add(m)
            for name, f in m.model_fields.items():
                names.add(f.alias or name)
                names.add(name)
                for sub in _submodels(f.annotation):
                    stack.append(sub)
    return names


def _submodels(tp: Any) -> Iterator[type[BaseModel]]:
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        yield tp
    for arg in getattr(tp, "__args__", ()) or ():
        yield from _submodels(arg)


_FIELD_NAMES = _all_field_names()


# ----------------------------------------------------------------------------------------------
# Gathering every error of a file
# ----------------------------------------------------------------------------------------------

#: most errors kept for one file (the CLI shows fewer, with a count of the rest)
MAX_FILE_ERRORS = 1000


_M = TypeVar("_M", bound=BaseModel)


class _Errors:
    """The errors of one file, gathered so that a curator sees them all in one run.

    A value that fails the schema is reported and then left out (an unknown key, an optional field),
    or the list item that holds it is (a role, a figure), so that the other checks still run on the
    rest; what only follows from a value left out is not reported again.
    """

    def __init__(self, file: Path, lines: Mapping[Path_, int]) -> None:
        self.file = file
        self.lines = lines
        self.found: list[AnnotationError] = []
        self.dropped: dict[Path_, set[int]] = {}  # list path → indices (in the file) of the items left out
        self.broken: list[Path_] = []  # paths (in the file) of values left out
        self.dropped_ids: dict[str, str] = {}  # key of a record left out → its section

    def original(self, path: Sequence[str | int]) -> Path_:
        """The path in the file of a path into the data that is left after items were left out."""
        out: list[str | int] = []
        for part in path:
            if isinstance(part, int):
                for gone in sorted(self.dropped.get(tuple(out), ())):
                    if gone <= part:
                        part += 1
            out.append(part)
        return tuple(out)

    def add(
        self,
        message: str,
        path: Sequence[str | int],
        hint: str | None = None,
        *,
        file: Path | None = None,
        line: int | None = None,
    ) -> None:
        """Record an error about the value at `path` (of the data left), unless it follows from one left out."""
        where = self.original(path)
        if where and any(where[: len(b)] == b or b[: len(where)] == where for b in self.broken):
            return
        if len(self.found) < MAX_FILE_ERRORS:
            self.found.append(
                AnnotationError(
                    message,
                    file=file or self.file,
                    line=line if line is not None else _line_of(self.lines, where),
                    field=".".join(map(str, where)) or None,
                    hint=hint,
                )
            )

    def check(self) -> None:
        """Raise what was found: one error as itself, several as one AnnotationErrors, sorted by line."""
        unique = list({e.render(): e for e in self.found}.values())
        unique.sort(key=lambda e: (e.file != str(self.file), e.file or "", e.line or 0))
        if len(unique) == 1:
            raise unique[0]
        if unique:
            raise AnnotationErrors(unique)


def _model_at(model: type[BaseModel], path: Sequence[str | int]) -> type[BaseModel] | None:
    """The record type of the value at `path` under `model` (list indices are skipped)."""
    current: type[BaseModel] | None = model
    for part in path:
        if isinstance(part, int) or current is None:
            continue
        fields = {f.alias or name: f for name, f in current.model_fields.items()}
        f = fields.get(part)
        current = next(_submodels(f.annotation), None) if f is not None else None
    return current


def _field_names(model: type[BaseModel] | None) -> list[str]:
    return [] if model is None else [f.alias or name for name, f in model.model_fields.items()]


def _schema_errors(exc: ValidationError, lines: Mapping[Path_, int]) -> list[tuple[Path_, Any]]:
    """One (path into the data, pydantic error) per value at fault, in pydantic's order."""
    # For a union (a quote is a string or a {quote, occurrence} mapping) pydantic reports one error
    # per member; the one with the longest location is about what the curator actually wrote.
    best: dict[Path_, tuple[int, Path_, Any]] = {}
    for n, err in enumerate(exc.errors()):
        loc: Path_ = ()
        value: Path_ | None = None  # the value a union member's tag belongs to
        for p in err["loc"]:  # drop pydantic's union-member tags, keep the path into the data
            if isinstance(p, int) or (*loc, p) in lines or p in _FIELD_NAMES:
                loc = (*loc, p)
            elif value is None:
                value = loc
        key = value if value is not None else loc
        seen = best.get(key)
        if seen is None or len(err["loc"]) > len(seen[2]["loc"]):
            best[key] = (seen[0] if seen else n, loc, err)
    return [(loc, err) for _, loc, err in sorted(best.values(), key=lambda t: t[0])]


def _describe(err: Any, model: type[BaseModel], loc: Path_) -> tuple[str, str | None]:
    """Message and hint for a pydantic error, with the known names closest to a misspelt one."""
    message: str = err["msg"]
    if err["type"] == "extra_forbidden":
        close = did_you_mean(str(loc[-1]), _field_names(_model_at(model, loc[:-1]))) if loc else None
        hint = "remove it or check its spelling against the README's annotation format"
        return "unknown field", f"{close} (or remove it)" if close else hint
    if err["type"] == "missing":
        return "required field is missing", "add it"
    given = err.get("input")
    if err["type"] == "literal_error" and isinstance(given, str):
        close = did_you_mean(given, re.findall(r"'([^']*)'", str(err.get("ctx", {}).get("expected", ""))))
        if close:
            return message, f"got {given!r}; {close}"
    return message, f"got {given!r}" if not isinstance(given, dict | list) else None


def _get(data: Any, path: Path_) -> Any:
    for part in path:
        data = data[part]
    return data


def _validate_all(model: type[_M], data: dict[str, Any], errors: _Errors) -> _M | None:
    """Validate `data`, recording every schema error; return the record of what is left, or None when
    an error leaves nothing to check further (a required field outside any list)."""
    data = copy.deepcopy(data)
    for _ in range(4):  # leaving a value out may uncover one error more (a required field it held)
        try:
            return model.model_validate(data)
        except ValidationError as exc:
            found = _schema_errors(exc, errors.lines)
        drops: list[tuple[Path_, Path_, bool, bool]] = []  # (path, path in the file, list item, value at fault)
        fatal = False
        for loc, err in found:
            message, hint = _describe(err, model, loc)
            errors.add(message, loc or ("(top level)",), hint)
            parent = _model_at(model, loc[:-1]) if loc else None
            fields = {f.alias or name: f for name, f in parent.model_fields.items()} if parent else {}
            f = fields.get(loc[-1]) if loc and isinstance(loc[-1], str) else None
            if loc and err["type"] == "extra_forbidden":
                drops.append((loc, errors.original(loc), False, False))
            elif loc and f is not None and not f.is_required():
                drops.append((loc, errors.original(loc), False, True))
            elif any(isinstance(p, int) for p in loc):
                k = max(i for i, p in enumerate(loc) if isinstance(p, int))
                drops.append((loc[: k + 1], errors.original(loc[: k + 1]), True, True))
            else:
                fatal = True
        if fatal:
            return None
        # deepest and last first, so that leaving one out does not move the others
        for loc, where, item, at_fault in sorted(drops, key=lambda d: [(isinstance(p, int), p) for p in d[0]])[::-1]:
            try:
                container = _get(data, loc[:-1])
                record = container[loc[-1]]
                del container[loc[-1]]
            except (KeyError, IndexError, TypeError):
                continue  # already left out with the item that held it
            if at_fault:
                errors.broken.append(where)
            if item:
                errors.dropped.setdefault(where[:-1], set()).add(int(where[-1]))
                if isinstance(record, dict) and isinstance(record.get("id"), str) and len(loc) >= 2:
                    errors.dropped_ids[record["id"]] = str(loc[-2])
    return None


# ----------------------------------------------------------------------------------------------
# Dates
# ----------------------------------------------------------------------------------------------

_DATE_FORMS: dict[Precision, re.Pattern[str]] = {
    "day": re.compile(r"^(\d{4})-(\d{2})-(\d{2})$"),
    "days": re.compile(r"^(\d{4})-(\d{2})-(\d{2})$"),
    "week": re.compile(r"^(\d{4})-(\d{2})-(\d{2})$"),
    "month": re.compile(r"^(\d{4})-(\d{2})$"),
    "year": re.compile(r"^(\d{4})$"),
    "start-of-year": re.compile(r"^(\d{4})$"),
}
_DATE_EXAMPLES: dict[Precision, str] = {
    "day": "2022-01-10",
    "days": "2022-01-05",
    "week": "2022-01-03",
    "month": "2022-01",
    "year": "2022",
    "start-of-year": "2022",
}


def parse_date(value: str | int, precision: Precision) -> DateValue:
    """Parse a date written at `precision` into the first day of its period; raise ValueError if impossible."""
    text = str(value).strip()
    form = _DATE_FORMS.get(precision)
    if form is None:
        raise ValueError(f"unknown precision {precision!r}; expected one of {', '.join(_DATE_FORMS)}")
    m = form.match(text)
    if m is None:
        raise ValueError(f"{text!r} is not a {precision} date; write it like {_DATE_EXAMPLES[precision]!r}")
    year, month, day = (int(g) for g in (*m.groups(), "1", "1")[:3])
    try:
        return DateValue(dt.date(year, month, day), precision)
    except ValueError as exc:
        raise ValueError(f"{text!r} is an impossible date ({exc})") from None


def parse_iso_day(value: str) -> dt.date:
    """Parse a full ISO date (YYYY-MM-DD); raise ValueError with a readable message."""
    return parse_date(value, "day").start


# ----------------------------------------------------------------------------------------------
# Loading
# ----------------------------------------------------------------------------------------------


#: reads a YAML file into (data, line of every key path); `read_yaml` is the reference reader
YamlReader = Callable[[Path], tuple[Any, Mapping[Any, int]]]


def load_registry(file: Path, read: YamlReader | None = None) -> LoadedRegistry:
    """Load and check `data/registry.yaml`."""
    data, lines = (read or read_yaml)(file)
    if not isinstance(data, dict):
        raise AnnotationError("the registry must be a mapping of sections (people, states …)", file=file, line=1)
    errors = _Errors(file, lines)
    registry = _validate_all(Registry, data, errors)
    if registry is None:
        errors.check()
        raise AssertionError("a failed validation records an error")
    loaded = LoadedRegistry(registry, file, lines)
    _check_registry(loaded, errors)
    errors.check()
    return loaded


def _registry_sections(reg: Registry) -> dict[str, Sequence[_Keyed]]:
    return {
        "people": reg.people,
        "states": reg.states,
        "organisations": reg.organisations,
        "groups": reg.groups,
        "places": reg.places,
        "positions": reg.positions,
        "events": reg.events,
    }


#: What an annotation calls a registry section in its messages (an annotation's own `events` are reports)
_REGISTRY_KIND_NAMES = {"events": "registry events"}


def _check_registry(loaded: LoadedRegistry, errors: _Errors) -> None:
    reg = loaded.registry
    entries = sorted(
        (errors.original((section, i, "id")), section, i, rec.id)
        for section, records in _registry_sections(reg).items()
        for i, rec in enumerate(records)
    )
    entries.sort(key=lambda e: _line_of(loaded.lines, e[0]) or 0)
    seen: dict[str, str] = {}
    for _, section, i, key in entries:  # in file order, so the later definition is reported
        if key in seen:
            errors.add(
                f"key {key!r} is defined twice (also in {seen[key]})",
                (section, i, "id"),
                "keys are unique across the whole registry; rename one",
            )
            continue
        seen[key] = section
    kinds = {**errors.dropped_ids, **seen}

    def need(key: str | None, allowed: set[str], path: tuple[str | int, ...]) -> None:
        if key is None or kinds.get(key) in allowed:
            return
        found = f"a {kinds[key]} entry" if key in kinds else "not defined"
        close = did_you_mean(key, [k for k, kind in kinds.items() if kind in allowed])
        errors.add(
            f"{key!r} is {found}; expected a key from {' or '.join(sorted(allowed))}",
            path,
            close or "define it in the registry or fix the reference",
        )

    for i, p in enumerate(reg.people):
        need(p.nationality, {"states"}, ("people", i, "nationality"))
        for j, t in enumerate(p.positions):
            need(t.position, {"positions"}, ("people", i, "positions", j, "position"))
            for attr in ("start", "end"):
                value = getattr(t, attr)
                if value is None:
                    continue
                try:
                    parse_iso_day(value)
                except ValueError as exc:
                    errors.add(str(exc), ("people", i, "positions", j, attr))
    for i, s in enumerate(reg.states):
        need(s.territory, {"places"}, ("states", i, "territory"))
        for j, m in enumerate(s.member_of):
            need(m, {"organisations"}, ("states", i, "member_of", j))
    for i, o in enumerate(reg.organisations):
        for j, m in enumerate(o.member_of):
            need(m, {"organisations"}, ("organisations", i, "member_of", j))
    for i, pl in enumerate(reg.places):
        need(pl.within, {"places"}, ("places", i, "within"))
    for i, pos in enumerate(reg.positions):
        need(pos.of, {"states", "organisations"}, ("positions", i, "of"))
    for i, ev in enumerate(reg.events):
        need(ev.sub_event_of, {"events"}, ("events", i, "sub_event_of"))
        if ev.sub_event_of == ev.id:
            errors.add("an event cannot be a sub-event of itself", ("events", i, "sub_event_of"))


def registry_kinds(reg: Registry) -> dict[str, str]:
    """Map every registry key to its section name."""
    return {
        rec.id: _REGISTRY_KIND_NAMES.get(section, section)
        for section, records in _registry_sections(reg).items()
        for rec in records
    }


def _find_spans(text: str, quote: str) -> list[int]:
    starts, i = [], text.find(quote)
    while i >= 0:
        starts.append(i)
        i = text.find(quote, i + 1)
    return starts


_CONTEXT = 32  # characters of prefix/suffix kept in a TextQuoteSelector (Web Annotation §4.2.4)


def locate_quote(text: str, quote: Quote) -> Span:
    """Find an evidence quote in the article text; raise ValueError saying why it cannot be used."""
    q, occurrence = _quote_key(quote)
    if q != q.strip() or not q.strip():
        raise ValueError(f"quote {q!r} has leading or trailing whitespace; quote the words only")
    starts = _find_spans(text, q)
    if not starts:
        raise ValueError(f"quote {q!r} does not occur verbatim in the article")
    if isinstance(quote, str) and len(starts) > 1:
        raise ValueError(
            f"quote {q!r} occurs {len(starts)} times in the article; write it as "
            f"{{quote: ..., occurrence: N}} or quote more words"
        )
    if occurrence > len(starts):
        raise ValueError(f"quote {q!r} occurs only {len(starts)} time(s), not {occurrence}")
    start = starts[occurrence - 1]
    end = start + len(q)
    return Span(start, end, q, text[max(0, start - _CONTEXT) : start], text[end : end + _CONTEXT])


def _quotes(ann: Annotation) -> Iterator[tuple[tuple[str | int, ...], Quote]]:
    for section in ("people", "groups", "places", "venues", "events", "figures", "claims"):
        for i, rec in enumerate(getattr(ann, section)):
            yield (section, i, "evidence"), rec.evidence
    for i, ev in enumerate(ann.events):
        for j, role in enumerate(ev.roles):
            yield ("events", i, "roles", j, "evidence"), role.evidence


def load_article(file: Path, registry: LoadedRegistry, read: YamlReader | None = None) -> Article:
    """Load an annotation and its article text; check records, dates, references and quotes.

    Every error of the file is reported at once: one as an AnnotationError, several as AnnotationErrors.
    """
    data, lines = (read or read_yaml)(file)
    if not isinstance(data, dict):
        raise AnnotationError("an annotation must be a mapping with a `document` section", file=file, line=1)
    errors = _Errors(file, lines)
    ann = _validate_all(Annotation, data, errors)
    if ann is None:
        errors.check()
        raise AssertionError("a failed validation records an error")
    text_file = file.parent / ann.document.text
    text = _read_text(text_file, errors)
    spans: dict[tuple[str, int], Span] = {}
    for path, quote in _quotes(ann) if text is not None else ():
        try:
            spans[_quote_key(quote)] = locate_quote(text or "", quote)
        except ValueError as exc:
            errors.add(str(exc), path, "copy the quote from the article text exactly")
    article = Article(ann, file, text_file, text or "", lines, spans)
    _check_article(article, registry, errors)
    errors.check()
    return article


def _read_text(text_file: Path, errors: _Errors) -> str | None:
    """The article text, or None (with the error recorded) when it is missing or unusable."""
    if not text_file.is_file():
        errors.add(
            f"article text {str(text_file)!r} not found",
            ("document", "text"),
            "put the verbatim article next to the annotation, or fix the file name",
        )
        return None
    try:
        text = decode_utf8(_read_bounded(text_file, MAX_TEXT_BYTES, "the article text"), text_file)
    except AnnotationError as exc:
        errors.found.append(exc)
        return None
    if text.startswith("\ufeff"):
        errors.add(
            "the article text starts with a byte-order mark (U+FEFF), which would shift every offset",
            (),
            "save it as UTF-8 without BOM, e.g. sed -i '1s/^\\xEF\\xBB\\xBF//' " + text_file.name,
            file=text_file,
            line=1,
        )
        return None
    return text


def _check_article(article: Article, registry: LoadedRegistry, errors: _Errors) -> None:
    ann = article.annotation
    reg_kinds = registry_kinds(registry.registry)
    fail = errors.add

    local: dict[str, str] = {}
    for section in ("people", "groups", "places", "venues", "events", "figures", "claims"):
        for i, rec in enumerate(getattr(ann, section)):
            if rec.id in reg_kinds or rec.id in local:
                other = reg_kinds.get(rec.id) or local[rec.id]
                fail(f"key {rec.id!r} is already used by {other}", (section, i, "id"), "rename it")
                continue
            local[rec.id] = section
    kinds = {**reg_kinds, **errors.dropped_ids, **local}

    def need(key: str | None, allowed: set[str], path: tuple[str | int, ...]) -> None:
        if key is None or kinds.get(key) in allowed:
            return
        found = f"a {kinds[key]} entry" if key in kinds else "not defined in this article or the registry"
        close = did_you_mean(key, [k for k, kind in kinds.items() if kind in allowed])
        fail(
            f"reference to unknown entity {key!r}: {found}; expected one of {', '.join(sorted(allowed))}",
            path,
            close or "define it (registry or this annotation) or fix the key",
        )

    actors = {"people", "states", "organisations", "groups"}
    places = {"places"}
    meta = ann.document
    need(meta.publisher, {"organisations"}, ("document", "publisher"))
    need(meta.based_on, {"organisations"}, ("document", "based_on"))
    for attr in ("published", "curated"):
        try:
            parse_iso_day(getattr(meta, attr))
        except ValueError as exc:
            fail(str(exc), ("document", attr))
    for i, g in enumerate(ann.groups):
        for j, c in enumerate(g.according_to):
            need(c, {"claims"}, ("groups", i, "according_to", j))
    for i, p in enumerate(ann.places):
        need(p.within, places, ("places", i, "within"))
        if (p.facility_type is not None) != (p.type == "facility"):
            fail("facility_type is set exactly when type is 'facility'", ("places", i, "facility_type"))
    events = {"events", "registry events"}
    for i, ev in enumerate(ann.events):
        if ev.event is None:
            for attr in ("type", "label"):
                if getattr(ev, attr) is None:
                    fail(
                        f"a report that declares its event needs `{attr}`",
                        ("events", i),
                        "give it, or point at a declared event with `event:`",
                    )
        elif "/" in ev.event:
            if ev.event.split("/", 1)[0] == meta.id:
                fail(f"{ev.event!r} names this document", ("events", i, "event"), "use the report's own key instead")
        else:
            need(ev.event, {"registry events"}, ("events", i, "event"))
        try:
            start: DateValue | None = parse_date(ev.date, ev.precision)
        except ValueError as exc:
            fail(str(exc), ("events", i, "date"), "fix the date or its precision")
            start = None
        if ev.end_date is not None:
            try:
                end = parse_iso_day(ev.end_date)
            except ValueError as exc:
                fail(str(exc), ("events", i, "end_date"))
            else:
                if start is not None and end < start.start:
                    fail(f"end_date {ev.end_date} is before the start {ev.date}", ("events", i, "end_date"))
        need(ev.location, {"places", "venues"}, ("events", i, "location"))
        need(ev.sub_event_of, events, ("events", i, "sub_event_of"))
        if ev.sub_event_of == ev.id:
            fail("an event cannot be a sub-event of itself", ("events", i, "sub_event_of"))
        for j, a in enumerate(ev.about):
            need(a, {*events, "places", *actors}, ("events", i, "about", j))
        for j, prev in enumerate(ev.preceded_by):
            need(prev, events, ("events", i, "preceded_by", j))
        for j, c in enumerate(ev.according_to):
            need(c, {"claims"}, ("events", i, "according_to", j))
        for j, role in enumerate(ev.roles):
            allowed = actors | places if role.role == "target" else actors
            need(role.actor, allowed, ("events", i, "roles", j, "actor"))
            need(role.as_, {"positions"}, ("events", i, "roles", j, "as"))
            for k, c in enumerate(role.according_to):
                need(c, {"claims"}, ("events", i, "roles", j, "according_to", k))
    local_figures = {f.id for f in ann.figures} | {k for k, kind in errors.dropped_ids.items() if kind == "figures"}
    for i, fig in enumerate(ann.figures):
        need(fig.event, {"events"}, ("figures", i, "event"))
        need(fig.victim, actors, ("figures", i, "victim"))
        for j, c in enumerate(fig.according_to):
            need(c, {"claims"}, ("figures", i, "according_to", j))
        if (fig.value is None) != (fig.qualifier == "unknown"):
            fail(
                "`value` is given exactly when the qualifier is not 'unknown'",
                ("figures", i, "value"),
                "give the number, or say `qualifier: unknown` for casualties of unknown number",
            )
        if fig.qualifier == "fewer-than" and fig.value == 0:
            fail("'fewer than 0' is impossible for a count", ("figures", i, "value"))
        bounds = [b for b in (fig.low, fig.value, fig.high) if b is not None]
        if bounds != sorted(bounds):
            fail("the figure's bounds are not in order: low ≤ value ≤ high", ("figures", i, "low"))
        if fig.as_of is not None:
            try:
                parse_iso_day(fig.as_of)
            except ValueError as exc:
                fail(str(exc), ("figures", i, "as_of"))
        for j, ref in enumerate(fig.supersedes):
            doc, _, key = ref.partition("/")
            if doc == meta.id and key not in local_figures - {fig.id}:
                fail(f"{ref!r} is not another figure of this document", ("figures", i, "supersedes", j))
    for i, cl in enumerate(ann.claims):
        need(cl.speaker, actors, ("claims", i, "speaker"))
        need(cl.made_at, events, ("claims", i, "made_at"))
        for j, a in enumerate(cl.about):
            need(a, {*events, "places", *actors}, ("claims", i, "about", j))
    for path, labels in _labels(ann):
        if getattr(labels, meta.language) is None:
            fail(
                f"no {meta.language!r} label: the document's own language is required",
                path,
                f"add `{meta.language}:` (other languages are optional)",
            )


def _labels(ann: Annotation) -> Iterator[tuple[tuple[str | int, ...], Labels]]:
    """Every Labels record of an annotation, with its path."""
    for section in ("people", "groups", "places", "venues", "events", "figures", "claims"):
        for i, rec in enumerate(getattr(ann, section)):
            for attr in ("label", "description", "pretext", "group", "text"):
                value = getattr(rec, attr, None)
                if isinstance(value, Labels):
                    yield (section, i, attr), value


def _check_references(articles: Sequence[Article]) -> None:
    """References between documents: `event: doc/key` and `supersedes: [doc/key]` name what exists."""
    declared = {(a.key, ev.id) for a in articles for ev in a.annotation.events if ev.event is None}
    figures = {(a.key, f.id) for a in articles for f in a.annotation.figures}
    for a in articles:
        for i, ev in enumerate(a.annotation.events):
            if ev.event is not None and "/" in ev.event and tuple(ev.event.split("/", 1)) not in declared:
                raise AnnotationError(
                    f"{ev.event!r} is not an event that document declares",
                    file=a.file,
                    line=a.line_of("events", i, "event"),
                    field=f"events.{i}.event",
                    hint="name a report of that document that has no `event:` of its own, or a registry event",
                )
        for i, fig in enumerate(a.annotation.figures):
            for j, ref in enumerate(fig.supersedes):
                if tuple(ref.split("/", 1)) not in figures:
                    raise AnnotationError(
                        f"{ref!r} is not a figure of a known document",
                        file=a.file,
                        line=a.line_of("figures", i, "supersedes", j),
                        field=f"figures.{i}.supersedes.{j}",
                        hint="write <document-id>/<figure key>",
                    )


def load_corpus(registry_file: Path, annotation_files: Sequence[Path]) -> Corpus:
    """Load the registry and every article; refuse two articles with the same key."""
    registry = load_registry(registry_file)
    articles: list[Article] = []
    keys: dict[str, Path] = {}
    for file in annotation_files:
        article = load_article(file, registry)
        if article.key in keys:
            raise AnnotationError(
                f"article key {article.key!r} is also used by {keys[article.key]}",
                file=file,
                line=article.line_of("document", "id"),
                field="document.id",
            )
        keys[article.key] = file
        articles.append(article)
    _check_references(articles)
    return Corpus(registry, tuple(articles))


#: The file formats documented by JSON Schema (`kg schema NAME`), by name.
SCHEMAS: dict[str, type[BaseModel]] = {"annotation": Annotation, "registry": Registry}


def json_schema(name: str) -> dict[str, Any]:
    """The JSON Schema of an annotation or registry file; raise AnnotationError for an unknown name."""
    try:
        model = SCHEMAS[name]
    except KeyError:
        raise AnnotationError(f"unknown schema {name!r}", hint=f"use one of {', '.join(SCHEMAS)}") from None
    schema = model.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"https://w3id.org/conflict-kg/schema/{name}.schema.json"
    return schema
