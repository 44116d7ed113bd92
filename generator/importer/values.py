"""Cells -> values: dates, times and amounts as CRMs and spreadsheets write them.

A date is read as ISO (2026-12-31, with or without a time), with a named month
(Dec 31, 2026), and as 12/31/2026 or 31/12/2026: which comes first is what the rules say
(`date_order`), else what the export itself shows (an export writes all its dates one
way, so one 12/31/2026 shows that 03/04/2026 is the 4th of March). When nothing tells,
03/04/2026 is a problem: it is never guessed.
"""

from __future__ import annotations

import datetime as dt
import re

from generator.schema import FIRST_DATE, LAST_DATE, in_date_range
from generator.validate import iso_dates

ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::\d{2}(?:\.\d+)?)?"
                 r"(?:Z|[+-]\d{2}:?\d{2})?)?$")
NUMERIC = re.compile(r"^(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})"
                     r"(?:,?\s+(\d{1,2}):(\d{2})(?::\d{2})?\s*([AaPp]\.?[Mm]\.?)?)?$")
ORDER_HINT = ("no date of the export tells which comes first: set date_order: month-first "
              "(12/31/2026) or day-first (31/12/2026) in the rules")


class CellError(ValueError):
    """A cell that cannot be read: what is wrong, and how to fix it."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message, self.hint = message, hint


def read_when(text: str, order: str | None) -> tuple[dt.date, dt.time | None]:
    """A date, and its time when the cell has one."""
    text = " ".join(text.split())
    if found := ISO.match(text):
        year, month, day, hour, minute = found.groups()
        return _date(text, int(year), int(month), int(day)), _time(text, hour, minute, None)
    if found := NUMERIC.match(text):
        first, _sep, second, year, hour, minute, noon = found.groups()
        if len(year) == 2:
            raise CellError(f"'{text}' has a two-digit year",
                            "export dates with four-digit years, e.g. 12/31/2026")
        return (_ordered(text, int(first), int(second), int(year), order),
                _time(text, hour, minute, noon))
    named = iso_dates(text)
    if len(named) == 1:
        return _in_range(text, named[0]), None
    raise CellError(f"'{text}' is not a date", "write it as YYYY-MM-DD, e.g. 2026-12-31")


def shown_order(texts) -> str | None:
    """The order that dates such as 12/31/2026 (month first) or 31/12/2026 (day first)
    show; None when none shows one, or they show both."""
    seen = set()
    for text in texts:
        if found := NUMERIC.match(" ".join(text.split())):
            first, second = int(found.group(1)), int(found.group(3))
            if first > 12 >= second:
                seen.add("day-first")
            elif second > 12 >= first:
                seen.add("month-first")
    return seen.pop() if len(seen) == 1 else None


def _ordered(text: str, first: int, second: int, year: int, order: str | None) -> dt.date:
    if order == "month-first":
        return _date(text, year, first, second)
    if order == "day-first":
        return _date(text, year, second, first)
    if first <= 12 and second <= 12 and first != second:
        month_first, day_first = dt.date(year, first, second), dt.date(year, second, first)
        raise CellError(f"'{text}' could be {_spoken(month_first)} or {_spoken(day_first)}",
                        ORDER_HINT)
    month, day = (first, second) if second > 12 else (second, first)
    return _date(text, year, month, day)


def _spoken(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"  # not %-d, which Windows does not know


def _date(text: str, year: int, month: int, day: int) -> dt.date:
    try:
        day_ = dt.date(year, month, day)
    except ValueError:
        raise CellError(f"'{text}' is not a real date", "check the day and the month") from None
    return _in_range(text, day_)


def _in_range(text: str, day: dt.date) -> dt.date:
    if not in_date_range(day):
        raise CellError(f"'{text}' is outside {FIRST_DATE} to {LAST_DATE}", "check the year")
    return day


def _time(text: str, hour: str | None, minute: str | None, noon: str | None) -> dt.time | None:
    if hour is None:
        return None
    hours = int(hour)
    if noon:
        if not 1 <= hours <= 12:
            raise CellError(f"'{text}' has no such time", "check the hour")
        hours = hours % 12 + (12 if noon[0] in "Pp" else 0)
    if hours > 23 or int(minute) > 59:
        raise CellError(f"'{text}' has no such time", "check the hour and the minutes")
    return dt.time(hours, int(minute))


def read_amount(text: str, decimal: str) -> float:
    """An amount with its currency and thousands separators: '$1,200,000.00',
    'USD 5200000', or '1.200.000,00 €' when the rules say decimal: ','."""
    shown = " ".join(text.split())
    if "-" in text or "(" in text:
        raise CellError(f"'{shown}' is negative", "an annual value is 0 or more")
    digits = re.sub(r"[^\d.,]", "", text)
    thousands = "," if decimal == "." else "."
    whole, _, cents = digits.rpartition(decimal) if decimal in digits else (digits, "", "")
    grouped = re.fullmatch(rf"\d{{1,3}}(?:{re.escape(thousands)}\d{{3}})+|\d+", whole)
    if not grouped or (cents and not cents.isdigit()):
        other = "," if decimal == "." else "."
        raise CellError(f"'{shown}' is not an amount written with '{decimal}' for decimals",
                        f"write it as 1200000{decimal}00, or set decimal: '{other}' in the "
                        "rules if amounts are written so")
    value = float(whole.replace(thousands, "") + (f".{cents}" if cents else ""))
    if value > 1e15:
        raise CellError(f"'{shown}' is more than 10^15", "check the amount")
    return value
