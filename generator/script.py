"""Derive, the meeting script: the status's kit from the bank, tailored to one account.

What is said aloud comes only from the bank (or from a line the account file
writes to be said, a complaint's `ask:` or a change's `say:`). The account's
own notes, written by us and for us, stand beside each line as context for the
interviewer and are never pasted into it. The same file always gives the same
script.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import re
from dataclasses import dataclass

from generator.bank import fill
from generator.schema import Account, Entry, Kit, Person, QuestionBank
from generator.statuses import STATUS_BY_KEY


@dataclass(frozen=True)
class Line:
    """One line of the script: what is said, and what only the interviewer reads."""

    say: str = ""  # said aloud; empty for a line that is only for us
    context: tuple[str, ...] = ()  # facts from the file, for the interviewer
    caution: str = ""  # how to handle it
    number: int = 0  # questions are numbered across the script
    purpose: str = ""  # what it is asked for: one question per purpose
    rank: int = 0  # how specific it is: the file's own 0, a loss reason's 1, the kit's 2, 3
    covers: frozenset[str] = frozenset()  # other purposes it answers too


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
    numbered_limit: int = 0  # at most this many numbered questions fit the meeting

    def part(self, key: str) -> ScriptPart | None:
        return next((p for p in self.parts if p.key == key), None)

    @property
    def questions(self) -> tuple[Line, ...]:
        return tuple(line for part in self.parts for line in part.lines if line.number)


@dataclass(frozen=True)
class ScriptFacts:
    """What the script needs from the rest of the dossier, worked out there."""

    as_of: dt.date
    open_complaints: tuple[Entry, ...]  # oldest first
    decision_makers: tuple[Person, ...]  # still there
    room: tuple[Person, ...]  # their people at the meeting booked, as the file knows them
    departed: tuple[Person, ...]  # who left, and may be named to them
    wins: tuple[Entry, ...]  # to recall, most worth it first
    done_changes: tuple[Entry, ...]
    open_changes: tuple[Entry, ...]
    ask: str  # which ask the state allows: the_ask | listen_only_ask | unknown_ask
    ask_after: str  # while essential fixes are open, when we may ask, as said aloud
    reason_labels: dict[str, str]
    complaint_dates: dict[str, str]  # a complaint's ISO date -> its date as shown
    holds: frozenset[str]  # the conditions of the bank that the file meets
    reasons: frozenset[str]  # its loss reasons
    tenure: str  # for {tenure}: "the thirteen years"


KEY_QUESTIONS = 5
QUESTIONS_PER_TEN_MINUTES = 3  # numbered questions; the rest are asked if time allows
FILE, REASON, KIT, HARD = range(4)  # how specific a question is, most first


def tailor(account: Account, bank: QuestionBank, facts: ScriptFacts) -> MeetingScript:
    kit = bank.statuses.of(account.facts.status)
    ask = _Asker(facts)
    parts = [
        ScriptPart("listening_rules", "While they talk", "rule", _plain(bank.listening_rules)),
        ScriptPart("never", "Never", "rule", _plain(bank.never)),
        ScriptPart("opening", "Opening", "say", ask.lines(kit.opening, KIT, tenure=facts.tenure)),
        _complaints(kit, facts),
        ScriptPart("hard_questions", "The hard questions", "ask",
                   ask.lines(kit.hard_questions, HARD)),
        _commitments_kept(kit, account, facts, ask),
        *_by_reason(kit, account, facts.reason_labels, ask),
        _competitor(kit, account, ask),
        _cares_about(kit, facts, ask),
        _people_left(kit, facts, ask),
        _wins(facts),
        ScriptPart("closing", "Summarise back", "say", _plain(bank.closing)),
        _after_listening(kit, facts, ask),
        _not_yet(facts),
        _the_ask(kit, facts, ask),
    ]
    limit = _limit(bank)
    shaped = _fit(_one_per_purpose([p for p in parts if p.lines]), limit)
    numbered = _number(shaped)
    exits = tuple(line.say for line in ask.lines(kit.if_no, KIT))
    return MeetingScript(kit.purpose, numbered, _agenda(bank, account.facts.meeting),
                         _key_questions(numbered), exits, limit)


class _Asker:
    """Turns the bank's questions into lines: only those whose conditions the file
    meets, with their placeholders filled."""

    def __init__(self, facts: ScriptFacts) -> None:
        self.facts = facts

    def lines(self, questions, rank: int, context: tuple[str, ...] = (),
              **values: str) -> tuple[Line, ...]:
        fitting = [q for q in questions if q.fits(self.facts.holds, self.facts.reasons)]
        return tuple(Line(fill(q.say, **values), context if i == 0 else (), purpose=q.purpose,
                          rank=rank) for i, q in enumerate(fitting))


def _plain(texts) -> tuple[Line, ...]:
    return tuple(Line(text) for text in texts)


def _complaints(kit: Kit, facts: ScriptFacts) -> ScriptPart:
    """A question for each open complaint about us, in the order they happened: each
    one also covers what it cost them. Other suppliers' are only for us."""
    lines = []
    ours = [e for e in facts.open_complaints if not e.party]
    for index, entry in enumerate(ours):
        wording = kit.open_complaint[index % len(kit.open_complaint)] if kit.open_complaint else ""
        say = entry.detail("ask") or fill(wording, month=month(entry.date, facts.as_of))
        # The file's own complaint: more specific than any question of the bank.
        lines.append(Line(say, (complaint_context(entry),), purpose=f"complaint:{entry.line}",
                          rank=FILE, covers=frozenset({"cost-to-them"})))
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


