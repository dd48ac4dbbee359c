"""Name resolution: free text as people type it -> one entity, the candidates, or suggestions.

The index is built once per :class:`KnowledgeGraph` from the ``skos:prefLabel`` and
``skos:altLabel`` of every entity, and kept beside it. A lookup tries, in order:

1. the exact label ("TF Serving");
2. the label ignoring case ("tf serving");
3. a normalised key: accents, case, punctuation, spaces, hyphens, underscores, dots and
   slashes removed, and a leading "tensorflow" / "pytorch" read as "tf" / "torch"
   ("tensorflow_serving", "TensorFlow-Serving", "torch.hub");
4. whole words of a label ("hub" -> TensorFlow Hub, PyTorch Hub, ... -> ambiguous);
5. fuzzy matching of the key (rapidfuzz) above a threshold, for typos ("tensorflow servng").

Several entities on the first tier that matches means the input is ambiguous: the candidates
come back and none is picked. Nothing matching gives suggestions. Lookups are pure Python over
dictionaries built up front, deterministic, and never raise for any string.

>>> from mlkg.graph import KnowledgeGraph
>>> kg = KnowledgeGraph.open()
>>> resolve(kg, "tensorflow_serving").entity.id
'TensorFlowServing'
>>> resolve(kg, "hub").status
'ambiguous'
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

import pyoxigraph as ox

from mlkg.ontology import ENT, MLKG, ONTOLOGY_GRAPH, local_name

from ._loading import INFERRED_GRAPH

if TYPE_CHECKING:
    from ._knowledge import KnowledgeGraph

__all__ = [
    "EntityRef",
    "NameIndex",
    "Resolution",
    "SearchHit",
    "name_index",
    "normalise",
    "resolve",
    "search",
]

#: Fuzzy (rapidfuzz ratio, 0-100) score a typo must reach to resolve on its own.
FUZZY_THRESHOLD = 80.0
#: Two entities whose fuzzy scores are this close are reported as ambiguous.
FUZZY_MARGIN = 4.0
#: Lowest fuzzy score still offered as a suggestion: below it the "nearest" label is noise
#: ("sklearn" is 57 from "serving"), and no suggestion beats a nonsense one.
SUGGEST_THRESHOLD = 70.0
#: Score given to an entity sharing a whole word (of at least this many letters) with the text.
WORD_SUGGESTION = 75.0
MIN_WORD = 4
#: How many characters of the key fuzzy matching looks at (longer input is cut, not refused).
FUZZY_MAX_CHARS = 64
MAX_SUGGESTIONS = 5
MAX_CANDIDATES = 10

_PREFIXES = (("tensorflow", "tf"), ("pytorch", "torch"))
_WORD = re.compile(r"[^\W_]+")
_FRAMEWORKS = (ENT + "TensorFlow", ENT + "PyTorch", ENT + "JAX")


@dataclass(frozen=True)
class EntityRef:
    """An entity as resolution and search name it."""

    id: str
    iri: str
    label: str
    type: str
    """Local name of the entity's asserted class, e.g. ``ServingTool``."""
    ecosystem: str | None
    """Label of the framework the entity belongs to ("TensorFlow", "PyTorch"), if any."""


@dataclass(frozen=True)
class SearchHit:
    """One ranked search result (``score`` in 0..1, higher is better)."""

    id: str
    iri: str
    label: str
    type: str
    ecosystem: str | None
    score: float


Status = Literal["found", "ambiguous", "unknown"]


@dataclass(frozen=True)
class Resolution:
    """The outcome of resolving one piece of text."""

    query: str
    status: Status
    entity: EntityRef | None = None
    how: str = ""
    """Which tier matched: exact, casefold, normalised, words or fuzzy."""
    candidates: tuple[EntityRef, ...] = ()
    """When ambiguous: the entities the text could mean."""
    suggestions: tuple[EntityRef, ...] = ()
    """When unknown: the nearest names the graph has."""


def normalise(text: str) -> str:
    """The key used for tier 3: letters and digits only, lower case, ecosystem prefix folded.

    >>> normalise("TensorFlow-Serving"), normalise("torch.hub"), normalise("PyTorch Hub")
    ('tfserving', 'torchhub', 'torchhub')
    """
    key = "".join(_WORD.findall(_fold(text)))
    for long, short in _PREFIXES:
        if key.startswith(long):
            key = short + key[len(long) :]
    return key


