"""Processes the tests start: Python under several hash seeds, and servers on 127.0.0.1 (stopped after)."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn
from starlette.types import ASGIApp


def outputs_under_hash_seeds(script: str, *args: str, seeds: tuple[str, ...] = ("1", "2")) -> list[str]:
    """What `python -c script args` prints under each PYTHONHASHSEED (a check that output is deterministic)."""
    return [
        subprocess.run(
            [sys.executable, "-c", script, *args],
            env={**os.environ, "PYTHONHASHSEED": seed},
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        for seed in seeds
    ]


def wait_for_kg_serve(url: str, process: subprocess.Popen[bytes] | None = None, log: Path | None = None) -> None:
    """Wait (up to 120 s) until `kg serve` at `url` lists its queries; fail if its process ends first."""
    deadline = time.monotonic() + 120
    while True:
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{url}/queries", timeout=2).status_code == 200:
                return
        alive = process is None or process.poll() is None
        assert alive and time.monotonic() < deadline, log.read_text() if log else "the server did not come up"
        time.sleep(0.1)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def oxigraph_binary() -> str:
    """The `oxigraph` server CLI of this environment (the `oxigraph` package of the test extra)."""
    found = shutil.which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))
    if not Path(found).is_file():
        pytest.fail("the oxigraph server CLI is missing; it is in the test extra: pip install -e '.[test]'")
    return found


def oxigraph_load(location: Path, files: list[Path]) -> Path:
    """Load RDF files into an Oxigraph store folder with `oxigraph load` (made if missing)."""
    for file in files:
        subprocess.run(
            [oxigraph_binary(), "load", "--location", str(location), "--file", str(file)],
            check=True,
            capture_output=True,
        )
    return location


@contextlib.contextmanager
def oxigraph_server(location: Path, *, union_default_graph: bool = False, timeout_s: float = 60) -> Iterator[str]:
    """`oxigraph serve` on a free loopback port over the store at `location`; yields its base URL."""
    port = free_port()
    command = [oxigraph_binary(), "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"]
    process = subprocess.Popen(
        [*command, "--union-default-graph"] if union_default_graph else command,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout_s
        while True:
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(base + "/query", params={"query": "ASK {}"}, timeout=2).status_code == 200:
                    break
            if process.poll() is not None:
                pytest.fail(f"oxigraph serve exited: {process.stderr.read().decode() if process.stderr else ''}")
            if time.monotonic() > deadline:
                pytest.fail(f"oxigraph serve did not answer within {timeout_s:.0f} s")
            time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        process.wait(20)


@contextlib.contextmanager
def serve_in_thread(app: ASGIApp, ready_path: str, timeout_s: float = 120, poll_s: float = 0.2) -> Iterator[str]:
    """Serve `app` with uvicorn on a free port of 127.0.0.1 in a thread; yield its URL once `ready_path`
    answers 200 (up to `timeout_s`), and stop the server after."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{url}{ready_path}", timeout=2).status_code == 200:
                break
        time.sleep(poll_s)
    try:
        yield url
    finally:
        server.should_exit = True
        thread.join(30)
