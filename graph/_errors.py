"""One exception hierarchy for everything the graph layer refuses or fails at."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "DataError",
    "EngineUnavailable",
    "MlkgError",
    "QueryAborted",
    "QueryCancelled",
    "QueryError",
    "QueryRefused",
    "QuerySyntaxError",
    "QueryTimeout",
    "QueryTooLarge",
    "StoreTimeout",
    "UnsupportedFormat",
    "ValidationError",
    "Violation",
]


class MlkgError(Exception):
    """Base of every error mlkg raises on purpose; ``str(err)`` is one line for a user."""


class DataError(MlkgError):
    """A data file could not be read or parsed.

    >>> str(DataError("extra.ttl", "expected '.'", line=3, column=7))
    "extra.ttl:3:7: expected '.'"
    """

    def __init__(
        self, path: str, problem: str, *, line: int | None = None, column: int | None = None
    ) -> None:
        self.path = path
        self.problem = problem
        self.line = line
        self.column = column
        where = path
        if line is not None:
            where += f":{line}"
            if column is not None:
                where += f":{column}"
        super().__init__(f"{where}: {problem}")


@dataclass(frozen=True)
class Violation:
    """One SHACL violation, named by the file that holds the offending node."""

    file: str
    focus_node: str
    path: str | None
    message: str

    def __str__(self) -> str:
        on = f" ({self.path})" if self.path else ""
        return f"{self.file}: {self.focus_node}{on}: {self.message}"


class ValidationError(MlkgError):
    """The data breaks the SHACL shapes; ``violations`` lists each problem."""

    def __init__(self, violations: list[Violation]) -> None:
        self.violations = violations
        first = violations[0] if violations else "no details"
        more = f" (and {len(violations) - 1} more)" if len(violations) > 1 else ""
        super().__init__(f"SHACL validation failed: {first}{more}")


class QueryError(MlkgError):
    """A query was rejected before or during evaluation."""


class QuerySyntaxError(QueryError):
    """The SPARQL text does not parse; ``line``/``column`` are 1-based where known."""

    def __init__(self, message: str, *, line: int | None = None, column: int | None = None):
        self.line = line
        self.column = column
        super().__init__(message)


class QueryRefused(QueryError):
    """A well-formed request this service will not carry out (update, outbound SERVICE...)."""


class QueryTimeout(QueryError):
    """The query ran past its time limit and its work was stopped."""

    #: Our limit in seconds; None when a remote store's own limit stopped the query.
    limit_seconds: float | None

    def __init__(self, limit_seconds: float) -> None:
        self.limit_seconds = limit_seconds
        super().__init__(
            f"query stopped at the {limit_seconds:g} s time limit; "
            "narrow it (LIMIT, more specific patterns) or ask the operator to raise the limit"
        )


class StoreTimeout(QueryTimeout):
    """A remote store stopped the query at its own time limit (its operator's setting), before ours.

    >>> str(StoreTimeout.at("http://db:7878/query", 30))[:80]
    'the store at http://db:7878/query stopped the query at its own time limit, befor'
    """

    def __init__(self, message: str) -> None:
        self.limit_seconds = None  # the store's limit: not ours, and not told to us
        QueryError.__init__(self, message)  # the message names the store's limit, not ours

    @classmethod
    def at(cls, endpoint: str, ours: float) -> StoreTimeout:
        return cls(
            f"the store at {endpoint} stopped the query at its own time limit, before ours of "
            f"{ours:g} s; narrow it (LIMIT, more specific patterns) or ask the store's operator "
            "to raise its limit"
        )


class QueryAborted(QueryError):
    """The query's worker process ended during evaluation: past the per-query memory limit,
    or an engine fault (a panic aborts the process). The same text is then refused at once
    for a while, rather than let it end worker after worker."""

    def __init__(self, limit_mb: int | None) -> None:
        self.limit_mb = limit_mb
        limit = f"the {limit_mb} MB per-query memory limit" if limit_mb else "the memory available"
        super().__init__(
            f"the query was stopped: its worker process ended while evaluating it, past {limit} "
            "or on an engine fault (Oxigraph aborts, for example, on ORDER BY over some mixes of "
            "typed and plain literals); it is refused for a while. Narrow it (LIMIT, fewer cross "
            "products, shorter strings, another ORDER BY) or ask the operator to raise "
            "MLKG_QUERY_MEMORY_MB"
        )


class QueryCancelled(QueryError):
    """The client went away, so its query's work was stopped."""


class QueryTooLarge(QueryError):
    """The query text is longer than the configured limit."""


class UnsupportedFormat(MlkgError):
    """A result or export format was asked for that this form of answer cannot take."""


class EngineUnavailable(MlkgError):
    """The query engine (e.g. a remote SPARQL endpoint) cannot be reached right now."""

    #: Whether asking again later may work (unreachable, busy); False for :class:`StoreFailed`.
    transient: bool = True


class StoreFailed(EngineUnavailable):
    """A remote store failed on the query (its own error, e.g. HTTP 500): asking again will not help."""

    transient = False
