"""The fault matrix prints what was due, sent, sent twice and lost at the end of the run,
so its figures show in CI output too, whatever -q or -s say."""

from tests.faults.harness import TABLES


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if TABLES:
        terminalreporter.section("reminder fault matrix: what was sent")
        for table in TABLES:
            terminalreporter.write_line(table)
