"""CRM records + an account file -> what is new for the file, and the file's new text.

Every item the import writes carries the record's CRM id (`crm:` on a person, a
follow-up and the account; a `- crm:` detail under a complaint or a history item), so a
later import recognises it however a person has edited its text since, and adds only the
records it has not seen. Facts already in a file are never changed: where the CRM now says
otherwise (a new status), a warning says so and the person decides.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from generator.importer.edit import AccountText
from generator.importer.records import Activity, Case, Contact, CrmAccount, Opportunity, Task
from generator.importer.records import normal
from generator.importer.status import Standing
from generator.load import RawAccount
from generator.problems import Problem, Severity
from generator.schema import Account
from generator.statuses import STATUS_BY_KEY
from generator.text import yaml_text

# The facts the import may write, in the order of docs/format.md.
FACTS = ("status", "owner", "value", "signed", "lost", "won_back", "competitor",
         "loss_reasons", "industry", "location", "crm")
LOSS_FACTS = ("lost", "won_back", "competitor", "loss_reasons")


@dataclass
class Bundle:
    """Everything one run read about one account."""

    crm: CrmAccount | None  # None: known from its file only (no accounts row this time)
    standing: Standing | None
    contacts: list[Contact] = field(default_factory=list)
    cases: list[Case] = field(default_factory=list)
    activities: list[Activity] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)
    deals: list[Opportunity] = field(default_factory=list)


@dataclass
class Existing:
    text: str
    raw: RawAccount
    account: Account


@dataclass
class Merged:
    text: str
    added: Counter
    notices: list[Problem] = field(default_factory=list)


class Writer:
    """Makes the lines of one account's new records, as every import writes them."""

    def __init__(self, crm_name: str, currency: str) -> None:
        self.crm_name, self.currency = crm_name, currency

    def facts(self, bundle: Bundle) -> dict[str, object]:
        account, standing = bundle.crm, bundle.standing
        facts: dict[str, object] = {"status": standing.status} if standing else {}
        if standing:
            facts |= {"value": standing.value, "signed": standing.signed,
                      "lost": standing.lost, "won_back": standing.won_back,
                      "competitor": standing.competitor, "loss_reasons": standing.reasons}
        if account:
            facts |= {"owner": account.owner, "industry": account.industry,
                      "location": account.location, "crm": account.id}
        return {key: facts[key] for key in FACTS if facts.get(key) not in (None, "", [])}

    def person(self, contact: Contact) -> list[str]:
        lines = [f"- name: {yaml_text(contact.name)}"]
        if contact.title:
            lines.append(f"title: {yaml_text(contact.title)}")
        if contact.email:
            lines.append(f"email: {yaml_text(contact.email)}")
        return [*lines, f"crm: {yaml_text(contact.crm)}"]

    def follow_up(self, task: Task) -> list[str]:
        lines = [f"- due: {task.due:%Y-%m-%d %H:%M}", f"channel: {task.channel}",
                 f"what: {yaml_text(task.what)}"]
        if task.owner:
            lines.append(f"owner: {yaml_text(task.owner)}")
        return [*lines, f"crm: {yaml_text(task.crm)}"]

    def complaint(self, case: Case) -> list[str]:
        closed = f" (closed {case.closed_on})" if case.closed_on else ""
        box = "x" if case.closed else " "
        return [f"- [{box}] {case.opened}: {_markdown(case.subject)}{closed}",
                f"  - crm: {case.crm}"]

    def activity(self, activity: Activity) -> list[str]:
        return [f"- {activity.date}: {_markdown(activity.text)}", f"  - crm: {activity.crm}"]

    def deal(self, deal: Opportunity) -> list[str]:
        how = "won" if deal.won else "lost"
        what = ", ".join(part for part in (_markdown(deal.name), self.money(deal.amount)) if part)
        why = f" ({'; '.join(deal.reasons)})" if deal.reasons else ""
        return [f"- {deal.closed}: Closed {how} in {self.crm_name}"
                f"{': ' + what if what else ''}{_markdown(why)}.", f"  - crm: {deal.crm}"]

    def why_lost(self, standing: Standing) -> list[str]:
        deal = standing.lost_deal
        name = f" '{_markdown(deal.name)}'" if deal and deal.name else ""
        words = "; ".join(_markdown(word) for word in standing.unmapped)
        end = "" if words[-1:] in ".!?" else "."
        return [f"{self.crm_name} gives this loss reason for the opportunity{name} closed lost "
                f"on {standing.lost}: {words}{end}"]

    def money(self, amount: float | None) -> str:
        return f"{self.currency}{amount:,.0f}" if amount is not None else ""


def _markdown(text: str) -> str:
    """A CRM's text as one line of an account file: an HTML comment opened in it would
    hide the lines after it."""
    return text.replace("<!--", "&lt;!--")


def yaml_value(value: object) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(str(v) for v in value) + "]"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return yaml_text(str(value))


def new_text(bundle: Bundle, writer: Writer) -> Merged:
    """A new account file: its facts, people and follow-ups, then its history."""
    account, standing = bundle.crm, bundle.standing
    added = Counter()
    lines = ["---", f"name: {yaml_text(account.name)}"]
    for key, value in writer.facts(bundle).items():
        lines.append(f"{key}: {yaml_value(value)}")
    people = _unique(bundle.contacts, lambda c: normal(c.name))
    follow_ups = _unique(bundle.tasks, lambda t: t.crm)
    for key, items, write, noun in (("people", people, writer.person, "person"),
                                    ("follow_ups", follow_ups, writer.follow_up, "follow-up")):
        if items:
            lines.append(f"{key}:")
            for item in items:
                first, *rest = write(item)
                lines += [f"  {first}", *(f"    {line}" for line in rest)]
            added[noun] += len(items)
    lines.append("---")
    if account.revenue is not None:
        lines += ["", f"Annual revenue, as {writer.crm_name} has it: "
                      f"{writer.money(account.revenue)}."]
    if standing and standing.unmapped:
        lines += ["", "## Why we lost them", *writer.why_lost(standing)]
    for title, noun, entries in _sections(bundle, writer, set()):
        lines += ["", f"## {title}", *entries]
        added[noun] += sum(1 for line in entries if line.startswith("- "))
    return Merged("\n".join(lines) + "\n", added)


