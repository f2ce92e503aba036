"""RDF dumps (Turtle, sorted N-Triples, JSON-LD with a context) and their VoID/DCAT description.

Every serialisation is deterministic: the same graph gives the same bytes, whatever the insertion
order or the hash seed, because the graph has no blank nodes and every writer sorts.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, PROV, RDF, RDFS, VOID, XSD

from kg import iris
from kg.errors import ExportError
from kg.namespaces import KGO, PREFIXES, SCHEMA, SPDX, bind_prefixes


def sorted_ntriples(graph: Graph) -> bytes:
    """N-Triples, one triple per line, lines sorted (canonical for a graph without blank nodes)."""
    text = graph.serialize(format="nt", encoding="utf-8").decode("utf-8")
    lines = sorted({line for line in text.splitlines() if line.strip()})
    return ("\n".join(lines) + "\n").encode("utf-8") if lines else b""


def _canonical_copy(graph: Graph, base: str | None) -> Graph:
    """A fresh graph with the same triples inserted in sorted order and kg's prefixes bound."""
    out = bind_prefixes(Graph(), base)
    for triple in sorted(graph):
        out.add(triple)
    return out


def turtle(graph: Graph, base: str | None = None) -> bytes:
    """Turtle with kg's prefixes; subjects and predicates sorted by rdflib's long-form writer."""
    data = _canonical_copy(graph, base).serialize(format="longturtle", encoding="utf-8")
    return data


def jsonld_context(base: str | None) -> dict[str, str]:
    """The JSON-LD @context: kg's prefixes (and `kg:` for the data namespace)."""
    ctx = dict(sorted(PREFIXES.items()))
    if base is not None:
        ctx["kg"] = base + "id/"
    return ctx


def _sort_jsonld(node: object) -> object:
    if isinstance(node, dict):
        return {k: _sort_jsonld(v) for k, v in sorted(node.items())}
    if isinstance(node, list):
        items = [_sort_jsonld(v) for v in node]
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
    return node


def jsonld(graph: Graph, base: str | None = None) -> bytes:
    """Compacted JSON-LD with kg's context; nodes and values sorted for byte-stable output."""
    ctx = jsonld_context(base)
    raw = _canonical_copy(graph, base).serialize(format="json-ld", context=ctx, auto_compact=True)
    doc = json.loads(raw)
    if isinstance(doc, dict) and "@graph" in doc:
        doc["@graph"] = _sort_jsonld(doc["@graph"])
    elif isinstance(doc, dict):
        doc = {"@context": doc.pop("@context", ctx), "@graph": [_sort_jsonld(doc)] if doc else []}
    doc["@context"] = ctx
    return (json.dumps(doc, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8")


@dataclass(frozen=True)
class DumpFormat:
    """One dump format: file name, media type, W3C format IRI and writer."""

    name: str
    filename: str
    media_type: str
    w3c_format: str
    write: Callable[[Graph, str | None], bytes]


def _nt(graph: Graph, base: str | None) -> bytes:
    return sorted_ntriples(graph)


#: The dump formats by name (kg build writes all of them).
DUMP_FORMATS: dict[str, DumpFormat] = {
    "ttl": DumpFormat("ttl", "kg.ttl", "text/turtle", "http://www.w3.org/ns/formats/Turtle", turtle),
    "nt": DumpFormat("nt", "kg.nt", "application/n-triples", "http://www.w3.org/ns/formats/N-Triples", _nt),
    "jsonld": DumpFormat("jsonld", "kg.jsonld", "application/ld+json", "http://www.w3.org/ns/formats/JSON-LD", jsonld),
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


def void_stats(data: Graph, base: str) -> VoidStats:
    """Count what VoID reports, from the graph itself."""
    subjects = set(data.subjects())
    classes: dict[URIRef, int] = {}
    for _s, o in data.subject_objects(RDF.type):
        if isinstance(o, URIRef):
            classes[o] = classes.get(o, 0) + 1
    entities = sum(1 for s in subjects if isinstance(s, URIRef) and str(s).startswith(base + "id/"))
    return VoidStats(
        triples=len(data),
        entities=entities,
        distinct_subjects=len(subjects),
        distinct_objects=len(set(data.objects())),
        properties=len(set(data.predicates())),
        classes=classes,
    )


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
        g.add((dist, DCTERMS.title, Literal(f"kg dump ({fmt.media_type})", lang="en")))
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


def checksums(payloads: Mapping[str, bytes]) -> list[tuple[DumpFormat, int, str]]:
    """(format, byte size, SHA-256) of every dump, hashed in parallel threads (hashlib frees the GIL)."""
    from concurrent.futures import ThreadPoolExecutor

    formats = list(DUMP_FORMATS.values())
    with ThreadPoolExecutor(len(formats)) as pool:
        digests = list(pool.map(lambda f: hashlib.sha256(payloads[f.filename]).hexdigest(), formats))
    return [(f, len(payloads[f.filename]), d) for f, d in zip(formats, digests, strict=True)]


def render_dumps(data: Graph, info: DatasetInfo, ontology: Graph | None = None) -> dict[str, bytes]:
    """Serialise the data graph in every dump format, plus void.ttl (and ontology.ttl if given)."""
    payloads = {fmt.filename: fmt.write(data, info.base) for fmt in DUMP_FORMATS.values()}
    void = void_graph(void_stats(data, info.base), checksums(payloads), info)
    payloads["void.ttl"] = turtle(void, info.base)
    if ontology is not None:
        payloads["ontology.ttl"] = turtle(ontology, None)
    return payloads
