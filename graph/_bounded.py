"""Running untrusted SPARQL with a time limit that really stops the work.

An embedded engine (pyoxigraph, rdflib) cannot be interrupted from another thread: a cross
product over the whole graph would keep a CPU busy long after its caller gave up. So every
user query runs in a *worker process* that can be killed.

Design (kept deliberately small):

- One *zygote* process installs the network filter (:func:`~._sandbox.deny_network`: no
  socket but Unix ones, for it and every child) and then forks a *worker* per request. A
  single-threaded caller with an in-memory graph (``mlkg serve``, ``mlkg query``) forks the
  zygote from itself, so the zygote shares the loaded graph; otherwise a clean fork server
  starts it and it opens its own :class:`KnowledgeGraph` from the caller's :class:`GraphConfig`. A worker is a
  copy-on-write fork of the loaded graph: it starts in milliseconds, shares the graph's memory
  and never parses the data again. Each worker caps its address space at what the graph uses
  plus :attr:`WorkerLimits.memory_bytes`.
- One :class:`_Job` = the text, the media type and the dataset. The worker runs ``kg.query``
  (which decides SERVICE from a full parse) with the row cap of its :class:`WorkerLimits`
  *and* serialises the answer within :attr:`WorkerLimits.max_result_bytes`, and sends back a
  :class:`_Reply`: bytes, the result kind and the truncation, or the error (class name,
  message, line/column) that the parent re-raises as the same :class:`MlkgError` subclass.
- The parent waits on the worker's pipe at most ``timeout`` seconds. Past that, or when the
  caller's ``cancel`` event is set (its client went away), it SIGKILLs the worker (the work
  stops at once) and forks a replacement. A worker that dies mid-query (past the memory cap)
  gives :class:`QueryAborted`, and that request (text, format, dataset, base) is refused at
  once for :data:`REFUSE_FAILED_FOR` seconds after. A query
  still running after 0.25 s has its worker reniced to 19, so short queries (and the HTTP
  server) keep the CPU while long ones grind; a reniced worker is retired when its query ends.
- The pool keeps ``workers`` idle processes; when all are busy a new one is forked at once,
  up to ``max_workers`` (default ``workers + 4``) in all. Past that a caller waits (bounded by
  ``timeout``) and then gets :class:`EngineUnavailable`.
- :meth:`BoundedQueryRunner.run` blocks; :meth:`~BoundedQueryRunner.run_async` awaits the
  worker's pipe on the event loop (no thread per query). Every process dies with the server
  (``PR_SET_PDEATHSIG`` along the chain server, fork server, zygote, worker).
- The remote engine needs no worker: its HTTP call has its own timeout. The runner then runs
  the query in the calling thread, behind the same interface.

>>> from mlkg.graph import KnowledgeGraph
>>> with BoundedQueryRunner(KnowledgeGraph.open(), workers=1, timeout=5) as runner:
...     runner.run("ASK { ?s ?p ?o }", "text/csv").body
b'true\\r\\n'
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import os
import re
import signal
import socket
import sys
import threading
import time
from asyncio import FIRST_COMPLETED
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from multiprocessing.connection import Connection
from multiprocessing.reduction import ForkingPickler
from typing import TYPE_CHECKING, Any

from mlkg.ontology import PREFIXES

from ._errors import (
    EngineUnavailable,
    MlkgError,
    QueryAborted,
    QueryCancelled,
    QueryError,
    QueryRefused,
    QuerySyntaxError,
    QueryTimeout,
    QueryTooLarge,
    StoreFailed,
    StoreTimeout,
    UnsupportedFormat,
)
from ._memo import LruCache
from ._results import ResultKind, Truncation, serialize_result, serialize_within
from ._sandbox import deny_network, limit_memory
from ._sparql_text import _TOKEN, canonical_query, in_user_text, inspect_sparql

if TYPE_CHECKING:
    from multiprocessing.context import BaseContext
    from multiprocessing.process import BaseProcess

    from ._knowledge import GraphConfig, KnowledgeGraph

_STARTUP_TIMEOUT = 60.0
_DEMOTE_AFTER = 0.25
"""Seconds after which a running query's worker drops to the lowest CPU priority."""
_RETIRE_IDLE_AFTER = 60.0
"""Seconds a worker above the pool size may sit idle before it is retired."""
_CANCEL_CHECK = 0.05
"""How often a waiting query looks whether its client went away."""
_INLINE_SEND = 16 << 10
"""Jobs up to this size are written to an idle worker's pipe from the event loop (the pipe's
buffer takes them whole); longer texts are written from a thread."""
_INLINE_PREPARE = 4096
"""Texts up to this length are checked on the event loop (microseconds); longer ones in a thread."""
_LINE = re.compile(r"line \d+")
_ABSOLUTE = re.compile(r"<[A-Za-z][A-Za-z0-9+.\-]*:[^<>\s]*>$")  # written in full, not relative
_ERRORS: dict[str, type[MlkgError]] = {
    cls.__name__: cls
    for cls in (
        QueryError,
        QueryRefused,
        QueryTooLarge,
        UnsupportedFormat,
        EngineUnavailable,
        StoreFailed,
        StoreTimeout,  # the remote engine's store stopped it (in process): the message names it
        MlkgError,
    )
}


