"""Turning bench/results/latest.json into a Markdown table and a PNG plot."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from queries import NAMES


def _f(value: Any, digits: int = 1) -> str:
    if isinstance(value, int | float) and value == value:  # not NaN
        return f"{value:,.{digits}f}"
    return "–"


def markdown(results: dict[str, Any]) -> str:
    m = results["machine"]
    lines = [
        "# mlkg benchmark: latest run",
        "",
        f"{results['when']} · {m['cpu']} · {m['cores']} cores · {m['memory_gb']} GB · Python {m['python']} · "
        f"pyoxigraph {m['pyoxigraph']} · rdflib {m['rdflib']}"
        + (" · **--quick**" if results["quick"] else ""),
        "",
    ]
    comparison = results.get("comparison", {})
    if "servers" in comparison:
        got = comparison["servers"]
        lines += [
            "## Servers side by side (same data, same client, same run)",
            "",
            f"Data: {comparison['data']}. Client: `{comparison['driver']}`, {comparison['connections']} "
            f"connections; mix {comparison['duration_s']:g} s, "
            f"each single query {comparison['query_duration_s']:g} s.",
            "",
        ]
        ceiling = comparison.get("client_ceiling")
        if ceiling:
            lines += [
                f"Client ceiling (same client against the Oxigraph server's static page): "
                f"**{_f(ceiling['rps'], 0)} req/s** (p50 {_f(ceiling['p50_ms'], 2)} ms).",
                "",
            ]
        names = list(got)
        lines += [
            "| query | " + " | ".join(f"{n} req/s (p50 / p99 ms)" for n in names) + " |",
            "|---|" + "---|" * len(names),
        ]
        titles = {"mix": "**mix, repeated texts**", "mix_fresh": "**mix, every text new**"}
        for query in ("mix", "mix_fresh", *NAMES):
            cells = []
            for n in names:
                r = got[n][query] if query in titles else got[n]["per_query"][query]
                err = f", {r['errors']} errors" if r["errors"] else ""
                cells.append(f"{_f(r['rps'], 0)} ({_f(r['p50_ms'], 2)} / {_f(r['p99_ms'], 2)}{err})")
            lines.append(f"| {titles.get(query, query)} | " + " | ".join(cells) + " |")
        lines += [
            "",
            "| server | triples | start-up s | RSS MB (whole process tree) | PSS MB (shared pages once) |",
            "|---|---|---|---|---|",
        ]
        for n in names:
            lines.append(
                f"| {n} | {got[n]['triples']:,} | {_f(got[n]['startup_s'], 1)} | {_f(got[n]['rss_mb'], 0)} "
                f"| {_f(got[n].get('pss_mb'), 0)} |"
            )
        for key, ratio in comparison.get("ratios", {}).items():
            lines += [
                "",
                f"Throughput ratio {key}: **mix {ratio['mix_rps']:.2f}x, every text new "
                f"{ratio['mix_fresh_rps']:.2f}x**; " + ", ".join(f"{q} {ratio[q]:.2f}x" for q in NAMES),
            ]
        rest_rows = {
            "rest_counterparts": "`GET /api/counterparts?tool=...` (6 names)",
            "rest_search": "`GET /api/search?q=...` (6 texts)",
            "entity_page": "`GET /entity/{id}` HTML (6 entities)",
        }
        ours = [n for n in names if n.startswith("mlkg")]
        if ours and "rest_counterparts" in got[ours[0]]:
            lines += [
                "",
                "| our route, requests in rotation | "
                + " | ".join(f"{n} req/s (p50 / p99 ms)" for n in ours)
                + " |",
                "|---|" + "---|" * len(ours),
            ]
            for row, title in rest_rows.items():
                cells = []
                for n in ours:
                    r = got[n].get(row)
                    if r is None:
                        cells.append("–")
                        continue
                    err = f", {r['errors']} errors" if r["errors"] else ""
                    cells.append(f"{_f(r['rps'], 0)} ({_f(r['p50_ms'], 2)} / {_f(r['p99_ms'], 2)}{err})")
                lines.append(f"| {title} | " + " | ".join(cells) + " |")
        for n, why in comparison.get("skipped", {}).items():
            lines += ["", f"Not measured: {n}: {why}"]
        lines.append("")
    cli = results.get("cli_cold_start")
    if cli:
        lines += [
            f"`mlkg {cli['command']}` cold start ({cli['tool']}, {cli['runs']} runs): "
            f"median {_f(cli['median_s'], 2)} s, min {_f(cli['min_s'], 2)} s.",
            "",
        ]
    scaling = results["scaling"]
    lines += [
        "## Scaling with graph size (in process, fresh process per cell)",
        "",
        "| size | engine | triples loaded | load s | validation s | serve-ready s | RSS MB | peak RSS MB "
        "| counterpart p50 ms (SPARQL) | counterpart p50 ms (bound ?tool) | counterparts() p50 ms "
        "| mix p50 ms | aggregate p50 ms |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row in scaling["rows"]:
        if "load_s" not in row:
            lines.append(
                f"| {row['size']:,} | {row['engine']} | {row.get('skipped') or row.get('error')} "
                "| | | | | | | | | | |"
            )
            continue
        lines.append(
            f"| {row['size']:,} | {row['engine']} | {row['triples']:,} | {_f(row['load_s'], 2)} | "
            f"{_f(row.get('validation_s'), 2)} | {_f(row.get('serve_ready_s'), 2)} | "
            f"{_f(row['rss_mb'], 0)} | {_f(row['peak_rss_mb'], 0)} | {_f(row['counterpart_p50_ms'], 2)} | "
            f"{_f(row.get('counterpart_bound_p50_ms'), 2)} | "
            f"{_f(row.get('counterpart_service_p50_ms'), 2)} | "
            f"{_f(row['mix_p50_ms'], 2)} | {_f(row['mix_per_query_p50_ms']['aggregate'], 2)} |"
        )
    st = scaling.get("load_stages", {})
    if "load_files_s" in st:
        lines += [
            "",
            f"Load stages at {st['size']:,} synthetic triples (oxigraph): parse and insert "
            f"(Store.load per file) {st['load_files_s']:.2f} s, inference {st['materialise_s']:.2f} s "
            f"(+{st['inferred_triples']:,} triples); pyoxigraph bulk_load of the same files "
            f"{st['bulk_load_s']:.2f} s.",
        ]
    lines += ["", f"Total run time: {results['total_s']:.0f} s.", ""]
    return "\n".join(lines)


def plot(results: dict[str, Any], path: Path) -> None:
    """Latency and memory against graph size, one line per engine (log-log)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = [r for r in results["scaling"]["rows"] if "load_s" in r]
    fig, axes = plt.subplots(1, 3, figsize=(14, 4.2))
    panels = (
        ("counterpart_p50_ms", "counterpart lookup p50 (ms)"),
        ("mix_p50_ms", "query mix p50 (ms)"),
        ("rss_mb", "resident memory after load (MB)"),
    )
    for ax, (key, title) in zip(axes, panels, strict=True):
        for engine in sorted({r["engine"] for r in rows}):
            mine = sorted((r for r in rows if r["engine"] == engine), key=lambda r: r["triples"])
            ax.plot([r["triples"] for r in mine], [r[key] for r in mine], marker="o", label=engine)
            if key == "counterpart_p50_ms":
                bound = [r for r in mine if "counterpart_bound_p50_ms" in r]
                ax.plot(
                    [r["triples"] for r in bound],
                    [r["counterpart_bound_p50_ms"] for r in bound],
                    marker="x",
                    linestyle="--",
                    label=f"{engine}, ?tool bound",
                )
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("triples loaded")
        ax.set_title(title)
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=8)
    fig.suptitle(f"mlkg scaling ({results['machine']['cores']} cores, {results['when']})")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
