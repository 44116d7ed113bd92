"""Validate: raw loaded data -> typed model, with every problem located.

Pydantic checks shapes and types and reports all of them at once; this
module turns its errors into `path:line:col` problems with a hint, then
applies the rules that relate fields to each other, then reads the body's
sections and dated list items.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from generator import paths

from generator.load import (
    BodyLine,
    RawAccount,
    RawSection,
    YamlData,
    field_label,
    load_account,
)
from generator.problems import ProblemLog, clip, did_you_mean
from generator.schema import (
    FIRST_DATE,
    LAST_DATE,
    SECTIONS,
    Account,
    Channel,
    Config,
    Entry,
    MEETING_OUTCOMES,
    Facts,
    Section,
    SectionKind,
    in_date_range,
    normal_title,
    normal_word,
    section_kind,
    words_of,
)
from generator.statuses import STATUS_BY_KEY
from generator.text import name_key
from generator.rawhtml import MAX_PAGE_BYTES, reference_expansion, removals_in

ModelT = TypeVar("ModelT", bound=BaseModel)

ITEM = re.compile(r"^[-*+][ \t]+(?P<rest>.*)$")
CHECKBOX = re.compile(r"^\[(?P<mark>[ xX])\][ \t]+")
DATE_LIKE = re.compile(r"^(?P<date>\d{1,4}-\d{1,2}-\d{1,2})(?![\d-])")
OTHER_DATE = re.compile(r"^(?P<date>\d{1,4}[/.]\d{1,2}[/.]\d{1,4})(?=[ \t]*[:(]|[ \t]+[-\u2013\u2014])")
PARTY = re.compile(r"^[ \t]*\((?P<party>[^()]+)\)")
SEPARATOR = re.compile(r"^[ \t]*(?::|[-\u2013\u2014](?=[ \t]))[ \t]*")
FENCE_LINE = re.compile(r"^\s{0,3}(```|~~~)")
DETAIL = re.compile(r"^[ \t]+[-*+][ \t]+(?P<key>[A-Za-z][A-Za-z ]{0,20}):[ \t]*(?P<value>.*)$")
CHANNELS = words_of(Channel)

DATE_HINT = "write dates as YYYY-MM-DD, e.g. 2026-09-30"
DATETIME_HINT = "write date and time as YYYY-MM-DD HH:MM, e.g. 2026-12-03 10:00"
RANGE_MESSAGE = f"is outside {FIRST_DATE} to {LAST_DATE}"
RANGE_HINT = "check the year: dates must fall between 1900 and 2100"


# --- schema errors -> problems ------------------------------------------------


def validate_model(model: type[ModelT], doc: YamlData, log: ProblemLog) -> ModelT | None:
    """Validate `doc` against `model`; every error becomes a located problem.

    When some fields are wrong, the model is tried again without them, so
    that the cross-field rules can still run on what is right.
    """
    if doc.broken:
        return None
    data = doc.data if doc.data is not None else {}
    if not isinstance(data, dict):
        where = doc.position(())
        log.error(where.line, where.column, "", "expected 'key: value' lines",
                  "write one field per line, like 'name: Acme'")
        return None
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors():
            _report(model, error, doc, log)
        broken = {error["loc"][0] for error in exc.errors() if error["loc"]}
    partial = {key: value for key, value in data.items() if key not in broken}
    try:
        return model.model_validate(partial)
    except ValidationError:
        return None


def _report(model: type[BaseModel], error: Any, doc: YamlData, log: ProblemLog) -> None:
    loc = tuple(error["loc"])
    kind = error["type"]
    if loc and loc[-1] == "[key]":  # a mapping key itself is wrong: point at the key
        loc = loc[:-1]
        where = doc.position(loc, prefer_key=True)
        message, hint = _explain(kind, error, loc[-1])
        log.error(where.line, where.column, field_label(loc), message, hint)
        return
    value = error.get("input")
    if kind == "missing":
        where = doc.position(loc[:-1], prefer_key=True)
        log.error(where.line, where.column, field_label(loc), "required field is missing",
                  f"add '{loc[-1]}:' here")
        return
    if kind == "extra_forbidden":
        where = doc.position(loc, prefer_key=True)
        allowed = _allowed_keys(model, loc[:-1])
        hint = (_belongs_under(model, loc, doc) or did_you_mean(loc[-1], allowed)
                or f"allowed fields: {', '.join(allowed)}")
        log.error(where.line, where.column, field_label(loc), "unknown field", hint)
        return
    where = doc.position(loc)
    message, hint = _explain(kind, error, value)
    log.error(where.line, where.column, field_label(loc), message, hint)


def _explain(kind: str, error: Any, value: Any) -> tuple[str, str]:
    shown = _show(value)
    if kind == "literal_error":
        allowed = re.findall(r"'([^']*)'", error["ctx"]["expected"])
        hint = did_you_mean(value, allowed)
        return f"{shown} is not one of {', '.join(allowed)}", hint
    if kind == "date_out_of_range":
        return f"{shown} {RANGE_MESSAGE}", RANGE_HINT
    if kind == "datetime_with_zone":
        return (f"{shown} has a time zone",
                "write the local time without a zone: times are shown as written")
    if kind == "datetime_without_time":
        return (f"{value} has a date but no time: every promise has a time",
                f"add the time, e.g. {value} 17:00")
    if kind.startswith("date_from_datetime") or kind.startswith("date_"):
        return _bad_date(value, shown, with_time=False)
    if kind.startswith("datetime_"):
        return _bad_date(value, shown, with_time=True)
    if kind == "string_type":
        hint = "put the text in quotes" if isinstance(value, (bool, int, float)) else ""
        return f"expected text, got {shown}", hint
    if kind == "string_too_short":
        return "must not be empty", "write a value or remove the line"
    if kind == "string_too_long":
        return (f"is {len(value):,} characters long; the limit is {error['ctx']['max_length']:,}",
                "shorten it")
    if kind == "finite_number":
        return f"must be a finite number, got {shown}", "write digits only, e.g. 5200000"
    if kind == "less_than_equal":
        return f"must be {error['ctx']['le']:,.0f} or less, got {shown}", ""
    if kind == "too_long":
        limit, actual = error["ctx"]["max_length"], error["ctx"].get("actual_length")
        count = f"{actual:,}" if actual is not None else "more"
        return f"has {count} items; the limit is {limit:,}", "keep the ones that matter"
    if kind == "string_pattern_mismatch":
        return f"{shown} is not a valid id", "use lowercase letters, digits and hyphens"
    if kind in ("list_type", "dict_type", "model_type"):
        want = {"list_type": "a list", "dict_type": "'key: value' pairs",
                "model_type": "'key: value' pairs"}[kind]
        hint = "write [a, b] or one '- item' per line" if kind == "list_type" else ""
        return f"expected {want}, got {shown}", hint
    if kind in ("float_parsing", "float_type", "int_parsing", "int_type"):
        return f"expected a number, got {shown}", "write digits only, e.g. 5200000"
    if kind == "greater_than_equal":
        return f"must be {error['ctx']['ge']:g} or more, got {shown}", ""
    if kind == "greater_than":
        return f"must be more than {error['ctx']['gt']:g}, got {shown}", ""
    if kind in ("bool_type", "bool_parsing"):
        return f"expected true or false, got {shown}", ""
    return error["msg"], ""


def _bad_date(value: Any, shown: str, *, with_time: bool) -> tuple[str, str]:
    """A date that is not YYYY-MM-DD: the form it seems to be in, and the same date as
    winback reads it."""
    text = str(value).strip()
    day, _, time = text.partition(" ")
    if isinstance(value, str) and iso_dates(text):  # a date alone, such as 31 Aug 2026
        day, time = text, ""
    fixed = iso_dates(day) if isinstance(value, str) else []
    later = f" {time}" if time else (" 10:00" if with_time else "")
    if len(fixed) == 1:
        return (f"{shown} is not written year-month-day",
                f"write {fixed[0].isoformat()}{later}")
    if fixed:
        first, second = fixed
        return (f"{shown} could be {first:%-d %B} or {second:%-d %B}",
                f"write {first.isoformat()}{later} or {second.isoformat()}{later}: "
                "dates are year-month-day")
    return (f"{shown} is not a valid date{' and time' if with_time else ''}",
            DATETIME_HINT if with_time else DATE_HINT)


# Dates written other common ways: 08/31/2026, 31.08.2026, 2026/8/31, 2026-8-31, 31 Aug 2026.
NUMERIC_DAY_FIRST_OR_MONTH = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
NUMERIC_YEAR_FIRST = re.compile(r"^(\d{4})[/.\-](\d{1,2})[/.\-](\d{1,2})$")
NAMED_MONTH = ("%d %B %Y", "%d %b %Y", "%B %d, %Y", "%b %d, %Y", "%B %d %Y", "%b %d %Y",
               "%d %b, %Y", "%d %B, %Y")


def iso_dates(text: str) -> list[dt.date]:
    """The real dates a text written another common way can mean (two when the day and
    the month could be either); none when it is not such a date."""
    text = " ".join(text.split())
    if found := NUMERIC_YEAR_FIRST.match(text):
        year, month, day = map(int, found.groups())
        return _real([(year, month, day)])
    if found := NUMERIC_DAY_FIRST_OR_MONTH.match(text):
        first, second, year = map(int, found.groups())
        return _real([(year, first, second), (year, second, first)])
    for form in NAMED_MONTH:
        try:
            return [dt.datetime.strptime(text, form).date()]
        except ValueError:
            continue
    return []


def _real(candidates: list[tuple[int, int, int]]) -> list[dt.date]:
    found: list[dt.date] = []
    for year, month, day in candidates:
        try:
            date = dt.date(year, month, day)
        except ValueError:
            continue
        if date not in found:
            found.append(date)
    return found


def _show(value: Any) -> str:
    if isinstance(value, (dict, list)):
        return "a list" if isinstance(value, list) else "'key: value' pairs"
    return clip(repr(value) if isinstance(value, str) else str(value), 60)


def _belongs_under(model: type[BaseModel], loc: tuple, doc: YamlData) -> str:
    """A hint for a field written at the wrong indentation: 'when:' not indented under
    the 'meeting:' above it makes 'meeting' empty and 'when' unknown."""
    mapping: Any = doc.data
    for part in loc[:-1]:
        mapping = mapping[part] if isinstance(mapping, (dict, list)) else None
    if not isinstance(mapping, dict):
        return ""
    for key, value in mapping.items():
        if value is None and loc[-1] in _allowed_keys(model, (*loc[:-1], key)):
            where = doc.position((*loc[:-1], key), prefer_key=True)
            return (f"it belongs under '{key}:' on line {where.line}: indent it by "
                    f"{where.column + 1} spaces")
    return ""


def _allowed_keys(model: type[BaseModel], path: tuple) -> list[str]:
    """The field names (by alias) of the model that `path` points into."""
    current: Any = model
    for part in path:
        if isinstance(part, int):
            continue
        info = current.model_fields.get(part) or next(
            (f for f in current.model_fields.values() if f.alias == part), None)
        if info is None:
            return []
        current = _inner_model(info.annotation)
        if current is None:
            return []
    return sorted(f.alias or name for name, f in current.model_fields.items())


def _inner_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _inner_model(arg)
        if found:
            return found
    return None


# --- cross-field rules -------------------------------------------------------


def check_rules(facts: Facts, doc: YamlData, log: ProblemLog, reasons: dict[str, str]) -> None:
    def at(*path: str | int) -> tuple[int, int]:
        where = doc.position(path)
        return where.line, where.column

    def absent(key: str) -> bool:  # a present but invalid value is reported already
        return key not in doc.data

    status, kind = facts.status, STATUS_BY_KEY[facts.status]
    if kind.was_lost and absent("lost"):
        log.error(*at(), "lost", f"a {status} account needs the date it was lost",
                  "add 'lost: YYYY-MM-DD'")
    if kind.came_back and absent("won_back"):
        log.error(*at(), "won_back", "a won-back account needs the date it came back",
                  "add 'won_back: YYYY-MM-DD'")
    if not kind.was_lost and facts.lost is not None:
        log.error(*at("lost"), "lost", f"an {status} account has no lost date",
                  "set 'status: lost', or remove 'lost:'")
    if not kind.came_back and facts.won_back is not None:
        log.error(*at("won_back"), "won_back", f"status is '{status}' but won_back is set",
                  "set 'status: won-back', or remove 'won_back:'")
    _check_order(facts.signed, facts.lost, "lost", "signed", at, log)
    _check_order(facts.lost, facts.won_back, "won_back", "lost", at, log)
    _check_reasons(facts, at, log, reasons)
    if facts.interviewer and facts.interviewer == facts.owner:
        log.warn(*at("interviewer"), "interviewer", "the interviewer is the account owner",
                 "name a colleague with no direct role in the account: answers are franker")
    for index, follow_up in enumerate(facts.follow_ups):
        if not follow_up.owner and not facts.owner:
            log.warn(*at("follow_ups", index), field_label(("follow_ups", index)), "follow-up has no owner",
                     "add 'owner:' to it, or an owner for the account")
    for index, follow_up in enumerate(facts.follow_ups):
        if follow_up.aim is not None and follow_up.aim > follow_up.due:
            log.warn(*at("follow_ups", index, "aim"), field_label(("follow_ups", index, "aim")),
                     "the aim is after the promised time", "aim to deliver before 'due:'")
    _check_people(facts, at, log)
    if facts.meeting is not None:
        known = {person.name for person in facts.people}
        for index, name in enumerate(facts.meeting.with_):
            if known and name not in known:
                log.warn(*at("meeting", "with", index), field_label(("meeting", "with", index)),
                         f"'{name}' is not in people",
                         did_you_mean(name, sorted(known)) or "add them under people:")


def _check_people(facts: Facts, at, log: ProblemLog) -> None:
    """A person listed twice (spelt alike but for case, accents, spacing or invisible
    characters) would be met, counted and printed twice."""
    first: dict[str, int] = {}
    for index, person in enumerate(facts.people):
        earlier = first.setdefault(name_key(person.name), index)
        if earlier != index:
            shown = facts.people[earlier].name
            as_written = "" if shown == person.name else f" as '{shown}'"
            log.warn(*at("people", index, "name"), field_label(("people", index, "name")),
                     f"'{person.name}' is listed twice in people (first{as_written} on line "
                     f"{at('people', earlier, 'name')[0]})",
                     "keep one entry for each person: merge the two")


def _check_order(earlier, later, name, other, at, log: ProblemLog) -> None:
    if earlier is not None and later is not None and later < earlier:
        log.error(*at(name), name, f"{later} is before {other} ({earlier})",
                  f"check both dates: {name} must come after {other}")


def _check_reasons(facts: Facts, at, log: ProblemLog, reasons: dict[str, str]) -> None:
    seen: set[str] = set()
    for index, reason in enumerate(facts.loss_reasons):
        if reason not in reasons:
            hint = did_you_mean(reason, sorted(reasons)) or (
                "add it under loss_reasons: in winback.yaml to extend the taxonomy")
            log.error(*at("loss_reasons", index), field_label(("loss_reasons", index)),
                      f"'{reason}' is not a known loss reason", hint)
        elif reason in seen:
            log.warn(*at("loss_reasons", index), field_label(("loss_reasons", index)),
                     f"'{reason}' is listed twice", "remove the repeat")
        seen.add(reason)
    if STATUS_BY_KEY[facts.status].was_lost and not facts.loss_reasons:
        log.warn(*at(), "loss_reasons", "no loss reason recorded",
                 "add 'loss_reasons: [...]' so the portfolio can show why we lose clients")


# --- the body ----------------------------------------------------------------


def read_sections(raw: RawAccount, log: ProblemLog) -> tuple[dict[str, Section], list[Section]]:
    known: dict[str, RawSection] = {}
    kinds: dict[str, SectionKind] = {}
    notes: list[Section] = []
    for raw_section in raw.sections:
        kind = section_kind(raw_section.title)
        if raw_section.written and kind is not None:
            log.warn(raw_section.line, raw_section.column, "heading",
                     f"'{clip(raw_section.written, 80)}' is read as the section {kind.title}",
                     f"write it as '## {clip(raw_section.title, 80)}' at the start of its "
                     "line: sections are level-2 headings")
        if kind is None:
            hint = did_you_mean(normal_title(raw_section.title),
                                [normal_title(k.title) for k in SECTIONS])
            if hint:
                log.warn(raw_section.line, 4, "heading",
                         f"'{raw_section.title}' is not a known section; kept as notes", hint)
            notes.append(Section("notes", raw_section.title, raw_section.line,
                                 _join(raw_section)))
        elif kind.key in known:
            first = known[kind.key]
            log.warn(raw_section.line, raw_section.column, "heading",
                     f"'{kind.title}' appears twice (first on line {first.line}); "
                     "both are read, as one", "merge the two sections")
            gap = [BodyLine(raw_section.line, "")]  # the heading's line, as a paragraph break
            known[kind.key] = RawSection(first.title, first.line, [*first.lines, *gap,
                                                                   *raw_section.lines])
        else:
            known[kind.key], kinds[kind.key] = raw_section, kind
    return {key: _read_section(kinds[key], section, log) for key, section in known.items()}, notes


def _join(raw_section: RawSection) -> str:
    return "\n".join(line.text for line in raw_section.lines).strip("\n")


def _read_section(kind: SectionKind, raw_section: RawSection, log: ProblemLog) -> Section:
    if not kind.entries:
        return Section(kind.key, kind.title, raw_section.line, _join(raw_section))
    free: list[str] = []
    entries = [_read_entry(kind, item, log) for item in _items(raw_section, free)]
    return Section(kind.key, kind.title, raw_section.line, "\n".join(free).strip("\n"),
                   tuple(e for e in entries if e is not None))


@dataclass
class _Item:
    """A top-level list item: its line, its text, and the detail lines under it."""

    line: int
    parts: list[str]
    details: list[tuple[int, int, str, str]] = field(default_factory=list)


def _items(raw_section: RawSection, free: list[str]) -> list[_Item]:
    """Top-level list items with their continuation lines; the rest is free text."""
    items: list[_Item] = []
    in_item = blank_before = False
    for line in raw_section.lines:
        match = ITEM.match(line.text)
        if match:
            items.append(_Item(line.number, [match.group("rest")]))
            in_item = True
        elif not line.text.strip():
            if free:
                free.append("")
        elif in_item and (line.text[0] in " \t" or not blank_before):
            detail = DETAIL.match(line.text) if line.text[0] in " \t" else None
            if detail:
                items[-1].details.append((line.number, detail.start("key") + 1,
                                          detail.group("key").lower(), detail.group("value")))
            else:
                items[-1].parts.append(line.text.strip())
        else:
            free.append(line.text)
            in_item = False
        blank_before = not line.text.strip()
    return items


def _read_entry(kind: SectionKind, item: _Item, log: ProblemLog) -> Entry | None:
    details, more_text = _details(kind, item, log)
    line, text = item.line, " ".join([*item.parts, *more_text])
    whole = text
    column = 3  # after "- "
    checked: bool | None = None
    box = CHECKBOX.match(text)
    if box:
        checked = box.group("mark") != " "
        column += box.end()
        text = text[box.end():]
    dated = _item_date(kind, line, column, text, log)
    if dated is None:
        return None
    date, text, undated_said = dated
    time = None
    if kind.timed and date:
        timed = _item_time(line, 3 + len(whole) - len(text), text, kind, log)
        if timed is None:
            return None
        time, text = timed
    party_match = PARTY.match(text) if date else None
    party = party_match.group("party").strip() if party_match else ""
    if party_match:
        text = text[party_match.end():]
    if date:
        separator = SEPARATOR.match(text)
        text = text[separator.end():] if separator else text.lstrip()
    # Where `text` now starts on the item's first line (after "- ", box, date and supplier).
    start = 3 + len(whole) - len(text)
    text, markers = _markers(kind, line, start, text, log)
    label, text = _label(kind, line, start, text, log)
    _check_entry(kind, line, column, checked, date, party, log, undated_said)
    entry = Entry(line, text, date, checked, party, markers, details, time, label)
    if kind.key == "meetings":
        _check_meeting_record(entry, kind, log)
    return entry


TIME = re.compile(r"^[ \t]+(?P<hour>\d{1,2}):(?P<minute>\d{2})(?!\d)")


def _item_time(line: int, column: int, text: str, kind: SectionKind,
               log: ProblemLog) -> tuple[dt.time | None, str] | None:
    """The time after an item's date, if it has one; None when it is not a real time."""
    found = TIME.match(text)
    if found is None:
        return None, text
    hour, minute = int(found.group("hour")), int(found.group("minute"))
    if hour > 23 or minute > 59:
        log.error(line, column + found.start("hour"), kind.title,
                  f"'{found.group('hour')}:{found.group('minute')}' is not a time of day",
                  "write the time as HH:MM, from 00:00 to 23:59")
        return None
    return dt.time(hour, minute), text[found.end():]


