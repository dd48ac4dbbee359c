"""The shipped ontology and data: every entity of the article, the counterparts with their
sources, the later facts, and the named queries' answers."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from mlkg.graph import KnowledgeGraph
from mlkg.ontology import ENT, GRAPH, MLKG, SRC, sparql_prefixes

ROOT = Path(__file__).resolve().parents[2]
QUERIES = ROOT / "graph" / "queries"
ARTICLE = GRAPH + "article-2022"
SINCE = GRAPH + "since-2022"
#: The since-2022 layer's source graphs (one per document: …/since-2022/source/KEY).
IN_SINCE = f'FILTER(STRSTARTS(STR(?g), "{SINCE}/source/"))'
INFERRED = GRAPH + "inferred"

# Everything the "Article layer" list names, by local name under ent:.
ARTICLE_ENTITIES = {
    "TensorFlow": "Framework",
    "TensorFlow1_0": "Release",
    "TensorFlow2_0": "Release",
    "Keras": "HighLevelAPI",
    "Keras2_3": "Release",
    "Keras2_4": "Release",
    "Theano": "Framework",
    "MicrosoftCognitiveToolkit": "Framework",
    "PlaidML": "Framework",
    "PyTorch": "Framework",
    "NumPy": "Library",
    "TensorFlowServing": "ServingTool",
    "TFX": "MLPlatform",
    "TensorFlowLite": "OnDeviceTool",
    "TensorFlowHub": "ModelHub",
    "ModelGarden": "ModelZoo",
    "VertexAI": "CloudPlatform",
    "AIPlatform": "CloudPlatform",
    "AutoML": "CloudPlatform",
    "MediaPipe": "ApplicationToolkit",
    "GoogleCoral": "HardwareKit",
    "TensorFlowJS": "BrowserTool",
    "NodeJS": "Technology",
    "TensorFlowCloud": "JobLauncher",
    "TensorFlowPlayground": "EducationalTool",
    "PyTorchHub": "ModelHub",
    "TorchServe": "ServingTool",
    "PyTorchLive": "OnDeviceTool",
    "JavaScript": "ProgrammingLanguage",
    "ReactNative": "Technology",
    "PyTorchMobile": "OnDeviceTool",
    "TorchVision": "VisionLibrary",
    "TorchText": "TextLibrary",
    "TorchAudio": "AudioLibrary",
    "DeepSpeech": "Model",
    "Wav2Vec": "Model",
    "SpeechBrain": "SpeechToolkit",
    "TorchElastic": "DistributedTrainingTool",
    "PyTorchLightning": "HighLevelAPI",
    "HuggingFace": "Organization",
    "FrancoisChollet": "Person",
    "AdamPaszke": "Person",
    "SamGross": "Person",
    "SoumithChintala": "Person",
    "GregoryChanan": "Person",
    "Google": "Organization",
    "GoogleBrain": "ResearchLab",
    "GoogleCloud": "Organization",
    "Facebook": "Organization",
    "FacebookAIResearch": "ResearchLab",
    "AWS": "Organization",
    "Microsoft": "Organization",
    "ONEIROS": "ResearchProject",
}

SINCE_ENTITIES = {
    "LiteRT": "OnDeviceTool",
    "PlayTorch": "OnDeviceTool",
    "HuggingFaceHub": "ModelHub",
    "TritonInferenceServer": "ServingTool",
    "TorchElasticController": "DistributedTrainingTool",
    "KerasOnPyTorch": "HighLevelAPI",
    "ExecuTorch": "OnDeviceTool",
    "PyTorchFoundation": "Organization",
    "LinuxFoundation": "Organization",
    "Keras3": "Release",
    "JAX": "Framework",
    "TorchX": "JobLauncher",
    "TensorBoard": "VisualizationTool",
    "KaggleModels": "ModelHub",
    "TorchCodec": "DataLibrary",
    "TorchDistributedElastic": "DistributedTrainingTool",
}

# The four pairs the article states: (PyTorch side, TensorFlow side, correspondence node).
STATED_PAIRS = [
    ("TorchServe", "TensorFlowServing", "Corr_TorchServe_TensorFlowServing"),
    ("PyTorchLive", "TensorFlowLite", "Corr_PyTorchLive_TensorFlowLite"),
    ("PyTorchHub", "TensorFlowHub", "Corr_PyTorchHub_TensorFlowHub"),
    ("PyTorchLightning", "Keras", "Corr_PyTorchLightning_Keras"),
]


def local(term: object) -> str:
    """The local name of an ent:/src:/mlkg: IRI, or the literal's text."""
    value = getattr(term, "value", str(term))
    for ns in (ENT, SRC, MLKG):
        if value.startswith(ns):
            return value[len(ns) :]
    return value


