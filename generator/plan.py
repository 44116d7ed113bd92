"""Derive, the plan around the meeting: what we commit to, what we do if they say
no, how we are getting the meeting, and which letters are still to be sent.

Plain values for the templates, computed from the account and the build date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from generator.schema import Account, Approach, Config, Entry, FollowUp, Sponsor
from generator.validate import parse_confirm

# The "beat it" target: a working day before the promise, two hours earlier, within
# office hours ("promise Wednesday 17:00, deliver Tuesday 15:00").
AIM_HOURS_EARLIER = 2
OFFICE_OPENS = dt.time(9, 0)
KEEP_IN_TOUCH_WEEKS = 6


@dataclass(frozen=True)
class Commitment:
    what: str
    due: dt.datetime | dt.date | None  # a date alone when no time is set
    channel: str  # "" when not set
    aim: dt.datetime | dt.date | None  # deliver by then, to beat the promise
    source: str  # follow-up | change


@dataclass(frozen=True)
class IfNo:
    """If they say no: who to bring in, what small business to ask for, how to keep
    in touch, when to try again, and how to leave."""

    sponsor: Sponsor | None
    offers: tuple[str, ...]
    news: tuple[Entry, ...]  # open changes: news to send when each is done
    note_on: dt.date  # a short "hope it is going well" note
    own_notes: tuple[str, ...]  # what else the file says to send
    approach_again: dt.date


@dataclass(frozen=True)
class Approaches:
    """How we are getting the meeting."""

    items: tuple[Approach, ...]  # oldest first
    waiting: bool  # asked, no answer yet, and no meeting booked
    next_try: dt.date | None

    @property
    def last(self) -> Approach | None:
        return self.items[-1] if self.items else None


@dataclass(frozen=True)
class Letter:
    key: str  # meeting-request | thank-you | summary
    sent: dt.date | None  # when a follow-up or an approach says it was sent
    send_by: FollowUp | None  # the open follow-up that sends it
    booked: bool = False  # a meeting request not needed: the meeting is booked

    @property
    def to_send(self) -> bool:
        return self.sent is None and not self.booked


def commitments(account: Account, as_of: dt.date) -> tuple[Commitment, ...]:
    """Open follow-ups and planned changes, soonest first; each with its aim."""
    items = [Commitment(f.what, f.due, f.channel, _aim(f.aim or beat(f.due), as_of), "follow-up")
             for f in account.facts.follow_ups if not f.done]
    for entry in account.entries("changes"):
        if entry.checked:
            continue
        confirm = parse_confirm(entry.detail("confirm")) if entry.detail("confirm") else None
        channel, when = confirm if isinstance(confirm, tuple) else ("", entry.date)
        aim = _aim(beat(when), as_of) if when else None
        items.append(Commitment(entry.text, when, channel, aim, "change"))
    return tuple(sorted(items, key=lambda c: (_sort_key(c.due), c.what)))


def beat(due: dt.datetime | dt.date) -> dt.datetime | dt.date:
    """A working day earlier; for a time, two hours earlier but not before opening."""
    day = due.date() if isinstance(due, dt.datetime) else due
    day -= dt.timedelta(days=1)
    while day.weekday() >= 5:
        day -= dt.timedelta(days=1)
    if not isinstance(due, dt.datetime):
        return day
    hour = max(due.hour - AIM_HOURS_EARLIER, OFFICE_OPENS.hour)
    return dt.datetime.combine(day, dt.time(hour, due.minute if hour > OFFICE_OPENS.hour else 0))


def _aim(aim: dt.datetime | dt.date, as_of: dt.date):
    day = aim.date() if isinstance(aim, dt.datetime) else aim
    return aim if day >= as_of else None


def _sort_key(value: dt.datetime | dt.date | None) -> dt.datetime:
    if value is None:
        return dt.datetime.max
    return value if isinstance(value, dt.datetime) else dt.datetime.combine(value, dt.time.max)


def if_no(account: Account, config: Config, as_of: dt.date) -> IfNo:
    facts = account.facts
    base = max(facts.meeting.day, as_of) if facts.meeting else as_of
    news = tuple(e for e in account.entries("changes") if not e.checked)
    return IfNo(
        sponsor=facts.sponsor or config.sponsor,
        offers=tuple(facts.if_no.offer),
        news=news,
        note_on=base + dt.timedelta(weeks=KEEP_IN_TOUCH_WEEKS),
        own_notes=tuple(facts.if_no.keep_in_touch),
        approach_again=facts.if_no.approach_again or base + dt.timedelta(
            days=config.approach_again_after_days),
    )


def approaches(account: Account, config: Config, meeting_upcoming: bool) -> Approaches:
    items = tuple(sorted(account.facts.approaches, key=lambda a: a.date))
    last = items[-1] if items else None
    if last is None or meeting_upcoming or last.outcome == "agreed":
        return Approaches(items, False, None)
    wait = (config.chase_after_days if last.outcome == "waiting"
            else config.approach_again_after_days)
    return Approaches(items, last.outcome == "waiting",
                      last.next_try or last.date + dt.timedelta(days=wait))


def letters(account: Account, meeting_booked: bool) -> tuple[Letter, ...]:
    """Each letter, and whether its step is done: a letter already sent is not printed
    again. The meeting request is done once we have asked, or the meeting is booked."""
    follow_ups = account.facts.follow_ups
    asked = min((a.date for a in account.facts.approaches), default=None)
    result = []
    for key in ("meeting-request", "thank-you", "summary"):
        done = [f.due.date() for f in follow_ups if f.done and key in f.letters]
        sent = min(done) if done else (asked if key == "meeting-request" else None)
        send_by = next((f for f in sorted(follow_ups, key=lambda f: f.due)
                        if not f.done and key in f.letters), None)
        booked = key == "meeting-request" and sent is None and meeting_booked
        result.append(Letter(key, sent, send_by, booked))
    return tuple(result)


def signatory(account: Account, config: Config) -> Sponsor | None:
    """Who signs the letters: the account's senior sponsor, the project's, else the owner."""
    facts = account.facts
    if facts.sponsor or config.sponsor:
        return facts.sponsor or config.sponsor
    return Sponsor(name=facts.owner) if facts.owner else None
