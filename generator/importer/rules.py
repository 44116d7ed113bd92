"""The rules file: how a CRM's export is read and what becomes of each column.

A rules file is YAML, validated like every other file of the project (unknown keys and
wrong values are problems at their line and column). winback ships rules for Salesforce
report exports and HubSpot exports (`rules/*.yaml` beside this module); a project's own
rules may start from one of them (`based_on: salesforce`) and change what differs.
"""

from __future__ import annotations

import codecs
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AfterValidator, BeforeValidator, Field, StringConstraints
from pydantic_core import PydanticCustomError

from generator.importer import KINDS
from generator.load import YamlData, load_yaml_file
from generator.problems import ProblemLog, did_you_mean
from generator.schema import STATUSES, Channel, Name, ReasonId, Schema, vocabulary
from generator.validate import validate_model

RULES_DIR = Path(__file__).resolve().parent / "rules"
SHIPPED = ("salesforce", "hubspot")


def _codec(name: str) -> str:
    if name != "auto":
        try:
            codecs.lookup(name)
        except LookupError:
            raise PydanticCustomError("unknown_encoding", "no such encoding") from None
    return name


def _clock(value):
    """'17:00'; YAML 1.1 reads an unquoted 17:00 as the number 1020 (base 60)."""
    if isinstance(value, int) and not isinstance(value, bool):
        hours, minutes = divmod(value, 60)
        return f"{hours:02d}:{minutes:02d}"
    return value


Header = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
# A field's column: one header, or several to try in turn (the first the file has is read).
Headers = Header | Annotated[list[Header], Field(min_length=1, max_length=20)]
Words = Annotated[list[Header], Field(max_length=100)]
Clock = Annotated[str, BeforeValidator(_clock),
                  StringConstraints(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")]
StatusOrSkip = vocabulary(*STATUSES, "skip")


class RelatedColumns(Schema):
    """How a row of a related file names its account, and its own id."""

    id: Headers | None = None
    account: Headers | None = None  # the account's name
    account_id: Headers | None = None  # the account's id (with match: id)


class AccountColumns(Schema):
    name: Headers
    id: Headers | None = None
    owner: Headers | None = None
    type: Headers | None = None
    industry: Headers | None = None
    revenue: Headers | None = None
    location: Headers | None = None
    created: Headers | None = None
    lost: Headers | None = None  # a churn date: the account left us then


class ContactColumns(RelatedColumns):
    first_name: Headers | None = None
    last_name: Headers | None = None
    name: Headers | None = None  # the full name, when the export has it in one column
    title: Headers | None = None
    email: Headers | None = None


class CaseColumns(RelatedColumns):
    subject: Headers
    opened: Headers
    status: Headers | None = None
    closed: Headers | None = None


class ActivityColumns(RelatedColumns):
    date: Headers
    subject: Headers | None = None
    comments: Headers | None = None
    type: Headers | None = None


class TaskColumns(RelatedColumns):
    subject: Headers
    due: Headers
    status: Headers | None = None
    owner: Headers | None = None
    type: Headers | None = None


class OpportunityColumns(RelatedColumns):
    stage: Headers
    close_date: Headers
    name: Headers | None = None
    amount: Headers | None = None
    loss_reason: Headers | None = None
    competitor: Headers | None = None


class AccountsRules(Schema):
    columns: AccountColumns


class ContactsRules(Schema):
    columns: ContactColumns


class CasesRules(Schema):
    columns: CaseColumns
    closed: Words = []  # status words of a resolved case (a closed date says so too)


class ActivitiesRules(Schema):
    columns: ActivityColumns


class TasksRules(Schema):
    columns: TaskColumns
    done: Words = []  # status words of a finished task: not imported
    due_time: Clock = "17:00"  # the time of a task due on a date without one
    channels: dict[Header, Channel] = {}  # task type -> channel
    channel: Channel = "other"  # of a task whose type is not in `channels`


class OpportunitiesRules(Schema):
    columns: OpportunityColumns
    won: Words
    lost: Words


class StatusRules(Schema):
    by_type: dict[Header, StatusOrSkip] = {}  # the account's type decides, over the rest
    no_opportunities: StatusOrSkip = "active"  # no closed opportunity, no churn date
    lost_only: StatusOrSkip = "skip"  # closed opportunities, none won: never a client


class Rules(Schema):
    based_on: vocabulary(*SHIPPED) | None = None
    crm: Name = "the CRM"  # its name, in the lines the import writes
    encoding: Annotated[str, AfterValidator(_codec)] = "auto"
    separator: Literal["auto", ",", ";", "tab", "|"] = "auto"
    date_order: Literal["month-first", "day-first"] | None = None
    decimal: Literal[".", ","] = "."
    match: Literal["name", "id"] = "name"
    accounts: AccountsRules | None = None
    contacts: ContactsRules | None = None
    cases: CasesRules | None = None
    activities: ActivitiesRules | None = None
    tasks: TasksRules | None = None
    opportunities: OpportunitiesRules | None = None
    status: StatusRules = Field(default_factory=StatusRules)
    loss_reasons: dict[Header, ReasonId] = {}  # the CRM's words -> a loss reason id

    def kind(self, name: str):
        return getattr(self, name)


def shipped_path(name: str) -> Path:
    return RULES_DIR / f"{name}.yaml"


def load_rules(path: Path, reasons: dict[str, str]) -> tuple[Rules | None, ProblemLog]:
    """A rules file, validated; one that says `based_on:` is laid over those rules."""
    doc, log = load_yaml_file(path)
    if doc is None or doc.broken:
        return None, log
    based_on = doc.data.get("based_on") if isinstance(doc.data, dict) else None
    if isinstance(based_on, str) and based_on.strip().lower() in SHIPPED:
        base, _ = load_yaml_file(shipped_path(based_on.strip().lower()))
        doc = YamlData(laid_over(base.data, doc.data), False, doc.values, doc.keys)
    rules = validate_model(Rules, doc, log)
    if rules is not None:
        _check(rules, doc, log, reasons)
    return (rules if not log.has_errors else None), log


def laid_over(base: dict, mine: dict) -> dict:
    """`mine` over `base`: a mapping in both is merged key by key, anything else replaced."""
    merged = dict(base)
    for key, value in mine.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = laid_over(merged[key], value)
        else:
            merged[key] = value
    return merged


def _check(rules: Rules, doc: YamlData, log: ProblemLog, reasons: dict[str, str]) -> None:
    for words, reason in rules.loss_reasons.items():
        if reason not in reasons:
            where = doc.position(("loss_reasons", words))
            log.error(where.line, where.column, f"loss_reasons, {words}",
                      f"'{reason}' is not a loss reason",
                      did_you_mean(reason, sorted(reasons)) or
                      "add it under loss_reasons: in winback.yaml, or map to one of ours")
    if rules.match == "id" and (rules.accounts is None or rules.accounts.columns.id is None):
        where = doc.position(("match",))
        log.error(where.line, where.column, "match", "match: id needs the accounts' id column",
                  "name it under accounts: columns: id:, or match by name")
    if not any(rules.kind(kind) for kind in KINDS):
        log.error(1, 1, "", "the rules describe no kind of file",
                  f"add at least one of {', '.join(KINDS)}, or say based_on: salesforce")