LABEL = re.compile(r"^(?P<label>[A-Za-z][A-Za-z -]{0,30}?)[ \t]*:[ \t]*")


def _label(kind: SectionKind, line: int, column: int, text: str,
           log: ProblemLog) -> tuple[str, str]:
    """In a section whose items are labelled (`- cause: ...`), the label and the rest."""
    if not kind.labels:
        return "", text
    found = LABEL.match(text)
    label = normal_word(found.group("label")) if found else ""
    if label in kind.labels:
        return label, text[found.end():]
    labels = ", ".join(f"'{name}:'" for name in kind.labels)
    if found:
        log.warn(line, column, kind.title, f"'{found.group('label')}:' is not a part of the "
                 f"{kind.title.lower()}", did_you_mean(label, kind.labels) or
                 f"start the item with one of {labels}")
    else:
        log.warn(line, column, kind.title, "item does not say which part of the plan it is",
                 f"start it with one of {labels}")
    return "", text


def _item_date(kind: SectionKind, line: int, column: int, text: str,
               log: ProblemLog) -> tuple[dt.date | None, str, bool] | None:
    """The date an item starts with (None if it has none), the text after it, and whether
    a warning about its date was given; None when its date is not a real one (an error,
    reported here)."""
    found = DATE_LIKE.match(text)
    if found is None:
        other = OTHER_DATE.match(text)
        fixed = iso_dates(other.group("date")) if other else []
        if fixed:
            log.warn(line, column, kind.title, f"'{other.group('date')}' is not written "
                     "year-month-day, so this item has no date",
                     f"write {' or '.join(d.isoformat() for d in fixed)}")
        return None, text, bool(fixed)
    written = found.group("date")
    try:
        date = dt.date.fromisoformat(written)
    except ValueError as exc:
        fixed = iso_dates(written)
        log.error(line, column, kind.title,
                  f"'{written}' is not a valid date" + ("" if fixed else f": {exc}"),
                  f"write {fixed[0].isoformat()}" if fixed else DATE_HINT)
        return None
    if not in_date_range(date):
        log.error(line, column, kind.title, f"'{written}' {RANGE_MESSAGE}", RANGE_HINT)
        return None
    return date, text[found.end():], False


