"""The links `kg link` wrote (`links.nq`): one chunk whose triples put the linked events, their
kgo:component events and the links' provenance into the build, so that the stored queries answer a
linked event with all its reports.

The file is what `kg link` made of the last build: a component event that no document of this build
declares any more is refused with one line (run `kg link` again); a file that is not there yet gives
no chunk, so a project builds before its first `kg link`. A file written under another base IRI (the
bundled data/links.nq, built with `--base` or $KG_BASE_IRI) is read as kg link would have written it
under this build's base: its IRIs move to the base, and those minted from digests of IRIs (the links,
their features, the linked events) are minted again.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from pathlib import Path

from rdflib import BNode, Dataset, Literal, URIRef
from rdflib.namespace import DCTERMS

from kg import iris
from kg.errors import KGError
from kg.mapping import Origin
from kg.namespaces import KGO
from kg.sources import ChunkInput, ChunkRead, Reference, Triple


class LinksFileError(KGError):
    """The links file is not the N-Quads of one kg link graph under the build's base IRI."""


#: the end of the links graph's IRI, after the base (kg.link.publish.links_graph_iri)
_GRAPH_TAIL = "id/dataset/links"


def rebased(triples: set[Triple], old: str, new: str) -> set[Triple]:
    """The triples of a links graph kg link wrote under the base `old`, as it writes them under `new`."""
    from kg.link.publish import _digest, link_iri

    def move(term: URIRef | Literal) -> URIRef | Literal:  # instances only: <base>id/… (not an ontology's IRIs)
        return URIRef(new + term[len(old) :]) if isinstance(term, URIRef) and term.startswith(old + "id/") else term

    moved = {(URIRef(move(s)), p, move(o)) for s, p, o in triples}
    reports: dict[URIRef, list[str]] = defaultdict(list)
    components: dict[URIRef, list[str]] = defaultdict(list)
    for s, p, o in moved:
        if p == KGO.linkedReport:
            reports[s].append(str(o))
        elif p == KGO.component:
            components[s].append(str(o))
    renamed = {s: link_iri(new, *pair) for s, pair in reports.items() if len(pair) == 2}
    renamed |= {s: iris.mint(new, "event", "linked", _digest(*sorted(c))) for s, c in components.items()}

    def name(term: URIRef | Literal) -> URIRef | Literal:
        if not isinstance(term, URIRef):
            return term
        head, sep, feature = term.partition("/feature/")
        if sep and URIRef(head) in renamed:
            return URIRef(f"{renamed[URIRef(head)]}/feature/{feature}")
        return renamed.get(term, term)

    return {(URIRef(name(s)), p, name(o)) for s, p, o in moved}


def _lines(path: Path) -> dict[str, int]:
    """The first line of each subject (kg link writes one sorted quad a line)."""
    first: dict[str, int] = {}
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if line.startswith("<"):
                first.setdefault(line[1 : line.find(">")], n)
    return first


class LinksSource:
    """`links.nq` as kg link writes it (in dist/ unless told otherwise): one chunk."""

    needs: tuple[str, ...] = ("registry",)

    def discover(self, path: Path) -> list[ChunkInput]:
        if path.is_dir():
            raise LinksFileError("is a folder; expected the links.nq that kg link writes", file=path)
        if not path.exists():
            return []  # kg link has not run yet
        return [ChunkInput("links", "links", (path,), path)]

    def read(self, chunk: ChunkInput, needs: Mapping[str, object], base: str) -> ChunkRead:
        from kg.link.publish import links_graph_iri
        from kg.sources.registry import Provided
        from kg.store import first_line

        graph = links_graph_iri(base)
        ds = Dataset()
        try:
            ds.parse(chunk.path, format="nquads")
        except Exception as exc:  # rdflib raises many unrelated types for bad syntax
            raise LinksFileError(f"cannot parse N-Quads: {first_line(exc)}", file=chunk.path) from None
        lines = _lines(chunk.path)
        triples: set[Triple] = set()
        written = base  # the base the file was written under: its links graph's IRI, less the tail
        for *_, g in ds.quads((None, None, None, None)):
            first = str(getattr(g, "identifier", g))
            if first.endswith(_GRAPH_TAIL) and first != str(graph):
                written = first[: -len(_GRAPH_TAIL)]
            break
        graph = links_graph_iri(written)
        for s, p, o, g in ds.quads((None, None, None, None)):
            name = getattr(g, "identifier", g)
            if name != graph:
                raise LinksFileError(
                    f"a quad outside the links graph <{graph}> (in {name})",
                    file=chunk.path,
                    line=lines.get(str(s)),
                    hint="give the links.nq that kg link wrote for this base IRI",
                )
            if isinstance(s, BNode) or isinstance(o, BNode):
                raise LinksFileError("a blank node: kg publishes none", file=chunk.path, line=lines.get(str(s)))
            assert isinstance(s, URIRef) and isinstance(p, URIRef) and isinstance(o, URIRef | Literal)
            triples.add((s, p, o))
        if written != base:
            triples = rebased(triples, written, base)
        registry = needs["registry"]
        assert isinstance(registry, Provided)
        shared = {str(i) for i in registry.terms.refs.values()}
        refers = tuple(
            Reference(str(o), lines.get(str(s)), "kgo:component")
            for s, p, o in sorted(triples)
            if p == KGO.component and str(o) not in shared
        )
        days = sorted(str(o) for _, p, o in triples if p == DCTERMS.date)
        return ChunkRead(triples, date=days[-1] if days else None, name="links", refers=refers)

    def origins(self, chunks: Sequence[ChunkInput], needs: Mapping[str, object], base: str) -> dict[URIRef, Origin]:
        prefix = str(iris.mint(base, "link", "x"))[:-1]
        linked = str(iris.mint(base, "event", "linked", "x"))[:-1]
        return {
            URIRef(s): Origin(c.path, n)
            for c in chunks
            for s, n in _lines(c.path).items()
            if s.startswith((prefix, linked))
        }


SOURCE = LinksSource()
