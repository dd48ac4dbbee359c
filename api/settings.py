"""The service's settings: one pydantic-settings class, read once from MLKG_* variables."""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import urlsplit

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from mlkg.graph import ENGINES, GraphConfig, KnowledgeGraph
from mlkg.graph._bounded import BoundedQueryRunner, WorkerLimits


class Settings(BaseSettings):
    """Every knob of the service; each can be set as ``MLKG_<NAME>`` in the environment.

    >>> Settings(engine="rdflib").graph_config().engine
    'rdflib'
    """

    model_config = SettingsConfigDict(env_prefix="MLKG_", extra="ignore")

    engine: str = Field("oxigraph", description="query engine: a name in mlkg.graph.ENGINES")
    endpoint: str | None = Field(None, description="remote engine: the SPARQL query URL")
    load_remote: bool = Field(False, description="remote engine: upload the data at start")
    store_url: str | None = Field(None, description="remote engine: Graph Store URL for load_remote")
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
    max_queries_per_client: int = Field(
        4,
        ge=1,
        description="SPARQL queries one client address may have running at once; one more waits "
        "up to 2 s for one of them to end, then is refused (429). Held below the worker pool's "
        "size (MLKG_QUERY_WORKERS + 4), so another address always finds a worker",
    )
    result_cache_entries: int = Field(
        512, ge=0, description="SPARQL answers kept for repeats (embedded engines; 0 = off)"
    )
    result_cache_mb: int = Field(64, ge=0, description="most memory the kept answers may take, MB")
    query_memory_mb: int = Field(
        1024, ge=0, description="memory one query may use on top of the loaded graph, MB (0 = no cap)"
    )
    max_result_bytes: int = Field(
        50_000_000, gt=0, description="longest SPARQL answer; a longer one is cut and marked so"
    )
    public_url: str | None = Field(
        None,
        description="the service's address as clients see it (e.g. https://kg.example.org); used "
        "for redirects, the query BASE and the service description instead of the Host header",
    )
    trusted_proxies: list[str] = Field(
        default_factory=list,
        description="addresses of front proxies whose X-Forwarded-For is believed; empty = none",
    )
    max_connections: int = Field(1000, ge=1, description="open HTTP connections at once, in all")
    max_connections_per_client: int = Field(
        64, ge=1, description="open HTTP connections at once from one address"
    )
    max_header_bytes: int = Field(32_768, ge=1024, description="largest request head (line + headers)")
    max_headers: int = Field(100, ge=8, description="most header fields in one request")
    header_timeout: float = Field(10.0, gt=0, description="seconds a client has to send its headers")
    body_timeout: float = Field(
        30.0, gt=0, description="seconds a client has to send its whole request body, from its headers"
    )
    write_timeout: float = Field(
        30.0, gt=0, description="seconds an answer may wait on a client that does not read it"
    )
    idle_timeout: int = Field(5, ge=1, description="seconds a keep-alive connection may sit idle")
    write_buffer_bytes: int = Field(
        65_536, ge=4096, description="output buffered per connection before the answer waits"
    )
    max_unread_output_mb: int = Field(
        256, ge=1, description="memory all answers waiting on non-reading clients may hold, MB"
    )
    cors_origins: list[str] = Field(default_factory=lambda: ["*"])
    allowed_service_hosts: str | None = Field(
        None, description="no longer offered (federation is not): setting it is a start-up error"
    )
    rate_limit_per_minute: int = Field(0, ge=0, description="per-client requests; 0 = off")

    @field_validator("engine")
    @classmethod
    def _known_engine(cls, value: str) -> str:
        if value not in ENGINES:
            raise ValueError(f"unknown engine {value!r}; use one of: {', '.join(ENGINES)}")
        return value

    @field_validator("allowed_service_hosts")
    @classmethod
    def _no_federation(cls, value: str | None) -> None:
        if value is not None:
            raise ValueError(
                "federation is not offered, so unset it: SERVICE is refused in every query, because "
                "the operating-system filter that keeps query processes off the network cannot let "
                "some hosts through, and a check of the query text alone is not a sound fence"
            )

    @field_validator("public_url")
    @classmethod
    def _absolute_http(cls, value: str | None) -> str | None:
        if value is None:
            return None
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
            raise ValueError(f"public_url must be an absolute http(s) URL without query, got {value!r}")
        return value.rstrip("/")

    def base_url(self) -> str:
        """Where clients reach the service: the configured public URL, else the bound address."""
        return self.public_url or f"http://{self.host}:{self.port}"

    def graph_config(self) -> GraphConfig:
        """The part of the settings that says which graph to open and how."""
        return GraphConfig(
            engine=self.engine,
            data=tuple(self.data),
            store_path=self.store_path,
            endpoint=self.endpoint,
            load_remote=self.load_remote,
            store_url=self.store_url,
            remote_timeout=self.query_timeout,
        )

    def query_runner(self, kg: KnowledgeGraph) -> BoundedQueryRunner:
        """The one way user SPARQL runs (/sparql and ``mlkg query``): in killable worker
        processes held to these settings' limits. Not started; use it as a context manager."""
        return BoundedQueryRunner(
            kg,
            workers=self.query_workers,
            timeout=self.query_timeout,
            cache_entries=self.result_cache_entries,
            cache_bytes=self.result_cache_mb << 20,
            limits=WorkerLimits(
                row_limit=self.row_limit,
                memory_bytes=self.query_memory_mb << 20,
                max_result_bytes=self.max_result_bytes,
            ),
        )


@lru_cache
def get_settings() -> Settings:
    """The settings from the environment, read once per process."""
    return Settings()