def rows(kg: KnowledgeGraph, sparql: str) -> list[dict[str, str]]:
    return [{k: local(v) for k, v in row.items()} for row in kg.query(sparql).bindings()]


def named_query(name: str) -> str:
    return (QUERIES / f"{name}.rq").read_text(encoding="utf-8")


# -- the entities ------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "cls"), sorted({**ARTICLE_ENTITIES, **SINCE_ENTITIES}.items()))
def test_entity_exists_typed_labelled_defined_and_sourced(
    oxigraph_kg: KnowledgeGraph, name: str, cls: str
) -> None:
    iri = ENT + name
    types = rows(
        oxigraph_kg,
        f"""SELECT ?t WHERE {{ GRAPH ?g {{ <{iri}> a ?t }}
             FILTER(?g != <{INFERRED}>) FILTER(STRSTARTS(STR(?t), "{MLKG}")) }}""",
    )
    assert types, f"ent:{name} is missing or untyped"
    assert [t["t"] for t in types] == [cls], f"ent:{name} should be exactly one mlkg:{cls}"
    labels = oxigraph_kg.query(f"SELECT ?l WHERE {{ <{iri}> skos:prefLabel ?l }}").values("l")
    assert len(labels) == 1 and labels[0], f"ent:{name} needs one prefLabel"
    assert oxigraph_kg.query(f"ASK {{ <{iri}> skos:definition ?d }}").boolean
    assert oxigraph_kg.query(f"ASK {{ <{iri}> prov:wasDerivedFrom ?s . ?s a mlkg:Source }}").boolean


def test_article_entities_live_in_the_article_graph(oxigraph_kg: KnowledgeGraph) -> None:
    found = {
        r["e"]
        for r in rows(
            oxigraph_kg, f"SELECT DISTINCT ?e WHERE {{ GRAPH <{ARTICLE}> {{ ?e skos:prefLabel ?l }} }}"
        )
    }
    missing = set(ARTICLE_ENTITIES) - found
    assert not missing, f"not in the article graph: {sorted(missing)}"


def test_every_entity_type_is_an_ontology_class_with_a_schema_org_ancestor(
    oxigraph_kg: KnowledgeGraph,
) -> None:
    bad = rows(
        oxigraph_kg,
        f"""SELECT DISTINCT ?c WHERE {{
              GRAPH ?g {{ ?e a ?c }} FILTER(?g = <{ARTICLE}> || STRSTARTS(STR(?g), "{SINCE}/"))
              FILTER(STRSTARTS(STR(?e), "{ENT}"))
              FILTER NOT EXISTS {{ ?c a owl:Class ; rdfs:label ?l ; rdfs:comment ?m }}
            }}""",
    )
    assert bad == []
    unaligned = rows(
        oxigraph_kg,
        """SELECT DISTINCT ?c WHERE {
              ?c rdfs:subClassOf+ mlkg:Entity .
              FILTER NOT EXISTS { ?c rdfs:subClassOf+ ?s FILTER(STRSTARTS(STR(?s), "https://schema.org/")) }
            }""",
    )
    assert unaligned == [], "every entity class should reach a schema.org class"


