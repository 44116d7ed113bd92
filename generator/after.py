"""Derive, after the meeting: what the file records of each meeting held, what the
outcome leaves to do, and the check-ins that keep a won-back client close.

Every date here counts from something the file records (a meeting held, an approach,
the loss, the return), never from the day of the build: two builds a week apart print
the same dates. The build date only decides what is past, and so overdue or missed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from generator.schema import Account, Config, Facts
from generator.statuses import STATUS_BY_KEY
from generator.validate import parse_when


@dataclass(frozen=True)
class MeetingRecord:
    """One meeting held, as the `## Meetings` section records it."""

    line: int
    when: dt.datetime | dt.date
    text: str  # what the item says of it: "Met Ruth Adeyemi at their Leeds office."
    heard: tuple[str, ...]  # what they said, in their words
    needs: tuple[str, ...]  # what matters to them now
    outcome: str  # accepted | review | refused | undecided | "" (not recorded yet)
    next: dt.datetime | dt.date | None  # the next contact agreed
    theirs: tuple[str, ...]  # who met us
    ours: tuple[str, ...]  # who was there from our side
    channel: str  # how it was held; "" when the file does not say
    thanks: str  # the one thing to thank them for, when the file names it

    @property
    def day(self) -> dt.date:
        return self.when.date() if isinstance(self.when, dt.datetime) else self.when

    @property
    def next_day(self) -> dt.date | None:
        return self.next.date() if isinstance(self.next, dt.datetime) else self.next


def records(account: Account) -> tuple[MeetingRecord, ...]:
    """The meetings held, oldest first; who attended comes from `meeting:` when its date
    is the record's, else from the record's own `with:` and `ours:`."""
    meeting = account.facts.meeting
    found = []
    for entry in account.entries("meetings"):
        if entry.date is None:
            continue
        booked = meeting is not None and meeting.day == entry.date
        next_text = entry.detail("next")
        found.append(MeetingRecord(
            line=entry.line,
            when=entry.when,
            text=entry.text,
            heard=entry.details_of("heard"),
            needs=entry.details_of("needs"),
            outcome=entry.detail("outcome"),
            next=parse_when(next_text) if next_text else None,
            theirs=tuple(entry.detail_list("with") or (meeting.with_ if booked else ())),
            ours=tuple(entry.detail_list("ours") or (meeting.ours if booked else ())),
            channel=entry.detail("channel"),
            thanks=entry.detail("thanks"),
        ))
    return tuple(sorted(found, key=lambda r: (_at(r.when), r.line)))


def recorded(found: tuple[MeetingRecord, ...], day: dt.date) -> MeetingRecord | None:
    return next((r for r in reversed(found) if r.day == day), None)


def last_contact(facts: Facts, found: tuple[MeetingRecord, ...]) -> dt.date | None:
    """The last time the file records that we were in touch: a meeting held, an
    approach, a promise kept, the loss or the return."""
    dates = [r.day for r in found]
    dates += [a.date for a in facts.approaches]
    dates += [f.due.date() for f in facts.follow_ups if f.is_done]
    dates += [d for d in (facts.lost, facts.won_back) if d]
    return max(dates, default=None)


# --- check-ins ---------------------------------------------------------------------


@dataclass(frozen=True)
class CheckIns:
    """For a won-back client: close check-ins in the first months back, then the
    account's normal rhythm. Each meeting held since they came back (a call counts)
    is a check-in; one that falls due with none recorded by then is missed."""

    every_days: int  # the rhythm now
    settles_on: dt.date | None  # when close check-ins give way to the normal rhythm
    held: tuple[dt.date, ...]  # check-ins on record since they came back, oldest first
    missed: tuple[dt.date, ...]  # check-ins that fell due with none held by then
    next_due: dt.date  # the next one; in the past when it is missed and not yet made up
    close: bool  # the next one is still in the close first months back
    due_today: bool  # the next one falls on the build date

    @property
    def missing(self) -> tuple[dt.date, ...]:
        """The missed check-ins since the last one held: to make up now."""
        last = self.held[-1] if self.held else dt.date.min
        return tuple(d for d in self.missed if d > last)

    @property
    def overdue(self) -> bool:
        return bool(self.missing)


def check_ins(facts: Facts, config: Config, found: tuple[MeetingRecord, ...],
              as_of: dt.date) -> CheckIns | None:
    if not STATUS_BY_KEY[facts.status].came_back or facts.won_back is None:
        return None
    start = facts.won_back
    settles = _add_months(start, config.check_in_first_months)
    close = dt.timedelta(days=config.check_in_first_every_days)
    normal = dt.timedelta(days=facts.check_in_every_days or config.check_in_every_days)

    def after(day: dt.date) -> dt.date:
        return day + (close if day < settles else normal)

    held = sorted({r.day for r in found if start < r.day <= as_of})
    missed: list[dt.date] = []
    last = start
    for contact in held:
        due = after(last)
        while due < contact:
            missed.append(due)
            due = after(due)
        last = contact
    due = after(last)
    pending: list[dt.date] = []
    while due < as_of:
        pending.append(due)
        due = after(due)
    missed += pending
    next_due = pending[0] if pending else due
    rhythm = (close if next_due < settles else normal).days
    return CheckIns(rhythm, settles if settles > start else None, tuple(held),
                    tuple(missed), next_due, next_due < settles, next_due == as_of)


def _add_months(date: dt.date, months: int) -> dt.date:
    month = date.month - 1 + months
    year, month = date.year + month // 12, month % 12 + 1
    for day_of_month in range(date.day, 27, -1):
        try:
            return date.replace(year=year, month=month, day=day_of_month)
        except ValueError:
            continue
    return date.replace(year=year, month=month, day=min(date.day, 28))


def _at(when: dt.datetime | dt.date) -> dt.datetime:
    return when if isinstance(when, dt.datetime) else dt.datetime.combine(when, dt.time())

