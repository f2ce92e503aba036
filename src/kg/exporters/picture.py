"""A picture of a network projection (PNG): a force-directed layout with a fixed seed, nodes coloured
by class as in the GEXF export, events and actors labelled.

matplotlib is an optional dependency (the `docs` and `test` extras); it is imported only here, and
only through its object API (no pyplot, so no global backend is chosen).
"""

from __future__ import annotations

import io
import textwrap
from collections import Counter
from typing import TYPE_CHECKING

from kg.errors import MissingExtra
from kg.exporters.network import Network

if TYPE_CHECKING:
    import networkx as nx

#: Seed of the spring layout: the same network gives the same picture.
LAYOUT_SEED = 2022
#: Categories and classes whose nodes get a text label (claims, figures, facilities would only clutter it).
LABELLED = frozenset({"kgo:Event", "kgo:Actor", "kgo:Country", "kgo:City"})


def _short(label: str, width: int = 26) -> str:
    return "\n".join(textwrap.wrap(label, width, max_lines=2, placeholder="…"))


def layout(graph: nx.Graph, seed: int = LAYOUT_SEED) -> dict[str, tuple[float, float]]:
    """ForceAtlas2 (Gephi's own layout) per connected component: the largest fills the unit square,
    the small ones (a document and its publisher …) sit in a row beneath it instead of far away."""
    import networkx as nx

    parts = sorted((sorted(c) for c in nx.connected_components(graph)), key=lambda c: (-len(c), c[0]))
    pos: dict[str, tuple[float, float]] = {}
    slot = 0.0
    for i, nodes in enumerate(parts):
        sub = nx.Graph()  # not graph.subgraph(): a view of a small part iterates a set (hash-seed order)
        sub.add_nodes_from(nodes)
        sub.add_edges_from(sorted((a, b, d) for a, b, d in graph.edges(nodes, data=True)))
        degree = dict(sub.degree())
        raw = (
            nx.forceatlas2_layout(
                sub,
                seed=seed,
                max_iter=800,
                scaling_ratio=8.0,
                gravity=1.0,
                node_size={n: 1.0 + 0.15 * d for n, d in degree.items()},
            )
            if len(nodes) > 2
            else {n: (float(j), 0.0) for j, n in enumerate(nodes)}
        )
        xs = [float(p[0]) for p in raw.values()]
        ys = [float(p[1]) for p in raw.values()]
        span = max(max(xs) - min(xs), max(ys) - min(ys), 1e-9)
        scale, dx, dy = (1.0, 0.0, 0.0) if i == 0 else (min(0.12, 0.04 * len(nodes)), slot, -0.12)
        if i > 0:
            slot += scale + 0.08
        for n in nodes:
            x, y = raw[n]
            pos[n] = (dx + scale * (float(x) - min(xs)) / span, dy + scale * (float(y) - min(ys)) / span)
    return pos


def render_png(
    net: Network, *, seed: int = LAYOUT_SEED, width: float = 18.0, height: float = 12.5, dpi: int = 100
) -> bytes:
    """Lay the network out and draw it to PNG bytes."""
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.collections import LineCollection
        from matplotlib.figure import Figure
        from matplotlib.lines import Line2D
    except ImportError:
        raise MissingExtra(
            "the png export needs matplotlib", hint="install it with: pip install 'kg-conflict[docs]'"
        ) from None
    import networkx as nx

    simple = nx.Graph()
    simple.add_nodes_from(n.id for n in net.nodes)
    pairs = Counter(tuple(sorted((e.source, e.target))) for e in net.edges if e.source != e.target)
    for (a, b), n in sorted(pairs.items()):
        simple.add_edge(a, b, weight=float(n))
    degree = dict(simple.degree())
    pos = layout(simple, seed)

    fig = Figure(figsize=(width, height), dpi=dpi)
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0.0, 0.0, 0.78, 1.0))
    ax.set_axis_off()
    segments = [(pos[a], pos[b]) for a, b in simple.edges()]
    ax.add_collection(LineCollection(segments, colors="#9a9a9a", linewidths=0.6, alpha=0.55, zorder=1))
    xs = [pos[n.id][0] for n in net.nodes]
    ys = [pos[n.id][1] for n in net.nodes]
    colors = [tuple(c / 255 for c in n.color) for n in net.nodes]
    sizes = [40 + 22 * degree.get(n.id, 0) for n in net.nodes]
    ax.scatter(xs, ys, s=sizes, c=colors, edgecolors="white", linewidths=0.8, zorder=2)
    for node in net.nodes:
        if {node.attributes.get("category"), node.attributes.get("type")} & LABELLED:
            x, y = pos[node.id]
            ax.annotate(
                _short(node.label),
                (x, y),
                xytext=(0, 7),
                textcoords="offset points",
                ha="center",
                va="bottom",
                fontsize=7.5,
                zorder=3,
                bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.7},
            )
    ax.set_xlim(min(xs) - 0.1, max(xs) + 0.1)  # room for the labels of the outermost nodes
    ax.set_ylim(min(ys) - 0.05, max(ys) + 0.06)

    types: dict[str, tuple[int, int, int]] = {}
    for node in net.nodes:
        types.setdefault(str(node.attributes.get("type", "")), node.color)
    counts = Counter(str(n.attributes.get("type", "")) for n in net.nodes)
    handles = [
        Line2D(
            [],
            [],
            marker="o",
            linestyle="",
            markersize=8,
            markerfacecolor=(color[0] / 255, color[1] / 255, color[2] / 255),
            markeredgecolor="white",
            label=f"{name} ({counts[name]})",
        )
        for name, color in sorted(types.items(), key=lambda kv: (kv[1] == (140, 140, 140), kv[0]))
    ]
    fig.legend(
        handles=handles,
        loc="center left",
        bbox_to_anchor=(0.785, 0.5),
        frameon=False,
        fontsize=9,
        title=f"kg {net.projection}: {len(net.nodes)} nodes, {len(net.edges)} edges",
        title_fontsize=10,
    )
    buf = io.BytesIO()
    fig.savefig(buf, format="png", metadata={"Software": None})
    return buf.getvalue()
