"""The one store interface: reading RDF files into a graph, and the graph kg queries and serves.

Small data lives in an rdflib in-memory graph. Large data lives in Oxigraph (pyoxigraph, through
the oxrdflib store so that the rdflib API stays the same), loaded with Oxigraph's native parser.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from rdflib import Graph

from kg.errors import StoreError

#: file suffix → rdflib parser name
RDF_FORMATS: dict[str, str] = {
    ".ttl": "turtle",
    ".nt": "nt",
    ".jsonld": "json-ld",
    ".json": "json-ld",
    ".rdf": "xml",
    ".owl": "xml",
    ".xml": "xml",
    ".n3": "n3",
    ".trig": "trig",
    ".nq": "nquads",
}


def rdf_format(path: Path) -> str:
    """Return the rdflib parser for a file, by suffix; raise StoreError listing the known ones."""
    try:
        return RDF_FORMATS[path.suffix.lower()]
    except KeyError:
        raise StoreError(
            f"unknown RDF file type {path.suffix!r}",
            file=path,
            hint=f"use one of {', '.join(sorted(RDF_FORMATS))}",
        ) from None


def read_rdf(paths: Iterable[Path], into: Graph | None = None) -> Graph:
    """Parse RDF files into one graph; a syntax error names the file and line."""
    graph = into if into is not None else Graph()
    for path in paths:
        fmt = rdf_format(path)
        if not path.is_file():
            raise StoreError("file not found", file=path, hint="check the path")
        try:
            graph.parse(path, format=fmt)
        except Exception as exc:  # rdflib raises many unrelated types for bad syntax
            raise StoreError(f"cannot parse {fmt}: {_first_line(exc)}", file=path, line=_line(exc)) from None
    return graph


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def _line(exc: BaseException) -> int | None:
    for attr in ("lines", "line", "lineno"):
        value = getattr(exc, attr, None)
        if isinstance(value, int):
            return value
    return None


#: graph backends by name: "memory" is rdflib's in-memory store; "oxigraph" is pyoxigraph through oxrdflib
BACKENDS = ("memory", "oxigraph")


def new_graph(backend: str = "memory", location: Path | None = None) -> Graph:
    """An empty graph on the chosen backend (an on-disk Oxigraph store if `location` is given)."""
    if backend == "memory":
        return Graph()
    if backend == "oxigraph":
        try:
            import oxrdflib  # noqa: F401  (registers the "Oxigraph" store plugin)
        except ImportError:  # pragma: no cover - oxrdflib is a core dependency
            raise StoreError("the oxigraph backend needs oxrdflib", hint="pip install oxrdflib") from None
        graph = Graph(store="Oxigraph")
        if location is not None:
            location.mkdir(parents=True, exist_ok=True)
            graph.open(str(location))
        return graph
    raise StoreError(f"unknown store backend {backend!r}", hint=f"use one of {', '.join(BACKENDS)}")


#: native Oxigraph parsers registered by oxrdflib, used when loading into an Oxigraph-backed graph
_OX_FORMATS = {"turtle": "ox-turtle", "nt": "ox-ntriples", "xml": "ox-xml"}


def open_graph(paths: Iterable[Path], backend: str = "memory", location: Path | None = None) -> Graph:
    """Load RDF files into a new graph on `backend` (native parser for Oxigraph)."""
    graph = new_graph(backend, location)
    if backend != "oxigraph":
        return read_rdf(paths, graph)
    for path in paths:
        fmt = rdf_format(path)
        if not path.is_file():
            raise StoreError("file not found", file=path, hint="check the path")
        try:
            graph.parse(path, format=_OX_FORMATS.get(fmt, fmt))
        except Exception as exc:
            raise StoreError(f"cannot parse {fmt}: {_first_line(exc)}", file=path, line=_line(exc)) from None
    return graph


def published_files(dist_dir: Path, include_inferred: bool = False) -> list[Path]:
    """The files of a build that make up the queryable graph: data, ontology (+ inferred triples)."""
    names = ["kg.ttl", "ontology.ttl"] + (["kg-inferred.ttl"] if include_inferred else [])
    files = [dist_dir / n for n in names]
    missing = [f for f in files if not f.is_file()]
    if missing:
        raise StoreError(
            f"{', '.join(str(m) for m in missing)} not found",
            hint="run `kg build` first" + (" and `kg reason`" if include_inferred else ""),
        )
    return files
