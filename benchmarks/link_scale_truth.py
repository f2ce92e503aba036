"""Precision and recall of `kg link` against the truth of `benchmarks/generate_link_scale.py`.

Reports are grouped into events by the links of links.nq (connected components: what `kg link`
makes one event), and by the generator's truth; a pair of reports is predicted when one component
holds both, and true when one true event does. Precision and recall are over those pairs. Each
near-miss row that ended up in an event with any other report is counted by its kind.

Usage: python benchmarks/link_scale_truth.py TRUTH.tsv LINKS.nq
"""

from __future__ import annotations

import argparse
import re
from collections import Counter, defaultdict
from math import comb
from pathlib import Path

import networkx as nx

_LINKED = re.compile(r"^<[^>]*> <https://w3id\.org/conflict-kg/ontology#linkedReport> <[^>]*/id/report/([^>]*)> ")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("truth", type=Path)
    parser.add_argument("links", type=Path)
    args = parser.parse_args()
    event: dict[str, str] = {}
    kind: dict[str, str] = {}
    with args.truth.open(encoding="utf-8") as f:
        next(f)
        for line in f:
            report, true_event, k = line.rstrip("\n").split("\t")
            event[report], kind[report] = true_event, k
    links: dict[str, list[str]] = defaultdict(list)
    with args.links.open(encoding="utf-8") as f:
        for line in f:
            m = _LINKED.match(line)
            if m:
                links[line.split(" ", 1)[0]].append(m.group(1))
    graph = nx.Graph()
    for pair in links.values():
        graph.add_edge(*pair)
    predicted = true_positive = 0
    linked_near: Counter[str] = Counter()
    for members in nx.connected_components(graph):
        predicted += comb(len(members), 2)
        true_positive += sum(comb(n, 2) for n in Counter(event[m] for m in members).values())
        linked_near.update(kind[m] for m in members if kind[m] not in ("ucdp", "duplicate"))
    true = sum(comb(n, 2) for n in Counter(event.values()).values())
    precision = true_positive / predicted if predicted else 1.0
    recall = true_positive / true if true else 1.0
    near = Counter(k for k in kind.values() if k not in ("ucdp", "duplicate"))
    print(f"reports {len(event)}, links {len(links)}, true pairs {true}, predicted pairs {predicted}, "
          f"right {true_positive}")  # fmt: skip
    print(f"precision {precision:.4f}, recall {recall:.4f}")
    print("near-misses linked: " + ", ".join(f"{k} {linked_near[k]} of {n}" for k, n in sorted(near.items())))


if __name__ == "__main__":
    main()
