"""Derive: a validated account -> the facts a reader needs, computed once.

Nothing here reads files or formats HTML: tenure, days since the loss, open
complaints first, people by role, readiness to approach, overdue follow-ups
and the meeting script are plain values for the templates.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass

from generator.history import FileHistory
from generator.questions import MeetingScript, tailor
from generator.schema import (
    FIRST_DATE,
    LAST_DATE,
    Account,
    Config,
    Entry,
    Facts,
    FollowUp,
    Person,
    QuestionBank,
    in_date_range,
)

STATUS_ORDER = {"lost": 0, "at-risk": 1, "won-back": 2, "active": 3}
STATUS_LABELS = {"lost": "Lost", "at-risk": "At risk", "won-back": "Won back", "active": "Active"}


@dataclass(frozen=True)
class BuildDate:
    """The date a build computes from, and whether the user pinned it.

    `day` is explicit (--today), else SOURCE_DATE_EPOCH, else the clock; it
    drives "days since" and overdue flags. Only a pinned date is printed as
    the date a brief was prepared: otherwise the brief is dated by its
    newest record, so a rebuild on another day gives the same files.
    """

    day: dt.date
    pinned: bool


class BuildDateError(ValueError):
    """The date to build for is outside the dates winback accepts."""


def build_date(today: dt.date | None = None) -> BuildDate:
    if today is not None:
        return BuildDate(_accepted(today, f"--today {today}"), True)
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        shown = f"SOURCE_DATE_EPOCH={epoch}"
        try:
            day = dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc).date()
        except (OverflowError, ValueError, OSError):
            raise BuildDateError(f"{shown} is not a time winback can use") from None
        return BuildDate(_accepted(day, shown), True)
    return BuildDate(dt.date.today(), False)


def _accepted(day: dt.date, shown: str) -> dt.date:
    if not in_date_range(day):
        raise BuildDateError(f"{shown} is outside {FIRST_DATE} to {LAST_DATE}")
    return day


@dataclass(frozen=True)
class Span:
    years: int
    months: int

    @classmethod
    def between(cls, start: dt.date, end: dt.date) -> Span:
        months = (end.year - start.year) * 12 + end.month - start.month
        if end.day < start.day:
            months -= 1
        months = max(months, 0)
        return cls(months // 12, months % 12)

    def __str__(self) -> str:
        parts = []
        if self.years:
            parts.append(f"{self.years} year{'s' if self.years != 1 else ''}")
        if self.months or not self.years:
            parts.append(f"{self.months} month{'s' if self.months != 1 else ''}")
        return " ".join(parts)


@dataclass(frozen=True)
class Readiness:
    """Whether the account may be approached, and what still stands in the way."""

    state: str  # ready | not-ready | unknown | not-applicable
    remaining: tuple[Entry, ...] = ()

    @property
    def label(self) -> str:
        return {
            "ready": "Ready to approach",
            "not-ready": "Not ready to approach",
            "unknown": "Readiness unknown",
            "not-applicable": "Not applicable",
        }[self.state]


@dataclass(frozen=True)
class People:
    decision_makers: tuple[Person, ...]
    champions: tuple[Person, ...]
    others: tuple[Person, ...]
    departed: tuple[Person, ...]

    @property
    def is_empty(self) -> bool:
        return not (self.decision_makers or self.champions or self.others or self.departed)


@dataclass(frozen=True)
class FollowUpItem:
    item: FollowUp
    owner: str  # the follow-up's own owner, else the account owner, else ""
    state: str  # done | overdue | due-today | due

    @property
    def overdue(self) -> bool:
        return self.state == "overdue"


@dataclass(frozen=True)
class CheckIns:
    """For a won-back account: check-ins every `every_days` from the day it came back."""

    every_days: int
    past: tuple[dt.date, ...]  # the most recent scheduled dates, oldest first
    next_due: dt.date


@dataclass(frozen=True)
class Dossier:
    account: Account
    as_of: dt.date
    reasons: tuple[str, ...]
    tenure: Span | None
    days_since_loss: int | None
    open_complaints: tuple[Entry, ...]
    resolved_complaints: tuple[Entry, ...]
    people: People
    readiness: Readiness
    follow_ups: tuple[FollowUpItem, ...]
    meeting_upcoming: bool
    script: MeetingScript
    prepared: dt.date | None
    addressee: Person | None  # the most senior person still there, for the letters
    check_ins: CheckIns | None
    history: FileHistory | None  # None without git history
    history_note: str  # why there is no history
    stale: bool  # the file has not changed for longer than the config allows

    @property
    def slug(self) -> str:
        return self.account.slug

    @property
    def facts(self):
        return self.account.facts

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.facts.status]

    @property
    def overdue_count(self) -> int:
        return sum(1 for f in self.follow_ups if f.overdue)


def derive(account: Account, config: Config, bank: QuestionBank, when: BuildDate,
           history: FileHistory | None = None, history_note: str = "") -> Dossier:
    """`history` is the account file's git history; `history_note` says why there is none."""
    as_of = when.day
    last = history.last if history else None
    facts = account.facts
    labels = config.reason_labels()
    complaints = account.entries("complaints")
    open_complaints = _newest_first(e for e in complaints if not e.checked)
    people = _people(facts.people)
    return Dossier(
        account=account,
        as_of=as_of,
        reasons=tuple(labels[r] for r in facts.loss_reasons if r in labels),
        tenure=_tenure(account, as_of),
        days_since_loss=(as_of - facts.lost).days if facts.lost else None,
        open_complaints=open_complaints,
        resolved_complaints=_newest_first(e for e in complaints if e.checked),
        people=people,
        readiness=_readiness(account),
        follow_ups=_follow_ups(account, as_of),
        meeting_upcoming=bool(facts.meeting and facts.meeting.when.date() >= as_of),
        script=tailor(account, bank, labels, open_complaints, people.departed),
        prepared=as_of if when.pinned else _newest_record(account, as_of),
        addressee=next(iter(people.decision_makers + people.champions + people.others), None),
        check_ins=_check_ins(facts, config.check_in_every_days, as_of),
        history=history,
        history_note=history_note,
        stale=bool(last and (as_of - last.date).days > config.stale_after_days),
    )


