"""The dump formats and their VoID/DCAT description; Turtle for graphs with blank nodes.

The dumps themselves (kg.ttl, kg.nt, kg.jsonld) are written by pyoxigraph in `kg.build.dumps`;
VoID's statistics are counted there once, as the dumps' lines change.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, PROV, RDF, RDFS, VOID, XSD

from kg import iris
from kg.errors import ExportError
from kg.namespaces import KGO, PREFIXES, SCHEMA, SPDX, bind_prefixes


def _canonical_copy(graph: Graph, base: str | None) -> Graph:
    """A fresh graph with the same triples inserted in sorted order and kg's prefixes bound."""
    out = bind_prefixes(Graph(), base)
    for triple in sorted(graph):
        out.add(triple)
    return out


def turtle(graph: Graph, base: str | None = None) -> bytes:
    """Turtle of a graph that may hold blank nodes (the ontology, inferred triples), by rdflib's long-form writer.

    The data dumps, which hold none, are written by pyoxigraph (`kg.build.dumps`).
    """
    return _canonical_copy(graph, base).serialize(format="longturtle", encoding="utf-8")


def jsonld_context(base: str | None) -> dict[str, str]:
    """The JSON-LD @context: kg's prefixes (and `kg:` for the data namespace)."""
    ctx = dict(sorted(PREFIXES.items()))
    if base is not None:
        ctx["kg"] = base + "id/"
    return ctx


@dataclass(frozen=True)
class DumpFormat:
    """One dump format: file name, media type and W3C format IRI (pyoxigraph writes them: `kg.build.dumps`)."""

    name: str
    filename: str
    media_type: str
    w3c_format: str
    title: str = "kg dump"


#: The dump formats by name (kg build writes all of them).
DUMP_FORMATS: dict[str, DumpFormat] = {
    "ttl": DumpFormat("ttl", "kg.ttl", "text/turtle", "http://www.w3.org/ns/formats/Turtle"),
    "nt": DumpFormat("nt", "kg.nt", "application/n-triples", "http://www.w3.org/ns/formats/N-Triples"),
    "jsonld": DumpFormat("jsonld", "kg.jsonld", "application/ld+json", "http://www.w3.org/ns/formats/JSON-LD"),
    # not the data: the rdf:type triples its class hierarchy implies (kg.exporters.types), to load beside it
    "types": DumpFormat(
        "types", "kg-types.nt", "application/n-triples", "http://www.w3.org/ns/formats/N-Triples", "kg type closure"
    ),
}


def get_dump_format(name: str) -> DumpFormat:
    """Return a dump format by name; raise ExportError listing the valid names."""
    try:
        return DUMP_FORMATS[name]
    except KeyError:
        raise ExportError(f"unknown dump format {name!r}", hint=f"use one of {', '.join(DUMP_FORMATS)}") from None


@dataclass(frozen=True)
class DatasetInfo:
    """What the VoID description says about the dataset besides what it counts."""

    base: str
    license: str
    generated: dt.date
    sources: tuple[URIRef, ...]
    example_resources: tuple[URIRef, ...]
    title: str = "kg: conflict events from news reports"
    description: str = (
        "Events of political violence and diplomacy coded from news articles, with the actors, places, "
        "figures (with their qualifiers) and claims they report, each tied to the quote it came from."
    )
    version: str = "0.1.0"
    #: the triples describing the dataset releases whose rows the graph holds (licence, citation, terms)
    releases: tuple[tuple[URIRef, URIRef, URIRef | Literal], ...] = ()


VOCABULARIES = (
    str(KGO),
    "https://schema.org/",
    "http://www.w3.org/ns/prov#",
    "http://www.w3.org/ns/oa#",
    "http://www.w3.org/2004/02/skos/core#",
    "http://purl.org/dc/terms/",
)


def _local(iri: str) -> str:
    for sep in ("#", "/"):
        if sep in iri:
            iri = iri.rsplit(sep, 1)[1] or iri
    return "".join(ch if ch.isalnum() else "-" for ch in iri).strip("-").lower() or "x"


@dataclass(frozen=True)
class VoidStats:
    """The statistics VoID reports about the data graph."""

    triples: int
    entities: int  # distinct IRI subjects minted under the dataset's uriSpace
    distinct_subjects: int
    distinct_objects: int
    properties: int
    classes: dict[URIRef, int]  # class → instances (rdf:type triples)


