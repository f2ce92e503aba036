"""`kg serve`'s bounds over a real socket (issue 19 item 5): uvicorn on 127.0.0.1 with small limits.

Each test sends at most a few MB and waits at most a few seconds: the limits are configured small
(a 64 KiB body, a 1 s request and send deadline, a 200 MB worker); benchmarks/abuse_serve.py runs the
full-size cases.
"""

from __future__ import annotations

import contextlib
import os
import resource
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import uvicorn
from tests.servers import free_port, wait_for_kg_serve

from kg.config import ServerLimits
from kg.serve import ServeSettings, create_app
from kg.serve.app import Server
from kg.serve.limits import uvicorn_options

LIMITS = ServerLimits(
    max_body_bytes=64 << 10,
    request_timeout_s=1.0,
    idle_timeout_s=1.0,
    send_timeout_s=1.0,
    cache_bytes=256 << 10,
    worker_memory_mb=200,
    max_answer_bytes=8 << 20,
)
#: a cross product of the whole graph with itself three times: it never finishes on its own
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
#: about 7 MB of SPARQL JSON in 800 rows (each value doubled 8 times): more than the socket buffers hold
#: (4 MB at most for the server's socket on Linux), fast to render
LARGE = (
    "SELECT ?a8 WHERE { ?s ?p ?o BIND(STR(?o) AS ?a0) "
    + " ".join(f"BIND(CONCAT(?a{i}, ?a{i}) AS ?a{i + 1})" for i in range(8))
    + " } LIMIT 800"
)


@dataclass
class Running:
    url: str
    port: int
    server: Server


@contextlib.contextmanager
def serving(dist: Path, limits: ServerLimits = LIMITS, **settings: object) -> Iterator[Running]:
    """uvicorn with kg's protocol and limits on 127.0.0.1:<free port>, in a thread; stopped afterwards."""
    app = create_app(ServeSettings(dist_dir=dist, limits=limits, **settings))  # type: ignore[arg-type]
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", **uvicorn_options(limits))
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for_kg_serve(url)
        yield Running(url, port, app.state.server)
    finally:
        server.should_exit = True
        thread.join(30)


@pytest.fixture(scope="module")
def running(built_dist: Path) -> Iterator[Running]:
    with serving(built_dist, workers=2, timeout_s=6.0) as live:
        yield live


def _read_until_closed(sock: socket.socket, limit_s: float) -> tuple[bytes, bool]:
    """What the server sends until it closes the connection (True) or `limit_s` passes (False)."""
    sock.settimeout(0.2)
    data = b""
    end = time.monotonic() + limit_s
    while time.monotonic() < end:
        try:
            chunk = sock.recv(65536)
        except TimeoutError:
            continue
        except ConnectionResetError:
            return data, True
        if not chunk:
            return data, True
        data += chunk
    return data, False


def test_a_body_over_the_limit_is_refused_before_it_arrives(running: Running) -> None:
    """A declared 1 GB body gets 413 after 100 KiB were sent; an undeclared (chunked) one once it passes 64 KiB."""
    with socket.create_connection(("127.0.0.1", running.port)) as sock:
        head = (
            "POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
            "Content-Length: 1000000000\r\n\r\n"
        )
        sock.sendall(head.encode() + b"#" * (100 << 10))
        answer, _closed = _read_until_closed(sock, 5)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert b"the server reads at most 65,536" in answer

    def body() -> Iterator[bytes]:
        yield b"SELECT * WHERE { ?s ?p ?o } #"
        for _ in range(40):
            yield b"#" * 8192

    response = httpx.post(
        f"{running.url}/sparql", content=body(), headers={"Content-Type": "application/sparql-query"}, timeout=10
    )
    assert response.status_code == 413 and "larger than the server's limit of 65,536 bytes" in response.text


def test_a_slow_request_head_and_an_idle_connection_are_closed(running: Running) -> None:
    """Slow-loris: a head sent a byte every 0.2 s is cut off (request limit 1 s) before 20 bytes are in."""
    with socket.create_connection(("127.0.0.1", running.port)) as sock:
        sock.sendall(b"GET /queries HTTP/1.1\r\n")
        closed = False
        for byte in b"X-Slow: aaaaaaaaaaaa":
            try:
                sock.sendall(bytes([byte]))
            except (BrokenPipeError, ConnectionResetError):
                closed = True
                break
            _, closed = _read_until_closed(sock, 0.2)
            if closed:
                break
        assert closed, "the server kept a trickling request head open"
    with socket.create_connection(("127.0.0.1", running.port)) as idle:
        _, closed = _read_until_closed(idle, 5)
        assert closed, "the server kept a silent connection open"


