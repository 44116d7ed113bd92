"""Derive: a validated account -> the facts a reader needs, computed once.

Nothing here reads files or formats HTML: tenure, days since the loss, open
complaints first, people by role, readiness and what it allows in the meeting,
who leads and who listens, promises to clear first, the meeting script
(`generator.script`) and the plan around it (`generator.plan`) are plain
values for the templates, all counted from one build date.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass

from generator import plan
from generator.history import FileHistory
from generator.schema import (
    FIRST_DATE,
    LAST_DATE,
    STATUS_BY_KEY,
    Account,
    Config,
    Entry,
    Facts,
    FollowUp,
    Person,
    QuestionBank,
    Sponsor,
    StatusKind,
    in_date_range,
)
from generator.script import MeetingScript, ScriptFacts, day, tailor

STATUS_ORDER = {key: kind.order for key, kind in STATUS_BY_KEY.items()}
STATUS_LABELS = {key: kind.label for key, kind in STATUS_BY_KEY.items()}
RECALLED_WINS = 3
OLD_COMPLAINT_YEARS = 2  # resolved complaints older than this fold into one line in print
DONT = ("do not ", "don't ", "never ", "avoid ")


@dataclass(frozen=True)
class BuildDate:
    """The date a build computes from, and whether the user pinned it.

    `day` is explicit (--today), else SOURCE_DATE_EPOCH, else the clock. It is
    the one date of every page: "Prepared", "days since", "overdue" and "as
    of" are all counted from it. Pinning it makes the output reproducible.
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
    """Whether we may ask for anything yet, and what still stands in the way."""

    state: str  # ready | not-ready | unknown | not-applicable
    remaining: tuple[Entry, ...] = ()  # essential fixes still open
    due: dt.date | None = None  # when the last of them is due, if every one has a date
    listen_only: bool = False  # not ready, and a meeting is booked: it is for listening

    @property
    def ask_after(self) -> str:
        """When we may ask for the business, in words."""
        if self.state != "not-ready":
            return ""
        return day(self.due) if self.due else "the open fixes are done"

    @property
    def label(self) -> str:
        return {
            "ready": "Ready to approach",
            "not-ready": "Listen-only meeting" if self.listen_only else "Not ready to ask",
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
    """For a won-back account: close check-ins in the first months back, then the
    account's normal rhythm."""

    every_days: int  # the rhythm now
    settles_on: dt.date | None  # when close check-ins give way to the normal rhythm
    past: tuple[dt.date, ...]  # the most recent scheduled dates, oldest first
    next_due: dt.date


@dataclass(frozen=True)
class Outdated:
    """The file has errors now: the dossier shows its newest committed version without."""

    problem: str  # the file's first error, as the reader prints it
    commit: str  # the version shown
    committed: dt.date
    since: dt.date | None  # when the errors were committed; None: in edits not yet committed


@dataclass(frozen=True)
class MeetingPlan:
    """Who is in the room and who does what: the lead has no direct role in the
    account when we can manage it; the owner and the others listen."""

    theirs: tuple[tuple[str, str], ...]  # name, and who they are
    lead: str
    independent_lead: bool  # the lead is the interviewer named for having no part in the account
    listeners: tuple[str, ...]  # the others from our side, the owner marked


@dataclass(frozen=True)
class Dossier:
    account: Account
    kind: StatusKind
    as_of: dt.date
    reasons: tuple[str, ...]
    tenure: Span | None
    days_since_loss: int | None
    open_complaints: tuple[Entry, ...]
    resolved_complaints: tuple[Entry, ...]
    old_resolved: int  # resolved complaints older than OLD_COMPLAINT_YEARS, at the end
    people: People
    readiness: Readiness
    follow_ups: tuple[FollowUpItem, ...]
    clear_first: tuple[FollowUpItem, ...]  # open promises overdue or due before the meeting
    meeting_upcoming: bool
    meeting_plan: MeetingPlan | None
    dos: tuple[str, ...]  # meeting notes
    donts: tuple[str, ...]
    script: MeetingScript
    commitments: tuple[plan.Commitment, ...]
    if_no: plan.IfNo
    approaches: plan.Approaches
    letters: tuple[plan.Letter, ...]
    signatory: Sponsor | None
    addressee: Person | None  # the most senior person still there, for the letters
    check_ins: CheckIns | None
    history: FileHistory | None  # None without git history
    history_note: str  # why there is no history
    stale: bool  # the file has not changed for longer than the config allows
    outdated: Outdated | None = None  # made from an earlier version: the file has errors now

    @property
    def slug(self) -> str:
        return self.account.slug

    @property
    def facts(self):
        return self.account.facts

    @property
    def prepared(self) -> dt.date:
        return self.as_of

    @property
    def status_label(self) -> str:
        return self.kind.label

    # The four statuses by name, for templates: `d.is_won_back`, not string comparisons.
    @property
    def is_lost(self) -> bool:
        return self.kind.key == "lost"

    @property
    def is_at_risk(self) -> bool:
        return self.kind.key == "at-risk"

    @property
    def is_won_back(self) -> bool:
        return self.kind.key == "won-back"

    @property
    def is_active(self) -> bool:
        return self.kind.key == "active"

    @property
    def back_for(self) -> Span | None:
        """How long a won-back client has been back."""
        won_back = self.facts.won_back
        return Span.between(won_back, self.as_of) if won_back else None

    @property
    def overdue_count(self) -> int:
        return sum(1 for f in self.follow_ups if f.overdue)

    @property
    def letters_to_send(self) -> tuple[plan.Letter, ...]:
        return tuple(letter for letter in self.letters if letter.to_send)


def derive(account: Account, config: Config, bank: QuestionBank, when: BuildDate,
           history: FileHistory | None = None, history_note: str = "",
           outdated: Outdated | None = None) -> Dossier:
    """`history` is the account file's git history; `history_note` says why there is none;
    `outdated` that `account` is an earlier version of a file that has errors now."""
    as_of = when.day
    last = history.last if history else None
    facts = account.facts
    labels = config.reason_labels()
    complaints = account.entries("complaints")
    open_complaints = _newest_first(e for e in complaints if not e.checked)
    resolved = _newest_first(e for e in complaints if e.checked)
    people = _people(facts.people)
    upcoming = bool(facts.meeting and facts.meeting.day >= as_of)
    readiness = _readiness(account, upcoming)
    follow_ups = _follow_ups(account, as_of)
    return Dossier(
        account=account,
        kind=STATUS_BY_KEY[facts.status],
        as_of=as_of,
        reasons=tuple(labels[r] for r in facts.loss_reasons if r in labels),
        tenure=_tenure(account, as_of),
        days_since_loss=(as_of - facts.lost).days if facts.lost else None,
        open_complaints=open_complaints,
        resolved_complaints=resolved,
        old_resolved=_old(resolved, as_of),
        people=people,
        readiness=readiness,
        follow_ups=follow_ups,
        clear_first=_clear_first(follow_ups, facts, upcoming, as_of),
        meeting_upcoming=upcoming,
        meeting_plan=_meeting_plan(facts) if facts.meeting else None,
        dos=tuple(e.text for e in account.entries("meeting_notes") if not _is_dont(e.text)),
        donts=tuple(e.text for e in account.entries("meeting_notes") if _is_dont(e.text)),
        script=tailor(account, bank, _script_facts(account, people, readiness, labels, as_of)),
        commitments=plan.commitments(account, as_of),
        if_no=plan.if_no(account, config, as_of),
        approaches=plan.approaches(account, config, upcoming),
        letters=plan.letters(account, facts.meeting is not None),
        signatory=plan.signatory(account, config),
        addressee=next(iter(people.decision_makers + people.champions + people.others), None),
        check_ins=_check_ins(facts, config, as_of),
        history=history,
        history_note=history_note,
        stale=bool(last and (as_of - last.date).days > config.stale_after_days),
        outdated=outdated,
    )


def _script_facts(account: Account, people: People, readiness: Readiness,
                  labels: dict[str, str], as_of: dt.date) -> ScriptFacts:
    complaints = account.entries("complaints")
    changes = account.entries("changes")
    return ScriptFacts(
        as_of=as_of,
        open_complaints=tuple(sorted((e for e in complaints if not e.checked),
                                     key=lambda e: (e.date or dt.date.min, e.line))),
        decision_makers=people.decision_makers,
        departed=people.departed,
        wins=_wins_to_recall(account.entries("wins")),
        done_changes=tuple(e for e in changes if e.checked),
        open_changes=tuple(e for e in changes if not e.checked),
        ask_after=_spoken_after(readiness) if readiness.listen_only else "",
        reason_labels=labels,
        complaint_dates={e.date.isoformat(): f"the complaint of {day(e.date)}"
                         for e in complaints if e.date},
    )


def _spoken_after(readiness: Readiness) -> str:
    """When we may ask, as said aloud: 'after 12 January'."""
    return f"after {readiness.due:%-d %B}" if readiness.due else "once our changes are in place"


def _wins_to_recall(wins: tuple[Entry, ...]) -> tuple[Entry, ...]:
    """The wins the file marks with !recall first, then the most recent."""
    newest = sorted(wins, key=lambda e: (e.date or dt.date.min, e.line), reverse=True)
    return tuple(sorted(newest, key=lambda e: not e.recall)[:RECALLED_WINS])


def _old(resolved: tuple[Entry, ...], as_of: dt.date) -> int:
    limit = as_of.replace(year=as_of.year - OLD_COMPLAINT_YEARS) if as_of.year > 2 else as_of
    return sum(1 for e in resolved if e.date is not None and e.date < limit)


def _is_dont(text: str) -> bool:
    return text.lower().startswith(DONT)


def _clear_first(follow_ups: tuple[FollowUpItem, ...], facts: Facts, upcoming: bool,
                 as_of: dt.date) -> tuple[FollowUpItem, ...]:
    """Open promises that are overdue, or fall due before the meeting (or this week)."""
    before = facts.meeting.at if upcoming else dt.datetime.combine(
        as_of + dt.timedelta(days=7), dt.time())
    return tuple(f for f in follow_ups if f.state != "done" and f.item.due <= before)


def _meeting_plan(facts: Facts) -> MeetingPlan:
    meeting = facts.meeting
    known = {p.name: p for p in facts.people}
    theirs = tuple((name, _described(known.get(name))) for name in meeting.with_)
    lead = facts.interviewer or next((n for n in meeting.ours if n != facts.owner), "") or (
        facts.owner)
    listeners = tuple(f"{name} (owner)" if name == facts.owner else name
                      for name in meeting.ours if name != lead)
    independent = bool(facts.interviewer) and facts.interviewer != facts.owner
    return MeetingPlan(theirs, lead, independent, listeners)


def _described(person: Person | None) -> str:
    if person is None:
        return ""
    role = person.role.replace("-", " ") if person.role != "other" else ""
    return ", ".join(part for part in (person.title, role) if part)


def _tenure(account: Account, as_of: dt.date) -> Span | None:
    facts = account.facts
    if facts.signed is None:
        return None
    end = facts.lost if not STATUS_BY_KEY[facts.status].client and facts.lost else as_of
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


def _readiness(account: Account, meeting_upcoming: bool) -> Readiness:
    if not STATUS_BY_KEY[account.facts.status].has_readiness:
        return Readiness("not-applicable")
    changes = account.entries("changes")
    remaining = tuple(e for e in changes if e.essential and not e.checked)
    if remaining:
        dates = [e.date for e in remaining]
        due = max(dates) if all(dates) else None
        return Readiness("not-ready", remaining, due, meeting_upcoming)
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


def _check_ins(facts: Facts, config: Config, as_of: dt.date) -> CheckIns | None:
    if not STATUS_BY_KEY[facts.status].came_back or facts.won_back is None:
        return None
    start = facts.won_back
    settles = _add_months(start, config.check_in_first_months)
    close = dt.timedelta(days=config.check_in_first_every_days)
    normal = dt.timedelta(days=facts.check_in_every_days or config.check_in_every_days)
    schedule = _schedule(start, settles, close, normal, as_of)
    upcoming = [d for d in schedule if d >= as_of]
    past = [d for d in schedule if d < as_of][-3:]
    return CheckIns((close if upcoming[0] < settles else normal).days,
                    settles if settles > start else None, tuple(past), upcoming[0])


def _schedule(start: dt.date, settles: dt.date, close: dt.timedelta, normal: dt.timedelta,
              as_of: dt.date) -> list[dt.date]:
    """The check-in dates around `as_of`: every `close` until `settles`, then every
    `normal`. Worked out by arithmetic, not by walking the years."""
    def steps(first: dt.date, step: dt.timedelta, until: dt.date | None) -> list[dt.date]:
        skip = max((as_of - first).days // step.days - 3, 0)
        dates = [first + step * (skip + k) for k in range(5)]
        return [d for d in dates if d > start and (until is None or d < until)]

    dates = steps(start, close, settles) if settles > start else []
    return sorted({*dates, *steps(max(settles, start), normal, None)})


def _add_months(date: dt.date, months: int) -> dt.date:
    month = date.month - 1 + months
    year, month = date.year + month // 12, month % 12 + 1
    for day_of_month in range(date.day, 27, -1):
        try:
            return date.replace(year=year, month=month, day=day_of_month)
        except ValueError:
            continue
    return date.replace(year=year, month=month, day=min(date.day, 28))
