"""`kg extract`: draft annotations from raw news text, offline, in Indonesian and English.

The rules live in `engine` (pure) and find their candidates through `matching` (spaCy's PhraseMatcher
over the registry's names and the lexicons' phrases), `numbers` and `dates`; their word lists are
`lexicons/*.yaml` (versioned data), read by `lexicon`; the output formats are in `draft` and the
scoring in `evaluate`. This module is the I/O edge: it reads the article
and the registry and returns text for the CLI to write.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from kg.annotation import (
    MAX_TEXT_BYTES,
    Annotation,
    LoadedRegistry,
    decode_utf8,
    load_article,
    load_registry,
    parse_iso_day,
)
from kg.errors import AnnotationError
from kg.extract.dates import read_dateline
from kg.extract.engine import (
    DraftOptions,
    ExtractError,
    detect_language,
    detect_publisher,
    document_key,
    extract,
    title_of,
)
from kg.extract.evaluate import Comparison, Score, compare, score
from kg.extract.known import KnownEvent, known_events

if TYPE_CHECKING:
    from kg.project import DraftRequest

__all__ = ["ExtractError", "draft_article", "draft_sections", "evaluate_folder", "extract", "read_article_text"]

Format = Literal["yaml", "ttl"]
FORMATS: tuple[Format, ...] = ("yaml", "ttl")


def read_article_text(file: Path) -> str:
    """The article's text (UTF-8, at most MAX_TEXT_BYTES), refusing what cannot be read with one line."""
    try:
        with file.open("rb") as f:
            raw = f.read(MAX_TEXT_BYTES + 1)
    except FileNotFoundError:
        raise ExtractError("file not found", file=file, hint="name an article text file") from None
    except IsADirectoryError:
        raise ExtractError("is a folder", file=file, hint="name the article's text file") from None
    except OSError as exc:
        raise ExtractError(f"cannot read file ({exc.strerror})", file=file) from None
    if len(raw) > MAX_TEXT_BYTES:
        raise ExtractError(f"the article is larger than {MAX_TEXT_BYTES // (1024 * 1024)} MiB", file=file)
    return decode_utf8(raw, file)


def _options(
    text: str,
    file: Path,
    registry: LoadedRegistry,
    lang: str,
    dateline: str | None,
    publisher: str | None,
    text_name: str,
    document_id: str | None = None,
    known: tuple[KnownEvent, ...] = (),
) -> DraftOptions:
    language = detect_language(text) if lang == "auto" else lang
    if language not in ("id", "en"):
        raise ExtractError(f"unknown language {lang!r}", hint="use --lang id, en or auto")
    day = read_dateline(text, language)  # type: ignore[arg-type]
    if day is None and dateline is not None:
        try:
            day = parse_iso_day(dateline)
        except ValueError as exc:
            raise ExtractError(f"--dateline: {exc}", hint="write the date as YYYY-MM-DD") from None
    if day is None:
        raise ExtractError(
            "the text gives no dateline to resolve its dates against",
            file=file,
            hint="give the publication date with --dateline YYYY-MM-DD",
        )
    org = publisher or detect_publisher(text, registry.registry)
    if org is None:
        raise ExtractError(
            "the text names no publisher the registry knows",
            file=file,
            hint="give one with --publisher KEY (an organisation of the registry)",
        )
    if org not in {o.id for o in registry.registry.organisations}:
        raise ExtractError(f"--publisher {org!r} is not an organisation of the registry", hint="add it there first")
    if document_id is None:
        document_id = document_key(file.parent.name if file.stem.startswith("article") else file.stem)
    return DraftOptions(language, day, document_id, text_name, org, title_of(text), known)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Drafted:
    """A draft and where its annotation file would stand (for the relative path of its text)."""

    annotation: Annotation
    annotation_file: Path