def _markers(kind: SectionKind, line: int, start: int, text: str,
             log: ProblemLog) -> tuple[str, frozenset[str]]:
    """The `!word` flags at the end of an item, and its text without them. Read word by
    word from the end, not with a pattern searched for: a pattern ending in [ \t]*$ would
    rescan a long run of spaces from each of them."""
    markers: set[str] = set()
    rest = text.rstrip(" \t")
    while (cut := max(rest.rfind(" "), rest.rfind("\t"))) >= 0:
        word = rest[cut + 1:]
        if not (word.startswith("!") and word[1:].isascii() and word[1:].isalpha()):
            break
        name = word[1:].lower()
        if name in kind.markers:
            markers.add(name)
        else:
            allowed = " or ".join(f"!{m}" for m in kind.markers)
            owner = next((k.title for k in SECTIONS if name in k.markers), "")
            log.warn(line, start + cut + 1, kind.title,
                     f"'!{name}' means nothing under {kind.title}",
                     (f"'!{name}' belongs under {owner}; remove it here" if owner else
                      did_you_mean(name, kind.markers) or
                      (f"the markers here are {allowed}" if allowed else "remove it")))
        rest = rest[:cut].rstrip(" \t")
    return rest.strip(), frozenset(markers)


def _details(kind: SectionKind, item: _Item,
             log: ProblemLog) -> tuple[tuple[tuple[str, str], ...], list[str]]:
    """The `- key: value` lines under an item that its section knows, and the other
    indented lines, which stay part of the item's text."""
    details: list[tuple[str, str]] = []
    text: list[str] = []
    given: dict[str, int] = {}
    for line, column, key, value in item.details:
        if key not in kind.details:
            hint = did_you_mean(key, kind.details)
            if hint:
                log.warn(line, column, kind.title, f"'{key}:' is not a detail of {kind.title}",
                         hint)
            text.append(f"{key}: {value}")
        elif not value.strip():
            if key not in kind.blank:
                log.warn(line, column, kind.title, f"'{key}:' is empty",
                         "write a value or remove it")
        elif key in given and key not in kind.repeated:
            log.warn(line, column, kind.title, f"'{key}:' is given twice (first on line "
                     f"{given[key]}); the first is used", "keep one of the two")
        else:
            checked = _detail_value(key, value.strip(), line, column + len(key) + 2, kind, log)
            if checked is not None:
                given[key] = line
                details.append((key, checked))
    return tuple(details), text


