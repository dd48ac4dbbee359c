"""Running untrusted SPARQL with a time limit that really stops the work.

An embedded engine (pyoxigraph, rdflib) cannot be interrupted from another thread: a cross
product over the whole graph would keep a CPU busy long after its caller gave up. So every
user query runs in a *worker process* that can be killed.

Design (kept deliberately small):

- :class:`BoundedQueryRunner` owns a pool of worker processes. Each worker opens its own
  :class:`KnowledgeGraph` from the parent's :class:`GraphConfig` (``validate=False``; an
  on-disk store is re-read from the data files into memory, so no two processes share the
  RocksDB lock). Workers are started through the ``forkserver`` method (a clean, preloaded,
  single-threaded server forks them; never a ``fork`` of a process that already runs
  pyoxigraph threads), so a new worker is ready in well under a second.
- One job = ``(sparql, media_type, default_graphs, named_graphs, row_limit)``. The worker runs
  ``kg.query`` *and* ``serialize_result`` and sends back bytes, the result kind and the
  truncation flag, or the error (class name, message, line/column) that the parent re-raises
  as the same :class:`MlkgError` subclass.
- The parent waits on the worker's pipe at most ``timeout`` seconds. Past that it SIGKILLs
  the worker (the work stops at once), starts a replacement in the background and raises
  :class:`QueryTimeout`. A query still running after 0.25 s has its worker reniced to 19, so
  short queries (and the HTTP server) keep the CPU while long ones grind; a reniced worker
  is retired when its query ends (priority cannot be raised back without privileges).
- The pool keeps ``workers`` processes and at least one *idle* one: whenever the last idle
  worker is taken, another is spawned ahead, up to ``max_workers`` (default ``workers + 4``).
  So cheap queries keep being answered while several runaways wait for their limit. Workers
  above the pool size retire once they have sat idle for a minute (not at once: that made the
  pool spawn and retire a worker per request under steady load). When every worker up
  to the maximum is busy, a caller waits (bounded by ``timeout``) and then gets
  :class:`EngineUnavailable`.
- :meth:`BoundedQueryRunner.run` blocks; async callers run it in a thread. Workers die with
  the parent (their pipe closes; on Linux also ``PR_SET_PDEATHSIG``).
- The remote engine needs no worker: its HTTP call has its own timeout. The runner then runs
  the query in the calling thread, behind the same interface.

>>> from mlkg.graph import KnowledgeGraph
>>> with BoundedQueryRunner(KnowledgeGraph.open(), workers=1, timeout=5) as runner:
...     runner.run("ASK { ?s ?p ?o }", "text/csv").body
b'boolean\\r\\ntrue\\r\\n'
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import re
import signal
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING, Any

from ._errors import (
    EngineUnavailable,
    MlkgError,
    QueryError,
    QueryRefused,
    QuerySyntaxError,
    QueryTimeout,
    UnsupportedFormat,
)
from ._memo import LruCache
from ._results import ResultKind, serialize_result
from ._sparql_text import _TOKEN, inspect_sparql

if TYPE_CHECKING:
    from multiprocessing.context import BaseContext
    from multiprocessing.process import BaseProcess

    from ._knowledge import GraphConfig, KnowledgeGraph

_STARTUP_TIMEOUT = 60.0
_DEMOTE_AFTER = 0.25
_RETIRE_IDLE_AFTER = 60.0
"""Seconds after which a running query's worker drops to the lowest CPU priority."""
_LINE = re.compile(r"line \d+")
_ABSOLUTE = re.compile(r"<[A-Za-z][A-Za-z0-9+.\-]*:[^<>\s]*>$")  # written in full, not relative
_ERRORS: dict[str, type[MlkgError]] = {
    cls.__name__: cls for cls in (QueryError, QueryRefused, UnsupportedFormat, EngineUnavailable, MlkgError)
}
_Job = tuple[str, str, tuple[str, ...] | None, tuple[str, ...] | None, int | None]


