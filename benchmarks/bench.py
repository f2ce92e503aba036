"""Scale benchmarks of kg: each figure next to the same work done the plain way, in the same run.

`benchmarks/run --tier small|medium|large [--repeat N] [--plain-repeat M]` generates the tier's
corpus (benchmarks/generate.py), then measures, each in a fresh Python process whose peak memory
is sampled from /proc (the process and its children) every 20 ms:

- build: annotations → validated dumps (ttl, nt, jsonld, void) — kg's build with a cold cache,
  the fast SHACL engine and the on-disk Oxigraph store, against the plain way (the corpus mapped
  into an rdflib memory graph, pyshacl, rdflib's N-Triples, Turtle and JSON-LD writers);
- no-op rebuild and change-one-article rebuild (the plain way rebuilds everything); the two
  outputs are compared byte for byte;
- SHACL on the corpus with injected violations: shacl-rust path vs pyshacl, with the result sets
  compared to each other and to the announced violations;
- every stored query (queries/*.rq): Oxigraph store vs rdflib memory graph + rdflib SPARQL;
- GEXF export from the Oxigraph store vs from an rdflib memory graph;
- `kg push` to an Oxigraph server on 127.0.0.1 (no plain counterpart: one POST of kg.nt is shown
  for reference).

Results go to benchmarks/results/<tier>.json and benchmarks/RESULTS.md is rendered from every
tier measured so far. Internal use: `bench.py task NAME JSON` runs one measurement.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
WORK = HERE / "work"
RESULTS = HERE / "results"
sys.path.insert(0, str(HERE))

#: default repeats per tier (the plain way at the large tier takes minutes per run)
DEFAULT_REPEAT = {"tiny": 1, "small": 1, "medium": 3, "large": 3}
DEFAULT_PLAIN_REPEAT = {"tiny": 1, "small": 1, "medium": 3, "large": 1}
QUERY_RUNS = 5
VIOLATIONS_PER_KIND = {"tiny": 2, "small": 3, "medium": 5, "large": 10}

TARGETS = {  # figure → (target at the large tier, unit)
    "build": (30.0, "s"),
    "build_rss": (1536.0, "MB"),
    "shacl": (5.0, "s"),
    "query": (0.100, "s"),
    "change": (3.0, "s"),
    "gexf": (20.0, "s"),
    "push": (30.0, "s"),
}


# ----------------------------------------------------------------------------------------------
# Tasks: one measurement each, run in a fresh process
# ----------------------------------------------------------------------------------------------


def _settings(a: dict[str, Any]) -> Any:
    from kg.config import Settings

    corpus = Path(a["corpus"])
    return Settings(articles_dir=corpus / "articles", registry_file=corpus / "registry.yaml", dist_dir=Path(a["dist"]))


def _clean(*folders: str) -> None:
    for f in folders:
        shutil.rmtree(f, ignore_errors=True)


def _build(a: dict[str, Any], full: bool = False) -> Any:
    from kg.build.stages import build

    return build(_settings(a), full=full, cache_dir=Path(a["cache"]), engine="fast", store=Path(a["store"]))


def _cpu() -> float:
    """CPU seconds so far of this process (all its threads) and of the children it waited for (the workers)."""
    import resource

    me, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime


def task_build_project(a: dict[str, Any]) -> dict[str, Any]:
    _clean(a["dist"], a["cache"], a["store"])
    t, c = time.perf_counter(), _cpu()
    r = _build(a)
    return {"seconds": time.perf_counter() - t, "build_cpu": _cpu() - c, "triples": r.triples, "steps": r.timings}


def task_build_plain(a: dict[str, Any]) -> dict[str, Any]:
    """The plain way: one rdflib graph, pyshacl, rdflib's writers (what `kg build --full` did before kg 0.2)."""
    from kg import pipeline
    from kg.validation import validate_graph

    _clean(a["dist"])
    settings = _settings(a)
    t = time.perf_counter()
    mapped = pipeline.map_corpus(settings)
    report = validate_graph(mapped.graph, pipeline.load_shapes(settings), pipeline.load_ontology(settings))
    assert report.conforms
    dist = Path(a["dist"])
    dist.mkdir(parents=True, exist_ok=True)
    for name, fmt in (("kg.nt", "nt"), ("kg.ttl", "longturtle"), ("kg.jsonld", "json-ld")):
        mapped.graph.serialize(dist / name, format=fmt, encoding="utf-8")
    return {"seconds": time.perf_counter() - t, "triples": len(mapped.graph)}


def task_noop_project(a: dict[str, Any]) -> dict[str, Any]:
    t = time.perf_counter()
    r = _build(a)
    return {"seconds": time.perf_counter() - t, "remapped": len(r.remapped), "steps": r.timings}


