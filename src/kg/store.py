"""The one store interface: reading RDF files into a graph, and the graph kg queries and serves.

Small data lives in an rdflib in-memory graph. Large data lives in Oxigraph (pyoxigraph, through
the oxrdflib store so that the rdflib API stays the same), loaded with Oxigraph's native parser.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from rdflib import Graph

from kg.atomic import BUILDS, leftovers, published_dir, write_file_atomically
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
    """Parse RDF files into one graph; a syntax error names the file and line.

    The quads of every named graph of an N-Quads or TriG file (`kg import`'s releases, `kg link`'s
    links) go into a plain graph's union, the default graph's triples with them; a Dataset keeps them
    in their graphs.
    """
    from rdflib import Dataset
    from rdflib.graph import ConjunctiveGraph

    graph = into if into is not None else Graph()
    for path in paths:
        fmt = rdf_format(path)
        if not path.is_file():
            raise StoreError("file not found", file=path, hint="check the path")
        try:
            if fmt in ("nquads", "trig") and not isinstance(graph, ConjunctiveGraph):
                quads = Dataset()
                quads.parse(path, format=fmt)
                for s, p, o, _ in quads.quads((None, None, None, None)):
                    graph.add((s, p, o))
            else:
                graph.parse(path, format=fmt)
        except Exception as exc:  # rdflib raises many unrelated types for bad syntax
            raise StoreError(f"cannot parse {fmt}: {first_line(exc)}", file=path, line=_error_line(path, exc)) from None
    return graph


#: rdflib parser name → pyoxigraph format, for the files read_rdf_quickly gives to Oxigraph's parser
_QUICK_FORMATS = {"turtle": "TURTLE", "nt": "N_TRIPLES"}
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
#: a language tag with a capital letter (Turtle lets space and comments stand before it, so any `@` word with a
#: capital): Oxigraph's parser lowers it, rdflib's keeps it as written
_CAPITAL_TAG = re.compile(rb"@[A-Za-z0-9-]*[A-Z]")
#: the datatype after a `^^`: an IRI in brackets, or a prefixed name without the punctuation that may follow it
_DATATYPE = re.compile(rb"\^\^\s*(<[^>]*>|[^\s;,)\]#<]*)")


def read_rdf_quickly(paths: Iterable[Path], into: Graph | None = None) -> Graph:
    """What `read_rdf` gives (the same triples; blank nodes get other ids), parsed by Oxigraph where it can.

    Oxigraph's parser reads the seed's dist/ in ~15 ms, rdflib's Turtle parser in ~0.25 s; the rdflib terms
    are then made from Oxigraph's. A file goes to `read_rdf` instead when it is not Turtle or N-Triples, when
    Oxigraph's parser rejects it (so an error reads as before), or when it may hold what the two parsers
    read differently: a relative IRI or a base (resolved by other rules), a language tag with a capital
    (Oxigraph lowers it), a literal typed xsd:string (rdflib keeps it apart from a plain literal, Oxigraph
    cannot), an RDF 1.2 triple term or text direction. tests/test_store_quick.py holds them to it. (Where
    rdflib's parser wrongly refuses valid Turtle, such as a space before a language tag, it is now read.)
    """
    graph = into if into is not None else Graph()
    for path in paths:
        triples = _quick_triples(path)
        if triples is None:
            read_rdf([path], graph)
        elif type(graph) is Graph:  # its store directly: Graph.addN re-checks every term (~30 ms on the seed)
            graph.store.addN((s, p, o, graph) for s, p, o in triples)
        else:
            graph.addN((s, p, o, graph) for s, p, o in triples)
    return graph


def _quick_triples(path: Path) -> list[tuple[Any, Any, Any]] | None:
    """The rdflib triples of one file by Oxigraph's parser, or None where `read_rdf_quickly` leaves it to rdflib."""
    import pyoxigraph as ox

    fmt = _QUICK_FORMATS.get(RDF_FORMATS.get(path.suffix.lower(), ""))
    try:
        data = path.read_bytes() if fmt else b""
    except OSError:
        return None  # read_rdf words it
    if not fmt or _CAPITAL_TAG.search(data) or any(_may_be_xsd_string(m) for m in _DATATYPE.findall(data)):
        return None
    terms: dict[Any, Any] = {}

    def term(t: Any) -> Any:
        known = terms.get(t)
        if known is None:
            known = terms[t] = _rdflib_term(t)
        return known

    try:
        parser = ox.parse(data, format=getattr(ox.RdfFormat, fmt), rename_blank_nodes=True)
        triples = [(term(q.subject), term(q.predicate), term(q.object)) for q in parser]
    except (SyntaxError, ValueError):
        return None
    return None if parser.base_iri is not None else triples


def _may_be_xsd_string(datatype: bytes) -> bool:
    """Whether the text of a datatype could name xsd:string: `<…string>`, or a prefixed name whose local part
    is an end of "string" (the prefix may hold the rest); escapes and anything unknown count as could."""
    if not datatype or b"\\" in datatype:
        return True
    if datatype.startswith(b"<"):
        return datatype.endswith(b"string>")
    return datatype.rstrip(b".").endswith((b"g", b":"))


def _rdflib_term(t: Any) -> Any:
    """The rdflib term of a pyoxigraph term, as rdflib's own parsers make it (a plain literal for xsd:string)."""
    import pyoxigraph as ox
    from rdflib import BNode, Literal, URIRef

    if isinstance(t, ox.NamedNode):
        return URIRef(t.value)
    if isinstance(t, ox.BlankNode):
        return BNode(t.value)
    if not isinstance(t, ox.Literal) or t.direction is not None:
        raise ValueError(f"not an RDF 1.1 term: {t}")
    if t.language:
        return Literal(t.value, lang=t.language)
    datatype = t.datatype.value
    return Literal(t.value) if datatype == _XSD_STRING else Literal(t.value, datatype=URIRef(datatype))


def first_line(exc: BaseException) -> str:
    """The first line of an exception's message (rdflib's BadSyntax reason), for a one-line error."""
    why = getattr(exc, "_why", None)  # rdflib's Turtle/N3 BadSyntax keeps the reason here
    if isinstance(why, str) and why:
        return why
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def _error_line(path: Path, exc: BaseException) -> int | None:
    """The parser's error line, clamped to the file (rdflib reports end-of-file errors past the end)."""
    line = _line(exc)
    if line is None:
        return None
    try:
        with path.open("rb") as fh:
            count = sum(1 for _ in fh)
    except OSError:
        return line
    return max(1, min(line, count))


def _line(exc: BaseException) -> int | None:
    lines = getattr(exc, "lines", None)  # rdflib's BadSyntax counts lines from 0
    if isinstance(lines, int):
        return lines + 1
    for attr in ("line", "lineno"):
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
    """Load RDF files into a new graph on `backend` (native parser for Oxigraph).

    With `location` (oxigraph only) the graph lives in a persistent kg store folder: if that store
    already holds exactly these files (same paths, sizes and modification times) it is opened as
    it is, in well under a second; otherwise it is rebuilt from them with Oxigraph's bulk loader.
    """
    paths = list(paths)
    if backend == "oxigraph" and location is not None:
        if not store_is_current(location, paths):
            load_store(location, paths)
        return store_graph(location)
    graph = new_graph(backend, location)
    if backend != "oxigraph":
        return read_rdf_quickly(paths, graph)
    for path in paths:
        fmt = rdf_format(path)
        if not path.is_file():
            raise StoreError("file not found", file=path, hint="check the path")
        if fmt in ("nquads", "trig"):  # named graphs into the union, as on the other backends
            read_rdf([path], graph)
            continue
        try:
            graph.parse(path, format=_OX_FORMATS.get(fmt, fmt))
        except Exception as exc:
            raise StoreError(f"cannot parse {fmt}: {first_line(exc)}", file=path, line=_error_line(path, exc)) from None
    return graph


def published_files(dist_dir: Path, include_inferred: bool = False) -> list[Path]:
    """The files of a build that make up the queryable graph: data, ontology (+ inferred triples), and
    last the type closure (`kg-types.nt`) where the build wrote one (builds before it did not)."""
    names = ["kg.ttl", "ontology.ttl"] + (["kg-inferred.ttl"] if include_inferred else [])
    folder = published_dir(dist_dir)  # resolved once: one build's files, even if another is published meanwhile
    # kg-inferred.ttl of `kg reason` (not of `kg build --reason`) is beside the links, not in the build
    files = [folder / n if (folder / n).is_file() else dist_dir / n for n in names]
    missing = [f for f in files if not f.is_file()]
    if missing:
        raise StoreError(
            f"{', '.join(str(m) for m in missing)} not found",
            hint="run `kg build` first" + (" and `kg reason`" if include_inferred else ""),
        )
    types = folder / "kg-types.nt"  # of the same build as the data
    return [*files, types] if types.is_file() else files


# ----------------------------------------------------------------------------------------------
# A persistent on-disk store: a folder with the Oxigraph database and a manifest of what it holds
# ----------------------------------------------------------------------------------------------

#: file in a kg store folder that records which files (and which build chunks) the store holds
STORE_MANIFEST = "kg-store.json"
#: sub-folder of a kg store folder that holds the Oxigraph (RocksDB) database
STORE_DB = "oxigraph"

#: rdflib parser name → Oxigraph format, for the native bulk loader
_OX_NATIVE = {"turtle": "TURTLE", "nt": "N_TRIPLES", "xml": "RDF_XML", "nquads": "N_QUADS", "trig": "TRIG"}


def store_db(location: Path) -> Path:
    """The Oxigraph database folder inside a kg store folder."""
    return location / STORE_DB


def _file_stamp(path: Path) -> list[int]:
    st = path.stat()
    return [st.st_size, st.st_mtime_ns]


def read_manifest(location: Path) -> dict[str, Any]:
    """The store's manifest, or an empty one if the folder is not (yet) a kg store."""
    try:
        data = json.loads((location / STORE_MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) and data.get("format") == 1 else {}


def store_dist_dir(location: Path) -> Path | None:
    """The folder of the files a kg store was loaded from (its build's dist/), if they share one."""
    folders = {Path(name).parent for name in read_manifest(location).get("files", {})}
    folder = folders.pop() if len(folders) == 1 else None
    if folder is not None and folder.parent.name == BUILDS:
        return folder.parent.parent  # a build's own folder (kg.atomic.publish_build): the dist/ that published it
    return folder


def write_manifest(location: Path, files: Iterable[Path], chunks: dict[str, Any] | None = None) -> None:
    """Record that the store holds `files` as they are now (and, for incremental builds, `chunks`)."""
    data = {
        "format": 1,
        "files": {str(f.resolve()): _file_stamp(f) for f in files},
        "chunks": dict(sorted((chunks or {}).items())),
    }
    write_file_atomically(location / STORE_MANIFEST, (json.dumps(data, indent=1) + "\n").encode())


def store_is_current(location: Path, paths: Iterable[Path]) -> bool:
    """True if the store folder holds exactly `paths` in their current state."""
    recorded = read_manifest(location).get("files")
    if not isinstance(recorded, dict) or not store_db(location).is_dir():
        return False
    try:
        wanted = {str(p.resolve()): _file_stamp(p) for p in paths}
    except OSError:
        return False
    return recorded == wanted


def store_graph(location: Path) -> Graph:
    """An rdflib Graph (through oxrdflib) on the default graph of an existing kg store folder."""
    from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

    new_graph("oxigraph")  # registers the oxrdflib plugin, or says how to install it
    if not store_db(location).is_dir():
        raise StoreError("no kg store here", file=location, hint="run `kg build --store DIR` first")
    graph = Graph(store="Oxigraph", identifier=DATASET_DEFAULT_GRAPH_ID)
    graph.open(str(store_db(location)))
    return graph


def read_only_graph(location: Path) -> Graph:
    """The default graph of a kg store folder opened read-only, as an rdflib Graph (through oxrdflib).

    Several processes may hold it at once (`kg serve`'s workers, `kg query --store`, `kg export --store`).
    """
    from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

    new_graph("oxigraph")  # registers the oxrdflib plugin, or says how to install it
    from oxrdflib import OxigraphStore

    return Graph(store=OxigraphStore(store=open_store(location, read_only=True)), identifier=DATASET_DEFAULT_GRAPH_ID)


def open_store(location: Path, read_only: bool = False) -> Any:
    """The pyoxigraph Store of a kg store folder.

    Read-only lets several processes share it (a server's workers, an export); it must then be a
    complete kg store (a manifest is written last), else StoreError.
    """
    import pyoxigraph

    db = store_db(location)
    if read_only:
        if not read_manifest(location) or not db.is_dir():
            raise StoreError(
                f"not a kg store (no readable {STORE_MANIFEST} and database)",
                file=location,
                hint="make one with `kg build --store DIR`",
            )
        try:
            return pyoxigraph.Store.read_only(str(db))
        except OSError as exc:
            raise StoreError(
                f"cannot open the kg store's Oxigraph database: {first_line(exc)}",
                file=location,
                hint="rebuild it with `kg build --full --store DIR`",
            ) from None
    db.mkdir(parents=True, exist_ok=True)
    return pyoxigraph.Store(str(db))


def _clear_folder(location: Path) -> None:
    """Remove a previous kg store in `location`; refuse to delete a folder that is not one."""
    if not location.exists():
        return
    known = {STORE_MANIFEST, STORE_DB}
    stray = leftovers(location / STORE_MANIFEST)  # of a manifest write that was killed
    strangers = [p.name for p in location.iterdir() if p.name not in known and p not in stray]
    if strangers:
        raise StoreError(
            f"{location} is not a kg store (it holds {', '.join(sorted(strangers)[:3])})",
            file=location,
            hint="pass an empty or new folder to --store",
        )
    shutil.rmtree(store_db(location), ignore_errors=True)
    (location / STORE_MANIFEST).unlink(missing_ok=True)
    for leftover in stray:
        leftover.unlink(missing_ok=True)


def load_store(location: Path, paths: Iterable[Path], chunks: dict[str, Any] | None = None) -> None:
    """(Re)create the store in `location` from RDF files with Oxigraph's native bulk loader."""
    paths = list(paths)
    for path in paths:
        if not path.is_file():
            raise StoreError("file not found", file=path, hint="check the path")
        if rdf_format(path) not in _OX_NATIVE:
            raise StoreError(
                f"the on-disk store cannot bulk-load {rdf_format(path)}", file=path, hint="use Turtle or N-Triples"
            )
    bulk_load_store(location, [(path, path, rdf_format(path)) for path in paths])
    write_manifest(location, paths, chunks)


def bulk_load_store(location: Path, sources: Iterable[tuple[Path | bytes, Path, str]]) -> None:
    """(Re)create the store's database from (file or bytes, file it stands for, rdflib format name).

    Sources are read one by one, so a generator of parts keeps memory low (the loader's memory
    grows with the size of each part).

    The manifest is left to the caller: a store without one is never taken as current. Oxigraph's
    loader releases the GIL, so a caller may run this in a thread while it does other work.
    """
    import pyoxigraph

    _clear_folder(location)
    location.mkdir(parents=True, exist_ok=True)
    store = open_store(location)
    for data, path, fmt in sources:  # taken one at a time: Oxigraph's loader needs memory in proportion
        if fmt not in _OX_NATIVE:
            raise StoreError(f"the on-disk store cannot bulk-load {fmt}", file=path, hint="use Turtle or N-Triples")
        native = getattr(pyoxigraph.RdfFormat, _OX_NATIVE[fmt])
        try:
            if isinstance(data, bytes):
                store.bulk_load(input=data, format=native)
            else:
                store.bulk_load(path=str(data), format=native)
        except (SyntaxError, ValueError, OSError) as exc:
            raise StoreError(f"cannot load {fmt}: {first_line(exc)}", file=path) from None
    store.optimize()
    store.flush()
    del store


def apply_diff(
    location: Path, removed: Sequence[bytes], added: Sequence[bytes], files: Iterable[Path], chunks: dict[str, Any]
) -> None:
    """Take N-Triples lines out of the store and put others in (an incremental build), then record `files`."""
    import pyoxigraph

    store = open_store(location)
    for i in range(0, len(removed), 2000):
        store.update("DELETE DATA { " + "\n".join(line.decode("utf-8") for line in removed[i : i + 2000]) + " }")
    if added:
        store.load(b"".join(line + b"\n" for line in added), format=pyoxigraph.RdfFormat.N_TRIPLES)
    store.flush()
    del store
    write_manifest(location, files, chunks)
