"""What a build was asked to do and what it did: its options, its report, and the
sentences that sum the report up."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from generator.outputs import KINDS
from generator.problems import Problem
from generator.text import joined, plural


class Progress(Protocol):
    """Told how much a stage has to do, then once per item done (a terminal bar, say)."""

    def start(self, total: int, label: str) -> None: ...

    def advance(self) -> None: ...


@dataclass
class BuildOptions:
    strict: bool = False
    today: dt.date | None = None
    pdf: bool = True
    jobs: int = 1
    only: tuple[str, ...] = ()  # slugs; empty means every account, plus the portfolio
    clean: bool = False  # ignore the build state: rebuild everything
    force: bool = False  # build into an output folder that holds files no build of ours made
    progress: Progress | None = None


@dataclass
class BuildReport:
    output_dir: Path
    accounts: int = 0
    built: list[str] = field(default_factory=list)  # accounts with current pages
    kept: list[str] = field(default_factory=list)  # of the failed, those showing a last good one
    rebuilt: list[str] = field(default_factory=list)  # accounts whose pages were made this run
    failed: list[str] = field(default_factory=list)
    current: dict[str, list[str]] = field(default_factory=dict)  # kind -> groups, current
    made: Counter = field(default_factory=Counter)  # kind -> outputs made in this run
    problems: list[Problem] = field(default_factory=list)
    stopped: str = ""  # why nothing was built, when the build stopped before the accounts
    pdf_engine: str = ""  # why no PDF could be made at all (a missing system library)

    @property
    def pdfs(self) -> list[str]:
        return sorted(self.current.get("brief", []))

    @property
    def letter_pdfs(self) -> list[str]:
        return sorted(self.current.get("letters-pdf", []))

    @property
    def plan_pdfs(self) -> list[str]:
        return sorted(self.current.get("plan-pdf", []))

    @property
    def portfolio_pdf(self) -> bool:
        return bool(self.current.get("portfolio-pdf"))

    @property
    def warnings(self) -> int:
        return sum(1 for p in self.problems if not p.is_error)

    @property
    def ok(self) -> bool:
        return not self.failed and not any(p.is_error for p in self.problems)


def summary_line(report: BuildReport) -> str:
    """What is built, from the outputs: '10 dossiers, 10 PDF briefs with their letters and
    plans, the portfolio PDF and 10 owner PDFs'."""
    current = {kind: len(groups) for kind, groups in report.current.items()}
    dossiers = current.get("dossier", 0) - len(report.kept)
    parts = [f"{dossiers:,} of {report.accounts:,} dossiers" if not report.ok
             else plural(dossiers, KINDS["dossier"].noun, KINDS["dossier"].plural)]
    briefs = current.get("brief", 0)
    together = briefs and current.get("letters-pdf") == current.get("plan-pdf") == briefs
    for kind in KINDS.values():
        if not (kind.counted and kind.pdf and current.get(kind.key)):
            continue
        if kind.key == "portfolio-pdf":
            parts.append("the portfolio PDF")
        elif kind.key == "brief" and together:
            parts.append(plural(briefs, kind.noun, kind.plural) + " with their letters and plans")
        elif not (together and kind.key in ("letters-pdf", "plan-pdf")):
            parts.append(plural(current[kind.key], kind.noun, kind.plural))
    return joined(parts)


def remade_line(report: BuildReport) -> str:
    """' (2 dossiers and 3 PDFs remade)' when the build kept some of what it had made."""
    pdfs_made = sum(n for kind, n in report.made.items() if KINDS[kind].pdf)
    pdfs = sum(len(groups) for kind, groups in report.current.items() if KINDS[kind].pdf)
    if len(report.rebuilt) == len(report.built) and pdfs_made == pdfs:
        return ""
    if not report.rebuilt and not pdfs_made:
        return " (no dossier or PDF remade)"
    return f" ({plural(len(report.rebuilt), 'dossier')} and {plural(pdfs_made, 'PDF')} remade)"