@dataclass(frozen=True)
class _Job:
    """What a worker is asked: the text, the media type, the dataset (None: the union)."""

    sparql: str
    media_type: str
    default_graphs: tuple[str, ...] | None
    named_graphs: tuple[str, ...] | None


@dataclass(frozen=True)
class _Reply:
    """A worker's answer (``body``, ``kind``, ``truncation``) or error (``error`` names the
    :class:`MlkgError` subclass; ``message``, ``line``, ``column`` as it had them)."""

    body: bytes = b""
    kind: ResultKind = "solutions"
    truncation: Truncation | None = None
    error: str | None = None
    message: str = ""
    line: int | None = None
    column: int | None = None


#: Most FROM / FROM NAMED clauses one query may have (and graphs a request may name): a
#: dataset of more graphs than mlkg holds says nothing more, and each one costs a lookup.
MAX_DATASET_GRAPHS = 100


def split_dataset_clauses(sparql: str) -> tuple[str, list[str], list[str]]:
    """``sparql`` with its FROM / FROM NAMED clauses blanked out, and the graphs they named
    (``<iri>`` as written; a prefixed name resolved to ``<iri>`` through the query's own PREFIX
    declarations, then mlkg's predeclared ones, else left as written).

    Blanking keeps the text's length, so syntax-error positions still point at the user's text.
    The Protocol's ``default-graph-uri`` / ``named-graph-uri`` replace these clauses, and where
    none are given the clauses themselves become the protocol dataset: one rule, applied the
    same way on every engine (embedded engines asked for a union default graph ignore FROM).
    One pass over the tokens (linear in the text); more than :data:`MAX_DATASET_GRAPHS`
    clauses is a :class:`QueryError`.

    >>> split_dataset_clauses("ASK FROM <urn:a> FROM NAMED <urn:b> { }")
    ('ASK                                 { }', ['<urn:a>'], ['<urn:b>'])
    >>> split_dataset_clauses("PREFIX g: <http://other/> ASK FROM g:x { }")[1]
    ['<http://other/x>']
    """
    declared = dict(PREFIXES)
    pieces: list[str] = []
    default: list[str] = []
    named: list[str] = []
    done = 0  # the text up to here is in ``pieces``
    # The last three tokens that were not space or comment: PREFIX name: <iri> and FROM [NAMED] x.
    recent: list[re.Match[str]] = []
    for match in _TOKEN.finditer(sparql):
        if match.lastgroup in ("ws", "comment"):
            continue
        recent = [*recent[-2:], match]
        words = [m.group().upper() if m.lastgroup == "word" else "" for m in recent]
        kind = match.lastgroup
        if len(recent) == 3 and words[0] == "PREFIX" and kind == "iri" and recent[1].group().endswith(":"):
            declared[recent[1].group()[:-1]] = match.group()[1:-1]
            continue
        if kind not in ("iri", "word"):
            continue
        if words[-2:-1] == ["FROM"] and words[-1] != "NAMED":
            is_named, clause = False, recent[-2]
        elif words[-3:-1] == ["FROM", "NAMED"]:
            is_named, clause = True, recent[-3]
        else:
            continue
        if len(default) + len(named) >= MAX_DATASET_GRAPHS:
            raise QueryError(
                f"the query has more than {MAX_DATASET_GRAPHS} FROM / FROM NAMED clauses; "
                f"at most {MAX_DATASET_GRAPHS} graphs can make up a dataset"
            )
        target = match.group()
        prefix, colon, local = target.partition(":")
        if kind == "word" and colon and prefix in declared:
            target = "<" + declared[prefix] + _LOCAL_ESCAPE.sub(r"\1", local) + ">"
        (named if is_named else default).append(target)
        pieces += [sparql[done : clause.start()], _BLANK.sub(" ", sparql[clause.start() : match.end()])]
        done = match.end()
        recent = []
    pieces.append(sparql[done:])
    return "".join(pieces), default, named


