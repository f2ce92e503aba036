"""Gephi exports of a network projection: GEXF 1.3 (dynamic or static), GraphML, CSV tables, a picture.

GEXF is written with lxml rather than networkx, whose `write_gexf` output does not validate against
the GEXF 1.3 schema (wrong xsi namespace, a `name` attribute on `<graph>`, a clock date in `<meta>`)
and drops the edge `kind` that keeps parallel edges apart.

Each writer is deterministic: nodes and edges come sorted from the projection, attributes are
declared in a fixed order with one type each, and nothing depends on the clock or the hash seed.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from kg.atomic import is_stream, write_outputs
from kg.errors import ExportError
from kg.exporters.network import GraphData, Interval, Network, Value, build_network

GEXF_NS = "http://gexf.net/1.3"
#: The namespace Gephi 0.10, Gephi Lite (graphology-gexf) and networkx write and read `viz:color` in.
VIZ_NS = "http://gexf.net/1.3/viz"
GRAPHML_NS = "http://graphml.graphdrawing.org/xmlns"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
GEXF_SCHEMA_LOCATION = f"{GEXF_NS} {GEXF_NS}/gexf.xsd"
GRAPHML_SCHEMA_LOCATION = f"{GRAPHML_NS} {GRAPHML_NS}/1.0/graphml.xsd"
#: Node attributes that come first, in this order; the rest are sorted by name.
LEADING_ATTRIBUTES = ("type", "category", "iri")


# --------------------------------------------------------------------------------------------
# Attribute columns: one declared type per attribute
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """An attribute column: its name (the GEXF title), a short id and its GEXF/GraphML type."""

    name: str
    id: str
    type: str  # "boolean" | "long" | "double" | "string": names shared by GEXF 1.3 and GraphML

    def text(self, value: Value) -> str:
        """The value written as this column's type."""
        return _TEXT[self.type](value)


def _bool_text(value: Value) -> str:
    return "true" if value is True else "false"


def _double_text(value: Value) -> str:
    return repr(float(value))


_TEXT: dict[str, Callable[[Value], str]] = {
    "boolean": _bool_text,
    "long": str,
    "double": _double_text,
    "string": str,
}


def _column_type(values: Sequence[Value]) -> str:
    if all(isinstance(v, bool) for v in values):
        return "boolean"
    if all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return "long"
    if all(isinstance(v, int | float) and not isinstance(v, bool) for v in values):
        return "double"
    return "string"


def columns(rows: Iterable[Mapping[str, Value]], leading: Sequence[str] = ()) -> list[Column]:
    """The attribute columns of a set of rows: leading names first, then sorted; types from the values."""
    values: dict[str, list[Value]] = {}
    for row in rows:
        for key, value in row.items():
            values.setdefault(key, []).append(value)
    names = [n for n in leading if n in values] + sorted(n for n in values if n not in leading)
    out: list[Column] = []
    used: set[str] = set()
    for name in names:
        ident = re.sub(r"[^A-Za-z0-9_.-]", "_", name)
        while ident in used:
            ident += "_"
        used.add(ident)
        out.append(Column(name, ident, _column_type(values[name])))
    return out


def timeset(spells: Iterable[Interval]) -> str:
    """Gephi's interval-set notation with ISO dates: `<[2022-01-01, 2022-01-31]; [2022-02-03, 2022-02-03]>`."""
    parts = [f"[{start.isoformat()}, {end.isoformat()}]" for start, end in spells]
    return f"<{'; '.join(parts)}>" if parts else ""


def _hex(color: tuple[int, int, int]) -> str:
    return "#{:02x}{:02x}{:02x}".format(*color)


# --------------------------------------------------------------------------------------------
# GEXF 1.3
# --------------------------------------------------------------------------------------------


def _g(tag: str) -> str:
    return f"{{{GEXF_NS}}}{tag}"


def _spells(parent: etree._Element, spells: Iterable[Interval]) -> None:
    spells = list(spells)
    if spells:
        holder = etree.SubElement(parent, _g("spells"))
        for start, end in spells:
            etree.SubElement(holder, _g("spell"), start=start.isoformat(), end=end.isoformat())


