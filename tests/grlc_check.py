"""Does grlc serve `queries/` as kg does? Lists, parameters and answers, query by query.

    python3 -m venv /tmp/grlc-venv && /tmp/grlc-venv/bin/pip install grlc
    .venv/bin/kg build && .venv/bin/python tests/grlc_check.py /tmp/grlc-venv

Not part of the test run: grlc pins its own rdflib and Flask, so it lives in a venv of its own.
Loads dist/ into an Oxigraph server on 127.0.0.1, starts grlc (its local-folder mode,
`/api-local/`) against it, and for every stored query compares grlc's Swagger entry with the
query's parameters (and no `endpoint` parameter: grlc must not relay queries to any URL a caller
names) and grlc's answer (sample parameters from tests/cases/seed-query-params.json)
with `kg query --endpoint` on the same server, once with the required parameters only and once with
all of them. Prints a Markdown table; exit 1 on any difference.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from rdflib import Graph
from rdflib.compare import isomorphic

from kg import paths
from kg.queries import StoredQuery, load_queries
from kg.store import published_files
from servers import free_port, oxigraph_load, oxigraph_server

SAMPLES: dict[str, str] = json.loads((Path(__file__).resolve().parent / "cases" / "seed-query-params.json").read_text())
#: optional parameters given too, so that grlc's substitution of each kind is tried (an IRI, a language,
#: an xsd:boolean, which grlc writes as `"true"^^xsd:boolean` and for which it needs the query's xsd: prefix)
SAMPLES |= {
    "eventType": "https://w3id.org/conflict-kg/vocab/event-type/armed-attack",
    "counts": "https://w3id.org/conflict-kg/vocab/count/killed",
    "lang": "id",
    "establishedOnly": "true",
    "subEvents": "true",
}


def _rows(doc: dict[str, Any]) -> list[tuple[str, ...]]:
    names = doc["head"]["vars"]
    return sorted(
        tuple(json.dumps(binding.get(name), sort_keys=True) for name in names) for binding in doc["results"]["bindings"]
    )


def _kg(name: str, endpoint: str, params: dict[str, str], fmt: str) -> bytes:
    argv = [sys.executable, "-m", "kg", "query", name, "--endpoint", endpoint, "-f", fmt]
    for key, value in params.items():
        argv += ["-p", f"{key}={value}"]
    return subprocess.run(argv, capture_output=True, check=True).stdout


def _same_answer(query: StoredQuery, grlc: httpx.Response, endpoint: str, params: dict[str, str]) -> str:
    if query.form in ("SELECT", "ASK"):
        try:
            theirs = grlc.json()
        except ValueError:
            return f"no SPARQL JSON from grlc: {grlc.text[:120]!r}"
        ours = json.loads(_kg(query.name, endpoint, params, "json"))
        return "yes" if _rows(theirs) == _rows(ours) else "no: other rows"
    theirs_graph = Graph().parse(data=grlc.text, format="json-ld")
    ours_graph = Graph().parse(data=_kg(query.name, endpoint, params, "nt"), format="nt")
    return "yes" if isomorphic(theirs_graph, ours_graph) else "no: other triples"


def _check(query: StoredQuery, spec: dict[str, Any], api: str, endpoint: str) -> tuple[str, str, str]:
    entry = spec["paths"].get(f"/{query.name}", {}).get("get")
    if entry is None:
        return "no", "—", "—"
    declared = {(p.name, p.required) for p in query.params}
    # `endpoint` too: without `#+ endpoint_in_url: False` grlc would send the query wherever a caller says
    listed = {(p["name"], bool(p.get("required"))) for p in entry.get("parameters", [])}
    accept = "application/json" if query.form in ("SELECT", "ASK") else "application/ld+json"
    answers = []
    # with the required parameters only (the optional ones unbound), then with every one given
    for given in ({p.name for p in query.params if p.required}, {p.name for p in query.params}):
        params = {name: SAMPLES[name] for name in sorted(given) if name in SAMPLES}
        answer = httpx.get(f"{api}/{query.name}", params=params, headers={"Accept": accept}, timeout=60)
        answers.append(_same_answer(query, answer, endpoint, params))
    same = next((a for a in answers if a != "yes"), "yes")
    return "yes", "yes" if declared == listed else f"no: grlc lists {sorted(listed)}", same


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    grlc_python = Path(argv[0]) / "bin" / "python"
    dist = paths.DIST_DIR
    with tempfile.TemporaryDirectory() as tmp:
        store = oxigraph_load(Path(tmp) / "store", published_files(dist))
        with oxigraph_server(store) as base:
            endpoint = base + "/query"
            (Path(tmp) / "config.ini").write_text(
                f"[defaults]\nsparql_endpoint = {endpoint}\n\n[local]\nlocal_sparql_dir = {paths.QUERIES_DIR}\n"
            )
            port = free_port()
            grlc = subprocess.Popen(
                [str(grlc_python), "-c", f"from grlc.server import app; app.run(host='127.0.0.1', port={port})"],
                cwd=tmp,  # grlc reads config.ini from its working folder
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            api = f"http://127.0.0.1:{port}/api-local"
            try:
                spec = _swagger(api, grlc)
                lines = ["| query | listed by grlc | parameters as declared | same answer as kg |", "|---|---|---|---|"]
                failed = False
                for query in load_queries().values():
                    cells = _check(query, spec, api, endpoint)
                    failed |= any(cell != "yes" for cell in cells)
                    lines.append(f"| `{query.name}` | {' | '.join(cells)} |")
            finally:
                grlc.terminate()
                grlc.wait(20)
    print("\n".join(lines))
    return 1 if failed else 0


def _swagger(api: str, process: subprocess.Popen[bytes]) -> dict[str, Any]:
    deadline = time.monotonic() + 60
    while True:
        try:
            return dict(httpx.get(f"{api}/swagger", timeout=10).raise_for_status().json())
        except httpx.HTTPError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("grlc did not start (is grlc installed in that venv?)") from None
            time.sleep(0.3)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
