"""The meeting script: the question bank, a project's changes to it, and the
script tailored to one account.

The bank is data (`generator/questions.yaml`); a project's
`content/questions.yaml` adds to it or replaces sections of it and is
validated like every other file. `tailor` turns the bank and an account into
the script the owner takes into the meeting: deterministic, so the same file
always gives the same script.
"""

from __future__ import annotations

import datetime as dt
import string
from dataclasses import dataclass
from pathlib import Path

from generator.load import YamlData, dotted, load_yaml_file
from generator.problems import Problem, ProblemLog, did_you_mean
from generator.schema import Account, BankChanges, Config, Person, QuestionBank
from generator.validate import validate_model

BUILTIN_BANK = Path(__file__).resolve().parent / "questions.yaml"
PROJECT_BANK = Path("content") / "questions.yaml"

# The placeholders each wording may use; any other is an error.
PLACEHOLDERS: dict[str, set[str]] = {
    "open_complaint": {"date", "complaint"},
    "cares_about": {"person", "topic"},
    "person_left": {"person", "role", "date"},
    "win": {"date", "win"},
    "competitor": {"competitor"},
}
LIST_SECTIONS = ("opening", "hard_questions", "competitor", "listening_rules", "never",
                 "closing", "the_ask")
RECALLED_WINS = 3  # the most recent wins, to keep the script on one page


# --- loading ----------------------------------------------------------------


def load_bank(root: Path, config: Config) -> tuple[QuestionBank | None, list[Problem]]:
    """The built-in bank with the project's changes applied."""
    problems: list[Problem] = []
    bank = _read(BUILTIN_BANK, QuestionBank, config, problems)
    changes_path = root / PROJECT_BANK
    if bank is not None and changes_path.exists():
        changes = _read(changes_path, BankChanges, config, problems)
        if changes is not None:
            bank = merge(bank, changes)
    if bank is not None:
        _check_agenda(bank, changes_path if changes_path.exists() else BUILTIN_BANK, problems)
    return (bank if not any(p.is_error for p in problems) else None), problems


def _read(path: Path, model, config: Config, problems: list[Problem]):
    doc, _text, log = load_yaml_file(path)
    result = validate_model(model, doc, log) if doc is not None else None
    if result is not None and doc is not None:
        _check_placeholders(doc, log)
        _check_reasons(doc, log, config)
    problems.extend(log.problems)
    return result if not log.has_errors else None


def merge(bank: QuestionBank, changes: BankChanges) -> QuestionBank:
    data = bank.model_dump(by_alias=True)
    added = changes.add.model_dump()
    for section in LIST_SECTIONS:
        data[section] = data[section] + added[section]
    for reason, questions in added["by_reason"].items():
        data["by_reason"][reason] = data["by_reason"].get(reason, []) + questions
    replaced = changes.replace.model_dump(exclude_none=True)
    for section in LIST_SECTIONS:
        if section in replaced:
            data[section] = replaced[section]
    data["by_reason"].update(replaced.get("by_reason", {}))
    data["tailored"].update(replaced.get("tailored", {}))
    data["agenda"].update(replaced.get("agenda", {}))
    return QuestionBank.model_validate(data)


