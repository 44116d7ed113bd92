"""Tables -> CRM records: each file's kind from its header row, each row a record.

A cell that cannot be read is a problem at its line and column; its row is left out and
the other rows are read. A record keeps its CRM id (or, when the export has none, a
fingerprint of the row) so that a later import recognises what it added before.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import TypeAdapter, ValidationError

from generator.importer import KINDS
from generator.importer.csvfile import Cell, Row, Table
from generator.importer.rules import Rules
from generator.importer.values import CellError, read_amount, read_when, shown_order
from generator.problems import ProblemLog
from generator.schema import MAX_NAME, MAX_SENTENCE, Email

DATE_FIELDS = ("created", "lost", "opened", "closed", "date", "due", "close_date")
# What a header row must have for each kind: every group, one field of each.
NEEDS = {
    "accounts": (("name",),),
    "contacts": (("last_name", "name"),),
    "cases": (("subject",), ("opened",)),
    "activities": (("date",), ("subject", "comments")),
    "tasks": (("subject",), ("due",)),
    "opportunities": (("stage",), ("close_date",)),
}


def normal(text: str) -> str:
    """A header, a name or a CRM word as compared: case and spacing do not count."""
    return " ".join(text.split()).casefold()


def ref_key(text: str, field_name: str) -> str:
    """How an account is looked up: a name as `normal` says, an id exactly (Salesforce's
    ids differ in case alone)."""
    return text.strip() if field_name in ("id", "account_id") else normal(text)


def one_line(text: str) -> str:
    """A cell's text on one line, without control characters (an escape sequence from the
    CRM would garble a terminal, a page and a PDF alike)."""
    return " ".join("".join(c if c.isprintable() else " " for c in text).split())


@dataclass(frozen=True)
class Ref:
    """The account a row belongs to, as the row names it (by name or by id)."""

    key: str
    cell: Cell
    header: str
    path: Path  # the CSV file


@dataclass
class CrmAccount:
    path: Path  # the CSV file
    line: int
    name: str
    name_cell: Cell
    id: str = ""
    owner: str = ""
    type: str = ""
    type_cell: Cell | None = None
    industry: str = ""
    location: str = ""
    revenue: float | None = None
    created: dt.date | None = None
    churned: dt.date | None = None


@dataclass
class Contact:
    ref: Ref
    line: int
    crm: str
    name: str
    title: str = ""
    email: str = ""
    id_given: bool = False


@dataclass
class Case:
    ref: Ref
    line: int
    crm: str
    opened: dt.date
    subject: str
    closed: bool
    closed_on: dt.date | None = None


@dataclass
class Activity:
    ref: Ref
    line: int
    crm: str
    date: dt.date
    text: str


@dataclass
class Task:
    ref: Ref
    line: int
    crm: str
    due: dt.datetime
    what: str
    owner: str
    channel: str


@dataclass
class Opportunity:
    ref: Ref
    line: int
    crm: str
    name: str
    closed: dt.date
    won: bool
    amount: float | None = None
    reasons: list[str] = field(default_factory=list)
    competitor: str = ""


@dataclass
class Records:
    """What one run read, by kind; `broken` names the accounts (by reference key) whose
    own row or an opportunity's row had a bad cell: their status cannot be trusted."""

    accounts: list[CrmAccount] = field(default_factory=list)
    related: dict[str, list] = field(default_factory=lambda: {k: [] for k in KINDS[1:]})
    broken: dict[str, tuple[Path, Cell]] = field(default_factory=dict)  # key -> first bad row
    kinds: set[str] = field(default_factory=set)  # the kinds of file read


# --- which kind a file is ----------------------------------------------------------


def columns_of(rules: Rules, kind: str) -> dict[str, list[str]]:
    """Each field the rules map for this kind, with the headers to try in turn."""
    spec = rules.kind(kind).columns
    return {name: [value] if isinstance(value, str) else list(value)
            for name, value in spec.model_dump().items() if value is not None}


