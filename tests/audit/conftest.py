"""The audit drives the same Chromium as the browser tests, with their fixtures, and prints
its table at the end of the run (in CI output too, whatever -q or -s say)."""

from tests.audit.report import REPORT
from tests.browser.conftest import (  # noqa: F401 (fixtures; the role groups come from tests/conftest.py)
    browser_context_args,
    browser_type_launch_args,
)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    text = config.stash.get(REPORT, None)
    if text:
        terminalreporter.section("accessibility (axe-core) and HTML (vnu) audit")
        terminalreporter.write_line(text)
