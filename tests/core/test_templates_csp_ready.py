"""The templates are ready for a strict Content-Security-Policy (script-src 'self';
style-src 'self'; no 'unsafe-inline'): no inline <script>, no on*= event handlers, no style=
attributes. Behaviour lives in static/js/rapport.js, looks in static/css/rapport.css.

E-mail templates (templates/emails/) are left out on purpose: a CSP applies to pages the
browser loads from us, not to mail, and mail clients drop <style> and <link>, so e-mail
HTML keeps its inline styles.
"""

import re
from pathlib import Path

import pytest

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
NOT_SERVED_AS_PAGES = {TEMPLATES / "emails"}

INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc\s*=)[^>]*>", re.I)
EVENT_HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I | re.S)
STYLE_ATTRIBUTE = re.compile(r"<[a-z][^>]*\sstyle\s*=", re.I | re.S)
STYLE_ELEMENT = re.compile(r"<style\b", re.I)
JAVASCRIPT_URL = re.compile(r"""\b(?:href|src|action)\s*=\s*["']\s*javascript:""", re.I)

RULES = {
    "inline <script> (use <script src> and static/js/rapport.js)": INLINE_SCRIPT,
    "on*= event handler (add a listener in static/js/rapport.js)": EVENT_HANDLER,
    "style= attribute (add a class to static/css/rapport.css)": STYLE_ATTRIBUTE,
    "<style> element (use static/css/rapport.css)": STYLE_ELEMENT,
    "javascript: URL": JAVASCRIPT_URL,
}


def page_templates() -> list[Path]:
    return sorted(
        path for path in TEMPLATES.rglob("*.html") if not any(folder in path.parents for folder in NOT_SERVED_AS_PAGES)
    )


def violations(text: str) -> list[str]:
    found = []
    for rule, pattern in RULES.items():
        for match in pattern.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            found.append(f"line {line}: {rule}: {match.group(0)[:80]!r}")
    return found


def test_there_are_templates_to_check():
    names = {path.relative_to(TEMPLATES).as_posix() for path in page_templates()}
    assert {"base.html", "base_public.html", "bootstrap5/layout/radio_checkbox_select.html"} <= names


@pytest.mark.parametrize("path", page_templates(), ids=lambda p: p.relative_to(TEMPLATES).as_posix())
def test_template_needs_no_unsafe_inline(path):
    assert violations(path.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize(
    "html",
    [
        "<script>alert(1)</script>",
        '<select name="language" onchange="this.form.submit()">',
        '<main class="container"\n      style="max-width: 760px">',
        "<style>.x{}</style>",
        '<a href="javascript:void(0)">',
    ],
)
def test_the_scan_catches(html):
    assert violations(html)


@pytest.mark.parametrize(
    "html",
    [
        "<script src=\"{% static 'js/rapport.js' %}\"></script>",
        '<form data-confirm="Cancel?" data-hx-post="/x/">',
        '<input data-select-on-click aria-label="Calendar feed">',
        "<p>Click on=the button; style matters</p>",
    ],
)
def test_the_scan_lets_pass(html):
    assert violations(html) == []
