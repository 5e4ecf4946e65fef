"""The apps stack in one direction: accounts <- diary <- insights <- clinic, and the analysis
package is plain numpy/scipy. An import the other way (even one inside a function, which
only hides the circle) fails here."""

import ast
import subprocess
import sys

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


def test_the_analysis_package_runs_without_django():
    """insights.analysis (and the pure diary modules it uses: scales, derive) is numpy/scipy
    only: importing it loads no Django, DRF or Celery module."""
    check = (
        "import sys, insights.analysis; "
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'django', 'rest_framework', 'celery'}); print(bad); sys.exit(bool(bad))"
    )
    result = subprocess.run([sys.executable, "-c", check], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
