"""The examples in the modules' docstrings run, so the documentation cannot drift from the code."""

from __future__ import annotations

import doctest
import importlib
import pkgutil
from types import ModuleType

import pytest

import mlkg.api
import mlkg.graph
import mlkg.ontology
import mlkg.viz


def _modules() -> list[str]:
    names = []
    for package in (mlkg.graph, mlkg.ontology, mlkg.api, mlkg.viz):
        names.append(package.__name__)
        for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            names.append(info.name)
    return sorted(names)


def _with_examples(name: str) -> bool:
    module = importlib.import_module(name)
    return any(test.examples for test in doctest.DocTestFinder().find(module, name))


MODULES = [name for name in _modules() if name != "mlkg.api.cli" and _with_examples(name)]


def test_the_modules_with_examples_are_found() -> None:
    """Guards the finder: the modules known to carry examples are among those run."""
    assert {"mlkg.graph._results", "mlkg.graph._bounded", "mlkg.api.settings", "mlkg.ontology"} <= set(
        MODULES
    )


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    module: ModuleType = importlib.import_module(name)
    failed, attempted = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert attempted > 0
    assert failed == 0, f"{failed} of {attempted} examples in {name} failed (output above)"
