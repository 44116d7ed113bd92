"""Shared fixtures: small projects written into a temporary folder."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import tempfile
import textwrap
from pathlib import Path

import pytest
from hypothesis import settings
from hypothesis.configuration import set_hypothesis_home_dir

from generator.commands.build import BuildOptions, build
from generator.project import open_project
from generator.validate import read_account

REPO = Path(__file__).resolve().parent.parent
TODAY = dt.date(2026, 11, 26)
SAMPLES = sorted(p.stem for p in (REPO / "content" / "accounts").glob("*.md"))

# Hypothesis keeps no example database, and its other files (caches of constants and
# Unicode data) go to a temporary folder: by default both are a folder in the repository.
settings.register_profile("winback", database=None)
settings.load_profile("winback")
_HYPOTHESIS_HOME = tempfile.TemporaryDirectory(prefix="winback-hypothesis-")
set_hypothesis_home_dir(_HYPOTHESIS_HOME.name)

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


def git(cwd: Path, *args: str, author: str = "Dana Reyes", date: str = "2026-01-10T10:00:00"):
    env = {**os.environ, "GIT_AUTHOR_NAME": author, "GIT_AUTHOR_EMAIL": "a@example.com",
           "GIT_COMMITTER_NAME": author, "GIT_COMMITTER_EMAIL": "a@example.com",
           "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
    subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True)


def front(body: str, extra: str = "") -> str:
    """An account file from front-matter lines (dedented) and an optional body."""
    return "---\n" + textwrap.dedent(body).strip("\n") + "\n---\n" + textwrap.dedent(extra)


def site_files(out: Path) -> dict[str, bytes]:
    """Every file of an output folder by name, but its mark, which names the project by a
    path from the folder, and so differs between two folders of one project."""
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and p.name != ".winback-output"}


def run_cli(project_dir: Path, *args: str):
    """`winback -C project_dir ARGS` through Click's runner; tracebacks are failures."""
    from click.testing import CliRunner

    from generator.cli import main

    result = CliRunner().invoke(main, ["-C", str(project_dir), *args])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    assert "Traceback" not in result.output
    return result


def build_beside_good(project_dir: Path, *args: str, pdf: bool = False):
    """Build with `good.md` (a full account) beside whatever bad account the test wrote."""
    write(project_dir / "content" / "accounts" / "good.md", FULL_ACCOUNT)
    return run_cli(project_dir, "build", *(() if pdf else ("--no-pdf",)), "--today",
                   TODAY.isoformat(), *args)


def assert_alone_reported(result, project_dir: Path, where: str, out: Path | None = None) -> None:
    """The bad account is reported at `where` (file:line:col), fails alone, and the run
    ended with the good account and the whole portfolio built."""
    out = out or project_dir / "output"
    assert result.exit_code == 1
    assert any(where in line for line in result.stderr.splitlines()), result.stderr
    assert result.stderr.splitlines()[-1].startswith("Built 1 of 2 dossiers"), result.stderr
    for name in ("accounts/good.html", "index.html", "calendar.ics", "owners/dana-reyes.html"):
        assert (out / name).is_file(), name


@pytest.fixture(scope="session")
def built_samples(tmp_path_factory) -> Path:
    """The sample accounts built once for the whole run, HTML and every PDF, as in
    `make demo`: the output folder. Tests read it; none may change it."""
    root = tmp_path_factory.mktemp("samples") / "project"
    shutil.copytree(REPO / "content", root / "content")
    shutil.copy(REPO / "winback.yaml", root / "winback.yaml")
    report = build(open_project(root), BuildOptions(today=TODAY, jobs=2))
    assert report.ok, [p.headline() for p in report.problems]
    assert report.pdfs == SAMPLES and report.letter_pdfs == SAMPLES
    return root / "output"
