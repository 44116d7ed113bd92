"""`winback check`: validate account files without writing anything.

What it reports agrees with what `build` does: a file that build would not build is
reported as build reports it (`Project.scan_accounts`), whether it is checked with the
whole folder or named alone, as the pre-commit hook names changed files.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from generator.derive import BuildDate
from generator.pipeline import check_accounts
from generator.problems import Problem, Severity
from generator.project import Project


@dataclass
class CheckReport:
    files: int = 0
    problems: list[Problem] = field(default_factory=list)

    def failed(self, strict: bool) -> bool:
        return any(p.is_error or strict for p in self.problems)


@dataclass
class _Selection:
    accounts: list[Path] = field(default_factory=list)  # to validate
    said: list[Problem] = field(default_factory=list)  # files not built, and why
    files: int = 0


def account_paths(project: Project, paths: tuple[Path, ...]) -> _Selection:
    """The account files to validate and what is said of the other files: of the whole
    folder, or of the files and folders named."""
    folder = project.scan_accounts()
    if not paths:
        return _Selection(folder.accounts, [n.problem for n in folder.not_built],
                          len(folder.accounts) + len(folder.not_built))
    chosen = _Selection()
    accounts_dir = project.accounts_dir
    for path in paths:
        named = _as_listed(path)
        if named == accounts_dir or accounts_dir.is_relative_to(named):
            _add(chosen, folder.accounts, folder.not_built)
        elif named.is_relative_to(accounts_dir):
            _add(chosen, [p for p in folder.accounts if p == named],
                 [n for n in folder.not_built if n.problem.path.is_relative_to(named)])
        elif path.suffix in (".yaml", ".yml"):
            continue  # winback.yaml and content/questions.yaml are checked on every run
        else:
            _outside(chosen, path)
    return chosen


def _add(chosen: _Selection, accounts: list[Path], not_built) -> None:
    new = [p for p in accounts if p not in chosen.accounts]
    said = [n.problem for n in not_built if n.problem not in chosen.said]
    chosen.accounts.extend(new)
    chosen.said.extend(said)
    chosen.files += len(new) + len(said)


def _outside(chosen: _Selection, path: Path) -> None:
    """A file or folder outside content/accounts/: its .md files are checked as account
    files would be, and said to be outside, since build does not read them."""
    files = sorted(p for p in path.iterdir() if p.suffix == ".md") if path.is_dir() else [path]
    for file in files:
        chosen.accounts.append(file)
        if file.exists():  # else reading it says that it cannot be read
            chosen.said.append(Problem(file, 0, 0, "", "this file is not in "
                                       "content/accounts/, so build does not read it",
                                       "move it into content/accounts/ to build it",
                                       Severity.WARNING))
    chosen.files += len(files)


def _as_listed(path: Path) -> Path:
    """The path as the scan of the folder names it: its folders resolved, the file itself
    not (a link named like an account is judged as the link)."""
    absolute = Path(os.path.abspath(path))
    if absolute.is_dir() and not absolute.is_symlink():
        return absolute.resolve()
    return absolute.parent.resolve() / absolute.name


def check(project: Project, paths: tuple[Path, ...] = (),
          when: BuildDate | None = None) -> CheckReport:
    """`when`: the day to count from, for what depends on it (a booked meeting past and
    not recorded); without it, nothing is counted."""
    chosen = account_paths(project, paths)
    others = [p for p in project.account_files() if p not in chosen.accounts] if paths else []
    missing = project.missing_accounts()
    return CheckReport(chosen.files, [*project.problems, *([missing] if missing else []),
                                      *chosen.said,
                                      *check_accounts(project, chosen.accounts, others, when)])

