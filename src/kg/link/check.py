"""Check what `kg link` writes against the links' SHACL shapes (ontology/shapes.ttl) before writing it.

The links graph alone is validated, with the types of the reports and events it names taken from the
graph it was read from: the shapes of the rest of the graph have been checked by `kg build`.
"""

from __future__ import annotations

from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import RDF, RDFS

from kg.errors import ValidationFailed
from kg.namespaces import KGO

#: the shapes of the links (kgsh:), and the node that declares the prefixes their SPARQL uses
LINK_SHAPES = ("ReportLinkShape", "LinkFeatureShape", "LinkedEventShape")
_SHAPES_NS = "https://w3id.org/conflict-kg/shapes"


def link_shapes(shapes: Graph) -> Graph:
    """The links' shapes out of a project's shapes graph (each with its property shapes)."""
    out = Graph()
    for node in (URIRef(_SHAPES_NS), *(URIRef(f"{_SHAPES_NS}#{name}") for name in LINK_SHAPES)):
        out += shapes.cbd(node)
    return out


def check_links(nquads: bytes, graph: Graph, shapes: Graph) -> None:
    """Raise ValidationFailed (exit 1) if the links graph does not conform to the links' shapes."""
    from kg.validation import validate_graph

    ds = Dataset()
    ds.parse(data=nquads, format="nquads")
    data = Graph()
    for s, p, o, _ in ds.quads((None, None, None, None)):
        data.add((s, p, o))
    named = {o for o in data.objects(None, KGO.component)} | {o for o in data.objects(None, KGO.linkedReport)}
    for node in named:  # with their superclasses: an armed clash is a kgo:Event (SHACL's sh:class)
        for kind in graph.objects(node, RDF.type):
            for broader in graph.transitive_objects(kind, RDFS.subClassOf):
                if broader is not None:
                    data.add((node, RDF.type, broader))
    report = validate_graph(data, link_shapes(shapes))
    if not report.conforms:
        raise ValidationFailed(
            f"the links graph does not conform to the links' shapes: {len(report.violations)} violation(s); "
            "nothing was written",
            report.lines(),
        )
