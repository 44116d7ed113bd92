"""An account's standing from the CRM: its status and the facts that go with it.

The opportunities (deals) decide, in the order they closed, with a churn date as one more
loss: the latest closed lost after an earlier won one is `lost` from that date; won after
a lost one, `won-back`; won only, `active`. The rules' `status` settings decide the rest:
an account type that says more (a "Former Customer"), accounts with no closed opportunity,
and accounts with lost ones only (never a client).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from generator.importer.records import CrmAccount, Opportunity, normal
from generator.importer.rules import Rules
from generator.schema import normal_word


@dataclass(frozen=True)
class Close:
    """One end of a deal, or the churn date (no deal)."""

    date: dt.date
    won: bool
    deal: Opportunity | None = None


@dataclass
class Standing:
    status: str  # a status, or 'skip': not imported
    lost: dt.date | None = None
    won_back: dt.date | None = None
    signed: dt.date | None = None
    value: float | None = None
    competitor: str = ""
    reasons: list[str] = field(default_factory=list)  # our ids
    unmapped: list[str] = field(default_factory=list)  # the CRM's words no rule maps
    lost_deal: Opportunity | None = None
    missing: str = ""  # why the status cannot be imported: a date it needs is not known


def standing(account: CrmAccount, deals: list[Opportunity], rules: Rules,
             reasons: dict[str, str]) -> Standing:
    closes = sorted([Close(d.closed, d.won, d) for d in deals] +
                    ([Close(account.churned, False)] if account.churned else []),
                    key=lambda c: (c.date, c.won))
    by_type = {normal(word): status for word, status in rules.status.by_type.items()}
    result = Standing(by_type.get(normal(account.type)) or _from_closes(closes, rules))
    if result.status in ("lost", "won-back"):
        _losing(result, closes, rules, reasons)
    result.signed = _signed(account, closes, result.lost)
    # What they paid us: the latest won deal's amount (for a lost client, the last before
    # they left, since a loss closes its deals).
    amounts = [c.deal.amount for c in closes if c.won and c.deal.amount is not None]
    result.value = amounts[-1] if amounts else None
    return result


def _from_closes(closes: list[Close], rules: Rules) -> str:
    if not closes:
        return rules.status.no_opportunities
    latest, before = closes[-1], closes[:-1]
    if latest.won:
        return "won-back" if any(not c.won for c in before) else "active"
    if any(c.won for c in before) or latest.deal is None:
        return "lost"
    return rules.status.lost_only


def _losing(result: Standing, closes: list[Close], rules: Rules,
            reasons: dict[str, str]) -> None:
    """When it was lost (and won back), who took it, and why, from the loss that counts:
    the latest, or for a won-back account the latest before it came back."""
    if result.status == "won-back":
        wins = [c for c in closes if c.won]
        if not wins:
            result.missing = "no won opportunity gives the date it came back"
            return
        result.won_back = wins[-1].date
        closes = [c for c in closes if c.date <= result.won_back and not c.won]
    losses = [c for c in closes if not c.won]
    if not losses:
        result.missing = "no lost opportunity or churn date gives the date it was lost"
        return
    loss = losses[-1]
    result.lost = loss.date
    if loss.deal is not None:
        result.lost_deal = loss.deal
        result.competitor = loss.deal.competitor
        _reasons(result, loss.deal.reasons, rules, reasons)


def _reasons(result: Standing, words: list[str], rules: Rules, reasons: dict[str, str]) -> None:
    mapping = {normal(crm): ours for crm, ours in rules.loss_reasons.items()}
    for word in words:
        ours = mapping.get(normal(word)) or (normal_word(word) if normal_word(word) in reasons
                                             else None)
        if ours is None:
            ours = "other"
            result.unmapped.append(word)
        if ours not in result.reasons:
            result.reasons.append(ours)


def _signed(account: CrmAccount, closes: list[Close], lost: dt.date | None) -> dt.date | None:
    """When they first signed: the first won deal, else the account's creation date, as
    long as it is not after they left."""
    first_win = next((c.date for c in closes if c.won), None)
    for day in (first_win, account.created):
        if day is not None and (lost is None or day <= lost):
            return day
    return None
