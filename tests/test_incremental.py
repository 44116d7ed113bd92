"""Incremental rebuilds: only what changed is redone, and the result equals a clean build."""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest
from conftest import FULL_ACCOUNT, MINIMAL_ACCOUNT, TODAY, front, site_files, write
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.commands.build import BuildOptions, build
from generator.project import open_project

OPTIONS = dict(today=TODAY, pdf=False, jobs=1)


def account_text(number: int, value: int, broken: bool = False) -> str:
    return front(f"""
        name: Account {number}
        status: {"lsot" if broken else "lost"}
        owner: Owner {number % 3}
        value: {value}
        signed: 2020-01-01
        lost: 2026-01-01
        loss_reasons: [price]
        follow_ups:
          - due: 2026-12-0{1 + number % 8} 10:00
            channel: email
            what: Follow up {number}
    """, f"""
        ## History
        - 2025-06-0{1 + number % 8}: Event {value}.
    """)


def test_no_op_rebuild_redoes_nothing_and_reports_the_same(project_dir, add_account):
    add_account("northwind", FULL_ACCOUNT)
    add_account("harlow", MINIMAL_ACCOUNT)
    add_account("broken", account_text(1, 5, broken=True))
    first = build(open_project(project_dir), BuildOptions(**OPTIONS))
    before = site_files(project_dir / "output")
    again = build(open_project(project_dir), BuildOptions(**OPTIONS))
    assert again.rebuilt == [] and again.built == ["harlow", "northwind"]
    assert again.failed == ["broken"] and sorted(again.problems) == sorted(first.problems)
    assert site_files(project_dir / "output") == before


def test_one_edit_rebuilds_one_dossier_and_the_portfolio(project_dir, add_account):
    for number in range(4):
        add_account(f"a{number}", account_text(number, 100 + number))
    build(open_project(project_dir), BuildOptions(**OPTIONS))
    index = (project_dir / "output" / "index.html").read_text()
    add_account("a2", account_text(2, 999))
    report = build(open_project(project_dir), BuildOptions(**OPTIONS))
    assert report.rebuilt == ["a2"]
    assert "$999" in (project_dir / "output" / "index.html").read_text() != index


def test_template_change_rebuilds_only_its_users(project_dir, add_account):
    for number in range(3):
        add_account(f"a{number}", account_text(number, number))
    build(open_project(project_dir), BuildOptions(**OPTIONS))
    write(project_dir / "templates" / "owner.html", "{{ o.name }}\n")
    assert build(open_project(project_dir), BuildOptions(**OPTIONS)).rebuilt == []
    assert (project_dir / "output" / "owners" / "owner-1.html").read_text() == "Owner 1\n"
    shutil.copy(Path(__file__).parent.parent / "templates" / "_macros.html",
                project_dir / "templates" / "_macros.html")
    with (project_dir / "templates" / "_macros.html").open("a") as handle:
        handle.write("{# changed #}\n")
    assert build(open_project(project_dir), BuildOptions(**OPTIONS)).rebuilt == ["a0", "a1", "a2"]


def test_deleted_account_and_owner_outputs_are_removed(project_dir, add_account):
    add_account("a0", account_text(0, 1))
    add_account("a1", account_text(1, 1))
    build(open_project(project_dir), BuildOptions(**OPTIONS))
    out = project_dir / "output"
    assert (out / "owners" / "owner-1.html").exists()
    (project_dir / "content" / "accounts" / "a1.md").unlink()
    build(open_project(project_dir), BuildOptions(**OPTIONS))
    assert not (out / "accounts" / "a1.html").exists()
    assert not (out / "owners" / "owner-1.html").exists()
    assert (out / "accounts" / "a0.html").exists()


