"""Derive, across accounts: what a sales leader reads on the portfolio pages.

Each account's dossier is first cut down to a `Summary`: what the portfolio
needs of it, small enough that the build keeps thousands in memory. From the
summaries come the totals, what is due this week, meetings, accounts not ready
to ask, each owner's list and the data of the pattern charts. Like `derive`,
nothing here reads files or formats HTML.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from generator.after import CheckIns
from generator.derive import (
    BuildDate,
    Dossier,
    FollowUpItem,
    NextStep,
    Readiness,
)
from generator.load import field_label, suggest_slug
from generator.plan import Approaches
from generator.problems import Problem, Severity
from generator.schema import Config, Meeting
from generator.statuses import REGISTRY, STATUS_BY_KEY, STATUS_ORDER, Status
from generator.text import how_names_differ, name_key, tidy_name

WEEK_DAYS = 7  # "due this week" on the dashboard
TENURE_BUCKETS = ((1, "Under 1 year"), (2, "1 to 2 years"), (5, "2 to 5 years"),
                  (10, "5 to 10 years"), (None, "10 years or more"))


@dataclass(frozen=True)
class AccountFacts:
    """The facts of an account that the portfolio shows."""

    name: str
    status: str
    owner: str
    value: float | None
    signed: dt.date | None
    lost: dt.date | None
    won_back: dt.date | None
    loss_reasons: tuple[str, ...]
    competitor: str
    meeting: Meeting | None
    example: bool


@dataclass(frozen=True)
class Summary:
    """What the portfolio needs of one account."""

    slug: str
    path: Path
    facts: AccountFacts
    readiness: Readiness
    follow_ups: tuple[FollowUpItem, ...]
    meeting_upcoming: bool
    check_ins: CheckIns | None
    approaches: Approaches
    stale: bool
    outdated: bool  # the pages show the last good version of a file with errors
    owner_places: dict[str, tuple[int, int]]  # where each owner name stands in the file
    events: bytes  # its meetings and follow-ups, for the calendar
    next_step: NextStep  # the one next thing, as every page says it

    @property
    def overdue_count(self) -> int:
        return sum(1 for f in self.follow_ups if f.overdue)


def summarise(dossier: Dossier, events: bytes) -> Summary:
    facts = dossier.facts
    return Summary(
        slug=dossier.slug,
        path=dossier.account.path,
        facts=AccountFacts(facts.name, facts.status, facts.owner, facts.value, facts.signed,
                           facts.lost, facts.won_back, tuple(facts.loss_reasons),
                           facts.competitor, facts.meeting, facts.example),
        readiness=dossier.readiness,
        follow_ups=dossier.follow_ups,
        meeting_upcoming=dossier.meeting_upcoming,
        check_ins=dossier.check_ins,
        approaches=dossier.approaches,
        stale=dossier.stale,
        outdated=dossier.outdated is not None,
        owner_places=dossier.account.owner_places,
        events=events,
        next_step=dossier.next_step,
    )


@dataclass(frozen=True)
class FailedAccount:
    slug: str
    path: str
    first_problem: str
    kept: bool = False  # its pages show the last good version of its file


@dataclass(frozen=True)
class StatusTotal:
    status: Status
    count: int
    value: float  # their annual values added up


@dataclass(frozen=True)
class Totals:
    by_status: tuple[StatusTotal, ...]  # each status the totals count, in the table's order
    at_stake: float  # the annual value of the accounts whose value is lost or could be


@dataclass(frozen=True)
class Bar:
    label: str
    values: tuple[float, ...]


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    description: str
    series: tuple[str, ...]
    bars: tuple[Bar, ...]
    money: bool = False


@dataclass(frozen=True)
class DueFollowUp:
    account: Summary
    follow_up: FollowUpItem


@dataclass(frozen=True)
class Owner:
    name: str
    slug: str
    accounts: tuple[Summary, ...]
    meetings: tuple[Summary, ...]  # upcoming, soonest first
    follow_ups: tuple[DueFollowUp, ...]  # not done, soonest first

    @functools.cached_property
    def totals(self) -> Totals:
        return _totals(self.accounts)

    @functools.cached_property
    def at_stake(self) -> tuple[Summary, ...]:
        return at_stake(self.accounts)

    @functools.cached_property
    def overdue(self) -> int:
        return sum(1 for item in self.follow_ups if item.follow_up.overdue)

    @functools.cached_property
    def missed_check_ins(self) -> tuple[Summary, ...]:
        return missed_check_ins(self.accounts)


@dataclass(frozen=True)
class Portfolio:
    title: str
    as_of: dt.date
    prepared: dt.date
    accounts: tuple[Summary, ...]
    at_stake: tuple[Summary, ...]  # lost and at-risk accounts, most valuable first
    failed: tuple[FailedAccount, ...]
    totals: Totals
    meetings: tuple[Summary, ...]
    overdue: tuple[DueFollowUp, ...]
    due_soon: tuple[DueFollowUp, ...]  # follow-ups due within the week, not yet overdue
    check_ins_due: tuple[Summary, ...]  # won-back accounts with a check-in due within the week
    missed_check_ins: tuple[Summary, ...]  # won-back accounts whose last check-in due was missed
    waiting: tuple[Summary, ...]  # asked for a meeting, no answer yet
    not_ready: tuple[Summary, ...]
    charts: tuple[Chart, ...]
    owners: tuple[Owner, ...]
    new_clients_known: bool  # winback.yaml gives new clients per year
    examples: tuple[Summary, ...] = ()  # example accounts: built, but counted nowhere

    @property
    def kept(self) -> int:
        """Of the accounts with errors, how many are shown from an earlier version."""
        return sum(1 for item in self.failed if item.kept)

    def owner_slug(self, name: str) -> str:
        return self._owner_slugs.get(name_key(name), "")

    @functools.cached_property
    def _owner_slugs(self) -> dict[str, str]:
        return {name_key(owner.name): owner.slug for owner in self.owners}


def portfolio(summaries: list[Summary], failed: list[FailedAccount], config: Config,
              when: BuildDate) -> Portfolio:
    """Lost accounts first, most valuable first within each status. Example accounts
    are kept apart: they count in no total, chart, owner page or calendar."""
    examples = tuple(sorted((d for d in summaries if d.facts.example), key=lambda d: d.slug))
    counted = [d for d in summaries if not d.facts.example]
    ordered = tuple(sorted(counted, key=lambda d: (
        STATUS_ORDER[d.facts.status], -(d.facts.value or 0), d.facts.name.lower(), d.slug)))
    due = _due_follow_ups(ordered)
    week = when.day + dt.timedelta(days=WEEK_DAYS)
    return Portfolio(
        title=config.title,
        as_of=when.day,
        prepared=when.day,
        accounts=ordered,
        at_stake=at_stake(ordered),
        failed=tuple(sorted(failed, key=lambda f: f.slug)),
        totals=_totals(ordered),
        meetings=_upcoming_meetings(ordered),
        overdue=tuple(item for item in due if item.follow_up.overdue),
        due_soon=tuple(item for item in due if not item.follow_up.overdue
                       and item.follow_up.item.due.date() <= week),
        check_ins_due=tuple(sorted((d for d in ordered if d.check_ins
                                    and not d.check_ins.overdue
                                    and d.check_ins.next_due <= week),
                                   key=lambda d: (d.check_ins.next_due, d.slug))),
        missed_check_ins=missed_check_ins(ordered),
        waiting=tuple(sorted((d for d in ordered if d.approaches.waiting),
                             key=lambda d: (d.approaches.next_try, d.slug))),
        not_ready=tuple(d for d in ordered if d.readiness.state == "not-ready"),
        charts=charts(ordered, config.reason_labels(), config.new_clients),
        owners=_owners(ordered, due),
        new_clients_known=bool(config.new_clients),
        examples=examples,
    )


def _totals(accounts: tuple[Summary, ...]) -> Totals:
    count: Counter[str] = Counter(d.facts.status for d in accounts)
    value: Counter[str] = Counter()
    for d in accounts:
        value[d.facts.status] += d.facts.value or 0
    return Totals(tuple(StatusTotal(s, count[s.key], value[s.key]) for s in REGISTRY.in_totals),
                  sum(value[s.key] for s in REGISTRY.at_stake))


def missed_check_ins(accounts: tuple[Summary, ...]) -> tuple[Summary, ...]:
    """Won-back accounts with a check-in due and none recorded: longest missed first."""
    return tuple(sorted((d for d in accounts if d.check_ins and d.check_ins.overdue),
                        key=lambda d: (d.check_ins.missing[0], d.slug)))


def at_stake(accounts: tuple[Summary, ...]) -> tuple[Summary, ...]:
    """The accounts whose value is lost or could be, most valuable first: what a
    leader reads first on paper."""
    return tuple(sorted((d for d in accounts if STATUS_BY_KEY[d.facts.status].at_stake),
                        key=lambda d: (-(d.facts.value or 0), d.facts.name.lower(), d.slug)))


def _upcoming_meetings(accounts: tuple[Summary, ...]) -> tuple[Summary, ...]:
    upcoming = [d for d in accounts if d.facts.meeting and d.meeting_upcoming]
    return tuple(sorted(upcoming, key=lambda d: (d.facts.meeting.at, d.slug)))


def _due_follow_ups(accounts: tuple[Summary, ...]) -> tuple[DueFollowUp, ...]:
    items = [DueFollowUp(d, f) for d in accounts for f in d.follow_ups if f.state != "done"]
    return tuple(sorted(items, key=lambda i: (i.follow_up.item.due, i.account.slug,
                                               i.follow_up.item.what)))


def _owners(accounts: tuple[Summary, ...], due: tuple[DueFollowUp, ...]) -> tuple[Owner, ...]:
    spelt = owner_spellings(accounts)
    owners = {d.facts.owner for d in accounts} | {i.follow_up.owner for i in due}
    names = sorted({spelt[name_key(name)] for name in owners if name_key(name)},
                   key=lambda name: (name_key(name), name))
    slugs = unique_slugs(names)
    owned = _by_owner(accounts, lambda d: d.facts.owner)
    meetings = _by_owner(_upcoming_meetings(accounts), lambda d: d.facts.owner)
    follow_ups = _by_owner(due, lambda i: i.follow_up.owner)
    return tuple(Owner(
        name=name,
        slug=slugs[name],
        accounts=tuple(owned.get(name_key(name), ())),
        meetings=tuple(meetings.get(name_key(name), ())),
        follow_ups=tuple(follow_ups.get(name_key(name), ())),
    ) for name in names)


def _by_owner(items, owner_of) -> dict[str, list]:
    """Items by their owner's name key, in their order."""
    grouped: dict[str, list] = defaultdict(list)
    for item in items:
        grouped[name_key(owner_of(item))].append(item)
    return grouped


