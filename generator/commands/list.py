"""`winback list`: the portfolio in the terminal, filtered, as a table, JSON or CSV."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from generator.derive import BUILD_DATE_HINT, STATUS_LABELS, BuildDate, BuildDateError, build_date
from generator.engine.report import BuildReport
from generator.pipeline import (
    AccountTask,
    account_tasks,
    compile_account,
    for_each_account,
)
from generator.portfolio import FailedAccount, Portfolio, Summary, portfolio, summarise
from generator.problems import Problem, visible
from generator.project import Project
from generator.rows import Row, row_of
from generator.text import aligned, name_key
from generator.workers import default_jobs


@dataclass(frozen=True)
class Filters:
    statuses: tuple[str, ...] = ()
    owner: str = ""
    reason: str = ""
    not_ready: bool = False


def list_accounts(project: Project, filters: Filters,
                  today: dt.date | None = None) -> tuple[list[Row], BuildReport]:
    summary, report = collect(project, today)
    accounts = summary.accounts if summary else ()
    return [row_of(d) for d in accounts if _wanted(d, filters)], report


def collect(project: Project, today: dt.date | None = None
            ) -> tuple[Portfolio | None, BuildReport]:
    """The portfolio of every account, as the build would make it, without writing any
    page: what `list` and `today` print."""
    missing = project.missing_accounts()
    report = BuildReport(project.output_dir,
                         problems=[*project.problems, *([missing] if missing else [])])
    if not report.ok:
        return None, report
    try:
        when = build_date(today)
    except BuildDateError as exc:
        report.problems.append(Problem(project.root, 0, 0, "", str(exc), BUILD_DATE_HINT))
        return None, report
    summaries: list[Summary] = []
    failed: list[FailedAccount] = []

    def done(listed: _Listed) -> None:
        report.accounts += 1
        report.problems.extend(listed.problems)
        if listed.summary is None or listed.summary.outdated:
            report.failed.append(listed.path.stem)
            failed.append(FailedAccount(listed.path.stem, str(listed.path),
                                        listed.problems[0].headline(),
                                        listed.summary is not None))
        if listed.summary is not None:
            summaries.append(listed.summary)

    folder = project.scan_accounts()
    for file in folder.not_built:
        report.problems.append(file.problem)
        if file.problem.is_error:
            report.accounts += 1
            report.failed.append(file.name)
            failed.append(FailedAccount(file.name, str(file.problem.path),
                                        file.problem.headline()))
    tasks, said = account_tasks(project, folder.accounts)
    report.problems.extend(said)
    for_each_account(project, tasks, _SummaryWorker,
                     (project, when), default_jobs(), done,
                     lambda task, problem: _Listed(task.path, None, [problem]))
    report.failed.sort()
    return portfolio(summaries, failed, project.config, when), report


@dataclass(frozen=True)
class _Listed:
    path: Path
    summary: Summary | None
    problems: list[Problem]


class _SummaryWorker:
    """Compiles one account, in a worker process, down to what the list shows."""

    def __init__(self, project: Project, when: BuildDate) -> None:
        self.project, self.when = project, when

    def run(self, task: AccountTask) -> _Listed:
        dossier, problems = compile_account(self.project, task.path, self.when, False,
                                            task.history, task.history_note)
        return _Listed(task.path, summarise(dossier, b"") if dossier else None, problems)


def _wanted(d: Summary, filters: Filters) -> bool:
    facts = d.facts
    return not ((filters.statuses and facts.status not in filters.statuses)
                or (filters.owner and name_key(facts.owner) != name_key(filters.owner))
                or (filters.reason and filters.reason not in facts.loss_reasons)
                or (filters.not_ready and d.readiness.state != "not-ready"))


def as_table(rows: list[Row], currency: str) -> str:
    header = ("Account", "Status", "Owner", "Value", "Lost", "Next meeting", "Readiness")
    lines = [(visible(row.name), STATUS_LABELS[row.status], visible(row.owner) or "-",
              f"{currency}{row.value:,.0f}" if row.value is not None else "-", row.lost or "-",
              row.next_meeting or "-", _readiness(row)) for row in rows]
    return aligned([header, *lines], right={3})


def _readiness(row: Row) -> str:
    not_ready = "LISTEN ONLY" if row.listen_only else "NOT READY"
    text = {"ready": "ready", "not-ready": f"{not_ready} ({row.open_essential_fixes} to fix)",
            "unknown": "unknown", "not-applicable": "-"}[row.readiness]
    if row.overdue_follow_ups:
        text += f", {row.overdue_follow_ups} overdue"
    return text
