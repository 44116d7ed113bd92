"""One way to say things on the command line: the same options in the same places, the
same words as the files, colour only for a person at a terminal."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from click.testing import CliRunner
from conftest import FULL_ACCOUNT, TODAY, front, write

from generator import cli
from generator.cli import main
from generator.commands.list import aligned
from generator.text import display_width


def run(project_dir, *args, env=None):
    result = CliRunner().invoke(main, list(args), env=env or {}, catch_exceptions=False)
    assert "Traceback" not in result.output
    return result


@pytest.fixture
def project(project_dir):
    write(project_dir / "content" / "accounts" / "northwind.md", FULL_ACCOUNT)
    write(project_dir / "content" / "accounts" / "tokyo.md", front(
        "name: 東京商事\nstatus: at-risk\nowner: 山田 太郎\nvalue: 120000\n"))
    return project_dir


BUILD = ("build", "--no-pdf", "--today", TODAY.isoformat())


@pytest.mark.parametrize("args", [
    ("-v", "-C", "{p}", *BUILD),  # before the command
    ("-C", "{p}", *BUILD, "-v"),  # after it
    (*BUILD, "-C", "{p}", "--verbose"),
])
def test_verbose_before_or_after_the_command(project, args):
    result = run(project, *(a.format(p=project) for a in args))
    assert result.exit_code == 0, result.output
    assert "wrote the pages of northwind" in result.stderr


@pytest.mark.parametrize("where", ["before", "after"])
def test_quiet_before_or_after_says_only_the_problems(project, where):
    args = ["-q", "-C", str(project), *BUILD] if where == "before" else \
        ["-C", str(project), *BUILD, "-q"]
    result = run(project, *args)
    assert result.exit_code == 0
    assert result.stdout == ""
    assert "warning" not in result.stderr  # these accounts have no warning...
    bad = write(project / "content" / "accounts" / "bad.md", front("name: Bad\nstatus: lsot\n"))
    result = run(project, *args)
    assert result.exit_code == 1
    assert "bad.md:3:9: status: 'lsot' is not one of" in result.stderr  # ...a problem still shows
    assert "failed" in result.stderr
    bad.unlink()


# Every command that counts dates takes --today, and reads it alike.
DATED = [("build", "--no-pdf"), ("pdf", "northwind"), ("list",), ("check",), ("today",),
         ("debrief", "northwind"), ("new", "Acme Ltd"), ("serve", "--help")]


@pytest.mark.parametrize("command", DATED, ids=lambda c: c[0])
def test_every_command_that_counts_dates_takes_today(project, command):
    help_text = run(project, command[0], "--help").output
    assert "--today" in help_text, command
    bad = run(project, "-C", str(project), *command[:1], "--today", "2026-02-30")
    assert bad.exit_code == 2 and "'2026-02-30' is not a date; write YYYY-MM-DD" in bad.output


def test_init_takes_today_and_dates_its_example_from_it(tmp_path):
    result = run(tmp_path, "init", str(tmp_path / "new"), "--today", "2031-02-27")
    assert result.exit_code == 0, result.output
    example = (tmp_path / "new" / "content" / "accounts" /
               "example-northwind-freight.md").read_text()
    assert "when: 2031-03-06 10:00" in example  # a week on, a working day
    assert "lost: 2030-12-29" in example  # sixty days back
    assert not re.search(r"\b2026-\d\d-\d\d\b", example)
    check = run(tmp_path, "-C", str(tmp_path / "new"), "check", "--today", "2031-02-27")
    assert check.exit_code == 0 and check.stderr == ""


def test_the_example_is_never_stale_whatever_the_day_of_init(tmp_path):
    for day in (dt.date(2027, 2, 28), dt.date(2028, 2, 29), dt.date(2030, 12, 31)):
        target = tmp_path / day.isoformat()
        assert run(tmp_path, "init", str(target), "--today", day.isoformat()).exit_code == 0
        built = run(tmp_path, "-C", str(target), "build", "--no-pdf", "--today",
                    day.isoformat())
        assert built.exit_code == 0, built.output
        page = (target / "output" / "accounts" / "example-northwind-freight.html").read_text()
        assert "Overdue" not in page and "is past" not in page
        assert "Listen-only meeting" in page


def test_one_name_for_the_text_format(project):
    for command in ("check", "list"):
        assert run(project, "-C", str(project), command, "--format", "text").exit_code == 0
    # the old name of list's text format still works
    assert run(project, "-C", str(project), "list", "--format", "table",
               "--today", TODAY.isoformat()).exit_code == 0
    assert "[text|json|csv]" in run(project, "list", "--help").output


@pytest.mark.parametrize("status", ["Lost", "LOST", "lost"])
def test_fixed_words_read_as_the_files_read_them(project, status):
    result = run(project, "-C", str(project), "list", "--status", status, "--today",
                 TODAY.isoformat(), "--format", "csv")
    assert result.exit_code == 0, result.output
    assert [row["slug"] for row in csv.DictReader(io.StringIO(result.stdout))] == ["northwind"]
    risk = run(project, "-C", str(project), "list", "--status", "At risk", "--reason",
               "Service_Failure", "--today", TODAY.isoformat(), "--format", "json")
    assert risk.exit_code == 0 and risk.stdout.strip() == "[]"
    wrong = run(project, "-C", str(project), "list", "--status", "lsot")
    assert wrong.exit_code == 2 and "did you mean 'lost'?" in wrong.output
    made = run(project, "-C", str(project), "new", "Acme Ltd", "--status", "At Risk")
    assert made.exit_code == 0 and "status: at-risk" in (
        project / "content" / "accounts" / "acme-ltd.md").read_text()


def test_csv_booleans_are_yes_and_no(project):
    result = run(project, "-C", str(project), "list", "--format", "csv", "--today",
                 TODAY.isoformat())
    rows = {row["slug"]: row for row in csv.DictReader(io.StringIO(result.stdout))}
    assert rows["northwind"]["listen_only"] == "yes" and rows["tokyo"]["listen_only"] == "no"
    assert "True" not in result.stdout and "False" not in result.stdout


def test_list_aligns_by_display_width(project):
    result = run(project, "-C", str(project), "list", "--today", TODAY.isoformat())
    lines = result.stdout.splitlines()
    rule = lines[1]
    starts = [match.start() for match in re.finditer(r"-+", rule)]
    for line in lines[2:]:
        # each column starts at the same cell on every line, wide characters counted twice
        cells = [display_width(line[:i]) for i in range(len(line) + 1)]
        for start in starts[1:]:
            assert start in cells, (line, start)
    assert display_width("東京商事") == 8 and display_width("Café") == 4
    assert aligned([("a", "b"), ("東京", "c")]).splitlines()[2] == "東京  c"


def test_colour_only_for_a_person_at_a_terminal(monkeypatch):
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    assert cli.colour_on(Terminal())
    assert not cli.colour_on(io.StringIO())  # piped
    monkeypatch.setenv("NO_COLOR", "1")
    assert not cli.colour_on(Terminal())
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.setenv("TERM", "dumb")
    assert not cli.colour_on(Terminal())


def test_problems_are_coloured_on_a_terminal_and_plain_when_piped(project, monkeypatch):
    write(project / "content" / "accounts" / "bad.md", front("name: Bad\nstatus: lsot\n"))
    piped = run(project, "-C", str(project), "check")
    assert "\x1b[" not in piped.stderr
    monkeypatch.setattr(cli, "colour_on", lambda stream: True)
    coloured = run(project, "-C", str(project), "check")
    assert "\x1b[31m" in coloured.stderr  # the error's headline in red
    assert "\x1b[31m" in coloured.stderr.splitlines()[-1]  # and the summary


def test_serve_can_open_the_browser():
    assert "--open" in CliRunner().invoke(main, ["serve", "--help"]).output


def test_today_lists_what_is_due_for_everyone_or_one_owner(project):
    result = run(project, "-C", str(project), "today", "--today", TODAY.isoformat())
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith("Due as of Thu 26 Nov 2026")
    meetings = out[out.index("Meetings this week"):out.index("Overdue")]
    assert "Thu 3 Dec, 10:00" in meetings and "Northwind Freight" in meetings
    overdue = out[out.index("Overdue"):]
    assert "Fri 20 Nov, 16:00" in overdue and "Send the revised on-time SLA (by email)" in overdue
    mine = run(project, "-C", str(project), "today", "--owner", "sam okafor", "--today",
               "2026-12-01").stdout  # Sam's call is due on 5 Dec: within that week
    assert mine.startswith("Due as of Tue 1 Dec 2026, for Sam Okafor")
    assert "Call to confirm the agenda" in mine and "Send the revised on-time SLA" not in mine
    nobody = run(project, "-C", str(project), "today", "--owner", "Nobody", "--today",
                 TODAY.isoformat()).stdout
    assert nobody.strip() == "Due as of Thu 26 Nov 2026, for Nobody: nothing due this week."


def test_check_flags_a_booked_meeting_that_is_past_and_not_recorded(project):
    later = run(project, "-C", str(project), "check", "--today", "2026-12-04")
    assert later.exit_code == 0  # a warning
    assert ("northwind.md:25:1: warning: meeting: the meeting of 3 Dec 2026 is past and not "
            "recorded (run `winback debrief northwind`") in later.stderr
    before = run(project, "-C", str(project), "check", "--today", "2026-12-03")
    assert "is past and not recorded" not in before.stderr