@functools.lru_cache(maxsize=16384)
def _fold(text: str) -> str:
    """Case- and accent-insensitive form of ``text`` (NFKD, combining marks dropped); cached, as
    building the name index folds each label several times."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _words(text: str) -> tuple[str, ...]:
    prefixes = dict(_PREFIXES)
    return tuple(prefixes.get(w, w) for w in _WORD.findall(_fold(text)))


@dataclass
class NameIndex:
    """Every label of every entity, in the lookup tables the tiers use."""

    entities: dict[str, EntityRef] = field(default_factory=dict)
    """IRI -> entity."""
    labels: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """IRI -> preferred label first, then alternative labels (sorted)."""
    exact: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    casefold: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    keys: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    word_lists: list[tuple[tuple[str, ...], str]] = field(default_factory=list)
    by_word: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    """Word -> positions in ``word_lists`` of the labels that contain it."""
    fuzzy_keys: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    """Every key fuzzy matching compares against -> the entities having it."""
    key_list: list[str] = field(default_factory=list)
    forms: list[tuple[str, str, str, str, tuple[str, ...]]] = field(default_factory=list)
    """(IRI, label, folded label, key, words) of every label, precomputed for search."""
    longest: int = 0
    ids: dict[str, str] = field(default_factory=dict)
    """Local name (URL id) -> IRI."""

    def add(self, entity: EntityRef, labels: Iterable[str]) -> None:
        ordered = (entity.label, *sorted(set(labels) - {entity.label}))
        self.entities[entity.iri] = entity
        self.labels[entity.iri] = ordered
        self.ids[entity.id] = entity.iri
        for label in ordered:
            self.exact[label.strip()].add(entity.iri)
            self.casefold[_fold(label).strip()].add(entity.iri)
            key = normalise(label)
            if key:
                self.keys[key].add(entity.iri)
            # Fuzzy matching sees both the folded key and the spelled-out one, so a typo in
            # the prefix ("pytroch hub") still lands near "pytorchhub".
            for variant in {key, "".join(_WORD.findall(_fold(label)))} - {""}:
                if variant not in self.fuzzy_keys:
                    self.key_list.append(variant)
                self.fuzzy_keys[variant].add(entity.iri)
            words = _words(label)
            if words:
                for word in words:
                    self.by_word[word].add(len(self.word_lists))
                self.word_lists.append((words, entity.iri))
            self.forms.append((entity.iri, label, _fold(label), key, words))
            self.longest = max(self.longest, len(label))

    def by_id(self, entity_id: str) -> EntityRef | None:
        """The entity whose URL id (local name) is ``entity_id``."""
        iri = self.ids.get(entity_id)
        return self.entities.get(iri) if iri else None

    def sort_key(self, iri: str) -> tuple[int, str, str]:
        """Ties go to frameworks, then tools of an ecosystem, then the rest; then by label."""
        entity = self.entities[iri]
        rank = 0 if entity.type == "Framework" else 1 if entity.ecosystem else 2
        return (rank, entity.label, iri)

    def refs(self, iris: Iterable[str]) -> tuple[EntityRef, ...]:
        return tuple(self.entities[i] for i in sorted(set(iris), key=self.sort_key))


def name_index(kg: KnowledgeGraph) -> NameIndex:
    """The name index of ``kg``, built on first use and kept in ``kg.memo`` for as long as its
    data generation lasts (a remote store's dataset is read again every few seconds; the
    embedded engines' never), never dropped to make room for answers."""
    return kg.memo.get("name-index", lambda: _build_index(kg), lasting=True)


_LABELS_QUERY = f"""SELECT ?e ?pref ?alt WHERE {{
  ?e skos:prefLabel ?pref . FILTER(STRSTARTS(STR(?e), "{ENT}"))
  OPTIONAL {{ ?e skos:altLabel ?alt }} }}"""
_TYPES_QUERY = f"""SELECT ?e ?t WHERE {{
  GRAPH ?g {{ ?e a ?t }} FILTER(?g NOT IN (<{INFERRED_GRAPH}>, <{ONTOLOGY_GRAPH}>))
  FILTER(STRSTARTS(STR(?e), "{ENT}")) FILTER(STRSTARTS(STR(?t), "{MLKG}")) }}"""
_ECOSYSTEMS_QUERY = """SELECT ?e ?eco ?label WHERE { ?e mlkg:ecosystem ?eco . ?eco skos:prefLabel ?label }"""


def _build_index(kg: KnowledgeGraph) -> NameIndex:
    prefs: dict[str, str] = {}
    alts: dict[str, set[str]] = defaultdict(set)
    for row in kg.query(_LABELS_QUERY).bindings():
        iri = row["e"].value
        prefs[iri] = min(prefs.get(iri, row["pref"].value), row["pref"].value)
        if "alt" in row and isinstance(row["alt"], ox.Literal):
            alts[iri].add(row["alt"].value)
    types: dict[str, str] = {}
    for row in kg.query(_TYPES_QUERY).bindings():
        name = local_name(row["t"].value)
        iri = row["e"].value
        types[iri] = min(types.get(iri, name), name)
    ecosystems: dict[str, str] = {}
    for row in kg.query(_ECOSYSTEMS_QUERY).bindings():
        iri = row["e"].value
        ecosystems[iri] = min(ecosystems.get(iri, row["label"].value), row["label"].value)
    for iri in _FRAMEWORKS:
        if iri in prefs:
            ecosystems[iri] = prefs[iri]
    index = NameIndex()
    for iri in sorted(prefs):
        ref = EntityRef(local_name(iri), iri, prefs[iri], types.get(iri, "Entity"), ecosystems.get(iri))
        index.add(ref, alts.get(iri, ()))
    return index


def resolve(kg: KnowledgeGraph, text: str) -> Resolution:
    """Resolve ``text`` to an entity of ``kg``; see the module docstring for the tiers."""
    return resolve_in(name_index(kg), text)


def resolve_in(index: NameIndex, text: object) -> Resolution:
    """:func:`resolve` against an index already at hand. Never raises."""
    query = text if isinstance(text, str) else str(text)
    try:
        return _resolve(index, query)
    except Exception:  # pragma: no cover - a last guard: a lookup must never fail a request
        return Resolution(query, "unknown", how="error")


def _resolve(index: NameIndex, query: str) -> Resolution:
    stripped = query.strip()
    if not stripped:
        return Resolution(query, "unknown")
    if len(stripped) > 2 * index.longest + 16:  # longer than any label could be: only suggest
        scores = _fuzzy(index, normalise(stripped[: 4 * FUZZY_MAX_CHARS]))
        return Resolution(query, "unknown", suggestions=_suggestions(index, scores))
    tiers: tuple[tuple[str, set[str]], ...] = (
        ("exact", index.exact.get(stripped, set())),
        ("casefold", index.casefold.get(_fold(stripped).strip(), set())),
    )
    key = normalise(stripped)
    for how, found in (*tiers, ("normalised", index.keys.get(key, set()) if key else set())):
        if len(found) > 1:
            # A tool or module wins over a framework function of the same name ("torch.vmap":
            # the module page, not the function the keras layer derived): tool-level names
            # keep their meaning as the function layer grows.
            tools = {iri for iri in found if index.entities[iri].type != "FrameworkFunction"}
            found = tools or found
        if len(found) > 1 and how != "normalised":
            # The one entity whose own name this is wins over others that list it as an
            # alternative spelling ("torch.autograd": the module, not the article's feature).
            own = {
                iri for iri in found if _fold(index.entities[iri].label).strip() == _fold(stripped).strip()
            }
            found = own if len(own) == 1 else found
        if found:
            return _decide(index, query, how, found)
    words = _words(stripped)
    if words and len(words) <= 8:
        positions = set.intersection(*(index.by_word.get(w, set()) for w in words))
        found = {index.word_lists[p][1] for p in positions if _contains(index.word_lists[p][0], words)}
        if found:
            return _decide(index, query, "words", found)
    if not key:
        return Resolution(query, "unknown")
    scores = _fuzzy(index, key)
    for word in words if len(words) <= 8 else ():
        if len(word) >= MIN_WORD:
            for position in index.by_word.get(word, ()):
                iri = index.word_lists[position][1]
                scores[iri] = max(scores.get(iri, 0.0), WORD_SUGGESTION)
    ranked = sorted(scores, key=lambda iri: (-scores[iri], index.sort_key(iri)))
    if ranked and index.entities[ranked[0]].type == "FrameworkFunction":
        # Near function names are other functions (reduce_max / reduce_std, tnn.gelu / tf.nn.gelu):
        # a typo in one gets suggestions, never a silently different function.
        return Resolution(query, "unknown", suggestions=_suggestions(index, scores))
    if ranked and scores[ranked[0]] >= FUZZY_THRESHOLD:
        best = scores[ranked[0]]
        close = [iri for iri in ranked if scores[iri] >= max(FUZZY_THRESHOLD, best - FUZZY_MARGIN)]
        if len(close) == 1:
            return Resolution(query, "found", index.entities[close[0]], "fuzzy")
        return Resolution(query, "ambiguous", how="fuzzy", candidates=index.refs(close[:MAX_CANDIDATES]))
    return Resolution(query, "unknown", suggestions=_suggestions(index, scores))


def _suggestions(index: NameIndex, scores: dict[str, float]) -> tuple[EntityRef, ...]:
    ranked = sorted(scores, key=lambda iri: (-scores[iri], index.sort_key(iri)))
    return tuple(index.entities[i] for i in ranked if scores[i] >= SUGGEST_THRESHOLD)[:MAX_SUGGESTIONS]


def _decide(index: NameIndex, query: str, how: str, found: set[str]) -> Resolution:
    if len(found) == 1:
        return Resolution(query, "found", index.entities[next(iter(found))], how)
    return Resolution(query, "ambiguous", how=how, candidates=index.refs(found)[:MAX_CANDIDATES])


def _contains(haystack: tuple[str, ...], needle: tuple[str, ...]) -> bool:
    n = len(needle)
    return any(haystack[i : i + n] == needle for i in range(len(haystack) - n + 1))


def _fuzzy(index: NameIndex, key: str) -> dict[str, float]:
    """Best rapidfuzz ratio per entity for ``key`` against every label key."""
    from rapidfuzz import fuzz, process

    best: dict[str, float] = {}
    matches = process.extract(
        key[:FUZZY_MAX_CHARS], index.key_list, scorer=fuzz.ratio, score_cutoff=SUGGEST_THRESHOLD, limit=None
    )
    for matched, score, _ in matches:
        for iri in index.fuzzy_keys[matched]:
            if score > best.get(iri, -1.0):
                best[iri] = float(score)
    return best


def search(kg: KnowledgeGraph, text: str, limit: int = 10) -> list[SearchHit]:
    """Entities ranked by how well one of their labels matches ``text``, for autocomplete."""
    return search_in(name_index(kg), text, limit)


def search_in(index: NameIndex, text: str, limit: int = 10) -> list[SearchHit]:
    """:func:`search` against an index already at hand."""
    stripped = text.strip()[: 2 * index.longest + 16]  # no label is longer
    folded = _fold(stripped).strip()
    key = normalise(stripped)
    if not key and not folded:
        return []
    words = _words(stripped)
    best: dict[str, float] = {}

    def offer(iri: str, score: float) -> None:
        if score > best.get(iri, 0.0):
            best[iri] = score

    for iri, label, label_folded, label_key, label_words in index.forms:
        offer(iri, _label_score(label, label_folded, label_key, label_words, stripped, folded, key, words))
    if key:
        for iri, score in _fuzzy(index, key).items():
            offer(iri, 0.6 * score / 100)
    ranked = sorted(best, key=lambda iri: (-best[iri], index.sort_key(iri)))[: max(0, limit)]
    return [
        SearchHit(e.id, e.iri, e.label, e.type, e.ecosystem, round(best[i], 3))
        for i in ranked
        for e in (index.entities[i],)
    ]


def _label_score(
    label: str,
    label_folded: str,
    label_key: str,
    label_words: tuple[str, ...],
    text: str,
    folded: str,
    key: str,
    words: tuple[str, ...],
) -> float:
    if label == text:
        return 1.0
    if label_folded == folded:
        return 0.98
    if key and label_key == key:
        return 0.95
    if key and label_key.startswith(key):
        return 0.8 + 0.1 * len(key) / len(label_key)
    if words and any(w.startswith(words[-1]) for w in label_words) and set(words[:-1]) <= set(label_words):
        # repeated words make the key longer than the label's: the share is capped at 1
        return 0.7 + 0.1 * min(len(key), len(label_key)) / max(len(label_key), 1)
    if key and len(key) >= 2 and key in label_key:
        return 0.6 + 0.1 * len(key) / len(label_key)
    return 0.0
