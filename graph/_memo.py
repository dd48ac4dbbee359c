"""Answers worked out once per graph: the embedded engines' data cannot change once loaded."""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from ._knowledge import KnowledgeGraph

_T = TypeVar("_T")
#: Answers kept per graph, least recently used dropped first.
MEMO_SIZE = 2048
_MEMOS: weakref.WeakKeyDictionary[KnowledgeGraph, OrderedDict[Hashable, object]] = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


def remember(kg: KnowledgeGraph, key: Hashable, build: Callable[[], _T]) -> _T:
    """``build()``, worked out once per graph and ``key`` and kept while the graph lives.

    Only for the embedded engines, whose data is fixed once loaded; a remote store may change
    under us, so there ``build()`` runs every time. What is kept must not be changed by its
    users (frozen dataclasses, tuples, a frozen networkx graph).

    >>> from mlkg.graph import KnowledgeGraph
    >>> kg = KnowledgeGraph.open()
    >>> remember(kg, "answer", lambda: 42), remember(kg, "answer", lambda: 0)
    (42, 42)
    """
    if kg.config.engine == "remote":
        return build()
    with _LOCK:
        memo = _MEMOS.setdefault(kg, OrderedDict())
        if key in memo:
            memo.move_to_end(key)
            return memo[key]  # type: ignore[return-value]
    value = build()
    with _LOCK:
        memo[key] = value
        while len(memo) > MEMO_SIZE:
            memo.popitem(last=False)
    return value
