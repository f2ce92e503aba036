"""Namespace constants of kg and the standard vocabularies it uses, and their prefix bindings."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rdflib import Graph, Namespace

ONTOLOGY_IRI = "https://w3id.org/conflict-kg/ontology"
VOCAB = "https://w3id.org/conflict-kg/vocab/"

#: kg's namespaces and the standard ones it uses, by constant name. Each constant (`KGO`, `SCHEMA` …) is an
#: rdflib Namespace made on first use (PEP 562 `__getattr__` below), so that importing this module, and
#: kg.config with it, does not import rdflib: `kg --help` and the other commands that need no RDF start at once.
NAMESPACES: dict[str, str] = {
    "KGO": "https://w3id.org/conflict-kg/ontology#",
    "KGET": VOCAB + "event-type/",
    "KGC": VOCAB + "count/",
    "KGQ": VOCAB + "qualifier/",
    "KGP": VOCAB + "precision/",
    "KGR": VOCAB + "role/",
    "KGF": VOCAB + "facility/",
    "ACLED": VOCAB + "acled/",
    "CAMEO": VOCAB + "cameo/",
    "UCDP": VOCAB + "ucdp/",
    "KGG": VOCAB + "geo-precision/",
    "KGS": VOCAB + "figure-status/",
    "WIKIBASE": "http://wikiba.se/ontology#",
    "SCHEMA": "https://schema.org/",
    "OA": "http://www.w3.org/ns/oa#",
    "SPDX": "http://spdx.org/rdf/terms#",
}


def __getattr__(name: str) -> Namespace:
    iri = NAMESPACES.get(name)
    if iri is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from rdflib import Namespace

    namespace = globals()[name] = Namespace(iri)
    return namespace


#: Default base IRI of the data; instances are minted under `<base>id/`.
DEFAULT_BASE = "https://w3id.org/conflict-kg/"

PREFIXES: dict[str, str] = {
    "kgo": NAMESPACES["KGO"],
    "kget": NAMESPACES["KGET"],
    "kgc": NAMESPACES["KGC"],
    "kgq": NAMESPACES["KGQ"],
    "kgp": NAMESPACES["KGP"],
    "kgr": NAMESPACES["KGR"],
    "kgf": NAMESPACES["KGF"],
    "acled": NAMESPACES["ACLED"],
    "cameo": NAMESPACES["CAMEO"],
    "ucdp": NAMESPACES["UCDP"],
    "kgg": NAMESPACES["KGG"],
    "kgs": NAMESPACES["KGS"],
    "wikibase": NAMESPACES["WIKIBASE"],
    "schema": NAMESPACES["SCHEMA"],
    "prov": "http://www.w3.org/ns/prov#",
    "oa": NAMESPACES["OA"],
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "dcat": "http://www.w3.org/ns/dcat#",
    "void": "http://rdfs.org/ns/void#",
    "spdx": NAMESPACES["SPDX"],
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "sh": "http://www.w3.org/ns/shacl#",
}


def kind_prefixes(base: str = DEFAULT_BASE) -> dict[str, str]:
    """`kg<kind>:` for the instances of each kind (`kgperson:` is `<base>id/person/`).

    A key is a valid local name in SPARQL and Turtle, so `kgperson:vladimir-putin` pastes into a query;
    `kg:person/vladimir-putin` does not (a `/` is not allowed in a local name, and engines disagree on
    the escaped `kg:person\\/…`). An article-scoped IRI (`…/id/report/<document>/<key>`) has no prefixed
    name and is written in full.
    """
    from kg.iris import KINDS

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
