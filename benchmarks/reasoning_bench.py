"""Time `kg reason`'s engines (HermiT, rules) on the seed and on synthetic graphs of the kg model.

    .venv/bin/python benchmarks/reasoning_bench.py ENGINE SIZE [--seed 42]

SIZE is `seed` or a number of events (about 16 asserted triples each). Prints one JSON line:
engine, size, asserted triples, seconds for the reasoning call alone (views, Java/Oxigraph and
filtering included, graph generation excluded), seconds to write the inferred Turtle, inferred
triples, peak RSS of this Python process (HermiT's Java process is not included), and a SHA-256
of the inferred Turtle (equal digests = the engines agree). Run each cell in a fresh process.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import resource
import time

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD

from kg import pipeline, reasoning
from kg.config import Settings
from kg.namespaces import KGO, KGP

KG = "https://w3id.org/conflict-kg/id/"
VIOLENT = (KGO.Riot, KGO.ArmedAttack, KGO.ArmedClash, KGO.Seizure, KGO.Looting, KGO.Blockade)
PEACEFUL = (KGO.Protest, KGO.Commemoration, KGO.Deployment)


def synthetic_graph(events: int, seed: int) -> Graph:
    """Events at facilities in cities in regions in countries, with actors in roles; consistent by construction."""
    rng = random.Random(seed)
    g = Graph()
    countries = [URIRef(f"{KG}place/country-{i}") for i in range(20)]
    regions = [URIRef(f"{KG}place/region-{i}") for i in range(max(1, events // 200))]
    cities = [URIRef(f"{KG}place/city-{i}") for i in range(max(1, events // 50))]
    facilities = [URIRef(f"{KG}place/facility-{i}") for i in range(max(1, events // 10))]
    actors = [URIRef(f"{KG}person/p-{i}") for i in range(max(2, events // 5))]
    for tier, cls, parents in (
        (countries, KGO.Country, None),
        (regions, KGO.Region, countries),
        (cities, KGO.City, regions),
        (facilities, KGO.Facility, cities),
    ):
        for place in tier:
            g.add((place, RDF.type, cls))
            g.add((place, RDFS.label, Literal(place.rsplit("/", 1)[1], lang="en")))
            if parents is not None:
                g.add((place, KGO.withinPlace, rng.choice(parents)))
    for actor in actors:
        g.add((actor, RDF.type, KGO.Person))
        g.add((actor, RDFS.label, Literal(actor.rsplit("/", 1)[1], lang="en")))
    previous: URIRef | None = None
    for i in range(events):
        event = URIRef(f"{KG}event/synthetic/e-{i}")
        meeting = i % 10 == 0
        cls = KGO.Meeting if meeting else rng.choice(VIOLENT + PEACEFUL)
        g.add((event, RDF.type, cls))
        g.add((event, RDFS.label, Literal(f"event {i}", lang="en")))
        g.add(
            (
                event,
                KGO.startDate,
                Literal(f"20{rng.randint(10, 24)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}", datatype=XSD.date),
            )
        )
        g.add((event, KGO.datePrecision, KGP.day))
        g.add((event, KGO.location, rng.choice(facilities + cities)))
        role = KGO.attendee if meeting else (KGO.perpetrator if cls in VIOLENT else KGO.participant)
        for actor in rng.sample(actors, 3):
            g.add((event, role, actor))
        if previous is not None and cls in VIOLENT and i % 3 == 0:
            g.add((event, KGO.subEventOf, previous))
        if cls in VIOLENT:
            previous = event
    return g


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("engine", choices=("hermit", "rules"))
    parser.add_argument("size", help="'seed' or a number of synthetic events")
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    settings = Settings()
    ontology = pipeline.load_ontology(settings)
    if args.size == "seed":
        mapped = pipeline.map_corpus(settings)
        data, origins = mapped.graph, mapped.origins
    else:
        data, origins = synthetic_graph(int(args.size), args.seed), {}
    started = time.perf_counter()
    result = reasoning.reason(data, ontology, origins, reasoning.ReasonerSettings(engine=args.engine))
    seconds = time.perf_counter() - started
    written = time.perf_counter()
    payload = result.turtle(settings.base)
    turtle_seconds = time.perf_counter() - written
    print(
        json.dumps(
            {
                "engine": args.engine,
                "size": args.size,
                "asserted": len(data),
                "seconds": round(seconds, 2),
                "turtle_seconds": round(turtle_seconds, 2),
                "inferred": len(result.graph),
                "python_peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
                "sha256": hashlib.sha256(payload).hexdigest()[:16],
            }
        )
    )


if __name__ == "__main__":
    main()
