"""Today's answer first, one definition of "holds today" / "ended" everywhere, the
asked tool's own fate in the answer, and the data behind it (each fact with a source)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from processes import cli

from mlkg.graph import KnowledgeGraph, counterparts
from mlkg.graph._resolve import name_index
from mlkg.graph._sssom import sssom_rows
from mlkg.graph._today import ENDED_STATUSES
from mlkg.ontology import ENT, MLKG, local_name
from mlkg.viz import counterparts_figure, network_data, project

GONE = {"Archived", "Deprecated", "Renamed", "LimitedMaintenance"}  # the list: never "today"


def statuses(kg: KnowledgeGraph) -> dict[str, str]:
    rows = kg.query("SELECT ?e ?s WHERE { ?e mlkg:status ?s }").bindings()
    return {r["e"].value: local_name(r["s"].value) for r in rows}


def framework_tools(kg: KnowledgeGraph) -> list[str]:
    """Every tool of TensorFlow or PyTorch in the graph, and the two frameworks themselves."""
    rows = kg.query(
        "SELECT DISTINCT ?t WHERE { ?t mlkg:ecosystem ?e . VALUES ?e { ent:TensorFlow ent:PyTorch } }"
    ).bindings()
    return sorted({r["t"].value for r in rows} | {ENT + "TensorFlow", ENT + "PyTorch"})


def test_sweep_every_tool_of_both_frameworks(oxigraph_kg: KnowledgeGraph) -> None:
    index = name_index(oxigraph_kg)
    state = statuses(oxigraph_kg)
    tools = framework_tools(oxigraph_kg)
    assert len(tools) > 30
    answered = 0
    for iri in tools:
        entity = index.entities[iri]
        answer = counterparts(oxigraph_kg, entity)
        own = entity.ecosystem
        for c in answer.counterparts:
            # no counterpart from the asked tool's own framework
            assert c.ecosystem != own, (entity.id, c.id)
            # archived, deprecated, renamed or unsupported never holds today
            if state.get(c.iri) in GONE:
                assert not c.current, (entity.id, c.id, c.status)
        current = [c.current for c in answer.counterparts]
        if any(current):
            assert current[0], f"{entity.id}: a counterpart holds today but the first one does not"
            answered += 1
        assert answer.summary, entity.id
    assert answered > 15


def test_openapi_shows_the_new_fields_with_examples(client: TestClient) -> None:
    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    answer = schemas["CounterpartAnswer"]["properties"]
    assert "Today: ExecuTorch." in answer["summary"]["examples"][0]
    tool = schemas["Tool"]["properties"]["successor"]
    assert "Successor" in str(tool)
    successor = schemas["Successor"]
    assert set(successor["properties"]) == {"id", "iri", "label", "since", "change"}
    assert successor["examples"][0]["id"] == "LiteRT" and successor["properties"]["since"]["examples"]
    pair = schemas["Counterpart"]["properties"]
    for name in ("neutral", "article", "via", "current"):
        assert "examples" in pair[name] and pair[name]["description"], name


LIMITED = """\
@prefix mlkg: <https://w3id.org/mlkg/ontology#> .
@prefix ent: <https://w3id.org/mlkg/entity/> .
ent:TensorFlowServing mlkg:status mlkg:LimitedMaintenance .
"""


def test_one_definition_of_ended_for_answers_sssom_and_pictures(tmp_path: Path) -> None:
    """A tool in limited maintenance is ended in the answer, the SSSOM table, the projection and
    both pictures alike (before, the answer called it current and the pictures retired)."""
    data = tmp_path / "limited.ttl"
    data.write_text(LIMITED, encoding="utf-8")
    kg = KnowledgeGraph.open(data=(str(data),))
    assert "LimitedMaintenance" in ENDED_STATUSES
    torchserve = name_index(kg).by_id("TorchServe")
    assert torchserve is not None
    (serving,) = counterparts(kg, torchserve).counterparts
    assert serving.id == "TensorFlowServing" and serving.current is False
    row = next(r for r in sssom_rows(kg) if r["object_id"] == "ent:TorchServe")
    assert "No longer holds" in row["comment"]
    graph = project(kg)
    assert network_data(graph)["meta"]["TensorFlowServing"]["ended"] is True
    edge = next(a for _, _, a in graph.edges("TensorFlowServing", data=True) if a["kind"] == "counterpart")
    assert edge["current"] is False
    figure = counterparts_figure(graph)
    assert next(b for b in figure.boxes if b.id == "TensorFlowServing").ended
    # and without that status, TF Serving is current from TorchServe's side (TorchServe's own
    # archival is its fate, reported beside the answer)
    shipped = KnowledgeGraph.open()
    ref = name_index(shipped).by_id("TorchServe")
    assert ref is not None
    answer = counterparts(shipped, ref)
    assert answer.counterparts[0].current and answer.summary.startswith(
        "TorchServe is archived since 2025-08-07."
    )


def test_bridge_view_draws_today_heaviest_and_the_rename(client: TestClient) -> None:
    html = client.get("/viz/counterparts").text

    links = {
        (m["left"], m["right"]): (m["current"] == "true", float(m["width"]), float(m["opacity"]))
        for m in re.finditer(
            r'data-left="(?P<left>\w+)" data-right="(?P<right>\w+)"[^>]*data-current="(?P<current>\w+)"'
            r'[^>]*stroke-width="(?P<width>[\d.]+)" stroke-opacity="(?P<opacity>[\d.]+)"',
            html,
        )
    }
    today = links[("LiteRT", "ExecuTorch")]
    for outdated in (("TensorFlowLite", "PyTorchLive"), ("TensorFlowLite", "PyTorchMobile")):
        ended = links[outdated]
        assert today[0] and not ended[0]
        assert today[1] > ended[1] and today[2] > ended[2]
    assert 'data-old="TensorFlowLite" data-new="LiteRT"' in html  # the rename is drawn
    # evidence readable on tap: every line links to its evidence entry below the figure
    anchors = re.findall(r'<a href="#(pair-\d+)" class="pair">', html)
    assert anchors and all(f'id="{a}"' in html for a in anchors)


def test_entity_page_and_json_lead_with_today(client: TestClient) -> None:
    html = client.get("/entity/TensorFlowLite", headers={"Accept": "text/html"}).text
    today, history = html.index('class="today"'), html.index('class="history"')
    assert today < history < html.index("<h2>Timeline</h2>")
    assert html.index(">ExecuTorch<") < history < html.index(">PyTorch Live<")
    assert 'href="/entity/LiteRT"' in html[today:history]  # the successor is named
    facts = client.get("/api/entities/TensorFlowLite").json()
    assert facts["successor"]["id"] == "LiteRT" and facts["summary"].startswith("TensorFlow Lite was renamed")
    live = client.get("/api/entities/PyTorchLive").json()
    published = {
        (d["value"], d["graph"], d["current"]) for d in live["dates"] if d["property"] == "datePublished"
    }
    assert published == {("2021-12", "since-2022", True), ("2020-12", "article-2022", False)}
    assert any("2021-12 (since-2022)" in c and "gives 2020-12" in c for c in live["changes"])


def rows(kg: KnowledgeGraph, sparql: str) -> list[dict[str, Any]]:
    return [{k: getattr(v, "value", v) for k, v in r.items()} for r in kg.query(sparql).bindings()]


def test_meta_is_facebook_renamed_not_a_second_company(oxigraph_kg: KnowledgeGraph) -> None:
    assert not oxigraph_kg.query("ASK { ent:Meta ?p ?o }").boolean
    assert name_index(oxigraph_kg).entities[ENT + "Facebook"] is not None
    names = rows(oxigraph_kg, "SELECT ?n WHERE { ent:Facebook mlkg:currentName ?n }")
    assert names == [{"n": "Meta"}]
    rename = rows(
        oxigraph_kg,
        "SELECT ?d WHERE { ?e mlkg:about ent:Facebook ; mlkg:eventKind mlkg:Rename ; mlkg:date ?d }",
    )
    assert rename == [{"d": "2021-10-28"}]
    parents = rows(oxigraph_kg, "SELECT ?p WHERE { ent:FacebookAIResearch schema:parentOrganization ?p }")
    assert parents == [{"p": ENT + "Facebook"}]
    assert not oxigraph_kg.query('ASK { ?x skos:altLabel "Meta AI Research" }').boolean


def test_blog_sources_point_at_their_posts(oxigraph_kg: KnowledgeGraph) -> None:
    urls = {r["u"] for r in rows(oxigraph_kg, "SELECT ?u WHERE { ?s a mlkg:Source ; schema:url ?u }")}
    assert "https://pytorch.org/blog/" not in urls
    assert "https://pytorch.org/blog/pytorch-library-updates-new-model-serving-library/" in urls


def test_torchelastic_controller_is_the_article_item_and_2019_supplements(
    oxigraph_kg: KnowledgeGraph,
) -> None:
    confirm = rows(
        oxigraph_kg,
        "SELECT ?e ?d WHERE { ?e mlkg:confirms ent:Event_TorchElastic_Launch ; mlkg:date ?d ;"
        " mlkg:about ent:TorchElasticController }",
    )
    assert [r["d"] for r in confirm] == ["2020-04-21"]
    assert not oxigraph_kg.query("ASK { ?e mlkg:corrects ent:Event_TorchElastic_Launch }").boolean
    assert oxigraph_kg.query(
        "ASK { ?e mlkg:supplements ent:Event_TorchElastic_Launch ; mlkg:date ?d }"
    ).boolean


def test_ai_platform_merged_and_chollet_left_google(oxigraph_kg: KnowledgeGraph) -> None:
    ai = rows(oxigraph_kg, "SELECT ?s ?n WHERE { ent:AIPlatform mlkg:status ?s ; mlkg:succeededBy ?n }")
    assert ai == [{"s": MLKG + "Merged", "n": ENT + "VertexAI"}]
    left = rows(
        oxigraph_kg,
        "SELECT ?d ?src WHERE { ?e mlkg:eventKind mlkg:Departure ;"
        " mlkg:about ent:FrancoisChollet, ent:Google ; mlkg:date ?d ; prov:wasDerivedFrom ?src }",
    )
    assert [r["d"] for r in left] == ["2024-11"] and left[0]["src"]
    assert oxigraph_kg.query("ASK { GRAPH ?g { ent:FrancoisChollet schema:alumniOf ent:Google } }").boolean


def test_article_claims_are_queryable_with_their_source(oxigraph_kg: KnowledgeGraph) -> None:
    claims = rows(
        oxigraph_kg,
        "SELECT ?c ?aspect ?fav WHERE { ?c a mlkg:Claim ; mlkg:aspect ?aspect ;"
        " prov:wasDerivedFrom src:Article2022 OPTIONAL { ?c mlkg:favours ?fav } }",
    )
    by_aspect = {r["aspect"]: r.get("fav") for r in claims}
    assert len(claims) == 10
    assert by_aspect["job listings"] == ENT + "TensorFlow"
    assert by_aspect["research papers"] == ENT + "PyTorch"
    assert by_aspect["search interest (Google Trends)"] == ENT + "PyTorch"
    assert {"recommendation", "execution model", "where each is used", "feature parity"} <= set(by_aspect)


@pytest.mark.parametrize("entity_id", ["PyTorchLive", "TorchServe", "TensorFlowHub"])
def test_cli_prints_the_summary_first_and_urls_whole(oxigraph_kg: KnowledgeGraph, entity_id: str) -> None:
    entity = name_index(oxigraph_kg).by_id(entity_id)
    assert entity is not None
    result = cli("counterpart", entity.label, env={"COLUMNS": "60"})
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    answer = counterparts(oxigraph_kg, entity)
    assert lines[0] == answer.summary
    assert any("✔ holds" in line for line in lines)  # the rows that hold today are marked
    for c in answer.counterparts:
        for s in c.sources:
            assert s.url and any(s.url in line for line in lines), s.url
