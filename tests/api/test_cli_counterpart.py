"""mlkg counterpart / mlkg search / mlkg export --format sssom, run as a user would."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from fastapi.testclient import TestClient
from processes import cli


def test_json_equals_the_api(client: TestClient) -> None:
    for text, extra in (("tflite", []), ("TF Serving", ["--to", "pytorch"]), ("torchaudio", [])):
        result = cli("counterpart", text, "--json", *extra)
        assert result.returncode == 0, result.stderr
        params = {"tool": text} | ({"to": extra[1]} if extra else {})
        assert json.loads(result.stdout) == client.get("/api/counterparts", params=params).json()


def test_table(client: TestClient) -> None:
    result = cli("counterpart", "tensorflow_hub")
    assert result.returncode == 0, result.stderr
    assert "TensorFlow Hub" in result.stdout and "PyTorch Hub" in result.stdout
    assert "stated" in result.stdout and "redirected since 2023-11-15" in result.stdout


def test_unknown_name_exits_non_zero_with_suggestions() -> None:
    result = cli("counterpart", "lightning fast trainer")
    assert result.returncode == 1
    assert "no tool named" in result.stderr and "PyTorch Lightning" in result.stderr
    assert result.stdout == ""


def test_ambiguous_name_exits_non_zero_with_candidates() -> None:
    result = cli("counterpart", "hub")
    assert result.returncode == 2
    assert "TensorFlow Hub" in result.stderr and "PyTorch Hub" in result.stderr


def test_blank_name_and_bad_to_are_refused() -> None:
    assert cli("counterpart", "  ").returncode != 0
    bad = cli("counterpart", "keras", "--to", "mxnet")
    assert bad.returncode == 2 and "invalid choice" in bad.stderr


def test_search(client: TestClient) -> None:
    result = cli("search", "torch", "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == client.get("/api/search", params={"q": "torch"}).json()
    table = cli("search", "lightnin", "--limit", "3")
    assert table.returncode == 0 and table.stdout.splitlines()[0].split()[1:3] == ["PyTorch", "Lightning"]
    assert cli("search", "qqqqqqqq").returncode == 1


def test_export_sssom_equals_the_api(client: TestClient, tmp_path: Path) -> None:
    out = tmp_path / "mappings.sssom.tsv"
    result = cli("export", "--format", "sssom", "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert out.read_text(encoding="utf-8") == client.get("/api/mappings.sssom.tsv").text


def test_counterpart_path_imports_no_heavy_modules() -> None:
    """The cold-start path loads pyoxigraph only: no rdflib, pyshacl, FastAPI or pydantic."""
    code = (
        "import sys, contextlib, io\n"
        "from mlkg.api.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    assert main(['counterpart', 'tflite']) == 0\n"
        "heavy = [m for m in ('rdflib', 'pyshacl', 'fastapi', 'pydantic', 'networkx') if m in sys.modules]\n"
        "print(heavy)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