def _attvalues(parent: etree._Element, cols: Sequence[Column], values: Mapping[str, Value]) -> None:
    present = [c for c in cols if c.name in values]
    if present:
        holder = etree.SubElement(parent, _g("attvalues"))
        for col in present:
            etree.SubElement(holder, _g("attvalue"), {"for": col.id, "value": col.text(values[col.name])})


def _declare(graph: etree._Element, cls: str, cols: Sequence[Column]) -> None:
    holder = etree.SubElement(graph, _g("attributes"), {"class": cls, "mode": "static"})
    for col in cols:
        etree.SubElement(holder, _g("attribute"), id=col.id, title=col.name, type=col.type)


def gexf(net: Network, static: bool = False) -> bytes:
    """GEXF 1.3; dynamic (spells with ISO dates, timeformat="date") unless `static` or nothing is dated.

    Colours are `viz:color` elements in `http://gexf.net/1.3/viz`, as Gephi and Gephi Lite write them and
    as networkx reads them. The 1.3 XML Schema declares no such namespace (its viz.rnc inherits the
    GEXF one), so a schema check sets them aside and checks them against viz.xsd's colour attributes.
    """
    span = None if static else net.span()
    root = etree.Element(_g("gexf"), nsmap={None: GEXF_NS, "viz": VIZ_NS, "xsi": XSI_NS}, version="1.3")
    root.set(f"{{{XSI_NS}}}schemaLocation", GEXF_SCHEMA_LOCATION)
    meta = etree.SubElement(root, _g("meta"))
    etree.SubElement(meta, _g("creator")).text = "kg (https://w3id.org/conflict-kg/)"
    etree.SubElement(meta, _g("description")).text = net.description
    graph = etree.SubElement(
        root,
        _g("graph"),
        defaultedgetype="directed" if net.directed else "undirected",
        idtype="string",
        mode="static" if span is None else "dynamic",
    )
    if span is not None:
        graph.set("timeformat", "date")
        graph.set("timerepresentation", "interval")
        graph.set("start", span[0].isoformat())
        graph.set("end", span[1].isoformat())
    node_cols = columns((n.attributes for n in net.nodes), LEADING_ATTRIBUTES)
    edge_cols = columns(e.attributes for e in net.edges)
    _declare(graph, "node", node_cols)
    _declare(graph, "edge", edge_cols)
    nodes = etree.SubElement(graph, _g("nodes"), count=str(len(net.nodes)))
    for node in net.nodes:
        el = etree.SubElement(nodes, _g("node"), id=node.id, label=node.label)
        _attvalues(el, node_cols, node.attributes)
        if span is not None:
            _spells(el, node.spells)
        r, g, b = node.color
        etree.SubElement(el, f"{{{VIZ_NS}}}color", r=str(r), g=str(g), b=str(b))
    edges = etree.SubElement(graph, _g("edges"), count=str(len(net.edges)))
    for edge in net.edges:
        el = etree.SubElement(
            edges,
            _g("edge"),
            id=edge.id,
            source=edge.source,
            target=edge.target,
            label=edge.label,
            kind=edge.kind,
            weight=_double_text(edge.weight),
        )
        _attvalues(el, edge_cols, edge.attributes)
        if span is not None:
            _spells(el, edge.spells)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))


# --------------------------------------------------------------------------------------------
# GraphML
# --------------------------------------------------------------------------------------------


def _time_values(spells: Sequence[Interval]) -> dict[str, Value]:
    if not spells:
        return {}
    return {"start": spells[0][0].isoformat(), "end": spells[-1][1].isoformat(), "timeset": timeset(spells)}