@dataclass(frozen=True)
class OwnerNames:
    """The owner names of one account file, by where they stand ("owner", "follow-up 2,
    owner"), and the line and column of each: what owner pages are made from."""

    path: Path
    names: dict[str, str]
    places: dict[str, tuple[int, int]]

    @classmethod
    def of(cls, path: Path, owner: str, follow_up_owners, places) -> OwnerNames:
        names = {"owner": owner}
        names.update((field_label(("follow_ups", i, "owner")), name)
                     for i, name in enumerate(follow_up_owners))
        return cls(path, {place: name for place, name in names.items() if name_key(name)},
                   places)


def owner_names(account: Summary) -> OwnerNames:
    return OwnerNames.of(account.path, account.facts.owner,
                         [f.item.owner for f in account.follow_ups], account.owner_places)


def owner_spellings(accounts) -> dict[str, str]:
    """Each owner, by the key of the name, spelt the way most of the files spell it (the
    first in code point order among equals), with its spaces plain and nothing invisible:
    names that differ only in case, accents, spacing or invisible characters are one
    owner, so that no page depends on which file was read first."""
    counts: Counter[str] = Counter(tidy_name(name) for names in map(_names, accounts)
                                   for name in names.names.values())
    best: dict[str, str] = {}
    for name in sorted(counts, key=lambda n: (-counts[n], n)):
        best.setdefault(name_key(name), name)
    return best