def _detail_value(key: str, value: str, line: int, column: int, kind: SectionKind,
                  log: ProblemLog) -> str | None:
    """A detail's value as the section reads it; None (and reported) when it is wrong."""
    if kind.key != "meetings":
        return value
    if key in ("outcome", "channel"):
        words = MEETING_OUTCOMES if key == "outcome" else CHANNELS
        word = normal_word(value)
        if word not in words:
            log.error(line, column, kind.title, f"{key}: '{value}' is not one of "
                      f"{', '.join(words)}", did_you_mean(word, words))
            return None
        return word
    if key == "next":
        try:
            parse_when(value)
        except ValueError as exc:
            log.error(line, column, kind.title, f"next: {exc}",
                      "write the date of the next contact, with its time if it is agreed: "
                      "2027-04-13 10:00")
            return None
    return value


def parse_when(text: str) -> dt.datetime | dt.date:
    """`2027-04-13` or `2027-04-13 10:00`, as a date or a date and time."""
    text = text.strip()
    try:
        when = (dt.date.fromisoformat(text) if len(text) <= len("YYYY-MM-DD")
                else dt.datetime.fromisoformat(text))
    except ValueError:
        fixed = iso_dates(text)
        raise ValueError(f"'{text}' is not a date" + (
            f" written year-month-day (write {fixed[0].isoformat()})" if fixed else "")) from None
    if isinstance(when, dt.datetime) and when.tzinfo is not None:
        raise ValueError(f"'{text}' has a time zone")
    if not in_date_range(when.date() if isinstance(when, dt.datetime) else when):
        raise ValueError(f"'{text}' {RANGE_MESSAGE}")
    return when


