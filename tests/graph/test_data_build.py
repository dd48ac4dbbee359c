"""The curated layers are built from data/ by `make data`: the committed graph files must be exactly
what the inputs give, a stale file or a changed input is caught, a bad row is named."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from mlkg.ontology import PREFIXES

ROOT = Path(__file__).resolve().parents[2]
BUILD = ROOT / "scripts" / "build_data.py"
INPUTS = ROOT / "data"
OUTPUTS = ROOT / "graph" / "data"
GENERATED = {"since-2022.trig"} | {
    f"ecosystem-{name}.trig"
    for name in (
        *("tensorflow", "pytorch", "jax", "neutral"),
        *("correspondences", "none-answers", "statuses", "sources"),
    )
}


def build(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(BUILD), *args], capture_output=True, text=True, cwd=ROOT)


def test_every_generated_file_is_reproduced_byte_for_byte_from_its_inputs(tmp_path: Path) -> None:
    done = build("--out", str(tmp_path))
    assert done.returncode == 0, done.stderr
    assert {p.name for p in tmp_path.iterdir()} == GENERATED
    for name in sorted(GENERATED):
        fresh = (tmp_path / name).read_text(encoding="utf-8")
        assert fresh == (OUTPUTS / name).read_text(encoding="utf-8"), f"{name} is stale: run `make data`"
        # namespaces come from mlkg.ontology, not from a hand-written block
        for prefix, iri in PREFIXES.items():
            assert f"@prefix {prefix + ':':<8} <{iri}> ." in fresh
        assert "issue" not in fresh.lower().split("@prefix", 1)[0], f"{name}: a tracker item in its header"


def test_an_edited_output_or_input_is_caught(tmp_path: Path) -> None:
    assert build("--check").returncode == 0
    out = tmp_path / "out"
    shutil.copytree(OUTPUTS, out)
    path = out / "ecosystem-correspondences.trig"
    path.write_text(path.read_text(encoding="utf-8").replace("mlkg:Close", "mlkg:Exact", 1), encoding="utf-8")
    stale = build("--check", "--out", str(out))
    assert stale.returncode == 1
    assert "ecosystem-correspondences.trig differs" in stale.stderr and "make data" in stale.stderr
    data = tmp_path / "data"
    shutil.copytree(INPUTS, data)
    tools = data / "tools.csv"
    tools.write_text(tools.read_text(encoding="utf-8").replace(",TensorFlow Addons,", ",TF Addons,", 1))
    changed = build("--check", "--data", str(data))
    assert changed.returncode == 1
    assert "ecosystem-tensorflow.trig differs" in changed.stderr


def test_a_row_naming_an_unknown_source_is_refused_with_file_line_and_fix(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(INPUTS, data)
    corrs = data / "correspondences.csv"
    lines = corrs.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[3] = lines[3].replace("TFAPIModules", "NoSuchDocument", 1)
    corrs.write_text("".join(lines), encoding="utf-8")
    bad = build("--data", str(data), "--out", str(tmp_path / "out"))
    assert bad.returncode == 2
    why = "data/correspondences.csv line 4: sources 'NoSuchDocument' is not a key of sources.csv"
    assert why in bad.stderr
    assert not (tmp_path / "out").exists()  # nothing half-written
