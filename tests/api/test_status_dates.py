"""A status has two dates: when it began (mlkg:statusSince, a change with its date) and when a page
was seen to show it (mlkg:statusObservedOn). No observation date is ever shown as a start: not in
the answer models, the entity pages, the home answer cards, nor the picture's details."""

from __future__ import annotations

import html
import re

import pytest
from fastapi.testclient import TestClient

from mlkg.graph import KnowledgeGraph, to_networkx
from mlkg.graph._counterparts import counterparts
from mlkg.graph._reader import Reader
from mlkg.ontology import ENT, local_name, sparql_prefixes
from mlkg.viz import network_data

DATES = "SELECT ?e ?d WHERE { ?e mlkg:%s ?d }"


def dated(kg: KnowledgeGraph, prop: str) -> dict[str, str]:
    rows = kg.query(sparql_prefixes() + DATES % prop).bindings()
    return {local_name(r["e"].value): r["d"].value for r in rows}


def as_start(date: str) -> re.Pattern[str]:
    """'since 2023-11' worded as a start, but not the prefix of 'since 2023-11-15'."""
    return re.compile(rf"(since|as of) {re.escape(date)}(?![-\d])")


def listed(date: str) -> str:
    return f"listed as active {'on' if len(date) == 10 else 'in'} {date}"


@pytest.fixture(scope="module")
def observed(oxigraph_kg: KnowledgeGraph) -> dict[str, str]:
    return dated(oxigraph_kg, "statusObservedOn")


def test_the_data_keeps_starts_and_observations_apart(
    oxigraph_kg: KnowledgeGraph, observed: dict[str, str]
) -> None:
    started = dated(oxigraph_kg, "statusSince")
    # the 50 old status dates, each sorted into one, plus the status audit: 7 changes with their start
    # (TF Addons, Haiku, torchtune, TF-DF, TF Compression, Levanter, TorchScript) and 11 Actives dated
    # as an observation of the project's own repository (8 that a listing had called active, 3 new tools)
    assert len(observed) == 51 and len(started) == 17
    assert not set(observed) & set(started)
    reader = Reader(oxigraph_kg)
    # what a listing or reference page shows is "active" then; a start is the date of a change
    assert {local_name(reader.state(ENT + e) or "") for e in observed} == {"Active"}
    assert "Active" not in {local_name(reader.state(ENT + e) or "") for e in started}
    assert observed["TorchLinalg"] == "2025-12-03" and observed["DeepSpeed"] == "2020-11-13"
    assert started["PlayTorch"] == "2023-10-23" and started["TorchServe"] == "2025-08-07"


def test_answer_models_word_an_observation_as_one(
    oxigraph_kg: KnowledgeGraph, observed: dict[str, str]
) -> None:
    reader = Reader(oxigraph_kg)
    seen = 0
    for entity in reader.index.entities.values():
        if entity.type == "FrameworkFunction":
            continue
        answer = counterparts(oxigraph_kg, entity)
        people = [(answer.tool.id, answer.tool.status)] + [(c.id, c.status) for c in answer.counterparts]
        for tool, status in people:
            if tool in observed:
                seen += 1
                assert status == listed(observed[tool]), (entity.id, tool, status)
        for tool, date in observed.items():
            if reader.label(ENT + tool) in answer.summary:
                assert not as_start(date).search(answer.summary), (entity.id, answer.summary)
    assert seen > 100


def test_entity_pages_and_their_json_never_show_an_observation_as_a_start(
    client: TestClient, observed: dict[str, str]
) -> None:
    for tool, date in observed.items():
        facts = client.get(f"/api/entities/{tool}").json()
        assert facts["status"] == listed(date), tool
        page = client.get(f"/entity/{tool}", headers={"Accept": "text/html"})
        assert page.status_code == 200
        text = html.unescape(page.text)
        assert listed(date) in text and not as_start(date).search(text), tool
        assert "status observed on" in text  # the triple's own row names the property as it is


def test_answer_cards_and_the_picture_keep_the_two_apart(
    client: TestClient, oxigraph_kg: KnowledgeGraph, observed: dict[str, str]
) -> None:
    card = html.unescape(client.get("/", params={"tool": "tf.linalg", "to": "pytorch"}).text)
    assert "Status: listed as active on 2025-12-03" in card and not as_start("2025-12-03").search(card)
    archived = html.unescape(client.get("/", params={"tool": "PlayTorch"}).text)
    assert "archived since 2023-10-23" in archived
    # /viz details: the page script words statusSince as "since", statusObservedOn as "listed as"
    meta = network_data(to_networkx(oxigraph_kg, details=True))["meta"]
    for tool, date in observed.items():
        assert meta[tool]["statusSince"] is None and meta[tool]["statusObservedOn"] == date
    assert meta["PlayTorch"]["statusSince"] == "2023-10-23" and meta["PlayTorch"]["statusObservedOn"] is None
    script = client.get("/viz/static/mlkg-viz.js").text
    assert '" since " + m.statusSince' in script and '"listed as " + name' in script
    assert "m.statusDate" not in script