def _check_meeting_record(entry: Entry, kind: SectionKind, log: ProblemLog) -> None:
    """A meeting held: the next contact it agreed comes after it."""
    if entry.detail("next") and entry.date:
        after = parse_when(entry.detail("next"))
        day = after.date() if isinstance(after, dt.datetime) else after
        if day < entry.date:
            log.warn(entry.line, 3, kind.title, f"next: {day} is before the meeting of "
                     f"{entry.date:%-d %b %Y}", "check the date of the next contact")


def _check_outcome(entry: Entry, log: ProblemLog) -> None:
    """A win-back or retention meeting says what it came to, and, where that leaves
    something to do, when."""
    when = f"the meeting of {entry.date:%-d %b %Y}" if entry.date else "this meeting"
    outcome = entry.detail("outcome")
    if not outcome:
        log.warn(entry.line, 3, "Meetings", f"{when} has no outcome yet",
                 "add '- outcome: accepted', 'review', 'refused' or 'undecided' under it")
    elif outcome in ("review", "undecided") and not entry.detail("next"):
        what = "the review" if outcome == "review" else "the follow-up"
        log.warn(entry.line, 3, "Meetings", f"{when} ended in '{outcome}' with no date for "
                 f"{what}", "add '- next: YYYY-MM-DD HH:MM' under it, as agreed with them")


