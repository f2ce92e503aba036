"""The abuse list of issue 19 (item 5) against `kg serve` with its default limits, at full size.

Loopback only, bounded in count and time (each case stops after its own deadline; the run after
MAX_SECONDS). Starts `kg serve` on a free 127.0.0.1 port over a build (built into a temporary folder
unless --dist is given), samples the resident memory of the server and its query workers every 50 ms,
and counts the TCP connections the server's processes open themselves (none expected) and the
connections a local trap listener receives from SERVICE / FROM queries that name it (none expected).
Prints a markdown table: per case, what was sent, what came back, connections the server still held
at the end of the case, and the peak memory.

    .venv/bin/python benchmarks/abuse_serve.py
"""

from __future__ import annotations

import argparse
import contextlib
import os
import resource
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from load_serve import build, free_port, stop, wait_until_up  # noqa: E402

#: hard limit on the whole run
MAX_SECONDS = 420.0
MB = 1 << 20


@dataclass
class Watch:
    """Peak resident memory of a process tree and the outbound TCP sockets it ever had."""

    pid: int
    port: int
    peak_mb: float = 0.0
    outbound: set[str] = field(default_factory=set)
    _stop: threading.Event = field(default_factory=threading.Event)

    def tree(self) -> list[int]:
        pids = [self.pid]
        with contextlib.suppress(OSError):
            for child in Path(f"/proc/{self.pid}/task/{self.pid}/children").read_text().split():
                pids.append(int(child))
        return pids

    def sample(self) -> float:
        total = 0.0
        for pid in self.tree():
            with contextlib.suppress(OSError, IndexError, ValueError):
                total += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE") / MB
        return total

    def sockets(self) -> None:
        inodes: set[str] = set()
        for pid in self.tree():
            with contextlib.suppress(OSError):
                for fd in Path(f"/proc/{pid}/fd").iterdir():
                    with contextlib.suppress(OSError):
                        target = os.readlink(fd)
                        if target.startswith("socket:["):
                            inodes.add(target[8:-1])
        for table in ("/proc/net/tcp", "/proc/net/tcp6"):
            with contextlib.suppress(OSError):
                for line in Path(table).read_text().splitlines()[1:]:
                    parts = line.split()
                    local_port = int(parts[1].rsplit(":", 1)[1], 16)
                    state = parts[3]
                    if parts[9] in inodes and local_port != self.port and state != "0A":  # 0A: LISTEN
                        self.outbound.add(f"{parts[1]} → {parts[2]}")

    def run(self) -> None:
        tick = 0
        while not self._stop.is_set():
            self.peak_mb = max(self.peak_mb, self.sample())
            if tick % 4 == 0:
                self.sockets()
            tick += 1
            time.sleep(0.05)

    def held(self) -> int:
        """Client connections the server holds now (established on its port)."""
        count = 0
        for table in ("/proc/net/tcp", "/proc/net/tcp6"):
            with contextlib.suppress(OSError):
                for line in Path(table).read_text().splitlines()[1:]:
                    parts = line.split()
                    if int(parts[1].rsplit(":", 1)[1], 16) == self.port and parts[3] == "01":
                        count += 1
        return count


@dataclass
class Case:
    name: str
    sent: str
    outcome: str = ""
    held: int = 0
    peak_mb: float = 0.0
    seconds: float = 0.0


