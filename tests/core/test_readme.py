"""The README's map of the code names paths that exist.

"Code layout" and "Where does X live?" are how a newcomer finds their way in: every
repository path they name in backticks (one with a "/" in it, or a file ending in .py, .md,
.toml or .html) must exist. `<app>`, `<module>` and the like stand for any name: such a path
must match at least one file or folder. The rest of the README is held to the same for the
paths that start in one of the project's own folders, so a moved module is not left named
anywhere in it (paths the app creates at run time, such as `var/`, are not checked).
"""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
MAP_SECTIONS = ("Code layout", "Where does X live?")
SOURCE_FOLDERS = {".ci", "advisors", "bench", "casestudies", "config", "core", "docs", "engagements", "locale"}
SOURCE_FOLDERS |= {"static", "templates", "tests"}
SUFFIXES = (".py", ".md", ".toml", ".html")
CODE = re.compile(r"`([^`\n]+)`")
HEADING = re.compile(r"^## (.+?)\s*$", re.MULTILINE)
PLACEHOLDER = re.compile(r"<[^<>/]+>")


def _sections(text: str) -> dict[str, str]:
    """Each `## ` section of the README by its heading, without the heading line."""
    matches = list(HEADING.finditer(text))
    ends = [m.start() for m in matches[1:]] + [len(text)]
    return {m.group(1): text[m.end() : end] for m, end in zip(matches, ends, strict=True)}


def _path(span: str) -> str | None:
    """The repository path a backticked span names, or None (a command, a URL, a setting)."""
    if any(c.isspace() for c in span) or "://" in span or span.startswith("/"):
        return None
    path = span.split("#", 1)[0]  # docs/domain.md#flag-rules names docs/domain.md
    if "/" in path or path.endswith(SUFFIXES):
        return path
    return None


def _exists(path: str) -> bool:
    if PLACEHOLDER.search(path):
        return any(ROOT.glob(PLACEHOLDER.sub("*", path).rstrip("/")))
    return (ROOT / path).exists()


def _named_paths(text: str) -> list[str]:
    return [path for span in CODE.findall(text) if (path := _path(span))]


def test_the_readme_has_the_code_layout_and_where_does_x_live():
    sections = _sections(README.read_text(encoding="utf-8"))
    assert set(MAP_SECTIONS) <= set(sections)
    headings = list(sections)
    assert headings.index("Where does X live?") == headings.index("Code layout") + 1


@pytest.mark.parametrize("heading", MAP_SECTIONS)
def test_every_path_the_code_map_names_exists(heading):
    named = _named_paths(_sections(README.read_text(encoding="utf-8"))[heading])
    assert len(named) >= 10, f"the README's {heading!r} names hardly any path: is it read right?"
    missing = sorted({path for path in named if not _exists(path)})
    assert not missing, f"the README's {heading!r} names paths that do not exist: {', '.join(missing)}"


def test_every_project_path_the_readme_names_exists():
    named = [
        path
        for path in _named_paths(README.read_text(encoding="utf-8"))
        if path.split("/", 1)[0] in SOURCE_FOLDERS or ("/" not in path and path.endswith(SUFFIXES))
    ]
    missing = sorted({path for path in named if not _exists(path)})
    assert not missing, f"the README names paths that do not exist: {', '.join(missing)}"


@pytest.mark.parametrize(
    ("span", "path"),
    [
        ("engagements/rules/flags.py", "engagements/rules/flags.py"),
        ("docs/domain.md#flag-rules", "docs/domain.md"),
        ("config/settings/", "config/settings/"),
        ("pyproject.toml", "pyproject.toml"),
        ("tests/<app>/views/test_roles.py", "tests/<app>/views/test_roles.py"),
        ("make lint", None),
        (".venv/bin/pre-commit install", None),
        ("/health/", None),
        ("redis://host:6379/0", None),
        ("RAPPORT_FLAG_RULES", None),
        ("Timings", None),
    ],
)
def test_a_backticked_span_is_read_as_a_path_or_not(span, path):
    assert _path(span) == path


def test_a_placeholder_matches_any_name():
    assert _exists("tests/<app>/__init__.py")
    assert _exists("<app>/policy.py")
    assert not _exists("<app>/no_such_module.py")