def owner_spelling_problems(accounts) -> list[Problem]:
    """A warning at each owner name spelt otherwise than its owner's page. `accounts` are
    summaries (a build) or `OwnerNames` (a check)."""
    every = [_names(account) for account in accounts]
    spelt = owner_spellings(every)
    problems = []
    for names in every:
        for place, name in names.names.items():
            shown = spelt[name_key(name)]
            if name != shown:
                line, column = names.places.get(place, (0, 0))
                problems.append(Problem(
                    names.path, line, column, place,
                    f"'{name}' is written '{shown}' in other files (it differs in "
                    f"{how_names_differ(name, shown)}); they are one owner",
                    f"write '{shown}' here too", Severity.WARNING))
    return problems


def _names(account) -> OwnerNames:
    return account if isinstance(account, OwnerNames) else owner_names(account)


MAX_SLUG = 60


def unique_slugs(names: list[str]) -> dict[str, str]:
    """Owner page names, one for each name, the same for the same names in any order.

    A name keeps its plain slug unless another name slugs alike; then the first in order
    keeps it and the others get -2, -3... past every slug already given. A name with no
    Latin letters or digits gets one made from its hash, so two such names never meet."""
    bases = {name: _base(name) for name in names}
    slugs: dict[str, str] = {}
    taken: set[str] = set()
    for name in names:  # first every uncontested or first-come plain slug
        if bases[name] not in taken:
            slugs[name] = bases[name]
            taken.add(bases[name])
    numbers: dict[str, int] = {}
    for name in names:
        if name not in slugs:
            base = bases[name]
            number = numbers.get(base, 2)
            while f"{base}-{number}" in taken:
                number += 1
            numbers[base] = number + 1
            slugs[name] = f"{base}-{number}"
            taken.add(slugs[name])
    return slugs


