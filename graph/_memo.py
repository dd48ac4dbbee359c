"""Answers worked out once per data generation (the embedded engines' data never changes)."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING, Generic, TypeVar

if TYPE_CHECKING:
    from ._engines import Engine
    from ._knowledge import KnowledgeGraph

_T = TypeVar("_T")
_V = TypeVar("_V")
#: Answers kept per graph by :func:`remember`, least recently used dropped first.
MEMO_SIZE = 2048


class LruCache(Generic[_V]):
    """A thread-safe map that keeps the ``size`` most recently used entries, and (with
    ``weigh``) at most ``max_weight`` in all, e.g. bytes.

    >>> cache = LruCache[int](2)
    >>> cache.put("a", 1); cache.put("b", 2); cache.put("c", 3)
    >>> cache.get("a"), cache.get("c")
    (None, 3)
    >>> sized = LruCache[bytes](10, max_weight=5, weigh=len)
    >>> sized.put("a", b"abc"); sized.put("b", b"def")
    >>> sized.get("a"), sized.weight
    (None, 3)
    """

    def __init__(
        self, size: int, *, max_weight: int | None = None, weigh: Callable[[_V], int] | None = None
    ) -> None:
        self.size = size
        self.max_weight = max_weight
        self._weigh = weigh
        self.weight = 0
        self._entries: OrderedDict[Hashable, _V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> _V | None:
        with self._lock:
            value = self._entries.get(key)
            if value is not None:
                self._entries.move_to_end(key)
            return value

    def put(self, key: Hashable, value: _V) -> None:
        if self.size <= 0:
            return
        weight = self._weigh(value) if self._weigh else 0
        if self.max_weight is not None and weight > self.max_weight:
            return
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None and self._weigh:
                self.weight -= self._weigh(old)
            self._entries[key] = value
            self.weight += weight
            while len(self._entries) > self.size or (
                self.max_weight is not None and self.weight > self.max_weight
            ):
                _, dropped = self._entries.popitem(last=False)
                if self._weigh:
                    self.weight -= self._weigh(dropped)


class Memo:
    """What was worked out from one graph's data, kept while that data stays the same: each
    :class:`~mlkg.graph.KnowledgeGraph` owns one (``kg.memo``), so two graphs never share answers.

    Entries belong to the engine's current :attr:`~Engine.generation`: the embedded engines'
    data is fixed once loaded (one generation); a remote store's generation moves on each time
    its dataset is read again (see ``RemoteEngine.refresh``), and what was kept for an older one
    is dropped. Answers are kept ``size`` at most, least recently used dropped first; a
    ``lasting`` entry (an index every answer needs) is kept for the whole generation.
    What is kept must not be changed by its users (frozen dataclasses, tuples, a frozen
    networkx graph), and ``build()`` must not answer None (None means "not kept").

    >>> from mlkg.graph import KnowledgeGraph
    >>> memo = Memo(KnowledgeGraph.open().engine)
    >>> memo.get("answer", lambda: 42), memo.get("answer", lambda: 0)
    (42, 42)
    """

    def __init__(self, engine: Engine, size: int = MEMO_SIZE) -> None:
        self._engine = engine
        self._size = size
        self._lock = threading.Lock()
        self._build_lock = threading.RLock()  # a lasting build may ask for other lasting entries
        self._generation: int | None = None
        self._answers: LruCache[object] = LruCache(size)
        self._lasting: dict[Hashable, object] = {}

    def _current(self) -> tuple[LruCache[object], dict[Hashable, object]]:
        generation = self._engine.generation
        with self._lock:
            if generation != self._generation:
                self._generation = generation
                self._answers, self._lasting = LruCache(self._size), {}
            return self._answers, self._lasting

    def get(self, key: Hashable, build: Callable[[], _T], *, lasting: bool = False) -> _T:
        """The value kept for ``key``, else ``build()`` (then kept)."""
        answers, kept = self._current()
        if not lasting:
            value = answers.get(key)
            if value is None:
                value = build()
                answers.put(key, value)
            return value  # type: ignore[return-value]
        value = kept.get(key)
        if value is None:
            with self._build_lock:  # built once even when many threads ask at the same time
                value = kept.get(key)
                if value is None:
                    value = kept[key] = build()
        return value  # type: ignore[return-value]


def remember(kg: KnowledgeGraph, key: Hashable, build: Callable[[], _T]) -> _T:
    """``build()``, worked out once per graph, data generation and ``key`` (in ``kg.memo``).

    >>> from mlkg.graph import KnowledgeGraph
    >>> kg = KnowledgeGraph.open()
    >>> remember(kg, "answer", lambda: 42), remember(kg, "answer", lambda: 0)
    (42, 42)
    """
    return kg.memo.get(key, build)
