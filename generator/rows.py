"""The portfolio as rows, one per account: what `winback list` prints (as a table, JSON
or CSV) and the site's spreadsheet of the portfolio, alike."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict, dataclass, field

from generator.portfolio import Summary


@dataclass(frozen=True)
class Row:
    slug: str
    name: str
    status: str
    owner: str
    value: int | None  # whole units of the currency, as the files give them
    lost: str
    next_meeting: str
    readiness: str
    listen_only: bool  # not ready, with a meeting booked: the meeting is for listening
    open_essential_fixes: int
    overdue_follow_ups: int
    loss_reasons: list[str] = field(default_factory=list)


def row_of(d: Summary) -> Row:
    facts = d.facts
    meeting = facts.meeting.when.strftime(
        "%Y-%m-%d %H:%M" if facts.meeting.time_set else "%Y-%m-%d") if (
        facts.meeting and d.meeting_upcoming) else ""
    value = None if facts.value is None else round(facts.value)
    return Row(d.slug, facts.name, facts.status, facts.owner, value,
               facts.lost.isoformat() if facts.lost else "", meeting, d.readiness.state,
               d.readiness.listen_only, len(d.readiness.remaining), d.overdue_count,
               list(facts.loss_reasons))


def as_json(rows: list[Row]) -> str:
    return json.dumps([asdict(row) for row in rows], indent=2, ensure_ascii=False)


# A spreadsheet reads a cell that starts with one of these as a formula, which can run
# commands or send data away (=HYPERLINK(...), +cmd|...): such text is written after a quote.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def as_csv(rows: list[Row]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    names = list(Row.__dataclass_fields__)
    writer.writerow(names)
    for row in rows:
        values = asdict(row)
        values["loss_reasons"] = " ".join(row.loss_reasons)
        values["value"] = "" if row.value is None else str(row.value)
        values["listen_only"] = "yes" if row.listen_only else "no"  # as a person reads it
        writer.writerow(_as_text(values[name]) for name in names)
    return buffer.getvalue()


def _as_text(value: object) -> object:
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value
