"""Render, calendar: meetings and follow-ups -> an iCalendar file (RFC 5545).

Each event's UID is made from the account slug and what the event is, never
from its position or time, so importing a rebuilt calendar updates events
instead of duplicating them. Times are floating (local wall-clock time), as
written in the account files. Each account's events are made with its dossier
and kept, so a rebuild after one edit joins them rather than remaking all.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from generator import __version__
from generator.derive import Dossier

FOLLOW_UP_MINUTES = 15
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
END = b"END:VCALENDAR\r\n"


def calendar(title: str, events: list[bytes]) -> bytes:
    """The calendar, from the accounts' events (each from `account_events`) in order."""
    import icalendar  # imported here: most rebuilds do not remake the calendar

    cal = icalendar.Calendar()
    cal.add("prodid", f"-//winback//winback {__version__}//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", title)
    empty = cal.to_ical()
    return empty[: -len(END)] + b"".join(events) + END


def account_events(dossier: Dossier, meeting_minutes: int) -> bytes:
    """One account's meeting and follow-ups as VEVENTs, ordered by UID."""
    events = _events(dossier, meeting_minutes)
    return b"".join(event.to_ical() for event in sorted(events, key=lambda e: str(e["uid"])))


def _events(dossier: Dossier, meeting_minutes: int) -> list:
    facts = dossier.facts
    stamp = (dt.datetime.combine(dossier.prepared, dt.time(), dt.timezone.utc)
             if dossier.prepared else EPOCH)
    events = []
    if facts.meeting is not None:
        meeting = facts.meeting
        lines = [f"Account: {facts.name}", f"Owner: {facts.owner or 'unassigned'}"]
        if meeting.with_:
            lines.append(f"With: {', '.join(meeting.with_)}")
        if meeting.ours:
            lines.append(f"From our side: {', '.join(meeting.ours)}")
        event = _event(f"meeting-{dossier.slug}", stamp, meeting.when, meeting_minutes,
                       f"{dossier.kind.meeting}: {facts.name}", "\n".join(lines))
        if meeting.where:
            event.add("location", meeting.where)
        events.append(event)
    seen: dict[str, int] = {}
    for item in dossier.follow_ups:
        follow_up = item.item
        digest = hashlib.sha1(follow_up.what.encode("utf-8")).hexdigest()[:12]
        seen[digest] = seen.get(digest, 0) + 1
        ident = f"follow-up-{dossier.slug}-{digest}" + (
            f"-{seen[digest]}" if seen[digest] > 1 else "")
        done = "Done: " if follow_up.is_done else ""
        event = _event(ident, stamp, follow_up.due, FOLLOW_UP_MINUTES,
                       f"{done}Follow-up by {follow_up.channel}: {follow_up.what} ({facts.name})",
                       f"Account: {facts.name}\nOwner: {item.owner or 'unassigned'}")
        if follow_up.is_done:
            event.add("transp", "TRANSPARENT")
        events.append(event)
    events += _check_in_events(dossier, stamp)
    return events


def _check_in_events(dossier: Dossier, stamp: dt.datetime) -> list:
    """A won-back client's check-ins: each one missed since the last held, flagged on its
    day, else the next one due. All day: a check-in has a date, not a time."""
    check_ins = dossier.check_ins
    if check_ins is None:
        return []
    name = dossier.facts.name
    owner = f"Owner: {dossier.facts.owner or 'unassigned'}"
    if check_ins.overdue:
        return [_event(f"check-in-{dossier.slug}-{day.isoformat()}", stamp, day, 0,
                       f"Missed check-in: {name}",
                       f"Account: {name}\n{owner}\nNo check-in is recorded since it was "
                       "due: check in now, and record it.")
                for day in check_ins.missing]
    return [_event(f"check-in-{dossier.slug}-{check_ins.next_due.isoformat()}", stamp,
                   check_ins.next_due, 0, f"Check-in due: {name}",
                   f"Account: {name}\n{owner}\nA stay-close check-in with a won-back client.")]


def _event(ident: str, stamp: dt.datetime, start: dt.datetime | dt.date, minutes: int,
           summary: str, description: str):
    """An event; a date without a time (a meeting whose time is not set) is all day."""
    import icalendar

    event = icalendar.Event()
    event.add("uid", f"{ident}@winback")
    event.add("dtstamp", stamp)
    event.add("dtstart", start)
    if isinstance(start, dt.datetime):
        event.add("duration", dt.timedelta(minutes=minutes))
    else:
        event.add("dtend", start + dt.timedelta(days=1))
    event.add("summary", summary)
    event.add("description", description)
    return event
