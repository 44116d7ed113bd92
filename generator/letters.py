"""Derive, what the client reads: the meeting request, the thank-you note and the
written summary, drafted from the file as they will be sent, and the plan the client
can be given.

A letter carries only what the client reads: the date, whom it is to, what we heard
and will do, who signs. How and when to send it is for us, and goes in the brief
(`Letter.how`). The summary and the thank-you note are drafted from the record of the
meeting held (`generator.after`); until there is one, they wait for it. The same
draft becomes the letters page, its PDF and an email draft.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

from generator.after import MeetingRecord
from generator.plan import Person, most_senior, next_working_day, signatory
from generator.schema import Account, Config, Facts, FollowUp
from generator.statuses import STATUS_BY_KEY
from generator.text import channel_words, clause, first_name, joined, months_in_words

LETTER_KEYS = ("meeting-request", "thank-you", "summary")
TITLES = {"meeting-request": "Meeting request", "thank-you": "Thank-you note",
          "summary": "Written summary"}


@dataclass(frozen=True)
class Recipient:
    name: str
    email: str = ""


@dataclass(frozen=True)
class Block:
    """A paragraph, or a list of points."""

    text: str = ""
    points: tuple[str, ...] = ()


@dataclass(frozen=True)
class Letter:
    key: str  # meeting-request | thank-you | summary
    sent: dt.date | None  # when a follow-up or an approach says it was sent
    send_by: FollowUp | None  # the open follow-up that sends it
    booked: bool = False  # a meeting request not needed: the meeting is booked
    waiting: str = ""  # why it cannot be drafted yet
    dated: dt.date | None = None  # the date it carries: the day it is to be sent
    to: tuple[Recipient, ...] = ()
    salutation: str = ""
    body: tuple[Block, ...] = ()
    closing: str = "With thanks,"
    signer: Person | None = None
    subject: str = ""
    how: str = ""  # how and when to send it, for the brief

    @property
    def title(self) -> str:
        return TITLES[self.key]

    @property
    def to_send(self) -> bool:
        return self.sent is None and not self.booked

    @property
    def drafted(self) -> bool:
        return self.to_send and not self.waiting


@dataclass(frozen=True)
class LetterFacts:
    """What the letters need from the rest of the dossier, worked out there."""

    as_of: dt.date
    tenure_months: int | None  # with us, without any time away; None when not known
    our_failure: bool  # the file records a failure of ours
    open_fixes: bool
    record: MeetingRecord | None  # the last meeting held
    promises: tuple[FollowUp, ...]  # open follow-ups due after that meeting
    changes: tuple[tuple[str, str, dt.datetime | None, dt.date | None], ...]  # open changes
    # with a confirmation: (what, channel, confirm by, due)


def letters(account: Account, config: Config, facts: LetterFacts) -> tuple[Letter, ...]:
    """Each letter, and whether its step is done: a letter already sent is not printed
    again. The meeting request is done once we have asked, or the meeting is booked."""
    follow_ups = account.facts.follow_ups
    asked = min((a.date for a in account.facts.approaches), default=None)
    result = []
    for key in LETTER_KEYS:
        done = [f.due.date() for f in follow_ups if f.is_done and key in f.letters]
        sent = min(done) if done else (asked if key == "meeting-request" else None)
        send_by = next((f for f in sorted(follow_ups, key=lambda f: f.due)
                        if not f.is_done and key in f.letters), None)
        booked = key == "meeting-request" and sent is None and account.facts.meeting is not None
        letter = Letter(key, sent, send_by, booked)
        if letter.to_send:
            letter = DRAFTS[key](letter, account, config, facts)
        result.append(letter)
    return tuple(result)


def _meeting_request(letter: Letter, account: Account, config: Config,
                     facts: LetterFacts) -> Letter:
    f = account.facts
    to = _decider(account)
    tenure = months_in_words(facts.tenure_months, the=True) if facts.tenure_months is not None \
        else "the time"
    body = REQUESTS[STATUS_BY_KEY[f.status].request](f, facts, tenure)
    body += ("I will call your office next week to find a time that suits you, or you are "
             "welcome to reply to this letter.",)
    due = letter.send_by
    how = "In writing, not by phone, to the most senior person involved in the decision"
    how += f": {channel_words(due.channel) or 'send it'} by {_when(due.due)}." if due else "."
    return _dated(letter, config, (to,) if to else (), tuple(Block(text) for text in body),
                  signatory(f, config), "Could we meet?", how,
                  due.due.date() if due else facts.as_of)


def _win_back_request(f: Facts, facts: LetterFacts, tenure: str) -> tuple[str, ...]:
    moved = f"to {f.competitor}" if f.competitor else "on"
    hear = ("to hear in your own words where we fell short" if facts.our_failure else
            "to hear how things look for you now, and what would make us useful to you "
            "again")
    return (f"Thank you for {tenure} {f.name} worked with us. We understand your decision "
            f"to move {moved}, and we accept it: this letter does not ask you to "
            "reconsider.",
            f"I would value an hour of your time, in person or by video, {hear}. What you "
            "tell us will change how we work, whatever you decide.")


def _retention_request(f: Facts, facts: LetterFacts, tenure: str) -> tuple[str, ...]:
    first = ("I know recent months have not been up to the standard you expect, and I "
             "would like to hear it from you directly." if facts.our_failure else
             "I would like to hear from you directly how things look on your side, and "
             "what you need from us next.")
    fixes = (" and for us to show you what we are fixing and by when" if facts.open_fixes
             else "")
    return (f"Thank you for {tenure} {f.name} has worked with us. {first}",
            "Could we take an hour, in person or by video, for you to tell us what is "
            f"working and what is not{fixes}?")


def _stay_close_request(f: Facts, facts: LetterFacts, tenure: str) -> tuple[str, ...]:
    back = months_in_words(_months(f.won_back, facts.as_of)) if f.won_back else "a while"
    return (f"It has been {back} since {f.name} came back to us, and I want to be sure we "
            "are keeping the promises we made then.",
            "Could we take half an hour to go through how it is going, and anything that "
            "is not going as we promised?")


def _review_request(f: Facts, facts: LetterFacts, tenure: str) -> tuple[str, ...]:
    return (f"Thank you for working with us over {tenure}. I would like to hear how we are "
            "doing for you, and what we could do better.",
            "Could we take an hour, in person or by video, to review the account together?")


# The meeting requests a status may be sent (its `request` in the status table): what
# the first paragraphs ask for, by the kind of meeting.
REQUESTS: dict[str, Callable[[Facts, LetterFacts, str], tuple[str, ...]]] = {
    "win-back": _win_back_request,
    "retention": _retention_request,
    "stay-close": _stay_close_request,
    "review": _review_request,
}


def _summary(letter: Letter, account: Account, config: Config, facts: LetterFacts) -> Letter:
    record = facts.record
    waiting = _waiting(record, account, summary=True)
    if waiting:
        return _waits(letter, waiting)
    heard = tuple(_to_you(line) for line in record.heard)
    if record.needs:
        needs = joined([_trim(clause(need)) for need in record.needs])
        heard += (f"What matters to you now: {needs}.",)
    will = [_promise(f) for f in facts.promises if not set(f.letters) & {"summary", "thank-you"}]
    will += [_change(*change) for change in facts.changes]
    step = _next_step(record, facts)
    if step:
        will.append(step)
    on = _on_day(record.day, _send_day(letter, record))
    body = [Block(f"Thank you for the time {on}. So that we are sure we understood you, here "
                  "is what we heard:", heard)]
    body.append(Block("What we will do:", tuple(will)) if will else Block(
        "We will write again with what we will do, and when."))
    body.append(Block("If we have misunderstood anything, please tell me."))
    how = "By email, the day after the meeting"
    if letter.send_by:
        how += f": due {_when(letter.send_by.due)}"
    how += ". Stating their view correctly is the test of having understood it."
    return _dated(letter, config, _attendees(account, record), tuple(body),
                  _signer(account, config, record),
                  f"What we heard at our meeting on {record.day:%-d %B}", how,
                  _send_day(letter, record))


def _thank_you(letter: Letter, account: Account, config: Config,
               facts: LetterFacts) -> Letter:
    record = facts.record
    waiting = _waiting(record, account, summary=False)
    if waiting:
        return _waits(letter, waiting)
    on = _on_day(record.day, _send_day(letter, record))
    if record.thanks:
        thanks = f"Thank you for meeting us {on}, and especially {_trim(record.thanks)}."
    else:
        heard = _to_you(record.heard[0])
        thanks = (f"Thank you for meeting us {on}, and for being so open with us, not least "
                  f"in telling us that {_trim(clause(heard))}.")
    body = (Block(thanks), Block("We have taken it to heart, and I will keep you posted."))
    how = "By hand on a card if you can, a printed letter if not: the day after the meeting"
    how += f" (due {_when(letter.send_by.due)})" if letter.send_by else ""
    how += ", beside the written summary."
    return _dated(letter, config, _attendees(account, record), body,
                  _signer(account, config, record), "Thank you", how,
                  _send_day(letter, record))


DRAFTS = {"meeting-request": _meeting_request, "summary": _summary, "thank-you": _thank_you}


def _waiting(record: MeetingRecord | None, account: Account, *, summary: bool) -> str:
    """Why the letter cannot be drafted yet, in words; '' when it can."""
    if record is None:
        slug = account.slug
        return (f"to draft after the meeting: run `winback debrief {slug}` and write under "
                "the record what you heard")
    if not record.heard and (summary or not record.thanks):
        return (f"to draft from what you heard: write it as 'heard:' lines under the meeting "
                f"of {record.day:%-d %b %Y} in the file")
    return ""


def _waits(letter: Letter, why: str) -> Letter:
    return Letter(letter.key, letter.sent, letter.send_by, letter.booked, waiting=why)


def _dated(letter: Letter, config: Config, to: tuple[Recipient, ...], body: tuple[Block, ...],
           signer: Person | None, subject: str, how: str, day: dt.date) -> Letter:
    names = [first_name(r.name) for r in to]
    return Letter(letter.key, letter.sent, letter.send_by, letter.booked, dated=day, to=to,
                  salutation=f"Dear {joined(names)}," if names else "Dear [name],",
                  body=body, signer=signer, subject=subject, how=how)


def _decider(account: Account) -> Recipient | None:
    """The most senior person still there: who decides, else who champions us."""
    present = [p for p in account.facts.people if p.left is None]
    ranked = sorted(present, key=lambda p: ("decision-maker", "champion").index(p.role)
                    if p.role in ("decision-maker", "champion") else 2)
    return Recipient(ranked[0].name, ranked[0].email) if ranked else None


def _attendees(account: Account, record: MeetingRecord) -> tuple[Recipient, ...]:
    people = {p.name: p for p in account.facts.people}
    names = record.theirs or tuple(p.name for p in account.facts.people
                                   if p.role == "decision-maker" and p.left is None)[:1]
    return tuple(Recipient(name, people[name].email if name in people else "")
                 for name in names)


def _signer(account: Account, config: Config, record: MeetingRecord) -> Person | None:
    """The most senior of our people who were there; else the owner."""
    facts = account.facts
    if record.ours:
        return most_senior(record.ours, facts, config)
    return most_senior((facts.owner,), facts, config) if facts.owner else None


def _send_day(letter: Letter, record: MeetingRecord) -> dt.date:
    return letter.send_by.due.date() if letter.send_by else next_working_day(record.day)


def _on_day(meeting: dt.date, sent: dt.date) -> str:
    """'on Tuesday' within the week of the letter; 'on 3 December' further back."""
    if 0 <= (sent - meeting).days < 6:
        return f"on {meeting:%A}"
    return f"on {meeting:%-d %B}"


def _promise(follow_up: FollowUp) -> str:
    what = _trim(follow_up.say or _to_you(follow_up.what))
    how = channel_words(follow_up.channel)
    return f"{what}{' ' + how if how else ''} by {_when(follow_up.due)}."


def _change(what: str, channel: str, confirm: dt.datetime | None, due: dt.date | None) -> str:
    planned = f", planned for {due:%-d %B}" if due else ""
    how = channel_words(channel)
    confirm_by = f", by {_when(confirm)}" if confirm else ""
    return f"{_trim(what)}{planned}: we will confirm it{' ' + how if how else ''}{confirm_by}."


def _next_step(record: MeetingRecord, facts: LetterFacts) -> str:
    when = _when(record.next) if record.next else ""
    if record.outcome == "review":
        return f"Ask you for a short review on {when}, if you are willing." if when else ""
    if record.outcome == "undecided":
        return f"Be in touch on {when} to hear where you have got to." if when else ""
    if record.outcome == "refused":
        return ("Keep you posted on the changes, without asking anything of you."
                if facts.open_fixes else "Stay in touch from time to time, without asking "
                "anything of you.")
    if record.outcome == "accepted":
        return f"Start again with you on {when}, as agreed." if when else ""
    return ""


def _when(moment: dt.datetime | dt.date) -> str:
    """'Friday 8 January, 16:00', or 'Friday 8 January' for a day."""
    if isinstance(moment, dt.datetime):
        return f"{moment:%A %-d %B}, {moment:%H:%M}"
    return f"{moment:%A %-d %B}"


def _months(start: dt.date, end: dt.date) -> int:
    months = (end.year - start.year) * 12 + end.month - start.month
    return max(months - (end.day < start.day), 0)


THEY = {"they": "you", "them": "you", "their": "your", "theirs": "yours",
        "themselves": "yourselves", "they're": "you're", "they've": "you've",
        "they'd": "you'd", "they'll": "you'll"}
THEY_WORD = re.compile(r"\b(" + "|".join(sorted(THEY, key=len, reverse=True)) + r")\b", re.I)


def _to_you(text: str) -> str:
    """A line heard, written of them as our notes are ('forced them to cancel'), as the
    letter says it to them ('forced you to cancel'). They and you take the same verbs."""
    def swap(match: re.Match) -> str:
        word = match.group(0)
        said = THEY[word.lower()]
        return said.capitalize() if word[0].isupper() else said

    return THEY_WORD.sub(swap, text)


def _trim(text: str) -> str:
    return text.rstrip().rstrip(".")



# --- the plan the client can be given ------------------------------------------------


@dataclass(frozen=True)
class PlanItem:
    text: str
    when: str  # "in place since October 2026", "due 12 January 2027", ...


@dataclass(frozen=True)
class ClientPlan:
    """One page the client can be given: the relationship in brief, the cause as a
    fact, their needs now, and our commitment. Only what is written for them: never our
    notes for the meeting, what people are like, or the candid "why we lost them"."""

    title: str
    since: str  # "since May 2013, thirteen years"; "" when the file has no signed date
    relationship: str  # the plan's own words on the relationship
    wins: tuple[str, ...]  # what we did for them, the wins worth recalling
    cause: str  # the cause as the file writes it for them; "" shows a prompt
    has_cause: bool  # whether there is a cause to state (an active account may have none)
    needs: tuple[str, ...]
    in_place: tuple[PlanItem, ...]
    coming: tuple[PlanItem, ...]
    promises: tuple[PlanItem, ...]
    commitment: str  # the plan's own words on our commitment


def client_plan(account: Account, config: Config, found: tuple[MeetingRecord, ...],
                tenure, as_of: dt.date) -> ClientPlan:
    facts = account.facts
    kind = STATUS_BY_KEY[facts.status]
    written = {e.label: e.text for e in account.entries("plan") if e.label}
    since = ""
    if facts.signed:
        length = months_in_words(tenure.total_months) if tenure else ""
        if not kind.client and facts.lost:
            since = f"from {facts.signed:%B %Y} to {facts.lost:%B %Y}, {length}"
        elif kind.came_back and facts.lost and facts.won_back:
            since = (f"since {facts.signed:%B %Y}, {length} in all, with a break from "
                     f"{facts.lost:%B %Y} to {facts.won_back:%B %Y}")
        else:
            since = f"since {facts.signed:%B %Y}, {length}"
    wins = tuple(f"{e.date:%B %Y}: {e.text}" if e.date else e.text
                 for e in account.entries("wins") if e.recall)
    changes = account.entries("changes")
    in_place = tuple(PlanItem(e.detail("say") or e.text,
                              f"in place since {e.date:%B %Y}" if e.date else "in place")
                     for e in changes if e.checked)
    coming = tuple(PlanItem(e.detail("say") or e.text,
                            f"due {e.date:%-d %B %Y}" if e.date else "date to be set")
                   for e in changes if not e.checked)
    promises = tuple(PlanItem(_trim(f.say or _to_you(f.what)), _by(f))
                     for f in sorted(account.facts.follow_ups, key=lambda f: f.due)
                     if not f.is_done and f.due.date() >= as_of
                     and not set(f.letters) & {"summary", "thank-you"})
    return ClientPlan(
        title=kind.plan,
        since=since,
        relationship=written.get("relationship", ""),
        wins=wins,
        cause=written.get("cause", ""),
        has_cause=kind.has_readiness or kind.was_lost or bool(facts.loss_reasons),
        needs=_needs(account, found),
        in_place=in_place,
        coming=coming,
        promises=promises,
        commitment=written.get("commitment", ""),
    )


def _by(follow_up: FollowUp) -> str:
    how = channel_words(follow_up.channel)
    return f"{how + ', ' if how else ''}{follow_up.due:%A %-d %B %Y, %H:%M}"


BULLET = re.compile(r"^[-*+][ \t]+(?P<text>.*)$")


def _needs(account: Account, found: tuple[MeetingRecord, ...]) -> tuple[str, ...]:
    """Their needs now: the file's "New needs", as points, then what the meetings held
    heard of them, each once."""
    section = account.sections.get("new_needs")
    text = section.markdown if section else ""
    points: list[str] = []
    for line in text.splitlines():
        found_point = BULLET.match(line.strip())
        if found_point:
            points.append(found_point.group("text"))
        elif line.strip() and points and line.startswith((" ", "\t")):
            points[-1] += " " + line.strip()
        elif line.strip():
            points.append(line.strip())
    for record in found:
        points += list(record.needs)
    seen: dict[str, str] = {}
    for point in points:
        seen.setdefault(_trim(point).casefold(), point)
    return tuple(seen.values())