def void_graph(stats: VoidStats, checksums: Iterable[tuple[DumpFormat, int, str]], info: DatasetInfo) -> Graph:
    """Describe the dataset in VoID + DCAT + PROV: statistics, dumps with size, licence and SHA-256."""
    base = info.base
    g = bind_prefixes(Graph(), base)
    ds = iris.mint(base, "dataset", "kg")
    build = URIRef(f"{ds}/build")
    generated = Literal(f"{info.generated.isoformat()}T00:00:00Z", datatype=XSD.dateTime)
    g.add((ds, RDF.type, VOID.Dataset))
    g.add((ds, RDF.type, DCAT.Dataset))
    g.add((ds, DCTERMS.title, Literal(info.title, lang="en")))
    g.add((ds, DCTERMS.description, Literal(info.description, lang="en")))
    g.add((ds, DCTERMS.license, URIRef(info.license)))
    g.add((ds, DCTERMS.modified, Literal(info.generated.isoformat(), datatype=XSD.date)))
    g.add((ds, SCHEMA.version, Literal(info.version)))
    g.add((ds, PROV.generatedAtTime, generated))
    g.add((ds, PROV.wasGeneratedBy, build))
    g.add((build, RDF.type, PROV.Activity))
    g.add((build, RDFS.label, Literal("kg build", lang="en")))
    g.add((build, PROV.endedAtTime, generated))
    for src in info.sources:
        g.add((ds, PROV.wasDerivedFrom, src))
        g.add((build, PROV.used, src))
    g.add((ds, VOID.uriSpace, Literal(base + "id/")))
    g.add((ds, VOID.sparqlEndpoint, URIRef(base + "sparql")))
    g.add((ds, VOID.rootResource, ds))
    for ex in info.example_resources:
        g.add((ds, VOID.exampleResource, ex))
    for vocab in VOCABULARIES:
        g.add((ds, VOID.vocabulary, URIRef(vocab)))
    _release_subsets(g, ds, info.releases)

    classes = stats.classes
    g.add((ds, VOID.triples, Literal(stats.triples, datatype=XSD.integer)))
    g.add((ds, VOID.entities, Literal(stats.entities, datatype=XSD.integer)))
    g.add((ds, VOID.classes, Literal(len(classes), datatype=XSD.integer)))
    g.add((ds, VOID.properties, Literal(stats.properties, datatype=XSD.integer)))
    g.add((ds, VOID.distinctSubjects, Literal(stats.distinct_subjects, datatype=XSD.integer)))
    g.add((ds, VOID.distinctObjects, Literal(stats.distinct_objects, datatype=XSD.integer)))
    for cls, n in sorted(classes.items()):
        part = URIRef(f"{ds}/class/{_local(str(cls))}-{hashlib.sha1(str(cls).encode()).hexdigest()[:8]}")
        g.add((ds, VOID.classPartition, part))
        g.add((part, VOID["class"], cls))
        g.add((part, VOID.entities, Literal(n, datatype=XSD.integer)))

    for fmt, size, sha256 in checksums:
        dist = iris.mint(base, "distribution", fmt.filename.replace(".", "-"))
        url = URIRef(f"{base}dumps/{fmt.filename}")
        checksum = URIRef(f"{dist}/sha256")
        g.add((ds, VOID.dataDump, url))
        g.add((ds, VOID.feature, URIRef(fmt.w3c_format)))
        g.add((ds, DCAT.distribution, dist))
        g.add((dist, RDF.type, DCAT.Distribution))
        g.add((dist, DCTERMS.title, Literal(f"{fmt.title} ({fmt.media_type})", lang="en")))
        g.add((dist, DCAT.downloadURL, url))
        g.add((dist, DCAT.accessURL, url))
        g.add((dist, DCAT.mediaType, URIRef(f"https://www.iana.org/assignments/media-types/{fmt.media_type}")))
        g.add((dist, DCTERMS.format, Literal(fmt.media_type)))
        g.add((dist, DCAT.byteSize, Literal(size, datatype=XSD.nonNegativeInteger)))
        g.add((dist, DCTERMS.license, URIRef(info.license)))
        g.add((dist, SPDX.checksum, checksum))
        g.add((checksum, RDF.type, SPDX.Checksum))
        g.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
        g.add((checksum, SPDX.checksumValue, Literal(sha256, datatype=XSD.hexBinary)))
    return g


#: what VoID repeats of a dataset release's own description
_RELEASE_TERMS = (DCTERMS.title, DCTERMS.license, DCTERMS.bibliographicCitation, DCTERMS.rights, KGO.redistributable)


def _release_subsets(g: Graph, ds: URIRef, releases: Iterable[tuple[URIRef, URIRef, URIRef | Literal]]) -> None:
    """Each dataset release is a void:subset with its own licence, citation and terms (VoID §6.4); a
    release whose terms forbid redistribution is named in the dataset's dcterms:rights."""
    forbidden = []
    for s, p, o in releases:
        if p in _RELEASE_TERMS:
            g.add((ds, VOID.subset, s))
            g.add((s, RDF.type, VOID.Dataset))
            g.add((s, p, o))
            g.add((ds, PROV.wasDerivedFrom, s))
            if p == KGO.redistributable and o == Literal(False):
                forbidden.append(str(s))
    if forbidden:
        text = (
            "Holds rows of dataset releases whose terms forbid redistributing them "
            f"({', '.join(sorted(forbidden))}): do not publish these dumps without the data owner's permission."
        )
        g.add((ds, DCTERMS.rights, Literal(text, lang="en")))


def checksums(payloads: Mapping[str, bytes]) -> list[tuple[DumpFormat, int, str]]:
    """(format, byte size, SHA-256) of every dump, hashed in parallel threads (hashlib frees the GIL)."""
    from concurrent.futures import ThreadPoolExecutor

    formats = list(DUMP_FORMATS.values())
    with ThreadPoolExecutor(len(formats)) as pool:
        digests = list(pool.map(lambda f: hashlib.sha256(payloads[f.filename]).hexdigest(), formats))
    return [(f, len(payloads[f.filename]), d) for f, d in zip(formats, digests, strict=True)]