def _touch_article(corpus: Path, n: int) -> str:
    """Change one article (an event label and a sentence of its text) to its revision n, or to the one
    after its last revision if that is n or more (a run of the corpus kept from an earlier run must still
    change it); return its folder name."""
    folder = sorted((corpus / "articles").iterdir())[len(list((corpus / "articles").iterdir())) // 2]
    ann = folder / "annotation.yaml"
    last = re.findall(r" \(revision ([0-9]+)\)", ann.read_text(encoding="utf-8"))
    n = max(n, int(last[0]) + 1) if last else n
    lines = ann.read_text(encoding="utf-8").splitlines(keepends=True)
    for i, line in enumerate(lines):
        if line.startswith("    label: {en: ") and "events:" in "".join(lines[:i]):
            head, rest = line.split('{en: "', 1)
            label, tail = rest.split('"', 1)
            label = label.split(" (revision ")[0]
            lines[i] = f'{head}{{en: "{label} (revision {n})"{tail}'
            break
    ann.write_text("".join(lines), encoding="utf-8")
    text = folder / "article.txt"
    body = text.read_text(encoding="utf-8").split("\nRevised ")[0].rstrip("\n")
    text.write_text(body + f"\nRevised {n}.\n", encoding="utf-8")
    return folder.name


def task_change_project(a: dict[str, Any]) -> dict[str, Any]:
    _build(a)  # warm
    name = _touch_article(Path(a["corpus"]), int(a["n"]))
    t, c = time.perf_counter(), _cpu()
    r = _build(a)
    seconds, cpu = time.perf_counter() - t, _cpu() - c
    return {"seconds": seconds, "build_cpu": cpu, "article": name, "remapped": list(r.remapped), "steps": r.timings}


def task_change_plain(a: dict[str, Any]) -> dict[str, Any]:
    """The plain rebuild after the change; then `kg build --full` once more, compared byte for byte."""
    out = task_build_plain(a)
    full = {**a, "dist": a["dist"] + "-full", "cache": a["cache"] + "-full", "store": a["store"] + "-full"}
    _clean(full["dist"], full["cache"], full["store"])
    _build(full, full=True)
    same = all(
        (Path(full["dist"]) / f).read_bytes() == (Path(a["other"]) / f).read_bytes()
        for f in ("kg.ttl", "kg.nt", "kg.jsonld", "void.ttl", "ontology.ttl")
    )
    return {**out, "identical": same}


def _expected(bad: Path) -> list[list[str]]:
    return sorted([e["focus"], e["path"], e["component"]] for e in json.loads((bad / "violations.json").read_text()))


def task_shacl_project(a: dict[str, Any]) -> dict[str, Any]:
    from kg import pipeline
    from kg.config import Settings
    from kg.validation_fast import prepare_shapes, run_fast

    bad = Path(a["bad"])
    settings = Settings()
    ontology = pipeline.load_ontology(settings).serialize(format="nt", encoding="utf-8")
    shapes = pipeline.load_shapes(settings)
    data = (bad / "bad.nt").read_bytes()
    t = time.perf_counter()
    results = run_fast([data, ontology], prepare_shapes(shapes))
    seconds = time.perf_counter() - t
    keys = sorted([*r.key()] for r in results)
    Path(a["keys"]).write_text(json.dumps(keys))
    return {"seconds": seconds, "results": len(keys), "as_announced": keys == _expected(bad)}


def task_shacl_plain(a: dict[str, Any]) -> dict[str, Any]:
    from rdflib import Graph

    from kg import pipeline
    from kg.config import Settings
    from kg.validation import run_shacl
    from kg.validation_fast import pyshacl_results

    bad = Path(a["bad"])
    settings = Settings()
    t = time.perf_counter()
    graph = Graph().parse(bad / "bad.nt", format="nt")
    load = time.perf_counter() - t
    t = time.perf_counter()
    _, report = run_shacl(graph, pipeline.load_shapes(settings), pipeline.load_ontology(settings))
    seconds = time.perf_counter() - t
    keys = sorted([*r.key()] for r in pyshacl_results(report))
    fast = json.loads(Path(a["keys"]).read_text()) if Path(a["keys"]).is_file() else None
    return {
        "seconds": seconds,
        "load": load,
        "results": len(keys),
        "as_announced": keys == _expected(bad),
        "same_as_fast": keys == fast,
    }


def query_values(dist: Path) -> dict[str, str]:
    """Parameter values that make sense for the synthetic corpus, read from the build itself."""
    import pyoxigraph

    store = pyoxigraph.Store()
    store.bulk_load(path=str(dist / "kg.nt"), format=pyoxigraph.RdfFormat.N_TRIPLES)
    kgo = "https://w3id.org/conflict-kg/ontology#"

    def one(q: str) -> str:
        row = next(iter(store.query(q)))
        return str(row[0].value)

    return {
        "actor": one(f"SELECT ?a WHERE {{ ?p <{kgo}agent> ?a }} GROUP BY ?a ORDER BY DESC(COUNT(*)) ?a LIMIT 1"),
        "place": one(
            f"SELECT ?c WHERE {{ ?e <{kgo}location>/<{kgo}withinPlace>* ?c . ?c a <{kgo}Country> }} "
            "GROUP BY ?c ORDER BY DESC(COUNT(*)) ?c LIMIT 1"
        ),
        "event": one(f"SELECT ?e WHERE {{ ?f <{kgo}figureOf> ?e }} GROUP BY ?e ORDER BY DESC(COUNT(*)) ?e LIMIT 1"),
        "fact": one(f"SELECT ?e WHERE {{ ?e a <{kgo}Summit> }} ORDER BY ?e LIMIT 1"),
        "meeting": one(
            f"SELECT ?e WHERE {{ ?e a <{kgo}Summit> ; <{kgo}attendee> ?a }} "
            "GROUP BY ?e ORDER BY DESC(COUNT(?a)) ?e LIMIT 1"
        ),
        "eventType": "https://w3id.org/conflict-kg/vocab/event-type/armed-attack",
        "kind": kgo + "Person",
        "from": "2020-01-01",
        "to": "2020-12-31",
    }


def _queries(values: dict[str, str]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    from kg.queries import bind_params, load_queries

    for q in load_queries().values():
        wanted = {p.name: values[p.name] for p in q.params if p.name in values}
        yield q.name, q.text, bind_params(q, wanted)


def _rows(result: Any) -> int:
    if result.type == "ASK":
        return 1
    if result.type == "SELECT":
        return sum(1 for _ in result)
    return len(result.graph)


QUERY_TIMEOUT = 60.0  # seconds for all runs of one query; a query past it is stopped and reported


def _limited(fn: Callable[[], Any], timeout: float) -> Any:
    """fn() in a forked child (it sees what the parent loaded); None if it takes longer than `timeout`."""
    import multiprocessing

    ctx = multiprocessing.get_context("fork")
    receive, send = ctx.Pipe(duplex=False)
    child = ctx.Process(target=lambda: send.send(fn()))
    child.start()
    result = receive.recv() if receive.poll(timeout) else None
    if child.is_alive():
        child.kill()
    child.join()
    return result


def _time_queries(run: Callable[[str, dict[str, Any]], Any], values: dict[str, str], runs: int) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, text, bindings in _queries(values):

        def measure(text: str = text, bindings: dict[str, Any] = bindings) -> dict[str, Any]:
            times, rows = [], 0
            for _ in range(runs):
                t = time.perf_counter()
                rows = _rows(run(text, bindings))
                times.append(time.perf_counter() - t)
            return {"median": statistics.median(times), "rows": rows}

        out[name] = _limited(measure, QUERY_TIMEOUT) or {"median": None, "rows": None, "timeout": QUERY_TIMEOUT}
    return out


def task_queries_project(a: dict[str, Any]) -> dict[str, Any]:
    from kg.namespaces import PREFIXES
    from kg.queries import inject_values
    from kg.store import store_graph

    values = json.loads(a["values"])

    def run(text: str, bindings: dict[str, Any]) -> Any:
        graph = _GRAPHS.get("store")
        if graph is None:
            graph = _GRAPHS["store"] = store_graph(Path(a["store"]))
        return graph.query(inject_values(text, bindings), initNs=PREFIXES)

    out = _time_queries(run, values, QUERY_RUNS)
    return {"seconds": sum(q["median"] or 0 for q in out.values()), "queries": out}


_GRAPHS: dict[str, Any] = {}  # opened in each forked child (an Oxigraph store must not cross a fork)


def task_queries_plain(a: dict[str, Any]) -> dict[str, Any]:
    from kg.namespaces import PREFIXES
    from kg.queries import run_query
    from kg.store import open_graph, published_files

    values = json.loads(a["values"])
    t = time.perf_counter()
    graph = open_graph(published_files(Path(a["dist"])))
    load = time.perf_counter() - t
    out = _time_queries(lambda text, b: run_query(graph, text, b, PREFIXES), values, int(a.get("runs", 3)))
    return {"seconds": sum(q["median"] or 0 for q in out.values()), "load": load, "queries": out}


def _gexf(a: dict[str, Any], backend: str, location: Path | None) -> dict[str, Any]:
    from kg.exporters.gephi import write_export
    from kg.store import open_graph, open_store, published_files

    t = time.perf_counter()
    if location is not None:  # what `kg export --store DIR` reads: the store the build made
        graph = open_store(location, read_only=True)
    else:
        graph = open_graph(published_files(Path(a["dist"])), backend=backend)
    load = time.perf_counter() - t
    t = time.perf_counter()
    (path,) = write_export(graph, "gexf", "full", dist_dir=Path(a["out"]), output=Path(a["out"]) / f"{backend}.gexf")
    export = time.perf_counter() - t
    return {"seconds": load + export, "load": load, "export": export, "mb": path.stat().st_size / 1e6}


def task_gexf_project(a: dict[str, Any]) -> dict[str, Any]:
    return _gexf(a, "oxigraph", Path(a["store"]))


def task_gexf_plain(a: dict[str, Any]) -> dict[str, Any]:
    return _gexf(a, "memory", None)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def oxigraph_server(location: Path) -> Iterator[str]:
    """An Oxigraph server on 127.0.0.1 (union default graph), stopped on exit; yields its base URL."""
    import httpx

    shutil.rmtree(location, ignore_errors=True)
    port = _free_port()
    exe = Path(sys.executable).parent / "oxigraph"
    proc = subprocess.Popen(
        [str(exe), "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}", "--union-default-graph"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                httpx.get(url + "/query", params={"query": "ASK {}"}, timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.05)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def task_push_project(a: dict[str, Any]) -> dict[str, Any]:
    from kg.config import Settings
    from kg.push import default_prefix, load_uploads, push

    base = Settings().base
    with oxigraph_server(Path(a["server"])) as url:
        t = time.perf_counter()
        prefix = default_prefix(base)
        uploads = load_uploads(Path(a["dist"]), prefix, base)
        report = push(uploads, url + "/query", prefix=prefix)
        seconds = time.perf_counter() - t
    return {"seconds": seconds, "graphs": len(report.graphs), "stored": report.stored_triples}


def task_repush_project(a: dict[str, Any]) -> dict[str, Any]:
    """`kg push` onto a store holding the last push, after one article's graph changed; then `--force`."""
    from dataclasses import replace

    from kg.config import Settings
    from kg.push import PushRecord, default_prefix, load_uploads, push

    base = Settings().base
    prefix = default_prefix(base)
    with oxigraph_server(Path(a["server"])) as url:
        nothing = PushRecord("", {})
        first = push(load_uploads(Path(a["dist"]), prefix, base), url + "/query", prefix=prefix, previous=nothing)
        assert first.record is not None
        t = time.perf_counter()
        uploads = load_uploads(Path(a["dist"]), prefix, base)
        one = next(i for i, u in enumerate(uploads) if "/doc/" in u.name and u.triples > 1)
        lines = uploads[one].ntriples.splitlines(keepends=True)  # the article lost a triple
        uploads[one] = replace(uploads[one], ntriples=b"".join(lines[:-1]), triples=len(lines) - 1)
        report = push(uploads, url + "/query", prefix=prefix, previous=first.record)
        seconds = time.perf_counter() - t
        t = time.perf_counter()
        forced = push(load_uploads(Path(a["dist"]), prefix, base), url + "/query", prefix=prefix, previous=nothing)
        forced_seconds = time.perf_counter() - t
    return {
        "seconds": seconds,
        "graphs": len(report.graphs),
        "unchanged": len(report.unchanged),
        "forced_seconds": forced_seconds,
        "forced_graphs": len(forced.graphs),
    }


def task_push_reference(a: dict[str, Any]) -> dict[str, Any]:
    import httpx

    with oxigraph_server(Path(a["server"])) as url:
        t = time.perf_counter()
        body = (Path(a["dist"]) / "kg.nt").read_bytes()
        r = httpx.post(
            url + "/store?default", content=body, headers={"Content-Type": "application/n-triples"}, timeout=600
        )
        r.raise_for_status()
        seconds = time.perf_counter() - t
    return {"seconds": seconds}


TASKS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    name[len("task_") :]: fn for name, fn in globals().items() if name.startswith("task_") and callable(fn)
}


# ----------------------------------------------------------------------------------------------
# Running tasks in child processes, with peak memory from /proc
# ----------------------------------------------------------------------------------------------


def _tree_rss_kb(pid: int) -> int:
    total, todo, seen = 0, [pid], set()
    while todo:
        p = todo.pop()
        if p in seen:
            continue
        seen.add(p)
        try:
            with open(f"/proc/{p}/status") as fh:
                for line in fh:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as fh:
                    todo += [int(c) for c in fh.read().split()]
        except (OSError, ValueError):
            continue
    return total


def run_task(name: str, args: dict[str, Any], timeout: float = 3600) -> dict[str, Any]:
    """Run one task in a fresh process; add wall time and the peak RSS of its process tree (MB)."""
    import resource

    cmd = [sys.executable, str(Path(__file__).resolve()), "task", name, json.dumps(args)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    peak = [0]

    def sample() -> None:
        while proc.poll() is None:
            peak[0] = max(peak[0], _tree_rss_kb(proc.pid))
            time.sleep(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = proc.communicate(timeout=timeout)
    sampler.join()
    if proc.returncode != 0:
        tail = "\n".join(err.strip().splitlines()[-5:])
        return {"error": f"exit {proc.returncode}: {tail}", "wall": time.perf_counter() - t}
    result = json.loads(out.strip().splitlines()[-1])
    result["wall"] = time.perf_counter() - t
    result["rss_mb"] = peak[0] / 1024
    after = resource.getrusage(resource.RUSAGE_CHILDREN)  # the task's process and the workers it waited for
    result["cpu"] = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return result


def _said(r: dict[str, Any]) -> str:
    """One measurement, as the run log shows it: what was measured and under which load."""
    if "error" in r:
        return f"error: {r['error']}"
    parts = [f"{r['seconds']:.2f} s measured"]
    if "build_cpu" in r:
        parts.append(f"{r['build_cpu']:.2f} s CPU in it (threads and workers included)")
    parts.append(f"{r.get('cpu', 0):.2f} s CPU of the whole task (Python's start and imports included)")
    parts += [
        f"peak RSS {r.get('rss_mb', 0):,.0f} MB",
        f"load average {r['load_average'][0]:.1f} -> {r['load_average'][1]:.1f}",
    ]
    steps = r.get("steps") or {}
    if steps:
        parts.append("steps " + ", ".join(f"{k} {v:.2f} s" for k, v in steps.items()))
    return "; ".join(parts)


# ----------------------------------------------------------------------------------------------
# A tier
# ----------------------------------------------------------------------------------------------


def _versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {"python": platform.python_version()}
    for pkg in ("kg-conflict", "rdflib", "pyshacl", "pyoxigraph", "oxrdflib", "shacl-rust", "networkx", "httpx"):
        try:
            out[pkg] = version(pkg)
        except PackageNotFoundError:
            out[pkg] = "not installed"
    return out


def _machine() -> dict[str, str]:
    cpu = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem = "unknown"
    with contextlib.suppress(OSError):
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f"{kb / 1024 / 1024:.1f} GiB"
    return {
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "memory": mem,
        "kernel": platform.release(),
        "os": platform.platform(),
    }


def _median(runs: list[dict[str, Any]], key: str = "seconds") -> float | None:
    values = [r[key] for r in runs if key in r and "error" not in r]
    return statistics.median(values) if values else None


def measure_tier(
    tier: str, repeat: int, plain_repeat: int, log: Callable[[str], None], only: set[str] | None = None
) -> dict[str, Any]:
    import generate

    work = WORK / tier
    corpus, bad = work / "corpus", work / "bad"
    if only is None or not corpus.is_dir():
        log(f"[{tier}] generating corpus")
        shutil.rmtree(corpus, ignore_errors=True)
        generate.generate(corpus, tier)
    if not (bad / "violations.json").is_file():
        generate.main(["--tier", tier, "--out", str(bad), "--violations", str(VIOLATIONS_PER_KIND[tier])])
    a = {
        "corpus": str(corpus),
        "dist": str(work / "dist"),
        "cache": str(work / "cache"),
        "store": str(work / "store"),
    }
    plain = {**a, "dist": str(work / "dist-plain")}
    runs: dict[str, list[dict[str, Any]]] = {}

    def step(name: str, args: dict[str, Any]) -> dict[str, Any]:
        if only is not None and name not in only:
            return {}
        log(f"[{tier}] {name} …")
        load = os.getloadavg()[0]
        r = run_task(name, args)
        r["load_average"] = [load, os.getloadavg()[0]]  # 1-minute load average before and after: others' work
        runs.setdefault(name, []).append(r)
        log(f"[{tier}] {name}: {_said(r)}")
        return r

    load_before = os.getloadavg()
    for i in range(repeat):
        with_plain = i < plain_repeat
        step("build_project", a)
        if with_plain:
            step("build_plain", plain)
        step("noop_project", a)
        step("change_project", {**a, "n": i + 1})
        if with_plain and tier != "large":  # at 1M the plain change-one rebuild is the plain build again
            step("change_plain", {**plain, "other": a["dist"]})
        keys = str(work / "fast-keys.json")
        step("shacl_project", {"bad": str(bad), "keys": keys})
        if with_plain:
            step("shacl_plain", {"bad": str(bad), "keys": keys})
    wants_values = only is None or bool(only & {"queries_project", "queries_plain"})
    values = query_values(Path(a["dist"])) if wants_values else {}
    for i in range(repeat):
        step("queries_project", {**a, "values": json.dumps(values)})
        if i < plain_repeat:
            step("queries_plain", {**a, "values": json.dumps(values), "runs": 3 if tier != "large" else 1})
        step("gexf_project", {**a, "out": str(work / "gexf")})
        if i < plain_repeat:
            step("gexf_plain", {**a, "out": str(work / "gexf")})
        step("push_project", {**a, "server": str(work / "server")})
        step("repush_project", {**a, "server": str(work / "server")})
        step("push_reference", {**a, "server": str(work / "server")})
    return {
        "tier": tier,
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "repeat": repeat,
        "plain_repeat": plain_repeat,
        "load_average": [load_before, os.getloadavg()],
        "machine": _machine(),
        "versions": _versions(),
        "values": values,
        "runs": runs,
    }


# ----------------------------------------------------------------------------------------------
# RESULTS.md
# ----------------------------------------------------------------------------------------------


def _fmt(x: float | None, unit: str = "s") -> str:
    if x is None:
        return "—"
    if unit == "MB":
        return f"{x:,.0f} MB"
    if x < 0.1:
        return f"{x * 1000:.1f} ms"
    return f"{x:.2f} s" if x < 100 else f"{x:.0f} s"


def _ratio(plain: float | None, ours: float | None) -> str:
    if plain is None or ours is None or ours <= 0:
        return "—"
    return f"{plain / ours:.1f}×"


def _peak(runs: list[dict[str, Any]]) -> float | None:
    values = [r["rss_mb"] for r in runs if "rss_mb" in r]
    return max(values) if values else None


def _query_medians(runs: list[dict[str, Any]]) -> dict[str, tuple[float | None, int | None]]:
    names: dict[str, list[float]] = {}
    rows: dict[str, int | None] = {}
    for r in runs:
        for name, q in r.get("queries", {}).items():
            names.setdefault(name, [])
            if q["median"] is not None:
                names[name].append(q["median"])
                rows[name] = q["rows"]
            rows.setdefault(name, None)
    return {n: (statistics.median(v) if v else None, rows[n]) for n, v in names.items()}


def render(results: dict[str, dict[str, Any]], before: dict[str, dict[str, Any]] | None = None) -> str:
    before = before or {}
    tiers = [t for t in ("tiny", "small", "medium", "large") if t in results]
    out = ["# kg at scale: measured results", ""]
    out.append(
        "Generated by `benchmarks/run` (do not edit by hand). Every figure is the median over runs in fresh "
        "processes; **plain** is the same work done with rdflib's memory graph, pyshacl, rdflib's writers and "
        "rdflib SPARQL, measured in the same run. Peak RSS is sampled from /proc for the process "
        "and its children (the build's two mapping workers included). Serving under load: "
        "[serve-load.md](serve-load.md)."
    )
    out.append("")
    for tier in tiers:
        r = results[tier]
        runs = r["runs"]
        triples = next((x.get("triples") for x in runs.get("build_project", []) if "triples" in x), None)
        out.append(f"## Tier `{tier}` — {triples:,} triples" if triples else f"## Tier `{tier}`")
        out.append("")
        out.append(
            f"Run {r['date']}: "
            f"`benchmarks/run --tier {tier} --repeat {r['repeat']} --plain-repeat {r['plain_repeat']}` "
            f"(plain way: {r['plain_repeat']} run(s)); load average before/after "
            f"{r['load_average'][0][0]:.1f} / {r['load_average'][1][0]:.1f} on {r['machine']['cores']} cores."
        )
        for rerun in r.get("reruns", []):
            out.append(
                f"Measured again {rerun['date']} (after a code change): {', '.join(rerun['only'])} "
                f"(`--only … --repeat {rerun['repeat']}`)."
            )
        out.append("")
        old = before.get(tier, {}).get("runs", {})
        prev = r.get("previous", {}).get("runs", {})
        if prev:
            loads = [x["load_average"][0] for xs in prev.values() for x in xs if "load_average" in x]
            out.append(
                f"**kg previous**: the figures the last `--only` run replaced, measured {r['previous']['date']}"
                + (f" (load average before: {', '.join(f'{x:.1f}' for x in loads)})" if loads else "")
                + ", as seconds / peak RSS / CPU of the whole task."
            )
            out.append("")
        if old:
            out.append(
                f"Beside each kg figure: **kg before**, the figure of {before[tier]['date']} (before the one-build "
                "rewrite: hand-written writers, pickle cache), from `benchmarks/results/before/`; **kg CPU**, the "
                "CPU seconds of the measured process and its workers (less sensitive than wall time to other jobs "
                "on the machine; includes starting Python)."
            )
            out.append("")
        out.append(
            "| figure | kg | kg previous | kg before | kg CPU | plain | plain ÷ kg | kg peak RSS | plain peak RSS "
            "| target (1M tier) |"
        )
        out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")

        def row(
            label: str,
            ours: str,
            theirs: str | None,
            target: str,
            unit_key: str = "seconds",
            runs_: dict[str, Any] = runs,
            old_: dict[str, Any] = old,
            prev_: dict[str, Any] = prev,
        ) -> None:
            o, p = runs_.get(ours, []), runs_.get(theirs, []) if theirs else []
            mo, mp = _median(o, unit_key), _median(p, unit_key) if theirs else None
            mb = _median(old_.get(ours, []), unit_key)
            cpu = _median(o, "cpu") if unit_key == "seconds" else None
            pr = prev_.get(ours, [])
            was = (
                f"{_fmt(_median(pr, unit_key))} / {_fmt(_peak(pr), 'MB')} / {_fmt(_median(pr, 'cpu'))}"
                if pr and unit_key == "seconds"
                else "—"
            )
            out.append(
                f"| {label} | {_fmt(mo)} | {was} | {_fmt(mb)} | {_fmt(cpu)} | {_fmt(mp)} | {_ratio(mp, mo)} | "
                f"{_fmt(_peak(o), 'MB')} | {_fmt(_peak(p), 'MB') if theirs else '—'} | {target} |"
            )

        row(
            "build: annotations → validated ttl/nt/jsonld/void (+ store)",
            "build_project",
            "build_plain",
            "≤ 30 s, ≤ 1.5 GB",
        )
        row("no-op rebuild", "noop_project", None, "")
        row(
            "change one article → rebuild",
            "change_project",
            "change_plain" if "change_plain" in runs else "build_plain",
            "≤ 3 s",
        )
        row("SHACL (injected violations)", "shacl_project", "shacl_plain", "≤ 5 s, same violations")
        row("GEXF export (load + write)", "gexf_project", "gexf_plain", "≤ 20 s")
        row("`kg push` to Oxigraph on loopback", "push_project", None, "≤ 30 s")
        row("`kg push` again, one article changed", "repush_project", None, "")
        row("`kg push --force` onto a full store", "repush_project", None, "", "forced_seconds")
        row("(reference: one POST of kg.nt)", "push_reference", None, "")
        out.append("")
        shacl = [x for x in runs.get("shacl_project", []) if "results" in x]
        plain_shacl = [x for x in runs.get("shacl_plain", []) if "results" in x]
        if shacl:
            out.append(
                f"SHACL: {shacl[-1]['results']} results from the fast path, as announced: {shacl[-1]['as_announced']}; "
                + (
                    f"pyshacl {plain_shacl[-1]['results']} results, as announced: {plain_shacl[-1]['as_announced']}, "
                    f"same (focus, path, component) set as the fast path: {plain_shacl[-1]['same_as_fast']}; "
                    "rdflib parse of the data before pyshacl: "
                    f"{_fmt(_median(plain_shacl, 'load'))} (not in the figure)."
                    if plain_shacl
                    else "pyshacl not run."
                )
            )
        same = [x.get("identical") for x in runs.get("change_plain", [])]
        if "change_plain" not in runs and runs.get("build_plain"):
            out.append(
                "The plain change-one figure is the plain build: without a cache it rebuilds everything "
                "(not run twice at this tier)."
            )
        if same:
            out.append(
                f"Change-one rebuild byte-identical to a full `kg build --full`: {all(same)} ({len(same)} check(s))."
            )
        cpus = {n: _median(runs.get(n, []), "build_cpu") for n in ("build_project", "change_project")}
        loads = [
            x["load_average"][0]
            for n in ("build_project", "change_project")
            for x in runs.get(n, [])
            if "load_average" in x
        ]
        if any(v is not None for v in cpus.values()):
            out.append(
                "CPU of the measured build alone (its threads and mapping workers; other jobs on the machine "
                f"inflate it far less than wall time): build {_fmt(cpus['build_project'])}, change one article "
                f"{_fmt(cpus['change_project'])}"
                + (f"; 1-minute load average before each: {', '.join(f'{x:.1f}' for x in loads)}." if loads else ".")
            )
        steps = [x.get("steps", {}) for x in runs.get("build_project", []) if x.get("steps")]
        if steps:
            parts = ", ".join(f"{k} {_fmt(statistics.median([s.get(k, 0) for s in steps]))}" for k in steps[0])
            out.append(f"Build steps (kg): {parts}.")
        steps = [x.get("steps", {}) for x in runs.get("change_project", []) if x.get("steps")]
        if steps:
            parts = ", ".join(f"{k} {_fmt(statistics.median([s.get(k, 0) for s in steps]))}" for k in steps[0])
            out.append(f"Change-one steps (kg): {parts}.")
        plain_q = [x for x in runs.get("queries_plain", []) if "load" in x]
        if plain_q:
            out.append(
                f"Plain queries first load dist/ into rdflib: {_fmt(_median(plain_q, 'load'))} (not in the figures)."
            )
        out.append("")
        ours_q, plain_qm = (
            _query_medians(runs.get("queries_project", [])),
            _query_medians(runs.get("queries_plain", [])),
        )
        if ours_q:
            out.append("| stored query | rows | kg (Oxigraph store) | plain (rdflib) | plain ÷ kg |")
            out.append("|---|---:|---:|---:|---:|")
            stopped = f"> {QUERY_TIMEOUT:.0f} s (stopped)"
            for name, (m, rows) in sorted(ours_q.items()):
                pm, prow = plain_qm.get(name, (None, None))
                n = rows if rows is not None else prow
                plain_text = _fmt(pm) if pm is not None or name not in plain_qm else stopped
                out.append(
                    f"| {name} | {n if n is None else format(n, ',')} | {_fmt(m) if m is not None else stopped} | "
                    f"{plain_text} | {_ratio(pm, m)} |"
                )
            out.append("")
            out.append(
                f"Parameters (every query gets those it declares): {json.dumps(r['values'])}; "
                f"each query run {QUERY_RUNS}× (plain: 3×, 1× at large) in one process, median; "
                f"a query still running after {QUERY_TIMEOUT:.0f} s is stopped."
            )
            out.append("")
    if len(tiers) > 1:
        out.append("## Growth")
        out.append("")
        out.append(
            "| tier | triples | kg build | kg build RSS | plain build | plain build RSS "
            "| kg SHACL | pyshacl | kg change-one |"
        )
        out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
        for tier in tiers:
            runs = results[tier]["runs"]
            triples = next((x.get("triples") for x in runs.get("build_project", []) if "triples" in x), 0)
            out.append(
                f"| {tier} | {triples:,} | {_fmt(_median(runs.get('build_project', [])))} | "
                f"{_fmt(_peak(runs.get('build_project', [])), 'MB')} | "
                f"{_fmt(_median(runs.get('build_plain', [])))} | {_fmt(_peak(runs.get('build_plain', [])), 'MB')} | "
                f"{_fmt(_median(runs.get('shacl_project', [])))} | {_fmt(_median(runs.get('shacl_plain', [])))} | "
                f"{_fmt(_median(runs.get('change_project', [])))} |"
            )
        out.append("")
    any_tier = results[tiers[-1]] if tiers else None
    if any_tier:
        m, v = any_tier["machine"], any_tier["versions"]
        out.append("## Machine and versions")
        out.append("")
        out.append(
            f"{m['cpu']}, {m['cores']} cores, {m['memory']} RAM, Linux {m['kernel']}; "
            "shared with other jobs (see load averages)."
        )
        out.append("")
        out.append(", ".join(f"{k} {val}" for k, val in v.items()) + ".")
        out.append("")
    notes = HERE / "NOTES.md"
    if notes.is_file():
        out.append(notes.read_text(encoding="utf-8").rstrip())
        out.append("")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "task":
        result = TASKS[argv[1]](json.loads(argv[2]))
        print(json.dumps(result, default=str))
        return 0
    p = argparse.ArgumentParser(prog="benchmarks/run", description="kg scale benchmarks")
    p.add_argument("--tier", choices=("tiny", "small", "medium", "large"), default="small")
    p.add_argument("--repeat", type=int, help="runs of every kg measurement (default: per tier)")
    p.add_argument("--plain-repeat", type=int, help="runs of every plain-way measurement (default: per tier)")
    p.add_argument("--render-only", action="store_true", help="only rewrite RESULTS.md from benchmarks/results/")
    p.add_argument("--only", help="comma-separated measurements to run again (e.g. noop_project), keeping the others")
    args = p.parse_args(argv)
    RESULTS.mkdir(exist_ok=True)
    if not args.render_only:
        repeat = args.repeat or DEFAULT_REPEAT[args.tier]
        plain_repeat = min(repeat, args.plain_repeat or DEFAULT_PLAIN_REPEAT[args.tier])
        only = set(args.only.split(",")) if args.only else None
        unknown = (only or set()) - set(TASKS)
        if unknown:
            p.error(f"unknown measurement(s) {', '.join(sorted(unknown))}; known: {', '.join(sorted(TASKS))}")
        result = measure_tier(args.tier, repeat, plain_repeat, lambda s: print(s, file=sys.stderr, flush=True), only)
        target = RESULTS / f"{args.tier}.json"
        if only is not None and target.is_file():
            kept = json.loads(target.read_text())
            replaced = {k: v for k, v in kept["runs"].items() if k in result["runs"]}
            if replaced:  # shown beside the new figures ("kg previous")
                when = (kept.get("reruns") or [{"date": kept["date"]}])[-1]["date"]
                kept["previous"] = {"date": when, "runs": replaced}
            kept["runs"] = {k: v for k, v in kept["runs"].items() if k not in only} | result["runs"]
            kept.setdefault("reruns", []).append({"date": result["date"], "only": sorted(only), "repeat": repeat})
            result = kept
        target.write_text(json.dumps(result, indent=1, default=str) + "\n")
    results = {f.stem: json.loads(f.read_text()) for f in sorted(RESULTS.glob("*.json"))}
    before = {f.stem: json.loads(f.read_text()) for f in sorted((RESULTS / "before").glob("*.json"))}
    (HERE / "RESULTS.md").write_text(render(results, before), encoding="utf-8")
    print(HERE / "RESULTS.md")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