_BLANK = re.compile(r"[^\r\n]")
_LOCAL_ESCAPE = re.compile(r"\\(.)")  # ``ent:a\#b`` names ``...a#b``


#: Answers larger than this are not kept in the cache (a few big ones would evict many small).
_CACHE_MAX_BODY = 1 << 20
#: Requests whose worker died that are remembered (and refused at once), the most recent kept.
_FAILED_REQUESTS = 256
#: Seconds such a request is refused for: long enough that it cannot end worker after worker,
#: short enough that a refusal one client caused does not outlast its attempt.
REFUSE_FAILED_FOR = 60.0


def _cache_key(
    sparql: str,
    media_type: str,
    default_graphs: Sequence[str] | None,
    named_graphs: Sequence[str] | None,
    base_iri: str | None,
) -> tuple[Any, ...]:
    return (
        sparql,
        media_type,
        None if default_graphs is None else tuple(default_graphs),
        None if named_graphs is None else tuple(named_graphs),
        base_iri,
    )


@dataclass(frozen=True)
class BoundedAnswer:
    """A serialised answer: the bytes to send, what kind of result it was, whether (and at
    which cap) it was cut."""

    body: bytes
    kind: ResultKind
    truncation: Truncation | None = None

    @property
    def truncated(self) -> bool:
        return self.truncation is not None


@dataclass(frozen=True)
class WorkerLimits:
    """What every query is held to, besides the time limit."""

    row_limit: int | None = 10_000
    """Most rows (or triples) an answer holds; a longer one is cut (and marked so)."""
    memory_bytes: int = 1024 << 20
    """Address space a query may add to what the loaded graph uses (0: no cap)."""
    max_result_bytes: int = 50 << 20
    """Largest serialised answer; a longer one is cut (and marked so)."""


# -- the worker side ----------------------------------------------------------------------