def _newest_record(account: Account, as_of: dt.date) -> dt.date | None:
    """The newest date the account records, ignoring what is still to come."""
    facts = account.facts
    dates = [facts.signed, facts.lost, facts.won_back, *(p.left for p in facts.people),
             *(f.due.date() for f in facts.follow_ups if f.done),
             *(e.date for section in account.sections.values() for e in section.entries)]
    past = [d for d in dates if d is not None and d <= as_of]
    return max(past, default=None)


def _tenure(account: Account, as_of: dt.date) -> Span | None:
    facts = account.facts
    if facts.signed is None:
        return None
    end = facts.lost if facts.status == "lost" and facts.lost else as_of
    return Span.between(facts.signed, end)


def _newest_first(entries) -> tuple[Entry, ...]:
    return tuple(sorted(entries, key=lambda e: (e.date or dt.date.min, -e.line), reverse=True))


def _people(people: list[Person]) -> People:
    present = [p for p in people if p.left is None]
    return People(
        decision_makers=tuple(p for p in present if p.role == "decision-maker"),
        champions=tuple(p for p in present if p.role == "champion"),
        others=tuple(p for p in present if p.role not in ("decision-maker", "champion")),
        departed=tuple(sorted((p for p in people if p.left), key=lambda p: p.left)),
    )


def _readiness(account: Account) -> Readiness:
    if account.facts.status not in ("lost", "at-risk"):
        return Readiness("not-applicable")
    changes = account.entries("changes")
    remaining = tuple(e for e in changes if e.essential and not e.checked)
    if remaining:
        return Readiness("not-ready", remaining)
    if not changes:
        return Readiness("unknown")
    return Readiness("ready")


def _follow_ups(account: Account, as_of: dt.date) -> tuple[FollowUpItem, ...]:
    items = sorted(account.facts.follow_ups, key=lambda f: (f.done, f.due, f.what))
    return tuple(FollowUpItem(f, f.owner or account.facts.owner, _state(f, as_of))
                 for f in items)


def _state(follow_up: FollowUp, as_of: dt.date) -> str:
    if follow_up.done:
        return "done"
    due = follow_up.due.date()
    return "overdue" if due < as_of else "due-today" if due == as_of else "due"


def _check_ins(facts: Facts, every_days: int, as_of: dt.date) -> CheckIns | None:
    if facts.status != "won-back" or facts.won_back is None:
        return None
    step = dt.timedelta(days=every_days)
    elapsed = max((as_of - facts.won_back).days, 0)
    next_due = facts.won_back + step * (elapsed // every_days + 1)
    if elapsed % every_days == 0 and as_of > facts.won_back:
        next_due = as_of  # a check-in falls due today
    past = [d for d in (next_due - step * k for k in range(3, 0, -1)) if d > facts.won_back]
    return CheckIns(every_days, tuple(past), next_due)