def _check_entry(kind: SectionKind, line, column, checked, date, party, log: ProblemLog,
                 undated_said: bool = False) -> None:
    title = kind.title
    if kind.checkbox and checked is None:
        log.error(line, 3, title, "item has no checkbox",
                  f"start it with '[ ] ' ({kind.checkbox[0]}) or '[x] ' ({kind.checkbox[1]})")
    if kind.dated and date is None and not undated_said:
        log.warn(line, column, title, "item has no date", "start it with 'YYYY-MM-DD: '")
    if kind.key == "changes" and checked and date is None:
        log.warn(line, column, title, "done change has no date",
                 "add the date it was done: '[x] YYYY-MM-DD: '")
    if party and not kind.party:
        log.warn(line, column, title, f"'({party})' names another supplier outside Complaints",
                 "only complaints are told apart by supplier")


def check_references(account_sections: dict[str, Section], facts: Facts | None,
                     log: ProblemLog, front: YamlData | None = None) -> None:
    """Details that point elsewhere in the file must find what they point at."""
    complaints = account_sections.get("complaints")
    dates = sorted({e.date.isoformat() for e in complaints.entries if e.date} if complaints
                   else set())
    reasons = facts.loss_reasons if facts else []
    changes = account_sections.get("changes")
    for entry in changes.entries if changes else ():
        for target in entry.detail_list("answers"):
            if target not in dates and target not in reasons and (facts or DATE_LIKE.match(target)):
                log.warn(entry.line, 1, "What we changed", f"answers '{target}': no complaint "
                         "dated so and no loss reason of this account by that id",
                         did_you_mean(target, [*dates, *reasons]) or
                         "name a complaint by its date (YYYY-MM-DD) or a loss reason id")
        confirm = entry.detail("confirm")
        if confirm and isinstance(parse_confirm(confirm), str):
            log.error(entry.line, 1, "What we changed",
                      f"confirm: {parse_confirm(confirm)}",
                      "write the channel and when, e.g. 'confirm: email, 2027-01-13 16:00'")
    meetings = account_sections.get("meetings")
    records = meetings.entries if meetings else ()
    if facts is not None:
        _check_records(records, facts, log)
        _check_agreed(records, facts, front, log)


