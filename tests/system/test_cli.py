"""The ``mlkg`` command as a user runs it: counts, formats, and one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from processes import LiveServer, run_cli
from stores import OxigraphServer

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"

BROKEN_TURTLE = """@prefix ent: <https://w3id.org/mlkg/entity/> .
ent:Broken <https://schema.org/name> "no closing dot"
ent:Other <https://schema.org/name> "x" .
"""

# A well-formed file whose entity breaks the shapes: no prefLabel, definition or source.
SHAPELESS_ENTITY = """@prefix ent: <https://w3id.org/mlkg/entity/> .
@prefix mlkg: <https://w3id.org/mlkg/ontology#> .
ent:Shapeless a mlkg:Framework .
"""


def count_of(csv_output: str) -> int:
    lines = csv_output.strip().splitlines()
    assert lines[0] == "n", csv_output
    return int(lines[1])


def test_the_same_count_on_every_engine(oxigraph_server: OxigraphServer) -> None:
    counts = {}
    for engine, extra in (
        ("oxigraph", []),
        ("rdflib", []),
        ("remote", ["--endpoint", oxigraph_server.query_url, "--load-remote"]),
    ):
        result = run_cli("query", COUNT, "--format", "csv", "--engine", engine, *extra)
        assert result.returncode == 0, result.stderr
        counts[engine] = count_of(result.stdout)
    assert len(set(counts.values())) == 1, counts
    assert counts["oxigraph"] > 1000


def test_engine_from_the_environment() -> None:
    result = run_cli("query", COUNT, "--format", "csv", env={"MLKG_ENGINE": "rdflib"})
    assert result.returncode == 0, result.stderr
    assert count_of(result.stdout) > 1000


@pytest.mark.parametrize(
    ("command", "env", "named"),
    [
        (["query", COUNT], {"MLKG_ENGINE": "nosuch"}, "MLKG_ENGINE"),
        (["query", COUNT], {"MLKG_QUERY_TIMEOUT": "soon"}, "MLKG_QUERY_TIMEOUT"),
        (["serve", "--port", "1"], {"MLKG_ROW_LIMIT": "-5"}, "MLKG_ROW_LIMIT"),
        (["query", COUNT], {"MLKG_DATA": "extra.ttl"}, "MLKG_DATA='["),
    ],
)
def test_a_bad_setting_is_one_line_naming_it(command: list[str], env: dict[str, str], named: str) -> None:
    result = run_cli(*command, env=env)
    assert result.returncode == 1
    assert result.stderr.startswith("mlkg: error: bad setting:") and named in result.stderr, result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("fmt", "expect"),
    [
        ("json", '"vars": ["l"]'),
        ("xml", "<literal>PyTorch</literal>"),
        ("tsv", '"PyTorch"'),
        ("table", "PyTorch"),
    ],
)
def test_query_formats(fmt: str, expect: str) -> None:
    result = run_cli("query", "SELECT ?l WHERE { ent:PyTorch skos:prefLabel ?l }", "--format", fmt)
    assert result.returncode == 0, result.stderr
    assert expect in result.stdout


def test_query_from_file_and_construct_as_ntriples(tmp_path: Path) -> None:
    query = tmp_path / "labels.rq"
    query.write_text("CONSTRUCT { ent:PyTorch skos:prefLabel ?l } WHERE { ent:PyTorch skos:prefLabel ?l }")
    result = run_cli("query", "-f", str(query), "--format", "nt")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        '<https://w3id.org/mlkg/entity/PyTorch> <http://www.w3.org/2004/02/skos/core#prefLabel> "PyTorch" .'
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["query", "SELECT * WHERE { ?s ?p }"], "syntax error at line 1"),
        (["query", "-f", "/nonexistent/q.rq"], "cannot read /nonexistent/q.rq"),
        (["query", COUNT, "--format", "yaml"], "unknown format 'yaml'"),
        (["query", "CONSTRUCT WHERE { ?s ?p ?o }", "--format", "csv"], "cannot be written as text/csv"),
        (["query", "INSERT DATA { <x:a> <x:b> <x:c> }"], "read-only"),
        (["query"], "no query"),
        (["export", "--format", "docx"], "unknown export format 'docx'"),
        (["stats", "--data", "/nonexistent/extra.ttl"], "/nonexistent/extra.ttl: no such file"),
        (["stats", "--data", "notes.txt"], "unknown RDF file extension"),
        (["query", COUNT, "--engine", "remote"], "needs --endpoint"),
        (["query", COUNT, "--engine", "remote", "--endpoint", "http://127.0.0.1:9/query"], "unreachable"),
    ],
)
def test_errors_are_one_line_and_non_zero(args: list[str], message: str, tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("not rdf")
    args = [str(tmp_path / a) if a == "notes.txt" else a for a in args]
    result = run_cli(*args)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert message in result.stderr
    assert result.stderr.startswith("mlkg: error: ")


def test_validate_passes_on_the_shipped_data() -> None:
    result = run_cli("validate")
    assert result.returncode == 0, result.stderr
    assert "0 SHACL violations" in result.stdout


def test_validate_and_serve_name_a_turtle_syntax_error(tmp_path: Path) -> None:
    bad = tmp_path / "broken.ttl"
    bad.write_text(BROKEN_TURTLE)
    for command in (["validate"], ["serve", "--port", "9"]):
        result = run_cli(*command, "--data", str(bad), timeout=60)
        assert result.returncode == 1, result.stdout
        assert f"{bad}:3:" in result.stderr, result.stderr
        assert "Traceback" not in result.stderr


def test_validate_and_serve_name_a_shacl_violation(tmp_path: Path) -> None:
    bad = tmp_path / "shapeless.ttl"
    bad.write_text(SHAPELESS_ENTITY)
    for command in (["validate"], ["serve", "--port", "9"]):
        result = run_cli(*command, "--data", str(bad), timeout=120)
        assert result.returncode == 1, result.stdout
        assert str(bad) in result.stderr and "Shapeless" in result.stderr, result.stderr
        assert "Traceback" not in result.stderr


def test_extra_trig_keeps_its_named_graphs(tmp_path: Path) -> None:
    extra = tmp_path / "extra.trig"
    extra.write_text("<http://example.org/g1> { <http://example.org/a> <http://example.org/p> 1 . }\n")
    result = run_cli(
        "query",
        "SELECT ?g WHERE { GRAPH ?g { <http://example.org/a> ?p ?o } }",
        "--format",
        "csv",
        "--data",
        str(extra),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[1] == "http://example.org/g1"


def test_stats_counts_entities_per_class() -> None:
    result = run_cli("stats", "--json")
    assert result.returncode == 0, result.stderr
    stats = json.loads(result.stdout)
    by_class = {k.rsplit("#", 1)[-1]: v for k, v in stats["entities_by_class"].items()}
    assert by_class["Framework"] >= 2
    assert by_class["Person"] >= 5
    assert sum(stats["graphs"].values()) >= stats["triples"]


@pytest.mark.parametrize("fmt", ["turtle", "trig", "nquads", "jsonld", "graphml"])
def test_export_writes_each_format(fmt: str, tmp_path: Path) -> None:
    out = tmp_path / f"export.{fmt}"
    result = run_cli("export", "--format", fmt, "-o", str(out))
    assert result.returncode == 0, result.stderr
    text = out.read_text()
    assert "TorchServe" in text


def test_export_round_trips_through_nquads(tmp_path: Path) -> None:
    out = tmp_path / "all.nq"
    assert run_cli("export", "--format", "nquads", "-o", str(out)).returncode == 0
    original = count_of(run_cli("query", COUNT, "--format", "csv").stdout)
    reloaded = run_cli("query", COUNT, "--format", "csv", "--data", str(out))
    # the export is the same quads again: the union default graph does not grow
    assert count_of(reloaded.stdout) == original


def test_serve_answers_health_with_the_triple_count() -> None:
    server = LiveServer()
    try:
        import httpx

        body = httpx.get(server.url + "/health").json()
        assert body["status"] == "ok" and body["engine"] == "oxigraph"
        assert body["triples"] > 1000
    finally:
        server.stop()


def test_every_command_has_help_with_an_example() -> None:
    from mlkg.api.cli import COMMANDS

    for command in COMMANDS:
        result = run_cli(command, "--help")
        assert result.returncode == 0, result.stderr
        assert "example:" in result.stdout
