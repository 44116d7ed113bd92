"""Problems found in input files, and how they read on a terminal.

Every stage reports trouble as `Problem` values instead of raising, so one
bad account never hides the problems of another, and a file's every problem
is listed in one run.
"""

from __future__ import annotations

import difflib
import re
import stat
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

# However large the input, what is said about it stays small: a message is clipped, an
# excerpt shows the part of the line around the column, and a file's problems of one kind
# are shown a few times and then counted.
MAX_MESSAGE = 300
EXCERPT_WIDTH = 100
ALIKE_SHOWN = 3
INDEX = re.compile(r"\[\d+\]")
QUOTED = re.compile(r"'[^']*'")


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

    def __post_init__(self) -> None:
        # Messages quote what a file says: keep them short, and free of control characters
        # that would move the cursor or retitle a terminal (or hide text in a CI log).
        for name in ("field", "message", "hint"):
            object.__setattr__(self, name, visible(clip(getattr(self, name), MAX_MESSAGE)))

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def headline(self, relative_to: Path | None = None) -> str:
        shown = display_path(self.path, relative_to)
        where = f"{shown}:{self.line}:{self.column}" if self.line else str(shown)
        label = "" if self.is_error else "warning: "
        subject = f"{self.field}: " if self.field else ""
        hint = f" ({self.hint})" if self.hint else ""
        return visible(f"{where}: {label}{subject}{self.message}{hint}")

    def render(self, source: str | None, relative_to: Path | None = None) -> str:
        """The headline, then the offending line with a caret under the column."""
        return self._render(source.splitlines() if source else None, relative_to)

    def _render(self, lines: Sequence[str] | None, relative_to: Path | None) -> str:
        text = self.headline(relative_to)
        excerpt = _excerpt(lines, self.line, self.column)
        return f"{text}\n{excerpt}" if excerpt else text

    def kind(self) -> tuple[Severity, str, str]:
        """Problems alike but for an index or a quoted value have the same kind."""
        return (self.severity, INDEX.sub("[]", self.field), QUOTED.sub("''", self.message))

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
    """Collects problems for one file; positions are resolved by the caller.

    Of each kind of problem, the first few are kept and the rest only counted, so
    that a file repeating one mistake thousands of times gives a short report."""

    path: Path
    shown: list[Problem] = field(default_factory=list)
    left_off: dict[tuple, tuple[Problem, int]] = field(default_factory=dict)
    _seen: dict[tuple, int] = field(default_factory=dict)

    def error(self, line: int, column: int, field_name: str, message: str, hint: str = "") -> None:
        self.add(Problem(self.path, line, column, field_name, message, hint))

    def warn(self, line: int, column: int, field_name: str, message: str, hint: str = "") -> None:
        self.add(Problem(self.path, line, column, field_name, message, hint, Severity.WARNING))

    def add(self, problem: Problem) -> None:
        kind = problem.kind()
        self._seen[kind] = seen = self._seen.get(kind, 0) + 1
        if seen <= ALIKE_SHOWN:
            self.shown.append(problem)
        else:
            first, _count = self.left_off.get(kind, (problem, 0))
            self.left_off[kind] = (first, seen - ALIKE_SHOWN)

    @property
    def problems(self) -> list[Problem]:
        """The problems kept, then for each kind with more, one saying how many more."""
        more = [Problem(first.path, first.line, first.column, first.field,
                        f"...and {count:,} more like this", "", first.severity)
                for first, count in self.left_off.values()]
        return [*self.shown, *more]

    @property
    def has_errors(self) -> bool:
        return any(p.is_error for p in self.shown)


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


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def visible(text: str) -> str:
    """Text that is safe to print: each control or other invisible character is shown
    escaped (\\x1b), never sent to the terminal."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def _excerpt(lines: Sequence[str] | None, line: int, column: int) -> str:
    if not lines or line < 1 or line > len(lines):
        return ""
    gutter = str(line).rjust(4)
    text = lines[line - 1]
    # A long line is shown around the column, with '...' where it is cut.
    start = max(0, min(max(column, 1) - 1 - EXCERPT_WIDTH // 2, len(text) - EXCERPT_WIDTH))
    before = "..." if start else ""
    after = "..." if start + EXCERPT_WIDTH < len(text) else ""
    part = text[start:start + EXCERPT_WIDTH].expandtabs(1)
    # Control characters of a binary file would garble the terminal.
    shown = before + "".join(c if c.isprintable() else "?" for c in part) + after
    caret = " " * (len(before) + max(column, 1) - 1 - start) + "^"
    return f"{gutter} | {shown}\n{' ' * len(gutter)} | {caret}"


def render_all(problems: list[Problem], relative_to: Path | None = None,
               style: Callable[[Problem, str], str] | None = None,
               sources: dict[Path, str] | None = None) -> str:
    """Every problem with its excerpt, files in order, each file read and split once;
    `style` may dress each headline (colour on a terminal). `sources` are texts to quote
    instead of reading the file (a CSV file as decoded, a text not written)."""
    lines_of: dict[Path, list[str] | None] = {}
    blocks = []
    for problem in sorted(problems, key=lambda p: (str(p.path), p.line, p.column)):
        if problem.path not in lines_of and problem.line:
            source = (sources or {}).get(problem.path) or _read_for_excerpt(problem.path)
            lines_of[problem.path] = source.splitlines() if source else None
        block = problem._render(lines_of.get(problem.path), relative_to)
        if style is not None:
            headline, newline, excerpt = block.partition("\n")
            block = style(problem, headline) + newline + excerpt
        blocks.append(block)
    return "\n".join(blocks)


def _read_for_excerpt(path: Path) -> str | None:
    try:
        if not stat.S_ISREG(path.stat().st_mode):
            return None  # opening a pipe would wait for ever
        with path.open("rb") as handle:
            raw = handle.read(4 * 1024 * 1024)
    except OSError:
        return None
    return raw.decode("utf-8-sig", errors="replace").replace("\r\n", "\n")
