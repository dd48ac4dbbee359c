"""ASGI middleware: security headers on every answer, the public address, and an optional
per-client rate limit.

Both are plain ASGI (no BaseHTTPMiddleware) so they add next to nothing to each request.
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from urllib.parse import urlsplit

from starlette.types import ASGIApp, Message, Receive, Scope, Send

#: Pages may use only this origin: no inline or remote script, no plugins, no framing.
#: Inline style stays allowed because vis-network and Swagger UI set element styles.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; "
    "base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
_ALWAYS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
]
_HTML_ONLY = [
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-frame-options", b"DENY"),
]


class SecurityHeadersMiddleware:
    """Adds nosniff and Referrer-Policy to every response, and a strict CSP to HTML ones."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {name.lower() for name, _ in headers}
                content_type = next((v for k, v in headers if k.lower() == b"content-type"), b"")
                extra = _ALWAYS + (_HTML_ONLY if content_type.startswith(b"text/html") else [])
                headers.extend((k, v) for k, v in extra if k not in names)
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


class PublicUrlMiddleware:
    """Makes every request look addressed to the configured public URL.

    Redirects, the query BASE and the service description are built from the request's
    URL; here its scheme, host and port come from the operator's setting, never from the
    client's ``Host`` header (which anyone can set to anything).
    """

    def __init__(self, app: ASGIApp, base_url: str) -> None:
        self.app = app
        parts = urlsplit(base_url)
        self.scheme = parts.scheme
        self.host = parts.netloc.encode("ascii")
        port = parts.port or (443 if parts.scheme == "https" else 80)
        self.server = (parts.hostname or "", port)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            scope = dict(scope)
            scope["scheme"] = self.scheme
            scope["server"] = self.server
            scope["headers"] = [(k, v) for k, v in scope.get("headers", []) if k != b"host"] + [
                (b"host", self.host)
            ]
        await self.app(scope, receive, send)


class AnswerCacheMiddleware:
    """Keeps the bytes of successful GET answers under ``prefixes`` and replays them.

    The embedded engines' data cannot change while serving, so ``/api/counterparts?tool=tflite``
    is the same bytes every time: resolving the name, building the answer and validating and
    writing the JSON are done once. Keyed by path, query string and ``Accept`` (pages are
    negotiated); only 200s, each at most ``max_body`` bytes, at most ``max_bytes`` in all.
    Not installed for the remote engine, whose store may change under us.
    """

    def __init__(
        self, app: ASGIApp, prefixes: tuple[str, ...], *, max_bytes: int = 32 << 20, max_body: int = 1 << 20
    ) -> None:
        from mlkg.graph._memo import LruCache

        self.app = app
        self.prefixes = prefixes
        self.max_body = max_body
        self._answers: LruCache[tuple[int, list[tuple[bytes, bytes]], bytes]] = LruCache(
            4096, max_weight=max_bytes, weigh=lambda answer: len(answer[2]) + 512
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope.get("method") != "GET"
            or not scope["path"].startswith(self.prefixes)
        ):
            await self.app(scope, receive, send)
            return
        accept = next((v for k, v in scope.get("headers", []) if k == b"accept"), b"")
        key = (scope["path"], scope.get("query_string", b""), accept)
        kept = self._answers.get(key)
        if kept is not None:
            status, headers, body = kept
            await send({"type": "http.response.start", "status": status, "headers": headers})
            await send({"type": "http.response.body", "body": body})
            return
        start: Message = {}
        chunks: list[bytes] = []

        async def keep(message: Message) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
                if not message.get("more_body") and start.get("status") == 200:
                    body = b"".join(chunks)
                    if len(body) <= self.max_body:
                        self._answers.put(key, (200, list(start.get("headers", [])), body))
            await send(message)

        await self.app(scope, receive, keep)


def client_address(scope: Scope) -> str:
    """Who sent a request, for per-client limits: the connection's peer, which uvicorn replaces
    from ``X-Forwarded-For`` only when the peer is one of ``MLKG_TRUSTED_PROXIES``."""
    return str((scope.get("client") or ("unknown", 0))[0])


class RateLimitMiddleware:
    """A token bucket per client address: ``per_minute`` requests, then 429 with Retry-After.

    /health is exempt so probes never count against a client. The client is the connection's
    peer (uvicorn replaces it from X-Forwarded-For only for the configured trusted proxies).
    Past ``max_clients`` tracked addresses the least recently seen one is forgotten (not the
    whole table: a flood of new addresses must not give everyone a fresh bucket).
    """

    max_clients = 100_000

    def __init__(self, app: ASGIApp, per_minute: int, *, clock: Callable[[], float] = time.monotonic):
        self.app = app
        self.capacity = float(per_minute)
        self.rate = per_minute / 60.0
        self.clock = clock
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self._lock = threading.Lock()

    def _take(self, client: str) -> float:
        """0 when the request may go on, else the seconds until a token is free."""
        now = self.clock()
        with self._lock:
            tokens, last = self._buckets.pop(client, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - last) * self.rate)
            taken = tokens >= 1
            self._buckets[client] = (tokens - 1 if taken else tokens, now)  # now the most recent
            while len(self._buckets) > self.max_clients:
                self._buckets.popitem(last=False)
            return 0.0 if taken else (1 - tokens) / self.rate

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("path") == "/health":
            await self.app(scope, receive, send)
            return
        wait = self._take(client_address(scope))
        if wait <= 0:
            await self.app(scope, receive, send)
            return
        retry_after = str(max(1, math.ceil(wait))).encode()
        body = (
            f"rate limit: at most {int(self.capacity)} requests a minute per client; "
            f"retry after {retry_after.decode()} s"
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 429,
                "headers": [
                    (b"content-type", b"text/plain; charset=utf-8"),
                    (b"retry-after", retry_after),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