def split_dataset_clauses(sparql: str) -> tuple[str, list[str], list[str]]:
    """``sparql`` with its FROM / FROM NAMED clauses blanked out, and the graphs they named
    (as written: ``<iri>`` or a prefixed name).

    Blanking keeps the text's length, so syntax-error positions still point at the user's text.
    The Protocol's ``default-graph-uri`` / ``named-graph-uri`` replace these clauses, and where
    none are given the clauses themselves become the protocol dataset: one rule, applied the
    same way on every engine (embedded engines asked for a union default graph ignore FROM).

    >>> split_dataset_clauses("ASK FROM <urn:a> FROM NAMED <urn:b> { }")
    ('ASK                                 { }', ['<urn:a>'], ['<urn:b>'])
    """
    spans: list[tuple[int, int]] = []
    default: list[str] = []
    named: list[str] = []
    tokens = [m for m in _TOKEN.finditer(sparql) if m.lastgroup not in ("ws", "comment")]
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.lastgroup == "word" and token.group().upper() == "FROM":
            end = index + 1
            is_named = end < len(tokens) and tokens[end].group().upper() == "NAMED"
            end += is_named
            if end < len(tokens) and tokens[end].lastgroup in ("iri", "word"):
                target = tokens[end].group()
                (named if is_named else default).append(target)
                spans.append((token.start(), tokens[end].end()))
                index = end
        index += 1
    for start, end in reversed(spans):
        sparql = sparql[:start] + re.sub(r"[^\r\n]", " ", sparql[start:end]) + sparql[end:]
    return sparql, default, named


#: Answers larger than this are not kept in the cache (a few big ones would evict many small).
_CACHE_MAX_BODY = 1 << 20


def _cache_key(
    sparql: str,
    media_type: str,
    default_graphs: Sequence[str] | None,
    named_graphs: Sequence[str] | None,
    row_limit: int | None,
    base_iri: str | None,
) -> tuple[Any, ...]:
    return (
        sparql,
        media_type,
        None if default_graphs is None else tuple(default_graphs),
        None if named_graphs is None else tuple(named_graphs),
        row_limit,
        base_iri,
    )


@dataclass(frozen=True)
class BoundedAnswer:
    """A serialised answer: the bytes to send, what kind of result it was, whether it was cut."""

    body: bytes
    kind: ResultKind
    truncated: bool


# -- the worker side ----------------------------------------------------------------------


def _die_with_parent() -> None:
    """Make sure this worker cannot outlive the server, even one killed with SIGKILL.

    The fork server exits when every holder of its "alive" pipe has gone; workers inherit that
    pipe, so a worker busy in a query would keep it (and itself) alive forever. The worker
    closes its copy, so the fork server exits with the server, and asks Linux to SIGKILL the
    worker when its parent (the fork server) exits.
    """
    with contextlib.suppress(Exception):
        from multiprocessing import forkserver

        server: Any = forkserver._forkserver
        if server._forkserver_alive_fd is not None:
            os.close(server._forkserver_alive_fd)
            server._forkserver_alive_fd = None
    if sys.platform.startswith("linux"):
        with contextlib.suppress(Exception):
            import ctypes

            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
            if os.getppid() == 1:  # the parent went before the request was made
                os._exit(1)


def _answer(kg: KnowledgeGraph, job: _Job) -> tuple[Any, ...]:
    sparql, media_type, default_graphs, named_graphs, row_limit = job
    try:
        result = kg.query(
            sparql, default_graphs=default_graphs, named_graphs=named_graphs, row_limit=row_limit
        )
        return ("ok", serialize_result(result, media_type), result.kind, result.truncated)
    except MlkgError as err:
        line = getattr(err, "line", None)
        column = getattr(err, "column", None)
        return ("error", type(err).__name__, str(err), line, column)
    except Exception as err:  # an engine bug must not kill the worker
        return ("error", "QueryError", f"query failed: {type(err).__name__}: {err}", None, None)