def test_alternative_labels_people_type(oxigraph_kg: KnowledgeGraph) -> None:
    expected = {
        "TensorFlowLite": {"tflite", "TF Lite", "TFLite"},
        "TensorFlowServing": {"tf-serving", "tensorflow_serving", "TF Serving"},
        "PyTorchHub": {"torch.hub"},
        "Keras": {"tf.keras"},
        "PyTorchLightning": {"pytorch-lightning", "pytorch_lightning"},
        "TorchServe": {"torchserve"},
        "MicrosoftCognitiveToolkit": {"CNTK"},
        "FacebookAIResearch": {"FAIR"},
    }
    for name, labels in expected.items():
        alts = set(oxigraph_kg.query(f"SELECT ?a WHERE {{ <{ENT}{name}> skos:altLabel ?a }}").values("a"))
        assert labels <= alts, f"ent:{name} lacks {labels - alts}"


def test_wikidata_links_only_for_the_verified_items(oxigraph_kg: KnowledgeGraph) -> None:
    links = rows(
        oxigraph_kg,
        """SELECT ?e ?q WHERE { { ?e schema:sameAs ?q } UNION { ?e owl:sameAs ?q }
             FILTER(CONTAINS(STR(?q), "wikidata")) }""",
    )
    assert sorted((r["e"], r["q"].rsplit("/", 1)[-1]) for r in links) == [
        ("PyTorch", "Q47509047"),
        ("TensorFlow", "Q21447895"),
    ]


def test_the_article_is_the_source_with_title_url_publisher_and_year(oxigraph_kg: KnowledgeGraph) -> None:
    row = rows(
        oxigraph_kg,
        """SELECT ?title ?url ?publisher ?date WHERE {
             src:Article2022 a mlkg:Source ; dcterms:title ?title ; schema:url ?url ;
               dcterms:publisher ?publisher ; dcterms:date ?date }""",
    )
    assert len(row) == 1
    assert row[0]["url"].startswith("https://medium.com/aimluae/tensorflow-vs-pytorch")
    assert row[0]["publisher"] == "AIMLUAE"
    assert row[0]["date"] == "2022"


def test_every_source_has_a_title_and_an_https_url(oxigraph_kg: KnowledgeGraph) -> None:
    bad = rows(
        oxigraph_kg,
        """SELECT ?s WHERE { ?s a mlkg:Source .
             FILTER NOT EXISTS { ?s dcterms:title ?t ; schema:url ?u
                                 FILTER(STRSTARTS(STR(?u), "https://")) } }""",
    )
    assert bad == []


def test_github_stars_are_dated_observations(oxigraph_kg: KnowledgeGraph) -> None:
    stars = rows(
        oxigraph_kg,
        """SELECT ?e ?v ?d ?s WHERE { ?o a mlkg:Observation ; mlkg:about ?e ; mlkg:metric mlkg:GitHubStars ;
             mlkg:value ?v ; mlkg:date ?d ; prov:wasDerivedFrom ?s }""",
    )
    assert {(r["e"], int(r["v"]), r["d"], r["s"]) for r in stars} == {
        ("TensorFlow", 165000, "2022", "Article2022"),
        ("PyTorch", 56400, "2022", "Article2022"),
    }


def test_dates_keep_the_precision_of_their_source(oxigraph_kg: KnowledgeGraph) -> None:
    answer = oxigraph_kg.query(
        """SELECT ?g ?d WHERE { GRAPH ?g { ent:PyTorchLive schema:datePublished ?d } } ORDER BY ?g"""
    )
    got = {(row["g"].value, row["d"].value, row["d"].datatype.value) for row in answer.bindings()}  # type: ignore[union-attr]
    xsd = "http://www.w3.org/2001/XMLSchema#"
    # the article's date in its graph, the correction in the graph of the document that states it
    pr888 = SINCE + "/source/PyTorchWebsitePR888"
    assert got == {(ARTICLE, "2020-12", xsd + "gYearMonth"), (pr888, "2021-12", xsd + "gYearMonth")}


