"""Schema fuzzing: schemathesis drives every operation of the app's own OpenAPI document.

Each generated request (schema-valid ones; schema-invalid ones where the parameters have
constraints to break) must get an answer that is not a 5xx, whose status code and
Content-Type are declared, and whose body matches the declared schema. The app runs
in-process through its ASGI interface, its lifespan (graph, query workers) started once.

Every check runs on every operation, but for ``INAPPLICABLE`` ones (see there).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from adversarial import report
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import CHECKS, load_all_checks
from schemathesis.python.asgi import shutdown_lifespans

from mlkg.api.app import create_app
from mlkg.api.settings import Settings

#: Requests per operation and mode (valid / invalid input).
EXAMPLES = 20
CASES: Counter[str] = Counter()
STATUSES: Counter[int] = Counter()
_CONSTRAINTS = ("maxLength", "minLength", "minimum", "maximum", "enum", '"integer"')
_PATHS = create_app(Settings()).openapi()["paths"]


def _breakable(operation: dict[str, Any]) -> bool:
    """Whether schema-invalid input exists: a parameter with a constraint, or a body."""
    params = json.dumps(operation.get("parameters", []))
    return "requestBody" in operation or any(c in params for c in _CONSTRAINTS)


RUNS = [
    (method.upper(), path, mode)
    for path, item in _PATHS.items()
    for method, operation in item.items()
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
    if mode == GenerationMode.POSITIVE or _breakable(operation)
]

#: Checks that cannot apply, because OpenAPI cannot say what makes a schema-valid value right:
#: a ``query`` string is rarely valid SPARQL and a listed format may not suit the query's form
#: (400/406 is the right answer); a ``focus`` must name an existing entity and ``depth`` needs
#: a focus (404/400, both declared); /viz/counterparts needs two different ecosystems (400,
#: declared). The status-code and body checks still run there.
INAPPLICABLE: dict[tuple[str, str], tuple[str, ...]] = {
    ("GET", "/sparql"): ("positive_data_acceptance",),
    ("POST", "/sparql"): ("positive_data_acceptance",),
    ("GET", "/viz"): ("positive_data_acceptance",),
    ("GET", "/viz/counterparts"): ("positive_data_acceptance",),
}


@pytest.fixture(scope="module")
def api_schema(request: pytest.FixtureRequest) -> Iterator[Any]:
    app = create_app(Settings(query_workers=2, query_timeout=5))
    yield schemathesis.openapi.from_asgi("/openapi.json", app)
    shutdown_lifespans()  # stop the query workers the lifespan started
    fivexx = sum(n for s, n in STATUSES.items() if s >= 500)
    report(
        request,
        f"schemathesis: {sum(CASES.values())} requests, {len(CASES)} operation x mode runs; "
        f"status codes {dict(sorted(STATUSES.items()))}; 5xx: {fivexx}",
    )


def _checks(names: tuple[str, ...]) -> list[Any]:
    load_all_checks()
    return [c for c in CHECKS.get_all() if c.__name__ in names]


@pytest.mark.parametrize(("method", "path", "mode"), RUNS, ids=[f"{m} {p} {g}" for m, p, g in RUNS])
def test_every_operation_answers_within_its_schema(
    api_schema: Any, method: str, path: str, mode: GenerationMode
) -> None:
    operation = api_schema[path][method]
    excluded = _checks(INAPPLICABLE.get((method, path), ()))

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def fuzz(case: Any) -> None:
        response = case.call()
        CASES[f"{method} {path} {mode}"] += 1
        STATUSES[response.status_code] += 1
        assert response.status_code < 500, f"{method} {case.formatted_path}: {response.text[:300]}"
        case.validate_response(response, excluded_checks=excluded)

    fuzz()
