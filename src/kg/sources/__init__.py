"""The sources a build reads, by type: each discovers its chunks and reads a chunk into triples.

A *chunk* is the unit of an incremental build: one file or folder whose triples are mapped,
cached and validated together (the registry; one article). A source module is small and
implements `Source`; `SOURCES` maps the type names a project's `kg.toml` may use to them.

A source may need what another source provides (every article needs the registry's IRIs and
labels): it names that source's type in `needs`, and the build hands it the value the other
source's single chunk `provides`; that chunk's digest enters every dependent chunk's digest.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from rdflib import Literal, URIRef

from kg.errors import KGError
from kg.mapping import Origin

#: A triple as the mapping makes it (no blank nodes).
Triple = tuple[URIRef, URIRef, URIRef | Literal]


@dataclass(frozen=True)
class ChunkInput:
    """One chunk a source found: its stable key and the files whose bytes decide its triples."""

    source: str  # the type of the source that found it (a key of SOURCES)
    key: str  # stable and unique in a build, e.g. "articles/<article key>"
    files: tuple[Path, ...]  # every file that decides the chunk's triples, sorted
    path: Path  # the file to name in messages


@dataclass(frozen=True)
class Reference:
    """A resource one chunk names and another chunk defines (a report of another document's event, a
    figure that supersedes another document's figure): the build checks that some chunk declares it."""

    iri: str
    line: int | None  # where the chunk names it
    field: str


@dataclass
class ChunkRead:
    """What reading a chunk gives: its triples, what dependents need from it, and its date."""

    triples: set[Triple]
    provides: object = None  # handed to the chunks of sources that name this source in `needs`
    date: str | None = None  # ISO day the chunk was curated, if it says (the dataset's modified date)
    name: str = ""  # what the chunk calls itself (e.g. the article key), unique among its source's chunks
    refers: tuple[Reference, ...] = ()  # resources it names that other chunks define
    declares: tuple[str, ...] = ()  # resources it defines that other chunks may name


class Source(Protocol):
    """A kind of input: finds its chunks and maps each to triples through `kg.mapping`."""

    #: types of the sources whose single chunk this source's chunks need (in this order)
    needs: tuple[str, ...]

    def discover(self, path: Path) -> list[ChunkInput]:
        """The chunks under `path` (a file or a folder, as kg.toml names it), sorted by key."""
        ...

    def read(self, chunk: ChunkInput, needs: Mapping[str, object], base: str) -> ChunkRead:
        """Load and check a chunk and map it to triples under `base`; `needs` by source type."""
        ...

    def origins(self, chunks: Sequence[ChunkInput], needs: Mapping[str, object], base: str) -> dict[URIRef, Origin]:
        """File and line of every resource the chunks define (asked to explain a failure, or by `kg validate`)."""
        ...


#: The source types by name, as a project's kg.toml names them: the module whose `SOURCE` reads each.
#: A module is imported when its source is first asked for (`kg validate` reads two of the six).
SOURCE_MODULES: dict[str, str] = {
    "registry": "kg.sources.registry",
    "articles": "kg.sources.articles",
    "ucdp": "kg.sources.ucdp",
    "acled": "kg.sources.acled",
    "gdelt": "kg.sources.gdelt",
    "links": "kg.sources.links",
}


class _Sources(Mapping[str, Source]):
    """SOURCE_MODULES as a mapping of names to sources, each module imported on first use."""

    def __getitem__(self, type_: str) -> Source:
        source: Source = importlib.import_module(SOURCE_MODULES[type_]).SOURCE
        return source

    def __contains__(self, type_: object) -> bool:  # without importing (Mapping's would)
        return type_ in SOURCE_MODULES

    def __iter__(self) -> Iterator[str]:
        return iter(SOURCE_MODULES)

    def __len__(self) -> int:
        return len(SOURCE_MODULES)


#: The source types by name, as a project's kg.toml names them.
SOURCES: Mapping[str, Source] = _Sources()


def get_source(type_: str) -> Source:
    """The source of a type; raise KGError listing the known types."""
    try:
        return SOURCES[type_]
    except KeyError:
        raise KGError(f"unknown source type {type_!r}", hint=f"use one of {', '.join(sorted(SOURCES))}") from None


def needs_of(type_: str, deps: Mapping[str, ChunkInput], base: str) -> dict[str, object]:
    """What a chunk of a source of `type_` needs: the values its needed sources' chunks provide."""
    source = get_source(type_)
    return {t: get_source(t).read(deps[t], needs_of(t, deps, base), base).provides for t in source.needs}