def _check_agreed(records: tuple[Entry, ...], facts: Facts, front: YamlData | None,
                  log: ProblemLog) -> None:
    """They agreed to meet: the meeting is booked, or held and recorded."""
    agreed = [a.date for a in facts.approaches if a.outcome == "agreed"]
    if facts.meeting is not None or not agreed:
        return
    if any(e.date and e.date >= max(agreed) for e in records):
        return
    where = front.position(("approaches",)) if front else None
    log.warn(where.line if where else 0, where.column if where else 0, "approaches",
             "they agreed to meet, but no meeting is recorded",
             "add 'meeting:' with when, where and who; once it is held, record it under "
             "'## Meetings'")


def _check_records(records: tuple[Entry, ...], facts: Facts, log: ProblemLog) -> None:
    """Meetings held: their attendees are people of the account, and an outcome that
    changes the account's status says so until the status follows."""
    known = {person.name for person in facts.people}
    kind = STATUS_BY_KEY[facts.status]
    for entry in records:
        if kind.has_readiness:  # a check-in with a client who stays has no outcome to record
            _check_outcome(entry, log)
        for name in entry.detail_list("with"):
            if known and name not in known:
                log.warn(entry.line, 3, "Meetings", f"'{name}' is not in people",
                         did_you_mean(name, sorted(known)) or "add them under people:")
    latest = max(records, key=lambda e: (e.when_key, e.line), default=None)
    if latest is None or latest.detail("outcome") != "accepted":
        return
    if not kind.on_accepted:
        return
    then = STATUS_BY_KEY[kind.on_accepted]
    if then.came_back:
        log.warn(latest.line, 3, "Meetings", f"they came back on {latest.date}, but the "
                 f"status is still '{facts.status}'",
                 f"set 'status: {then.key}' and 'won_back: {latest.date}'")
    else:
        log.warn(latest.line, 3, "Meetings", f"they agreed to stay on {latest.date}, but the "
                 f"status is still '{facts.status}'", f"set 'status: {then.key}'")


def parse_confirm(text: str) -> tuple[str, dt.datetime] | str:
    """`email, 2027-01-13 16:00` -> (channel, when); or what is wrong with it."""
    channel, _, when = text.partition(",")
    channel = channel.strip().lower()
    if channel not in CHANNELS:
        return f"'{channel}' is not one of {', '.join(CHANNELS)}"
    try:
        return channel, dt.datetime.fromisoformat(when.strip())
    except ValueError:
        return f"'{when.strip()}' is not a date and time (YYYY-MM-DD HH:MM)"


# --- what cleaning the HTML will remove ----------------------------------------------------

# Said at its place, so that the writer learns why something does not show; the rules are
# `generator.rawhtml`'s, which the renderer applies. Each text is read as the pages convert
# it: a section or the text before the first heading as a whole, with its reference
# definitions and code blocks; in item sections each item and the free text around them,
# without the details that are never converted.
REMOVED_HINT = ("write plain Markdown: links by http, https or mailto, images from the "
                "project's assets/ folder")
# Fields of the front matter that pages convert as Markdown (the script's context, the
# commitment, the approaches); `tests/test_nothing_ignored.py` checks this list.
MARKDOWN_FIELDS = (("follow_ups", "what"), ("approaches", "note"), ("people", "name"),
                   ("people", "title"), ("people", "cares_about"))
CONVERTED_DETAILS = ("by", "evidence")


def report_removed_html(raw: RawAccount, log: ProblemLog) -> None:
    images = raw.path.parent.parent.parent / paths.IMAGES  # content/accounts/ -> the project

    def exists(name: str) -> bool:
        return (images / name).is_file()

    for section in _body_parts(raw):
        kind = section_kind(section.title) if section.title else None
        lines = section.lines
        if kind is not None and kind.entries:
            lines = [BodyLine(line.number, "") if _unconverted_detail(line.text) else line
                     for line in lines]
        text = "\n".join(line.text for line in lines)
        if "<" not in text and "[" not in text:
            continue  # the usual case: nothing that could be removed
        where = section.title or "body"
        starts = list(itertools.accumulate((len(line.text) + 1 for line in lines), initial=0))
        for removal in removals_in(text, block=True, references=not (kind and kind.entries),
                                   exists=exists):
            index = bisect.bisect_right(starts, removal.start) - 1
            log.warn(lines[index].number, removal.start - starts[index] + 1, where,
                     removal.message, removal.hint or REMOVED_HINT)
    _report_removed_in_fields(raw.front, log, exists)


def _unconverted_detail(text: str) -> bool:
    detail = DETAIL.match(text)
    return bool(detail) and detail.group("key").lower() not in CONVERTED_DETAILS


