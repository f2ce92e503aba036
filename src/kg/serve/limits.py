"""The connection-level limits of `kg serve`: uvicorn's settings, and what uvicorn does not bound.

uvicorn times out an idle keep-alive connection, but not a client that opens a connection and sends
its request line and headers a byte at a time, nor one that stops reading an answer; and when the
process runs out of file descriptors asyncio logs a traceback for every failed accept. This module
adds, on top of uvicorn's h11 protocol: a deadline for a request's head, a limit of open connections
(more are closed at once), a deadline for a response (answers) or for any progress in sending one
(dumps), and logging of every client-caused event as one line, at most one a second.
"""

from __future__ import annotations

import asyncio
import logging
import resource
import time
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

from kg.config import ServerLimits

#: scope["extensions"] key of the callable that cuts a client off (see _SendingLimits in kg.serve.app)
ABORT_EXTENSION = "kg.abort"
#: file descriptors kept besides client connections: listening socket, worker pipes, files, logs
_FD_HEADROOM = 64

log = logging.getLogger("kg.serve")


class OneLinePerSecond:
    """Log client-caused events as one line each, at most one a second; later lines say how many were dropped."""

    def __init__(self, logger: logging.Logger = log, interval_s: float = 1.0) -> None:
        self.logger = logger
        self.interval_s = interval_s
        self._last = 0.0
        self.dropped = 0

    def __call__(self, message: str) -> None:
        now = time.monotonic()
        if now - self._last < self.interval_s:
            self.dropped += 1
            return
        suffix = f" ({self.dropped} more such lines dropped)" if self.dropped else ""
        self._last, self.dropped = now, 0
        self.logger.warning("kg serve: %s%s", " ".join(message.split()), suffix)


client_log = OneLinePerSecond()


class OneLineFilter(logging.Filter):
    """For uvicorn's logger: a record with a traceback becomes one line; warnings go through client_log."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.exc_info[1] is not None:
            exc = record.exc_info[1]
            record.msg = f"{record.getMessage().strip()}: {type(exc).__name__}: {exc}"
            record.args = ()
            record.exc_info = None
            record.exc_text = None
        if record.levelno == logging.WARNING:
            client_log(record.getMessage())
            return False
        return True


def guarded_protocol(limits: ServerLimits) -> type[H11Protocol]:
    """uvicorn's h11 protocol with the limits uvicorn lacks (see the module docstring)."""

    class GuardedProtocol(H11Protocol):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._head_timer: asyncio.TimerHandle | None = None
            self._stall_timer: asyncio.TimerHandle | None = None
            self._waiting_since = 0.0
            inner = self.app

            async def app_with_abort(scope: Any, receive: Any, send: Any) -> None:
                scope.setdefault("extensions", {})[ABORT_EXTENSION] = self._cut_off
                await inner(scope, receive, send)

            self.app = app_with_abort

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            self._arm_head_timer()
            if len(self.connections) > limits.max_connections:
                # make room by closing the connection that has waited longest for a request head (an idle
                # or trickling one, never one being answered); if there is none, this one goes
                waiting = [c for c in self.connections if isinstance(c, GuardedProtocol) and c._waiting()]
                oldest = min(waiting, key=lambda c: c._waiting_since, default=self)
                oldest._cut_off(f"more than {limits.max_connections} connections open; closed the longest waiting")

        def _waiting(self) -> bool:
            """No request is being read or answered: the connection waits for a request head."""
            idle = self.cycle is None or self.cycle.response_complete
            return idle and self.conn.their_state is not h11.SEND_BODY and not self.transport.is_closing()

        def connection_lost(self, exc: Exception | None) -> None:
            for timer in (self._head_timer, self._stall_timer):
                if timer is not None:
                    timer.cancel()
            super().connection_lost(exc)

        def on_response_complete(self) -> None:
            super().on_response_complete()
            self._arm_head_timer()

        def _arm_head_timer(self) -> None:
            if self._head_timer is not None:
                self._head_timer.cancel()
            self._waiting_since = self.loop.time()
            self._head_timer = self.loop.call_later(limits.request_timeout_s, self._head_overdue)

        def _head_overdue(self) -> None:
            self._head_timer = None
            if self._waiting():
                self._cut_off(f"no complete request within {limits.request_timeout_s:g} s")

        def pause_writing(self) -> None:
            super().pause_writing()
            if self._stall_timer is None:
                self._stall_timer = self.loop.call_later(limits.send_timeout_s, self._stalled)

        def resume_writing(self) -> None:
            super().resume_writing()
            if self._stall_timer is not None:
                self._stall_timer.cancel()
                self._stall_timer = None

        def _stalled(self) -> None:
            self._stall_timer = None
            self._cut_off(f"the client read nothing for {limits.send_timeout_s:g} s")

        def _cut_off(self, why: str) -> None:
            if self.transport.is_closing():
                return
            peer = f"{self.client[0]}:{self.client[1]}" if self.client else "a client"
            client_log(f"{peer}: {why}; connection closed")
            self.transport.abort()

    return GuardedProtocol


def accept_errors_in_one_line(loop: asyncio.AbstractEventLoop) -> None:
    """Make the event loop log a failed accept (EMFILE …) as one line, at most one a second, not a traceback."""
    default = loop.get_exception_handler()

    def handler(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        exc = context.get("exception")
        if "accept" in str(context.get("message", "")) and isinstance(exc, OSError):
            client_log(f"cannot accept a connection: {exc.strerror or exc} (open files limit: ulimit -n)")
            return
        if default is not None:
            default(loop, context)
        else:
            loop.default_exception_handler(context)

    loop.set_exception_handler(handler)


def fit_connections(limits: ServerLimits, workers: int) -> int:
    """The connections the open-files limit allows: raises the soft limit towards the hard one if needed."""
    needed = limits.max_connections + _FD_HEADROOM + 4 * workers
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < needed:
        target = needed if hard == resource.RLIM_INFINITY else min(needed, hard)
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
            soft = target
        except (ValueError, OSError):
            pass
    if soft == resource.RLIM_INFINITY:
        return limits.max_connections
    return max(1, min(limits.max_connections, soft - _FD_HEADROOM - 4 * workers))


def uvicorn_options(limits: ServerLimits) -> dict[str, Any]:
    """Keyword arguments for uvicorn.Config that apply `limits` (the protocol above included)."""
    return {
        "http": guarded_protocol(limits),
        "timeout_keep_alive": limits.idle_timeout_s,
        "limit_concurrency": limits.max_connections + 1,  # uvicorn refuses at >=; the protocol caps connections
        "h11_max_incomplete_event_size": limits.max_header_bytes,
    }


def serve_forever(app: Any, limits: ServerLimits, host: str, port: int, *, workers: int = 2) -> None:
    """Run `app` with uvicorn under `limits` until interrupted (the body of `kg serve`)."""
    import dataclasses

    import uvicorn

    limits = dataclasses.replace(limits, max_connections=fit_connections(limits, workers))
    config = uvicorn.Config(app, host=host, port=port, log_level="warning", **uvicorn_options(limits))
    logging.getLogger("uvicorn.error").addFilter(OneLineFilter())
    server = uvicorn.Server(config)

    async def main() -> None:
        accept_errors_in_one_line(asyncio.get_running_loop())
        await server.serve()

    asyncio.run(main())
