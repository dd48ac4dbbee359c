"""Answers worked out once: the embedded engines' data cannot change once loaded."""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING, Generic, TypeVar

if TYPE_CHECKING:
    from ._knowledge import KnowledgeGraph

_T = TypeVar("_T")
_V = TypeVar("_V")
#: Answers kept per graph by :func:`remember`, least recently used dropped first.
MEMO_SIZE = 2048


class LruCache(Generic[_V]):
    """A thread-safe map that keeps the ``size`` most recently used entries.

    >>> cache = LruCache[int](2)
    >>> cache.put("a", 1); cache.put("b", 2); cache.put("c", 3)
    >>> cache.get("a"), cache.get("c")
    (None, 3)
    """

    def __init__(self, size: int) -> None:
        self.size = size
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
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)


_MEMOS: weakref.WeakKeyDictionary[KnowledgeGraph, LruCache[object]] = weakref.WeakKeyDictionary()
_MEMOS_LOCK = threading.Lock()


def remember(kg: KnowledgeGraph, key: Hashable, build: Callable[[], _T]) -> _T:
    """``build()``, worked out once per graph and ``key`` and kept while the graph lives.

    Only for the embedded engines, whose data is fixed once loaded; a remote store may change
    under us, so there ``build()`` runs every time. What is kept must not be changed by its
    users (frozen dataclasses, tuples, a frozen networkx graph). ``build()`` must not answer
    None (None means "not kept").

    >>> from mlkg.graph import KnowledgeGraph
    >>> kg = KnowledgeGraph.open()
    >>> remember(kg, "answer", lambda: 42), remember(kg, "answer", lambda: 0)
    (42, 42)
    """
    if kg.config.engine == "remote":
        return build()
    with _MEMOS_LOCK:
        memo = _MEMOS.get(kg)
        if memo is None:
            memo = _MEMOS[kg] = LruCache(MEMO_SIZE)
    value = memo.get(key)
    if value is None:
        value = build()
        memo.put(key, value)
    return value  # type: ignore[return-value]
