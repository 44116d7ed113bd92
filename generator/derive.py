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

from generator import after, letters, plan
from generator.after import CheckIns, MeetingRecord
from generator.history import FileHistory
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
from generator.script import MeetingScript, ScriptFacts, day, tailor
# STATUS_LABELS: the list command reads the labels from here.
from generator.statuses import STATUS_BY_KEY, STATUS_LABELS, Status  # noqa: F401
from generator.text import months_in_words, plural
from generator.validate import parse_confirm

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


BUILD_DATE_HINT = ("set SOURCE_DATE_EPOCH to seconds since 1970 (e.g. 1795651200), or give "
                   "--today YYYY-MM-DD")


def build_date(today: dt.date | None = None) -> BuildDate:
    if today is not None:
        return BuildDate(_accepted(today, f"--today {today}"), True)
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        shown = f"SOURCE_DATE_EPOCH={epoch}"
        if not (epoch.isascii() and epoch.isdigit()):
            raise BuildDateError(f"{shown} is not a whole number of seconds since 1970")
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
        return cls.of_months(months)

    @classmethod
    def of_months(cls, months: int) -> Span:
        months = max(months, 0)
        return cls(months // 12, months % 12)

    @property
    def total_months(self) -> int:
        return self.years * 12 + self.months

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
    def may_ask(self) -> bool:
        """Whether a line may ask for an order, a trial, a renewal or a second chance:
        only once every essential fix is done, or where fixes do not decide."""
        return self.state in ("ready", "not-applicable")

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

    @property
    def early(self) -> bool:
        """Delivered before the time promised: worth showing."""
        delivered = self.item.delivered
        return delivered is not None and delivered < self.item.due


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
    independent_lead: bool  # the lead is the interviewer, with no part in the account yet
    listeners: tuple[str, ...]  # the others from our side, the owner marked
    lead_met_them: str = ""  # when the interviewer already met them, in words
    interviewer_away: str = ""  # the interviewer named, but not among our attendees


@dataclass(frozen=True)
class AfterMeeting:
    """What the last meeting held came to, and what it leaves to do."""

    record: MeetingRecord
    next_on: dt.datetime | dt.date | None  # the review, the follow-up or the restart
    overdue: bool  # that date has passed with no later meeting held or booked
    set_status: Status | None  # accepted, while the status still says otherwise: the one to set
    fixes_before: tuple[Entry, ...]  # open essential fixes due by the review
    fixes_after: tuple[Entry, ...]  # open essential fixes due after it, or undated
    # What page one says of it: "set-status", or the outcome ("review", "refused",
    # "undecided") while no later meeting is booked; "" says nothing more.
    guidance: str

    @property
    def outcome(self) -> str:
        return self.record.outcome

    @property
    def settled(self) -> bool:
        """A review agreed, or a no, and no later meeting booked: page one says what
        that leaves us."""
        return self.guidance in ("review", "refused")


@dataclass(frozen=True)
class NextStep:
    """The one next thing for an account, as every page says it."""

    text: str
    overdue: bool = False


@dataclass(frozen=True)
class Deadline:
    """A date that ends or renews something, near enough to matter."""

    day: dt.date
    what: str
    days: int  # from the build date

    @property
    def in_words(self) -> str:
        """How far off it is: "today", "in 12 days"."""
        return "today" if self.days == 0 else f"in {plural(self.days, 'day')}"


@dataclass(frozen=True)
class ExtraMile:
    """Something small they would value beyond the contract: recorded, or suggested
    from what the people in the room care about."""

    recorded: tuple[str, ...]
    suggested: tuple[tuple[str, str], ...]  # (who, what they care about)


@dataclass(frozen=True)
class Dossier:
    account: Account
    kind: Status
    as_of: dt.date
    reasons: tuple[str, ...]
    tenure: Span | None  # with us, without any time away
    days_since_loss: int | None
    open_complaints: tuple[Entry, ...]
    resolved_complaints: tuple[Entry, ...]
    old_resolved: tuple[Entry, ...]  # ours, resolved, older than OLD_COMPLAINT_YEARS: fold in print
    people: People
    readiness: Readiness
    follow_ups: tuple[FollowUpItem, ...]
    clear_first: tuple[FollowUpItem, ...]  # open promises overdue or due before the meeting
    meeting_upcoming: bool
    meeting_to_record: bool  # the booked meeting is past, and no record of it is in the file
    meeting_plan: MeetingPlan | None
    dos: tuple[str, ...]  # meeting notes
    donts: tuple[str, ...]
    script: MeetingScript
    commitments: tuple[plan.Commitment, ...]
    if_no: plan.IfNo
    approaches: plan.Approaches
    letters: tuple[letters.Letter, ...]
    client_plan: letters.ClientPlan
    signatory: plan.Person | None  # who signs the meeting request
    addressee: Person | None  # the most senior person still there, for the letters
    check_ins: CheckIns | None
    records: tuple[MeetingRecord, ...]  # meetings held, oldest first
    after: AfterMeeting | None  # what the last meeting held came to
    next_step: NextStep
    deadlines: tuple[Deadline, ...]
    extra_mile: ExtraMile
    our_failure: bool  # the file records a failure of ours
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

    @property
    def back_for(self) -> Span | None:
        """How long a won-back client has been back."""
        won_back = self.facts.won_back
        return Span.between(won_back, self.as_of) if won_back else None

    @property
    def overdue_count(self) -> int:
        return sum(1 for f in self.follow_ups if f.overdue)

    @property
    def letters_to_send(self) -> tuple[letters.Letter, ...]:
        return tuple(letter for letter in self.letters if letter.to_send)

    @property
    def drafted_letters(self) -> tuple[letters.Letter, ...]:
        """The letters printed now: to send, and with all they need."""
        return tuple(letter for letter in self.letters if letter.drafted)

    @property
    def settled_letters(self) -> tuple[letters.Letter, ...]:
        """The letters not printed now: sent, not needed, or waiting for a fact."""
        return tuple(letter for letter in self.letters if not letter.drafted)

    @property
    def old_resolved_years(self) -> str:
        """The years the folded complaints span: "2019", "2019 to 2021"."""
        years = sorted(e.date.year for e in self.old_resolved)
        if not years:
            return ""
        return str(years[0]) if years[0] == years[-1] else f"{years[0]} to {years[-1]}"

    @property
    def last_record(self) -> MeetingRecord | None:
        return self.records[-1] if self.records else None


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
    found = after.records(account)
    upcoming = bool(facts.meeting and facts.meeting.day >= as_of)
    to_record = bool(facts.meeting and not upcoming
                     and after.recorded(found, facts.meeting.day) is None)
    readiness = _readiness(account, upcoming)
    follow_ups = _follow_ups(account, as_of)
    failure = _our_failure(account, config)
    tenure = _tenure(account, as_of)
    end = plan.meeting_end(facts.meeting, bank.agenda.meeting_minutes) if upcoming else None
    approaches = plan.approaches(account, config, upcoming, as_of)
    check_ins = after.check_ins(facts, config, found, as_of)
    after_meeting = _after_meeting(account, found, upcoming, readiness, as_of)
    commitments = plan.commitments(account, end, as_of)
    meeting_plan = _meeting_plan(account, found) if facts.meeting else None
    return Dossier(
        account=account,
        kind=STATUS_BY_KEY[facts.status],
        as_of=as_of,
        reasons=tuple(labels[r] for r in facts.loss_reasons if r in labels),
        tenure=tenure,
        days_since_loss=(as_of - facts.lost).days if facts.lost else None,
        open_complaints=open_complaints,
        resolved_complaints=resolved,
        old_resolved=_old(resolved, as_of),
        people=people,
        readiness=readiness,
        follow_ups=follow_ups,
        clear_first=_clear_first(follow_ups, facts, upcoming, as_of),
        meeting_upcoming=upcoming,
        meeting_to_record=to_record,
        meeting_plan=meeting_plan,
        dos=tuple(e.text for e in account.entries("meeting_notes") if not _is_dont(e.text)),
        donts=tuple(e.text for e in account.entries("meeting_notes") if _is_dont(e.text)),
        script=tailor(account, bank, _script_facts(
            account, config, people, readiness, labels, as_of, failure, tenure, upcoming,
            meeting_plan)),
        commitments=commitments,
        if_no=plan.if_no(account, config, found, _since(account, found, upcoming)),
        approaches=approaches,
        letters=letters.letters(account, config, _letter_facts(
            account, found, failure, tenure, as_of)),
        client_plan=letters.client_plan(account, config, found, tenure, as_of),
        signatory=plan.signatory(facts, config),
        addressee=next(iter(people.decision_makers + people.champions + people.others), None),
        check_ins=check_ins,
        records=found,
        after=after_meeting,
        next_step=_next_step(facts, readiness, follow_ups, upcoming, to_record, check_ins,
                             after_meeting, approaches),
        deadlines=_deadlines(account, as_of),
        extra_mile=_extra_mile(account, people),
        our_failure=failure,
        history=history,
        history_note=history_note,
        stale=bool(last and (as_of - last.date).days > config.stale_after_days),
        outdated=outdated,
    )


def _script_facts(account: Account, config: Config, people: People, readiness: Readiness,
                  labels: dict[str, str], as_of: dt.date, failure: bool, tenure: Span | None,
                  upcoming: bool, meeting_plan: MeetingPlan | None) -> ScriptFacts:
    facts = account.facts
    complaints = account.entries("complaints")
    changes = account.entries("changes")
    done = tuple(e for e in changes if e.checked)
    open_changes = tuple(e for e in changes if not e.checked)
    known = {p.name: p for p in facts.people}
    room = tuple(known[name] for name in facts.meeting.with_ if name in known) if (
        facts.meeting and upcoming) else ()
    holds = {name for name, held in (
        ("our-failure", failure), ("open-fixes", bool(open_changes)),
        ("done-fixes", bool(done)), ("competitor", bool(facts.competitor)),
        ("one-attendee", not facts.meeting or not upcoming or len(facts.meeting.with_) <= 1),
    ) if held}
    departed = people.departed
    if facts.won_back:  # who left before they came back is not named to them
        departed = tuple(p for p in departed if p.left >= facts.won_back)
    return ScriptFacts(
        as_of=as_of,
        open_complaints=tuple(sorted((e for e in complaints if not e.checked),
                                     key=lambda e: (e.date or dt.date.min, e.line))),
        decision_makers=people.decision_makers,
        room=room,
        departed=departed,
        wins=_wins_to_recall(account.entries("wins")),
        done_changes=done,
        open_changes=open_changes,
        ask=_ask_kind(readiness),
        ask_after=_spoken_after(readiness),
        reason_labels=labels,
        complaint_dates={e.date.isoformat(): f"the complaint of {day(e.date)}"
                         for e in complaints if e.date},
        holds=frozenset(holds),
        reasons=frozenset(facts.loss_reasons),
        tenure=in_words_the(tenure),
    )


def in_words_the(tenure: Span | None) -> str:
    """'the thirteen years', 'the year', 'the fourteen months': for {tenure}."""
    return months_in_words(tenure.total_months, the=True) if tenure else "the time"


def _ask_kind(readiness: Readiness) -> str:
    """Which ask the state allows: the rule behind every ask of every kit."""
    if readiness.may_ask:
        return "the_ask"
    return "listen_only_ask" if readiness.state == "not-ready" else "unknown_ask"


def _spoken_after(readiness: Readiness) -> str:
    """When we may ask, as said aloud: 'after 12 January'."""
    if readiness.state != "not-ready":
        return ""
    return f"after {readiness.due:%-d %B}" if readiness.due else "once our changes are in place"


def _our_failure(account: Account, config: Config) -> bool:
    """The file records a failure of ours: a reason that is one, or an open complaint
    about us."""
    if set(account.facts.loss_reasons) & config.our_failures():
        return True
    return any(not e.checked and not e.party for e in account.entries("complaints"))


def _letter_facts(account: Account, found: tuple[MeetingRecord, ...], failure: bool,
                  tenure: Span | None, as_of: dt.date) -> letters.LetterFacts:
    record = found[-1] if found else None
    start = (record.when if isinstance(record.when, dt.datetime) else
             dt.datetime.combine(record.day, dt.time())) if record else None
    promises = tuple(sorted((f for f in account.facts.follow_ups if not f.is_done
                             and (start is None or f.due >= start)), key=lambda f: f.due))
    changes = []
    for entry in account.entries("changes"):
        confirm = parse_confirm(entry.detail("confirm")) if entry.detail("confirm") else None
        if not entry.checked and isinstance(confirm, tuple):
            changes.append((entry.detail("say") or entry.text, confirm[0], confirm[1],
                            entry.date))
    return letters.LetterFacts(
        as_of=as_of,
        tenure_months=tenure.total_months if tenure else None,
        our_failure=failure,
        open_fixes=any(not e.checked for e in account.entries("changes")),
        record=record,
        promises=promises if record else (),
        changes=tuple(changes) if record else (),
    )


def _since(account: Account, found: tuple[MeetingRecord, ...],
           upcoming: bool) -> tuple[dt.date, str] | None:
    """What "if they say no" counts from: the meeting booked, else the last contact the
    file records. Never the build date, so the dates hold from one build to the next."""
    facts = account.facts
    if facts.meeting is not None and upcoming:
        return facts.meeting.day, f"the meeting of {day(facts.meeting.day)}"
    if found:
        return found[-1].day, f"the meeting of {day(found[-1].day)}"
    last = after.last_contact(facts, found)
    return (last, f"the last contact on record, {day(last)}") if last else None


def _after_meeting(account: Account, found: tuple[MeetingRecord, ...], upcoming: bool,
                   readiness: Readiness, as_of: dt.date) -> AfterMeeting | None:
    if not found:
        return None
    record = found[-1]
    kind = STATUS_BY_KEY[account.facts.status]
    set_status = None
    if record.outcome == "accepted" and kind.on_accepted:
        set_status = STATUS_BY_KEY[kind.on_accepted]
    next_on = record.next
    next_day = record.next_day
    overdue = bool(next_day and next_day < as_of and not upcoming)
    before, late = (), ()
    if record.outcome == "review" and next_day:
        before = tuple(e for e in readiness.remaining if e.date and e.date <= next_day)
        late = tuple(e for e in readiness.remaining if not e.date or e.date > next_day)
    guidance = "set-status" if set_status else "" if upcoming else record.outcome
    guidance = guidance if guidance in ("set-status", "review", "refused", "undecided") else ""
    return AfterMeeting(record, next_on, overdue, set_status, before, late, guidance)


def _next_step(facts: Facts, readiness: Readiness, follow_ups: tuple[FollowUpItem, ...],
               upcoming: bool, to_record: bool, check_ins: CheckIns | None,
               after_meeting: AfterMeeting | None, approaches: plan.Approaches) -> NextStep:
    """The one next thing: what every page, printout and list says of the account."""
    overdue = sum(1 for f in follow_ups if f.overdue)
    if facts.meeting and upcoming:
        return NextStep(f"meeting {meeting_words(facts.meeting)}")
    if to_record:
        return NextStep(f"record the meeting of {day(facts.meeting.day)}", True)
    if overdue:
        return NextStep(f"{plural(overdue, 'follow-up')} overdue", True)
    if check_ins and check_ins.overdue:
        return NextStep(f"check-in missed since {day(check_ins.missing[0])}", True)
    if after_meeting is not None:
        step = _after_step(after_meeting)
        if step is not None:
            return step
    if approaches.next_try:
        words = ("waiting for an answer; next try" if approaches.waiting else "approach again")
        if approaches.overdue:
            return NextStep(f"{words} was due {day(approaches.next_try)}", True)
        return NextStep(f"{words} {day(approaches.next_try)}")
    if readiness.state == "not-ready":
        return NextStep(plural(len(readiness.remaining), "essential fix", "essential fixes")
                        + " open")
    if check_ins:
        return NextStep(f"next check-in {day(check_ins.next_due)}")
    if readiness.state != "not-applicable":
        return NextStep(readiness.label.lower())
    return NextStep("no step recorded")


def _after_step(after_meeting: AfterMeeting) -> NextStep | None:
    record, when = after_meeting.record, after_meeting.next_on
    if after_meeting.set_status:
        return NextStep(f"they said yes on {day(record.day)}: set the status to "
                        f"{after_meeting.set_status.label.lower()}", True)
    words = {"review": "review", "undecided": "follow up", "accepted": "start again"}
    if record.outcome in words and when:
        verb = words[record.outcome]
        if after_meeting.overdue:
            return NextStep(f"{verb} was due {day_or_time(when)}", True)
        return NextStep(f"{verb} {day_or_time(when)}")
    if not record.outcome:
        return NextStep(f"record the outcome of the meeting of {day(record.day)}", True)
    return None


def meeting_words(meeting) -> str:
    if meeting.time_set:
        return f"{meeting.when:%a %-d %b %Y, %H:%M}"
    return f"{meeting.when:%a %-d %b %Y}, time not set"


def day_or_time(when: dt.datetime | dt.date) -> str:
    return f"{when:%a %-d %b %Y, %H:%M}" if isinstance(when, dt.datetime) else day(when)


DEADLINE_DAYS = 90  # a date that ends or renews something reaches page one this close


def _deadlines(account: Account, as_of: dt.date) -> tuple[Deadline, ...]:
    facts = account.facts
    found = []
    if facts.contract_end:
        found.append((facts.contract_end, "Contract ends or renews"))
    found += [(e.date, e.text) for e in account.entries("history")
              if "deadline" in e.markers and e.date]
    return tuple(Deadline(d, what, (d - as_of).days) for d, what in sorted(found)
                 if 0 <= (d - as_of).days <= DEADLINE_DAYS)


def _extra_mile(account: Account, people: People) -> ExtraMile:
    facts = account.facts
    if facts.extra_mile:
        return ExtraMile(tuple(facts.extra_mile), ())
    room = set(facts.meeting.with_) if facts.meeting else set()
    known = [p for p in facts.people if p.left is None and p.cares_about]
    chosen = [p for p in known if p.name in room] or list(people.decision_makers)
    return ExtraMile((), tuple((p.name, p.cares_about[0]) for p in chosen
                               if p.cares_about)[:2])


def _wins_to_recall(wins: tuple[Entry, ...]) -> tuple[Entry, ...]:
    """The wins the file marks with !recall first, then the most recent."""
    newest = sorted(wins, key=lambda e: (e.date or dt.date.min, e.line), reverse=True)
    return tuple(sorted(newest, key=lambda e: not e.recall)[:RECALLED_WINS])


def _old(resolved: tuple[Entry, ...], as_of: dt.date) -> tuple[Entry, ...]:
    """Our own resolved complaints from before OLD_COMPLAINT_YEARS: they fold in print.
    Other suppliers' never fold: they are often why the client chose us."""
    limit = dt.date(max(as_of.year - OLD_COMPLAINT_YEARS, 1), 1, 1) + (
        as_of - dt.date(as_of.year, 1, 1))
    return tuple(e for e in resolved if e.date is not None and e.date < limit and not e.party)


def _is_dont(text: str) -> bool:
    return text.lower().startswith(DONT)


def _clear_first(follow_ups: tuple[FollowUpItem, ...], facts: Facts, upcoming: bool,
                 as_of: dt.date) -> tuple[FollowUpItem, ...]:
    """Open promises that are overdue, or fall due before the meeting (or this week)."""
    before = facts.meeting.at if upcoming else dt.datetime.combine(
        as_of + dt.timedelta(days=7), dt.time())
    return tuple(f for f in follow_ups if f.state != "done" and f.item.due <= before)


def _meeting_plan(account: Account, found: tuple[MeetingRecord, ...]) -> MeetingPlan:
    facts = account.facts
    meeting = facts.meeting
    known = {p.name: p for p in facts.people}
    theirs = tuple((name, _described(known.get(name))) for name in meeting.with_)
    interviewer = facts.interviewer
    attends = bool(interviewer) and (not meeting.ours or interviewer in meeting.ours)
    lead = interviewer if attends else next(
        (n for n in meeting.ours if n != facts.owner), "") or facts.owner
    listeners = tuple(f"{name} (owner)" if name == facts.owner else name
                      for name in meeting.ours if name != lead)
    met = _met_before(account, interviewer, found) if attends else ""
    independent = attends and interviewer != facts.owner and not met
    away = interviewer if interviewer and not attends else ""
    return MeetingPlan(theirs, lead, independent, listeners, met, away)


def _met_before(account: Account, name: str, found: tuple[MeetingRecord, ...]) -> str:
    """When the interviewer already had a part in the account, from what the file
    records: a meeting held, or a dated history item that names them."""
    meeting_day = account.facts.meeting.day if account.facts.meeting else None
    for record in reversed(found):
        if record.day != meeting_day and name.casefold() in {n.casefold() for n in record.ours}:
            return f"met them on {day(record.day)}"
    for entry in reversed(account.entries("history")):
        if entry.date and name.casefold() in entry.text.casefold():
            return f"named in the history on {day(entry.date)}"
    return ""


def _described(person: Person | None) -> str:
    if person is None:
        return ""
    role = person.role.replace("-", " ") if person.role != "other" else ""
    return ", ".join(part for part in (person.title, role) if part)


def _tenure(account: Account, as_of: dt.date) -> Span | None:
    """How long they have been (or were) a client, without the time away of a client
    that left and came back."""
    facts = account.facts
    if facts.signed is None:
        return None
    kind = STATUS_BY_KEY[facts.status]
    if kind.came_back and facts.lost and facts.won_back:
        return Span.of_months(Span.between(facts.signed, facts.lost).total_months
                              + Span.between(facts.won_back, as_of).total_months)
    end = facts.lost if not kind.client and facts.lost else as_of
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
    items = sorted(account.facts.follow_ups, key=lambda f: (f.is_done, f.due, f.what))
    return tuple(FollowUpItem(f, f.owner or account.facts.owner, _state(f, as_of))
                 for f in items)


def _state(follow_up: FollowUp, as_of: dt.date) -> str:
    if follow_up.is_done:
        return "done"
    due = follow_up.due.date()
    return "overdue" if due < as_of else "due-today" if due == as_of else "due"
