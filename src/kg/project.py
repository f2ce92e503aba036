"""A project's `kg.toml`: its sources, base IRI, licence and output folder, read into Settings.

Which project a command works on: $KG_HOME's if set, else the nearest kg.toml in the working
folder or a folder above it (as git finds .git), else the bundled data. Paths in the file are
relative to its folder; `dist` is too for a project found that way, and relative to the working
directory (as `--dist` is) for $KG_HOME's and the bundled one. Precedence: command-line flags, then
$KG_BASE_IRI for the base, then the file, then the built-in defaults. An unknown key or source type
is one error naming the file, the line and the valid names.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, get_args

from kg import paths
from kg.errors import KGError

if TYPE_CHECKING:
    from kg.config import Settings

#: The project file's name, at the project's root.
PROJECT_FILE = "kg.toml"

#: top-level keys → what each holds
TOP_KEYS = {
    "base": "base IRI of the published data (ends in '/')",
    "license": "licence IRI of the published dumps",
    "dist": "output folder",
    "sources": "the inputs, one table per source",
    "links": "curated link decisions of `kg link` (default: links.yaml beside kg.toml)",
}
#: keys of a [sources.NAME] table
SOURCE_KEYS = ("type", "path")


class ProjectError(KGError):
    """The project file is malformed or names something kg does not know."""


def project_file(root: Path | None = None) -> Path:
    """The kg.toml of a project folder (the bundled project by default)."""
    return (root or paths.PROJECT_ROOT) / PROJECT_FILE


def _line_of(text: str, table: str | None, key: str) -> int | None:
    """The line of `key` in `[table]` (or at the top level), found by reading the file's lines."""
    current: str | None = None
    pattern = re.compile(rf'^\s*("{re.escape(key)}"|{re.escape(key)})\s*=')
    for n, line in enumerate(text.splitlines(), 1):
        header = re.match(r"^\s*\[\s*([^\]]+?)\s*\]", line)
        if header:
            current = header.group(1).replace('"', "").replace(" ", "")
            if table == "sources" and current == f"sources.{key}":
                return n
            continue
        if current == table and pattern.match(line):
            return n
    return None


def _unknown(file: Path, text: str, table: str | None, key: str, valid: Iterable[str]) -> ProjectError:
    names = ", ".join(sorted(valid))
    return ProjectError(
        f"unknown key {key!r}",
        file=file,
        line=_line_of(text, table, key),
        field=f"{table}.{key}" if table else key,
        hint=f"use one of {names}",
    )


def _string(file: Path, text: str, table: str | None, key: str, value: Any) -> str:
    if not isinstance(value, str):
        raise ProjectError(
            f"expected a string, found {type(value).__name__}",
            file=file,
            line=_line_of(text, table, key),
            field=f"{table}.{key}" if table else key,
        )
    return value


