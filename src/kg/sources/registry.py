"""The registry of shared entities (people, states, organisations, places, positions): one chunk."""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from rdflib import URIRef

from kg.annotation import LoadedRegistry, load_registry, read_yaml_fast
from kg.mapping import Origin, RegistryTerms, build_graph, registry_terms
from kg.sources import ChunkInput, ChunkRead, Triple


@dataclass(frozen=True)
class Provided:
    """What an article needs from the registry: the loaded records and their IRIs and labels."""

    loaded: LoadedRegistry
    terms: RegistryTerms


@functools.lru_cache(maxsize=2)
def _read(file: Path, stamp: tuple[int, int], base: str) -> ChunkRead:
    """The registry loaded and mapped once per process (keyed by size and modification time)."""
    loaded = load_registry(file, read=read_yaml_fast)
    triples: set[Triple] = set()
    terms = registry_terms(loaded, base, triples)
    return ChunkRead(triples, provides=Provided(loaded, terms), name="registry")


class RegistrySource:
    """`data/registry.yaml`: one chunk that every article needs."""

    needs: tuple[str, ...] = ()

    def discover(self, path: Path) -> list[ChunkInput]:
        return [ChunkInput("registry", "registry", (path,), path)]

    def read(self, chunk: ChunkInput, needs: Mapping[str, object], base: str) -> ChunkRead:
        try:
            st = chunk.path.stat()
        except OSError:  # the loader says what is wrong with the file, in one line
            return _read(chunk.path, (-1, -1), base)
        return _read(chunk.path, (st.st_size, st.st_mtime_ns), base)

    def origins(self, chunks: Sequence[ChunkInput], needs: Mapping[str, object], base: str) -> dict[URIRef, Origin]:
        from kg.annotation import Corpus

        origins: dict[URIRef, Origin] = {}
        for chunk in chunks:
            provided = self.read(chunk, needs, base).provides
            assert isinstance(provided, Provided)
            origins.update(build_graph(Corpus(provided.loaded, ()), base).origins)
        return origins


SOURCE = RegistrySource()
