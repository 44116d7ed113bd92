"""Problems found in input files, and how they read on a terminal.

Every stage reports trouble as `Problem` values instead of raising, so one
bad account never hides the problems of another, and a file's every problem
is listed in one run.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong in one file, at a 1-based line and column."""

    path: Path
    line: int
    column: int
    field: str
    message: str
    hint: str = ""
    severity: Severity = Severity.ERROR

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def headline(self, relative_to: Path | None = None) -> str:
        shown = display_path(self.path, relative_to)
        where = f"{shown}:{self.line}:{self.column}" if self.line else str(shown)
        label = "" if self.is_error else "warning: "
        subject = f"{self.field}: " if self.field else ""
        hint = f" ({self.hint})" if self.hint else ""
        return f"{where}: {label}{subject}{self.message}{hint}"

    def render(self, source: str | None, relative_to: Path | None = None) -> str:
        """The headline, then the offending line with a caret under the column."""
        text = self.headline(relative_to)
        excerpt = _excerpt(source, self.line, self.column)
        return f"{text}\n{excerpt}" if excerpt else text

    def as_dict(self, relative_to: Path | None = None) -> dict[str, object]:
        return {
            "path": str(display_path(self.path, relative_to)),
            "line": self.line,
            "column": self.column,
            "field": self.field,
            "message": self.message,
            "hint": self.hint,
            "severity": self.severity.value,
        }


@dataclass
class ProblemLog:
    """Collects problems for one file; positions are resolved by the caller."""

    path: Path
    problems: list[Problem] = field(default_factory=list)

    def error(self, line: int, column: int, field_name: str, message: str, hint: str = "") -> None:
        self.problems.append(Problem(self.path, line, column, field_name, message, hint))

    def warn(self, line: int, column: int, field_name: str, message: str, hint: str = "") -> None:
        self.problems.append(
            Problem(self.path, line, column, field_name, message, hint, Severity.WARNING)
        )

    @property
    def has_errors(self) -> bool:
        return any(p.is_error for p in self.problems)


def did_you_mean(word: object, choices: list[str] | tuple[str, ...]) -> str:
    """A hint naming the closest allowed value, or '' when nothing is close."""
    if not isinstance(word, str):
        return ""
    close = difflib.get_close_matches(word.lower(), list(choices), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else ""


def display_path(path: Path, relative_to: Path | None) -> Path:
    if relative_to is not None:
        try:
            return path.resolve().relative_to(relative_to.resolve())
        except ValueError:
            pass
    return path


def _excerpt(source: str | None, line: int, column: int) -> str:
    if not source or line < 1:
        return ""
    lines = source.splitlines()
    if line > len(lines):
        return ""
    gutter = str(line).rjust(4)
    # Control characters of a binary file would garble the terminal.
    text = "".join(c if c.isprintable() else "?" for c in lines[line - 1].expandtabs(1))
    caret = " " * (max(column, 1) - 1) + "^"
    return f"{gutter} | {text}\n{' ' * len(gutter)} | {caret}"


def render_all(problems: list[Problem], relative_to: Path | None = None) -> str:
    """Every problem with its excerpt, files in order, each file read once."""
    sources: dict[Path, str | None] = {}
    blocks = []
    for problem in sorted(problems, key=lambda p: (str(p.path), p.line, p.column)):
        if problem.path not in sources:
            sources[problem.path] = _read_for_excerpt(problem.path)
        blocks.append(problem.render(sources[problem.path], relative_to))
    return "\n".join(blocks)


def _read_for_excerpt(path: Path) -> str | None:
    try:
        with path.open("rb") as handle:
            raw = handle.read(4 * 1024 * 1024)
    except OSError:
        return None
    return raw.decode("utf-8-sig", errors="replace").replace("\r\n", "\n")
