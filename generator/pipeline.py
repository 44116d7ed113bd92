"""The accounts through the pipeline: load -> validate -> derive, one account at a
time, and the loop over all of them.

`compile_account` is what build, pdf, list and serve do with each account file;
`check_accounts` is what check does; `for_each_account` runs a worker over the
accounts, in worker processes with a time limit each, so that no one file can
hold the others up.

When a file that built before has an error now, the reader keeps a brief: the
dossier is made from the newest version of the file in git that has none, and
says so. Both a clean and an incremental build read the same git history, so
they make the same pages.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from generator.derive import BuildDate, Dossier, Outdated, derive
from generator.history import DUBIOUS, FileHistory, read_history
from generator.load import field_label, owner_names_in, parse_account
from generator.portfolio import OwnerNames, owner_spelling_problems
from generator.problems import Problem, ProblemLog, Severity, display_path
from generator.project import Project
from generator.schema import Account
from generator.validate import read_account, validate_account
from generator.workers import Failure, run_all

INTERNAL_HINT = "this is a fault in winback: please report it with the account file"
HISTORY_OFF = "turned off in winback.yaml (file_history: false)"
SLOW_HINT = ("shorten the section; look for long runs of brackets, '&#...;' references or deep "
             "nesting; or raise dossier_time_limit in winback.yaml")
POOL_THRESHOLD = 40  # fewer accounts than this share one worker: starting more costs more


@dataclass(frozen=True)
class AccountTask:
    """One account to work on, with its git history read once for all of them."""

    path: Path
    history: FileHistory | None
    history_note: str  # why there is no history, when there is none
    history_refused: bool = False  # git refused the repository: the last pages are kept


def account_tasks(project: Project, files: list[Path]) -> tuple[list[AccountTask], list[Problem]]:
    """A task for each account file, and what is said once about their history."""
    if not files:
        return [], []
    repo = read_history(project.accounts_dir)
    tasks = [AccountTask(path, repo.of(path), repo.reason, history_refused=bool(repo.refused))
             for path in files]
    return tasks, [refused_problem(project, repo.refused)] if repo.refused else []


def refused_problem(project: Project, fix: str) -> Problem:
    """git refuses a repository it distrusts (owned by another user: common in containers
    and CI): said as git says it, with git's own fix."""
    return Problem(project.root, 0, 0, "", DUBIOUS,
                   f"if you trust it, run `{fix}`; until then the dossiers show no file "
                   "history, and an account with errors keeps the pages of the last build",
                   Severity.WARNING)


def for_each_account(project: Project, tasks: list[AccountTask], worker: type, args: tuple,
                     jobs: int, on_done: Callable, on_failure: Callable) -> None:
    """`worker(*args).run(task)` for each task, in worker processes, each within the
    project's time limit per account; `on_done` gets each result here as it comes, and
    `on_failure(task, problem)` stands in for a task that was stopped or died."""
    def failed(task: AccountTask, failure: Failure):
        return on_failure(task, failure_problem(task.path, failure))

    workers = jobs if len(tasks) >= POOL_THRESHOLD else 1
    run_all(tasks, worker, args, workers, project.config.dossier_time_limit, on_done, failed,
            lambda task: str(display_path(task.path, project.root)))


def failure_problem(path: Path, failure: Failure) -> Problem:
    """Why the work on an account gave no result."""
    if failure.kind == "timeout":
        where = "while converting the Markdown here" if failure.progress else ""
        return Problem(path, failure.progress, 1 if failure.progress else 0, "",
                       f"building the dossier {failure.detail} {where}".strip(), SLOW_HINT)
    if failure.kind == "died":
        return Problem(path, 0, 0, "", f"building the dossier failed twice: {failure.detail}",
                       "see whether the machine ran out of memory")
    return Problem(path, 0, 0, "", f"the dossier could not be built: {failure.detail}",
                   INTERNAL_HINT)


