"""Curated articles: one chunk per article folder (`<key>/annotation.yaml` + its text)."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from pathlib import Path

from rdflib import URIRef

from kg import iris, paths
from kg.annotation import Article, Corpus, LoadedRegistry, load_article, read_yaml_fast
from kg.errors import AnnotationError
from kg.mapping import Origin, build_graph, map_article
from kg.sources import ChunkInput, ChunkRead, Reference, Triple
from kg.sources.registry import Provided


def _folder_files(folder: Path) -> tuple[Path, ...]:
    """Every file of an article folder (annotation, text, anything next to them) but hidden ones."""
    return tuple(sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")))


def _annotation_files(folder: Path) -> list[Path]:
    """The annotations of a folder of article folders; raise AnnotationError naming what was expected."""
    expected = f"a folder of article folders, each with its {paths.ANNOTATION_NAME} (like data/articles)"
    if not folder.is_dir():
        what = "not a folder" if folder.exists() else "no such folder"
        raise AnnotationError(f"articles: {what}; expected {expected}", file=folder, hint="check the path")
    if (folder / paths.ANNOTATION_NAME).is_file():
        raise AnnotationError(
            f"articles: this is one article's folder; expected {expected}",
            file=folder,
            hint=f"give its parent folder ({folder.resolve().parent}) or the file {folder / paths.ANNOTATION_NAME}",
        )
    files = paths.annotation_files(folder)
    if not files:
        raise AnnotationError(
            f"articles: the folder holds no article; expected {expected}",
            file=folder,
            hint=f"put each article in a folder of its own: {folder}/<key>/{paths.ANNOTATION_NAME}",
        )
    return files


#: articles loaded in this process, by path and the SHA-256 of their files
_LOADED: dict[tuple[object, ...], tuple[LoadedRegistry, Article]] = {}
_MAX_LOADED = 16  # a few: enough for one article or a small corpus, no memory held by a large build


class ArticlesSource:
    """A folder of article folders; an article's triples depend on its folder and the registry."""

    needs: tuple[str, ...] = ("registry",)

    def discover(self, path: Path) -> list[ChunkInput]:
        """Every article under a folder of article folders, or the one article an annotation file is.

        A folder that does not exist, holds no article or is one article's own folder is refused: a
        mistyped path must not build a graph of the registry alone and replace dist/ with it.
        """
        files = [path] if path.is_file() else _annotation_files(path)
        return [ChunkInput("articles", f"articles/{f.parent.name}", _folder_files(f.parent), f) for f in files]

    def _load(self, chunk: ChunkInput, registry: Provided) -> Article:
        """The checked article, loaded once per process while its files are unchanged (`kg validate` asks
        for it twice: to map it, then for the origins of its resources)."""
        try:  # by content, not modification time: a rewrite within one clock tick must not be missed
            key = (chunk.path, *((f, hashlib.sha256(f.read_bytes()).digest()) for f in chunk.files))
        except OSError:  # the loader says what is wrong, in one line
            return load_article(chunk.path, registry.loaded, read=read_yaml_fast)
        seen = _LOADED.get(key)
        if seen is not None and seen[0] is registry.loaded:
            return seen[1]
        article = load_article(chunk.path, registry.loaded, read=read_yaml_fast)
        if len(_LOADED) >= _MAX_LOADED:
            _LOADED.clear()
        _LOADED[key] = (registry.loaded, article)
        return article

    def read(self, chunk: ChunkInput, needs: Mapping[str, object], base: str) -> ChunkRead:
        registry = _registry(needs)
        article = self._load(chunk, registry)
        triples: set[Triple] = set()
        map_article(article, registry.terms, base, triples)
        refers, declares = cross_references(article, base)
        return ChunkRead(
            triples, date=article.annotation.document.curated, name=article.key, refers=refers, declares=declares
        )

    def origins(self, chunks: Sequence[ChunkInput], needs: Mapping[str, object], base: str) -> dict[URIRef, Origin]:
        registry = _registry(needs)
        articles = tuple(self._load(c, registry) for c in chunks)
        origins = build_graph(Corpus(registry.loaded, articles), base).origins
        return {s: o for s, o in origins.items() if o.file != registry.loaded.file}


def cross_references(article: Article, base: str) -> tuple[tuple[Reference, ...], tuple[str, ...]]:
    """What an article names in other documents (`event: doc/key`, `supersedes`) and what it declares for them."""
    ann, key = article.annotation, article.key

    def ref(kind: str, target: str, *path: str | int) -> Reference:
        iri = iris.mint(base, kind, *target.split("/", 1))
        return Reference(str(iri), article.line_of(*path), ".".join(map(str, path)))

    refers = [
        ref("event", target, "events", i, "event")
        for i, target in enumerate(ev.event for ev in ann.events)
        if target is not None and "/" in target
    ]
    refers += [
        ref("figure", target, "figures", i, "supersedes", j)
        for i, fig in enumerate(ann.figures)
        for j, target in enumerate(fig.supersedes)
    ]
    declares = [str(iris.mint(base, "event", key, ev.id)) for ev in ann.events if ev.event is None]
    declares += [str(iris.mint(base, "figure", key, fig.id)) for fig in ann.figures]
    return tuple(refers), tuple(declares)


def _registry(needs: Mapping[str, object]) -> Provided:
    registry = needs["registry"]
    assert isinstance(registry, Provided)
    return registry


SOURCE = ArticlesSource()
