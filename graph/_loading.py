"""Finding and parsing the data files into one pyoxigraph dataset, one named graph per file.

Everything is parsed before anything is served: a file that fails stops the whole load with
its name, line and column, so the service never starts half-loaded.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from mlkg.ontology import GRAPH, ONTOLOGY_GRAPH, ONTOLOGY_PATH, local_name

from ._errors import DataError
from ._formats import FORMATS, rdf_formats_by_suffix

SHIPPED_DATA_DIR = Path(__file__).resolve().parent / "data"
INFERRED_GRAPH = GRAPH + "inferred"
#: Source graphs are ``<layer graph>/source/<key>``: the triples one source document states
#: (described in the layer graph, the data file's own, as an ``mlkg:SourceGraph``).
SOURCE_GRAPH_INFIX = "/source/"
#: Shipped data files, by extension; a TriG file's quads keep the graphs it names.
#: File extensions we read (every RDF format's suffixes).
RDF_EXTENSIONS: dict[str, ox.RdfFormat] = rdf_formats_by_suffix()
SHIPPED_FORMATS = {s: RDF_EXTENSIONS[s] for s in (FORMATS["turtle"].suffix, FORMATS["trig"].suffix) if s}
_POSITION = re.compile(r"line (\d+),? (?:between )?columns? (\d+)|at (\d+):(\d+)")


@dataclass(frozen=True)
class SourceFile:
    """One file to load and the named graph its triples go to.

    For TriG / N-Quads / JSON-LD, ``graph`` takes only the default-graph triples; quads
    keep the graph the file names.
    """

    path: Path
    graph: str
    rdf_format: ox.RdfFormat


def rdf_format_for(path: Path) -> ox.RdfFormat:
    """The parser for ``path``, by extension; :class:`DataError` for an unknown one."""
    fmt = RDF_EXTENSIONS.get(path.suffix.lower())
    if fmt is None:
        known = ", ".join(sorted(RDF_EXTENSIONS))
        raise DataError(str(path), f"unknown RDF file extension {path.suffix!r}; use one of {known}")
    return fmt


def discover(extra: Sequence[Path | str] = (), *, shipped: bool = True) -> list[SourceFile]:
    """The ontology, the shipped data files and ``extra`` ones, each with its graph IRI."""
    files: list[SourceFile] = []
    if shipped:
        files.append(SourceFile(ONTOLOGY_PATH, ONTOLOGY_GRAPH, ox.RdfFormat.TURTLE))
        files.extend(
            SourceFile(p, GRAPH + p.stem, SHIPPED_FORMATS[p.suffix])
            for p in sorted(SHIPPED_DATA_DIR.iterdir())
            if p.suffix in SHIPPED_FORMATS
        )
    taken = {f.graph for f in files}
    for raw in extra:
        path = Path(raw)
        if not path.is_file():
            raise DataError(str(path), "no such file (check the --data path)")
        graph = GRAPH + "extra/" + path.stem
        suffix = 2
        while graph in taken:
            graph = f"{GRAPH}extra/{path.stem}-{suffix}"
            suffix += 1
        taken.add(graph)
        files.append(SourceFile(path, graph, rdf_format_for(path)))
    return files


def layer_graph(graph: str) -> str:
    """The layer graph (a data file's own) that the source graph ``graph`` belongs to; any
    other graph is its own layer."""
    return graph.split(SOURCE_GRAPH_INFIX, 1)[0]


def layer_of(graph: str) -> str:
    """The source layer's name for a graph IRI: ``since-2022`` for
    ``…/graph/since-2022/source/TorchElasticRepo`` and for ``…/graph/since-2022`` itself."""
    return local_name(layer_graph(graph))


def fingerprint(files: Iterable[SourceFile]) -> str:
    """A digest of the files' names and bytes: equal digests mean an equal dataset."""
    digest = hashlib.sha256()
    for f in files:
        digest.update(str(f.path).encode() + b"\0" + f.graph.encode() + b"\0")
        digest.update(f.path.read_bytes())
    return digest.hexdigest()


def load_file(store: ox.Store, source: SourceFile) -> None:
    """Load one file into ``store`` (all or nothing), or raise :class:`DataError` naming
    the file, line and column.

    Oxigraph parses and inserts in Rust, gives each file's blank nodes fresh ids, and puts
    default-graph triples in the file's graph (quads of TriG / N-Quads keep theirs).
    """
    try:
        data = source.path.read_bytes()
    except OSError as err:
        raise DataError(str(source.path), f"cannot read: {err.strerror or err}") from None
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise DataError(str(source.path), f"not UTF-8 (byte {err.start})") from None
    if source.rdf_format == ox.RdfFormat.RDF_XML:
        _check_entities(source.path, data)
    try:
        store.load(
            data,
            format=source.rdf_format,
            base_iri=source.path.resolve().as_uri(),
            to_graph=ox.NamedNode(source.graph),
        )
    except SyntaxError as err:
        raise _syntax_error(source.path, err) from None


_ENTITY = re.compile(rb"<!ENTITY\s+(%?)\s*([^\s]+)\s+(SYSTEM|PUBLIC)?\s*(\"[^\"]*\"|'[^']*')", re.IGNORECASE)
#: An RDF/XML file's entities may expand it to at most this many times its size (plus 1 MB).
MAX_ENTITY_EXPANSION = 4


def _check_entities(path: Path, data: bytes) -> None:
    """Refuse RDF/XML whose entity declarations could blow up when expanded.

    Plain declarations (a name for a namespace IRI, as ontology editors write them) are fine.
    Refused: entities defined through other entities (the "billion laughs" nesting), parameter
    and external entities, and expansion beyond :data:`MAX_ENTITY_EXPANSION` times the file.
    """
    if b"<!ENTITY" not in data.upper():
        return
    declared = list(_ENTITY.finditer(data))
    if len(declared) != data.upper().count(b"<!ENTITY"):
        raise DataError(str(path), "an RDF/XML entity declaration could not be read; expand the entities")
    growth = 0
    for match in declared:
        parameter, name, external, value = match.groups()
        text = value[1:-1]
        if parameter or external or b"&" in text or b"%" in text:
            raise DataError(
                str(path),
                f"RDF/XML entity {name.decode(errors='replace')!r} is defined through other or external "
                "entities, which can expand a small file into gigabytes; write its value out in full",
            )
        growth += data.count(b"&" + name + b";") * len(text)
    if growth > MAX_ENTITY_EXPANSION * len(data) + (1 << 20):
        raise DataError(
            str(path),
            f"RDF/XML entities would expand this file by {growth} bytes (over {MAX_ENTITY_EXPANSION}x its "
            "size); write the values out in full",
        )


def _syntax_error(path: Path, err: SyntaxError) -> DataError:
    message = str(err.args[0]) if err.args else str(err)
    match = _POSITION.search(message)
    line = column = None
    if match:
        groups = [g for g in match.groups() if g is not None]
        line, column = int(groups[0]), int(groups[1])
    problem = re.sub(r"^(Parser error|error) at [^:]*: ", "", message)
    return DataError(str(path), problem, line=line, column=column)


def load_files(files: Sequence[SourceFile]) -> ox.Store:
    """A new in-memory store holding every file, parsed in full before it is returned."""
    store = ox.Store()
    for source in files:
        load_file(store, source)
    return store