# Every related file names its account: an accounts file, recognised, needs a column that
# only an accounts file has beside the name (named with --as, the name is enough).
ACCOUNT_FACTS = ("id", "owner", "type", "industry", "revenue", "location", "created", "lost")


def _needs(rules: Rules, kind: str, named: bool = False) -> tuple[tuple[str, ...], ...]:
    if kind == "accounts":
        return NEEDS[kind] if named else (*NEEDS[kind], ACCOUNT_FACTS)
    return (*NEEDS[kind], ("account_id",) if rules.match == "id" else ("account",))


def resolve(rules: Rules, kind: str, header: list[Cell],
            named: bool = False) -> tuple[dict[str, int], list[str]]:
    """The column index of each field found in the header, and what the kind needs but
    the header lacks (as the rules name it)."""
    at: dict[str, int] = {}
    for index, cell in enumerate(header):
        at.setdefault(normal(cell.text), index)
    spec = columns_of(rules, kind)
    found = {}
    for name, headers in spec.items():
        index = next((at[normal(h)] for h in headers if normal(h) in at), None)
        if index is not None:
            found[name] = index
    missing = [" or ".join(f"'{h}'" for g in group for h in spec.get(g, [])) or
               f"a column for {' or '.join(group)} (the rules name none)"
               for group in _needs(rules, kind, named)
               if not any(name in found for name in group)]
    return found, missing


def recognise(table: Table, rules: Rules, wanted: str | None,
              log: ProblemLog) -> tuple[str, dict[str, int]] | None:
    """The file's kind and its columns; None (said in `log`) when the header fits none,
    or two equally."""
    kinds = [wanted] if wanted else [k for k in KINDS if rules.kind(k) is not None]
    if wanted and rules.kind(wanted) is None:
        log.error(1, 1, "", f"the rules say nothing of {wanted}",
                  f"describe {wanted}: in the rules file")
        return None
    fits = {kind: resolve(rules, kind, table.header, bool(wanted)) for kind in kinds}
    ready = {kind: found for kind, (found, missing) in fits.items() if not missing}
    if not ready:
        best = max(kinds, key=lambda k: len(fits[k][0]))
        how = "it is named with --as" if wanted else "it looks most like"
        log.error(1, 1, "", f"the header row is not one of {rules.crm}'s exports the rules "
                  f"know: {how} {best}, but has no column {'; no column '.join(fits[best][1])}",
                  "export the report with these columns, or change the rules' columns")
        return None
    ranked = sorted(ready, key=lambda k: -len(ready[k]))
    if len(ranked) > 1 and len(ready[ranked[0]]) == len(ready[ranked[1]]):
        log.error(1, 1, "", f"the header row fits both {ranked[0]} and {ranked[1]}",
                  f"name the kind: --as {ranked[0]}")
        return None
    return ranked[0], ready[ranked[0]]


# --- rows -> records ---------------------------------------------------------------------


