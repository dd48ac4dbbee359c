"""Synthetic ML-ecosystem graphs that keep the shape of the real data, at any size.

The real graph (graph/data/*.ttl) has frameworks, many tools per framework each with one role
(a class such as mlkg:ServingTool) and one function (fn:...), the people and organisations
behind them, dated releases and release events, and mlkg:Correspondence nodes pairing a tool of
one ecosystem with its counterpart in another. This generator repeats that shape: the graph
grows by adding ecosystems, never by making one ecosystem denser, so the work a counterpart
lookup does stays the same while the store around it grows -- which is what a scaling
benchmark needs.

Every term is the ontology's own (mlkg:, fn:, skos:, schema:, prov:), so the counterpart and
search queries written for the shipped data run unchanged on the synthetic data, and the
output passes the SHACL shapes (each entity has a type, one prefLabel, one definition and a
source; every tool an ecosystem and a function; every correspondence two tools, a strength,
a basis, a function, evidence and a label).

Usage::

    python bench/generate.py --triples 100000 -o /tmp/syn.nt     # or .nq for N-Quads
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

MLKG = "https://w3id.org/mlkg/ontology#"
ENT = "https://w3id.org/mlkg/entity/"
FN = "https://w3id.org/mlkg/function/"
SRC = "https://w3id.org/mlkg/source/"
GRAPH = "https://w3id.org/mlkg/graph/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
SKOS = "http://www.w3.org/2004/02/skos/core#"
SCHEMA = "https://schema.org/"
PROV_FROM = "http://www.w3.org/ns/prov#wasDerivedFrom"
DCTERMS = "http://purl.org/dc/terms/"
XSD = "http://www.w3.org/2001/XMLSchema#"

SOURCE = SRC + "SyntheticBenchmark"
SYNTHETIC_GRAPH = GRAPH + "synthetic"

#: (name suffix, class, function) -- the roles tools play in the real data.
ROLES: tuple[tuple[str, str, str], ...] = (
    ("Serve", "ServingTool", "ModelServing"),
    ("Lite", "OnDeviceTool", "OnDeviceDeployment"),
    ("JS", "BrowserTool", "InBrowserML"),
    ("Hub", "ModelHub", "ModelSharing"),
    ("Garden", "ModelZoo", "ReferenceModels"),
    ("Lightning", "HighLevelAPI", "HighLevelTrainingAPI"),
    ("Extended", "MLPlatform", "MLOps"),
    ("Cloud", "JobLauncher", "RemoteJobLaunch"),
    ("Vision", "VisionLibrary", "ComputerVision"),
    ("Text", "TextLibrary", "NaturalLanguageProcessing"),
    ("Audio", "AudioLibrary", "AudioProcessing"),
    ("Speech", "SpeechToolkit", "SpeechProcessing"),
    ("Data", "DataLibrary", "DataLoading"),
    ("Elastic", "DistributedTrainingTool", "DistributedTraining"),
    ("Board", "VisualizationTool", "ExperimentTracking"),
    ("Playground", "EducationalTool", "Education"),
    ("Pipe", "ApplicationToolkit", "PerceptionPipelines"),
    ("Edge", "HardwareKit", "EdgeHardware"),
)
VARIANTS = 2  # tools per role per ecosystem: 36 tools per framework
PEOPLE = 6
RELEASES = 6
_SYLLABLES = (
    "tor",
    "ten",
    "jax",
    "mx",
    "flu",
    "caf",
    "pad",
    "chai",
    "ner",
    "vex",
    "qua",
    "lum",
    "zen",
    "orb",
)
_STRENGTHS = ("Exact", "Close", "Related")


@dataclass(frozen=True)
class Generated:
    """What :func:`generate` wrote."""

    path: Path
    triples: int
    frameworks: int
    tools: int
    correspondences: int
    seconds: float


def _iri(value: str) -> str:
    return f"<{value}>"


def _lit(value: str, datatype: str | None = None) -> str:
    text = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{text}"^^<{datatype}>' if datatype else f'"{text}"'


def framework_name(index: int) -> str:
    """A pronounceable, unique framework name such as ``Tenvex17``."""
    a = _SYLLABLES[index % len(_SYLLABLES)]
    b = _SYLLABLES[(index // len(_SYLLABLES)) % len(_SYLLABLES)]
    return f"{a.capitalize()}{b}{index}"


def tool_id(framework: int, role: int, variant: int) -> str:
    """Local name of a synthetic tool, e.g. ``Tenvex17Serve`` or ``Tenvex17Serve2``."""
    suffix = ROLES[role][0] + (str(variant + 1) if variant else "")
    return framework_name(framework) + suffix


def _ecosystem(index: int, rng: random.Random) -> Iterator[tuple[str, str, str]]:
    """The triples of one framework, its tools, people, organisations, releases and events."""
    name = framework_name(index)
    fw = ENT + name
    org, lab = ENT + name + "Org", ENT + name + "Lab"
    a, label, alt, definition = RDF_TYPE, SKOS + "prefLabel", SKOS + "altLabel", SKOS + "definition"
    src = _iri(SOURCE)

    def entity(iri: str, cls: str, pref: str, text: str) -> Iterator[tuple[str, str, str]]:
        yield _iri(iri), _iri(a), _iri(MLKG + cls)
        yield _iri(iri), _iri(label), _lit(pref)
        yield _iri(iri), _iri(alt), _lit(pref.lower().replace(" ", "-"))
        yield _iri(iri), _iri(definition), _lit(text)
        yield _iri(iri), _iri(PROV_FROM), src

    yield from entity(org, "Organization", f"{name} Foundation", f"Synthetic organisation behind {name}.")
    yield from entity(lab, "ResearchLab", f"{name} Research", f"Synthetic lab where {name} began.")
    yield _iri(lab), _iri(SCHEMA + "parentOrganization"), _iri(org)
    people = [f"{ENT}{name}Person{p}" for p in range(PEOPLE)]
    for p, person in enumerate(people):
        yield from entity(person, "Person", f"Person {p} of {name}", f"Synthetic contributor to {name}.")
        yield _iri(person), _iri(SCHEMA + "affiliation"), _iri(org)
    yield from entity(fw, "Framework", name, f"Synthetic deep-learning framework number {index}.")
    yield _iri(fw), _iri(MLKG + "developedBy"), _iri(lab)
    yield _iri(fw), _iri(MLKG + "function"), _iri(FN + "ModelBuilding")
    yield _iri(fw), _iri(SCHEMA + "creator"), _iri(people[0])
    year = 2010 + index % 12
    yield _iri(fw), _iri(SCHEMA + "dateCreated"), _lit(f"{year}-{1 + index % 12:02d}", XSD + "gYearMonth")
    for r in range(RELEASES):
        release = f"{ENT}{name}_{r + 1}_0"
        version = f"{r + 1}.0"
        day = f"{year + r}-{1 + rng.randrange(12):02d}-{1 + rng.randrange(28):02d}"
        yield from entity(release, "Release", f"{name} {version}", f"Release {version} of {name}.")
        yield _iri(release), _iri(MLKG + "releaseOf"), _iri(fw)
        yield _iri(fw), _iri(MLKG + "hasRelease"), _iri(release)
        yield _iri(release), _iri(SCHEMA + "softwareVersion"), _lit(version)
        yield _iri(release), _iri(SCHEMA + "datePublished"), _lit(day, XSD + "date")
        event = f"{ENT}Event_{name}_{r + 1}_0"
        kind = "FirstRelease" if r == 0 else ("MajorRelease" if r % 2 else "MinorRelease")
        yield _iri(event), _iri(a), _iri(MLKG + "Event")
        yield _iri(event), _iri(RDFS_LABEL), _lit(f"{name} {version} released")
        yield _iri(event), _iri(MLKG + "about"), _iri(release)
        yield _iri(event), _iri(MLKG + "eventKind"), _iri(MLKG + kind)
        yield _iri(event), _iri(MLKG + "date"), _lit(day, XSD + "date")
        yield _iri(event), _iri(MLKG + "agent"), _iri(org)
        yield _iri(event), _iri(PROV_FROM), src
    for role, (suffix, cls, function) in enumerate(ROLES):
        for variant in range(VARIANTS):
            tool = ENT + tool_id(index, role, variant)
            pref = f"{name} {suffix}" + (f" {variant + 1}" if variant else "")
            yield from entity(tool, cls, pref, f"Synthetic {function} tool of the {name} ecosystem.")
            yield _iri(tool), _iri(MLKG + "ecosystem"), _iri(fw)
            yield _iri(tool), _iri(MLKG + "status"), _iri(MLKG + "Active")  # a tool's status is required
            yield _iri(tool), _iri(MLKG + "function"), _iri(FN + function)
            yield _iri(tool), _iri(MLKG + "developedBy"), _iri(org if variant == 0 else lab)
            yield _iri(tool), _iri(SCHEMA + "author"), _iri(people[rng.randrange(PEOPLE)])
            yield _iri(tool), _iri(SCHEMA + "datePublished"), _lit(f"{year + variant + 1}", XSD + "gYear")
    if index == 0:
        return
    # Each tool of this ecosystem corresponds to the same-role tool of the previous one.
    other = framework_name(index - 1)
    for role, (suffix, _cls, function) in enumerate(ROLES):
        for variant in range(VARIANTS):
            mine, theirs = tool_id(index, role, variant), tool_id(index - 1, role, variant)
            corr = f"{ENT}Corr_{mine}_{theirs}"
            yield _iri(corr), _iri(a), _iri(MLKG + "Correspondence")
            yield _iri(corr), _iri(RDFS_LABEL), _lit(f"{mine} corresponds to {theirs}")
            yield _iri(corr), _iri(MLKG + "tool"), _iri(ENT + mine)
            yield _iri(corr), _iri(MLKG + "tool"), _iri(ENT + theirs)
            yield _iri(corr), _iri(MLKG + "strength"), _iri(MLKG + _STRENGTHS[rng.randrange(3)])
            yield _iri(corr), _iri(MLKG + "basis"), _iri(MLKG + "Stated")
            yield _iri(corr), _iri(MLKG + "function"), _iri(FN + function)
            yield _iri(corr), _iri(MLKG + "evidence"), _lit(f"Both are the {suffix} tool of {name}/{other}.")
            yield _iri(corr), _iri(PROV_FROM), src


def _source() -> Iterator[tuple[str, str, str]]:
    yield _iri(SOURCE), _iri(RDF_TYPE), _iri(MLKG + "Source")
    yield _iri(SOURCE), _iri(DCTERMS + "title"), _lit("Synthetic benchmark graph")
    yield _iri(SOURCE), _iri(RDFS_LABEL), _lit("Synthetic benchmark graph (bench/generate.py)")
    yield _iri(SOURCE), _iri(SCHEMA + "url"), _iri("https://example.org/mlkg/synthetic-benchmark")
    yield _iri(SOURCE), _iri(DCTERMS + "date"), _lit("2026", XSD + "gYear")


def triples_per_ecosystem() -> int:
    """How many triples one ecosystem block adds (the unit the graph grows by)."""
    return sum(1 for _ in _ecosystem(1, random.Random(0)))


def generate(target: int, path: Path, *, seed: int = 7, progress: bool = True) -> Generated:
    """Write about ``target`` triples (whole ecosystems, at least two) to ``path``.

    ``.nq`` / ``.nquads`` writes N-Quads in the graph <https://w3id.org/mlkg/graph/synthetic>;
    anything else N-Triples.
    """
    start = time.perf_counter()
    rng = random.Random(seed)
    quads = path.suffix.lower() in (".nq", ".nquads")
    tail = f" {_iri(SYNTHETIC_GRAPH)} .\n" if quads else " .\n"
    per = triples_per_ecosystem()
    frameworks = max(2, round(target / per))
    written = 0
    path.parent.mkdir(parents=True, exist_ok=True)
    bar_ctx = _progress(progress, f"generating {target:,} triples", frameworks)
    with path.open("w", encoding="utf-8", newline="\n") as out, bar_ctx as advance:
        lines = [f"{s} {p} {o}{tail}" for s, p, o in _source()]
        for index in range(frameworks):
            lines.extend(f"{s} {p} {o}{tail}" for s, p, o in _ecosystem(index, rng))
            if len(lines) > 50_000:
                out.writelines(lines)
                written += len(lines)
                lines = []
            advance(1)
        out.writelines(lines)
        written += len(lines)
    tools = frameworks * len(ROLES) * VARIANTS
    return Generated(
        path,
        written,
        frameworks,
        tools,
        (frameworks - 1) * len(ROLES) * VARIANTS,
        time.perf_counter() - start,
    )


class _progress:
    """A rich progress bar (or nothing) as a context manager yielding ``advance(n)``."""

    def __init__(self, enabled: bool, label: str, total: int) -> None:
        self.enabled, self.label, self.total = enabled and sys.stderr.isatty(), label, total
        self._bar: object = None

    def __enter__(self):  # type: ignore[no-untyped-def]
        if not self.enabled:
            return lambda n: None
        from rich.progress import Progress

        bar = Progress(transient=True)
        bar.start()
        task = bar.add_task(self.label, total=self.total)
        self._bar = bar
        return lambda n: bar.advance(task, n)

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.stop()  # type: ignore[attr-defined]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--triples", type=int, default=100_000, help="about how many triples")
    parser.add_argument("-o", "--output", type=Path, required=True, help="file to write (.nt or .nq)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    done = generate(args.triples, args.output, seed=args.seed)
    print(
        f"wrote {done.path}: {done.triples:,} triples, {done.frameworks} frameworks, {done.tools} tools, "
        f"{done.correspondences} correspondences in {done.seconds:.1f} s"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
