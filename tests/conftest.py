"""Shared fixtures: small projects written into a temporary folder."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pytest

from generator.project import open_project
from generator.validate import read_account

REPO = Path(__file__).resolve().parent.parent
TODAY = dt.date(2026, 11, 26)

FULL_ACCOUNT = """\
---
name: Northwind Freight
status: lost
owner: Dana Reyes
value: 5200000
signed: 2016-04-11
lost: 2026-09-30
competitor: Harbor Logistics
loss_reasons: [service-failure, new-decision-maker]
industry: Freight
location: Denver, CO
interviewer: Lee Park
people:
  - name: Priya Natarajan
    title: VP Operations
    role: decision-maker
    cares_about: [on-time rate, one dashboard for all carriers]
  - name: Tom Ellis
    title: Logistics Manager
    role: champion
    left: 2026-03-01
  - name: Ana Ruiz
    role: influencer
    notes: Runs the dock.
meeting:
  when: 2026-12-03 10:00
  where: Their Denver office
  with: [Priya Natarajan]
  ours: [Sam Okafor]
follow_ups:
  - due: 2026-11-20 16:00
    channel: email
    what: Send the revised on-time SLA
  - due: 2026-12-05 16:00
    channel: phone
    owner: Sam Okafor
    what: Call to confirm the agenda
---

Intro line before any heading.

## Why they signed
Only carrier with refrigerated capacity on the Chicago-Denver lane.

## Wins
- 2019-11-02: Cleared a 300-pallet peak-season backlog in 48 hours.

## Complaints
- [ ] 2026-06-01: Late deliveries three weeks running on the Denver lane.
- [x] 2025-02-11: Duplicate invoices in January; credited in February.
- [x] 2023-08-09 (Acme Carriers): Lost shipment with their previous carrier.

## Why we lost them
Three weeks of late deliveries after the champion left.

## What we changed
- [x] 2026-10-15: Dedicated dispatch lead for the Denver lane. !essential
- [ ] Automatic SLA credits on late deliveries. !essential
- [ ] Quarterly review with their ops team.

## New needs
One dashboard for all carriers.

## History
- 2026-03-01: Tom Ellis left; Priya took over carrier decisions.

## Gossip
Free notes under a heading the compiler does not know.
"""

MINIMAL_ACCOUNT = """\
---
name: Harlow Dental
status: lost
lost: 2026-10-31
---
"""


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


@pytest.fixture
def project_dir(tmp_path: Path) -> Path:
    """An empty project folder with content/accounts/."""
    (tmp_path / "content" / "accounts").mkdir(parents=True)
    return tmp_path


@pytest.fixture
def add_account(project_dir: Path):
    def add(slug: str, text: str) -> Path:
        return write(project_dir / "content" / "accounts" / f"{slug}.md", text)
    return add


@pytest.fixture
def problems_of(project_dir: Path, add_account):
    """Validate one account text and return its problems."""
    def run(text: str, slug: str = "acme"):
        path = add_account(slug, text)
        account, log = read_account(path, open_project(project_dir).config)
        return account, log.problems
    return run


def front(body: str, extra: str = "") -> str:
    """An account file from front-matter lines (dedented) and an optional body."""
    return "---\n" + textwrap.dedent(body).strip("\n") + "\n---\n" + textwrap.dedent(extra)