# -- counterparts -----------------------------------------------------------------------


@pytest.mark.parametrize(("torch_side", "tf_side", "corr"), STATED_PAIRS)
def test_stated_pair_answered_both_ways_with_its_source(
    kg: KnowledgeGraph, torch_side: str, tf_side: str, corr: str
) -> None:
    a, b = ENT + torch_side, ENT + tf_side
    # the materialised shortcut, both directions
    assert kg.query(f"ASK {{ <{a}> mlkg:counterpartOf <{b}> }}").boolean
    assert kg.query(f"ASK {{ <{b}> mlkg:counterpartOf <{a}> }}").boolean
    # the correspondence node, reached from either tool, with basis and source
    for start, other in ((a, b), (b, a)):
        found = rows(
            kg,
            f"""SELECT ?c ?basis ?src ?strength ?ev WHERE {{
                  ?c a mlkg:Correspondence ; mlkg:tool <{start}>, ?other ; mlkg:basis ?basis ;
                     mlkg:strength ?strength ; prov:wasDerivedFrom ?src ; mlkg:evidence ?ev .
                  FILTER(?other = <{other}>) }}""",
        )
        assert found, f"no correspondence from {start} to {other}"
        assert {r["c"] for r in found} == {corr}
        assert {(r["basis"], r["src"]) for r in found} == {("Stated", "Article2022")}
    # and the counterparts query finds it from both sides
    for tool, expected in ((tf_side, torch_side), (torch_side, tf_side)):
        answer = kg.query(named_query("counterparts-of-a-tool"), bindings={"tool": ox.NamedNode(ENT + tool)})
        assert expected in {local(r["counterpart"]) for r in answer.bindings()}


def test_no_tool_is_its_own_counterpart(kg: KnowledgeGraph) -> None:
    assert rows(kg, "SELECT ?t WHERE { ?t mlkg:counterpartOf ?t }") == []
    single = """SELECT ?c WHERE { ?c a mlkg:Correspondence ; mlkg:tool ?t .
                  FILTER NOT EXISTS { ?c mlkg:tool ?u FILTER(?u != ?t) } }"""
    assert rows(kg, single) == []


def test_every_correspondence_spans_two_ecosystems(oxigraph_kg: KnowledgeGraph) -> None:
    same = rows(
        oxigraph_kg,
        """SELECT ?c WHERE { ?c a mlkg:Correspondence ; mlkg:tool ?a, ?b . FILTER(?a != ?b)
             ?a mlkg:ecosystem ?e . ?b mlkg:ecosystem ?e }""",
    )
    assert same == []


def test_counterpart_links_come_only_from_correspondences(oxigraph_kg: KnowledgeGraph) -> None:
    asserted = rows(
        oxigraph_kg,
        f"SELECT ?a WHERE {{ GRAPH ?g {{ ?a mlkg:counterpartOf ?b }} FILTER(?g != <{INFERRED}>) }}",
    )
    assert asserted == [], "write Correspondence nodes, not counterpartOf triples"
    orphan = rows(
        oxigraph_kg,
        """SELECT ?a ?b WHERE { ?a mlkg:counterpartOf ?b .
             FILTER NOT EXISTS { ?c a mlkg:Correspondence ; mlkg:tool ?a, ?b } }""",
    )
    assert orphan == []