class Fields:
    """One row's cells by field; every bad cell is logged, and makes the row bad."""

    def __init__(self, row: Row, columns: dict[str, int], table: Table, rules: Rules,
                 order: str | None, log: ProblemLog) -> None:
        self.row, self.columns, self.table, self.rules, self.log = row, columns, table, rules, log
        self.order = order  # of day and month, in dates such as 03/04/2026
        self.bad = False

    def cell(self, name: str) -> Cell | None:
        index = self.columns.get(name)
        if index is None or index >= len(self.row.cells) or not self.row.cells[index].text.strip():
            return None
        return self.row.cells[index]

    def header(self, name: str) -> str:
        return self.table.header[self.columns[name]].text.strip()

    def fail(self, name: str, cell: Cell, message: str, hint: str = "") -> None:
        self.log.error(cell.line, cell.column, self.header(name), message, hint)
        self.bad = True

    def text(self, name: str, limit: int = MAX_SENTENCE, required: bool = False) -> str:
        cell = self.cell(name)
        if cell is None:
            if required:
                self.missing(name)
            return ""
        value = one_line(cell.text)
        if len(value) > limit:
            self.fail(name, cell, f"is {len(value):,} characters long; the limit here is "
                      f"{limit:,}", "shorten it in the CRM")
        return value

    def name(self, name: str, required: bool = False) -> str:
        return self.text(name, MAX_NAME, required)

    def missing(self, name: str) -> None:
        index = self.columns[name]
        place = self.row.cells[index] if index < len(self.row.cells) else self.row.cells[-1]
        self.fail(name, place, "is empty", "fill it in the CRM, or leave the row out")

    def when(self, name: str, required: bool = False) -> tuple[dt.date, dt.time | None] | None:
        cell = self.cell(name)
        if cell is None:
            if required:
                self.missing(name)
            return None
        try:
            return read_when(cell.text, self.order)
        except CellError as exc:
            self.fail(name, cell, exc.message, exc.hint)
            return None

    def date(self, name: str, required: bool = False) -> dt.date | None:
        found = self.when(name, required)
        return found[0] if found else None

    def amount(self, name: str) -> float | None:
        cell = self.cell(name)
        if cell is None:
            return None
        try:
            return read_amount(cell.text, self.rules.decimal)
        except CellError as exc:
            self.fail(name, cell, exc.message, exc.hint)
            return None

    def ref(self) -> Ref | None:
        name = "account_id" if self.rules.match == "id" else "account"
        cell = self.cell(name)
        if cell is None:
            self.missing(name)
            return None
        return Ref(ref_key(cell.text, name), cell, self.header(name), self.table.path)

    def crm(self, *content: object) -> tuple[str, bool]:
        """The record's id in the CRM, or a fingerprint of what it says when the export
        has no id: the same row gives the same one in every export."""
        given = self.text("id", MAX_NAME)
        if given:
            return given, True
        words = "\x1f".join(str(part) for part in content)
        return hashlib.sha256(words.encode("utf-8")).hexdigest()[:12], False


def dates_of(table: Table, columns: dict[str, int]) -> list[str]:
    """The text of every date cell of the table."""
    at = [index for name, index in columns.items() if name in DATE_FIELDS]
    return [row.cells[i].text for row in table.rows for i in at if i < len(row.cells)]


def date_order(rules: Rules, table: Table, columns: dict[str, int],
               export: list[str]) -> str | None:
    """The rules' order of day and month; else the one this file's dates show; else the
    one the whole export's dates show."""
    return rules.date_order or shown_order(dates_of(table, columns)) or shown_order(export)


def read_records(table: Table, kind: str, columns: dict[str, int], rules: Rules,
                 order: str | None, records: Records, log: ProblemLog) -> int:
    """Add the table's rows to `records`; the number of rows read."""
    make = READERS[kind]
    records.kinds.add(kind)
    for row in table.rows:
        fields = Fields(row, columns, table, rules, order, log)
        record = make(fields, rules)
        if fields.bad:
            _mark_broken(kind, fields, records)
        if fields.bad or record is None:  # None: nothing to import (a task done, say)
            continue
        if kind == "accounts":
            records.accounts.append(record)
        else:
            records.related[kind].append(record)
    return len(table.rows)


def _mark_broken(kind: str, fields: Fields, records: Records) -> None:
    """An account whose own row, or one of whose opportunities, could not be read is not
    imported this time: its status would be decided without it."""
    if kind not in ("accounts", "opportunities"):
        return
    names = ("name", "id") if kind == "accounts" else ("account", "account_id")
    cells = [(name, fields.cell(name)) for name in names]
    shown = next((cell for _name, cell in cells if cell is not None), None)
    for name, cell in cells:
        if cell is not None:
            records.broken.setdefault(ref_key(cell.text, name), (fields.table.path, shown))


def _account(f: Fields, rules: Rules) -> CrmAccount | None:
    name_cell = f.cell("name")
    name = f.name("name", required=True)
    account = CrmAccount(f.table.path, f.row.line, name, name_cell or f.row.cells[0],
                         id=f.name("id"),
                         owner=f.name("owner"), type=f.name("type"), type_cell=f.cell("type"),
                         industry=f.name("industry"), location=f.name("location"),
                         revenue=f.amount("revenue"), created=f.date("created"),
                         churned=f.date("lost"))
    return account if name else None


