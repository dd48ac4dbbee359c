"""Figures the test suite no longer asserts (a shared machine makes durations random there),
each printed by ``make bench`` against its target.

    python bench/figures.py            # all of them
"""

from __future__ import annotations

import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import servers  # noqa: E402

#: Targets, printed beside each figure.
FIRST_VIZ_TARGET_S = 5.0
LOOKUP_TARGET_MS = 200.0
#: Long inputs that would make a lookup slow if it were superlinear (the property test's shapes).
LOOKUP_TEXTS = ("a" * 10_000, "tf." * 3_300, "PyTorch " * 1_250, "-_ ." * 2_500, "é" * 10_000)


class _RdflibServer(servers.MlkgServer):
    name = "mlkg (rdflib engine)"

    def command(self) -> list[str]:
        return [*super().command(), "--engine", "rdflib"]


def first_viz(engine: str = "rdflib") -> dict[str, Any]:
    """Seconds from the first ``GET /viz`` to its whole page, on a fresh ``mlkg serve``."""
    server_class = _RdflibServer if engine == "rdflib" else servers.MlkgServer
    with server_class() as server:
        started = time.perf_counter()
        with urllib.request.urlopen(server.base_url + "/viz", timeout=600) as response:
            status, size = response.status, len(response.read())
        seconds = time.perf_counter() - started
    return {
        "engine": engine,
        "status": status,
        "bytes": size,
        "seconds": seconds,
        "target_s": FIRST_VIZ_TARGET_S,
    }


def lookup_worst_case() -> dict[str, Any]:
    """The slowest ``resolve`` + ``search`` over long texts, the name index built first."""
    from mlkg.graph import KnowledgeGraph, resolve, search
    from mlkg.graph._resolve import name_index

    kg = KnowledgeGraph.open()
    name_index(kg)
    worst = 0.0
    for text in LOOKUP_TEXTS:
        started = time.perf_counter()
        resolve(kg, text)
        search(kg, text, 10)
        worst = max(worst, time.perf_counter() - started)
    return {"texts": len(LOOKUP_TEXTS), "worst_ms": worst * 1000, "target_ms": LOOKUP_TARGET_MS}


def lines(figures: dict[str, Any]) -> list[str]:
    """One line per figure, with its target and whether it is met."""
    out = []
    viz = figures.get("first_viz")
    if viz:
        met = "met" if viz["status"] == 200 and viz["seconds"] < viz["target_s"] else "NOT met"
        out.append(
            f"first /viz on the {viz['engine']} engine: {viz['seconds']:.2f} s, HTTP {viz['status']}, "
            f"{viz['bytes']:,} bytes (target < {viz['target_s']:g} s: {met})"
        )
    lookup = figures.get("lookup")
    if lookup:
        met = "met" if lookup["worst_ms"] < lookup["target_ms"] else "NOT met"
        out.append(
            f"slowest resolve+search over {lookup['texts']} long texts: {lookup['worst_ms']:.1f} ms "
            f"(target < {lookup['target_ms']:g} ms: {met})"
        )
    return out


def measure() -> dict[str, Any]:
    return {"first_viz": first_viz("rdflib"), "lookup": lookup_worst_case()}


if __name__ == "__main__":
    for line in lines(measure()):
        print(line, flush=True)
