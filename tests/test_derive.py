"""Derived facts: tenure, days since loss, complaint order, readiness, overdue."""

from __future__ import annotations

import datetime as dt

from conftest import FULL_ACCOUNT, MINIMAL_ACCOUNT, REPO, TODAY, build_beside_good, front

from generator.derive import BuildDate, Span, build_date, derive
from generator.ics import account_events
from generator.portfolio import FailedAccount, portfolio, summarise
from generator.project import open_project
from generator.validate import read_account

# An account whose every date is a 29 February: anniversaries, tenure and "two years ago"
# must find a day in the years that have none.
LEAP_ACCOUNT = (FULL_ACCOUNT.replace("signed: 2016-04-11", "signed: 2016-02-29")
                .replace("lost: 2026-09-30", "lost: 2024-02-29")
                .replace("2026-06-01:", "2020-02-29:").replace("2025-02-11:", "2012-02-29:")
                .replace("when: 2026-12-03 10:00", "when: 2028-02-29 10:00")
                .replace("due: 2026-11-20 16:00", "due: 2028-02-29 16:00"))


def dossier_of(problems_of, project_dir, text, slug="acme", today=TODAY):
    account, problems = problems_of(text, slug)
    assert account is not None, problems
    project = open_project(project_dir)
    return derive(account, project.config, project.bank, BuildDate(today, True))


def test_snapshot_numbers(problems_of, project_dir):
    d = dossier_of(problems_of, project_dir, FULL_ACCOUNT)
    assert str(d.tenure) == "10 years 5 months"
    assert d.days_since_loss == 57
    assert d.reasons == ("Service failure", "New decision maker")
    assert d.meeting_upcoming


def test_complaints_open_first_then_newest(problems_of, project_dir):
    d = dossier_of(problems_of, project_dir, FULL_ACCOUNT)
    assert [(e.date.isoformat(), e.party) for e in d.open_complaints] == [("2026-06-01", "")]
    assert [(e.date.isoformat(), e.party) for e in d.resolved_complaints] == [
        ("2025-02-11", ""), ("2023-08-09", "Acme Carriers")]


def test_people_grouped_and_departed_apart(problems_of, project_dir):
    d = dossier_of(problems_of, project_dir, FULL_ACCOUNT)
    assert [p.name for p in d.people.decision_makers] == ["Priya Natarajan"]
    assert d.people.champions == ()
    assert [p.name for p in d.people.others] == ["Ana Ruiz"]
    assert [p.name for p in d.people.departed] == ["Tom Ellis"]


def test_open_essential_change_means_not_ready(problems_of, project_dir):
    d = dossier_of(problems_of, project_dir, FULL_ACCOUNT)
    assert d.readiness.state == "not-ready"
    assert [e.text for e in d.readiness.remaining] == ["Automatic SLA credits on late deliveries."]


def test_readiness_states(problems_of, project_dir):
    done = front("""
        name: Acme
        status: lost
        lost: 2026-01-01
        loss_reasons: [price]
    """, """
        ## What we changed
        - [x] 2026-02-01: New price tier. !essential
        - [ ] Nice to have.
    """)
    assert dossier_of(problems_of, project_dir, done).readiness.state == "ready"
    assert dossier_of(problems_of, project_dir, MINIMAL_ACCOUNT, "b").readiness.state == "unknown"
    won = front("""
        name: Acme
        status: won-back
        lost: 2026-01-01
        won_back: 2026-06-01
        loss_reasons: [price]
    """)
    assert dossier_of(problems_of, project_dir, won, "c").readiness.state == "not-applicable"


def test_overdue_follow_ups_relative_to_build_date(problems_of, project_dir):
    d = dossier_of(problems_of, project_dir, FULL_ACCOUNT)
    assert [(f.item.what, f.overdue) for f in d.follow_ups] == [
        ("Send the revised on-time SLA", True), ("Call to confirm the agenda", False)]
    earlier = dossier_of(problems_of, project_dir, FULL_ACCOUNT, today=dt.date(2026, 11, 1))
    assert earlier.overdue_count == 0


def test_tenure_of_an_account_still_with_us_runs_to_today():
    assert str(Span.between(dt.date(2025, 11, 27), TODAY)) == "11 months"
    assert str(Span.between(dt.date(2024, 11, 26), TODAY)) == "2 years"
    assert str(Span.between(dt.date(2023, 10, 1), TODAY)) == "3 years 1 month"


def test_build_date_prefers_explicit_then_source_date_epoch(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1790000000")
    assert build_date() == BuildDate(dt.date(2026, 9, 21), True)
    assert build_date(TODAY) == BuildDate(TODAY, True)
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    before = dt.date.today()
    unpinned = build_date()
    assert not unpinned.pinned and unpinned.day in (before, dt.date.today())  # at midnight too


def test_portfolio_lists_lost_accounts_first_by_value(problems_of, project_dir):
    def account(slug, status, value):
        extra = "lost: 2026-01-01\nloss_reasons: [price]\n" if status == "lost" else ""
        return summarise(dossier_of(
            problems_of, project_dir,
            f"---\nname: {slug}\nstatus: {status}\nvalue: {value}\n{extra}---\n", slug), b"")
    dossiers = [account("small", "lost", 10), account("risk", "at-risk", 999),
                account("big", "lost", 500), account("back", "active", 1)]
    failed = [FailedAccount("zed", "zed.md", "bad"), FailedAccount("abc", "abc.md", "bad")]
    result = portfolio(dossiers, failed, open_project(project_dir).config, BuildDate(TODAY, True))
    assert [d.slug for d in result.accounts] == ["big", "small", "risk", "back"]
    assert [f.slug for f in result.failed] == ["abc", "zed"]


def test_every_day_of_a_leap_year_derives_every_sample(project_dir, add_account):
    project = open_project(REPO)
    files = [*project.account_files(), add_account("leap", LEAP_ACCOUNT)]
    accounts = [read_account(path, project.config)[0] for path in files]
    assert None not in accounts
    day = dt.date(2028, 1, 1)
    while day.year == 2028:
        when = BuildDate(day, True)
        summaries = []
        for account in accounts:
            dossier = derive(account, project.config, project.bank, when)
            summaries.append(summarise(dossier, account_events(
                dossier, project.bank.agenda.meeting_minutes)))
        assert len(portfolio(summaries, [], project.config, when).accounts) == len(accounts)
        day += dt.timedelta(days=1)


def test_a_build_on_29_february(project_dir, add_account):
    add_account("leap", LEAP_ACCOUNT)
    result = build_beside_good(project_dir, "--today", "2028-02-29")
    assert result.exit_code == 0, result.output
    page = (project_dir / "output" / "accounts" / "leap.html").read_text()
    assert "29 Feb 2028" in page
