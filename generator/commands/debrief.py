"""`winback debrief SLUG`: start the record of a meeting held, in the account file.

The record goes at the end of the file's `## Meetings` section (which it starts when
there is none): its date and time, who met, and empty lines for what was heard, what
matters to them now, the outcome and the next contact, with page one's key questions
as prompts in a comment. Nothing else in the file changes: every line stays as it was,
so the diff is only added lines. The new text is validated before it is written, the
write is atomic, and a meeting already recorded is never recorded twice.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from generator import paths
from generator.derive import BuildDate
from generator.load import FENCE, HEADING, parse_account, read_text
from generator.pipeline import compile_account
from generator.problems import Problem, ProblemLog, did_you_mean
from generator.project import Project
from generator.schema import Account, Meeting
from generator.text import clause, joined
from generator.validate import read_account, validate_account
from generator.write import replace_file

TITLE = "## Meetings"


class Refused(Exception):
    """Nothing was written; the problem says why."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


@dataclass(frozen=True)
class Debriefed:
    path: Path
    line: int  # where the record starts
    when: dt.datetime | dt.date
    added: bool  # False: the meeting was recorded already


def debrief(project: Project, slug: str, when: BuildDate, held: dt.datetime | dt.date | None,
            theirs: tuple[str, ...] = (), ours: tuple[str, ...] = ()) -> Debriefed:
    path = paths.account_file(project.root, slug)
    if not path.is_file():
        slugs = sorted(p.stem for p in project.account_files())
        raise Refused(Problem(path, 0, 0, "", f"no account '{slug}'",
                              did_you_mean(slug, slugs) or "give the file name without .md"))
    account, log = read_account(path, project.config)
    _refuse_errors(path, account, log, "the file has an error, so nothing is added",
                   "fix it first (winback check shows every problem), then debrief")
    meeting = account.facts.meeting
    held = held or (meeting.when if meeting else None)
    if held is None:
        raise Refused(Problem(path, 0, 0, "meeting", "no meeting is booked in the file",
                              "give the date of the meeting held: --when 'YYYY-MM-DD HH:MM'"))
    day = held.date() if isinstance(held, dt.datetime) else held
    existing = next((e for e in account.entries("meetings") if e.date == day), None)
    if existing is not None:
        return Debriefed(path, existing.line, existing.when, False)
    booked = meeting if meeting is not None and meeting.day == day else None
    record = _record(held, booked, theirs, ours, _questions(project, path, when))
    text = read_text(path).text
    new_text, line = _with_record(text, account, record)
    raw, log = parse_account(path, new_text, ProblemLog(path))
    _refuse_errors(path, validate_account(raw, log, project.config) if raw else None, log,
                   "the record would make the file invalid",
                   "nothing was written: please report this with the file")
    replace_file(path, _line_endings(path, new_text))
    return Debriefed(path, line, held, True)


def _questions(project: Project, path: Path, when: BuildDate) -> list[str]:
    """Page one's key questions, as numbered there."""
    dossier, _ = compile_account(project, path, when, strict=False)
    if dossier is None:
        return []
    return [f"{line.number}. {line.say}" for line in dossier.script.key_questions]


def _record(held: dt.datetime | dt.date, booked: Meeting | None, theirs: tuple[str, ...],
            ours: tuple[str, ...], questions: list[str]) -> list[str]:
    stamp = f"{held:%Y-%m-%d %H:%M}" if isinstance(held, dt.datetime) else held.isoformat()
    names = list(theirs or (booked.with_ if booked else ()))
    where = f" at {clause(booked.where.rstrip('.'))}" if booked and booked.where else ""
    said = f"Met {joined(names)}{where}." if names else f"Meeting held{where}."
    lines = [f"- {stamp}: {said}"]
    if not booked:  # who was there: the meeting booked says so when it is this one
        lines += [f"  - with: {', '.join(theirs)}", f"  - ours: {', '.join(ours)}"]
    lines += ["  - heard:", "  - needs:", "  - outcome:", "  - next:"]
    lines += ["  <!-- One 'heard:' line for each thing they said, in their words; 'needs:' for",
              "       what matters to them now; the outcome: accepted, review, refused or",
              "       undecided; 'next:' the next contact agreed, YYYY-MM-DD HH:MM."]
    if questions:
        lines.append("       The questions that mattered most:")
        lines += [f"       {q}" for q in questions]
    lines[-1] += " -->"
    return lines


def _with_record(text: str, account: Account, record: list[str]) -> tuple[str, int]:
    """The file's text with the record added at the end of its Meetings section, or in a
    new section at its end; and the line the record starts on."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    section = account.sections.get("meetings")
    if section is None:
        while lines and not lines[-1].strip():
            lines.pop()
        start = len(lines) + 3
        lines += ["", TITLE, *record]
        return "\n".join(lines) + "\n", start
    end = _section_end(lines, section.line)
    while end > section.line and not lines[end - 1].strip():
        end -= 1
    lines[end:end] = record
    return "\n".join(lines) + "\n", end + 1


def _section_end(lines: list[str], heading_line: int) -> int:
    """The index just past the section that starts at `heading_line` (1-based): the next
    heading, outside a code fence, as the loader cuts sections."""
    fence = False
    for index in range(heading_line, len(lines)):
        text = lines[index]
        if FENCE.match(text):
            fence = not fence
        elif not fence and HEADING.match(text):
            return index
    return len(lines)


def _refuse_errors(path: Path, account: Account | None, log: ProblemLog, why: str,
                   hint: str) -> None:
    """Refuse, naming the file's first error, when the text does not validate."""
    errors = [p for p in log.problems if p.is_error]
    if account is None or errors:
        first = errors[0] if errors else Problem(path, 0, 0, "", "it cannot be read")
        raise Refused(Problem(path, first.line, first.column, first.field,
                              f"{why}: {first.message}", hint))


def _line_endings(path: Path, text: str) -> str:
    """The file's own line endings and byte-order mark, kept."""
    raw = path.read_bytes()
    if b"\r\n" in raw:
        text = text.replace("\n", "\r\n")
    return ("\ufeff" + text) if raw.startswith(b"\xef\xbb\xbf") else text
