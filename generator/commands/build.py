"""`winback build`: load -> validate -> derive -> render -> write, per account.

A bad account is reported and skipped; every other account is still built,
and the portfolio lists the skipped ones so nobody mistakes silence for
"nothing to see".
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from pathlib import Path

from generator.derive import Dossier, FailedAccount, build_date, derive, portfolio
from generator.problems import Problem, display_path
from generator.project import Project
from generator.render import RenderError, Renderer, theme_files
from generator.validate import read_account
from generator.write import OutputDir

log = logging.getLogger("winback")


@dataclass
class BuildReport:
    output_dir: Path
    accounts: int = 0
    built: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def failed(self) -> int:
        return self.accounts - len(self.built)

    @property
    def warnings(self) -> int:
        return sum(1 for p in self.problems if not p.is_error)

    @property
    def ok(self) -> bool:
        return self.failed == 0 and not any(p.is_error for p in self.problems)


def build(project: Project, *, strict: bool = False, today: dt.date | None = None) -> BuildReport:
    report = BuildReport(project.output_dir, problems=list(project.problems))
    if not project.ok:
        return report  # a broken config would make every page wrong
    as_of = build_date(today)
    dossiers, failed = _compile_accounts(project, as_of, strict, report)
    renderer = Renderer(project)
    out = OutputDir(project.output_dir)
    for dossier in dossiers:
        try:
            out.write(f"accounts/{dossier.slug}.html", renderer.dossier(dossier))
        except RenderError as exc:
            report.problems.append(exc.problem)
            failed.append(FailedAccount(dossier.slug, str(dossier.account.path),
                                        exc.problem.headline(project.root)))
            continue
        report.built.append(dossier.slug)
        log.debug("wrote accounts/%s.html", dossier.slug)
    try:
        out.write("index.html", renderer.index(portfolio(
            [d for d in dossiers if d.slug in report.built], failed, project.config, as_of)))
        for name, data in theme_files(renderer).items():
            out.write(name, data)
    except RenderError as exc:
        report.problems.append(exc.problem)
    return report


def _compile_accounts(project: Project, as_of: dt.date, strict: bool,
                      report: BuildReport) -> tuple[list[Dossier], list[FailedAccount]]:
    dossiers: list[Dossier] = []
    failed: list[FailedAccount] = []
    for path in project.account_files():
        report.accounts += 1
        account, problems = read_account(path, project.config)
        report.problems.extend(problems.problems)
        blocking = [p for p in problems.problems if p.is_error or strict]
        if account is None or blocking:
            first = (blocking or problems.problems)[0].headline(project.root)
            failed.append(FailedAccount(path.stem, str(display_path(path, project.root)), first))
            continue
        dossiers.append(derive(account, project.config, project.bank, as_of))
    return dossiers, failed
