"""A small pool of query worker processes that can be killed when a query runs too long.

Neither rdflib nor pyoxigraph (0.5) can interrupt a running query from another thread, so every
graph access of the server runs in a worker process that loads the published graph once. The pool
sends a job over a pipe and waits at most `timeout_s`; a worker that has not answered by then is
killed and replaced, and the request fails with QueryTimeout. A worker whose resident memory passes
its cap while answering is killed the same way (WorkerOutOfMemory), and one that dies is replaced
(WorkerFailed). `reserved` extra workers are only handed to clients with nothing running, so a
client's slow queries cannot lock the others out. Workers are fresh interpreters
(`python -m kg.serve.worker_main`; a fork of a threaded server is unsafe) speaking pickled messages
over their stdin/stdout.

Jobs are looked up by name in JOBS; each returns a picklable value or raises a KGError whose HTTP
status (see problems.STATUS) is sent back with its message.
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import os
import pickle
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from rdflib import Graph, URIRef
from rdflib.query import Result
from rdflib.term import Node

from kg.errors import KGError, QueryError
from kg.namespaces import PREFIXES
from kg.serve.problems import (
    AnswerTooLarge,
    NotAcceptable,
    QueryTimeout,
    ResourceNotFound,
    ServerBusy,
    WorkerFailed,
    WorkerOutOfMemory,
    WorkerProblem,
    status_of,
)


@dataclass(frozen=True)
class WorkerConfig:
    """What a worker needs to load the graph and answer jobs (picklable)."""

    files: tuple[Path, ...]
    base: str
    #: "oxigraph" (native SPARQL, fast) or "memory" (rdflib's engine)
    backend: str = "oxigraph"
    #: rows (SELECT) or triples (CONSTRUCT/DESCRIBE) a query may return before it is cut
    max_rows: int = 10_000
    #: a kg store folder (`kg build --store DIR`) to open read-only instead of loading `files`
    store: Path | None = None
    #: bytes a rendered answer may have; a larger one is refused (AnswerTooLarge)
    max_answer_bytes: int = 16 << 20


@dataclass(frozen=True)
class QueryAnswer:
    """A rendered query result."""

    body: bytes
    media_type: str
    #: format key (json, csv, ttl … or html)
    key: str
    #: rows (or triples) in the body
    rows: int
    #: True when the result had more than max_rows rows and was cut
    truncated: bool
    form: str
    #: for key "html": column names and rows of display cells (text, href)
    table: tuple[tuple[str, ...], tuple[tuple[tuple[str, str], ...], ...]] | None = None


@dataclass
class _State:
    graph: Graph
    config: WorkerConfig
    linker: Any = field(default=None)


# --------------------------------------------------------------------------------------------------
# jobs (run inside the worker)


def _execute(state: _State, text: str, bindings: Mapping[str, Node]) -> Result:
    """Run a checked query. On Oxigraph the text goes to the native engine (~50× faster than
    kg.queries.run_query, which hands rdflib a parsed query and so falls back to rdflib's engine);
    bindings become a VALUES block built from terms (kg.queries.inject_values), as for a remote
    endpoint, because Oxigraph's own substitution only binds projected variables."""
    from kg.queries import inject_values, refuse_remote_access, run_query

    if state.config.backend != "oxigraph":
        return run_query(state.graph, text, bindings, PREFIXES)
    executed = inject_values(text, bindings)
    # judged again as Oxigraph gets it: with the bound values and the store's namespaces (oxrdflib adds them)
    refuse_remote_access(executed, {**{str(p): str(ns) for p, ns in state.graph.namespaces()}, **PREFIXES})
    try:
        return state.graph.query(executed, initNs=PREFIXES)
    except QueryError:
        raise
    except Exception as exc:  # pyoxigraph raises SyntaxError / OSError / RuntimeError
        raise QueryError(f"query failed: {type(exc).__name__}: {exc}") from None


def _capped(result: Result, max_rows: int) -> tuple[Result, int, bool]:
    """The result cut to `max_rows` rows (or triples), its size and whether it was cut."""
    if result.type == "ASK":
        return result, 1, False
    if result.type == "SELECT":
        variables = list(result.vars or [])
        rows = list(itertools.islice(iter(result), max_rows + 1))
        capped = Result("SELECT")
        capped.vars = variables
        capped.bindings = [
            {v: value for v, value in zip(variables, row, strict=True) if value is not None}  # type: ignore[arg-type,misc]
            for row in rows[:max_rows]
        ]
        return capped, min(len(rows), max_rows), len(rows) > max_rows
    graph = result.graph
    assert graph is not None
    size = len(graph)
    if size <= max_rows:
        return result, size, False
    capped = Result(result.type)
    capped.graph = Graph()
    for triple in itertools.islice(sorted(graph), max_rows):
        capped.graph.add(triple)
    return capped, max_rows, True


def _html_table(state: _State, result: Result) -> tuple[tuple[str, ...], tuple[tuple[tuple[str, str], ...], ...]]:
    from kg.queries import display_term
    from kg.serve.resource import Linker

    linker: Linker = state.linker
    if result.type == "ASK":
        return ("ask",), (((("true" if result.askAnswer else "false"), ""),),)
    if result.type != "SELECT":
        raise NotAcceptable("an HTML table shows SELECT and ASK results only")
    head = tuple(str(v) for v in (result.vars or []))
    rows = []
    for row in result:
        cells = []
        for value in row:  # type: ignore[union-attr]
            href = linker.href(str(value)) if isinstance(value, URIRef) else ""
            cells.append((display_term(value), href))
        rows.append(tuple(cells))
    return head, tuple(rows)


def job_query(state: _State, text: str, bindings: Mapping[str, Node], choices: Mapping[str, str | None]) -> QueryAnswer:
    """Check, run and render a query. `choices` maps each query form to the negotiated format key."""
    from kg.queries import RENDERERS
    from kg.serve.safety import check_query_cached

    form = check_query_cached(text)
    key = choices.get(form)
    if key is None:
        article = "an" if form[:1] in "AEIOU" else "a"
        raise NotAcceptable(f"none of the accepted media types can show the result of {article} {form} query")
    result, rows, truncated = _capped(_execute(state, text, bindings), state.config.max_rows)
    if key == "html":
        table = _html_table(state, result)
        _check_size(sum(len(text) + len(href) for row in table[1] for text, href in row), state.config)
        return QueryAnswer(b"", "text/html; charset=utf-8", key, rows, truncated, form, table)
    renderer = RENDERERS[key]
    body = renderer.render(result)
    _check_size(len(body), state.config)
    return QueryAnswer(body, renderer.media_type, key, rows, truncated, form)


def _check_size(size: int, config: WorkerConfig) -> None:
    if size > config.max_answer_bytes:
        raise AnswerTooLarge(
            f"the answer has {size:,} bytes, more than the server's limit of {config.max_answer_bytes:,}",
            hint="ask for fewer rows (LIMIT) or shorter values",
        )


def job_exists(state: _State, iri: str) -> bool:
    from kg.serve.resource import exists

    return exists(state.graph, iri)


def job_page(state: _State, iri: str, lang: str) -> Any:
    from kg.serve.resource import build_page, exists

    if not exists(state.graph, iri):
        raise ResourceNotFound(f"no resource <{iri}> in this dataset")
    return build_page(state.graph, iri, state.linker, lang)


def job_describe(state: _State, iri: str, key: str) -> bytes:
    from kg.queries import RENDERERS
    from kg.serve.resource import describe, exists

    if not exists(state.graph, iri):
        raise ResourceNotFound(f"no resource <{iri}> in this dataset")
    result = Result("DESCRIBE")
    result.graph = describe(state.graph, iri, state.config.base)
    return RENDERERS[key].render(result)


def job_sleep(state: _State, seconds: float) -> float:
    """Sleep (for tests of the pool's time limit independent of any query engine)."""
    import time

    time.sleep(seconds)
    return seconds


#: job name → function(state, *args)
JOBS: dict[str, Callable[..., Any]] = {
    "query": job_query,
    "exists": job_exists,
    "page": job_page,
    "describe": job_describe,
    "sleep": job_sleep,
}


def _load_graph(config: WorkerConfig) -> Graph:
    from kg.store import open_graph, read_only_graph

    if config.store is not None:
        return read_only_graph(config.store)
    return open_graph(config.files, backend=config.backend)


def _worker_main(rx: Connection, tx: Connection) -> None:
    """Body of a worker process: read its config, load the graph, then answer jobs until told to stop."""
    from kg.serve.resource import Linker

    config: WorkerConfig = rx.recv()
    try:
        graph = _load_graph(config)
    except KGError as exc:
        tx.send(("error", (500, str(exc))))
        return
    state = _State(graph=graph, config=config, linker=Linker(config.base))
    tx.send(("ready", None))
    while True:
        try:
            message = rx.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        name, args = message
        try:
            tx.send(("ok", JOBS[name](state, *args)))
        except KGError as exc:
            tx.send(("error", (status_of(exc), str(exc))))
        except Exception as exc:  # a bug in a job must not kill the worker; report it as a 500
            tx.send(("error", (500, f"internal error: {type(exc).__name__}: {exc}")))
        _release_free_memory()


def _release_free_memory() -> None:
    """Give the heap's free pages back to the system (glibc keeps them), so resident memory is what is in use."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    """glibc's malloc_trim, or None elsewhere (looked up once: find_library runs a subprocess)."""
    import ctypes
    import ctypes.util

    try:
        trim: Callable[[int], int] = ctypes.CDLL(ctypes.util.find_library("c")).malloc_trim
    except (OSError, AttributeError, TypeError):
        return None
    return trim


def stdio_main() -> None:
    """`python -m kg.serve.worker_main`: talk to the pool over stdin/stdout (stdout is then sent to stderr)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the server's; it stops us through the pipe
    out = os.dup(1)
    os.dup2(2, 1)  # a stray print must not corrupt the protocol
    _worker_main(Connection(0, writable=False), Connection(out, readable=False))


# --------------------------------------------------------------------------------------------------
# the pool (runs in the server)


@dataclass
class _Worker:
    process: subprocess.Popen[bytes]
    rx: Connection
    tx: Connection


#: how often (seconds) the pool looks at a busy worker's memory
_MEMORY_POLL_S = 0.05
#: a worker that still holds this share of its memory cap after answering is replaced by a fresh one
_RECYCLE_AT = 0.75


def resident_mb(pid: int) -> float | None:
    """Resident memory of a process in MB (Linux /proc), or None where that cannot be read."""
    try:
        with open(f"/proc/{pid}/statm", "rb") as handle:
            pages = int(handle.read().split()[1])
    except (OSError, IndexError, ValueError):
        return None
    return pages * os.sysconf("SC_PAGE_SIZE") / (1 << 20)


class QueryPool:
    """`size` + `reserved` worker processes; `run(job, *args)` blocks until an answer or the time limit.

    A client (any hashable key, the server uses its IP address) that already has a job running gets a
    worker only while more than `reserved` are idle. A worker whose resident memory passes
    `memory_cap_mb` (0: no cap) while answering is killed and replaced.
    """

    def __init__(
        self,
        config: WorkerConfig,
        size: int = 2,
        timeout_s: float = 10.0,
        startup_s: float = 120.0,
        *,
        reserved: int = 0,
        memory_cap_mb: int = 0,
    ) -> None:
        self.config = config
        self.size = size + reserved
        self.reserved = reserved
        self.timeout_s = timeout_s
        self.startup_s = startup_s
        self.memory_cap_mb = memory_cap_mb
        self._idle: list[_Worker] = []
        self._all: list[_Worker] = []
        self._lock = threading.Lock()
        #: guards _idle and _running; notified whenever a worker becomes idle
        self._turn = threading.Condition()
        #: client → jobs it has running
        self._running: dict[object, int] = {}
        #: requests waiting for a worker, in order of arrival: (ticket, client)
        self._waiting: list[tuple[object, object]] = []
        self._closed = False
        #: workers killed because a job ran past the time limit (for tests and logs)
        self.killed = 0
        #: workers killed because they passed the memory cap
        self.killed_for_memory = 0

    def start(self) -> None:
        """Start every worker and wait until each has loaded the graph (and fits under the memory cap)."""
        starting = [self._spawn() for _ in range(self.size)]
        for worker in starting:
            self._await_ready(worker)
            loaded = resident_mb(worker.process.pid) or 0.0
            if self.memory_cap_mb and loaded > self.memory_cap_mb * 0.9:
                self.close()
                raise WorkerFailed(
                    f"a query worker holds {loaded:.0f} MB once the graph is loaded, too close to its memory cap "
                    f"of {self.memory_cap_mb} MB",
                    hint="raise --memory or --worker-memory, or serve a store (--store) instead of dist/",
                )
            self._put_idle(worker)

    def _put_idle(self, worker: _Worker | None, client: object = None) -> None:
        with self._turn:
            if worker is not None:
                self._idle.append(worker)
            if client is not None:
                left = self._running.get(client, 0) - 1
                if left > 0:
                    self._running[client] = left
                else:
                    self._running.pop(client, None)
            self._turn.notify_all()

    def _may_take(self, client: object) -> bool:
        busy = self._running.get(client, 0) if client is not None else 0
        return len(self._idle) > (self.reserved if busy else 0)

    def _take(self, client: object, deadline: float) -> _Worker:
        """An idle worker for `client`, waiting in line (first come, first served among those allowed one)."""
        ticket = (object(), client)
        with self._turn:
            self._waiting.append(ticket)
            try:
                while True:
                    if self._closed:
                        raise WorkerFailed("the query pool is closed")
                    first = next((t for t in self._waiting if self._may_take(t[1])), None)
                    if first is ticket:
                        if client is not None:
                            self._running[client] = self._running.get(client, 0) + 1
                        return self._idle.pop()
                    left = deadline - time.monotonic()
                    if left <= 0:
                        raise ServerBusy(
                            f"all {self.size} query workers stayed busy for {self.timeout_s:g} s; try again later"
                        )
                    self._turn.wait(left)
            finally:
                self._waiting.remove(ticket)
                self._turn.notify_all()  # the next in line may now be first

    def _spawn(self) -> _Worker:
        # a plain subprocess rather than multiprocessing: no re-import of the caller's __main__
        process = subprocess.Popen(
            [sys.executable, "-m", "kg.serve.worker_main"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            close_fds=True,
        )
        assert process.stdin is not None and process.stdout is not None
        worker = _Worker(
            process,
            Connection(os.dup(process.stdout.fileno()), writable=False),
            Connection(os.dup(process.stdin.fileno()), readable=False),
        )
        process.stdin.close()
        process.stdout.close()
        worker.tx.send(self.config)
        with self._lock:
            self._all.append(worker)
        return worker

    def _await_ready(self, worker: _Worker) -> None:
        if not worker.rx.poll(self.startup_s):
            self._kill(worker)
            raise WorkerFailed(f"a query worker did not load the graph within {self.startup_s:g} s")
        try:
            status, payload = worker.rx.recv()
        except EOFError:
            self._kill(worker)
            raise WorkerFailed("a query worker died while loading the graph") from None
        if status != "ready":
            self._kill(worker)
            raise WorkerFailed(f"a query worker could not load the graph: {payload[1]}")

    def _kill(self, worker: _Worker) -> None:
        if worker.process.poll() is None:
            worker.process.kill()
        worker.process.wait(10)
        worker.rx.close()
        worker.tx.close()
        with self._lock:
            if worker in self._all:
                self._all.remove(worker)

    def _replace(self) -> None:
        if self._closed:
            return
        try:
            worker = self._spawn()
            self._await_ready(worker)
        # retried in a second (OSError: out of file descriptors); the pool is one worker short meanwhile
        except (WorkerFailed, OSError):
            threading.Timer(1.0, self._replace).start()
            return
        if self._closed:
            self._kill(worker)
            return
        self._put_idle(worker)

    def run(self, job: str, *args: Any, client: object = None) -> Any:
        """Run `job` in a worker; raise QueryTimeout after timeout_s (the worker is killed and replaced)."""
        return self.run_sized(job, *args, client=client)[0]

    def run_sized(self, job: str, *args: Any, client: object = None) -> tuple[Any, int]:
        """run(), with the size in bytes of the answer as the worker sent it."""
        if self._closed:
            raise WorkerFailed("the query pool is closed")
        deadline = time.monotonic() + self.timeout_s
        worker = self._take(client, deadline)
        try:
            worker.tx.send((job, args))
            self._await_answer(worker, time.monotonic() + self.timeout_s)
            data = worker.rx.recv_bytes()
        except (EOFError, OSError):
            self._discard(worker, client)
            raise WorkerFailed("a query worker died while answering; it has been replaced") from None
        except (QueryTimeout, WorkerOutOfMemory):
            self._discard(worker, client)
            raise
        used = resident_mb(worker.process.pid) if self.memory_cap_mb else None
        if used is not None and used > self.memory_cap_mb * _RECYCLE_AT:
            self._discard(worker, client)  # a fresh worker, rather than a failed request later
        else:
            self._put_idle(worker, client)
        status, payload = pickle.loads(data)
        if status == "ok":
            return payload, len(data)
        code, message = payload
        raise WorkerProblem(message, code)

    def _await_answer(self, worker: _Worker, deadline: float) -> None:
        """Wait for the worker's answer, watching its memory; raise QueryTimeout or WorkerOutOfMemory."""
        while not worker.rx.poll(min(_MEMORY_POLL_S, max(0.0, deadline - time.monotonic()))):
            if self.memory_cap_mb:
                used = resident_mb(worker.process.pid)
                if used is not None and used > self.memory_cap_mb:
                    self.killed_for_memory += 1
                    raise WorkerOutOfMemory(
                        f"the query needed more than the server's limit of {self.memory_cap_mb} MB of memory "
                        "and was stopped",
                        hint="ask for less: fewer rows, no ORDER BY over a large result",
                    )
            if time.monotonic() >= deadline:
                self.killed += 1
                raise QueryTimeout(
                    f"the query ran longer than the server's limit of {self.timeout_s:g} s and was stopped"
                )

    def _discard(self, worker: _Worker, client: object) -> None:
        """Kill a worker that failed or overran, start its replacement, free the client's turn."""
        self._kill(worker)
        self._put_idle(None, client)
        threading.Thread(target=self._replace, daemon=True).start()

    def alive(self) -> int:
        """Number of live worker processes."""
        with self._lock:
            return sum(1 for w in self._all if w.process.poll() is None)

    def idle(self) -> int:
        """Number of workers waiting for a job."""
        with self._turn:
            return len(self._idle)

    def close(self) -> None:
        """Stop every worker."""
        with self._turn:
            self._closed = True
            self._turn.notify_all()
        with self._lock:
            workers = list(self._all)
        for worker in workers:
            with contextlib.suppress(OSError):
                worker.tx.send(None)
        for worker in workers:
            with contextlib.suppress(subprocess.TimeoutExpired):
                worker.process.wait(2)
            self._kill(worker)