def load_settings(
    overrides: Mapping[str, object] | None = None, file: Path | None = None, *, dist_root: Path | None = None
) -> Settings:
    """Settings from a project file (the bundled kg.toml by default) with `overrides` applied.

    `overrides` are Settings fields (base, articles_dir, registry_file, dist_dir); a None is ignored.
    A missing file gives the built-in defaults. With `dist_root`, the file's `dist` (or the default
    `dist`) is taken relative to that folder rather than to the working directory.
    """
    from kg.config import PATH_FIELDS, Settings, SourceConfig
    from kg.sources import SOURCES

    file = file or project_file()
    fields: dict[str, Any] = {}
    if file.is_file():
        text = file.read_text(encoding="utf-8")
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            line = re.search(r"line (\d+)", str(exc))
            raise ProjectError(f"not valid TOML: {exc}", file=file, line=int(line.group(1)) if line else None) from None
        for key in data:
            if key not in TOP_KEYS:
                raise _unknown(file, text, None, key, TOP_KEYS)
        root = file.parent
        if "base" in data:
            fields["base"] = _string(file, text, None, "base", data["base"])
        if "license" in data:
            fields["license"] = _string(file, text, None, "license", data["license"])
        if "dist" in data:
            fields["dist_dir"] = Path(_string(file, text, None, "dist", data["dist"]))
        if "links" in data:
            fields["links_file"] = root / _string(file, text, None, "links", data["links"])
        declared = data.get("sources", {})
        if not isinstance(declared, dict):
            raise ProjectError(
                "sources must be tables ([sources.NAME])", file=file, line=_line_of(text, None, "sources")
            )
        sources = []
        for name, table in declared.items():
            where = f"sources.{name}"
            if not isinstance(table, dict):
                raise ProjectError("a source is a table", file=file, line=_line_of(text, "sources", name), field=where)
            for key in table:
                if key not in SOURCE_KEYS:
                    raise _unknown(file, text, where, key, SOURCE_KEYS)
            for key in SOURCE_KEYS:
                if key not in table:
                    raise ProjectError(
                        f"missing key {key!r}", file=file, line=_line_of(text, "sources", name), field=where
                    )
            type_ = _string(file, text, where, "type", table["type"])
            if type_ not in SOURCES:
                raise ProjectError(
                    f"unknown source type {type_!r}",
                    file=file,
                    line=_line_of(text, where, "type"),
                    field=f"{where}.type",
                    hint=f"use one of {', '.join(sorted(SOURCES))}",
                )
            path = root / _string(file, text, where, "path", table["path"])
            sources.append(SourceConfig(name, type_, path))
            if type_ in PATH_FIELDS:
                fields[PATH_FIELDS[type_]] = path
        if sources:
            fields["sources"] = tuple(sources)
    if dist_root is not None:
        fields["dist_dir"] = dist_root / fields.get("dist_dir", paths.DIST_DIR)
    if "KG_BASE_IRI" in os.environ:
        fields["base"] = os.environ["KG_BASE_IRI"]
    fields.update({k: v for k, v in (overrides or {}).items() if v is not None})
    return Settings(**fields)


# --- Which project: $KG_HOME, else the nearest kg.toml from the working folder up, else the bundled data.

#: how a command found its project
FoundBy = Literal["KG_HOME", "discovery", "bundled"]


@dataclass(frozen=True)
class Project:
    """The project a command works on: its kg.toml and how it was found."""

    file: Path
    found_by: FoundBy

    @property
    def root(self) -> Path:
        """The project's folder (where its kg.toml is)."""
        return self.file.parent

    def describe(self) -> str:
        """One line naming the project and how it was chosen (for `kg --version` and `--verbose`)."""
        how = {
            "KG_HOME": "from $KG_HOME",
            "discovery": "found from the working folder",
            "bundled": "outside any project: the bundled data",
        }
        return f"project {self.file} ({how[self.found_by]})"

    def settings(self, overrides: Mapping[str, object] | None = None) -> Settings:
        """Its Settings with `overrides` applied; a found project's `dist` is relative to its folder."""
        return load_settings(overrides, self.file, dist_root=self.root if self.found_by == "discovery" else None)


def find_project_file(start: Path) -> Path | None:
    """The nearest kg.toml in `start` or a folder above it, or None."""
    for folder in (start, *start.parents):
        candidate = folder / PROJECT_FILE
        try:
            if candidate.is_file():
                return candidate
        except OSError:  # an unreadable folder on the way up hides no project we could read
            continue
    return None


def locate_project(cwd: Path | None = None, environ: Mapping[str, str] | None = None) -> Project:
    """The project of a command run in `cwd`: $KG_HOME's, else the nearest kg.toml, else the bundled one."""
    env = os.environ if environ is None else environ
    if env.get("KG_HOME"):
        return Project(Path(env["KG_HOME"]) / PROJECT_FILE, "KG_HOME")
    if cwd is None:
        try:
            cwd = Path.cwd()
        except OSError as exc:  # the folder was removed under the shell that stands in it
            raise ProjectError(
                f"cannot read the working folder ({exc.strerror})", hint="cd to a folder that exists"
            ) from None
    found = find_project_file(cwd.absolute())
    if found is not None:
        return Project(found, "discovery")
    return Project(project_file(), "bundled")


