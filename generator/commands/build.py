"""`winback build` and `winback pdf`: load -> validate -> derive -> render -> write.

A bad account is reported and skipped; every other account is still built,
and the portfolio lists the skipped ones so nobody mistakes silence for
"nothing to see". PDF briefs are rendered last, in worker processes, from
the same HTML as the dossiers.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from generator.derive import BuildDate, Dossier, build_date, derive
from generator.history import read_history
from generator.ics import calendar
from generator.portfolio import FailedAccount, portfolio
from generator.pdf import PdfJob, PdfResult, PdfSettings, render_all
from generator.problems import Problem, Severity, did_you_mean, display_path
from generator.project import Project, builtin_theme
from generator.render import RenderError, Renderer, theme_files
from generator.validate import read_account
from generator.write import OutputDir

log = logging.getLogger("winback")


class Progress(Protocol):
    """Told how many briefs there are, then once per brief done (a terminal bar, say)."""

    def start(self, total: int) -> None: ...

    def advance(self) -> None: ...


@dataclass
class BuildOptions:
    strict: bool = False
    today: dt.date | None = None
    pdf: bool = True
    jobs: int = 1
    only: tuple[str, ...] = ()  # slugs; empty means every account, plus the portfolio
    progress: Progress | None = None


@dataclass(frozen=True)
class PrintPage:
    """A written page to print as PDF, and the file its problems are reported against."""

    key: str
    source: Path
    html: str
    html_path: str
    pdf_path: str


PORTFOLIO = "portfolio"  # the key of the portfolio's page; account slugs are the others


@dataclass
class BuildReport:
    output_dir: Path
    accounts: int = 0
    built: list[str] = field(default_factory=list)
    pdfs: list[str] = field(default_factory=list)  # slugs of the account briefs written
    portfolio_pdf: bool = False
    failed: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def warnings(self) -> int:
        return sum(1 for p in self.problems if not p.is_error)

    @property
    def ok(self) -> bool:
        return not self.failed and not any(p.is_error for p in self.problems)


def build(project: Project, options: BuildOptions | None = None) -> BuildReport:
    options = options or BuildOptions()
    report = BuildReport(project.output_dir, problems=list(project.problems))
    if not project.ok:
        return report  # a broken config would make every page wrong
    paths = _selected_files(project, options.only, report)
    when = build_date(options.today)
    dossiers, failed = compile_accounts(project, paths, when, options.strict, report)
    renderer = Renderer(project)
    out = OutputDir(project.output_dir)
    pages = _write_dossiers(dossiers, renderer, out, failed, report)
    try:
        if not options.only:
            built = [d for d in dossiers if d.slug in report.built]
            summary = portfolio(built, failed, project.config, when)
            index = renderer.index(summary)
            out.write("index.html", index)
            pages.append(PrintPage(PORTFOLIO, project.accounts_dir, index, "index.html",
                                   "portfolio.pdf"))
            for owner in summary.owners:
                out.write(f"owners/{owner.slug}.html", renderer.owner(owner, summary))
            out.write("calendar.ics", calendar(summary, project.bank.agenda.meeting_minutes))
        for name, data in theme_files(renderer).items():
            out.write(name, data)
    except RenderError as exc:
        report.problems.append(exc.problem)
    if options.pdf:
        _write_pdfs(project, pages, out, options, report)
    return report


def _selected_files(project: Project, only: tuple[str, ...], report: BuildReport) -> list[Path]:
    files = project.account_files()
    if not only:
        return files
    by_slug = {path.stem: path for path in files}
    for slug in only:
        if slug not in by_slug:
            report.problems.append(Problem(project.accounts_dir, 0, 0, "", f"no account '{slug}'",
                                           did_you_mean(slug, sorted(by_slug))))
    return [by_slug[slug] for slug in sorted(set(only)) if slug in by_slug]


def compile_accounts(project: Project, paths: list[Path], when: BuildDate, strict: bool,
                     report: BuildReport) -> tuple[list[Dossier], list[FailedAccount]]:
    """Load, validate and derive each account; what fails is reported and listed."""
    dossiers: list[Dossier] = []
    failed: list[FailedAccount] = []
    repo = read_history(project.accounts_dir) if paths else None
    for path in paths:
        report.accounts += 1
        account, problems = read_account(path, project.config)
        report.problems.extend(problems.problems)
        blocking = [p for p in problems.problems if p.is_error or strict]
        if account is None or blocking:
            first = (blocking or problems.problems)[0].headline(project.root)
            failed.append(FailedAccount(path.stem, str(display_path(path, project.root)), first))
            report.failed.append(path.stem)
            continue
        dossiers.append(derive(account, project.config, project.bank, when, repo))
    return dossiers, failed


def _write_dossiers(dossiers: list[Dossier], renderer: Renderer, out: OutputDir,
                    failed: list[FailedAccount], report: BuildReport) -> list[PrintPage]:
    """Write each dossier page; returns them for printing as briefs."""
    pages: list[PrintPage] = []
    for dossier in dossiers:
        try:
            html = renderer.dossier(dossier)
        except RenderError as exc:
            report.problems.append(exc.problem)
            failed.append(FailedAccount(dossier.slug, str(dossier.account.path),
                                        exc.problem.headline()))
            report.failed.append(dossier.slug)
            continue
        out.write(f"accounts/{dossier.slug}.html", html)
        report.built.append(dossier.slug)
        pages.append(PrintPage(dossier.slug, dossier.account.path, html,
                               f"accounts/{dossier.slug}.html", f"accounts/{dossier.slug}.pdf"))
        log.debug("wrote accounts/%s.html", dossier.slug)
    return pages


def _write_pdfs(project: Project, pages: list[PrintPage], out: OutputDir,
                options: BuildOptions, report: BuildReport) -> None:
    settings = PdfSettings(
        allowed_roots=(project.root, out.root, builtin_theme().resolve()),
        variant=project.config.pdf_variant,
        time_limit=project.config.pdf_time_limit,
    )
    by_key = {page.key: page for page in pages}
    jobs = [PdfJob(page.key, page.html, out.target(page.html_path).as_uri()) for page in pages]
    if options.progress:
        options.progress.start(len(jobs))
    seen_warnings: set[str] = set()  # theme CSS warnings repeat for every brief: say them once

    def finished(result: PdfResult) -> None:
        page = by_key[result.slug]
        for url, why in result.refused:
            report.problems.append(Problem(page.source, 0, 0, "pdf",
                                           f"refused to fetch '{url}': {why}",
                                           "reference only files inside the project",
                                           Severity.WARNING))
        for message in sorted(set(result.warnings) - seen_warnings):
            seen_warnings.add(message)
            report.problems.append(Problem(page.source, 0, 0, "pdf", f"WeasyPrint: {message}",
                                           "", Severity.WARNING))
        if result.data is None:
            report.problems.append(Problem(page.source, 0, 0, "pdf", result.error))
            report.failed.append(result.slug)
        else:
            out.write(page.pdf_path, result.data)
            if page.key == PORTFOLIO:
                report.portfolio_pdf = True
            else:
                report.pdfs.append(result.slug)
            log.debug("wrote %s", page.pdf_path)
        if options.progress:
            options.progress.advance()

    render_all(jobs, settings, options.jobs, finished)
    report.pdfs.sort()