class Trap:
    """A listener on 127.0.0.1 that counts connections (the URL SERVICE / FROM queries name)."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.count = 0
        self._stop = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self._stop:
            with contextlib.suppress(OSError):
                conn, _ = self.sock.accept()
                self.count += 1
                conn.close()


@contextlib.contextmanager
def serving(
    dist: Path, *extra: str, nofile: int | None = None
) -> Iterator[tuple[str, int, subprocess.Popen[bytes], Path]]:
    port = free_port()
    log = Path(tempfile.mkstemp(prefix="kg-abuse-", suffix=".log")[1])
    command = [
        sys.executable,
        "-m",
        "kg",
        "serve",
        "--dist",
        str(dist),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        *extra,
    ]

    def limit() -> None:
        if nofile:
            resource.setrlimit(resource.RLIMIT_NOFILE, (nofile, nofile))

    with log.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, preexec_fn=limit)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(f"{url}/queries", process)
        yield url, port, process, log
    finally:
        stop(process)


def doubling(times: int, limit: int, offset: int = 0) -> str:
    binds = " ".join(f"BIND(CONCAT(?a{i}, ?a{i}) AS ?a{i + 1})" for i in range(times))
    return f"SELECT ?a{times} WHERE {{ ?s ?p ?o BIND(STR(?o) AS ?a0) {binds} }} LIMIT {limit} OFFSET {offset}"


def get(url: str, query: str, timeout: float = 60, **kw: object) -> httpx.Response | str:
    try:
        return httpx.get(f"{url}/sparql", params={"query": query}, timeout=timeout, **kw)  # type: ignore[arg-type]
    except httpx.HTTPError as exc:
        return type(exc).__name__


def status(r: httpx.Response | str) -> str:
    return str(r.status_code) if isinstance(r, httpx.Response) else r


def case_big_body(url: str, port: int) -> str:
    sent = 0

    def body() -> Iterator[bytes]:
        nonlocal sent
        yield b"SELECT * WHERE { ?s ?p ?o } #"
        chunk = b"#" * MB
        while sent < 300 * MB:
            sent += MB
            yield chunk

    try:
        r = httpx.post(
            f"{url}/sparql", content=body(), headers={"Content-Type": "application/sparql-query"}, timeout=60
        )
        got = str(r.status_code)
    except httpx.HTTPError as exc:
        got = type(exc).__name__
    declared = socket.create_connection(("127.0.0.1", port))
    declared.sendall(b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
                     b"Content-Length: 314572800\r\n\r\n" + b"#" * MB)  # fmt: skip
    declared.settimeout(10)
    answer = declared.recv(200).split(b"\r\n")[0].decode()
    declared.close()
    return f"chunked: {got} after {sent // MB} MB sent; declared 300 MB: `{answer}`"


def case_cache(url: str) -> str:
    statuses: dict[str, int] = {}
    total = 0
    for i in range(80):
        r = get(url, doubling(8, 400, i * 50))
        statuses[status(r)] = statuses.get(status(r), 0) + 1
        if isinstance(r, httpx.Response):
            total += len(r.content)
    return f"{dict(sorted(statuses.items()))}, {total / MB:.0f} MB of distinct answers"


def case_order_by(url: str) -> str:
    r = get(url, "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f ?a ?d")
    text = r.text.strip() if isinstance(r, httpx.Response) else ""
    return f"{status(r)}: {text[:90]}"


def case_huge_answer(url: str) -> str:
    r = get(url, doubling(12, 10_000))
    text = r.text.strip() if isinstance(r, httpx.Response) else ""
    return f"{status(r)}: {text[:90]}"


def case_slow_reader(url: str, port: int) -> str:
    socks = []
    for i in range(6):
        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        s.connect(("127.0.0.1", port))
        q = httpx.QueryParams({"query": doubling(8, 1500, i)})
        s.sendall(f"GET /sparql?{q} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
        socks.append(s)
    time.sleep(24)
    outcomes: dict[str, int] = {}
    for s in socks:
        s.settimeout(0.5)
        data = b""
        with contextlib.suppress(OSError):
            while chunk := s.recv(1 << 16):
                data += chunk
        s.close()
        head, _, body = data.partition(b"\r\n\r\n")
        lines = head.split(b"\r\n")
        length = next((int(x.split(b":")[1]) for x in lines if x.lower().startswith(b"content-length")), 0)
        code = lines[0].split(b" ")[1].decode() if lines[0] else "none"
        key = f"{code} cut at {len(body) / MB:.1f} of {length / MB:.1f} MB" if len(body) < length else f"{code} whole"
        key = key if code == "200" else code
        outcomes[key] = outcomes.get(key, 0) + 1
    return "after 24 s without reading: " + "; ".join(f"{n}× {k}" for k, n in sorted(outcomes.items()))


def case_slowloris(url: str, port: int) -> str:
    socks = []
    for _ in range(50):
        with contextlib.suppress(OSError):
            s = socket.create_connection(("127.0.0.1", port))
            s.sendall(b"GET /queries HTTP/1.1\r\n")
            socks.append(s)
    closed = 0
    end = time.monotonic() + 14
    while time.monotonic() < end:
        for s in socks:
            with contextlib.suppress(OSError):
                s.sendall(b"X")
        time.sleep(1)
    for s in socks:
        s.setblocking(False)
        try:
            closed += s.recv(1) == b""
        except BlockingIOError:
            pass
        except OSError:
            closed += 1
        s.close()
    return f"50 heads trickled a byte a second for 14 s: {closed} of 50 closed by the server"


def case_idle(url: str, port: int) -> str:
    socks = []
    for _ in range(200):
        with contextlib.suppress(OSError):
            socks.append(socket.create_connection(("127.0.0.1", port), timeout=2))
    time.sleep(1)
    answered = status(get(url, "ASK { ?s ?p ?o } # idle", timeout=30))
    time.sleep(11)
    for s in socks:
        s.close()
    return f"200 silent connections; a request meanwhile: {answered}"


def case_fairness(url: str) -> str:
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    done: list[float] = []
    started = time.monotonic()
    threads = [threading.Thread(target=lambda i=i: (get(url, f"{slow} # {i}"), done.append(time.monotonic())))
               for i in range(2)]  # fmt: skip
    for t in threads:
        t.start()
    time.sleep(1)
    with httpx.Client(transport=httpx.HTTPTransport(local_address="127.0.0.2"), timeout=60) as other:
        t0 = time.monotonic()
        r = other.get(f"{url}/sparql", params={"query": "ASK { ?s a kgo:Summit }"})
        cheap = time.monotonic() - t0
    for t in threads:
        t.join(60)
    slow_s = max(done) - started if done else float("nan")
    return (
        f"cheap query from another client: {r.status_code} in {cheap * 1000:.0f} ms;"
        f" the slow ones ended after {slow_s:.1f} s"
    )


def case_nesting(url: str, dist: Path) -> str:
    text = "SELECT * WHERE { FILTER(" + "!" * 10_000 + "true) }"
    r = httpx.post(f"{url}/sparql", content=text, headers={"Content-Type": "application/sparql-query"}, timeout=30)
    cli = subprocess.run(
        [sys.executable, "-m", "kg", "query", "--dist", str(dist), "--sparql", text], capture_output=True
    )
    return f"endpoint {r.status_code}, `kg query` rc {cli.returncode}"


def case_remote(url: str, trap: Trap) -> str:
    target = f"http://127.0.0.1:{trap.port}/x"
    variants = [
        f"SELECT * WHERE {{ SERVICE <{target}> {{ ?s ?p ?o }} }}",
        f'SELECT ?x WHERE {{ BIND("\\u0022" AS ?a) SERVICE <{target}> {{ ?x ?p ?o }} BIND("\\u0022" AS ?c) }}',
        f"SELECT * FROM <{target}> WHERE {{ ?s ?p ?o }}",
        f"SELECT * WHERE {{ FILTER EXISTS {{ SERVICE <{target}> {{ ?s ?p ?o }} }} }}",
        f"LOAD <{target}>",
    ]
    codes = [status(get(url, v, timeout=30)) for v in variants]
    return f"{len(variants)} SERVICE/FROM/LOAD variants: {', '.join(codes)}; trap listener got {trap.count} connections"


def case_emfile(dist: Path) -> str:
    with serving(dist, nofile=256) as (url, port, _process, log):
        socks = []
        for _ in range(400):
            with contextlib.suppress(OSError):
                socks.append(socket.create_connection(("127.0.0.1", port), timeout=2))
        time.sleep(3)
        during = status(get(url, "ASK { ?s ?p ?o } # during", timeout=15))
        time.sleep(9)
        after = status(get(url, "ASK { ?s ?p ?o } # after", timeout=15))
        for s in socks:
            s.close()
        text = log.read_text(errors="replace")
    return (
        f"a request during: {during}, after the request time limit: {after}; server log"
        f" {len(text.splitlines())} lines, {len(text.encode())} bytes, {text.count('Traceback')} tracebacks"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", type=Path, help="an existing build (default: build into a temporary folder)")
    args = parser.parse_args(argv)
    started = time.monotonic()
    cases: list[Case] = []
    with tempfile.TemporaryDirectory() as tmp:
        dist = args.dist or Path(tmp) / "dist"
        if args.dist is None:
            build(dist)
        trap = Trap()
        with serving(dist) as (url, port, process, log):
            watch = Watch(process.pid, port)
            threading.Thread(target=watch.run, daemon=True).start()
            time.sleep(0.5)
            baseline = watch.sample()
            plan: list[tuple[str, str, Callable[[], str]]] = [
                ("body", "POST of 300 MB (chunked), and one declaring 300 MB", lambda: case_big_body(url, port)),
                ("cache", "80 distinct answers of ~3.7 MB", lambda: case_cache(url)),
                ("memory", "ORDER BY over the square of the graph (19 M rows)", lambda: case_order_by(url)),
                ("answer", "an answer of ~0.9 GB (values doubled 12 times)", lambda: case_huge_answer(url)),
                ("sending", "6 answers of ~13 MB to clients that do not read", lambda: case_slow_reader(url, port)),
                ("slow-loris", "50 connections trickling their request head", lambda: case_slowloris(url, port)),
                ("idle", "200 connections that send nothing", lambda: case_idle(url, port)),
                ("fairness", "2 slow queries from 127.0.0.1, a cheap one from .2", lambda: case_fairness(url)),
                ("nesting", "FILTER with 10,000 `!` (10 KB)", lambda: case_nesting(url, dist)),
                ("remote", "queries naming a local trap listener", lambda: case_remote(url, trap)),
            ]  # fmt: skip
            for name, sent, run in plan:
                if time.monotonic() - started > MAX_SECONDS:
                    cases.append(Case(name, sent, "skipped: the run's time limit"))
                    continue
                watch.peak_mb = watch.sample()
                t0 = time.monotonic()
                outcome = run()
                time.sleep(0.3)
                cases.append(Case(name, sent, outcome, watch.held(), watch.peak_mb, time.monotonic() - t0))
            watch._stop.set()
            log_text = log.read_text(errors="replace")
        emfile_started = time.monotonic()
        emfile = case_emfile(dist)
        cases.append(Case("open files", "`ulimit -n 256` and 400 connections", emfile, 0, 0.0,
                          time.monotonic() - emfile_started))  # fmt: skip
    peak = max(c.peak_mb for c in cases)
    print(
        f"Server (default limits): peak RSS of the server and its workers over the run {peak:.0f} MB"
        f" (at rest {baseline:.0f} MB; bound --memory 1024 MB); outbound connections of the server's processes:"
        f" {len(watch.outbound)}; trap listener: {trap.count}; server log: {len(log_text.splitlines())} lines,"
        f" {log_text.count('Traceback')} tracebacks."
    )
    print()
    print("| case | sent | outcome | connections held after | peak RSS (server + workers) | seconds |")
    print("|---|---|---|---:|---:|---:|")
    for c in cases:
        peak = f"{c.peak_mb:.0f} MB" if c.peak_mb else "—"
        print(f"| {c.name} | {c.sent} | {c.outcome} | {c.held} | {peak} | {c.seconds:.1f} |")
    return 0 if not watch.outbound and trap.count == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
