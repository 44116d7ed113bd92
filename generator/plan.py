"""Derive, the plan around the meeting: what we commit to, what we do if they say
no, how we are getting the meeting, and who on our side signs and who is brought in.

Plain values for the templates. Dates count from what the file records (a promise,
a meeting, an approach): the build date only decides what is past.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from generator.after import MeetingRecord
from generator.schema import Account, Approach, Config, Entry, Facts, Meeting
from generator.validate import parse_confirm

# The "beat it" target: a working day before the promise, two hours earlier, within
# office hours ("promise Wednesday 17:00, deliver Tuesday 15:00").
AIM_EARLIER = dt.timedelta(hours=2)
OFFICE_OPENS = dt.time(9, 0)
OFFICE_CLOSES = dt.time(17, 0)
KEEP_IN_TOUCH_WEEKS = 6


@dataclass(frozen=True)
class Person:
    """One of ours, as a letter signs or a plan names them."""

    name: str
    title: str = ""
    email: str = ""


@dataclass(frozen=True)
class Commitment:
    what: str
    due: dt.datetime | dt.date | None  # a date alone when no time is set
    channel: str  # "" when not set
    aim: dt.datetime | dt.date | None  # deliver by then, to beat the promise
    source: str  # follow-up | change
    say: str = ""  # how it reads to the client, when the file writes it


@dataclass(frozen=True)
class IfNo:
    """If they say no: who to bring in, what small business to ask for, how to keep
    in touch, when to try again, and how to leave. Dated from `since`."""

    escalate_to: Person | None  # someone senior, not in the meeting, not yet involved
    offers: tuple[str, ...]
    news: tuple[Entry, ...]  # open changes: news to send when each is done
    note_on: dt.date | None  # a short note to keep in touch, about `note`
    note: str  # what the note says: "how are things going"
    own_notes: tuple[str, ...]  # what else the file says to send
    approach_again: dt.date | None
    since: str  # what the dates count from, in words: "the meeting of 3 Dec 2026"


@dataclass(frozen=True)
class Approaches:
    """How we are getting the meeting."""

    items: tuple[Approach, ...]  # oldest first
    waiting: bool  # asked, no answer yet, and no meeting booked
    next_try: dt.date | None
    overdue: bool = False  # the next try's date has passed

    @property
    def last(self) -> Approach | None:
        return self.items[-1] if self.items else None


def commitments(account: Account, meeting_end: dt.datetime | None,
                as_of: dt.date) -> tuple[Commitment, ...]:
    """Open follow-ups and planned changes, soonest first; each with its aim."""
    items = [Commitment(f.what, f.due, f.channel,
                        _aim(f.aim or aim_for(f.due, meeting_end), as_of), "follow-up", f.say)
             for f in account.facts.follow_ups if not f.is_done]
    for entry in account.entries("changes"):
        if entry.checked:
            continue
        confirm = parse_confirm(entry.detail("confirm")) if entry.detail("confirm") else None
        channel, when = confirm if isinstance(confirm, tuple) else ("", entry.date)
        aim = _aim(aim_for(when, meeting_end), as_of) if when else None
        items.append(Commitment(entry.text, when, channel, aim, "change", entry.detail("say")))
    return tuple(sorted(items, key=lambda c: (_sort_key(c.due), c.what)))


def beat(due: dt.datetime | dt.date) -> dt.datetime | dt.date:
    """A working day earlier; for a time, two hours earlier but not before opening."""
    day = previous_working_day(due.date() if isinstance(due, dt.datetime) else due)
    if not isinstance(due, dt.datetime):
        return day
    earlier = (due - AIM_EARLIER).time()
    return dt.datetime.combine(day, max(earlier, OFFICE_OPENS))


def aim_for(due: dt.datetime | dt.date,
            meeting_end: dt.datetime | None) -> dt.datetime | dt.date | None:
    """The aim for a promise: `beat`, but never before or during the meeting that a
    promise due after it follows; none when no time is left between the two."""
    aim = beat(due)
    if meeting_end is None or _sort_key(due) <= meeting_end:
        return aim
    if _sort_key(aim) > meeting_end:
        return aim
    if not isinstance(due, dt.datetime):
        return None  # a day's promise right after the meeting: the day itself is the aim
    soonest = _next_working_time(meeting_end + dt.timedelta(hours=1))
    return soonest if soonest < due else None


def _next_working_time(moment: dt.datetime) -> dt.datetime:
    """The moment, moved into office hours: the half hour after it, or the next
    working morning."""
    rounded = moment + dt.timedelta(minutes=(-moment.minute) % 30)
    rounded = rounded.replace(second=0, microsecond=0)
    if rounded.weekday() < 5 and OFFICE_OPENS <= rounded.time() <= OFFICE_CLOSES:
        return rounded
    day = rounded.date() if rounded.time() < OFFICE_OPENS else rounded.date() + dt.timedelta(1)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return dt.datetime.combine(day, OFFICE_OPENS)


def previous_working_day(day: dt.date) -> dt.date:
    day -= dt.timedelta(days=1)
    while day.weekday() >= 5:
        day -= dt.timedelta(days=1)
    return day


def next_working_day(day: dt.date) -> dt.date:
    day += dt.timedelta(days=1)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def _aim(aim: dt.datetime | dt.date | None, as_of: dt.date):
    if aim is None:
        return None
    day = aim.date() if isinstance(aim, dt.datetime) else aim
    return aim if day >= as_of else None


def _sort_key(value: dt.datetime | dt.date | None) -> dt.datetime:
    if value is None:
        return dt.datetime.max
    return value if isinstance(value, dt.datetime) else dt.datetime.combine(value, dt.time.max)


def meeting_end(meeting: Meeting | None, minutes: int) -> dt.datetime | None:
    if meeting is None:
        return None
    return meeting.at + dt.timedelta(minutes=minutes if meeting.time_set else 24 * 60)


# --- who on our side -----------------------------------------------------------------


def ours_by_seniority(facts: Facts, config: Config) -> list[Person]:
    """Everyone on our side the project knows of, most senior first: the team of
    winback.yaml in its order, then the account's sponsor and the project's, then the
    interviewer and the owner."""
    people: list[Person] = [Person(m.name, m.title, m.email) for m in config.team]
    for sponsor in (facts.sponsor, config.sponsor):
        if sponsor is not None:
            people.append(Person(sponsor.name, sponsor.title))
    people += [Person(name) for name in (facts.interviewer, facts.owner) if name]
    seen: dict[str, Person] = {}
    for person in people:
        key = person.name.casefold()
        known = seen.get(key)
        seen[key] = known if known else person
        if known and not known.title and person.title:
            seen[key] = Person(known.name, person.title, known.email)
    return list(seen.values())


def most_senior(names: tuple[str, ...], facts: Facts, config: Config) -> Person | None:
    """Of these of our people, the most senior; a name the project does not know comes
    after every one it knows, in the order given."""
    ranked = ours_by_seniority(facts, config)
    order = {p.name.casefold(): i for i, p in enumerate(ranked)}
    if not names:
        return None
    best = min(names, key=lambda n: (order.get(n.casefold(), len(order)), names.index(n)))
    return next((p for p in ranked if p.name.casefold() == best.casefold()), Person(best))


def involved(facts: Facts, found: tuple[MeetingRecord, ...]) -> set[str]:
    """Our people who already have a part: in a meeting, owning or keeping a promise."""
    names = {facts.owner, facts.interviewer}
    if facts.meeting is not None:
        names |= set(facts.meeting.ours)
    for record in found:
        names |= set(record.ours)
    names |= {f.owner for f in facts.follow_ups}
    return {name.casefold() for name in names if name}


def signatory(facts: Facts, config: Config) -> Person | None:
    """Who signs the meeting request: the account's senior sponsor, the project's, else
    the owner."""
    sponsor = facts.sponsor or config.sponsor
    if sponsor is not None:
        member = config.member(sponsor.name)
        return Person(sponsor.name, sponsor.title, member.email if member else "")
    if facts.owner:
        member = config.member(facts.owner)
        return Person(facts.owner, member.title if member else "", member.email if member else "")
    return None


# --- if they say no ----------------------------------------------------------------------


def if_no(account: Account, config: Config, found: tuple[MeetingRecord, ...],
          since: tuple[dt.date, str] | None) -> IfNo:
    """`since`: the date the plan counts from and what it is, in words (the meeting, or
    the last contact); None when the file records no contact at all. The one to bring in
    is the account's sponsor, else the project's, else the most senior of the team, as
    long as they have had no part in it yet."""
    facts = account.facts
    busy = involved(facts, found)
    sponsors = [Person(s.name, s.title) for s in (facts.sponsor, config.sponsor) if s]
    senior = next((p for p in (*sponsors, *ours_by_seniority(facts, config))
                   if p.name.casefold() not in busy), None)
    base = since[0] if since else None
    return IfNo(
        escalate_to=senior,
        offers=tuple(facts.if_no.offer),
        news=tuple(e for e in account.entries("changes") if not e.checked),
        note_on=base + dt.timedelta(weeks=KEEP_IN_TOUCH_WEEKS) if base else None,
        note="hope the move went well" if "relocated" in facts.loss_reasons
        else "how are things going",
        own_notes=tuple(facts.if_no.keep_in_touch),
        approach_again=facts.if_no.approach_again or (
            base + dt.timedelta(days=config.approach_again_after_days) if base else None),
        since=since[1] if since else "",
    )


def approaches(account: Account, config: Config, meeting_upcoming: bool,
               as_of: dt.date) -> Approaches:
    items = tuple(sorted(account.facts.approaches, key=lambda a: a.date))
    last = items[-1] if items else None
    if last is None or meeting_upcoming or last.outcome == "agreed":
        return Approaches(items, False, None)
    wait = (config.chase_after_days if last.outcome == "waiting"
            else config.approach_again_after_days)
    next_try = last.next_try or last.date + dt.timedelta(days=wait)
    return Approaches(items, last.outcome == "waiting", next_try, next_try < as_of)
