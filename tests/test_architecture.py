"""The architecture is checked, not hoped for (issue 9).

- import-linter's contracts (pyproject.toml) hold for the project, and break when a forbidden
  import is added: shown on a copy of the project with one such import written into it;
- an import inside a function body carries a comment saying why (the cycle it breaks, or
  Django's app loading): every other import stands at the top of its module.
"""

import ast
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = ("core", "advisors", "engagements", "casestudies", "config")
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def project_modules():
    """The apps, and the tests and benchmarks that import them."""
    for folder in (*APPS, "tests", "bench"):
        yield from sorted((ROOT / folder).rglob("*.py"))


def function_level_imports(path: Path):
    """(line number, source line) of every import inside a function body of `path`."""
    source = path.read_text()
    lines = source.splitlines()
    found = []

    def visit(node, in_function):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Import | ast.ImportFrom) and in_function:
                found.append((child.lineno, lines[child.lineno - 1]))
            visit(child, in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef))

    visit(ast.parse(source), False)
    return [(number, line) for number, line in found if not _explained(lines, number)]


def _explained(lines, number):
    """A comment on the import's line, or on the line just above it."""
    return "#" in lines[number - 1] or lines[number - 2].strip().startswith("#")


def test_every_function_level_import_says_why():
    unexplained = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in project_modules()
        for number, line in function_level_imports(path)
    ]
    assert unexplained == [], "imports inside a function without a comment saying why:\n" + "\n".join(unexplained)


def test_the_check_finds_an_unexplained_import(tmp_path):
    module = tmp_path / "module.py"
    module.write_text("def f():\n    x = 1\n    from os import path\n\n\ndef g():\n    import os  # cycle: demo\n")
    assert function_level_imports(module) == [(3, "    from os import path")]


def lint_imports(cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"], cwd=cwd, capture_output=True, text=True, timeout=300, check=False
    )


@pytest.fixture(scope="module")
def project_copy(tmp_path_factory):
    """The project's packages and pyproject.toml, copied, so a test may break them."""
    copy = tmp_path_factory.mktemp("project")
    for app in APPS:
        shutil.copytree(ROOT / app, copy / app, ignore=shutil.ignore_patterns("__pycache__", "migrations"))
    shutil.copy(ROOT / "pyproject.toml", copy / "pyproject.toml")
    return copy


def test_the_contracts_hold():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "broken" not in result.stdout.lower().replace("0 broken", "")


@pytest.mark.parametrize(
    ("module", "forbidden", "contract"),
    [
        # The layers between the apps: a lower app never imports a higher one.
        ("advisors/services.py", "from engagements import models as _engagements", "apps-in-layers"),
        ("core/search.py", "from advisors import roles as _roles", "apps-in-layers"),
        ("engagements/selectors.py", "from casestudies import models as _casestudies", "apps-in-layers"),
        # casestudies reads engagements through its selectors only.
        ("casestudies/views.py", "from engagements import services as _services", "casestudies-through-selectors"),
        # Inside an app: the rules and the models know neither services nor views.
        ("engagements/rules/flags.py", "from engagements import services as _services", "engagements-layers"),
        ("engagements/services/flags.py", "from engagements.views import week as _week", "engagements-layers"),
    ],
)
def test_a_forbidden_import_breaks_a_contract(project_copy, module, forbidden, contract):
    path = project_copy / module
    original = path.read_text()
    path.write_text(original + f"\n{forbidden}  # added by the test\n")
    try:
        result = lint_imports(project_copy)
    finally:
        path.write_text(original)
    assert result.returncode != 0, result.stdout
    assert "BROKEN" in result.stdout
    broken = " ".join(result.stdout.split("Broken contracts")[-1].split())  # undo the line wrapping
    assert _contract_name(contract) in broken, result.stdout
    importer = module.removesuffix(".py").replace("/", ".")
    assert f"{importer} -> {forbidden.split()[1]}" in broken, result.stdout


def _contract_name(contract_id: str) -> str:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    return next(c["name"] for c in config["tool"]["importlinter"]["contracts"] if c["id"] == contract_id)
