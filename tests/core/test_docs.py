"""Every comment that cites the project's docs points at a page and a section that exist.

A citation is `docs/<page>.md`, optionally followed by `#<anchor>` (the heading's GitHub
slug) or by ", <Section>" (a heading of that page, as written). The product card's old name
is not cited: the page in the repository is docs/domain.md.
"""

import os
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SKIPPED_DIRS = {".git", ".venv", "node_modules", "var", "media", "private-media", "staticfiles", "test-artifacts"}
SUFFIXES = {".py", ".html", ".md"}
CITATION = re.compile(r"(?<![\w./-])docs/([\w/-]+\.md)(?:#([\w-]+)|, ([A-Z][\w ]*))?")
HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*$", re.MULTILINE)
OLD_NAME = "DOMAIN" + ".md"  # spelled in two parts so that this file does not cite it


def _project_files() -> list[Path]:
    found = []
    for folder, dirs, files in os.walk(ROOT):
        dirs[:] = [d for d in dirs if d not in SKIPPED_DIRS and not d.startswith(".")]
        found += [Path(folder, name) for name in files if Path(name).suffix in SUFFIXES]
    return sorted(found)


def _slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def _headings(page: Path) -> list[str]:
    return [m.group(1) for m in HEADING.finditer(page.read_text(encoding="utf-8"))]


def _citations():
    for path in _project_files():
        text = path.read_text(encoding="utf-8", errors="replace")
        for number, line in enumerate(text.splitlines(), start=1):
            for match in CITATION.finditer(line):
                yield f"{path.relative_to(ROOT)}:{number}", match


def test_the_domain_page_has_the_sections_the_code_cites():
    headings = _headings(ROOT / "docs" / "domain.md")
    for section in ("Roles", "The model", "Flag rules", "Health", "Reminder policy"):
        assert section in headings


def test_every_cited_docs_page_and_section_exists():
    problems = []
    for where, match in _citations():
        page, anchor, section = ROOT / "docs" / match.group(1), match.group(2), match.group(3)
        if not page.is_file():
            problems.append(f"{where}: docs/{match.group(1)} does not exist")
            continue
        headings = _headings(page)
        if anchor and anchor not in {_slug(h) for h in headings}:
            problems.append(f"{where}: docs/{match.group(1)} has no heading with the anchor #{anchor}")
        if section and not any(section.startswith(h) for h in headings):
            problems.append(f"{where}: docs/{match.group(1)} has no section {section.strip()!r}")
    assert not problems, "\n".join(problems)


def test_nothing_cites_the_domain_page_by_its_old_name():
    citing = [
        str(path.relative_to(ROOT))
        for path in _project_files()
        if OLD_NAME in path.read_text(encoding="utf-8", errors="replace")
    ]
    assert not citing, f"cite docs/domain.md instead of {OLD_NAME} in: {', '.join(citing)}"


@pytest.mark.parametrize(
    ("line", "page", "anchor", "section"),
    [
        ("see docs/domain.md, Flag rules.", "domain.md", None, "Flag rules"),
        ("(docs/domain.md, Reminder policy)", "domain.md", None, "Reminder policy"),
        ("`docs/domain.md#flag-rules`", "domain.md", "flag-rules", None),
        ("docs/domain.md describes the rules", "domain.md", None, None),
    ],
)
def test_a_citation_is_read_with_its_section(line, page, anchor, section):
    match = CITATION.search(line)
    assert match.groups() == (page, anchor, section)
