"""One account through the pipeline: load -> validate -> derive.

`compile_account` is what build, pdf, list and serve do with each account file.
When a file that built before has an error now, the reader keeps a brief: the
dossier is made from the newest version of the file in git that has none, and
says so. Both a clean and an incremental build read the same git history, so
they make the same pages.
"""

from __future__ import annotations

from pathlib import Path

from generator.derive import BuildDate, Dossier, Outdated, derive
from generator.history import FileHistory
from generator.load import parse_account
from generator.problems import Problem, ProblemLog
from generator.project import Project
from generator.validate import read_account, validate_account

INTERNAL_HINT = "this is a fault in winback: please report it with the account file"
HISTORY_OFF = "turned off in winback.yaml (file_history: false)"


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
