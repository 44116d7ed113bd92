"""Derive, the meeting script: the status's kit from the bank, tailored to one account.

What is said aloud comes only from the bank (or from a line the account file
writes to be said, a complaint's `ask:` or a change's `say:`). The account's
own notes, written by us and for us, stand beside each line as context for the
interviewer and are never pasted into it. The same file always gives the same
script.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from generator.bank import fill
from generator.schema import STATUS_BY_KEY, Account, Entry, Kit, Person, QuestionBank


@dataclass(frozen=True)
class Line:
    """One line of the script: what is said, and what only the interviewer reads."""

    say: str = ""  # said aloud; empty for a line that is only for us
    context: tuple[str, ...] = ()  # facts from the file, for the interviewer
    caution: str = ""  # how to handle it
    number: int = 0  # questions are numbered across the script


@dataclass(frozen=True)
class ScriptPart:
    key: str
    title: str
    kind: str  # say: said aloud | ask: questions | note: for us only | rule: reminders
    lines: tuple[Line, ...]
    caution: str = ""  # how to handle the whole part


@dataclass(frozen=True)
class AgendaSlot:
    title: str
    minutes: int
    start: dt.datetime | None


@dataclass(frozen=True)
class MeetingScript:
    purpose: str
    parts: tuple[ScriptPart, ...]
    agenda: tuple[AgendaSlot, ...]
    key_questions: tuple[Line, ...]  # the few that matter most, in script order
    exit_lines: tuple[str, ...]  # if they say no: how to leave

    def part(self, key: str) -> ScriptPart | None:
        return next((p for p in self.parts if p.key == key), None)


@dataclass(frozen=True)
class ScriptFacts:
    """What the script needs from the rest of the dossier, worked out there."""

    as_of: dt.date
    open_complaints: tuple[Entry, ...]  # oldest first
    decision_makers: tuple[Person, ...]  # still there
    departed: tuple[Person, ...]
    wins: tuple[Entry, ...]  # to recall, most worth it first
    done_changes: tuple[Entry, ...]
    open_changes: tuple[Entry, ...]
    ask_after: str  # while essential fixes are open, when we may ask, as said aloud
    reason_labels: dict[str, str]
    complaint_dates: dict[str, str]  # a complaint's ISO date -> its date as shown


KEY_QUESTIONS = 5


def tailor(account: Account, bank: QuestionBank, facts: ScriptFacts) -> MeetingScript:
    kit = bank.statuses.of(account.facts.status)
    parts = [
        ScriptPart("listening_rules", "While they talk", "rule", _lines(bank.listening_rules)),
        ScriptPart("never", "Never", "rule", _lines(bank.never)),
        ScriptPart("opening", "Opening", "say", _lines(kit.opening)),
        _complaints(kit, facts),
        ScriptPart("hard_questions", "The hard questions", "ask", _lines(kit.hard_questions)),
        _commitments_kept(kit, account, facts),
        *_by_reason(kit, account, facts.reason_labels),
        _competitor(kit, account),
        _cares_about(kit, facts),
        _people_left(kit, facts),
        _wins(facts),
        ScriptPart("closing", "Summarise back", "say", _lines(bank.closing)),
        _after_listening(kit, facts),
        _not_yet(facts),
        _the_ask(kit, facts),
    ]
    numbered = _number([p for p in parts if p.lines])
    return MeetingScript(kit.purpose, numbered, _agenda(bank, account.facts.meeting),
                         _key_questions(numbered), tuple(kit.if_no))


def _lines(texts, **values: str) -> tuple[Line, ...]:
    return tuple(Line(fill(text, **values)) for text in texts)


def _complaints(kit: Kit, facts: ScriptFacts) -> ScriptPart:
    lines = []
    ours = [e for e in facts.open_complaints if not e.party]
    for index, entry in enumerate(ours):
        wording = kit.open_complaint[index % len(kit.open_complaint)] if kit.open_complaint else ""
        say = entry.detail("ask") or fill(wording, month=month(entry.date, facts.as_of))
        lines.append(Line(say, (complaint_context(entry),)))
    for entry in facts.open_complaints:
        if entry.party:
            lines.append(Line("", (complaint_context(entry),),
                              f"About {entry.party}: let them bring it up, and never criticise."))
    return ScriptPart("open_complaints", "Their complaints, first", "ask", tuple(lines),
                      kit.complaint_caution)


def complaint_context(entry: Entry) -> str:
    who = entry.detail("by")
    when = day(entry.date) if entry.date else "Undated"
    return f"{when}{', ' + who if who else ''}: {entry.text}"


def _commitments_kept(kit: Kit, account: Account, facts: ScriptFacts) -> ScriptPart:
    won_back = account.facts.won_back
    context = tuple(f"{day(e.date) if e.date else 'Undated'}: {e.text}"
                    for e in facts.done_changes)
    lines = tuple(Line(fill(q, won_back=month(won_back, facts.as_of) if won_back else ""),
                       context if index == 0 else ())
                  for index, q in enumerate(kit.commitments_kept))
    return ScriptPart("commitments_kept", "What we promised when they came back", "ask", lines)


def _by_reason(kit: Kit, account: Account, labels: dict[str, str]) -> list[ScriptPart]:
    kind = "Loss reason" if STATUS_BY_KEY[account.facts.status].was_lost else "Risk"
    return [ScriptPart(f"reason:{reason}", f"{kind}: {labels.get(reason, reason)}", "ask",
                       _lines(kit.by_reason.get(reason, ())))
            for reason in account.facts.loss_reasons]


def _competitor(kit: Kit, account: Account) -> ScriptPart:
    name = account.facts.competitor
    lines = _lines(kit.competitor, competitor=name) if name else ()
    return ScriptPart("competitor", f"About {name}", "ask", lines,
                      "Ask neutrally: never criticise them or the choice.")


def _cares_about(kit: Kit, facts: ScriptFacts) -> ScriptPart:
    lines = []
    people = [p for p in facts.decision_makers if p.cares_about]
    for index, person in enumerate(people):
        wording = kit.cares_about[index % len(kit.cares_about)] if kit.cares_about else ""
        lines.append(Line(wording, (f"{who(person)} cares about: {'; '.join(person.cares_about)}.",)))
    return ScriptPart("cares_about", "What matters to them", "ask", tuple(lines),
                      "Ask it open, and let them name what matters.")


def _people_left(kit: Kit, facts: ScriptFacts) -> ScriptPart:
    if not facts.departed:
        return ScriptPart("people_left", "People who have left", "note", ())
    left = tuple(f"{who(p)} left on {day(p.left)}." for p in facts.departed)
    if facts.decision_makers:
        names = " and ".join(p.name for p in facts.decision_makers)
        return ScriptPart("people_left", "People who have left", "note", (Line("", left),),
                          f"{names} {'decides' if len(facts.decision_makers) == 1 else 'decide'}"
                          " now: do not ask who owns the decision.")
    person = facts.departed[-1].name
    return ScriptPart("people_left", "People who have left", "ask", tuple(
        Line(fill(q, person=person), left if i == 0 else ())
        for i, q in enumerate(kit.decision_owner)))


def _wins(facts: ScriptFacts) -> ScriptPart:
    lines = tuple(Line("", (f"{day(e.date) if e.date else 'Undated'}: {e.text}",))
                  for e in facts.wins)
    return ScriptPart("wins", "Wins to recall, if it helps (never as a boast)", "note", lines)


def _after_listening(kit: Kit, facts: ScriptFacts) -> ScriptPart:
    # A kit that asks about the commitments kept has gone through the changes already.
    changes = () if kit.commitments_kept else facts.done_changes
    if not changes and not facts.open_changes:
        return ScriptPart("after_listening", "What we changed: say it after listening", "say", ())
    lines = [*_lines(kit.after_listening)]
    for entry in changes:
        context = [f"{day(entry.date) if entry.date else 'Undated'}: {entry.text}"]
        answers = [facts.complaint_dates.get(t) or facts.reason_labels.get(t, t)
                   for t in entry.detail_list("answers")]
        if answers:
            context.append(f"Answers: {'; '.join(answers)}.")
        if entry.detail("evidence"):
            context.append(f"Bring: {entry.detail('evidence')}")
        lines.append(Line(entry.detail("say"), tuple(context)))
    return ScriptPart("after_listening", "What we changed: say it after listening", "say",
                      tuple(lines), "Only after listening. Where no line is written, say it "
                      "briefly in your own words.")


def _not_yet(facts: ScriptFacts) -> ScriptPart:
    lines = tuple(Line("", (f"{e.text}{' (due ' + day(e.date) + ')' if e.date else ''}",))
                  for e in facts.open_changes)
    return ScriptPart("not_yet", "Do not promise yet", "note", lines,
                      "Not done yet: if they ask, say when it is due, and promise nothing more.")


def _the_ask(kit: Kit, facts: ScriptFacts) -> ScriptPart:
    if facts.ask_after:
        return ScriptPart("the_ask", "Before you leave", "ask",
                          _lines(kit.listen_only_ask, after=facts.ask_after),
                          "Do not ask for the business.")
    return ScriptPart("the_ask", "Before you leave: the ask", "ask", _lines(kit.the_ask))


def _number(parts: list[ScriptPart]) -> tuple[ScriptPart, ...]:
    numbered, count = [], 0
    for part in parts:
        lines = []
        for line in part.lines:
            if part.kind == "ask" and line.say:
                count += 1
                line = Line(line.say, line.context, line.caution, count)
            lines.append(line)
        numbered.append(ScriptPart(part.key, part.title, part.kind, tuple(lines), part.caution))
    return tuple(numbered)


def _key_questions(parts: tuple[ScriptPart, ...]) -> tuple[Line, ...]:
    """The first hard question, what we promised, the newest complaint, the first
    reason, what matters to them and the ask; then the other hard questions."""
    by_key = {p.key: [line for line in p.lines if line.number] for p in parts}
    reasons = [lines for key, lines in by_key.items() if key.startswith("reason:") and lines]
    firsts = [by_key.get("hard_questions", [])[:1], by_key.get("commitments_kept", [])[:1],
              by_key.get("open_complaints", [])[-1:], reasons[0][:1] if reasons else [],
              by_key.get("cares_about", [])[:1], by_key.get("the_ask", [])[:1],
              by_key.get("hard_questions", [])[1:]]
    chosen: list[Line] = []
    for group in firsts:
        for line in group:
            if len(chosen) < KEY_QUESTIONS and line not in chosen:
                chosen.append(line)
    return tuple(sorted(chosen, key=lambda line: line.number))


def _agenda(bank: QuestionBank, meeting) -> tuple[AgendaSlot, ...]:
    plan = bank.agenda
    questions = plan.meeting_minutes - plan.opening - plan.summary - plan.ask
    slots = (("Opening", plan.opening), ("Questions, then listen", questions),
             ("Summarise back what you heard", plan.summary), ("Before you leave", plan.ask))
    start = meeting.when if meeting and meeting.time_set else None
    result = []
    for title, minutes in slots:
        result.append(AgendaSlot(title, minutes, start))
        start = start + dt.timedelta(minutes=minutes) if start else None
    return tuple(result)


def day(date: dt.date | None) -> str:
    return f"{date:%-d %b %Y}" if date else "an unrecorded date"


def month(date: dt.date | None, as_of: dt.date) -> str:
    """'June' within the last ten months or so; 'June 2024' further back."""
    if date is None:
        return "that time"
    return f"{date:%B}" if abs((as_of - date).days) < 300 else f"{date:%B %Y}"


def who(person: Person) -> str:
    role = person.role.replace("-", " ")
    described = f"{person.title}, {role}" if person.title else role
    return f"{person.name} ({described})"
