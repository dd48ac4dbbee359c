"""REST answers and pages over fixed data are kept and replayed: the same bytes and headers as
the first time, per Accept, for successful answers only; not for the remote engine."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from mlkg.api.app import create_app
from mlkg.api.middleware import AnswerCacheMiddleware
from mlkg.api.settings import Settings
from mlkg.graph import KnowledgeGraph


@pytest.fixture(scope="module")
def fresh(oxigraph_kg: KnowledgeGraph) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(), oxigraph_kg)) as client:
        yield client


@pytest.mark.parametrize(
    "path",
    [
        "/api/counterparts?tool=tflite",
        "/api/search?q=torch",
        "/api/entities/TorchServe",
        "/viz?focus=TorchServe",
    ],
)
def test_a_replayed_answer_is_the_first_one(fresh: TestClient, path: str) -> None:
    first, second = fresh.get(path), fresh.get(path)
    assert first.status_code == second.status_code == 200
    assert first.content == second.content
    assert first.headers == second.headers  # security headers and all, added on every reply


def test_negotiated_pages_are_kept_per_accept(fresh: TestClient) -> None:
    for _ in range(2):
        for accept, media_type in (
            ("text/turtle", "text/turtle"),
            ("text/html", "text/html"),
            ("application/ld+json", "application/ld+json"),
        ):
            response = fresh.get("/entity/PyTorch", headers={"Accept": accept})
            assert response.status_code == 200 and response.headers["content-type"].startswith(media_type)


def test_only_successful_answers_are_kept(fresh: TestClient) -> None:
    for _ in range(2):
        missing = fresh.get("/api/counterparts", params={"tool": "no such tool at all"})
        assert missing.status_code == 404 and "suggestions" in missing.json()
        assert fresh.get("/api/counterparts", params={"tool": ""}).status_code == 422


def _has_answer_cache(app: object) -> bool:
    return any(m.cls is AnswerCacheMiddleware for m in app.user_middleware)  # type: ignore[attr-defined]


def test_the_remote_engine_gets_no_answer_cache(oxigraph_kg: KnowledgeGraph) -> None:
    assert _has_answer_cache(create_app(Settings(), oxigraph_kg))
    assert not _has_answer_cache(create_app(Settings(engine="remote", endpoint="http://127.0.0.1:9/q")))