def _commitments_kept(kit: Kit, account: Account, facts: ScriptFacts,
                      ask: _Asker) -> ScriptPart:
    won_back = account.facts.won_back
    context = tuple(f"{day(e.date) if e.date else 'Undated'}: {e.text}"
                    for e in facts.done_changes)
    lines = ask.lines(kit.commitments_kept, KIT, context,
                      won_back=month(won_back, facts.as_of) if won_back else "")
    return ScriptPart("commitments_kept", "What we promised when they came back", "ask", lines)


def _by_reason(kit: Kit, account: Account, labels: dict[str, str],
               ask: _Asker) -> list[ScriptPart]:
    kind = "Loss reason" if STATUS_BY_KEY[account.facts.status].was_lost else "Risk"
    return [ScriptPart(f"reason:{reason}", f"{kind}: {labels.get(reason, reason)}", "ask",
                       ask.lines(kit.by_reason.get(reason, ()), REASON))
            for reason in account.facts.loss_reasons]


def _competitor(kit: Kit, account: Account, ask: _Asker) -> ScriptPart:
    name = account.facts.competitor
    lines = ask.lines(kit.competitor, KIT, competitor=name) if name else ()
    return ScriptPart("competitor", f"About {name}", "ask", lines,
                      "Ask neutrally: never criticise them or the choice.")


def _cares_about(kit: Kit, facts: ScriptFacts, ask: _Asker) -> ScriptPart:
    """What matters to the people in the room (to the decision makers when no meeting
    is booked): a line the file writes for one of them is asked of them; what the others
    care about stands beside the question of what matters to them now."""
    people = facts.room or facts.decision_makers
    own = []
    context = []
    for person in people:
        cares = f"{who(person)} cares about: {'; '.join(person.cares_about)}." if (
            person.cares_about) else ""
        if person.ask:
            own.append(Line(person.ask, (cares,) if cares else (), purpose=f"person:{person.name}",
                            rank=FILE))
        elif cares:
            context.append(cares)
    general = ask.lines(kit.cares_about, KIT, tuple(context))
    if context and not general:
        general = (Line("", tuple(context)),)
    return ScriptPart("cares_about", "What matters to them", "ask", (*own, *general),
                      "Ask it open, and let them name what matters.")


def _people_left(kit: Kit, facts: ScriptFacts, ask: _Asker) -> ScriptPart:
    if not facts.departed:
        return ScriptPart("people_left", "People who have left", "note", ())
    left = tuple(f"{who(p)} left on {day(p.left)}." for p in facts.departed)
    if facts.decision_makers:
        names = " and ".join(p.name for p in facts.decision_makers)
        return ScriptPart("people_left", "People who have left", "note", (Line("", left),),
                          f"{names} {'decides' if len(facts.decision_makers) == 1 else 'decide'}"
                          " now: do not ask who owns the decision.")
    person = facts.departed[-1].name
    return ScriptPart("people_left", "People who have left", "ask",
                      ask.lines(kit.decision_owner, KIT, left, person=person))


def _wins(facts: ScriptFacts) -> ScriptPart:
    lines = tuple(Line("", (f"{day(e.date) if e.date else 'Undated'}: {e.text}",))
                  for e in facts.wins)
    return ScriptPart("wins", "Wins to recall, if it helps (never as a boast)", "note", lines)


def _after_listening(kit: Kit, facts: ScriptFacts, ask: _Asker) -> ScriptPart:
    # A kit that asks about the commitments kept has gone through the changes already.
    changes = () if kit.commitments_kept else facts.done_changes
    if not changes and not facts.open_changes:
        return ScriptPart("after_listening", "What we changed: say it after listening", "say", ())
    lines = [*ask.lines(kit.after_listening, KIT)]
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


ASK_CAUTIONS = {
    "the_ask": "",
    "listen_only_ask": "Do not ask for the business: essential fixes are still open.",
    "unknown_ask": "Ask for nothing more: no change is recorded, so we do not know that we "
                   "are ready.",
}


def _the_ask(kit: Kit, facts: ScriptFacts, ask: _Asker) -> ScriptPart:
    """The one rule behind every ask: what the readiness allows (`facts.ask`), in every
    kit, with a meeting booked or not."""
    questions = getattr(kit, facts.ask)
    title = "Before you leave: the ask" if facts.ask == "the_ask" else "Before you leave"
    return ScriptPart("the_ask", title, "ask", ask.lines(questions, KIT, after=facts.ask_after),
                      ASK_CAUTIONS[facts.ask])


