"""Accessibility and HTML validity of every page (tests/audit/pages.py), per role, in English
and in Dutch.

Each page is opened in Chromium and checked by axe-core with the WCAG 2.1 A and AA rules;
the HTML the server sent is checked by the Nu HTML Checker (vnu), all pages in one Java run.
The test fails on any axe violation of impact serious or critical and on any vnu error;
the rest (minor and moderate axe findings, vnu warnings) is printed, not failed. The table
of every page is printed at the end of the run.

The tools are pinned in package.json (`npm ci`); Java runs vnu. Locally the test skips
when node_modules, java or Chromium is missing; in CI a skip is a failure.
"""

import json
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from tests.audit import pages, report
from tests.audit.scene import PASSWORD, USERNAMES, build_scene

pytestmark = [
    pytest.mark.browser,
    pytest.mark.audit,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture(scope="session")
def audit_tools():
    """The pinned tools, or a skip that says how to get them."""
    missing = [f"{path.relative_to(ROOT)} (npm ci)" for path in (AXE, VNU) if not path.exists()]
    java = shutil.which("java")
    if not java:
        missing.append("java (apt-get install default-jre-headless)")
    if missing:
        pytest.skip("the audit needs " + ", ".join(missing))
    return java


def log_in(page, base_url: str, role: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.fill("#id_username", USERNAMES[role])
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert "/accounts/login/" not in page.url, f"{role} could not log in"


def open_page(page, base_url: str, audit_page: pages.AuditPage, scene, language: str):
    """Go to the page (and press its button); return (status, the HTML to validate)."""
    url = base_url + audit_page.url(scene)
    if audit_page.client_language:
        url += f"?lang={language}"
    response = page.goto(url)
    for selector, value in audit_page.fill:
        page.fill(selector, value)
    if audit_page.click and audit_page.wait_for:
        page.click(audit_page.click)
        page.wait_for_selector(audit_page.wait_for)
        return response.status, page.content()  # the page as htmx left it
    if audit_page.click:
        with page.expect_navigation() as navigation:
            page.click(audit_page.click)
        response = navigation.value
    return response.status, response.text()


def run_axe(page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        WCAG_21_AA,
    )
    return result["violations"]


def run_vnu(java: str, folder: Path) -> dict[str, list[dict]]:
    """vnu over every file in the folder at once (one JVM start): messages per file name."""
    files = sorted(folder.glob("*.html"))
    done = subprocess.run(
        [java, "-jar", str(VNU), "--format", "json", "--stdout", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(done.stdout or "{}").get("messages", [])
    by_file: dict[str, list[dict]] = {f.name: [] for f in files}
    for message in messages:
        name = message.get("url", "").rsplit("/", 1)[-1]
        by_file.setdefault(name, []).append(message)
    return by_file


def test_every_page_passes_axe_and_the_html_checker(
    audit_tools, browser, browser_context_args, live_server, settings, tmp_path, request
):
    started = time.monotonic()
    settings.SITE_URL = live_server.url
    scene = build_scene()
    base = live_server.url
    results: list[report.PageResult] = []
    html_files: dict[str, report.PageResult] = {}

    for role in pages.ROLES:
        for language in pages.LANGUAGES:
            # bypass_csp: axe is injected as a script of ours, also once a strict CSP is on.
            context = browser.new_context(**browser_context_args, bypass_csp=True)
            context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": base}])
            page = context.new_page()
            page.set_default_timeout(15_000)
            if role != "anonymous":
                log_in(page, base, role)
            for audit_page in pages.PAGES[role]:
                result = audit_one(page, base, audit_page, scene, role, language, tmp_path, html_files)
                results.append(result)
                if audit_page.logs_out and role != "anonymous":
                    log_in(page, base, role)
            context.close()

    vnu_started = time.monotonic()
    by_file = run_vnu(audit_tools, tmp_path)
    for name, result in html_files.items():
        result.vnu = by_file.get(name, [])
    finished = time.monotonic()

    text = "\n\n".join(
        [
            report.table(results),
            report.details(results),
            f"{len(results)} page visits in {finished - started:.0f} s "
            f"(browser and axe {vnu_started - started:.0f} s, vnu {finished - vnu_started:.0f} s)",
        ]
    )
    request.config.stash[report.REPORT] = text
    failing = [r for r in results if r.failed]
    assert not failing, f"{len(failing)} of {len(results)} page visits fail the audit:\n" + report.details(
        failing, warnings=False
    )


def audit_one(page, base, audit_page, scene, role, language, folder, html_files) -> report.PageResult:
    status, html = open_page(page, base, audit_page, scene, language)
    result = report.PageResult(audit_page.name, role, language, page.url.removeprefix(base), status)
    if status != audit_page.status:
        result.problems.append(f"status {status}, expected {audit_page.status}")
    requested = audit_page.url(scene).split("?")[0]
    if not audit_page.click and not audit_page.redirects and page.url.removeprefix(base).split("?")[0] != requested:
        result.problems.append(f"landed on {page.url}, not on {requested}")
    shown_language = page.get_attribute("html", "lang")
    if shown_language != language:
        result.problems.append(f'<html lang="{shown_language}">, expected {language}')
    result.axe = run_axe(page)
    slug = re.sub(r"[^a-z0-9]+", "-", f"{role} {language} {audit_page.name}".lower()).strip("-")
    name = f"{len(html_files):03d}-{slug}.html"
    (folder / name).write_text(html, encoding="utf-8")
    html_files[name] = result
    return result