def graphml(net: Network, static: bool = False) -> bytes:
    """GraphML: label, type, colour (r, g, b) and every attribute as keys; dates as start/end/timeset strings."""
    dated = not static and net.span() is not None
    node_rows = [
        {
            "label": n.label,
            **n.attributes,
            "r": n.color[0],
            "g": n.color[1],
            "b": n.color[2],
            **(_time_values(n.spells) if dated else {}),
        }
        for n in net.nodes
    ]
    edge_rows = [
        {
            "label": e.label,
            "kind": e.kind,
            "weight": float(e.weight),
            **e.attributes,
            **(_time_values(e.spells) if dated else {}),
        }
        for e in net.edges
    ]
    node_cols = columns(node_rows, ("label", *LEADING_ATTRIBUTES))
    edge_cols = columns(edge_rows, ("label", "kind", "weight"))
    root = etree.Element(f"{{{GRAPHML_NS}}}graphml", nsmap={None: GRAPHML_NS, "xsi": XSI_NS})
    root.set(f"{{{XSI_NS}}}schemaLocation", GRAPHML_SCHEMA_LOCATION)
    keys: dict[tuple[str, str], str] = {}
    for cls, cols in (("node", node_cols), ("edge", edge_cols)):
        for col in cols:
            key = f"d{len(keys)}"
            keys[(cls, col.name)] = key
            etree.SubElement(
                root, f"{{{GRAPHML_NS}}}key", {"id": key, "for": cls, "attr.name": col.name, "attr.type": col.type}
            )
    graph = etree.SubElement(
        root,
        f"{{{GRAPHML_NS}}}graph",
        id=f"kg-{net.projection}",
        edgedefault="directed" if net.directed else "undirected",
    )

    def data(el: etree._Element, cls: str, cols: Sequence[Column], row: Mapping[str, Value]) -> None:
        for col in cols:
            if col.name in row:
                etree.SubElement(el, f"{{{GRAPHML_NS}}}data", key=keys[(cls, col.name)]).text = col.text(row[col.name])

    for node, row in zip(net.nodes, node_rows, strict=True):
        data(etree.SubElement(graph, f"{{{GRAPHML_NS}}}node", id=node.id), "node", node_cols, row)
    for edge, row in zip(net.edges, edge_rows, strict=True):
        el = etree.SubElement(graph, f"{{{GRAPHML_NS}}}edge", id=edge.id, source=edge.source, target=edge.target)
        data(el, "edge", edge_cols, row)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))


# --------------------------------------------------------------------------------------------
# CSV tables for Gephi's spreadsheet import
# --------------------------------------------------------------------------------------------


