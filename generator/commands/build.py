"""`winback build` and `winback pdf`: the accounts, the portfolio, the theme and the
printed pages, each a program of the build engine (`generator.engine`) over outputs
(`generator.outputs`).

Rebuilds are incremental: only what has new inputs is redone (`generator.engine.run`).
"""

from __future__ import annotations

from pathlib import Path

from generator.derive import BUILD_DATE_HINT, BuildDateError, build_date
from generator.engine.accounts import AccountPages
from generator.engine.folder import output_folder, output_refusal, stop
from generator.engine.printed import PrintedPages
from generator.engine.report import BuildOptions, BuildReport
from generator.engine.run import Run
from generator.engine.site import PortfolioPages, ThemeFiles
from generator.problems import Problem, did_you_mean
from generator.project import NotBuilt, Project


def build(project: Project, options: BuildOptions | None = None) -> BuildReport:
    """The accounts, then the portfolio, the theme and the printed pages."""
    options = options or BuildOptions()
    report = BuildReport(project.output_dir, problems=list(project.problems))
    if not project.ok:
        report.stopped = "fix the project's settings first"  # every page would be wrong
        return report
    try:
        when = build_date(options.today)
    except BuildDateError as exc:
        return stop(report, Problem(project.root, 0, 0, "", str(exc), BUILD_DATE_HINT),
                     "no date to build for")
    missing = project.missing_accounts()
    if missing is not None:
        return stop(report, missing, "the accounts folder is missing")
    refused = output_refusal(project, options.force)
    if refused is not None:
        return stop(report, refused, "the output folder is refused")
    with output_folder(project, report) as mine:
        if mine:
            run = Run(project, options, when, report)
            accounts = AccountPages(run)
            accounts.make(*_selected_files(project, options.only, report))
            if not options.only:
                PortfolioPages(run).make(accounts.summaries)
            ThemeFiles(run).make()
            if options.pdf:
                PrintedPages(run).make()
                run.clear_pdf_notes()
            run.finish()
    return report


def _selected_files(project: Project, only: tuple[str, ...],
                    report: BuildReport) -> tuple[list[Path], list[NotBuilt]]:
    """The account files to build, and the files beside them that are not built; with
    `only`, those the slugs name."""
    folder = project.scan_accounts()
    if not only:
        return folder.accounts, folder.not_built
    by_slug = {path.stem: path for path in folder.accounts}
    not_built = [n for n in folder.not_built if n.problem.is_error and n.slug in only]
    for slug in only:
        if slug not in by_slug and all(n.slug != slug for n in not_built):
            report.problems.append(Problem(project.accounts_dir, 0, 0, "", f"no account '{slug}'",
                                           did_you_mean(slug, sorted(by_slug))))
    return [by_slug[slug] for slug in sorted(set(only)) if slug in by_slug], not_built