def test_a_client_that_stops_reading_is_cut_off(running: Running) -> None:
    """A ~7 MB answer to a client that reads nothing for 3 s: the connection is closed, the answer cut."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        sock.connect(("127.0.0.1", running.port))
        query = httpx.QueryParams({"query": LARGE})
        sock.sendall(
            f"GET /sparql?{query} HTTP/1.1\r\nHost: x\r\nAccept: application/sparql-results+json\r\n\r\n".encode()
        )
        time.sleep(3)
        data, closed = _read_until_closed(sock, 10)
    head, _, body = data.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200"), head[:200]
    length = int(
        next(line.split(b":")[1] for line in head.split(b"\r\n") if line.lower().startswith(b"content-length"))
    )
    assert length > 5 << 20
    assert closed and len(body) < length, "the whole answer reached a client that did not read"
    # meanwhile the server answers others, and nothing stays counted as being sent
    assert httpx.get(f"{running.url}/queries", timeout=10).status_code == 200
    # the cut answer's bytes are released once the server notices the closed connection (it may answer
    # the request above first): wait for that, up to 10 s, rather than race it
    deadline = time.monotonic() + 10
    while running.server.sending_bytes and time.monotonic() < deadline:
        time.sleep(0.05)
    assert running.server.sending_bytes == 0


def test_the_answer_cache_is_bounded_by_bytes(running: Running) -> None:
    """Distinct answers of ~100 KB each: the cache keeps at most 256 KiB of them."""
    for i in range(8):
        response = httpx.get(
            f"{running.url}/sparql",
            params={"query": f"SELECT * WHERE {{ ?s ?p ?o }} LIMIT 400 OFFSET {i * 400}"},
            headers={"Accept": "application/sparql-results+json"},
            timeout=30,
        )
        assert response.status_code == 200 and len(response.content) > 50_000
    server = running.server
    assert 0 < server.cache_bytes <= LIMITS.cache_bytes
    assert server.cache_bytes == sum(size for _, size in server.cache.values())
    assert len(server.cache) < 8


def test_an_answer_over_the_size_limit_is_refused_in_one_line(built_dist: Path) -> None:
    limits = ServerLimits(max_answer_bytes=100_000, request_timeout_s=5.0)
    with serving(built_dist, limits, workers=1, timeout_s=10.0, cache_entries=0) as live:
        response = httpx.get(f"{live.url}/sparql", params={"query": LARGE}, timeout=30)
    assert response.status_code == 503
    assert response.text.count("\n") == 1 and "more than the server's limit of 100,000" in response.text


def test_a_worker_over_its_memory_cap_is_stopped_and_replaced(running: Running) -> None:
    """ORDER BY over the square of the graph (19 M rows) passes 200 MB: 503 in one line, then service as usual."""
    pool = running.server.pool
    before = pool.killed_for_memory
    query = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f ?a ?d"
    response = httpx.get(f"{running.url}/sparql", params={"query": query}, timeout=60)
    assert response.status_code == 503, response.text[:200]
    assert "more than the server's limit of 200 MB of memory" in response.text and response.text.count("\n") == 1
    assert pool.killed_for_memory == before + 1
    ask = httpx.get(f"{running.url}/sparql", params={"query": "ASK { ?s ?p ?o } # after"}, timeout=60)
    assert ask.status_code == 200 and ask.json()["boolean"] is True


def test_slow_queries_of_one_client_leave_a_worker_for_another(running: Running) -> None:
    """Two slow queries from 127.0.0.1 hold both workers; a cheap one from 127.0.0.2 is answered before they end."""
    finished: list[int] = []

    def slow(i: int) -> None:
        httpx.get(f"{running.url}/sparql", params={"query": f"{SLOW} # {i}"}, timeout=60)
        finished.append(i)

    threads = [threading.Thread(target=slow, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 30
    while running.server.pool.idle() > 1 and time.monotonic() < deadline:
        time.sleep(0.05)
    other = httpx.Client(transport=httpx.HTTPTransport(local_address="127.0.0.2"), timeout=60)
    with other:
        response = other.get(f"{running.url}/sparql", params={"query": "ASK { ?s a kgo:Summit }"})
    answered_while_slow_ran = not finished
    for thread in threads:
        thread.join(60)
    assert response.status_code == 200 and response.json()["boolean"] is True
    assert answered_while_slow_ran, "the cheap query waited for the slow ones"


BANGS = "SELECT * WHERE { FILTER(" + "!" * 10_000 + "true) }"


def test_a_deeply_nested_query_is_refused_before_any_parser(running: Running, built_dist: Path) -> None:
    """10,000 `!` once crashed a worker (SIGSEGV in Oxigraph's parser) and `kg query` with rc 139."""
    response = httpx.post(
        f"{running.url}/sparql", content=BANGS, headers={"Content-Type": "application/sparql-query"}, timeout=30
    )
    assert response.status_code == 400
    assert "nests 10002 levels deep" in response.text and response.text.count("\n") == 1
    assert running.server.pool.alive() == running.server.pool.size
    done = subprocess.run(
        [sys.executable, "-m", "kg", "query", "--dist", str(built_dist), "--sparql", BANGS],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2, done.stderr[-300:]
    assert done.stderr.count("\n") == 1 and "at most 32 are allowed" in done.stderr


def test_a_low_open_files_limit_gives_one_line_a_second_and_the_server_recovers(
    built_dist: Path, tmp_path: Path
) -> None:
    """`ulimit -n 100` and 150 connections: no traceback, a few lines, and the server answers once they go."""
    port = free_port()

    def low_limit() -> None:
        resource.setrlimit(resource.RLIMIT_NOFILE, (100, 100))

    log = tmp_path / "serve.log"
    command = [sys.executable, "-m", "kg", "serve", "--dist", str(built_dist), "--port", str(port),
               "--workers", "1", "--request-timeout", "1", "--idle-timeout", "1"]  # fmt: skip
    with log.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, preexec_fn=low_limit)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for_kg_serve(url, process, log)
        sockets = []
        for _ in range(150):
            with contextlib.suppress(OSError):
                sockets.append(socket.create_connection(("127.0.0.1", port), timeout=2))
        time.sleep(2.5)
        answered = httpx.get(f"{url}/queries", timeout=10).status_code
        for sock in sockets:
            sock.close()
    finally:
        process.terminate()
        process.wait(20)
    text = log.read_text(errors="replace")
    assert answered == 200
    assert "Traceback" not in text, text[:2000]
    assert len(text.splitlines()) <= 10, text[:2000]
    assert os.path.getsize(log) < 4096