def _one_per_purpose(parts: list[ScriptPart]) -> list[ScriptPart]:
    """One question per purpose: of the questions asked for the same thing, the most
    specific is kept (the file's own, then a loss reason's, then the kit's, the hard
    questions last; the first among equals), and what stood beside the others moves
    beside it."""
    asked = [(p, i, line) for p, part in enumerate(parts) if part.kind == "ask"
             for i, line in enumerate(part.lines) if line.say]
    keep: dict[str, tuple[int, int, int]] = {}  # purpose -> (rank, part, line) kept
    for p, i, line in asked:
        for purpose in (line.purpose, *line.covers):
            if purpose and (purpose not in keep or (line.rank, p, i) < keep[purpose]):
                keep[purpose] = (line.rank, p, i)
    dropped: dict[tuple[int, int], tuple[int, int]] = {}
    for p, i, line in asked:
        if line.purpose and keep[line.purpose][1:] != (p, i):
            dropped[(p, i)] = keep[line.purpose][1:]
    moved: dict[tuple[int, int], list[str]] = {}
    for source, target in dropped.items():
        moved.setdefault(target, []).extend(parts[source[0]].lines[source[1]].context)
    own = [_content_words(line.say) for _p, _i, line in asked if line.rank == FILE]
    for p, i, line in asked:
        if line.rank != FILE and any(_echoes(_content_words(line.say), words) for words in own):
            dropped.setdefault((p, i), (p, i))  # says again what the file's own line asks
    result = []
    for p, part in enumerate(parts):
        lines = []
        for i, line in enumerate(part.lines):
            if (p, i) in dropped:
                continue
            extra = tuple(c for c in moved.get((p, i), ()) if c not in line.context)
            lines.append(dataclasses.replace(line, context=line.context + extra) if extra
                         else line)
        result.append(dataclasses.replace(part, lines=tuple(lines)))
    return [part for part in result if part.lines]


WORD = re.compile(r"[a-z]+")
ECHO = 0.5  # a bank question sharing this much of its words with the file's own line


@functools.lru_cache(maxsize=4096)  # the bank's questions recur in every account
def _content_words(text: str) -> frozenset[str]:
    """The words that carry a question's sense: longer than three letters, plurals as one."""
    return frozenset(word.rstrip("s") for word in WORD.findall(text.lower()) if len(word) > 3)


def _echoes(words: frozenset[str], own: frozenset[str]) -> bool:
    """A bank question that says again what a line of the file already asks."""
    return bool(words) and len(words & own) / len(words | own) >= ECHO


def _limit(bank: QuestionBank) -> int:
    agenda = bank.agenda
    minutes = agenda.meeting_minutes - agenda.opening - agenda.summary - agenda.ask
    return max(minutes * QUESTIONS_PER_TEN_MINUTES // 10, 1)


# The order in which questions earn a number when there are more than the meeting has
# time for: the ask, what the file writes for them (their complaints, a person's own
# question), the purposes that matter in every such meeting, the other hard questions,
# then the rest as they come.
CORE = ("what-happened", "our-part", "basis-of-decision", "wants-now", "commitments")


def _priority(part: ScriptPart, line: Line) -> int:
    if part.key == "the_ask":
        return 0
    if line.rank == FILE:
        return 1
    if line.purpose in CORE:
        return 2
    return 3 if part.key == "hard_questions" else 4


def _fit(parts: list[ScriptPart], limit: int) -> list[ScriptPart]:
    """At most `limit` numbered questions; the others go to "If time allows", asked
    after the numbered ones if the meeting leaves room."""
    asked = [(p, i) for p, part in enumerate(parts) if part.kind == "ask"
             for i, line in enumerate(part.lines) if line.say]
    if len(asked) <= limit:
        return parts

    chosen = set(sorted(asked, key=lambda place: (
        _priority(parts[place[0]], parts[place[0]].lines[place[1]]), place))[:limit])
    spare = [parts[p].lines[i] for p, i in asked if (p, i) not in chosen]
    result = []
    for p, part in enumerate(parts):
        lines = tuple(line for i, line in enumerate(part.lines)
                      if part.kind != "ask" or not line.say or (p, i) in chosen)
        if part.key == "closing":
            result.append(ScriptPart("time_allows", "If time allows", "more", tuple(spare),
                                     "Only with time to spare: leave room for silence first."))
        if lines:
            result.append(dataclasses.replace(part, lines=lines))
    return result


def _number(parts: list[ScriptPart]) -> tuple[ScriptPart, ...]:
    numbered, count = [], 0
    for part in parts:
        lines = []
        for line in part.lines:
            if part.kind == "ask" and line.say:
                count += 1
                line = dataclasses.replace(line, number=count)
            lines.append(line)
        numbered.append(dataclasses.replace(part, lines=tuple(lines)))
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