def test_a_touched_output_is_remade_and_clean_rebuilds_all(project_dir, add_account):
    add_account("a0", account_text(0, 1))
    add_account("a1", account_text(1, 1))
    build(open_project(project_dir), BuildOptions(**OPTIONS))
    page = project_dir / "output" / "accounts" / "a0.html"
    good = page.read_text()
    page.write_text("tampered")
    assert build(open_project(project_dir), BuildOptions(**OPTIONS)).rebuilt == ["a0"]
    assert page.read_text() == good
    assert build(open_project(project_dir), BuildOptions(**OPTIONS, clean=True)).rebuilt == [
        "a0", "a1"]


# --- random sequences of changes --------------------------------------------------------

steps = st.lists(st.one_of(
    st.tuples(st.just("edit"), st.integers(0, 5), st.integers(1, 9)),
    st.tuples(st.just("delete"), st.integers(0, 5), st.just(0)),
    st.tuples(st.just("break"), st.integers(0, 5), st.just(0)),
    st.tuples(st.just("template"), st.sampled_from(["dossier.html", "index.html", "owner.html",
                                                    "_macros.html", "style.css"]),
              st.integers(1, 9)),
    st.tuples(st.just("config"), st.integers(1, 9), st.just(0)),
), min_size=1, max_size=6)


def apply(project: Path, step) -> None:
    kind, target, number = step
    accounts = project / "content" / "accounts"
    if kind == "edit":
        write(accounts / f"a{target}.md", account_text(target, number))
    elif kind == "delete":
        (accounts / f"a{target}.md").unlink(missing_ok=True)
    elif kind == "break":
        write(accounts / f"a{target}.md", account_text(target, 1, broken=True))
    elif kind == "template":
        source = Path(__file__).parent.parent / "templates" / target
        marker = f"/* {number} */\n" if target.endswith(".css") else f"{{# {number} #}}\n"
        write(project / "templates" / target, source.read_text() + marker)
    else:
        write(project / "winback.yaml", f"title: Portfolio {target}\n")


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(steps)
def test_incremental_output_equals_a_clean_build(tmp_path_factory, sequence):
    root = tmp_path_factory.mktemp("incremental")
    for number in range(3):
        write(root / "content" / "accounts" / f"a{number}.md", account_text(number, number))
    build(open_project(root), BuildOptions(**OPTIONS))
    for step in sequence:
        apply(root, step)
        incremental = build(open_project(root), BuildOptions(**OPTIONS))
        clean_out = root.parent / f"{root.name}-clean"
        clean = build(open_project(root, clean_out), BuildOptions(**OPTIONS, clean=True))
        assert site_files(root / "output") == site_files(clean_out), step
        assert (incremental.built, incremental.failed) == (clean.built, clean.failed)
        assert sorted(incremental.problems) == sorted(clean.problems)
        shutil.rmtree(clean_out)


def test_portfolio_is_right_when_the_kept_dossiers_are_lost(project_dir, add_account):
    for number in range(3):
        add_account(f"a{number}", account_text(number, 10 + number))
    build(open_project(project_dir), BuildOptions(**OPTIONS))
    for state_file in (project_dir / ".winback-cache").rglob("state.sqlite"):
        with contextlib.closing(sqlite3.connect(state_file)) as db, db:
            assert db.execute("DELETE FROM summaries").rowcount == 3
    add_account("a1", account_text(1, 777))
    build(open_project(project_dir), BuildOptions(**OPTIONS))
    clean_out = project_dir / "clean"
    build(open_project(project_dir, clean_out), BuildOptions(**OPTIONS, clean=True))
    assert site_files(project_dir / "output") == site_files(clean_out)
    assert "$10" in (project_dir / "output" / "index.html").read_text()


# --- the recorded inputs against the inputs listed by hand ------------------------------

def keys_of(root: Path) -> dict[str, tuple[str, str]]:
    """Each account's key as the last build recorded its inputs, asked again now, and as
    the hand-listed fingerprint makes it from the same templates."""
    from generator.derive import build_date
    from generator.engine.report import BuildReport
    from generator.engine.run import Run
    from generator.pipeline import account_tasks

    project = open_project(root)
    run = Run(project, BuildOptions(**OPTIONS), build_date(TODAY),
              BuildReport(project.output_dir))
    tasks, _said = account_tasks(project, sorted(project.accounts_dir.glob("*.md")))
    keys = {}
    for task in tasks:
        record = run.previous.accounts[task.path.stem]
        run.keys.read_history(task.path, task.history, task.history_note)
        templates = [name.removeprefix("template:") for name in record.depends
                     if name.startswith("template:")]
        keys[task.path.stem] = (run.keys.key_now("", record.depends),
                                run.keys.listed_account_key(task.path.read_bytes(),
                                                            task.history, task.history_note,
                                                            templates))
    return keys


