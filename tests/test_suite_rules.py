"""Rules the test suite keeps: no test asserts a wall-clock duration.

On a shared machine a duration depends on what else runs, so ``assert elapsed < 1.0`` fails at
random; a test asserts the outcome (status, message, the worker freed, the order of events) and
the figure goes to ``make bench`` or ``make soak``, which print it against its target.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

TESTS = Path(__file__).resolve().parent
#: Calls that read a clock.
CLOCKS = frozenset({"monotonic", "monotonic_ns", "perf_counter", "perf_counter_ns", "time", "process_time"})
#: Names that hold a duration by their name (``elapsed``, ``took``, ``recovery_seconds``, ``load_s``...).
DURATION_NAME = re.compile(r"elapsed|took|duration|seconds|latency|._(s|ms)$", re.IGNORECASE)
ORDERING = (ast.Lt, ast.LtE, ast.Gt, ast.GtE)

#: Files still holding such assertions while other work removes them. The integrator empties
#: this set; a file listed here that no longer needs it fails the test below, so it cannot rot.
ALLOWED: set[str] = set()  # none: every bound is asserted as its outcome


def _reads_clock(node: ast.AST) -> bool:
    for sub in ast.walk(node):
        if isinstance(sub, ast.Call):
            func = sub.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in CLOCKS:
                return True
    return False


def _names(node: ast.AST) -> set[str]:
    found = set()
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name):
            found.add(sub.id)
        elif isinstance(sub, ast.Attribute):
            found.add(sub.attr)
        elif isinstance(sub, ast.Subscript) and isinstance(sub.slice, ast.Constant):
            found.add(str(sub.slice.value))  # result["load_s"]
    return found


def findings(source: str) -> list[int]:
    """Lines of ``source`` whose ``assert`` orders (<, <=, >, >=) a clock reading or a duration."""
    tree = ast.parse(source)
    # Names assigned from a clock difference anywhere in the file (``took = time.monotonic() - t``).
    from_clock = {
        target.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign | ast.AnnAssign | ast.AugAssign)
        and node.value is not None
        and _reads_clock(node.value)
        and isinstance(node.value, ast.BinOp)
        for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
        if isinstance(target, ast.Name)
    }

    def timed(side: ast.AST) -> bool:
        names = _names(side)
        return _reads_clock(side) or bool(names & from_clock) or any(map(DURATION_NAME.search, names))

    lines = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Assert):
            continue
        for compare in ast.walk(node.test):
            if not isinstance(compare, ast.Compare):
                continue
            sides = (compare.left, *compare.comparators)
            for op, left, right in zip(compare.ops, sides[:-1], sides[1:], strict=True):
                if isinstance(op, ORDERING) and (timed(left) or timed(right)) and not _spared(left, right):
                    lines.append(node.lineno)
    return sorted(set(lines))


def _spared(left: ast.AST, right: ast.AST) -> bool:
    """A figure against 0 (it was measured), or two figures of one measurement ordered
    (``mix["p50_ms"] <= mix["p99_ms"]``): neither is a bound on how long something took."""
    if any(isinstance(side, ast.Constant) and side.value == 0 for side in (left, right)):
        return True
    same = isinstance(left, ast.Subscript) and isinstance(right, ast.Subscript)
    return same and ast.dump(left.value) == ast.dump(right.value)  # type: ignore[attr-defined]


def test_the_detector_finds_each_form_and_spares_outcomes() -> None:
    caught = """
import time
start = time.monotonic()
assert time.monotonic() - start < 0.5
assert response.status_code == 503 and time.perf_counter() - began <= 1
elapsed = time.perf_counter() - start
assert elapsed < 2 * BOUND, "too slow"
took = time.monotonic() - start
assert 5 > took
assert attacked.recovery_seconds is not None and attacked.recovery_seconds < 5
assert result["load_s"] < 30
assert 0 < cold["min_s"] <= cold["median_s"] < 30
"""
    assert findings(caught) == [4, 5, 7, 9, 10, 11, 12]
    spared = """
import time
deadline = time.monotonic() + 30
while time.monotonic() < deadline:
    pass
assert len(runner.pids()) >= runner.workers
assert response.status_code == 503 and "2 s time limit" in response.text
assert error.limit_seconds == 2.0
assert query_count < 10
assert {s["url"] for s in sources} >= {"https://example.org"}
assert row["load_s"] > 0 and 0 < mix["p50_ms"] <= mix["p99_ms"]
"""
    assert findings(spared) == []


def test_no_test_asserts_a_wall_clock_duration() -> None:
    found = {
        path.relative_to(TESTS).as_posix(): findings(path.read_text(encoding="utf-8"))
        for path in sorted(TESTS.rglob("*.py"))
    }
    offending = {name: lines for name, lines in found.items() if lines and name not in ALLOWED}
    assert offending == {}, "assert the outcome; put the figure in make bench / make soak"
    stale = sorted(name for name in ALLOWED if not found.get(name))
    assert stale == [], "these files no longer need their allowance: remove them from ALLOWED"