def _report_removed_in_fields(doc: YamlData, log: ProblemLog, exists) -> None:
    data = doc.data if isinstance(doc.data, dict) else {}
    for field_name, key in MARKDOWN_FIELDS:
        items = data.get(field_name)
        for index, item in enumerate(items if isinstance(items, list) else ()):
            value = item.get(key) if isinstance(item, dict) else None
            values = value if isinstance(value, list) else [value]
            for number, text in enumerate(values):
                if not isinstance(text, str) or ("<" not in text and "[" not in text):
                    continue
                path = (field_name, index, key, number) if isinstance(value, list) else (
                    field_name, index, key)
                where = doc.position(path)
                for removal in removals_in(text, block=False, exists=exists):
                    log.warn(where.line, where.column + removal.start, field_label(path),
                             removal.message, removal.hint or REMOVED_HINT)


# --- limits that keep rendering quick ---------------------------------------------

# Converting Markdown takes time that grows faster than its size for some inputs (long runs
# of brackets or character references), and each level of nesting is a level of recursion.
# These limits are far beyond any real account; the time limit per dossier is the backstop.
MAX_SECTION_CHARS = 100_000
MAX_NESTING = 20  # levels of list indentation (4 columns each) and '>' quotes together
NESTING_PREFIX = re.compile(r"[ \t>]*")


def check_limits(raw: RawAccount, log: ProblemLog) -> None:
    for section in _body_parts(raw):
        size = sum(len(line.text) + 1 for line in section.lines)
        first = section.line or section.lines[0].number
        if size > MAX_SECTION_CHARS:
            log.error(first, 1, section.title or "body",
                      f"section is {size:,} characters long; the limit is {MAX_SECTION_CHARS:,}",
                      "shorten it: summarise old history, or keep long records out of the account")
        elif size * 2 > MAX_PAGE_BYTES // 100:  # only a long section can expand that far
            _check_expansion(section, first, log)
        _check_nesting(section, log)


def _check_expansion(section: RawSection, first: int, log: ProblemLog) -> None:
    """Links and images by reference repeat their address at each use: a short section can
    ask for a dossier of many megabytes. Said here, before anything is converted; the
    renderer bounds each page too, whatever makes it large."""
    text = "\n".join(line.text for line in section.lines)
    added, label, uses = reference_expansion(text)
    if added > MAX_PAGE_BYTES:
        log.error(first, 1, section.title or "body",
                  f"this section would make more than {added:,} bytes of HTML (the link "
                  f"'[{clip(label, 40)}]' is written out {uses:,} times); a page may hold "
                  f"{MAX_PAGE_BYTES:,} ({MAX_PAGE_BYTES // 1_000_000} MB)",
                  "use the link fewer times, or shorten its address")


def _check_nesting(section: RawSection, log: ProblemLog) -> None:
    fenced = False
    for line in section.lines:
        if FENCE_LINE.match(line.text):
            fenced = not fenced
        depth = 0 if fenced else _nesting(line.text)
        if depth > MAX_NESTING:
            log.error(line.number, 1, section.title or "body",
                      f"nested {depth} levels deep; the limit is {MAX_NESTING}",
                      "indent lists and quotes less deeply")
            return  # one per section says enough


def _nesting(text: str) -> int:
    prefix = NESTING_PREFIX.match(text).group(0)
    width = 0
    for char in prefix.replace(">", ""):
        width += 4 - width % 4 if char == "\t" else 1
    return prefix.count(">") + width // 4


def _body_parts(raw: RawAccount) -> list[RawSection]:
    """The text before the first heading, then each section."""
    intro = [RawSection("", 0, raw.intro)] if raw.intro else []
    return [*intro, *raw.sections]


# --- the whole account -------------------------------------------------------


def validate_account(raw: RawAccount, log: ProblemLog, config: Config) -> Account | None:
    facts = validate_model(Facts, raw.front, log)
    if facts is not None:
        check_rules(facts, raw.front, log, config.reason_labels())
    sections, notes = read_sections(raw, log)
    check_references(sections, facts, log, raw.front)
    check_limits(raw, log)
    report_removed_html(raw, log)
    if facts is None or log.has_errors:
        return None
    intro = "\n".join(line.text for line in raw.intro).strip("\n")
    intro_line = next((line.number for line in raw.intro if line.text.strip()), 0)
    meeting = raw.front.keys.get(("meeting",))
    return Account(raw.path, raw.slug, facts, sections, tuple(notes), intro, intro_line,
                   _owner_places(facts, raw.front),
                   (meeting.line, meeting.column) if meeting else (0, 0))


def _owner_places(facts: Facts, doc: YamlData) -> dict[str, tuple[int, int]]:
    paths = [("owner",), *(("follow_ups", i, "owner") for i in range(len(facts.follow_ups)))]
    places = {}
    for path in paths:
        if path in doc.values:
            where = doc.values[path]
            places[field_label(path)] = (where.line, where.column)
    return places



def read_account(path: Path, config: Config) -> tuple[Account | None, ProblemLog]:
    """Load and validate one account file: the part shared by check and build."""
    raw, log = load_account(path)
    account = validate_account(raw, log, config) if raw is not None else None
    return account, log