def _worker_main(config: GraphConfig, conn: Connection) -> None:
    """Open the graph, say ready, then answer jobs until the pipe closes or ``None`` comes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    _die_with_parent()
    from ._knowledge import KnowledgeGraph

    try:
        kg = KnowledgeGraph.open(replace(config, store_path=None), validate=False)
    except Exception as err:
        conn.send(("failed", f"{type(err).__name__}: {err}"))
        return
    conn.send(("ready",))
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        conn.send(_answer(kg, job))


def _raise_error(reply: tuple[Any, ...]) -> None:
    _, name, message, line, column = reply
    if name == "QuerySyntaxError":
        raise QuerySyntaxError(message, line=line, column=column)
    raise _ERRORS.get(name, QueryError)(message)


# -- the parent side ----------------------------------------------------------------------


class _Worker:
    """One worker process and the parent's end of its pipe."""

    def __init__(self, context: BaseContext, config: GraphConfig) -> None:
        self.conn, child = multiprocessing.Pipe()
        self.process: BaseProcess = context.Process(  # type: ignore[attr-defined]
            target=_worker_main, args=(config, child), daemon=True, name="mlkg-query-worker"
        )
        self.process.start()
        child.close()
        self.demoted = False
        self.idle_since = time.monotonic()

    def wait_ready(self, timeout: float) -> None:
        try:
            if not self.conn.poll(timeout):
                raise EngineUnavailable(f"a query worker did not start within {timeout:g} s")
            reply = self.conn.recv()
        except (EOFError, OSError):
            self.process.join(1)
            raise EngineUnavailable(
                f"a query worker exited while starting (exit code {self.process.exitcode})"
            ) from None
        if reply[0] != "ready":
            raise EngineUnavailable(f"a query worker could not open the graph: {reply[1]}")

    def demote(self) -> None:
        """Lowest CPU priority for the rest of this worker's life (it is retired after)."""
        self.demoted = True
        with contextlib.suppress(Exception):
            if self.process.pid is not None:
                os.setpriority(os.PRIO_PROCESS, self.process.pid, 19)

    def kill(self) -> None:
        with contextlib.suppress(Exception):
            if self.process.pid is not None:
                os.kill(self.process.pid, signal.SIGKILL)
        with contextlib.suppress(Exception):
            self.process.join(5)
        self.conn.close()

    def retire(self) -> None:
        with contextlib.suppress(Exception):
            self.conn.send(None)
        with contextlib.suppress(Exception):
            self.process.join(2)
        if self.process.is_alive():
            self.kill()
        self.conn.close()