def test_the_recorded_inputs_change_when_the_listed_ones_do(committed, add_account):
    """Fingerprints' hand-listed key is the cross-check: edit by edit, an account's recorded
    key changes exactly when the listed one does, and the build remakes exactly those."""
    add_account("broken", account_text(1, 5, broken=True))
    accounts = committed / "content" / "accounts"
    every, built = ["broken", "harlow", "northwind"], ["harlow", "northwind"]
    edits = [  # each edit, and the accounts whose inputs it changes
        (lambda: add_account("harlow", MINIMAL_ACCOUNT.replace("Harlow", "Harlowe")),
         ["harlow"]),
        (lambda: add_account("broken", account_text(1, 6, broken=True)), ["broken"]),
        (lambda: os.utime(accounts / "northwind.md", (1, 1)), []),  # touched, not changed
        # the files committed: their histories (northwind's is as it was)
        (lambda: git_commit(committed, "Later", "2026-11-21T10:00:00"), ["broken", "harlow"]),
        (lambda: write(committed / "templates" / "plan.html", "{{ d.slug }}\n"), built),
        (lambda: write(committed / "winback.yaml", "title: Another portfolio\n"), every),
        (lambda: None, []),
    ]
    build(open_project(committed), BuildOptions(**OPTIONS))
    for edit, expected in edits:
        before = keys_of(committed)
        edit()
        after = keys_of(committed)
        listed = sorted(slug for slug in after if after[slug][1] != before[slug][1])
        recorded = sorted(slug for slug in after if after[slug][0] != before[slug][0])
        assert recorded == listed == expected
        report = build(open_project(committed), BuildOptions(**OPTIONS))
        assert sorted(report.rebuilt) == [slug for slug in expected if slug != "broken"]


# --- the last good brief ------------------------------------------------------------------


def git_commit(root: Path, message: str, date: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "Dana", "GIT_AUTHOR_EMAIL": "d@example.com",
           "GIT_COMMITTER_NAME": "Dana", "GIT_COMMITTER_EMAIL": "d@example.com",
           "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
    subprocess.run(["git", "add", "."], cwd=root, check=True, env=env)
    subprocess.run(["git", "commit", "-q", "-m", message], cwd=root, check=True, env=env)


@pytest.fixture
def committed(project_dir, add_account):
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=project_dir, check=True)
    add_account("northwind", FULL_ACCOUNT)
    add_account("harlow", MINIMAL_ACCOUNT)
    git_commit(project_dir, "Two accounts", "2026-11-20T10:00:00")
    return project_dir


def test_a_mistake_keeps_the_last_good_brief_marked_out_of_date(committed, tmp_path):
    options = BuildOptions(today=TODAY, jobs=1)
    assert build(open_project(committed), options).ok
    account = committed / "content" / "accounts" / "northwind.md"
    account.write_text(account.read_text().replace("status: lost", "status: lsot"))
    report = build(open_project(committed), options)
    assert not report.ok and report.failed == ["northwind"] and report.kept == ["northwind"]
    out = committed / "output"
    page = (out / "accounts" / "northwind.html").read_text()
    assert "the account file has errors in edits not yet committed" in page
    assert "status: &#39;lsot&#39; is not one of" in page
    assert "committed 20 Nov 2026" in page and "$5,200,000" in page
    assert (out / "accounts" / "northwind.pdf").is_file()
    assert "Out of date" in subprocess.run(["pdftotext", str(out / "accounts" / "northwind.pdf"),
                                            "-"], capture_output=True, text=True).stdout
    index = (out / "index.html").read_text()
    assert "Accounts with errors" in index and 'href="accounts/northwind.html">the last good' in index
    # A clean build reads the same git history, so it makes the same files.
    incremental = site_files(out)
    clean = build(open_project(committed, tmp_path / "clean"), BuildOptions(today=TODAY, jobs=1))
    assert clean.kept == ["northwind"]
    assert site_files(tmp_path / "clean") == incremental


