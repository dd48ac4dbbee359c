"""Limits on HTTP connections, enforced in the server's protocol before the app sees a request.

uvicorn's httptools protocol reads request heads of any size, with any number of headers, for
as long as a client cares to send them, and accepts every connection the kernel hands it. The
protocol class here (a subclass, selected with ``uvicorn.run(http=...)``) adds:

- the request head (request line and headers) at most ``max_header_bytes``, with at most
  ``max_headers`` fields: past either, ``431`` and the connection is closed;
- the head complete within ``header_timeout`` seconds of the connection opening (or of the
  previous response): else ``408`` and close, so half-sent requests cannot hold descriptors;
- at most ``max_connections`` open connections in all and ``max_connections_per_client``
  from one address: past either, ``503`` at once and close.

A front proxy (nginx, Caddy) may add its own limits in front; these hold without one.

>>> cls = guarded_protocol(ConnectionLimits(max_headers=50))
>>> cls.limits.max_headers
50
"""

from __future__ import annotations

import resource
from asyncio import TimerHandle, Transport
from dataclasses import dataclass
from typing import Any, ClassVar

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol


@dataclass(frozen=True)
class ConnectionLimits:
    """What one server holds its clients to (see the module doc)."""

    max_header_bytes: int = 32_768
    max_headers: int = 100
    header_timeout: float = 10.0
    max_connections: int = 1000
    max_connections_per_client: int = 64


class _HeadRefused(Exception):
    """Raised from a parser callback to stop reading a request head that broke a limit."""


_REASONS = {408: b"Request Timeout", 431: b"Request Header Fields Too Large", 503: b"Service Unavailable"}


class GuardedHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with the limits of :class:`ConnectionLimits`."""

    limits: ClassVar[ConnectionLimits] = ConnectionLimits()
    per_client: ClassVar[dict[str, int]] = {}  # one table per server: see guarded_protocol()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._peer = ""
        self._reading_head = True
        self._head_bytes = 0
        self._head_fields = 0
        self._head_timer: TimerHandle | None = None
        self._refusal: tuple[int, str] | None = None

    # -- connections ---------------------------------------------------------------------
    def connection_made(self, transport: Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._peer = self.client[0] if self.client else ""
        count = self.per_client.get(self._peer, 0) + 1
        self.per_client[self._peer] = count
        if len(self.connections) > self.limits.max_connections:
            self._refuse(503, "the server has too many open connections; try again in a few seconds")
        elif count > self.limits.max_connections_per_client:
            self._refuse(
                503,
                f"more than {self.limits.max_connections_per_client} open connections from your "
                "address; reuse connections or close idle ones",
            )
        else:
            self._arm_head_timer()

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_head_timer()
        left = self.per_client.get(self._peer, 1) - 1
        if left > 0:
            self.per_client[self._peer] = left
        else:
            self.per_client.pop(self._peer, None)
        super().connection_lost(exc)

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
        self._cancel_head_timer()
        super().on_headers_complete()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._reading_head = True
        self._head_bytes = 0
        self._head_fields = 0
        if not self.transport.is_closing():
            self._arm_head_timer()

    def send_400_response(self, msg: str) -> None:
        # The parser reports a callback's exception as a bad request; say what really was wrong.
        if self._refusal is not None:
            status, message = self._refusal
            self._refusal = None
            self._refuse(status, message)
            return
        super().send_400_response(msg)

    # -- helpers -------------------------------------------------------------------------
    def _too_large(self) -> str:
        return f"the request head is over {self.limits.max_header_bytes} bytes; send shorter headers"

    def _arm_head_timer(self) -> None:
        self._cancel_head_timer()
        self._head_timer = self.loop.call_later(self.limits.header_timeout, self._head_timed_out)

    def _cancel_head_timer(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_timed_out(self) -> None:
        self._head_timer = None
        if self._reading_head and not self.transport.is_closing():
            if self._head_bytes == 0:
                self.transport.close()  # an idle connection: nothing was asked, nothing to say
            else:
                self._refuse(
                    408, f"the request head was not complete within {self.limits.header_timeout:g} s"
                )

    def _refuse(self, status: int, message: str) -> None:
        """Answer ``status`` with ``message`` and close, whatever the parser's state."""
        self._refusal = (status, message)
        self._cancel_head_timer()
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
        {"limits": limits, "per_client": {}},
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


__all__ = ["ConnectionLimits", "GuardedHttpToolsProtocol", "guarded_protocol", "raise_open_file_limit"]
