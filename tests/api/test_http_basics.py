"""Service-wide HTTP behaviour: security headers, CORS, offline /docs, the rate limit."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from mlkg.api.app import create_app
from mlkg.api.middleware import CONTENT_SECURITY_POLICY
from mlkg.api.settings import Settings
from mlkg.graph import KnowledgeGraph


def test_health_reports_engine_and_triples(client: TestClient) -> None:
    body = client.get("/health").json()
    assert body["status"] == "ok" and body["engine"] == "oxigraph" and body["triples"] > 1000


def test_html_pages_carry_a_strict_csp(client: TestClient) -> None:
    page = client.get("/docs")
    assert page.status_code == 200
    assert page.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert "script-src 'self'" in CONTENT_SECURITY_POLICY
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["referrer-policy"] == "no-referrer"


def test_json_answers_are_nosniff_without_a_page_policy(client: TestClient) -> None:
    answer = client.get("/health")
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert "content-security-policy" not in answer.headers


def test_docs_load_only_from_this_host(client: TestClient) -> None:
    page = client.get("/docs").text
    urls = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert urls and all(u.startswith("/") and not u.startswith("//") for u in urls), urls
    assert "<script>" not in page  # no inline script: the CSP would block it
    for url in urls:
        assert client.get(url).status_code == 200, url
    assert client.get("/docs/assets/other.js").status_code == 404
    assert client.get("/openapi.json").json()["info"]["title"] == "mlkg"


def test_cors_allows_any_origin_without_credentials(client: TestClient) -> None:
    answer = client.get("/health", headers={"Origin": "https://example.org"})
    assert answer.headers["access-control-allow-origin"] == "*"
    assert "access-control-allow-credentials" not in answer.headers


def test_rate_limit_answers_429_with_retry_after(oxigraph_kg: KnowledgeGraph) -> None:
    app = create_app(Settings(rate_limit_per_minute=3), oxigraph_kg)
    with TestClient(app) as limited:
        codes = [limited.get("/openapi.json").status_code for _ in range(5)]
        assert codes[:3] == [200, 200, 200] and codes[3:] == [429, 429]
        refused = limited.get("/openapi.json")
        assert int(refused.headers["retry-after"]) >= 1
        assert "rate limit" in refused.text
        assert limited.get("/health").status_code == 200  # probes are exempt