def _set_death_signal() -> None:
    """Ask Linux to SIGKILL this process when its parent exits."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(Exception):
            import ctypes

            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
            if os.getppid() == 1:  # the parent went before the request was made
                os._exit(1)


def _die_with_parent() -> None:
    """Make sure the zygote cannot outlive the server, even one killed with SIGKILL.

    The fork server exits when every holder of its "alive" pipe has gone; the zygote inherits
    that pipe, so it would keep the fork server (and itself) alive forever. It closes its copy,
    so the fork server exits with the server, and the zygote dies with the fork server.
    """
    with contextlib.suppress(Exception):
        from multiprocessing import forkserver

        server: Any = forkserver._forkserver
        if server._forkserver_alive_fd is not None:
            os.close(server._forkserver_alive_fd)
            server._forkserver_alive_fd = None
    _set_death_signal()


def _answer(kg: KnowledgeGraph, job: _Job, limits: WorkerLimits) -> _Reply:
    try:
        result = kg.query(
            job.sparql,
            default_graphs=job.default_graphs,
            named_graphs=job.named_graphs,
            row_limit=limits.row_limit,
        )
        if limits.max_result_bytes:
            result, body = serialize_within(result, job.media_type, limits.max_result_bytes)
        else:
            body = serialize_result(result, job.media_type)
        return _Reply(body, result.kind, result.truncation)
    except MemoryError:
        return _Reply(error="QueryAborted")
    except MlkgError as err:
        line = getattr(err, "line", None)
        column = getattr(err, "column", None)
        return _Reply(error=type(err).__name__, message=str(err), line=line, column=column)
    except Exception as err:  # an engine bug must not kill the worker
        return _Reply(error="QueryError", message=f"query failed: {type(err).__name__}: {err}")


def _worker_loop(kg: KnowledgeGraph, conn: Connection, limits: WorkerLimits) -> None:
    """Answer jobs until the pipe closes or ``None`` comes (a forked child of the zygote)."""
    _set_death_signal()
    limit_memory(limits.memory_bytes)
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        reply = _answer(kg, job, limits)
        conn.send(reply)
        if reply.error == "QueryAborted":
            return  # the heap may be in a poor state: the parent starts a fresh worker


def _zygote_main(
    source: GraphConfig | KnowledgeGraph, control: Connection, handoff: Connection, limits: WorkerLimits
) -> None:
    """Hold the graph, without network, and fork a worker per request.

    ``source`` is the loaded graph itself when the zygote was forked from the server (it
    shares the server's memory and loads nothing), or the configuration to open it from.
    Each worker is a copy-on-write fork: it shares the loaded graph's memory with the zygote
    and every other worker, starts in milliseconds, and never parses the data again. The
    zygote is single-threaded when it forks (pyoxigraph starts no threads to load or query).
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the server's to handle
    _die_with_parent()
    from ._knowledge import GraphConfig, KnowledgeGraph

    config = source if isinstance(source, GraphConfig) else source.config
    # Before any query runs; inherited by every worker: always, whatever the configuration.
    sandboxed = deny_network()
    if isinstance(source, KnowledgeGraph):
        kg = source
    else:
        try:
            kg = KnowledgeGraph.open(replace(config, store_path=None), validate=False)
        except Exception as err:
            control.send(("failed", f"{type(err).__name__}: {err}"))
            return
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the kernel reaps finished workers
    channel = socket.socket(fileno=os.dup(handoff.fileno()))
    control.send(("ready", sandboxed))
    while True:
        try:
            request = control.recv()
        except (EOFError, OSError):
            return
        if request is None:
            return
        parent_end, child_end = multiprocessing.Pipe()
        pid = os.fork()
        if pid == 0:  # the worker
            try:
                control.close()
                handoff.close()
                channel.close()
                parent_end.close()
                _worker_loop(kg, child_end, limits)
            finally:
                os._exit(0)
        child_end.close()
        socket.send_fds(channel, [pid.to_bytes(8, "little")], [parent_end.fileno()])
        parent_end.close()


def _raise_error(reply: _Reply) -> None:
    if reply.error == "QuerySyntaxError":
        raise QuerySyntaxError(reply.message, line=reply.line, column=reply.column)
    raise _ERRORS.get(reply.error or "", QueryError)(reply.message)


# -- the parent side ----------------------------------------------------------------------


class _Worker:
    """One worker process (a child of the zygote) and the server's end of its pipe."""

    def __init__(self, pid: int, conn: Connection) -> None:
        self.pid = pid
        self.conn = conn
        self.demoted = False
        self.idle_since = time.monotonic()

    def demote(self) -> None:
        """Lowest CPU priority for the rest of this worker's life (it is retired after)."""
        self.demoted = True
        with contextlib.suppress(Exception):
            os.setpriority(os.PRIO_PROCESS, self.pid, 19)

    def kill(self) -> None:
        with contextlib.suppress(Exception):
            os.kill(self.pid, signal.SIGKILL)
        self.conn.close()

    def retire(self) -> None:
        with contextlib.suppress(Exception):
            self.conn.send(None)
        self.conn.close()


class _Zygote:
    """The process that holds the loaded graph and forks workers from it on request."""

    def __init__(
        self, context: BaseContext, source: GraphConfig | KnowledgeGraph, limits: WorkerLimits
    ) -> None:
        self.control, child_control = multiprocessing.Pipe()
        self.handoff, child_handoff = multiprocessing.Pipe()
        self.process: BaseProcess = context.Process(  # type: ignore[attr-defined]
            target=_zygote_main,
            args=(source, child_control, child_handoff, limits),
            daemon=True,
            name="mlkg-query-zygote",
        )
        self.process.start()
        child_control.close()
        child_handoff.close()
        self._channel = socket.socket(fileno=os.dup(self.handoff.fileno()))
        self._lock = threading.Lock()
        self.sandboxed = False

    def wait_ready(self, timeout: float) -> None:
        try:
            if not self.control.poll(timeout):
                raise EngineUnavailable(f"the query process did not load the graph within {timeout:g} s")
            reply = self.control.recv()
        except (EOFError, OSError):
            self.process.join(1)
            raise EngineUnavailable(
                f"the query process exited while loading the graph (exit code {self.process.exitcode})"
            ) from None
        if reply[0] != "ready":
            raise EngineUnavailable(f"the query process could not open the graph: {reply[1]}")
        self.sandboxed = bool(reply[1])

    def spawn(self) -> _Worker:
        """A fresh worker, forked from the loaded graph (milliseconds)."""
        with self._lock:
            try:
                self.control.send(("spawn",))
                self._channel.settimeout(_STARTUP_TIMEOUT)
                message, fds, _, _ = socket.recv_fds(self._channel, 8, 1)
            except (OSError, EOFError) as err:
                raise EngineUnavailable(f"the query process is not answering ({err or 'closed'})") from None
        if not fds:
            raise EngineUnavailable("the query process is not answering (closed)")
        return _Worker(int.from_bytes(message, "little"), Connection(fds[0]))

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.control.send(None)
        with contextlib.suppress(Exception):
            self.process.join(2)
        if self.process.is_alive():
            with contextlib.suppress(Exception):
                self.process.kill()
                self.process.join(2)
        for end in (self.control, self.handoff, self._channel):
            with contextlib.suppress(Exception):
                end.close()


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
        cache_bytes: int = 64 << 20,
        limits: WorkerLimits | None = None,
        refuse_failed_for: float = REFUSE_FAILED_FOR,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.kg = kg
        self.workers = max(1, workers)
        self.max_workers = max(self.workers + 1, max_workers or self.workers + 4)
        self.timeout = timeout
        self.limits = limits or WorkerLimits()
        self.in_process = not kg.capabilities.embedded  # the store applies the time limit itself
        self._cond = threading.Condition()
        self._idle: list[_Worker] = []
        self._busy: set[_Worker] = set()
        self._starting = 0
        self._closed = False
        self._zygote: _Zygote | None = None
        # Over data that cannot change while serving an answer is the same bytes every time;
        # a store that may change under us is never cached.
        self.cache_entries = max(0, cache_entries) if kg.capabilities.fixed_data else 0
        self._cache: LruCache[BoundedAnswer] = LruCache(
            self.cache_entries, max_weight=cache_bytes, weigh=lambda answer: len(answer.body)
        )
        # A request (text, format, dataset, base: the whole cache key) whose worker died, and
        # until when it is refused. Keyed on the whole request, so nobody can make another
        # client's query (the same text with its own dataset or format) fail, and never for long.
        self.refuse_failed_for = refuse_failed_for
        self._clock = clock
        self._failed: LruCache[float] = LruCache(_FAILED_REQUESTS)

    @property
    def sandboxed(self) -> bool:
        """Whether the workers run without network access (the seccomp filter is in place)."""
        return self._zygote is not None and self._zygote.sandboxed

    # -- life cycle ----------------------------------------------------------------------
    def start(self) -> None:
        """Start the zygote and fork the first workers from it.

        A single-threaded caller holding an in-memory graph (``mlkg serve`` before it starts
        serving) forks the zygote from itself: it shares the loaded graph, so start-up costs
        milliseconds and the graph's memory is held once. Otherwise (threads running, where a
        fork could copy a lock held mid-operation; or an on-disk store, whose files one
        process holds) a clean fork server starts the zygote, which loads the data itself.
        """
        if self.in_process:
            return
        source: GraphConfig | KnowledgeGraph
        context: BaseContext
        if threading.active_count() == 1 and self.kg.config.store_path is None:
            context = multiprocessing.get_context("fork")
            source = self.kg
        else:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["mlkg.graph", "pyoxigraph", *self.kg.capabilities.worker_imports])
            source = self.kg.config
        zygote = _Zygote(context, source, self.limits)
        try:
            zygote.wait_ready(_STARTUP_TIMEOUT)
            fresh = [zygote.spawn() for _ in range(self.workers)]
        except MlkgError:
            zygote.close()
            raise
        with self._cond:
            self._zygote = zygote
            self._idle.extend(fresh)

    def close(self) -> None:
        """Stop every worker (idle ones politely, busy ones at once) and the zygote."""
        with self._cond:
            self._closed = True
            idle, busy = list(self._idle), list(self._busy)
            self._idle.clear()
            self._busy.clear()
            zygote, self._zygote = self._zygote, None
            self._cond.notify_all()
        for worker in busy:
            worker.kill()
        for worker in idle:
            worker.retire()
        if zygote is not None:
            zygote.close()

    def __enter__(self) -> BoundedQueryRunner:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def pids(self) -> list[int]:
        """Process ids of the live workers (for tests and monitoring)."""
        with self._cond:
            return [w.pid for w in (*self._idle, *self._busy)]

    def zygote_pid(self) -> int | None:
        """Process id of the process that holds the graph and forks the workers."""
        with self._cond:
            return self._zygote.process.pid if self._zygote is not None else None

    # -- running -------------------------------------------------------------------------
    def cached(
        self,
        sparql: str,
        media_type: str,
        *,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        base_iri: str | None = None,
    ) -> BoundedAnswer | None:
        """The answer :meth:`run` gave before for exactly these arguments, if still cached
        (cheap, never runs anything)."""
        return self._cache.get(_cache_key(sparql, media_type, default_graphs, named_graphs, base_iri))

    def run(
        self,
        sparql: str,
        media_type: str,
        *,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        base_iri: str | None = None,
        cancel: threading.Event | None = None,
    ) -> BoundedAnswer:
        """Run ``sparql`` and serialise its answer as ``media_type``, within the limits.

        ``base_iri`` resolves relative IRIs (the Protocol's base is the endpoint URL); it is
        sent as a ``BASE`` line before the text, and syntax-error lines are reported as in the text.
        Setting ``cancel`` (the client went away) stops the work at once.

        Raises what ``kg.query`` raises (:class:`QuerySyntaxError`, :class:`QueryRefused`...),
        :class:`UnsupportedFormat` when the answer cannot take ``media_type``,
        :class:`QueryTimeout` past the limit, :class:`QueryAborted` past the memory limit,
        :class:`QueryCancelled` on ``cancel``, :class:`EngineUnavailable` when no worker is free.
        """
        prepared = self._prepare(sparql, media_type, default_graphs, named_graphs, base_iri)
        if isinstance(prepared, BoundedAnswer):
            return prepared
        key, job = prepared
        reply = _answer(self.kg, job, self.limits) if self.in_process else self._run_in_worker(job, cancel)
        return self._finish(key, reply, base_iri, sparql)

    async def run_async(
        self,
        sparql: str,
        media_type: str,
        *,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        base_iri: str | None = None,
        cancelled: asyncio.Future[Any] | None = None,
    ) -> BoundedAnswer:
        """:meth:`run` for an event loop: the same rules, limits, cache and errors.

        The worker's pipe is awaited on the loop itself (no thread per query); ``cancelled``
        done (the client went away) stops the worker at once and raises :class:`QueryCancelled`.
        A long text is read (checks, FROM clauses) in a thread: no other request waits on it.
        """
        args = (sparql, media_type, default_graphs, named_graphs, base_iri)
        if len(sparql) < _INLINE_PREPARE:
            prepared = self._prepare(*args)
        else:
            prepared = await asyncio.to_thread(self._prepare, *args)
        if isinstance(prepared, BoundedAnswer):
            return prepared
        key, job = prepared
        if self.in_process:  # a remote store: its blocking HTTP call goes to a thread
            reply = await asyncio.to_thread(_answer, self.kg, job, self.limits)
        else:
            reply = await self._await_worker(job, cancelled)
        return self._finish(key, reply, base_iri, sparql)

    def _prepare(
        self,
        sparql: str,
        media_type: str,
        default_graphs: Sequence[str] | None,
        named_graphs: Sequence[str] | None,
        base_iri: str | None,
    ) -> BoundedAnswer | tuple[tuple[Any, ...], _Job]:
        """The cached answer, or the cache key and the job to run (refusals raise here)."""
        key = _cache_key(sparql, media_type, default_graphs, named_graphs, base_iri)
        answer = self._cache.get(key)
        if answer is not None:
            return answer
        if (self._failed.get(key) or 0.0) > self._clock():
            raise QueryAborted(self._limit_mb)
        sparql = canonical_query(sparql)  # from here on only this form is checked, split and run
        self.kg.check_allowed(sparql)  # refuse updates before using a worker
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
        job = _Job(
            sparql,
            media_type,
            None if default_graphs is None else tuple(default_graphs),
            None if named_graphs is None else tuple(named_graphs),
        )
        return key, job

    def _finish(
        self, key: tuple[Any, ...], reply: _Reply, base_iri: str | None, sparql: str
    ) -> BoundedAnswer:
        """The worker's reply as an answer (cached) or as the error it names (a syntax error
        at its place in ``sparql``, the text as the caller gave it)."""
        if reply.error is not None:
            if reply.error == "QueryAborted":
                self._failed.put(key, self._clock() + self.refuse_failed_for)
                raise QueryAborted(self._limit_mb)
            if base_iri is not None and reply.error == "QuerySyntaxError" and reply.line:
                line = reply.line - 1  # the BASE line we put first is not the user's
                reply = replace(reply, message=_LINE.sub(f"line {line}", reply.message, count=1), line=line)
            if reply.error == "QueryTimeout":  # the remote engine's own limit (in process)
                raise QueryTimeout(self.timeout)
            try:
                _raise_error(reply)
            except QuerySyntaxError as err:  # about the canonical text: point at the caller's
                raise in_user_text(err, sparql) from None
        answer = BoundedAnswer(body=reply.body, kind=reply.kind, truncation=reply.truncation)
        if len(answer.body) <= _CACHE_MAX_BODY:
            self._cache.put(key, answer)
        return answer

    @property
    def _limit_mb(self) -> int | None:
        return self.limits.memory_bytes >> 20 if self.limits.memory_bytes else None

    def _run_in_worker(self, job: _Job, cancel: threading.Event | None) -> _Reply:
        worker = self._acquire()
        deadline = time.monotonic() + self.timeout
        outcome, reply = "timeout", None
        try:
            worker.conn.send(job)
            finished = worker.conn.poll(min(self.timeout, _DEMOTE_AFTER))
            if not finished:
                worker.demote()  # a long query yields the CPU to short ones from now on
            while not finished:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                if cancel is not None and cancel.is_set():
                    outcome = "cancelled"
                    break
                # Short waits only when a cancel can come; a pipe wakes the wait at once anyway.
                finished = worker.conn.poll(min(remaining, _CANCEL_CHECK) if cancel else remaining)
            if finished:
                reply, outcome = worker.conn.recv(), "reply"
        except (EOFError, OSError):
            outcome = "died"
        return self._settle(worker, outcome, reply)

    async def _await_worker(self, job: _Job, cancelled: asyncio.Future[Any] | None) -> _Reply:
        """:meth:`_run_in_worker` on the event loop: the reply is awaited as the pipe's
        readiness, the limits and the clean-up are the same."""
        worker = self._try_acquire()
        if worker is None:  # all busy: wait for one (or fork one) off the loop
            worker = await asyncio.to_thread(self._acquire)
        loop = asyncio.get_running_loop()
        readable: asyncio.Future[None] = loop.create_future()
        fd = worker.conn.fileno()

        def on_readable() -> None:
            loop.remove_reader(fd)
            if not readable.done():
                readable.set_result(None)

        waits: set[asyncio.Future[Any]] = {readable} if cancelled is None else {readable, cancelled}
        outcome = "timeout"
        try:
            payload = bytes(ForkingPickler.dumps(job))
            if len(payload) <= _INLINE_SEND:  # fits the pipe's buffer: the write cannot block
                worker.conn.send_bytes(payload)
            else:
                await asyncio.to_thread(worker.conn.send_bytes, payload)
            loop.add_reader(fd, on_readable)
            await asyncio.wait(waits, timeout=min(self.timeout, _DEMOTE_AFTER), return_when=FIRST_COMPLETED)
            if not readable.done() and not (cancelled is not None and cancelled.done()):
                worker.demote()  # a long query yields the CPU to short ones from now on
                await asyncio.wait(waits, timeout=self.timeout - _DEMOTE_AFTER, return_when=FIRST_COMPLETED)
            if readable.done():
                outcome = "reply"
            elif cancelled is not None and cancelled.done():
                outcome = "cancelled"
        except (EOFError, OSError):
            outcome = "died"
        finally:
            loop.remove_reader(fd)
            with contextlib.suppress(OSError):
                os.set_blocking(fd, True)  # the loop made it non-blocking; recv() reads whole messages
        reply: Any = None
        if outcome == "reply":
            try:
                reply = worker.conn.recv()  # written in full by now, or the worker is gone
            except (EOFError, OSError):
                outcome = "died"
        if outcome == "reply" and not worker.demoted and reply.error != "QueryAborted":
            return self._settle(worker, outcome, reply)  # back to the idle list: nothing blocks
        # A kill, a retirement or a replacement fork waits on the zygote: not on the loop.
        return await asyncio.to_thread(self._settle, worker, outcome, reply)

    def _settle(self, worker: _Worker, outcome: str, reply: Any) -> _Reply:
        """Hand ``worker`` back or replace it, after a query ended with ``outcome``."""
        if outcome == "cancelled":
            self._discard(worker)
            raise QueryCancelled("the client went away; its query was stopped")
        if outcome == "died":
            # The worker died mid-query: the memory cap (the engine aborts when an allocation
            # fails) or an engine fault. Answered as the worker's own abort: the text is refused.
            self._discard(worker)
            return _Reply(error="QueryAborted")
        if outcome == "timeout":
            self._discard(worker)
            raise QueryTimeout(self.timeout)
        assert isinstance(reply, _Reply)
        if reply.error == "QueryAborted":
            self._discard(worker)  # it exits after answering: do not hand it out again
        else:
            self._release(worker)
        return reply

    # -- the pool ------------------------------------------------------------------------
    def _try_acquire(self) -> _Worker | None:
        """An idle worker if one is free now, else None (never waits, never forks)."""
        with self._cond:
            if not self._idle or self._closed:
                return None
            worker = self._idle.pop()
            self._busy.add(worker)
            return worker

    def _acquire(self) -> _Worker:
        deadline = time.monotonic() + self.timeout
        with self._cond:
            while not self._idle:
                if self._closed or self._zygote is None:
                    raise EngineUnavailable("the query service is shutting down")
                if len(self._busy) + self._starting < self.max_workers:
                    self._starting += 1
                    zygote = self._zygote
                    break
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise EngineUnavailable(
                        f"all {self.max_workers} query workers are busy; try again in a few seconds"
                    )
                self._cond.wait(remaining)
            else:
                worker = self._idle.pop()
                self._busy.add(worker)
                return worker
        try:
            worker = zygote.spawn()  # a fork of the loaded graph: milliseconds
        finally:
            with self._cond:
                self._starting -= 1
        with self._cond:
            if self._closed:
                worker.kill()
                raise EngineUnavailable("the query service is shutting down")
            self._busy.add(worker)
        return worker

    def _release(self, worker: _Worker) -> None:
        with self._cond:
            self._busy.discard(worker)
            retiring = self._unused_surplus()
            if self._closed or worker.demoted:
                retiring.append(worker)
            else:
                worker.idle_since = time.monotonic()
                self._idle.append(worker)
                self._cond.notify()
        for old in retiring:
            old.retire()
        if worker in retiring:
            self._refill()

    def _unused_surplus(self) -> list[_Worker]:
        """Workers above the pool size that sat idle past ``_RETIRE_IDLE_AFTER`` (lock held).

        Retiring a surplus worker as soon as it is free would make the pool fork and retire
        one per request under steady concurrency; it keeps what sustained load made it grow to.
        """
        now = time.monotonic()
        out: list[_Worker] = []
        while len(self._idle) > 1 and len(self._idle) + len(self._busy) > self.workers:
            oldest = min(self._idle, key=lambda w: w.idle_since)
            if now - oldest.idle_since < _RETIRE_IDLE_AFTER:
                break
            self._idle.remove(oldest)
            out.append(oldest)
        return out

    def _discard(self, worker: _Worker) -> None:
        with self._cond:
            self._busy.discard(worker)
            self._cond.notify()
        worker.kill()
        self._refill()

    def _refill(self) -> None:
        """Fork a worker in place of one that left, so the pool keeps its size."""
        with self._cond:
            zygote = self._zygote
            size = len(self._idle) + len(self._busy)
            short = not self._closed and zygote is not None and size < self.workers
        if not short or zygote is None:
            return
        with contextlib.suppress(MlkgError):
            fresh = zygote.spawn()
            with self._cond:
                if self._closed:
                    fresh.kill()
                    return
                self._idle.append(fresh)
                self._cond.notify()


__all__ = ["BoundedAnswer", "BoundedQueryRunner", "WorkerLimits", "split_dataset_clauses"]