def _contact(f: Fields, rules: Rules) -> Contact | None:
    ref = f.ref()
    full = f.name("name") or one_line(f"{f.text('first_name')} {f.text('last_name')}")
    if not full:
        f.missing("last_name" if "last_name" in f.columns else "name")
    elif len(full) > MAX_NAME:
        f.fail("last_name" if "last_name" in f.columns else "name", f.row.cells[0],
               f"the name is {len(full)} characters long; the limit is {MAX_NAME}")
    email = f.name("email")
    if email and not _is_email(email):
        cell = f.cell("email")
        f.log.warn(cell.line, cell.column, f.header("email"), f"'{email}' is not an email "
                   "address", "the person is imported without it: correct it in the CRM")
        email = ""
    crm, given = f.crm("contacts", full, email)
    if ref is None or not full:
        return None
    return Contact(ref, f.row.line, crm, full, f.name("title"), email, given)


def _case(f: Fields, rules: Rules) -> Case | None:
    ref, opened = f.ref(), f.date("opened", required=True)
    subject, status = f.text("subject", required=True), f.text("status")
    closed_on = f.date("closed")
    closed = closed_on is not None or normal(status) in {normal(w) for w in rules.cases.closed}
    crm, _ = f.crm("cases", opened, subject)
    if ref is None or opened is None or not subject:
        return None
    return Case(ref, f.row.line, crm, opened, subject, closed, closed_on)


def _activity(f: Fields, rules: Rules) -> Activity | None:
    ref, date = f.ref(), f.date("date", required=True)
    kind, subject, comments = f.text("type"), f.text("subject"), f.text("comments", 100_000)
    text = ": ".join(part for part in (kind, subject, comments) if part)
    if not (subject or comments):
        f.missing("subject" if "subject" in f.columns else "comments")
    crm, _ = f.crm("activities", date, kind, subject, comments)
    if ref is None or date is None or not text:
        return None
    return Activity(ref, f.row.line, crm, date, text)


def _task(f: Fields, rules: Rules) -> Task | None:
    status = f.text("status")
    if normal(status) in {normal(word) for word in rules.tasks.done}:
        return None  # done: nothing to follow up
    ref, due, what = f.ref(), f.when("due", required=True), f.text("subject", required=True)
    kind = f.text("type")
    channels = {normal(word): channel for word, channel in rules.tasks.channels.items()}
    channel = channels.get(normal(kind), rules.tasks.channel)
    crm, _ = f.crm("tasks", due, what)
    if ref is None or due is None or not what:
        return None
    day, time = due
    at = dt.datetime.combine(day, time or dt.time.fromisoformat(rules.tasks.due_time))
    return Task(ref, f.row.line, crm, at, what, f.name("owner"), channel)


def _opportunity(f: Fields, rules: Rules) -> Opportunity | None:
    stage = normal(f.text("stage"))
    won = stage in {normal(word) for word in rules.opportunities.won}
    if not won and stage not in {normal(word) for word in rules.opportunities.lost}:
        return None  # still open: it decides nothing yet
    ref, closed = f.ref(), f.date("close_date", required=True)
    name, amount = f.text("name"), f.amount("amount")
    reasons = [one_line(r) for r in f.text("loss_reason").split(";") if r.strip()]
    crm, _ = f.crm("opportunities", closed, name, won)
    if ref is None or closed is None:
        return None
    return Opportunity(ref, f.row.line, crm, name, closed, won, amount,
                       [] if won else reasons, "" if won else f.name("competitor"))


def _is_email(text: str) -> bool:
    """An address the account file accepts (`schema.Email`)."""
    try:
        EMAIL.validate_python(text)
    except ValidationError:
        return False
    return True


EMAIL = TypeAdapter(Email)
READERS = {"accounts": _account, "contacts": _contact, "cases": _case,
           "activities": _activity, "tasks": _task, "opportunities": _opportunity}
