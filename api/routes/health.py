"""GET /health: is the service up, and how much does it hold."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, Field

from ..deps import KG

router = APIRouter(tags=["service"])


class Health(BaseModel):
    status: str = Field(examples=["ok"])
    engine: str = Field(examples=["oxigraph"])
    triples: int = Field(description="distinct triples in the union default graph", examples=[2400])


@router.get("/health", response_model=Health, summary="Liveness and size of the graph")
def health(kg: KG) -> Health:
    return Health(status="ok", engine=kg.engine.name, triples=kg.triple_count())
