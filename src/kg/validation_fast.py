"""SHACL validation that scales: shacl-rust (Rust, streaming) with pyshacl kept as the reference.

shacl-rust 0.2 evaluates every constraint of kg's shapes correctly except a qualified value shape
over *literal* value nodes: `sh:qualifiedValueShape [ sh:languageIn ( "en" ) ]` reports
"0 values conform" for every focus node (sh:languageIn on its own works). Such property shapes
are rewritten, before the shapes reach the engine, into an equivalent `sh:not` of "every value
is outside these languages" on a copy of every node shape that uses them (a SPARQL-based
constraint works too, but is slower); its results are reported back as the original
QualifiedMinCount results (same focus node, path, component and source shape), so the combined
report equals pyshacl's.
`tests/test_scale.py` checks that equality on a corpus with injected violations of every kind.

The engines sit in a dispatch table (`ENGINES`): `pyshacl` (the reference, report graph) and
`fast` (this module). Both return `kg.validation.Report`.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from rdflib import BNode, Graph, Literal, Node, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH

from kg.errors import KGError
from kg.mapping import Origin
from kg.validation import Report, Violation, curie, label_of, validate_graph

#: namespace of the shapes this module adds for the engine; never seen in a report
_REWRITE_NS = "urn:kg:validation-fast:"
_QUALIFIED_MIN = SH.QualifiedMinCountConstraintComponent
_TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)


class ShapesNotSupported(KGError):
    """The shapes use a construct the fast engine cannot evaluate exactly."""


@dataclass(frozen=True)
class Rewrite:
    """A literal qualified-value property shape turned into a SPARQL constraint on a node shape."""

    node_shape: URIRef  # the added node shape (in _REWRITE_NS)
    property_shape: Node  # the original property shape, reported as sh:sourceShape
    path: URIRef
    message: str


@dataclass(frozen=True)
class PreparedShapes:
    """Shapes as the engine gets them (Turtle text) and how to map its results back."""

    text: str
    rewrites: Mapping[str, Rewrite]  # str(node_shape) → rewrite


def _language_only(shapes: Graph, q: Node) -> list[str] | None:
    """The languages of a qualified value shape that only says sh:languageIn, else None."""
    preds = {p for p in shapes.predicates(q, None) if p != RDF.type}
    if preds != {SH.languageIn}:
        return None
    head = shapes.value(q, SH.languageIn)
    return [str(x) for x in Collection(shapes, head)] if head is not None else None


def prepare_shapes(shapes: Graph) -> PreparedShapes:
    """Rewrite the constructs shacl-rust gets wrong; raise ShapesNotSupported for ones it cannot take."""
    out = Graph()
    for t in shapes:
        out.add(t)
    rewrites: dict[str, Rewrite] = {}
    for prop, q in sorted(shapes.subject_objects(SH.qualifiedValueShape), key=lambda so: (str(so[0]), str(so[1]))):
        languages = _language_only(shapes, q)
        if languages is None:
            if any(p in (SH.languageIn, SH.datatype, SH.nodeKind, SH.pattern) for p in shapes.predicates(q, None)):
                raise ShapesNotSupported(
                    f"qualified value shape of {curie(prop)} constrains literals in a way the fast engine "
                    "cannot rewrite",
                    hint="validate with --shacl-engine pyshacl",
                )
            continue
        path = shapes.value(prop, SH.path)
        low = shapes.value(prop, SH.qualifiedMinCount)
        single = isinstance(low, Literal) and low.toPython() == 1
        if not isinstance(path, URIRef) or not single or (prop, SH.qualifiedMaxCount, None) in shapes:
            raise ShapesNotSupported(
                f"{curie(prop)}: only sh:qualifiedMinCount 1 on a plain predicate path is rewritten "
                "for the fast engine",
                hint="validate with --shacl-engine pyshacl",
            )
        message = shapes.value(prop, SH.message)
        for node_shape in sorted(shapes.subjects(SH.property, prop), key=str):
            out.remove((node_shape, SH.property, prop))
            added = URIRef(f"{_REWRITE_NS}{len(rewrites)}")
            out.add((added, RDF.type, SH.NodeShape))
            for target in _TARGETS:
                for o in shapes.objects(node_shape, target):
                    out.add((added, target, o))
            # "some value is in one of these languages" = not "every value is outside them" (SHACL §4.6.1)
            every_outside, each, outside, languages_list = BNode(), BNode(), BNode(), BNode()
            out.add((added, SH["not"], every_outside))
            out.add((every_outside, SH.property, each))
            out.add((each, SH.path, path))
            out.add((each, SH["not"], outside))
            Collection(out, languages_list, [Literal(lang) for lang in languages])
            out.add((outside, SH.languageIn, languages_list))
            rewrites[str(added)] = Rewrite(added, prop, path, str(message) if message is not None else "")
    return PreparedShapes(out.serialize(format="nt"), rewrites)


class _Chain(io.RawIOBase):
    """A binary file over a sequence of byte strings, so N-Triples chunks stream into the engine."""

    def __init__(self, parts: Iterable[bytes]) -> None:
        self._parts: Iterator[bytes] = iter(parts)
        self._buf = memoryview(b"")

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:
        while not len(self._buf):
            try:
                self._buf = memoryview(next(self._parts))
            except StopIteration:
                return 0
        n = min(len(b), len(self._buf))
        b[:n] = self._buf[:n]
        self._buf = self._buf[n:]
        return n


def _iri(text: str | None) -> str:
    if not text:
        return ""
    if text.startswith("<") and text.endswith(">"):
        return text[1:-1]
    return text[2:] if text.startswith("_:") else text


@dataclass(frozen=True)
class Result:
    """One engine result, with terms as IRIs (or N-Triples for literals)."""

    focus: str
    path: str
    component: str
    source_shape: str
    message: str
    value: str

    def key(self) -> tuple[str, str, str]:
        """What two engines must agree on: focus node, path, constraint component."""
        return (self.focus, self.path, self.component)


def run_fast(data_nt: Iterable[bytes], shapes: PreparedShapes) -> list[Result]:
    """Validate N-Triples (ontology included) with shacl-rust; map rewritten results back."""
    try:
        import shacl_rust
    except ImportError:
        raise KGError(
            "the fast SHACL engine needs shacl-rust",
            hint="pip install 'kg-conflict[scale]' (or shacl-rust), or use --shacl-engine pyshacl",
        ) from None
    report = shacl_rust.validate_file(
        _Chain(data_nt),
        io.BytesIO(shapes.text.encode("utf-8")),
        data_format="nt",
        shapes_format="nt",
        experimental_index=True,
    )
    out: list[Result] = []
    for r in report["results"]:
        shape = _iri(r.get("sourceShape"))
        messages = r.get("messages") or []
        rewrite = shapes.rewrites.get(shape)
        if rewrite is not None:
            out.append(
                Result(
                    _iri(r["focusNode"]),
                    str(rewrite.path),
                    str(_QUALIFIED_MIN),
                    str(rewrite.property_shape),
                    rewrite.message,
                    "",
                )
            )
            continue
        out.append(
            Result(
                _iri(r["focusNode"]),
                _iri(r.get("resultPath")),
                _iri(r.get("sourceConstraintComponent")),
                shape,
                str(messages[-1]) if messages else "constraint violated",
                str(r.get("value") or ""),
            )
        )
    return sorted(set(out), key=lambda x: (x.focus, x.path, x.component, x.source_shape))


def pyshacl_results(report: Graph) -> list[Result]:
    """The results of a pyshacl report graph as Result records (for comparing engines)."""
    out = set()
    for r in report.subjects(RDF.type, SH.ValidationResult):
        path = report.value(r, SH.resultPath)
        out.add(
            Result(
                str(report.value(r, SH.focusNode)),
                str(path) if isinstance(path, URIRef) else "",
                str(report.value(r, SH.sourceConstraintComponent)),
                str(report.value(r, SH.sourceShape)),
                str(report.value(r, SH.resultMessage) or ""),
                "",
            )
        )
    return sorted(out, key=lambda x: (x.focus, x.path, x.component, x.source_shape))


def to_report(results: list[Result], labels: Graph | None, origins: Mapping[URIRef, Origin] | None = None) -> Report:
    """Turn engine results into kg's Report (one Violation per result, sorted)."""
    origins = origins or {}
    violations = []
    for r in results:
        focus = URIRef(r.focus)
        origin = origins.get(focus)
        violations.append(
            Violation(
                origin=str(origin) if origin else "",
                focus=r.focus,
                focus_label=label_of(labels, focus) if labels is not None else r.focus,
                path=curie(URIRef(r.path)) if r.path else "(node)",
                message=r.message or "constraint violated",
                severity="sh:Violation",
                component=curie(URIRef(r.component)),
                value=r.value,
            )
        )
    return Report(not violations, tuple(sorted(set(violations))))


def _graph_nt(graph: Graph) -> bytes:
    return graph.serialize(format="nt", encoding="utf-8")


def validate_fast(
    data: Graph,
    shapes: Graph,
    ontology: Graph | None = None,
    origins: Mapping[URIRef, Origin] | None = None,
) -> Report:
    """Validate an rdflib graph (merged with `ontology`) with the fast engine."""
    parts = [_graph_nt(data)] + ([_graph_nt(ontology)] if ontology is not None else [])
    return to_report(run_fast(parts, prepare_shapes(shapes)), data, origins)


Engine = Callable[[Graph, Graph, "Graph | None", "Mapping[URIRef, Origin] | None"], Report]

#: SHACL engines by name: pyshacl is the reference; fast is shacl-rust plus the rewrites above
ENGINES: dict[str, Engine] = {
    "pyshacl": validate_graph,
    "fast": validate_fast,
}


def get_engine(name: str) -> Engine:
    """Return a SHACL engine by name; raise KGError listing the valid names."""
    try:
        return ENGINES[name]
    except KeyError:
        raise KGError(f"unknown SHACL engine {name!r}", hint=f"use one of {', '.join(ENGINES)}") from None