def test_a_committed_mistake_says_since_when(committed):
    account = committed / "content" / "accounts" / "northwind.md"
    account.write_text(account.read_text().replace("status: lost", "status: lsot"))
    git_commit(committed, "A typo", "2026-11-24T09:00:00")
    build(open_project(committed), BuildOptions(today=TODAY, pdf=False))
    page = (committed / "output" / "accounts" / "northwind.html").read_text()
    assert "the account file has errors since 24 Nov 2026" in page
    assert "committed 20 Nov 2026" in page


def test_without_git_a_file_with_errors_has_no_pages(project_dir, add_account):
    add_account("northwind", FULL_ACCOUNT)
    assert build(open_project(project_dir), BuildOptions(today=TODAY, pdf=False)).ok
    account = project_dir / "content" / "accounts" / "northwind.md"
    account.write_text(account.read_text().replace("status: lost", "status: lsot"))
    report = build(open_project(project_dir), BuildOptions(today=TODAY, pdf=False))
    assert report.kept == [] and report.failed == ["northwind"]
    assert not (project_dir / "output" / "accounts" / "northwind.html").exists()


# --- the printed pages --------------------------------------------------------------------


def test_one_edit_reprints_its_brief_its_owner_and_the_portfolio_only(project_dir, add_account):
    for number in range(6):
        add_account(f"a{number}", account_text(number, 100 + number))
    options = dict(OPTIONS, pdf=True)
    first = build(open_project(project_dir), BuildOptions(**options))
    assert first.made["owner-pdf"] == 3 and first.made["portfolio-pdf"] == 1
    add_account("a4", account_text(4, 999))  # owned by Owner 1
    again = build(open_project(project_dir), BuildOptions(**options))
    assert again.rebuilt == ["a4"]
    # The letters and the plan do not mention the value: their pages (and the letter's email
    # draft) are rewritten, their PDFs are not reprinted.
    assert {kind: n for kind, n in again.made.items() if n} == {
        "dossier": 1, "letters": 1, "plan": 1, "email": 1, "brief": 1, "index": 1, "owner": 3,
        "calendar": 1, "portfolio-csv": 1, "portfolio-pdf": 1, "owner-pdf": 1}
    assert len(again.current["owner-pdf"]) == 3


def test_printed_portfolio_after_builds_without_pdfs_equals_a_clean_one(project_dir,
                                                                        add_account):
    for number in range(3):
        add_account(f"a{number}", account_text(number, 10 + number))
    build(open_project(project_dir), BuildOptions(**dict(OPTIONS, pdf=True)))
    add_account("a1", account_text(1, 555))
    build(open_project(project_dir), BuildOptions(**OPTIONS))  # the portfolio changes, unprinted
    report = build(open_project(project_dir), BuildOptions(**dict(OPTIONS, pdf=True)))
    assert report.made["portfolio-pdf"] == 1 and report.made["owner-pdf"] == 3
    clean_out = project_dir / "clean"
    build(open_project(project_dir, clean_out), BuildOptions(**dict(OPTIONS, pdf=True),
                                                            clean=True))
    assert site_files(project_dir / "output") == site_files(clean_out)


def test_every_build_option_either_shapes_the_output_or_does_not():
    """A new option must be placed: in the fingerprints, or named as not changing output."""
    from generator.engine.keys import OTHER_OPTIONS, SHAPING_OPTIONS, option_names

    assert option_names(BuildOptions()) == set(SHAPING_OPTIONS) | set(OTHER_OPTIONS)
    assert not set(SHAPING_OPTIONS) & set(OTHER_OPTIONS)
