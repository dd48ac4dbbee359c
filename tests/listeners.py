"""The one loopback listener every outbound-request test counts connections with.

It answers every request with one SPARQL JSON row holding ``SECRET`` (so a test can also see
that no answer from it came back), and records each request's path *before* it answers: an
engine that waits for the answer (Oxigraph's SERVICE client, Virtuoso's ``bif:http_get``) has
been recorded by the time its query returns.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time


class CountingListener:
    """A TCP listener on 127.0.0.1 (a free port) that counts connections and records request paths."""

    ROW = b'{"head":{"vars":["s"]},"results":{"bindings":[{"s":{"type":"literal","value":"SECRET"}}]}}'

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = int(self.sock.getsockname()[1])
        #: The listener's root URL, ``http://127.0.0.1:PORT/``.
        self.url = f"http://127.0.0.1:{self.port}/"
        self.connections = 0
        #: The path of each request received, in order (``""`` for a connection that sent none).
        self.paths: list[str] = []
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def url_for(self, path: str) -> str:
        return self.url + path.lstrip("/")

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:  # closed
                return
            with conn:
                conn.settimeout(1)
                head = b""
                with contextlib.suppress(OSError):
                    head = conn.recv(65536)
                parts = head.split(b"\r\n", 1)[0].split(b" ")
                with self._lock:
                    self.connections += 1
                    self.paths.append(parts[1].decode("latin-1") if len(parts) > 2 else "")
                answer = b"HTTP/1.1 200 OK\r\ncontent-type: application/sparql-results+json\r\n"
                answer += b"connection: close\r\ncontent-length: %d\r\n\r\n" % len(self.ROW) + self.ROW
                with contextlib.suppress(OSError):
                    conn.sendall(answer)

    def settle(self, wait: float = 0.05) -> int:
        """The count once a late connection (one nobody waited for) had time to land."""
        time.sleep(wait)
        return self.connections

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RDWR)  # wakes the accept() in progress (Linux)
        self.sock.close()
        self._thread.join(2)


#: The issue's families of texts that hid a SERVICE clause from the check (rdflib) but not from
#: Oxigraph or Virtuoso; ``{url}`` is where the SERVICE points.
BYPASSES = {
    "\\u0022 pair": 'SELECT ?s WHERE {{ BIND("\\u0022" AS ?a) SERVICE <{url}> {{ ?s ?p ?o }} '
    'BIND("\\u0022" AS ?b) }}',
    "\\u0027 pair": "SELECT ?s WHERE {{ BIND('\\u0027' AS ?a) SERVICE <{url}> {{ ?s ?p ?o }} "
    "BIND('\\u0027' AS ?b) }}",
    "\\U00000022 pair": 'SELECT ?s WHERE {{ BIND("\\U00000022" AS ?a) SERVICE <{url}> {{ ?s ?p ?o }} '
    'BIND("\\U00000022" AS ?b) }}',
    "comment ended by CR": "SELECT ?s WHERE {{ # a comment\rSERVICE <{url}> {{ ?s ?p ?o }}\n}}",
}
#: The same hiding around Virtuoso's ``bif:http_get`` (an extension function that fetches a URL).
HTTP_GET_BYPASSES = {
    "\\u0022 pair": 'SELECT ?s WHERE {{ BIND("\\u0022" AS ?a) BIND(<bif:http_get>("{url}") AS ?s) '
    'BIND("\\u0022" AS ?b) }}',
    "\\u0027 pair": "SELECT ?s WHERE {{ BIND('\\u0027' AS ?a) BIND(<bif:http_get>('{url}') AS ?s) "
    "BIND('\\u0027' AS ?b) }}",
    "comment ended by CR": 'SELECT ?s WHERE {{ # a comment\rBIND(<bif:http_get>("{url}") AS ?s)\n}}',
}