def merged_text(existing: Existing, bundle: Bundle, writer: Writer, path: Path,
                with_facts: bool = True) -> Merged:
    """The file with what is new added, and warnings where the CRM says otherwise than
    the file about what the file already has."""
    facts, front = existing.account.facts, existing.raw.front
    edit = AccountText(existing.text)
    added, notices = Counter(), []
    status_differs = _status_notice(existing, bundle, writer, path, notices)
    if with_facts:
        new = {key: value for key, value in writer.facts(bundle).items()
               if key not in front.data and key != "status"
               and not (status_differs and key in LOSS_FACTS)
               and (key not in LOSS_FACTS or STATUS_BY_KEY[facts.status].was_lost)}
        if new:
            edit.add_keys([f"{key}: {yaml_value(value)}" for key, value in new.items()])
            added["fact"] += len(new)
        standing = bundle.standing
        if "loss_reasons" in new and standing.unmapped:
            _add_section(edit, existing, "why_lost", "Why we lost them", writer.why_lost(standing),
                         paragraph=True)
    known_people = {normal(p.name) for p in facts.people} | {p.crm for p in facts.people if p.crm}
    people = [c for c in _unique(bundle.contacts, lambda c: normal(c.name))
              if normal(c.name) not in known_people and c.crm not in known_people]
    if people:
        edit.add_items("people", [writer.person(c) for c in people])
        added["person"] += len(people)
    known_tasks = {f.crm for f in facts.follow_ups if f.crm}
    tasks = [t for t in _unique(bundle.tasks, lambda t: t.crm) if t.crm not in known_tasks]
    if tasks:
        edit.add_items("follow_ups", [writer.follow_up(t) for t in tasks])
        added["follow-up"] += len(tasks)
    seen = _crm_details(existing.account)
    _case_notices(existing.account, bundle, writer, path, notices)
    for title, noun, entries in _sections(bundle, writer, seen):
        key = "complaints" if noun == "complaint" else "history"
        _add_section(edit, existing, key, title, entries)
        added[noun] += sum(1 for line in entries if line.startswith("- "))
    return Merged(edit.result(), added, notices)


def _sections(bundle: Bundle, writer: Writer, seen: set[str]):
    """(title, noun, lines) of the complaints and history items not seen before, oldest
    first."""
    cases = sorted((c for c in _unique(bundle.cases, lambda c: c.crm) if c.crm not in seen),
                   key=lambda c: (c.opened, c.crm))
    events = [(a.date, a.crm, writer.activity(a)) for a in bundle.activities if a.crm not in seen]
    events += [(d.closed, d.crm, writer.deal(d)) for d in bundle.deals if d.crm not in seen]
    done: set[str] = set()
    history = []
    for _date, crm, lines in sorted(events, key=lambda e: (e[0], e[1])):
        if crm not in done:
            done.add(crm)
            history += lines
    if cases:
        yield "Complaints", "complaint", [line for case in cases for line in writer.complaint(case)]
    if history:
        yield "History", "history item", history


def _add_section(edit: AccountText, existing: Existing, key: str, title: str,
                 lines: list[str], paragraph: bool = False) -> None:
    section = existing.account.sections.get(key)
    heading = section.line if section else None
    later = [s.line for s in existing.raw.sections if heading and s.line > heading]
    edit.add_to_section(heading, min(later, default=None), title, lines, paragraph)


def _crm_details(account: Account) -> set[str]:
    return {entry.detail("crm") for key in ("complaints", "history")
            for entry in account.entries(key) if entry.detail("crm")}


def _status_notice(existing: Existing, bundle: Bundle, writer: Writer, path: Path,
                   notices: list[Problem]) -> bool:
    standing, facts = bundle.standing, existing.account.facts
    if standing is None or standing.status in ("skip", facts.status):
        return False
    since = {"lost": standing.lost, "won-back": standing.won_back}.get(standing.status)
    where = existing.raw.front.position(("status",))
    notices.append(Problem(path, where.line, where.column, "status",
                           f"{writer.crm_name} makes it {standing.status}"
                           f"{f' since {since}' if since else ''}; this file says "
                           f"{facts.status}", "change it by hand if so: an import never "
                           "changes what a file says", Severity.WARNING))
    return True


def _case_notices(account: Account, bundle: Bundle, writer: Writer, path: Path,
                  notices: list[Problem]) -> None:
    entries = {e.detail("crm"): e for e in account.entries("complaints") if e.detail("crm")}
    for case in bundle.cases:
        entry = entries.get(case.crm)
        if entry is not None and case.closed and entry.checked is False:
            notices.append(Problem(path, entry.line, 3, "Complaints",
                                   f"case {case.crm} is closed in {writer.crm_name}"
                                   f"{f' since {case.closed_on}' if case.closed_on else ''}; "
                                   "here it is open", "tick it ([x]) if it is resolved",
                                   Severity.WARNING))


def _unique(items: list, key) -> list:
    seen, kept = set(), []
    for item in items:
        if key(item) not in seen:
            seen.add(key(item))
            kept.append(item)
    return kept
