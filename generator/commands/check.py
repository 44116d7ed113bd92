"""`winback check`: validate account files without writing anything."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from generator.derive import BuildDate
from generator.load import is_account_name
from generator.pipeline import check_accounts
from generator.problems import Problem
from generator.project import Project


@dataclass
class CheckReport:
    files: int = 0
    problems: list[Problem] = field(default_factory=list)

    def failed(self, strict: bool) -> bool:
        return any(p.is_error or strict for p in self.problems)


def account_paths(project: Project, paths: tuple[Path, ...]) -> list[Path]:
    """The named files, the .md files in named folders, or every account."""
    if not paths:
        return project.account_files()
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(p for p in path.iterdir() if is_account_name(p)))
        elif path.suffix in (".yaml", ".yml"):
            continue  # winback.yaml and content/questions.yaml are checked on every run
        else:
            found.append(path)
    return found


def check(project: Project, paths: tuple[Path, ...] = (),
          when: BuildDate | None = None) -> CheckReport:
    """`when`: the day to count from, for what depends on it (a booked meeting past and
    not recorded); without it, nothing is counted."""
    files = account_paths(project, paths)
    return CheckReport(len(files), [*project.problems, *check_accounts(project, files, when)])