def check_accounts(project: Project, files: list[Path],
                   others: list[Path] = (), when: BuildDate | None = None) -> list[Problem]:
    """Every problem of these account files, without building anything: their own, an
    owner name spelt otherwise than in the other files (`others` too, when only some
    files are checked), as the build would warn of it, and, with `when`, what that day
    makes a problem."""
    problems: list[Problem] = []
    owners: list[OwnerNames] = []
    for path in files:
        account, log = read_account(path, project.config)
        problems.extend(log.problems)
        if account is not None:
            owners.append(OwnerNames.of(path, account.facts.owner,
                                        [f.owner for f in account.facts.follow_ups],
                                        account.owner_places))
            if when is not None:
                problems.extend(meeting_to_record(account, when.day))
    for path in others:  # only their owner names are needed, and their problems not said
        names, places, example = owner_names_in(path)
        follow_ups = max((k[1] + 1 for k in names if k[0] == "follow_ups"), default=0)
        if not example:
            owners.append(OwnerNames.of(
                path, names.get(("owner",), ""),
                [names.get(("follow_ups", i, "owner"), "") for i in range(follow_ups)],
                {field_label(k): (p.line, p.column) for k, p in places.items()}))
    checked = set(files)
    problems.extend(p for p in owner_spelling_problems(owners) if p.path in checked)
    return problems


def meeting_to_record(account: Account, today: dt.date) -> list[Problem]:
    """A booked meeting whose day is past, with no record of it under Meetings."""
    meeting = account.facts.meeting
    if meeting is None or meeting.day >= today:
        return []
    if any(e.date == meeting.day for e in account.entries("meetings")):
        return []
    line, column = account.meeting_at
    return [Problem(account.path, line, column, "meeting",
                    f"the meeting of {meeting.day:%-d %b %Y} is past and not recorded",
                    f"run `winback debrief {account.slug}` and write what you heard; or "
                    "book the next one here", Severity.WARNING)]


def compile_account(project: Project, path: Path, when: BuildDate, strict: bool,
                    history: FileHistory | None = None,
                    history_note: str = "") -> tuple[Dossier | None, list[Problem]]:
    """The account's dossier and its problems. With blocking problems, the dossier is
    the last good version's (marked `outdated`), or None when git has none."""
    account, log = read_account(path, project.config)
    blocking = [p for p in log.problems if p.is_error or strict]
    if account is None or blocking:
        first = (blocking or log.problems)[0]
        return last_good(project, path, when, strict, history, first), log.problems
    try:
        return _derive(project, account, when, history, history_note), log.problems
    except Exception as exc:  # noqa: BLE001 - one account's trouble must stay its own
        return None, [*log.problems, internal(path, "deriving", exc)]


def last_good(project: Project, path: Path, when: BuildDate, strict: bool,
              history: FileHistory | None, first: Problem) -> Dossier | None:
    """The dossier of the newest committed version of the file that builds, if any of
    its recent commits has one."""
    changes = history.changes if history else ()
    for index, change in enumerate(changes):
        text = history.version(change.commit)
        if text is None:
            continue
        raw, log = parse_account(path, text, ProblemLog(path))
        account = validate_account(raw, log, project.config) if raw is not None else None
        if account is None or any(p.is_error or strict for p in log.problems):
            continue
        outdated = Outdated(problem=first.headline(project.root), commit=change.commit,
                            committed=change.date,
                            since=changes[index - 1].date if index else None)
        try:
            return _derive(project, account, when, history, "", outdated)
        except Exception:  # noqa: BLE001 - then there is no last good version to show
            return None
    return None


def _derive(project: Project, account, when: BuildDate, history: FileHistory | None,
            history_note: str, outdated: Outdated | None = None) -> Dossier:
    shown = history if project.config.file_history else None
    note = history_note if project.config.file_history else HISTORY_OFF
    return derive(account, project.config, project.bank, when, shown, note, outdated)


def internal(path: Path, stage: str, exc: Exception) -> Problem:
    return Problem(path, 0, 0, "", f"failed while {stage}: {type(exc).__name__}: {exc}",
                   INTERNAL_HINT)
