"""Curated articles: one chunk per article folder (`<key>/annotation.yaml` + its text)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from rdflib import URIRef

from kg import paths
from kg.annotation import Article, Corpus, load_article, read_yaml_fast
from kg.mapping import Origin, build_graph, map_article
from kg.sources import ChunkInput, ChunkRead, Triple
from kg.sources.registry import Provided


def _folder_files(folder: Path) -> tuple[Path, ...]:
    """Every file of an article folder (annotation, text, anything next to them) but hidden ones."""
    return tuple(sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")))


class ArticlesSource:
    """A folder of article folders; an article's triples depend on its folder and the registry."""

    needs: tuple[str, ...] = ("registry",)

    def discover(self, path: Path) -> list[ChunkInput]:
        """Every article under a folder of article folders, or the one article an annotation file is."""
        files = [path] if path.is_file() else paths.annotation_files(path)
        return [ChunkInput("articles", f"articles/{f.parent.name}", _folder_files(f.parent), f) for f in files]

    def _load(self, chunk: ChunkInput, registry: Provided) -> Article:
        return load_article(chunk.path, registry.loaded, read=read_yaml_fast)

    def read(self, chunk: ChunkInput, needs: Mapping[str, object], base: str) -> ChunkRead:
        registry = _registry(needs)
        article = self._load(chunk, registry)
        triples: set[Triple] = set()
        map_article(article, registry.terms, base, triples)
        return ChunkRead(triples, date=article.annotation.document.curated, name=article.key)

    def origins(self, chunks: Sequence[ChunkInput], needs: Mapping[str, object], base: str) -> dict[URIRef, Origin]:
        registry = _registry(needs)
        articles = tuple(self._load(c, registry) for c in chunks)
        origins = build_graph(Corpus(registry.loaded, articles), base).origins
        return {s: o for s, o in origins.items() if o.file != registry.loaded.file}


def _registry(needs: Mapping[str, object]) -> Provided:
    registry = needs["registry"]
    assert isinstance(registry, Provided)
    return registry


SOURCE = ArticlesSource()