def test_inferred_and_later_pairs_are_weaker_and_sourced(oxigraph_kg: KnowledgeGraph) -> None:
    later = rows(
        oxigraph_kg,
        f"""SELECT ?c ?strength ?basis ?src WHERE {{ GRAPH ?g {{
              ?c a mlkg:Correspondence ; mlkg:strength ?strength ; mlkg:basis ?basis }} {IN_SINCE}
              ?c prov:wasDerivedFrom ?src }}""",
    )
    assert later
    assert all(r["src"] != "Article2022" for r in later)
    weak = {r["src"] for r in rows(oxigraph_kg, "SELECT ?src WHERE { ?src mlkg:weakSource true }")}
    for r in later:
        if r["basis"] == "Inferred" or r["src"] in weak:
            assert r["strength"] != "Exact", r
    names = {r["c"] for r in later}
    for needed in (
        "Corr_ExecuTorch_LiteRT",
        "Corr_PyTorchMobile_TensorFlowLite",
        "Corr_TorchUtilsTensorBoard_TensorBoard",
        "Corr_TorchX_TensorFlowCloud",
    ):
        assert needed in names


# -- what changed since 2022 ------------------------------------------------------------


def test_renames_are_links_between_entities(oxigraph_kg: KnowledgeGraph) -> None:
    renames = {
        (r["a"], r["b"])
        for r in rows(oxigraph_kg, f"SELECT ?a ?b WHERE {{ GRAPH ?g {{ ?a mlkg:renamedTo ?b }} {IN_SINCE} }}")
    }
    assert {("TensorFlowLite", "LiteRT"), ("PyTorchLive", "PlayTorch")} <= renames
    # the inverse and the super-property are materialised
    assert oxigraph_kg.query("ASK { ent:LiteRT mlkg:renamedFrom ent:TensorFlowLite }").boolean
    assert oxigraph_kg.query("ASK { ent:TensorFlowLite mlkg:succeededBy ent:LiteRT }").boolean
    assert oxigraph_kg.query("ASK { ent:ExecuTorch mlkg:replaces ent:PyTorchMobile }").boolean


def test_keras_3_is_multi_backend_again(oxigraph_kg: KnowledgeGraph) -> None:
    backends = set(oxigraph_kg.query("SELECT ?b WHERE { ent:Keras3 mlkg:backend ?b }").values("b"))
    assert backends == {ENT + "JAX", ENT + "TensorFlow", ENT + "PyTorch"}


def test_pytorch_is_governed_by_the_foundation(oxigraph_kg: KnowledgeGraph) -> None:
    assert oxigraph_kg.query(
        "ASK { ent:PyTorch mlkg:governedBy ent:PyTorchFoundation . "
        "ent:PyTorchFoundation schema:parentOrganization ent:LinuxFoundation }"
    ).boolean


# -- the named queries ------------------------------------------------------------------


def query_files() -> Iterator[Path]:
    return iter(sorted(QUERIES.glob("*.rq")))


def test_the_required_named_queries_exist() -> None:
    names = {p.stem for p in query_files()}
    assert {
        "counterparts-of-a-tool",
        "article-timeline",
        "people-and-organisations",
        "renamed-or-archived",
        "who-started-pytorch",
        "keras-authors-and-backends",
        "tools-from-2020",
    } <= names


