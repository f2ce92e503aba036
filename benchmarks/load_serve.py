"""Load test of `kg serve`: concurrent clients run the stored queries against uvicorn on 127.0.0.1.

Bounded in requests and time, loopback only. Starts `kg serve` as a subprocess on a free port over a
build (built into a temporary folder unless --dist is given), sends CLIENTS × REQUESTS requests
(stored queries with sample parameters, SPARQL JSON), and writes requests/s, p50/p99 latency and
errors to benchmarks/serve-load.md.

    .venv/bin/python benchmarks/load_serve.py --clients 16 --requests 25
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import platform
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import httpx

HERE = Path(__file__).resolve().parent
#: sample values for required parameters of the stored queries, by parameter name
#: sample values for required parameters of the stored queries on the seed (shared with the tests)
SAMPLES: dict[str, str] = json.loads((HERE.parent / "tests" / "cases" / "seed-query-params.json").read_text())
#: SPARQL JSON for SELECT/ASK, Turtle for CONSTRUCT/DESCRIBE
ACCEPT = "application/sparql-results+json, text/turtle;q=0.9"
#: hard limit on the whole run, whatever the arguments
MAX_SECONDS = 300.0


@dataclass(frozen=True)
class LoadResult:
    """Outcome of one load run."""

    requests: int
    errors: int
    seconds: float
    latencies_ms: tuple[float, ...]
    error_samples: tuple[str, ...]

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies_ms)
        if not ordered:
            return 0.0
        index = min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))
        return ordered[index]


def stored_query_urls(base_url: str) -> list[tuple[str, dict[str, str]]]:
    """(url, params) for every stored query whose required parameters have a sample value."""
    listing = httpx.get(f"{base_url}/queries", headers={"Accept": "application/json"}, timeout=30).json()["queries"]
    out = []
    for record in listing:
        required = [p["name"] for p in record["params"] if p["required"]]
        if all(name in SAMPLES for name in required):
            out.append((f"{base_url}{record['url']}", {name: SAMPLES[name] for name in required}))
    return out


async def _client(http: httpx.AsyncClient, jobs: Sequence[tuple[str, dict[str, str]]], count: int, offset: int,
                  latencies: list[float], errors: list[str], deadline: float) -> None:  # fmt: skip
    for i in range(count):
        if time.monotonic() > deadline:
            errors.append("deadline reached")
            return
        url, params = jobs[(offset + i) % len(jobs)]
        started = time.perf_counter()
        try:
            response = await http.get(url, params=params, headers={"Accept": ACCEPT})
            ok = response.status_code == 200
            detail = f"{url}: HTTP {response.status_code} {response.text[:120]}"
        except httpx.HTTPError as exc:
            ok, detail = False, f"{url}: {type(exc).__name__}: {exc}"
        latencies.append((time.perf_counter() - started) * 1000)
        if not ok:
            errors.append(detail)


async def _run(base_url: str, clients: int, requests_per_client: int, max_seconds: float) -> LoadResult:
    jobs = stored_query_urls(base_url)
    if not jobs:
        raise SystemExit("no stored queries to run")
    latencies: list[float] = []
    errors: list[str] = []
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(timeout=30, limits=limits) as http:
        started = time.perf_counter()
        deadline = time.monotonic() + max_seconds
        await asyncio.gather(
            *(_client(http, jobs, requests_per_client, c, latencies, errors, deadline) for c in range(clients))
        )
        seconds = time.perf_counter() - started
    return LoadResult(len(latencies), len(errors), seconds, tuple(latencies), tuple(errors[:5]))


def run_load(base_url: str, clients: int = 16, requests_per_client: int = 3, max_seconds: float = 60.0) -> LoadResult:
    """Send clients × requests_per_client stored-query requests to a running server."""
    if not base_url.startswith(("http://127.", "http://localhost", "http://[::1]")):
        raise SystemExit("the load test only targets a server on this machine (loopback)")
    return asyncio.run(_run(base_url, clients, requests_per_client, min(max_seconds, MAX_SECONDS)))


def free_port() -> int:
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_up(url: str, process: subprocess.Popen[bytes] | None = None, timeout_s: float = 120.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(url, timeout=2).status_code == 200:
                return
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not come up within {timeout_s:g} s")


@contextlib.contextmanager
def serving(dist: Path, workers: int = 2, cache: int = 512) -> Iterator[tuple[str, list[str]]]:
    """`kg serve` on a free loopback port as a subprocess; yields (base URL, command)."""
    port = free_port()
    command = [sys.executable, "-m", "kg", "serve", "--dist", str(dist), "--host", "127.0.0.1", "--port", str(port),
               "--workers", str(workers), "--cache", str(cache)]  # fmt: skip
    process = subprocess.Popen(command)
    try:
        base_url = f"http://127.0.0.1:{port}"
        wait_until_up(f"{base_url}/queries", process)
        yield base_url, command
    finally:
        stop(process)


def stop(process: subprocess.Popen[bytes]) -> None:
    """Ask a server process to end; kill it if it has not within 20 s."""
    process.terminate()
    try:
        process.wait(20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def build(dist: Path) -> None:
    subprocess.run([sys.executable, "-m", "kg", "build", "--dist", str(dist)], check=True, stdout=subprocess.DEVNULL)


def _row(label: str, result: LoadResult) -> str:
    return (
        f"| {label} | {result.requests} | {result.errors} | {result.seconds:.2f} | {result.rps:.0f}"
        f" | {result.percentile(50):.1f} | {result.percentile(90):.1f} | {result.percentile(99):.1f}"
        f" | {max(result.latencies_ms):.1f} |"
    )


def uvicorn_flavour() -> str:
    """Which HTTP parser and event loop uvicorn picks ("auto" prefers httptools and uvloop)."""
    import importlib.util

    parser = "httptools" if importlib.util.find_spec("httptools") else "h11"
    loop = "uvloop" if importlib.util.find_spec("uvloop") else "asyncio"
    return f"with {parser} and {loop}"


def report(results: dict[str, LoadResult], args: argparse.Namespace, queries: int, load_before: str) -> str:
    lines = [
        "# `kg serve` load test",
        "",
        "Written by `benchmarks/load_serve.py`; loopback only, bounded in requests and time.",
        "",
        "Command: `.venv/bin/python benchmarks/load_serve.py"
        f" --clients {args.clients} --requests {args.requests} --workers {args.workers}`",
        f"Server: `kg serve --dist DIST --host 127.0.0.1 --port PORT --workers {args.workers}` (uvicorn"
        f" {uvicorn_flavour()}, {args.workers} query worker processes, Oxigraph engine), started twice:"
        " with the answer cache (default) and with `--cache 0`.",
        f"Load average of the machine just before the runs: {load_before}.",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores shared with other work,"
        f" Python {platform.python_version()}; the load generator (httpx, asyncio) runs on the same cores.",
        "",
        f"Workload: {args.clients} concurrent clients × {args.requests} requests ="
        f" {args.clients * args.requests} GETs of the {queries} stored queries that need no parameters"
        " or have sample values, round-robin, SPARQL JSON"
        " (Turtle for CONSTRUCT), keep-alive, after a warm-up of 6 requests per query.",
        "",
        "| server | requests | errors | seconds | requests/s | p50 ms | p90 ms | p99 ms | max ms |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
        *[_row(label, result) for label, result in results.items()],
        "",
        "Target of the scale issue (≥ 200 requests/s, p99 ≤ 250 ms, no errors): "
        + "; ".join(
            f"{label}: {'met' if r.rps >= 200 and r.percentile(99) <= 250 and r.errors == 0 else 'NOT met'}"
            for label, r in results.items()
        )
        + ".",
        "With the cache, a repeated request never reaches a worker (the data cannot change while the server runs);"
        " without it, every request is checked, run by Oxigraph and rendered in a worker process.",
    ]
    for label, result in results.items():
        if result.error_samples:
            lines += ["", f"First errors ({label}):", "", *[f"- `{e.strip()}`" for e in result.error_samples]]
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--requests", type=int, default=25, help="requests per client")
    parser.add_argument("--workers", type=int, default=2, help="query worker processes of the server")
    parser.add_argument("--dist", type=Path, help="an existing build (default: build into a temporary folder)")
    parser.add_argument("--out", type=Path, default=HERE / "serve-load.md")
    args = parser.parse_args(argv)
    if args.clients * args.requests > 5000:
        parser.error("at most 5000 requests per run")
    with tempfile.TemporaryDirectory() as tmp:
        dist = args.dist
        if dist is None:
            dist = Path(tmp) / "dist"
            build(dist)
        results: dict[str, LoadResult] = {}
        load_before = ", ".join(f"{x:.2f}" for x in os.getloadavg())
        for label, cache in (("answer cache on (default)", 512), ("`--cache 0`", 0)):
            with serving(dist, args.workers, cache) as (base_url, _command):
                queries = len(stored_query_urls(base_url))
                run_load(base_url, clients=2, requests_per_client=3 * queries)  # warm-up: each worker's parse cache
                results[label] = run_load(base_url, args.clients, args.requests, MAX_SECONDS)
    text = report(results, args, queries, load_before)
    args.out.write_text(text, encoding="utf-8")
    print(text)
    return 0 if all(r.errors == 0 for r in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
