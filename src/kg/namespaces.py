"""Namespace constants of kg and the standard vocabularies it uses, and their prefix bindings."""

from __future__ import annotations

from rdflib import Graph, Namespace
from rdflib.namespace import DCAT, DCTERMS, OWL, PROV, RDF, RDFS, SH, SKOS, VOID, XSD

KGO = Namespace("https://w3id.org/conflict-kg/ontology#")
ONTOLOGY_IRI = "https://w3id.org/conflict-kg/ontology"
VOCAB = "https://w3id.org/conflict-kg/vocab/"
KGET = Namespace(VOCAB + "event-type/")
KGC = Namespace(VOCAB + "count/")
KGQ = Namespace(VOCAB + "qualifier/")
KGP = Namespace(VOCAB + "precision/")
KGR = Namespace(VOCAB + "role/")
KGF = Namespace(VOCAB + "facility/")
ACLED = Namespace(VOCAB + "acled/")
CAMEO = Namespace(VOCAB + "cameo/")
UCDP = Namespace(VOCAB + "ucdp/")
KGG = Namespace(VOCAB + "geo-precision/")
KGS = Namespace(VOCAB + "figure-status/")
WIKIBASE = Namespace("http://wikiba.se/ontology#")
SCHEMA = Namespace("https://schema.org/")
OA = Namespace("http://www.w3.org/ns/oa#")
SPDX = Namespace("http://spdx.org/rdf/terms#")

#: Default base IRI of the data; instances are minted under `<base>id/`.
DEFAULT_BASE = "https://w3id.org/conflict-kg/"

PREFIXES: dict[str, str] = {
    "kgo": str(KGO),
    "kget": str(KGET),
    "kgc": str(KGC),
    "kgq": str(KGQ),
    "kgp": str(KGP),
    "kgr": str(KGR),
    "kgf": str(KGF),
    "acled": str(ACLED),
    "cameo": str(CAMEO),
    "ucdp": str(UCDP),
    "kgg": str(KGG),
    "kgs": str(KGS),
    "wikibase": str(WIKIBASE),
    "schema": str(SCHEMA),
    "prov": str(PROV),
    "oa": str(OA),
    "skos": str(SKOS),
    "dcterms": str(DCTERMS),
    "dcat": str(DCAT),
    "void": str(VOID),
    "spdx": str(SPDX),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "sh": str(SH),
}


def bind_prefixes(graph: Graph, base: str | None = None) -> Graph:
    """Bind kg's prefixes (and `kg:` for the data base IRI, if given) on `graph`; return it."""
    for prefix, iri in PREFIXES.items():
        graph.bind(prefix, iri, override=True, replace=True)
    if base is not None:
        graph.bind("kg", base + "id/", override=True, replace=True)
    return graph


def sparql_prologue(base: str | None = None) -> str:
    """Return PREFIX declarations for every kg prefix, for ad-hoc queries."""
    lines = [f"PREFIX {p}: <{iri}>" for p, iri in sorted(PREFIXES.items())]
    if base is not None:
        lines.append(f"PREFIX kg: <{base}id/>")
    return "\n".join(lines) + "\n"