@pytest.mark.parametrize("path", list(query_files()), ids=lambda p: p.stem)
def test_named_query_is_titled_self_contained_and_answers(kg: KnowledgeGraph, path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    assert re.match(r"# title: \S", lines[0]), "first line must be '# title: ...'"
    assert re.match(r"# description: \S", lines[1]), "second line must be '# description: ...'"
    # declares its own prefixes: parses on a bare store with no predeclared prefixes
    ox.Store().query(text)
    assert len(kg.query(text)) > 0


def test_who_started_pytorch(kg: KnowledgeGraph) -> None:
    answer = rows(kg, named_query("who-started-pytorch"))
    assert {r["name"] for r in answer} == {"Adam Paszke", "Sam Gross", "Soumith Chintala", "Gregory Chanan"}
    roles = {r["name"]: r.get("role") for r in answer}
    assert roles["Adam Paszke"] == "started it"
    assert {r["date"] for r in answer} == {"2016-10"}
    assert {r["source"] for r in answer} == {"Article2022"}
    assert {r["lab"] for r in answer} == {"FacebookAIResearch"}


def test_keras_authors_and_backends_up_to_2_3(kg: KnowledgeGraph) -> None:
    answer = rows(kg, named_query("keras-authors-and-backends"))
    authors = {r["value"] for r in answer if r["relation"] == "author"}
    backends = {r["value"] for r in answer if r["relation"] == "backend"}
    assert authors == {"FrancoisChollet"}
    assert backends == {"TensorFlow", "MicrosoftCognitiveToolkit", "Theano", "PlaidML"}
    assert all(r["source"] == "Article2022" for r in answer)


def test_tools_from_2020_and_their_corrections(kg: KnowledgeGraph) -> None:
    answer = rows(kg, named_query("tools-from-2020"))
    assert {r["tool"] for r in answer} == {"TorchServe", "PyTorchLive", "TorchElastic"}
    corrected = {(r["tool"], r["laterDate"]) for r in answer if r.get("followUp") == "corrected"}
    assert corrected == {("PyTorchLive", "2021-12")}
    # the article's 2020 TorchElastic item is the Kubernetes controller (confirmed); the Dec 2019
    # library release adds to it rather than correcting it
    confirmed = {(r["tool"], r["laterDate"]) for r in answer if r.get("followUp") == "confirmed"}
    assert confirmed == {("TorchServe", "2020-04-21"), ("TorchElastic", "2020-04-21")}
    article_dates = {(r["tool"], r["articleDate"]) for r in answer}
    assert article_dates == {("TorchServe", "2020"), ("PyTorchLive", "2020-12"), ("TorchElastic", "2020")}
    later_sources = {r["laterSource"] for r in answer if r.get("followUp") == "corrected"}
    assert "Article2022" not in later_sources and later_sources


def test_renamed_or_archived_and_their_replacements(kg: KnowledgeGraph) -> None:
    answer = rows(kg, named_query("renamed-or-archived"))
    by_thing = {r["thing"]: r for r in answer}
    expected = {
        "TensorFlowLite": ("Renamed", "LiteRT"),
        "PyTorchLive": ("Renamed", "PlayTorch"),
        "PlayTorch": ("Archived", None),
        "TorchServe": ("Archived", None),
        "TorchElastic": ("Archived", "TorchDistributedElastic"),
        "PyTorchMobile": ("Deprecated", "ExecuTorch"),
        "TensorFlowHub": ("Redirected", "KaggleModels"),
        # from the ecosystem layer's statuses: the controller's repository was archived for TorchX
        "TorchElasticController": ("Archived", "TorchX"),
    }
    for thing, (status, replacement) in expected.items():
        assert thing in by_thing, f"{thing} missing"
        assert by_thing[thing]["status"] == status
        assert by_thing[thing].get("replacement") == replacement
    assert by_thing["PlayTorch"]["dependencySuccessor"] == "ExecuTorch"
    assert by_thing["TorchServe"]["statusSince"] == "2025-08-07"
    assert by_thing["TorchElasticController"]["statusSince"] == "2023-01-06"
    assert "ExecuTorch" not in by_thing and "Keras" not in by_thing


def test_article_timeline_shows_claims_and_corrections(kg: KnowledgeGraph) -> None:
    answer = rows(kg, named_query("article-timeline"))
    dates = [r["date"] for r in answer]
    assert dates == sorted(dates)
    assert {"2015-11", "2015-03", "2016-10", "2019-09", "2020", "2020-12"} <= set(dates)
    assert all(r["source"] == "Article2022" for r in answer)
    live = [r for r in answer if r["event"] == "Event_PyTorchLive_Launch"]
    assert live and live[0]["followUp"] == "corrected" and live[0]["laterDate"] == "2021-12"


def test_people_and_organisations(kg: KnowledgeGraph) -> None:
    answer = rows(kg, named_query("people-and-organisations"))
    triples = {(r["agent"], r["role"], r["thing"]) for r in answer}
    assert ("AdamPaszke", "creator", "PyTorch") in triples
    assert ("FrancoisChollet", "author", "Keras") in triples
    assert ("AWS", "developer", "TorchServe") in triples
    assert ("GoogleBrain", "part of", "Google") in triples
    assert ("PyTorchFoundation", "governing body", "PyTorch") in triples


# -- validation -------------------------------------------------------------------------


def test_shipped_data_has_no_shacl_violations(oxigraph_kg: KnowledgeGraph) -> None:
    violations = oxigraph_kg.validate()
    assert violations == [], "\n".join(f"{v.focus_node} {v.path}: {v.message}" for v in violations)


def test_no_dangling_iris(oxigraph_kg: KnowledgeGraph) -> None:
    dangling = rows(
        oxigraph_kg,
        """SELECT DISTINCT ?o WHERE { ?s ?p ?o . FILTER(isIRI(?o))
             FILTER(STRSTARTS(STR(?o), "https://w3id.org/mlkg/")) FILTER NOT EXISTS { ?o a ?t } }""",
    )
    assert dangling == []


# Turtle takes SPARQL-style PREFIX lines too: the project's own prefixes, not a copy.
BROKEN = (
    sparql_prefixes()
    + """

ent:BrokenNoLabel a mlkg:ServingTool ;
    skos:definition "A tool with no preferred label." ;
    mlkg:function fn:ModelServing ; prov:wasDerivedFrom src:Article2022 .

ent:BrokenDate a mlkg:ServingTool ;
    skos:prefLabel "Broken date" ; skos:definition "A tool whose date is an untyped string." ;
    mlkg:function fn:ModelServing ; prov:wasDerivedFrom src:Article2022 ;
    schema:datePublished "2020" .

ent:BrokenLink a mlkg:ServingTool ;
    skos:prefLabel "Broken link" ; skos:definition "A tool pointing to an entity defined nowhere." ;
    mlkg:function fn:ModelServing ; prov:wasDerivedFrom src:Article2022 ;
    mlkg:buildsOn ent:NoSuchThing .

ent:Corr_BrokenSameEcosystem a mlkg:Correspondence ;
    rdfs:label "two PyTorch tools" ;
    mlkg:tool ent:TorchServe, ent:PyTorchHub ;
    mlkg:strength mlkg:Close ; mlkg:basis mlkg:Inferred ; mlkg:function fn:ModelServing ;
    prov:wasDerivedFrom src:Article2022 ; mlkg:evidence "Deliberately wrong." .

ent:BrokenTwoTypes a mlkg:ServingTool, mlkg:OnDeviceTool ;
    skos:prefLabel "Two types" ; skos:definition "An entity with two unrelated types." ;
    mlkg:function fn:ModelServing ; prov:wasDerivedFrom src:Article2022 .
"""
)


def test_broken_data_is_reported(tmp_path: Path) -> None:
    bad = tmp_path / "broken.ttl"
    bad.write_text(BROKEN, encoding="utf-8")
    with KnowledgeGraph.open(data=(str(bad),)) as graph:
        violations = graph.validate()
    flagged: dict[str, list[str]] = {}
    for v in violations:
        flagged.setdefault(local(v.focus_node), []).append(f"{v.path} {v.message}")
    assert "BrokenNoLabel" in flagged and any("prefLabel" in m for m in flagged["BrokenNoLabel"])
    assert "BrokenDate" in flagged and any("datePublished" in m for m in flagged["BrokenDate"])
    assert "BrokenLink" in flagged and any("NoSuchThing" in m for m in flagged["BrokenLink"])
    assert "Corr_BrokenSameEcosystem" in flagged and any(
        "ecosystem" in m for m in flagged["Corr_BrokenSameEcosystem"]
    )
    assert "BrokenTwoTypes" in flagged
    # nothing from the shipped data is among them
    assert set(flagged) == {
        "BrokenNoLabel",
        "BrokenDate",
        "BrokenLink",
        "Corr_BrokenSameEcosystem",
        "BrokenTwoTypes",
    }