def draft_article(
    article: Path,
    registry_file: Path,
    *,
    lang: str = "auto",
    dateline: str | None = None,
    publisher: str | None = None,
    output: Path | None = None,
    fmt: str = "yaml",
    base: str = "https://w3id.org/conflict-kg/",
    events: Sequence[Path] = (),
) -> str:
    """Draft the annotation of one article file; return it as YAML or Turtle (checked as `kg validate` would).

    `events`: annotation files, or folders of `<doc>/annotation.yaml`, whose reported events a drafted event
    may name (`load_known_events`)."""
    from kg.extract.draft import check_draft, draft_turtle, draft_yaml

    if fmt not in FORMATS:
        raise ExtractError(f"unknown format {fmt!r}", hint=f"use one of {', '.join(FORMATS)}")
    registry = load_registry(registry_file)
    text = read_article_text(article)
    folder = output.parent if output is not None and fmt == "yaml" else article.parent
    text_name = os.path.relpath(article.resolve(), folder.resolve())
    known = load_known_events(events, registry)
    opts = _options(text, article, registry, lang, dateline, publisher, text_name, known=known)
    ann = extract(text, registry.registry, opts)
    annotation_file = folder / "annotation.draft.yaml"
    if fmt == "ttl":
        return draft_turtle(ann, annotation_file, registry, base)
    check_draft(ann, annotation_file, registry)
    return draft_yaml(ann)


def load_known_events(paths: Sequence[Path], registry: LoadedRegistry) -> tuple[KnownEvent, ...]:
    """The events the annotations at `paths` report (annotation files, an article's folder, or a folder of
    `<doc>/annotation.yaml` such as data/articles), each loaded and checked as `kg validate` does."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = [path / "annotation.yaml"] if (path / "annotation.yaml").is_file() else []
            found = found or sorted(path.glob("*/annotation.yaml"))
            if not found:
                raise ExtractError("no <doc>/annotation.yaml in the folder", file=path, hint="name data/articles")
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            raise ExtractError("not found", file=path, hint="--events names annotation files or their folders")
    return tuple(known_events((load_article(f, registry) for f in files), registry.registry))


def draft_sections(request: DraftRequest) -> dict[str, list[Any]]:
    """`kg add --draft extract`: the facts `kg extract` proposes for the article, as the annotation's sections.

    The language, publication day and publisher are the document record's when `kg add` was told them,
    else what the text says (its dateline, its byline).
    """
    from kg.extract.draft import annotation_data

    registry = load_registry(request.registry_file)
    doc = request.document
    text_name = str(doc.get("text", "article.txt"))
    published = doc.get("published")
    publisher = doc.get("publisher")
    opts = _options(
        request.text,
        Path(text_name),
        registry,
        str(doc.get("language", "auto")),
        str(published) if published is not None else None,
        str(publisher) if publisher is not None else None,
        text_name,
        str(doc["id"]),
    )
    data = annotation_data(extract(request.text, registry.registry, opts))
    return {name: value for name, value in data.items() if name != "document" and value}


@dataclass(frozen=True)
class Evaluation:
    """The per-type scores over a gold folder, and each document's fact-by-fact comparison."""

    scores: list[Score]
    documents: dict[str, dict[str, Comparison]]


def evaluate_folder(gold_dir: Path | Sequence[Path], registry_file: Path, min_confidence: float = 0.0) -> Evaluation:
    """Draft every `GOLD_DIR/<doc>/article.*.txt` (of one folder or several) and compare it with
    `<doc>/annotation.yaml` (the drafted facts of `min_confidence` or more)."""
    from kg.extract.draft import check_draft

    registry = load_registry(registry_file)
    files: list[Path] = []
    for folder in [gold_dir] if isinstance(gold_dir, Path) else gold_dir:
        found = sorted(folder.glob("*/annotation.yaml"))
        if not found:
            raise ExtractError(
                "no <doc>/annotation.yaml in the folder", file=folder, hint="name a folder laid out like data/articles"
            )
        files.extend(found)
    documents: dict[str, dict[str, Comparison]] = {}
    for file in files:
        gold = load_article(file, registry)
        meta = gold.annotation.document
        opts = _options(
            gold.text, gold.text_file, registry, meta.language, meta.published, meta.publisher, meta.text, meta.id
        )
        ann = extract(gold.text, registry.registry, opts)
        try:
            draft = check_draft(ann, file.parent / "annotation.draft.yaml", registry)
        except AnnotationError as exc:  # a draft kg cannot load is a bug of the extractor, not the user's input
            raise RuntimeError(f"the draft of {file} does not load: {exc}") from exc
        documents[meta.id] = compare(gold, draft, registry.registry, min_confidence)
    return Evaluation(score(list(documents.values())), documents)
