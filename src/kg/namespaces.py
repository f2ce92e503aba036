"""Namespace constants of kg and the standard vocabularies it uses, and their prefix bindings."""

from __future__ import annotations

import re
from collections.abc import Mapping

from rdflib import Graph, Namespace
from rdflib.namespace import DCAT, DCTERMS, OWL, PROV, RDF, RDFS, SH, SKOS, VOID, XSD

from kg.iris import KINDS

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


def kind_prefixes(base: str = DEFAULT_BASE) -> dict[str, str]:
    """`kg<kind>:` for the instances of each kind (`kgperson:` is `<base>id/person/`).

    A key is a valid local name in SPARQL and Turtle, so `kgperson:vladimir-putin` pastes into a query;
    `kg:person/vladimir-putin` does not (a `/` is not allowed in a local name, and engines disagree on
    the escaped `kg:person\\/…`). An article-scoped IRI (`…/id/report/<document>/<key>`) has no prefixed
    name and is written in full.
    """
    return {f"kg{kind}": f"{base}id/{kind}/" for kind in KINDS}


#: a local name that SPARQL 1.1 (PN_LOCAL, production [169]) and Turtle 1.1 both read the same way,
#: without escapes: ASCII letters, digits, `_`, `-` and inner `.`
_PN_LOCAL = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_-])?")


def prefixed_name(iri: str, prefixes: Mapping[str, str]) -> str | None:
    """`prefix:local` for an IRI under one of `prefixes` (the longest that fits), if the rest is a plain
    local name; else None (write the IRI in full)."""
    fits = [(len(ns), p) for p, ns in prefixes.items() if iri.startswith(ns) and _PN_LOCAL.fullmatch(iri[len(ns) :])]
    if not fits:
        return None
    length, prefix = max(fits)
    return f"{prefix}:{iri[length:]}"


def bind_prefixes(graph: Graph, base: str | None = None) -> Graph:
    """Bind kg's prefixes (and `kg:` for the data base IRI, if given) on `graph`; return it."""
    for prefix, iri in PREFIXES.items():
        graph.bind(prefix, iri, override=True, replace=True)
    if base is not None:
        graph.bind("kg", base + "id/", override=True, replace=True)
    return graph


def sparql_prologue(base: str | None = None) -> str:
    """Return PREFIX declarations for every kg prefix (with `base`: `kg:` and `kg<kind>:`), for ad-hoc queries."""
    lines = [f"PREFIX {p}: <{iri}>" for p, iri in sorted(PREFIXES.items())]
    if base is not None:
        lines.append(f"PREFIX kg: <{base}id/>")
        lines += [f"PREFIX {p}: <{iri}>" for p, iri in kind_prefixes(base).items()]
    return "\n".join(lines) + "\n"
