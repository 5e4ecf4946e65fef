"""The apps stack in one direction: accounts <- diary <- insights <- clinic, and the analysis
package is plain numpy/scipy. An import the other way (even one inside a function, which
only hides the circle) fails here."""

import ast

from tests.test_settings import ROOT

LAYERS = ["accounts", "diary", "insights", "clinic"]  # each may import only those before it


def _imports(package: str):
    """(file, imported module) for every import in the package, tests and migrations aside."""
    for path in sorted((ROOT / package).rglob("*.py")):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                yield from ((path, alias.name) for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                yield from ((path, f"{node.module}.{alias.name}") for alias in node.names)


def test_no_app_imports_an_app_above_it():
    offenders = []
    for rank, app in enumerate(LAYERS):
        above = set(LAYERS[rank + 1 :])
        for path, module in _imports(app):
            if module.split(".")[0] in above:
                offenders.append(f"{path.relative_to(ROOT)} imports {module}")
    assert offenders == []


def test_the_analysis_package_imports_no_django_and_no_app_but_the_scales():
    offenders = [
        f"{path.relative_to(ROOT)} imports {module}"
        for path, module in _imports("insights/analysis")
        if module.split(".")[0] in {"django", "rest_framework", "celery", *LAYERS}
        and not module.startswith("diary.scales")
        and not module.startswith("insights.analysis")
    ]
    assert offenders == []