class BoundedQueryRunner:
    """Runs user SPARQL under a time limit, in killable worker processes (see the module doc)."""

    def __init__(
        self,
        kg: KnowledgeGraph,
        *,
        workers: int = 4,
        timeout: float = 10.0,
        max_workers: int | None = None,
        cache_entries: int = 0,
    ) -> None:
        self.kg = kg
        self.workers = max(1, workers)
        self.max_workers = max(self.workers + 1, max_workers or self.workers + 4)
        self.timeout = timeout
        self.in_process = kg.config.engine == "remote"
        self._cond = threading.Condition()
        self._idle: list[_Worker] = []
        self._busy: set[_Worker] = set()
        self._starting = 0
        self._closed = False
        self._start_error: str | None = None
        self._context: BaseContext | None = None
        # The embedded engines' data cannot change while serving, so an answer is the same
        # bytes every time; a remote store may change under us, so it is never cached.
        self.cache_entries = 0 if self.in_process else max(0, cache_entries)
        self._cache: LruCache[BoundedAnswer] = LruCache(self.cache_entries)

    # -- life cycle ----------------------------------------------------------------------
    def start(self) -> None:
        """Start the pool and wait until every worker has opened the graph."""
        if self.in_process:
            return
        context = multiprocessing.get_context("forkserver")
        preload = ["mlkg.graph", "pyoxigraph"] + (["rdflib"] if self.kg.config.engine == "rdflib" else [])
        context.set_forkserver_preload(preload)
        self._context = context
        fresh = [_Worker(context, self.kg.config) for _ in range(self.workers)]
        try:
            for worker in fresh:
                worker.wait_ready(_STARTUP_TIMEOUT)
        except MlkgError:
            for worker in fresh:
                worker.kill()
            raise
        with self._cond:
            self._idle.extend(fresh)

    def close(self) -> None:
        """Stop every worker (idle ones politely, busy ones at once)."""
        with self._cond:
            self._closed = True
            idle, busy = list(self._idle), list(self._busy)
            self._idle.clear()
            self._busy.clear()
            self._cond.notify_all()
        for worker in busy:
            worker.kill()
        for worker in idle:
            worker.retire()

    def __enter__(self) -> BoundedQueryRunner:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def pids(self) -> list[int]:
        """Process ids of the live workers (for tests and monitoring)."""
        with self._cond:
            return [w.process.pid for w in (*self._idle, *self._busy) if w.process.pid is not None]

    # -- running -------------------------------------------------------------------------
    def cached(
        self,
        sparql: str,
        media_type: str,
        *,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        row_limit: int | None = None,
        base_iri: str | None = None,
    ) -> BoundedAnswer | None:
        """The answer :meth:`run` gave before for exactly these arguments, if still cached.

        Cheap and non-blocking, so async callers can try it before handing off to a thread.
        """
        return self._cache.get(
            _cache_key(sparql, media_type, default_graphs, named_graphs, row_limit, base_iri)
        )

    def run(
        self,
        sparql: str,
        media_type: str,
        *,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        row_limit: int | None = None,
        base_iri: str | None = None,
    ) -> BoundedAnswer:
        """Run ``sparql`` and serialise its answer as ``media_type``, within the time limit.

        ``base_iri`` resolves relative IRIs (the Protocol's base is the endpoint URL); it is
        sent as a ``BASE`` line before the text, and syntax-error lines are reported as in the text.

        Raises what ``kg.query`` raises (:class:`QuerySyntaxError`, :class:`QueryRefused`...),
        :class:`UnsupportedFormat` when the answer cannot take ``media_type``,
        :class:`QueryTimeout` past the limit, :class:`EngineUnavailable` when no worker is free.
        """
        key = _cache_key(sparql, media_type, default_graphs, named_graphs, row_limit, base_iri)
        answer = self._cache.get(key)
        if answer is not None:
            return answer
        self.kg.check_allowed(sparql)  # refuse updates and SERVICE before using a worker
        if inspect_sparql(sparql).has_dataset_clause:
            blanked, from_default, from_named = split_dataset_clauses(sparql)
            if default_graphs is not None or named_graphs is not None:
                sparql = blanked  # the protocol's dataset wins over the query's
            elif all(_ABSOLUTE.match(iri) for iri in (*from_default, *from_named)):
                default_graphs = [iri[1:-1] for iri in from_default]
                named_graphs = [iri[1:-1] for iri in from_named]
                sparql = blanked
        if base_iri is not None:
            sparql = f"BASE <{base_iri}>\n{sparql}"
        job: _Job = (
            sparql,
            media_type,
            None if default_graphs is None else tuple(default_graphs),
            None if named_graphs is None else tuple(named_graphs),
            row_limit,
        )
        reply = _answer(self.kg, job) if self.in_process else self._run_in_worker(job)
        if reply[0] == "error":
            if reply[1] == "QueryTimeout":
                raise QueryTimeout(self.timeout)
            if base_iri is not None and reply[1] == "QuerySyntaxError" and reply[3]:
                line = reply[3] - 1
                message = _LINE.sub(f"line {line}", reply[2], count=1)
                reply = (*reply[:2], message, line, reply[4])
            _raise_error(reply)
        answer = BoundedAnswer(body=reply[1], kind=reply[2], truncated=reply[3])
        if len(answer.body) <= _CACHE_MAX_BODY:
            self._cache.put(key, answer)
        return answer

    def _run_in_worker(self, job: _Job) -> tuple[Any, ...]:
        worker = self._acquire()
        started = time.monotonic()
        try:
            worker.conn.send(job)
            finished = worker.conn.poll(min(self.timeout, _DEMOTE_AFTER))
            if not finished:
                worker.demote()  # a long query yields the CPU to short ones from now on
                finished = worker.conn.poll(max(0.0, self.timeout - (time.monotonic() - started)))
            reply = worker.conn.recv() if finished else None
        except (EOFError, OSError) as err:
            self._discard(worker)
            raise QueryError(
                f"the query's worker process ended unexpectedly ({err or 'no answer'})"
            ) from None
        if reply is None:
            self._discard(worker)
            raise QueryTimeout(self.timeout)
        self._release(worker)
        return reply  # type: ignore[no-any-return]

    # -- the pool ------------------------------------------------------------------------
    def _acquire(self) -> _Worker:
        deadline = time.monotonic() + self.timeout
        with self._cond:
            while not self._idle:
                if self._closed:
                    raise EngineUnavailable("the query service is shutting down")
                self._replenish()
                if self._start_error and not self._starting:
                    raise EngineUnavailable(self._start_error)
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise EngineUnavailable(
                        f"all {self.max_workers} query workers are busy; try again in a few seconds"
                    )
                self._cond.wait(remaining)
            worker = self._idle.pop()
            self._busy.add(worker)
            self._replenish()
            return worker

    def _release(self, worker: _Worker) -> None:
        with self._cond:
            self._busy.discard(worker)
            if self._closed or worker.demoted:
                retiring = [worker]
            else:
                worker.idle_since = time.monotonic()
                self._idle.append(worker)
                self._cond.notify()
                retiring = self._unused_surplus()
        for old in retiring:
            old.retire()
        if retiring:
            with self._cond:
                self._replenish()

    def _unused_surplus(self) -> list[_Worker]:
        """Workers above the pool size that sat idle past ``_RETIRE_IDLE_AFTER`` (lock held).

        Retiring a surplus worker as soon as it is free made the pool churn under steady
        concurrency (take the last idle one, spawn a spare, retire it on release, again), each
        spawn reloading the graph; now the pool keeps what sustained load made it grow to.
        """
        now = time.monotonic()
        out: list[_Worker] = []
        while len(self._idle) > 1 and len(self._idle) + len(self._busy) + self._starting > self.workers:
            oldest = min(self._idle, key=lambda w: w.idle_since)
            if now - oldest.idle_since < _RETIRE_IDLE_AFTER:
                break
            self._idle.remove(oldest)
            out.append(oldest)
        return out

    def _discard(self, worker: _Worker) -> None:
        with self._cond:
            self._busy.discard(worker)
        worker.kill()
        with self._cond:
            self._replenish()

    def _replenish(self) -> None:
        """Start workers in the background: keep the pool size and one idle spare (lock held)."""
        if self._closed or self._context is None:
            return
        total = len(self._idle) + len(self._busy) + self._starting
        spare = 1 if len(self._idle) + self._starting == 0 else 0
        wanted = min(max(self.workers - total, spare), self.max_workers - total)
        for _ in range(max(0, wanted)):
            self._starting += 1
            threading.Thread(target=self._start_one, name="mlkg-worker-start", daemon=True).start()

    def _start_one(self) -> None:
        assert self._context is not None
        worker: _Worker | None = None
        error: str | None = None
        try:
            worker = _Worker(self._context, self.kg.config)
            worker.wait_ready(_STARTUP_TIMEOUT)
        except Exception as err:
            error = str(err)
        with self._cond:
            self._starting -= 1
            keep = worker is not None and error is None and not self._closed
            if keep:
                self._idle.append(worker)  # type: ignore[arg-type]
                self._start_error = None
            else:
                self._start_error = error or self._start_error
            self._cond.notify_all()
        if worker is not None and not keep:
            worker.kill()


__all__ = ["BoundedAnswer", "BoundedQueryRunner", "split_dataset_clauses"]