# --- `kg init`: the files of a new project.

#: kg.toml of a new project
NEW_PROJECT_FILE = """\
# A kg project: what `kg build` reads and where it writes. Every kg command run in this folder, or in
# a folder below it, uses this file (kg looks for kg.toml from the working folder up, as git looks
# for .git). Paths are relative to this file's folder. Command-line flags override these values
# (--base, --registry, --articles, --dist); $KG_BASE_IRI overrides `base`.

#: base IRI of the published data; instance IRIs are <base>id/<kind>/<key>. Before you publish,
#: change it to an address you control (it must end in "/").
base = "https://w3id.org/conflict-kg/"
#: licence of the published dumps
license = "https://creativecommons.org/licenses/by/4.0/"
#: output folder of `kg build`
dist = "dist"

# The inputs, by name; `type` is one of kg.sources.SOURCES (registry, articles).
[sources.registry]
type = "registry"
path = "data/registry.yaml"

[sources.articles]
type = "articles"
path = "data/articles"
"""

#: registry of a new project: every section, empty
NEW_REGISTRY = """\
# Shared entities, each declared once and named by its key in the annotations: people (with the
# positions they held), states, organisations (publishers too), groups, places, positions, and
# events that several documents report. The format is in kg's README, "Annotation format".
people: []
states: []
organisations: []
groups: []
places: []
positions: []
events: []
"""

#: README of a new project
NEW_README = """\
# {name}

A kg project: news reports about political violence, annotated by hand, built into an RDF graph.

- `kg.toml`: what the project builds (its sources) and where (`dist/`).
- `data/registry.yaml`: people, states, organisations, places and events shared by the articles.
- `data/articles/<key>/`: one folder per article, its text verbatim and `annotation.yaml`.

Add an article with `kg add ARTICLE.txt --id KEY --lang en`, complete its `annotation.yaml`
until `kg validate` has nothing left to say, then `kg build`. `kg status` shows what is left.
"""


class ProjectExists(KGError):
    """`kg init` was pointed at a folder that already holds a project or the files it would write."""


def new_project_files(name: str, *, example: bool = False) -> dict[Path, bytes]:
    """The files of a new project, by path relative to its folder; `example` copies the bundled data."""
    files = {
        Path(PROJECT_FILE): NEW_PROJECT_FILE.encode(),
        Path("README.md"): NEW_README.format(name=name).encode(),
    }
    if example:
        for file in sorted(paths.DATA_DIR.rglob("*")):
            if file.is_file() and "__pycache__" not in file.parts:
                files[Path("data") / file.relative_to(paths.DATA_DIR)] = file.read_bytes()
    else:
        files[Path("data") / "registry.yaml"] = NEW_REGISTRY.encode()
    return files


@dataclass(frozen=True)
class NewProject:
    """What `kg init` did: the files it wrote and those it found already there and kept (both sorted)."""

    written: tuple[Path, ...]
    kept: tuple[Path, ...]


def create_project(folder: Path, *, example: bool = False) -> NewProject:
    """Write a new project into `folder` (created if missing).

    Refuses a folder that already has a kg.toml, with one line. A file it would write that is already
    there (a README.md, your own registry) is kept as it is, never overwritten.
    """
    from kg.atomic import write_outputs

    for must_be_folder in (folder, folder / "data", folder / "data" / "articles"):
        if must_be_folder.exists() and not must_be_folder.is_dir():
            raise ProjectExists("is not a folder", file=must_be_folder, hint="move it away, or name another folder")
    if (folder / PROJECT_FILE).exists():
        raise ProjectExists(
            "already a kg project (it has a kg.toml)", file=folder, hint="use it as it is, or name another folder"
        )
    files = {folder / rel: data for rel, data in new_project_files(folder.absolute().name, example=example).items()}
    kept = tuple(sorted(target for target in files if target.exists() or target.is_symlink()))
    write_outputs({target: data for target, data in files.items() if target not in kept}, make_folders=True)
    (folder / "data" / "articles").mkdir(exist_ok=True)
    return NewProject(tuple(sorted(set(files) - set(kept))), kept)


