"""`python bench/run.py --quick` runs end to end and writes a sane report.

The benchmark measures; this test only checks that it runs at a tiny size and that what it
writes holds together (numbers positive, the same data on every server, our service answering
every query without errors). It compares only the servers the test extras install (ours and
the Oxigraph server, `--servers mlkg oxigraph`): rdflib-endpoint comes with the `bench` extra
and `make bench` measures it; where it is missing a run names it under "skipped".
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
RUN = ROOT / "bench" / "run.py"
SCALING_KEYS = {"load_s", "rss_mb", "peak_rss_mb", "triples", "counterpart_p50_ms", "mix_p50_ms"}


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], Path]:
    out = tmp_path_factory.mktemp("bench")
    done = subprocess.run(
        [
            sys.executable,
            str(RUN),
            "--quick",
            "--servers",
            "mlkg",
            "oxigraph",
            "--client",
            "processes",
            "--no-plot",
            "-o",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads((out / "latest.json").read_text()), out


def test_scaling_reports_each_engine_with_positive_figures(quick_run: tuple[dict[str, Any], Path]) -> None:
    results, _ = quick_run
    rows = results["scaling"]["rows"]
    assert {r["engine"] for r in rows} == {"oxigraph", "rdflib"}
    for row in rows:
        assert row.keys() >= SCALING_KEYS, row
        assert row["triples"] > row["generated_triples"]  # shipped data and inference come on top
        assert row["load_s"] > 0 and row["counterpart_p50_ms"] > 0 and row["mix_p50_ms"] > 0
        assert 10 < row["rss_mb"] < 2000
        assert set(row["mix_per_query_p50_ms"]) == {
            "counterpart",
            "label_search",
            "two_hop",
            "aggregate",
            "construct",
            "describe",
        }
    stages = results["scaling"]["load_stages"]
    assert stages["load_files_s"] > 0 and stages["bulk_load_s"] > 0 and stages["inferred_triples"] > 0


def test_servers_serve_the_same_data_and_answer_without_errors(
    quick_run: tuple[dict[str, Any], Path],
) -> None:
    results, _ = quick_run
    comparison = results["comparison"]
    got = comparison["servers"]
    assert "mlkg" in got and "oxigraph" in got, comparison.get("skipped")
    assert got["mlkg"]["triples"] == got["oxigraph"]["triples"] > 1000
    for name in ("mlkg", "oxigraph"):
        for row in ("mix", "mix_fresh"):  # repeated texts, and every text new
            mix = got[name][row]
            assert mix["requests"] > 0 and mix["rps"] > 0 and mix["errors"] == 0
            assert 0 < mix["p50_ms"] <= mix["p99_ms"]
        assert all(q["errors"] == 0 and q["rps"] > 0 for q in got[name]["per_query"].values())
    for row in ("rest_counterparts", "rest_search", "entity_page"):
        assert got["mlkg"][row]["requests"] > 0 and got["mlkg"][row]["errors"] == 0, row
    assert comparison["ratios"]["mlkg/oxigraph"]["mix_rps"] > 0
    assert comparison["client_ceiling"]["rps"] > got["oxigraph"]["mix"]["rps"] / 2
    assert "rdflib-endpoint" not in got  # asked for only what the test extras install


def test_markdown_report_and_cli_cold_start(quick_run: tuple[dict[str, Any], Path]) -> None:
    results, out = quick_run
    text = (out / "latest.md").read_text()
    assert "| **mix, repeated texts** |" in text and "| **mix, every text new** |" in text
    assert "`GET /entity/{id}` HTML" in text and "Scaling with graph size" in text
    assert "Throughput ratio mlkg/oxigraph" in text
    cold = results["cli_cold_start"]
    assert cold["runs"] >= 2 and 0 < cold["min_s"] <= cold["median_s"]  # its target: bench/README.md
