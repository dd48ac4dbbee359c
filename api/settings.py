"""The service's settings: one pydantic-settings class, read once from MLKG_* variables."""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from mlkg.graph import EngineName, GraphConfig


class Settings(BaseSettings):
    """Every knob of the service; each can be set as ``MLKG_<NAME>`` in the environment.

    >>> Settings(engine="rdflib").graph_config().engine
    'rdflib'
    """

    model_config = SettingsConfigDict(env_prefix="MLKG_", extra="ignore")

    engine: EngineName = "oxigraph"
    endpoint: str | None = Field(None, description="remote engine: the SPARQL query URL")
    load_remote: bool = Field(False, description="remote engine: upload the data at start")
    store_path: str | None = Field(None, description="oxigraph engine: on-disk store directory")
    data: list[str] = Field(default_factory=list, description="extra RDF files to load")
    host: str = "127.0.0.1"
    port: int = 8000
    query_timeout: float = Field(10.0, gt=0, description="seconds a SPARQL query may run")
    max_query_bytes: int = Field(100_000, gt=0, description="longest accepted query text")
    row_limit: int = Field(10_000, gt=0, description="most rows/triples a query answer holds")
    query_workers: int = Field(
        4, ge=1, le=32, description="worker processes that run SPARQL queries under the limit"
    )
    result_cache_entries: int = Field(
        512, ge=0, description="SPARQL answers kept for repeats (embedded engines; 0 = off)"
    )
    cors_origins: list[str] = Field(default_factory=lambda: ["*"])
    allowed_service_hosts: list[str] = Field(
        default_factory=list, description="hosts SERVICE may reach; empty = none"
    )
    rate_limit_per_minute: int = Field(0, ge=0, description="per-client requests; 0 = off")

    def graph_config(self) -> GraphConfig:
        """The part of the settings that says which graph to open and how."""
        return GraphConfig(
            engine=self.engine,
            data=tuple(self.data),
            store_path=self.store_path,
            endpoint=self.endpoint,
            load_remote=self.load_remote,
            allowed_service_hosts=tuple(self.allowed_service_hosts),
            remote_timeout=self.query_timeout,
        )


@lru_cache
def get_settings() -> Settings:
    """The settings from the environment, read once per process."""
    return Settings()