# --- `kg add`: an article's text and a draft annotation in the project.

#: the document fields `kg add` fills from its options, in the order the annotation lists them
DOCUMENT_OPTIONS = ("title", "publisher", "published", "url", "licence")
#: the document fields a curator must still give when `kg add` was not told them
_REQUIRED_LATER = ("title", "publisher", "published")
_KEY = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


@dataclass(frozen=True)
class DraftRequest:
    """What a drafter is given: the article's text, its document record so far, the project's registry."""

    text: str
    document: Mapping[str, object]
    registry_file: Path


#: A drafter proposes the facts of an article: it returns the annotation's sections other than
#: `document` (events, figures, claims, …) as plain data, in the annotation format. This is the seam
#: for the extractor: it adds its drafter to DRAFTERS, and `kg add --draft NAME` runs it.
Drafter = Callable[[DraftRequest], dict[str, list[Any]]]


def empty_draft(request: DraftRequest) -> dict[str, list[Any]]:
    """No facts proposed: an empty events list for the curator to fill."""
    return {"events": []}


#: name → drafter, for `kg add --draft`
DRAFTERS: dict[str, Drafter] = {"none": empty_draft}


class ArticleExists(KGError):
    """`kg add` was given a key whose article folder already exists."""


def draft_annotation(document: Mapping[str, object], sections: Mapping[str, list[Any]]) -> str:
    """The YAML of a draft annotation: a header saying what is left, the document record, the sections."""
    from io import StringIO

    from ruamel.yaml import YAML

    left = [name for name in _REQUIRED_LATER if name not in document]
    left += ["curated (the day you finish; the build dates the dumps from it)"]
    left += [] if any(sections.values()) else ["events (at least one, each with its evidence)"]
    header = (
        "# Draft written by `kg add`. Complete it until `kg validate` reports nothing, following the\n"
        "# annotation format in kg's README; keys of people, organisations and places go in data/registry.yaml.\n"
        f"# Still to give: {', '.join(left)}.\n"
    )
    yaml = YAML()
    yaml.default_flow_style = False
    yaml.width = 4096  # a long title stays on one line
    yaml.indent(mapping=2, sequence=4, offset=2)  # lists indented as in the README and the bundled annotations
    out = StringIO()
    yaml.dump({"document": dict(document), **sections}, out)
    return header + out.getvalue()


def add_article(
    articles_dir: Path,
    text_file: Path,
    document: Mapping[str, str],
    *,
    registry_file: Path | None = None,
    draft: Drafter = empty_draft,
) -> Path:
    """Copy an article's text into `articles_dir/<id>/` next to a draft annotation; return the annotation.

    `document` holds `id` and `language` and any of DOCUMENT_OPTIONS; the text is copied byte for
    byte (evidence offsets count its characters) after the checks the build makes of it. `draft`
    proposes the facts, with `registry_file` (by default the one next to `articles_dir`).
    """
    from kg.annotation import MAX_TEXT_BYTES, Language, _read_bounded, decode_utf8, parse_iso_day
    from kg.atomic import write_outputs

    key, language = document["id"], document["language"]
    if language not in get_args(Language):
        raise KGError(
            f"unknown language {language!r}", field="--lang", hint=f"use one of {', '.join(get_args(Language))}"
        )
    if not _KEY.match(key):
        raise KGError(f"not a kg key: {key!r}", field="--id", hint="use lowercase letters and digits joined by hyphens")
    if "published" in document:
        try:
            parse_iso_day(document["published"])
        except ValueError as exc:
            raise KGError(str(exc), field="--published", hint="give the day as YYYY-MM-DD") from None
    raw = _read_bounded(text_file, MAX_TEXT_BYTES, "the article text")
    text = decode_utf8(raw, text_file)
    if text.startswith("\ufeff"):
        raise KGError(
            "starts with a byte-order mark, which would shift every evidence offset",
            file=text_file,
            hint="save it as UTF-8 without BOM",
        )
    if not text.strip():
        raise KGError("is empty", file=text_file, hint="give the article's text")
    if not articles_dir.is_dir():
        raise KGError("the project's articles folder is missing", file=articles_dir, hint="create it, or check kg.toml")
    folder = articles_dir / key
    if folder.exists():
        raise ArticleExists("exists already", file=folder, hint="choose another --id, or edit that article")
    text_name = f"article.{language}.txt"
    record: dict[str, object] = {"id": key}
    for field in ("title", "language"):
        if field in document:
            record[field] = document[field]
    record["text"] = text_name
    for field in DOCUMENT_OPTIONS[1:]:
        if field in document:
            record[field] = document[field]
    annotation = folder / paths.ANNOTATION_NAME
    registry = registry_file or articles_dir.parent / "registry.yaml"
    content = draft_annotation(record, draft(DraftRequest(text, record, registry)))
    write_outputs({folder / text_name: raw, annotation: content.encode()}, make_folders=True)
    return annotation


