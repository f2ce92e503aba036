"""SHACL validation with pyshacl: report records, one readable line per violation, exit codes.

Exit codes follow pyshacl: 0 conforms, 1 violations, 2 the validation could not run.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from rdflib import Graph, Literal, Node, URIRef
from rdflib.namespace import RDF, RDFS, SH

from kg.mapping import Origin
from kg.namespaces import PREFIXES

EXIT_CONFORMS = 0
EXIT_VIOLATIONS = 1
EXIT_ERROR = 2


@dataclass(frozen=True, order=True)
class Violation:
    """One SHACL validation result, with what a curator needs to find and fix it."""

    origin: str
    focus: str
    focus_label: str
    path: str
    message: str
    severity: str
    component: str
    value: str

    def line(self) -> str:
        """Render as one readable line: where, what, which property, why."""
        where = f"{self.origin}: " if self.origin else ""
        value = f" (value: {self.value})" if self.value else ""
        label = "" if self.focus_label in ("", self.focus) else f"{self.focus_label} "
        return f"{where}{label}<{self.focus}>: {self.path}: {self.message}{value}"


@dataclass(frozen=True)
class Report:
    """The outcome of validating one graph."""

    conforms: bool
    violations: tuple[Violation, ...]

    @property
    def exit_code(self) -> int:
        """0 if the graph conforms, 1 if not (pyshacl's convention)."""
        return EXIT_CONFORMS if self.conforms else EXIT_VIOLATIONS

    def lines(self) -> list[str]:
        """Every violation as one line, sorted by origin then focus node; identical lines once."""
        return list(dict.fromkeys(v.line() for v in self.violations))


def curie(term: Node | None) -> str:
    """Shorten an IRI with kg's prefixes; leave other terms as N3."""
    if term is None:
        return ""
    if isinstance(term, URIRef):
        iri = str(term)
        for prefix, ns in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
            if iri.startswith(ns) and len(iri) > len(ns):
                return f"{prefix}:{iri[len(ns) :]}"
        return f"<{iri}>"
    if isinstance(term, Literal):
        return term.n3()
    return str(term)


def label_of(graph: Graph, node: Node, lang: str = "en") -> str:
    """Return the node's label in `lang`, else in English, else any, else its IRI."""
    labels = [o for o in graph.objects(node, RDFS.label) if isinstance(o, Literal)]
    for wanted in (lang, "en", None):
        for lab in sorted(labels):
            if wanted is None or lab.language == wanted:
                return str(lab)
    return str(node)


def _path_text(report: Graph, result: Node) -> str:
    path = report.value(result, SH.resultPath)
    if path is None:
        return "(node)"
    if isinstance(path, URIRef):
        return curie(path)
    return "(complex path)"


def run_shacl(data: Graph, shapes: Graph, ontology: Graph | None = None) -> tuple[bool, Graph]:
    """Validate `data` (merged with `ontology`) against `shapes` with pyshacl; return its report graph."""
    import pyshacl

    merged = Graph()
    merged += data
    if ontology is not None:
        merged += ontology
    conforms, report, _ = pyshacl.validate(
        merged,
        shacl_graph=shapes,
        inference="none",
        advanced=True,
        allow_warnings=False,
    )
    assert isinstance(report, Graph)
    return bool(conforms), report


def read_report(
    report: Graph,
    data: Graph,
    origins: Mapping[URIRef, Origin] | None = None,
) -> tuple[Violation, ...]:
    """Turn a SHACL report graph into sorted Violation records."""
    origins = origins or {}
    out = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        focus = report.value(result, SH.focusNode)
        message = report.value(result, SH.resultMessage)
        origin = origins.get(focus) if isinstance(focus, URIRef) else None
        out.append(
            Violation(
                origin=str(origin) if origin else "",
                focus=str(focus),
                focus_label=label_of(data, focus) if focus is not None else "",
                path=_path_text(report, result),
                message=str(message) if message is not None else "constraint violated",
                severity=curie(report.value(result, SH.resultSeverity)),
                component=curie(report.value(result, SH.sourceConstraintComponent)),
                value=curie(report.value(result, SH.value)),
            )
        )
    return tuple(sorted(set(out)))


def validate_graph(
    data: Graph,
    shapes: Graph,
    ontology: Graph | None = None,
    origins: Mapping[URIRef, Origin] | None = None,
) -> Report:
    """Validate a data graph; return a Report with one Violation per SHACL result."""
    conforms, report = run_shacl(data, shapes, ontology)
    return Report(conforms, read_report(report, data, origins))