def _csv(header: Sequence[str], rows: Iterable[Sequence[str]]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue().encode("utf-8")


#: CSV column names Gephi's spreadsheet import recognises, for our built-in node attributes.
NODE_CSV_NAMES = {"type": "Type", "category": "Category", "iri": "IRI"}


def csv_tables(net: Network, static: bool = False) -> tuple[bytes, bytes]:
    """Node and edge tables: `Id, Label, Type …` and `Source, Target, Type, Id, Label, Kind, Weight …`.

    `Type` is the node's class on the node table and Directed/Undirected on the edge table, as Gephi
    expects; a `timeset` column (`<[start, end]; …>`, ISO dates) makes the import dynamic.
    """
    dated = not static and net.span() is not None
    node_cols = columns((n.attributes for n in net.nodes), LEADING_ATTRIBUTES)
    edge_cols = columns(e.attributes for e in net.edges)
    tail = ["timeset"] if dated else []
    node_rows = (
        [
            n.id,
            n.label,
            *(c.text(n.attributes[c.name]) if c.name in n.attributes else "" for c in node_cols),
            _hex(n.color),
            *([timeset(n.spells)] if dated else []),
        ]
        for n in net.nodes
    )
    direction = "Directed" if net.directed else "Undirected"
    edge_rows = (
        [
            e.source,
            e.target,
            direction,
            e.id,
            e.label,
            e.kind,
            _double_text(e.weight),
            *(c.text(e.attributes[c.name]) if c.name in e.attributes else "" for c in edge_cols),
            *([timeset(e.spells)] if dated else []),
        ]
        for e in net.edges
    )
    node_header = ["Id", "Label", *(NODE_CSV_NAMES.get(c.name, c.name) for c in node_cols), "Color", *tail]
    edge_header = ["Source", "Target", "Type", "Id", "Label", "Kind", "Weight", *(c.name for c in edge_cols), *tail]
    return _csv(node_header, node_rows), _csv(edge_header, edge_rows)


# --------------------------------------------------------------------------------------------
# The registry of export formats
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportFormat:
    """One export format: the file-name endings it writes and the function that renders them."""

    name: str
    description: str
    endings: tuple[str, ...]
    render: Callable[[Network, bool], tuple[bytes, ...]]
    #: whether --static changes the output (a picture has no timeline)
    timed: bool = True


def _render_png(net: Network, static: bool) -> tuple[bytes, ...]:
    from kg.exporters.picture import render_png

    return (render_png(net),)


#: format name → format (`kg export NAME`)
EXPORT_FORMATS: dict[str, ExportFormat] = {
    "gexf": ExportFormat(
        "gexf", "GEXF 1.3 for Gephi (dynamic unless --static)", (".gexf",), lambda net, static: (gexf(net, static),)
    ),
    "graphml": ExportFormat(
        "graphml", "GraphML for other graph tools", (".graphml",), lambda net, static: (graphml(net, static),)
    ),
    "csv": ExportFormat(
        "csv", "node and edge tables for Gephi's spreadsheet import", ("-nodes.csv", "-edges.csv"), csv_tables
    ),
    "png": ExportFormat(
        "png", "a picture of the laid-out network (needs matplotlib)", (".png",), _render_png, timed=False
    ),
}


def get_export_format(name: str) -> ExportFormat:
    """Return an export format by name; raise ExportError listing the valid names."""
    try:
        return EXPORT_FORMATS[name]
    except KeyError:
        raise ExportError(f"unknown export format {name!r}", hint=f"use one of {', '.join(EXPORT_FORMATS)}") from None


def output_paths(
    fmt: ExportFormat,
    projection: str,
    *,
    static: bool = False,
    lang: str = "en",
    dist_dir: Path = Path("dist"),
    output: Path | None = None,
) -> tuple[Path, ...]:
    """Where a format writes: `dist/kg-<projection>[-<lang>][-static]<ending>`, or `output`.

    A format with one file writes exactly `output`; a format with several (CSV) uses `output`, less
    its `.csv` suffix, as the stem of each (`out.csv` → `out-nodes.csv`, `out-edges.csv`).
    """
    if output is not None:
        if len(fmt.endings) == 1:
            return (output,)
        stem = output.name
        for ending in fmt.endings:
            suffix = Path(ending).suffix
            if stem.endswith(suffix):
                stem = stem[: -len(suffix)]
                break
        return tuple(output.with_name(stem + ending) for ending in fmt.endings)
    name = f"kg-{projection}" + (f"-{lang}" if lang != "en" else "") + ("-static" if static and fmt.timed else "")
    return tuple(dist_dir / (name + ending) for ending in fmt.endings)


def render_export(
    graph: GraphData, fmt: str, projection: str = "full", lang: str = "en", static: bool = False
) -> tuple[bytes, ...]:
    """Project the graph (an rdflib Graph or a pyoxigraph Store) and render it in format `fmt`; one
    payload per ending of the format."""
    export_format = get_export_format(fmt)
    return export_format.render(build_network(graph, projection, lang), static)


def write_export(
    graph: GraphData,
    fmt: str,
    projection: str = "full",
    *,
    lang: str = "en",
    static: bool = False,
    dist_dir: Path = Path("dist"),
    output: Path | None = None,
) -> list[Path]:
    """Render an export and write its files through kg.atomic; return their paths.

    Without `output` the files go to `dist_dir` (created if missing); `output` is a name the user gave,
    whose folder must exist. A format with several files refuses an `output` that cannot be a stem.
    """
    export_format = get_export_format(fmt)
    if output is not None and len(export_format.endings) > 1 and (is_stream(output) or output.is_dir()):
        names = " and ".join(f"STEM{ending}" for ending in export_format.endings)
        raise ExportError(
            f"{fmt} writes {len(export_format.endings)} files, {names}, so -o names their STEM "
            "and cannot be a folder, a pipe, a device or stdout",
            file=output,
            hint=f"e.g. -o out/kg writes out/kg{export_format.endings[0]} and the others beside it",
        )
    paths = output_paths(export_format, projection, static=static, lang=lang, dist_dir=dist_dir, output=output)
    payloads = render_export(graph, fmt, projection, lang, static)
    write_outputs(dict(zip(paths, payloads, strict=True)), make_folders=output is None)
    return list(paths)