# --- `kg status`: what a project holds and what is left.

#: the annotation sections that hold facts, as `kg status` counts them (roles are counted inside events)
FACT_SECTIONS = ("events", "roles", "figures", "claims", "people", "groups", "places", "venues")


@dataclass(frozen=True)
class SourceStatus:
    """One source of kg.toml: its name, type, path and how many chunks (registry file, articles) it has."""

    name: str
    type: str
    path: str
    chunks: int
    exists: bool
    problem: str | None = None  # why its chunks could not be listed
    releases: tuple[str, ...] = ()  # a dataset's releases (UCDP, ACLED, GDELT: `<type>/<release>/<file>` chunks)


@dataclass(frozen=True)
class LinksStatus:
    """The links of `kg link`: the curated decisions in links.yaml and what the last run proposed."""

    file: str | None  # the decisions file (kg.toml's links, else links.yaml beside kg.toml); None: none
    accepted: int
    rejected: int
    proposed: int | None  # links the scorer made in the last `kg link` (dist/link-proposals.json); None: not run
    curated: int | None  # links made by a curated decision in that run
    problem: str | None = None  # why the decisions file could not be read


@dataclass(frozen=True)
class BuildStatus:
    """The last build in the output folder: when void.ttl was written and the inputs changed since."""

    dist: str
    built: str | None  # UTC time void.ttl was written, ISO 8601; None: never built
    newer: tuple[str, ...]  # input files modified after it (sorted)

    @property
    def stale(self) -> bool:
        """True when there is no build or an input changed after it."""
        return self.built is None or bool(self.newer)


@dataclass(frozen=True)
class Status:
    """What a project holds, for `kg status`."""

    project: str
    found_by: str
    documents: dict[str, int]  # curated, draft, unreadable
    drafts: tuple[str, ...]  # keys of the draft documents
    unreadable: tuple[str, ...]  # one line each: the annotations that do not parse
    facts: dict[str, dict[str, int]]  # section → {curated, draft}
    sources: tuple[SourceStatus, ...]
    build: BuildStatus
    links: LinksStatus | None = None

    def as_json(self) -> dict[str, Any]:
        """Plain data for `kg status --json`."""
        from dataclasses import asdict

        return {**asdict(self), "build": {**asdict(self.build), "stale": self.build.stale}}


def _fact_counts(data: Mapping[str, Any], kind: str, facts: dict[str, dict[str, int]]) -> None:
    """Add an annotation's facts to `facts[section][kind]` (its document's kind: curated or draft)."""
    for section in FACT_SECTIONS:
        if section == "roles":
            events = data.get("events") or []
            records = [r for e in events if isinstance(e, dict) for r in (e.get("roles") or [])]
        else:
            records = data.get(section) or []
        facts[section][kind] += len(records)


