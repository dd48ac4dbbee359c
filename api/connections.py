"""Limits on HTTP connections, enforced in the server's protocol before the app sees a request.

uvicorn's httptools protocol reads request heads and bodies of any size, for as long as a
client cares to send them, buffers whole answers for clients that never read them, and
accepts every connection the kernel hands it. The protocol class here (a subclass, selected
with ``uvicorn.run(http=...)``) adds:

- the request head (request line and headers) at most ``max_header_bytes``, with at most
  ``max_headers`` fields, counted per request (pipelined requests each get their own): past
  either, ``431`` and the connection is closed;
- the head complete within ``header_timeout`` seconds of the connection opening (or of the
  previous response), and a declared body (``Content-Length`` or chunked) complete within
  ``body_timeout`` seconds of its head: else ``408`` and close, so half-sent requests cannot
  hold descriptors;
- answers written in pieces of ``write_buffer_bytes``, each only once the transport's buffer
  is below that mark (uvicorn's flow control), so a connection buffers at most about twice that;
  a client that leaves its answer unread for ``write_timeout`` seconds is cut off, and when
  answers waiting on such clients hold more than ``max_unread_output_bytes`` in all, the one
  waiting longest is cut off at once;
- at most ``max_connections`` open connections in all and ``max_connections_per_client``
  from one address: past the first, a connection of the address holding the most (more than
  the newcomer's) that is waiting on its client (a head, a body, an idle keep-alive, an unread
  answer) is closed to make room, else the newcomer gets ``503``; past the second, ``503``;
- WebSocket upgrades (the app has no WebSocket routes; ``mlkg serve`` runs uvicorn with
  ``ws="none"``) answered as plain HTTP and closed, so they stay counted and are released.

A front proxy (nginx, Caddy) may add its own limits in front; these hold without one.

>>> cls = guarded_protocol(ConnectionLimits(max_headers=50))
>>> cls.limits.max_headers
50
"""

from __future__ import annotations

import resource
from asyncio import TimerHandle, Transport
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from uvicorn._types import ASGI3Application, ASGIReceiveCallable, ASGISendCallable, ASGISendEvent, Scope
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol, RequestResponseCycle


@dataclass(frozen=True)
class ConnectionLimits:
    """What one server holds its clients to (see the module doc)."""

    max_header_bytes: int = 32_768
    max_headers: int = 100
    header_timeout: float = 10.0
    body_timeout: float = 30.0
    write_timeout: float = 30.0
    write_buffer_bytes: int = 65_536
    max_unread_output_bytes: int = 256 << 20
    max_connections: int = 1000
    max_connections_per_client: int = 64


#: Set in a request's ``scope["state"]`` when this protocol ended the request (a timeout, a cap).
CUT_OFF = "mlkg_cut_off"


class _HeadRefused(Exception):
    """Raised from a parser callback to stop reading a request head that broke a limit."""


_REASONS = {
    408: b"Request Timeout",
    431: b"Request Header Fields Too Large",
    503: b"Service Unavailable",
}


class GuardedHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with the limits of :class:`ConnectionLimits`."""

    limits: ClassVar[ConnectionLimits] = ConnectionLimits()
    # One table and one set per server: see guarded_protocol().
    per_client: ClassVar[dict[str, int]] = {}
    unread: ClassVar[set[GuardedHttpToolsProtocol]] = set()  # answers waiting on a client

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._peer = ""
        self._reading_head = True  # the parser is between requests or in a head
        self._in_body = False  # a head is complete, its body not yet
        self._began = False  # a request has begun and is not complete
        self._head_bytes = 0
        self._head_fields = 0
        self._timers: dict[str, TimerHandle] = {}
        self._since = 0.0  # when the connection began waiting on its client (eviction order)
        self._unsent = 0  # bytes of the answer being sent not yet handed to the transport
        self._refusal: tuple[int, str] | None = None

    # -- connections ---------------------------------------------------------------------
    def connection_made(self, transport: Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        # The transport asks us to pause (and the app's sends wait) past this many bytes.
        transport.set_write_buffer_limits(high=self.limits.write_buffer_bytes)
        self._since = self.loop.time()
        self._peer = self.client[0] if self.client else ""
        count = self.per_client.get(self._peer, 0) + 1
        self.per_client[self._peer] = count
        if count > self.limits.max_connections_per_client:
            self._refuse(
                503,
                f"more than {self.limits.max_connections_per_client} open connections from your "
                "address (MLKG_MAX_CONNECTIONS_PER_CLIENT); reuse connections or close idle ones",
            )
        elif len(self.connections) > self.limits.max_connections and not self._make_room(count):
            self._refuse(503, "the server has too many open connections; try again in a few seconds")
        else:
            self._arm("head", self.limits.header_timeout, self._head_timed_out)

    def connection_lost(self, exc: Exception | None) -> None:
        for timer in self._timers.values():
            timer.cancel()
        self._timers.clear()
        self.unread.discard(self)
        left = self.per_client.get(self._peer, 1) - 1
        if left > 0:
            self.per_client[self._peer] = left
        else:
            self.per_client.pop(self._peer, None)
        super().connection_lost(exc)

    def _make_room(self, mine: int) -> bool:
        """Close a connection waiting on its client, of the address holding the most (more than
        ``mine``, the newcomer's count); False when there is none to close."""
        victim: GuardedHttpToolsProtocol | None = None
        best = (mine, 0.0)
        for other in self.connections:
            if other is self or not isinstance(other, GuardedHttpToolsProtocol):
                continue
            if other.transport.is_closing() or not other._waiting_on_client():
                continue
            rank = (self.per_client.get(other._peer, 0), -other._since)  # most, then longest
            if rank > best:
                victim, best = other, rank
        if victim is None:
            return False
        victim._evict()
        return True

    def _waiting_on_client(self) -> bool:
        return self._in_body or self.flow.write_paused or (self._reading_head and not self._in_flight())

    def _in_flight(self) -> bool:
        return self.cycle is not None and not self.cycle.response_complete

    def _evict(self) -> None:
        answered = self.cycle is not None and self.cycle.response_started
        if (self._in_body and not answered) or (self._reading_head and self._began):
            self._refuse(
                503,
                "the server is at its connection limit (MLKG_MAX_CONNECTIONS) and closed this "
                "connection, the longest waiting on its client from the address holding the most; "
                "send requests promptly and reuse connections",
            )
        else:
            self._drop()

    # -- the request head ----------------------------------------------------------------
    def data_received(self, data: bytes) -> None:
        if self._refusal is not None:
            return
        if self._reading_head:
            self._head_bytes += len(data)
        super().data_received(data)
        # Still in the head and already past the limit (a header sent in many pieces).
        if self._reading_head and self._refusal is None and self._head_bytes > self.limits.max_header_bytes:
            self._refuse(431, self._too_large())

    def on_message_begin(self) -> None:
        super().on_message_begin()
        # Counted per request: a read holding many pipelined requests is not one big head. (The
        # bytes of the read in which a head begins are not counted: the cap is off by one read
        # at most, and a complete head is measured exactly in on_headers_complete.)
        self._reading_head = True
        self._began = True
        self._head_bytes = 0
        self._head_fields = 0

    def on_header(self, name: bytes, value: bytes) -> None:
        self._head_fields += 1
        if self._head_fields > self.limits.max_headers:
            self._refusal = (431, f"more than {self.limits.max_headers} header fields; send fewer")
            raise _HeadRefused
        super().on_header(name, value)

    def on_headers_complete(self) -> None:
        size = len(self.url) + sum(len(name) + len(value) + 4 for name, value in self.headers)
        if size > self.limits.max_header_bytes:
            self._refusal = (431, self._too_large())
            raise _HeadRefused
        self._reading_head = False
        self._cancel("head")
        super().on_headers_complete()
        # Cancelled by on_message_complete, at once for a request without a body.
        self._in_body = True
        self._since = self.loop.time()
        self._arm("body", self.limits.body_timeout, self._body_timed_out)

    def on_message_complete(self) -> None:
        super().on_message_complete()
        self._in_body = False
        self._began = False
        self._reading_head = True
        self._cancel("body")

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing() and not self._in_flight():
            self._since = self.loop.time()
            self._arm("head", self.limits.header_timeout, self._head_timed_out)

    def send_400_response(self, msg: str) -> None:
        # The parser reports a callback's exception as a bad request; say what really was wrong.
        if self._refusal is not None:
            status, message = self._refusal
            self._refusal = None
            self._refuse(status, message)
            return
        super().send_400_response(msg)

    def _unsupported_upgrade_warning(self) -> None:
        # ws="none": the request is answered as plain HTTP; the parser stops at an upgrade, so
        # the connection closes after that answer (and connection_lost releases its count).
        if self._in_flight():
            self.cycle.keep_alive = False
        else:
            self.transport.close()

    # -- answers -------------------------------------------------------------------------
    def _start_asgi_task(self, cycle: RequestResponseCycle, app: ASGI3Application) -> None:
        super()._start_asgi_task(cycle, self._paced(app))

    def _paced(self, app: ASGI3Application) -> ASGI3Application:
        """``app`` with its answer bodies sent in pieces of ``write_buffer_bytes``: the cycle
        waits before each piece while the transport is paused, so a client that does not read
        holds at most one piece beyond the mark in the transport, not the whole answer."""
        piece = self.limits.write_buffer_bytes

        async def paced(scope: Scope, receive: ASGIReceiveCallable, send: ASGISendCallable) -> None:
            async def send_in_pieces(message: ASGISendEvent) -> None:
                if message["type"] != "http.response.body" or len(message.get("body", b"")) <= piece:
                    await send(message)
                    return
                body, more = message["body"], message.get("more_body", False)
                try:
                    for start in range(0, len(body), piece):
                        if self.transport.is_closing():
                            return  # cut off: nobody to send the rest to
                        self._unsent = len(body) - start
                        last = start + piece >= len(body)
                        part = body[start : start + piece]
                        await send(
                            {"type": "http.response.body", "body": part, "more_body": more or not last}
                        )
                finally:
                    self._unsent = 0

            await app(scope, receive, send_in_pieces)

        return paced

    def pause_writing(self) -> None:
        super().pause_writing()
        self._since = self.loop.time()
        self._arm("write", self.limits.write_timeout, self._write_timed_out)
        self.unread.add(self)
        self._bound_unread_output()

    def resume_writing(self) -> None:
        super().resume_writing()
        self._cancel("write")
        self.unread.discard(self)

    def _held(self) -> int:
        return self._unsent + self.transport.get_write_buffer_size()

    def _bound_unread_output(self) -> None:
        """Cut off the longest-waiting unread answers while they hold more than the limit."""
        total = sum(conn._held() for conn in self.unread)
        while total > self.limits.max_unread_output_bytes and self.unread:
            victim = min(self.unread, key=lambda conn: conn._since)
            total -= victim._held()
            victim._drop()

    # -- helpers -------------------------------------------------------------------------
    def _too_large(self) -> str:
        return (
            f"the request head is over {self.limits.max_header_bytes} bytes (MLKG_MAX_HEADER_BYTES); "
            "send shorter headers"
        )

    def _arm(self, name: str, delay: float, callback: Callable[[], None]) -> None:
        self._cancel(name)
        self._timers[name] = self.loop.call_later(delay, callback)

    def _cancel(self, name: str) -> None:
        timer = self._timers.pop(name, None)
        if timer is not None:
            timer.cancel()

    def _head_timed_out(self) -> None:
        self._timers.pop("head", None)
        if self._reading_head and not self._in_flight() and not self.transport.is_closing():
            if not self._began:
                self.transport.close()  # an idle connection: nothing was asked, nothing to say
            else:
                self._refuse(
                    408,
                    f"the request head was not complete within {self.limits.header_timeout:g} s "
                    "(MLKG_HEADER_TIMEOUT); send the whole head at once",
                )

    def _body_timed_out(self) -> None:
        self._timers.pop("body", None)
        if not self._in_body or self.transport.is_closing():
            return
        if self.cycle is not None and self.cycle.response_started:
            self._drop()  # answered already (without reading the body): nothing more to say
        else:
            self._refuse(
                408,
                f"the request body was not complete within {self.limits.body_timeout:g} s of its "
                "head (MLKG_BODY_TIMEOUT); send the whole body at once",
            )

    def _write_timed_out(self) -> None:
        self._timers.pop("write", None)
        if self.flow.write_paused:
            self._drop()

    def _stop_cycle(self) -> None:
        """Tell the running request its client is gone, so the app writes nothing more."""
        if self._in_flight():
            # Read by the app's ClientDisconnect handler: the server, not the client, ended it
            # (and has said why on the connection), so there is nothing to log.
            self.cycle.scope["state"][CUT_OFF] = True
            self.cycle.disconnected = True
            self.cycle.message_event.set()

    def _drop(self) -> None:
        """Close at once, discarding what is buffered (a client that does not read)."""
        self.unread.discard(self)
        self._stop_cycle()
        self.transport.abort()

    def _refuse(self, status: int, message: str) -> None:
        """Answer ``status`` with ``message`` and close, whatever the parser's state."""
        self._refusal = (status, message)
        self._cancel("head")
        self._cancel("body")
        self._stop_cycle()
        body = (message + "\n").encode()
        head = (
            b"HTTP/1.1 %d %s\r\ncontent-type: text/plain; charset=utf-8\r\n"
            b"content-length: %d\r\nconnection: close\r\n\r\n" % (status, _REASONS[status], len(body))
        )
        if not self.transport.is_closing():
            self.transport.write(head + body)
            self.transport.close()


def guarded_protocol(limits: ConnectionLimits) -> type[GuardedHttpToolsProtocol]:
    """A protocol class for one server, holding ``limits`` and its own per-address counts."""
    return type(
        "GuardedHttpToolsProtocol",
        (GuardedHttpToolsProtocol,),
        {"limits": limits, "per_client": {}, "unread": set()},
    )


def raise_open_file_limit() -> int:
    """Raise this process's soft limit on open files to its hard limit; the new soft limit.

    Each connection and each worker pipe is a descriptor; the default soft limit (often
    1,024) is far below what the connection caps allow.
    """
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or hard > soft:
        target = hard if hard != resource.RLIM_INFINITY else max(soft, 1 << 16)
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
            return target
        except (OSError, ValueError):
            return soft
    return soft


__all__ = [
    "CUT_OFF",
    "ConnectionLimits",
    "GuardedHttpToolsProtocol",
    "guarded_protocol",
    "raise_open_file_limit",
]
