"""What the audit found, as the table it prints."""

from dataclasses import dataclass, field

import pytest

REPORT = pytest.StashKey[str]()

FAILING_IMPACTS = ("serious", "critical")


@dataclass
class PageResult:
    page: str
    role: str
    language: str
    url: str
    status: int
    axe: list[dict] = field(default_factory=list)  # axe-core violations
    vnu: list[dict] = field(default_factory=list)  # vnu messages
    problems: list[str] = field(default_factory=list)  # the page itself went wrong

    @property
    def axe_failing(self) -> list[dict]:
        return [v for v in self.axe if v.get("impact") in FAILING_IMPACTS]

    @property
    def vnu_errors(self) -> list[dict]:
        return [m for m in self.vnu if m.get("type") in ("error", "non-document-error")]

    @property
    def vnu_warnings(self) -> list[dict]:
        return [m for m in self.vnu if m.get("type") == "info"]

    @property
    def failed(self) -> bool:
        return bool(self.axe_failing or self.vnu_errors or self.problems)


def _axe_line(v: dict) -> str:
    nodes = v.get("nodes", [])
    where = ", ".join(" ".join(n.get("target", [])) for n in nodes[:3])
    summary = (nodes[0].get("failureSummary") or "").replace("\n", " ") if nodes else ""
    return f"axe {v.get('impact')}: {v['id']} ({len(nodes)}x) {v.get('help')} at {where} | {summary[:200]}"


def _vnu_line(m: dict) -> str:
    kind = m.get("subType") or m.get("type")
    return f"vnu {kind}: line {m.get('lastLine', '?')}: {m.get('message')} | {(m.get('extract') or '').strip()[:120]!r}"


def table(results: list[PageResult]) -> str:
    header = ("page", "role", "lang", "status", "axe serious/critical", "axe other", "vnu errors", "vnu warnings", "")
    rows = [header] + [
        (
            r.page,
            r.role,
            r.language,
            str(r.status),
            str(len(r.axe_failing)),
            str(len(r.axe) - len(r.axe_failing)),
            str(len(r.vnu_errors)),
            str(len(r.vnu_warnings)),
            "FAIL" if r.failed else "ok",
        )
        for r in results
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    failed = sum(r.failed for r in results)
    lines.append(f"{len(results)} page visits, {failed} failing")
    return "\n".join(lines)


def details(results: list[PageResult], *, warnings: bool = True) -> str:
    """Each page's failures (and, when asked, what is only reported: warnings, minor axe)."""
    lines = []
    for r in results:
        shown = r.problems + [_axe_line(v) for v in r.axe_failing] + [_vnu_line(m) for m in r.vnu_errors]
        if warnings:
            shown += [_axe_line(v) for v in r.axe if v not in r.axe_failing]
            shown += [_vnu_line(m) for m in r.vnu_warnings]
        if shown:
            lines.append(f"[{r.role} / {r.language}] {r.page} ({r.url})")
            lines += [f"    {line}" for line in shown]
    return "\n".join(lines)