def _base(name: str) -> str:
    slug = suggest_slug(name)[:MAX_SLUG].strip("-")
    return slug or "owner-" + hashlib.sha256(name.encode("utf-8")).hexdigest()[:8]


# --- the pattern charts ----------------------------------------------------------


def charts(accounts: tuple[Summary, ...], labels: dict[str, str],
           new_clients: dict[int, int]) -> tuple[Chart, ...]:
    """The pattern charts. "Lost and new clients" needs the number of clients signed
    each year, which the tracked accounts alone cannot give: it comes from winback.yaml
    and is left out without it."""
    lost = [d for d in accounts if d.facts.lost is not None]
    lost_years = Counter(d.facts.lost.year for d in lost)
    return tuple(chart for chart in (
        _reasons_by(lost, labels, by_value=False),
        _reasons_by(lost, labels, by_value=True),
        _tenure_at_loss(lost),
        _per_year("lost-won-back", "Lost and won back, per year",
                  ("Lost", lost_years),
                  ("Won back", Counter(d.facts.won_back.year for d in accounts
                                       if d.facts.won_back))),
        _per_year("lost-signed", "Lost and new clients, per year",
                  ("Lost", lost_years), ("New clients", Counter(new_clients)))
        if new_clients else None,
    ) if chart is not None)


def _reasons_by(lost: list[Summary], labels: dict[str, str], *, by_value: bool) -> Chart:
    totals: Counter[str] = Counter()
    for account in lost:
        for reason in dict.fromkeys(account.facts.loss_reasons):
            totals[reason] += (account.facts.value or 0) if by_value else 1
    bars = tuple(Bar(labels.get(r, r), (v,)) for r, v in
                 sorted(totals.items(), key=lambda item: (-item[1], labels.get(item[0], item[0]))))
    unit = "values" if by_value else "counts"
    lead = (f"{bars[0].label} leads" if bars else "No loss reasons are recorded yet")
    description = (f"{lead}. Each lost or won-back account counts under every reason it "
                   f"records, so the {unit} add up to more than the total.")
    title = "Loss reasons by annual value" if by_value else "Loss reasons by number of accounts"
    return Chart("reasons-value" if by_value else "reasons-count", title, description,
                 ("Annual value" if by_value else "Accounts",), bars, money=by_value)


def _tenure_at_loss(lost: list[Summary]) -> Chart:
    counts = {label: 0 for _, label in TENURE_BUCKETS}
    for account in lost:
        if account.facts.signed is None:
            continue
        years = (account.facts.lost - account.facts.signed).days / 365.25
        label = next(label for limit, label in TENURE_BUCKETS if limit is None or years < limit)
        counts[label] += 1
    measured = sum(counts.values())
    description = (f"How long {measured} lost accounts had been clients when they left "
                   "(accounts without a signed date are not counted).")
    return Chart("tenure", "Tenure at loss", description, ("Accounts",),
                 tuple(Bar(label, (count,)) for label, count in counts.items()))


def _per_year(key: str, title: str, *series: tuple[str, Counter[int]]) -> Chart:
    """Counts per year; years with nothing in any series are left out."""
    years = sorted({year for _name, counts in series for year, n in counts.items() if n})
    bars = tuple(Bar(str(year), tuple(counts.get(year, 0) for _name, counts in series))
                 for year in years)
    names = " and ".join(name.lower() for name, _ in series)
    totals = ", ".join(f"{sum(counts.values())} {name.lower()}" for name, counts in series)
    description = (f"{names.capitalize()} in each year from {years[0]} to {years[-1]} "
                   f"(years with neither are left out): {totals} in all." if bars
                   else f"No {names} dates are recorded yet.")
    return Chart(key, title, description, tuple(name for name, _ in series), bars)