def _strings(data, path=()):
    if isinstance(data, str):
        yield path, data
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from _strings(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _strings(value, (*path, index))


def _check_placeholders(doc: YamlData, log: ProblemLog) -> None:
    for path, text in _strings(doc.data):
        named = [part for part in path if isinstance(part, str)]
        key = next((k for k in reversed(named) if k in PLACEHOLDERS), "")
        allowed = PLACEHOLDERS.get(key, set())
        try:
            fields = [field for field in string.Formatter().parse(text) if field[1] is not None]
        except ValueError as exc:
            where = doc.position(path)
            log.error(where.line, where.column, dotted(tuple(path)), f"braces do not match: {exc}",
                      "write {{ and }} for literal braces")
            continue
        _check_formats(fields, doc, path, log)
        used = {name for _, name, _, _ in fields}
        for name in sorted(used - allowed):
            where = doc.position(path)
            hint = (f"allowed here: {', '.join('{' + a + '}' for a in sorted(allowed))}"
                    if allowed else "no placeholders are filled in here; write {{ and }} for braces")
            log.error(where.line, where.column, dotted(tuple(path)), f"unknown placeholder {{{name}}}",
                      did_you_mean(name, sorted(allowed)) or hint)


def _check_formats(fields, doc: YamlData, path, log: ProblemLog) -> None:
    """Placeholders are filled in plainly: a format spec or conversion ({date:%d %b},
    {date!r}) would run code of the value's type, can look up attributes through a nested
    {...}, and {x:_^999999999} asks for a gigabyte."""
    for _literal, name, spec, conversion in fields:
        if spec or conversion:
            written = "{" + name + (f"!{conversion}" if conversion else "") + (
                f":{spec}" if spec else "") + "}"
            where = doc.position(path)
            log.error(where.line, where.column, dotted(tuple(path)),
                      f"{written}: format specs and conversions are not allowed",
                      f"write {{{name}}} alone; winback writes dates and names itself")


def _check_reasons(doc: YamlData, log: ProblemLog, config: Config) -> None:
    known = config.reason_labels()
    data = doc.data if isinstance(doc.data, dict) else {}
    sections = [("by_reason",)] + [(mode, "by_reason") for mode in ("add", "replace")]
    for path in sections:
        reasons = data
        for part in path:
            reasons = reasons.get(part, {}) if isinstance(reasons, dict) else {}
        for reason in reasons if isinstance(reasons, dict) else {}:
            if reason not in known:
                where = doc.position((*path, reason), prefer_key=True)
                log.error(where.line, where.column, dotted((*path, reason)),
                          f"'{reason}' is not a known loss reason",
                          did_you_mean(reason, sorted(known)) or
                          "add it under loss_reasons: in winback.yaml")


def _check_agenda(bank: QuestionBank, path: Path, problems: list[Problem]) -> None:
    agenda = bank.agenda
    fixed = agenda.opening + agenda.summary + agenda.ask
    if fixed >= agenda.meeting_minutes:
        problems.append(Problem(path, 0, 0, "agenda",
                                f"opening, summary and ask take {fixed} of "
                                f"{agenda.meeting_minutes} minutes, leaving none for questions",
                                "lengthen meeting_minutes or shorten the other parts"))


# --- the tailored script -------------------------------------------------------


@dataclass(frozen=True)
class ScriptPart:
    key: str
    title: str
    items: tuple[str, ...]
    kind: str = "ask"  # ask: numbered questions; say: what to say; recall: prompts; rule


@dataclass(frozen=True)
class AgendaSlot:
    title: str
    minutes: int
    start: dt.datetime | None


@dataclass(frozen=True)
class MeetingScript:
    parts: tuple[ScriptPart, ...]
    agenda: tuple[AgendaSlot, ...]

    @property
    def questions(self) -> int:
        return sum(len(p.items) for p in self.parts if p.kind == "ask")


def tailor(account: Account, bank: QuestionBank, reason_labels: dict[str, str],
           open_complaints, departed: tuple[Person, ...]) -> MeetingScript:
    facts = account.facts
    words = bank.tailored
    decision_makers = [p for p in facts.people if p.role == "decision-maker" and p.left is None]
    wins = sorted(account.entries("wins"), key=lambda e: (e.date or dt.date.min, e.line))
    parts = [
        ScriptPart("opening", "Opening", tuple(bank.opening), "say"),
        ScriptPart("open_complaints", "Their open complaints, first", tuple(
            words.open_complaint.format(date=_day(e.date), complaint=e.text)
            for e in open_complaints)),
        ScriptPart("hard_questions", "The hard questions", tuple(bank.hard_questions)),
        *(ScriptPart(f"reason:{reason}", f"On {reason_labels.get(reason, reason).lower()}",
                     tuple(bank.by_reason.get(reason, ())))
          for reason in facts.loss_reasons),
        ScriptPart("competitor", f"About {facts.competitor}", tuple(
            q.format(competitor=facts.competitor) for q in bank.competitor)
            if facts.competitor else ()),
        ScriptPart("cares_about", "What the decision maker cares about", tuple(
            words.cares_about.format(person=p.name, topic=topic)
            for p in decision_makers for topic in p.cares_about)),
        ScriptPart("people_left", "People who have left", tuple(
            words.person_left.format(person=p.name, role=_role(p), date=_day(p.left))
            for p in departed)),
        ScriptPart("wins", "Wins worth recalling (if it helps, not as a boast)", tuple(
            words.win.format(date=_day(e.date), win=e.text)
            for e in wins[-RECALLED_WINS:]), "recall"),
        ScriptPart("listening_rules", "While they talk", tuple(bank.listening_rules), "rule"),
        ScriptPart("never", "Never", tuple(bank.never), "rule"),
        ScriptPart("closing", "Summarise back", tuple(bank.closing), "say"),
        ScriptPart("the_ask", "The ask", tuple(bank.the_ask), "say"),
    ]
    return MeetingScript(tuple(p for p in parts if p.items), _agenda(bank, facts.meeting))


def _agenda(bank: QuestionBank, meeting) -> tuple[AgendaSlot, ...]:
    plan = bank.agenda
    questions = plan.meeting_minutes - plan.opening - plan.summary - plan.ask
    slots = (("Opening", plan.opening), ("Questions, then listen", questions),
             ("Summarise back what you heard", plan.summary), ("The ask and next step", plan.ask))
    start = meeting.when if meeting else None
    result = []
    for title, minutes in slots:
        result.append(AgendaSlot(title, minutes, start))
        start = start + dt.timedelta(minutes=minutes) if start else None
    return tuple(result)


def _day(date: dt.date | None) -> str:
    return f"{date:%-d %b %Y}" if date else "an unrecorded date"


def _role(person: Person) -> str:
    role = person.role.replace("-", " ")
    return f"{person.title}, {role}" if person.title else role
