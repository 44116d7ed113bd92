"""`winback today`: what is due, in the terminal: the meetings of the coming week, the
promises overdue or due in it, the check-ins missed or due, and the meetings held that
are still to be recorded; for everyone, or for one owner."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from generator.portfolio import WEEK_DAYS, Portfolio, Summary, owner_spellings
from generator.problems import visible
from generator.text import aligned, channel_words


@dataclass(frozen=True)
class Agenda:
    """What is due, part by part, each as rows of cells."""

    as_of: dt.date
    owner: str
    parts: tuple[tuple[str, tuple[tuple[str, ...], ...]], ...]

    @property
    def empty(self) -> bool:
        return not any(rows for _title, rows in self.parts)


def agenda(summary: Portfolio, owner: str = "") -> Agenda:
    """What is due, for everyone or for `owner` (any spelling of the name the portfolio
    counts as theirs)."""
    wanted = _owner_filter(summary.accounts, owner)
    week = summary.as_of + dt.timedelta(days=WEEK_DAYS)
    meetings = [d for d in summary.meetings if wanted(d.facts.owner)
                and d.facts.meeting.day <= week]
    overdue = [due for due in summary.overdue if wanted(due.follow_up.owner)]
    soon = [due for due in summary.due_soon if wanted(due.follow_up.owner)]
    missed = [d for d in summary.missed_check_ins if wanted(d.facts.owner)]
    check_ins = [d for d in summary.check_ins_due if wanted(d.facts.owner)]
    to_record = [d for d in summary.accounts if wanted(d.facts.owner)
                 and d.next_step.text.startswith("record ")]
    shown = owner_spellings(summary.accounts).get(owner.casefold(), owner) if owner else ""
    return Agenda(summary.as_of, shown, (
        ("Meetings this week", tuple(
            (_when(d.facts.meeting.when), _name(d), _clip(d.facts.meeting.where) or "-",
             _who(d))
            for d in meetings)),
        ("Overdue", tuple(
            (_when(due.follow_up.item.due), _name(due.account), _promise(due.follow_up.item),
             visible(due.follow_up.owner) or "no owner") for due in overdue)),
        ("Due this week", tuple(
            (_when(due.follow_up.item.due), _name(due.account), _promise(due.follow_up.item),
             visible(due.follow_up.owner) or "no owner") for due in soon)),
        ("Check-ins", (
            *((f"missed since {d.check_ins.missing[0]:%a %-d %b}", _name(d),
               "won back: check in now", _who(d)) for d in missed),
            *((_when(d.check_ins.next_due), _name(d), "won back: check-in due", _who(d))
              for d in check_ins))),
        ("To record", tuple((d.next_step.text, _name(d), "winback debrief " + d.slug, _who(d))
                            for d in to_record)),
    ))


def as_text(plan: Agenda) -> str:
    heading = f"Due as of {plan.as_of:%a %-d %b %Y}" + (f", for {plan.owner}" if plan.owner
                                                         else "")
    if plan.empty:
        return f"{heading}: nothing due this week."
    blocks = [heading]
    for title, rows in plan.parts:
        if rows:
            blocks.append(f"\n{title}\n" + aligned([("When", "Account", "What", "Who"),
                                                    *rows]))
    return "\n".join(blocks)


def _owner_filter(accounts: tuple[Summary, ...], owner: str):
    if not owner:
        return lambda name: True
    spelt = owner_spellings(accounts)
    wanted = spelt.get(owner.casefold(), owner).casefold()
    return lambda name: bool(name) and spelt.get(name.casefold(), name).casefold() == wanted


def _when(moment: dt.datetime | dt.date) -> str:
    if isinstance(moment, dt.datetime):
        return f"{moment:%a %-d %b, %H:%M}"
    return f"{moment:%a %-d %b}"


def _name(d: Summary) -> str:
    return visible(d.facts.name)


def _who(d: Summary) -> str:
    return visible(d.facts.owner) or "no owner"


WHAT = 60  # characters of a promise or a place, so that a row fits a terminal's line


def _promise(item) -> str:
    how = channel_words(item.channel)
    return _clip(item.what) + (f" ({how})" if how else "")


def _clip(text: str) -> str:
    text = visible(text)
    return text if len(text) <= WHAT else text[:WHAT].rsplit(" ", 1)[0].rstrip(",;:") + "…"