def project_status(found: Project, settings: Settings) -> Status:
    """Count a project's documents and facts (curated vs draft), its sources' chunks, and its last build.

    A document is a draft while its record has no `curated` day (as `kg add` writes it) or says
    `status: draft` (as `kg extract` writes it), and so are its facts. A build is stale when an input
    file (or kg.toml) was modified after dist/void.ttl was written: the build's own check is by
    content, so a file saved unchanged counts here until rebuilt with a change.
    """
    from datetime import UTC, datetime

    from kg.annotation import read_yaml_fast
    from kg.sources import SOURCES

    documents = {"curated": 0, "draft": 0, "unreadable": 0}
    facts = {section: {"curated": 0, "draft": 0} for section in FACT_SECTIONS}
    drafts: list[str] = []
    unreadable: list[str] = []
    sources: list[SourceStatus] = []
    inputs: list[Path] = [found.file] if found.file.is_file() else []
    for declared in settings.inputs():
        exists, problem = declared.path.exists(), None
        try:
            chunks = SOURCES[declared.type].discover(declared.path) if exists else []
        except KGError as exc:  # what the build would stop at: shown, and the other sources still counted
            chunks, problem = [], exc.message
        releases: tuple[str, ...] = ()
        if declared.type not in ("registry", "articles", "links"):  # the dataset sources: <type>/<release>[/<file>]
            releases = tuple(sorted({c.key.split("/")[1] for c in chunks if c.key.count("/") >= 1}))
        status = SourceStatus(declared.name, declared.type, str(declared.path), len(chunks), exists, problem, releases)
        sources.append(status)
        inputs += [f for c in chunks for f in c.files]
        if declared.type != "articles":
            continue
        for chunk in chunks:
            try:
                data, _ = read_yaml_fast(chunk.path)
            except KGError as exc:
                documents["unreadable"] += 1
                unreadable.append(str(exc))
                continue
            if not isinstance(data, dict) or not isinstance(data.get("document"), dict):
                documents["unreadable"] += 1
                unreadable.append(f"{chunk.path}: no document record")
                continue
            record = data["document"]
            kind = "draft" if "curated" not in record or record.get("status") == "draft" else "curated"
            documents[kind] += 1
            if kind == "draft":
                drafts.append(str(record.get("id", chunk.path.parent.name)))
            _fact_counts(data, kind, facts)
    void = settings.dist_dir / "void.ttl"
    try:
        built_ns: int | None = void.stat().st_mtime_ns
    except OSError:
        built_ns = None
    newer: list[str] = []
    built = None
    if built_ns is not None:
        built = datetime.fromtimestamp(built_ns / 1e9, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        for f in sorted(set(inputs)):
            try:
                if f.stat().st_mtime_ns > built_ns:
                    newer.append(str(f))
            except OSError:
                continue  # a file gone since discovery: the build will say what is wrong
    return Status(
        str(found.file),
        found.found_by,
        documents,
        tuple(sorted(drafts)),
        tuple(unreadable),
        facts,
        tuple(sources),
        BuildStatus(str(settings.dist_dir), built, tuple(newer)),
        links_status(found, settings),
    )


def links_status(found: Project, settings: Settings) -> LinksStatus:
    """Count the curated decisions (accepted, rejected) and the links the last `kg link` proposed."""
    import json

    from kg.link.decisions import DEFAULT_FILE, read_yaml

    file = settings.links_file or found.root / DEFAULT_FILE
    accepted = rejected = 0
    problem = None
    if file.is_file():
        try:
            decisions = read_yaml(file).get("links") or []
        except KGError as exc:
            decisions, problem = [], exc.message
        kinds = [d.get("decision") for d in decisions if isinstance(d, dict)] if isinstance(decisions, list) else []
        accepted, rejected = kinds.count("accepted"), kinds.count("rejected")
    elif settings.links_file is not None:
        problem = "no such file"
    proposed = curated = None
    try:
        pairs = json.loads((settings.dist_dir / "link-proposals.json").read_text(encoding="utf-8"))["pairs"]
        linked = [p for p in pairs if p.get("linked")]
        curated = sum(1 for p in linked if str(p.get("reason", "")).startswith("curated"))
        proposed = len(linked) - curated
    except (OSError, ValueError, KeyError, TypeError, AttributeError):  # not run yet, or not kg link's file
        pass
    shown = str(file) if file.is_file() or settings.links_file is not None else None
    return LinksStatus(shown, accepted, rejected, proposed, curated, problem)
