// Read a GEXF file with Gephi Lite's reader (graphology-gexf) and print what it found, as JSON:
// the graph's type, node and edge counts, and per node its label, colour and attributes.
// Usage: node tests/gephi/read_gexf.js FILE.gexf
"use strict";
const fs = require("fs");
const { MultiGraph } = require("graphology");
const gexf = require("graphology-gexf");

const graph = gexf.parse(MultiGraph, fs.readFileSync(process.argv[2], "utf-8"));
const nodes = {};
graph.forEachNode((key, attributes) => {
  nodes[key] = attributes;
});
let directed = 0;
graph.forEachEdge((edge, attributes, source, target, sa, ta, undirected) => {
  if (!undirected) directed += 1;
});
process.stdout.write(JSON.stringify({ order: graph.order, size: graph.size, directed, nodes }));
