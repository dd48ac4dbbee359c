"""The pictures without a browser: the projection, safe rendering, the routes and `mlkg viz`.

The browser behaviour (drawing, search, clicks, filters, offline, XSS) is in test_browser_viz.py.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import networkx as nx
import pytest
from fastapi.testclient import TestClient
from processes import cli

from mlkg.graph import KnowledgeGraph, QueryError, to_networkx
from mlkg.viz import ViewState, counterparts_figure, graph_page, neighbourhood, parse_view, project, safe_json

STATED_PAIRS = {
    frozenset({"TorchServe", "TensorFlowServing"}),
    frozenset({"PyTorchLive", "TensorFlowLite"}),
    frozenset({"PyTorchHub", "TensorFlowHub"}),
    frozenset({"PyTorchLightning", "Keras"}),
}
ENTITY_COUNT = "SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e a mlkg:Entity }"
XSS = "<img src=x onerror=alert(1)></script><script>alert(2)</script>"


def page_data(html: str) -> dict[str, object]:
    match = re.search(r'<script type="application/json" id="mlkg-data">(.*?)</script>', html, re.S)
    assert match, "the page carries its data as a JSON script element"
    data: dict[str, object] = json.loads(match.group(1))
    return data


@pytest.fixture(scope="module")
def graph(oxigraph_kg: KnowledgeGraph) -> nx.MultiDiGraph:
    return project(oxigraph_kg)


# --- the projection ---------------------------------------------------------------------------


def test_projection_has_one_node_per_entity_on_every_engine(kg: KnowledgeGraph) -> None:
    graph = to_networkx(kg, details=True)
    assert graph.number_of_nodes() == int(kg.query(ENTITY_COUNT).values("n")[0])
    kinds = {attrs["kind"] for _, attrs in graph.nodes(data=True)}
    assert not kinds & {"Event", "Correspondence", "Observation", "Source", "Class"}, kinds
    assert all(re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", node) for node in graph), "ids are local names"
    stated = {
        frozenset({a, b})
        for a, b, attrs in graph.edges(data=True)
        if attrs["kind"] == "counterpart" and attrs["basis"] == "Stated"
    }
    assert stated >= STATED_PAIRS


def _projection(graph: nx.MultiDiGraph) -> tuple[dict[str, object], list[tuple[str, str, str, str]]]:
    """Nodes with their attributes, and edges with key and attributes, comparable by ``==``."""
    nodes = dict(graph.nodes(data=True))
    edges = graph.edges(keys=True, data=True)
    return nodes, sorted((u, v, k, json.dumps(a, sort_keys=True)) for u, v, k, a in edges)


def test_projection_is_the_same_on_every_engine(kg: KnowledgeGraph, oxigraph_kg: KnowledgeGraph) -> None:
    # The picture must not depend on the engine: same nodes, edges, attributes and list orders.
    for details in (True, False):
        nodes, edges = _projection(to_networkx(kg, details=details))
        want_nodes, want_edges = _projection(to_networkx(oxigraph_kg, details=details))
        assert set(nodes) == set(want_nodes)
        assert [n for n in want_nodes if nodes[n] != want_nodes[n]] == []
        assert edges == want_edges
    assert len(want_edges) > len(want_nodes) > 200  # the shipped graph, not an empty one


def test_projection_carries_what_the_picture_shows(graph: nx.MultiDiGraph) -> None:
    live = graph.nodes["PyTorchLive"]
    assert live["label"] == "PyTorch Live"
    assert live["ecosystem"] == "PyTorch" and live["kind"] == "OnDeviceTool"
    assert live["definition"] and "PyTorchLive" in live["alt_labels"]
    assert live["status"] not in (None, "Active"), "the rename/archival is visible"
    # one current value per date: the later source's, the article's beside it
    published = [d for d in live["dates"] if d["property"].endswith("datePublished")]
    assert published == [{"property": published[0]["property"], "label": "date published",
                          "value": "2021-12", "article": "2020-12"}]  # fmt: skip
    assert any(s["id"] == "Article2022" for s in live["sources"])
    assert graph.nodes["PyTorch"]["ecosystem"] == "PyTorch", "a framework is its own ecosystem"
    edge = graph.get_edge_data("Keras", "FrancoisChollet")
    assert edge and any(e["kind"] == "relation" and e["label"] for e in edge.values())


def test_plain_projection_still_writes_graphml(oxigraph_kg: KnowledgeGraph, tmp_path: Path) -> None:
    nx.write_graphml(nx.DiGraph(to_networkx(oxigraph_kg)), tmp_path / "g.graphml")
    assert (tmp_path / "g.graphml").stat().st_size > 1000


# --- view state -------------------------------------------------------------------------------


def test_parse_view_checks_every_parameter(graph: nx.MultiDiGraph) -> None:
    state = parse_view(
        graph, focus="TorchServe", depth=1, kinds="ServingTool,Framework", ecosystem="PyTorch,none"
    )
    assert state == ViewState("TorchServe", 1, ("ServingTool", "Framework"), ("PyTorch", "none"))
    for bad in (
        {"focus": "NoSuchThing"},
        {"depth": 1},
        {"focus": "TorchServe", "depth": 99},
        {"kinds": "Nonsense"},
        {"ecosystem": "JAXverse"},
    ):
        with pytest.raises(QueryError):
            parse_view(graph, **bad)  # type: ignore[arg-type]


def test_neighbourhood_follows_links_both_ways(graph: nx.MultiDiGraph) -> None:
    near = neighbourhood(graph, "TorchServe", 1)
    assert {"TorchServe", "TensorFlowServing", "PyTorch"} <= near
    assert neighbourhood(graph, "TorchServe", 0) == {"TorchServe"}


# --- safe rendering ---------------------------------------------------------------------------


def test_safe_json_cannot_close_the_script_element() -> None:
    text = safe_json({"label": XSS, "amp": "a & b"})
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == {"label": XSS, "amp": "a & b"}


def _hostile_graph() -> nx.MultiDiGraph:
    graph = nx.MultiDiGraph()
    for node, label in (("Evil", XSS), ("Good", "quote \" and ' and &amp;")):
        graph.add_node(
            node, label=label, kind="ServingTool", kind_label=XSS, definition=XSS, alt_labels=[XSS],
            dates=[{"label": XSS, "value": "2020"}], facts=[], ecosystem=None, status=None,
            status_label=None, status_since=None, status_observed_on=None,
            functions=[{"id": "F", "label": XSS}],
            sources=[{"id": "S", "label": XSS, "url": "javascript:alert(3)"}],
        )  # fmt: skip
    graph.add_edge("Evil", "Good", key="p", kind="relation", predicate="p", label=XSS)
    return graph


def test_graph_text_never_becomes_markup() -> None:
    html = graph_page(_hostile_graph())
    assert "<img" not in html and "alert(2)" not in html.replace("alert(2)\\u003c", "")
    assert "onerror=alert(1)\\u003e" in html, "the text is there, escaped inside the JSON"
    data = page_data(html)
    assert data["meta"]["Evil"]["label"] == XSS  # type: ignore[index]


def test_standalone_page_loads_nothing_from_anywhere() -> None:
    graph = _hostile_graph()
    html = graph_page(graph)
    assert not re.search(r"<script[^>]+src=|<link[^>]+stylesheet|@import|url\((?!\"?data:)", html)
    assert "vis.Network" in html and "mlkgViz" in html, "vis-network and our script are inlined"
    assert "default-src 'none'" in html, "a CSP that forbids loading anything"
    assert "sourceMappingURL" not in html


# --- routes -----------------------------------------------------------------------------------


def test_viz_page_is_our_template_with_local_assets(client: TestClient) -> None:
    response = client.get("/viz")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    html = response.text
    assert "script-src 'self'" in response.headers["content-security-policy"]
    srcs = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert all(s.startswith(("/", "data:", "#")) for s in srcs), srcs
    assert '<script src="/viz/static/vis-network.min.js">' in html
    data = page_data(html)
    assert len(data["nodes"]) == len(data["meta"]) > 50  # type: ignore[arg-type]
    for name, media in (("vis-network.min.js", "javascript"), ("mlkg-viz.css", "css")):
        asset = client.get(f"/viz/static/{name}")
        assert asset.status_code == 200 and media in asset.headers["content-type"]


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("focus=NoSuchEntity", 404),
        ("focus=TorchServe&depth=99", 422),
        ("focus=TorchServe&depth=two", 422),
        ("depth=2", 400),
        ("kinds=NotAKind", 400),
        ("ecosystem=JAXverse", 400),
    ],
)
def test_bad_view_parameters_are_clear_4xx(client: TestClient, query: str, status: int) -> None:
    response = client.get(f"/viz?{query}")
    assert response.status_code == status, response.text
    assert "Traceback" not in response.text


def test_viz_page_opens_the_view_the_url_names(client: TestClient) -> None:
    data = page_data(
        client.get("/viz?focus=TorchServe&depth=1&kinds=ServingTool,Framework&ecosystem=PyTorch").text
    )
    assert data["initial"] == {
        "focus": "TorchServe",
        "depth": 1,
        "kinds": ["ServingTool", "Framework"],
        "ecosystems": ["PyTorch"],
    }


@pytest.mark.parametrize("name", ["../__init__.py", "template.html", "vis-network.min.js.map", "%2e%2e%2fx"])
def test_static_route_serves_only_its_assets(client: TestClient, name: str) -> None:
    assert client.get(f"/viz/static/{name}").status_code == 404


def test_counterparts_view_pairs_the_stated_tools(client: TestClient, graph: nx.MultiDiGraph) -> None:
    html = client.get("/viz/counterparts").text
    links = set(re.findall(r'data-left="(\w+)" data-right="(\w+)" data-basis="Stated"', html))
    assert {frozenset(pair) for pair in links} >= STATED_PAIRS
    figure = counterparts_figure(graph)
    sides = {box.id: box.side for box in figure.boxes}
    assert sides["TensorFlowServing"] == "left" and sides["TorchServe"] == "right"


@pytest.mark.parametrize(
    ("left", "right", "pair"),
    [
        ("jax", "pytorch", ("Optax", "TorchOptim")),
        ("pytorch", "jax", ("TorchOptim", "Optax")),
        ("tensorflow", "jax", ("TFFunction", "JaxJit")),
    ],
)
def test_counterparts_view_compares_any_two_ecosystems(
    client: TestClient, left: str, right: str, pair: tuple[str, str]
) -> None:
    response = client.get("/viz/counterparts", params={"left": left, "right": right})
    assert response.status_code == 200
    links = set(re.findall(r'data-left="(\w+)" data-right="(\w+)"', response.text))
    assert pair in links
    names = {"jax": "JAX", "pytorch": "PyTorch", "tensorflow": "TensorFlow"}
    assert f"Counterparts: {names[left]} and {names[right]}" in response.text


def test_counterparts_view_refuses_one_ecosystem_twice_or_an_unknown_one(client: TestClient) -> None:
    assert client.get("/viz/counterparts", params={"left": "jax", "right": "jax"}).status_code == 400
    assert client.get("/viz/counterparts", params={"left": "mxnet"}).status_code == 422
    default = client.get("/viz/counterparts").text
    assert "Counterparts: TensorFlow and PyTorch" in default


def test_timeline_view_shows_the_article_date_and_the_correction(client: TestClient) -> None:
    html = client.get("/viz/timeline").text
    dates = set(re.findall(r'data-lane="PyTorchLive" data-about="[^"]*" data-date="([^"]+)"', html))
    assert {"2020-12", "2021-12"} <= dates
    assert "Dec 2020 (article)" in html and "Dec 2021 (corrected)" in html
    assert re.search(r'class="join corrects" data-from="\w*PyTorchLive\w*"', html)


# --- the command ------------------------------------------------------------------------------


def test_viz_command_writes_one_self_contained_file(tmp_path: Path) -> None:
    out = tmp_path / "focus.html"
    result = cli("viz", "-o", str(out), "--focus", "TorchServe", "--depth", "1")
    assert result.returncode == 0, result.stderr
    data = page_data(out.read_text())
    assert "TorchServe" in data["meta"] and "Keras" not in data["meta"]  # type: ignore[operator]
    assert data["initial"]["focus"] == "TorchServe"  # type: ignore[index]
    bad = cli("viz", "-o", str(tmp_path / "x.html"), "--focus", "Nope")
    assert bad.returncode != 0 and "unknown entity 'Nope'" in bad.stderr and "Traceback" not in bad.stderr
    assert not (tmp_path / "x.html").exists()


def test_a_module_view_names_its_ecosystems(oxigraph_kg: KnowledgeGraph) -> None:
    """The functions of tf.nn and their counterparts: the legend says TensorFlow, PyTorch, JAX
    (not "no ecosystem" three times, as when the frameworks are not nodes of the view)."""
    from mlkg.viz import module_graph, network_data

    _, functions = module_graph(oxigraph_kg, "tf.nn")
    legend = {e["id"]: e["label"] for e in network_data(functions)["ecosystems"]}
    assert legend == {"TensorFlow": "TensorFlow", "PyTorch": "PyTorch", "JAX": "JAX"}, legend
