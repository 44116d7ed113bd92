"""Limits on what one account may ask of a build: dates, sizes, nesting, time.

Each bad account is built beside a good one through the command line: it is
reported at its file, line and column, the good one and the portfolio are
built, and the run ends without a traceback.
"""

from __future__ import annotations

import json
import re
import resource

import pytest
from conftest import (
    TODAY,
    assert_alone_reported,
    build_beside_good,
    front,
    run_cli,
    write,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

LOST = ("status: lost", "lost: 2026-10-01", "loss_reasons: [price]")
FAR_DATES = {  # front matter lines after the name, and where the problem is reported
    "meeting": ((*LOST, "meeting: {when: 9999-12-31 23:30}"),
                ":6:17: meeting, when: '9999-12-31 23:30' is outside 1900-01-01 to 2100-12-31"),
    "lost": (("status: lost", "lost: 9999-12-30", "loss_reasons: [price]"),
             ":4:7: lost: 9999-12-30 is outside"),
    "won-back": (("status: won-back", *LOST[1:], "won_back: 9999-12-31"),
                 ":6:11: won_back: 9999-12-31 is outside"),
    "signed": ((*LOST, "signed: 0001-01-01"), ":6:9: signed: 0001-01-01 is outside"),
    "left": ((*LOST, "people: [{name: Ann, left: 2101-01-01}]"),
             ":6:28: person 1, left: 2101-01-01 is outside"),
    "follow-up": ((*LOST, "follow_ups: [{due: 9999-12-31 10:00, channel: email, what: Call}]"),
                  ":6:20: follow-up 1, due: '9999-12-31 10:00' is outside"),
    "zone": ((*LOST, "follow_ups: [{due: 2026-12-01T10:00:00+02:00, channel: email, what: A},",
              "             {due: 2026-12-02 10:00, channel: email, what: B}]"),
             ":6:20: follow-up 1, due: 2026-12-01 10:00:00+02:00 has a time zone"),
}


def far_account(*lines: str) -> str:
    return "---\nname: Far\n" + "\n".join(lines or LOST) + "\n---\n"


@pytest.mark.parametrize("kind", sorted(FAR_DATES))
def test_a_far_date_is_refused_at_its_place(project_dir, kind):
    lines, expected = FAR_DATES[kind]
    write(project_dir / "content" / "accounts" / "far.md", far_account(*lines))
    checked = run_cli(project_dir, "check")
    assert checked.exit_code == 1 and f"far.md{expected}" in checked.stderr, checked.stderr
    result = build_beside_good(project_dir)
    assert_alone_reported(result, project_dir, f"far.md{expected}")
    listed = run_cli(project_dir, "list", "--today", TODAY.isoformat(), "--format", "json")
    assert listed.exit_code == 1 and [row["slug"] for row in json.loads(listed.stdout)] == ["good"]


def test_a_far_date_in_an_item_is_refused_at_its_place(project_dir):
    write(project_dir / "content" / "accounts" / "far.md", front("""
        name: Far
        status: active
    """, """
        ## History
        - 0001-01-01: Founded.
    """))
    assert_alone_reported(build_beside_good(project_dir), project_dir,
                          "far.md:7:3: History: '0001-01-01' is outside 1900-01-01 to 2100-12-31")


def test_the_widest_dates_allowed_give_a_bounded_chart(project_dir):
    write(project_dir / "content" / "accounts" / "old.md", front("""
        name: Old
        status: lost
        signed: 1900-01-01
        lost: 2100-12-31
        loss_reasons: [price]
    """))
    result = build_beside_good(project_dir)
    assert result.exit_code == 0, result.stderr
    index = (project_dir / "output" / "index.html").read_text()
    assert len(index) < 200_000
    # Per-year charts show only the years with something in them, not the span between.
    chart = re.search(r'<svg[^>]*>.{0,100}<title id="chart-lost-won-back-title">.*?</svg>',
                      index, re.S).group(0)
    assert chart.count("<rect") - 2 == 2 * 2  # the legend, then two bars for each of two years


@pytest.mark.parametrize("variable, value, expected", [
    ("SOURCE_DATE_EPOCH", "99999999999999", "SOURCE_DATE_EPOCH=99999999999999 is not a time"),
    ("SOURCE_DATE_EPOCH", "99999999999", "SOURCE_DATE_EPOCH=99999999999 is outside"),
])
def test_a_build_date_out_of_range_stops_with_a_message(project_dir, monkeypatch, variable,
                                                        value, expected):
    write(project_dir / "content" / "accounts" / "good.md", far_account())
    monkeypatch.setenv(variable, value)
    for command in (("build", "--no-pdf"), ("list",)):
        result = run_cli(project_dir, *command)
        assert result.exit_code == 1 and expected in result.stderr, result.stderr
    assert not (project_dir / "output").exists()


def test_today_out_of_range_is_a_usage_error(project_dir):
    result = run_cli(project_dir, "build", "--today", "9999-12-31")
    assert result.exit_code == 2
    assert "'9999-12-31' is outside 1900-01-01 to 2100-12-31" in result.stderr


def test_an_exception_while_deriving_is_the_accounts_problem(project_dir, monkeypatch):
    import generator.pipeline as build_module

    real = build_module.derive

    def derive(account, *args):
        if account.slug == "bad":
            raise OverflowError("date value out of range")
        return real(account, *args)

    monkeypatch.setattr(build_module, "derive", derive)
    write(project_dir / "content" / "accounts" / "bad.md", far_account())
    result = build_beside_good(project_dir)
    assert_alone_reported(result, project_dir,
                          "bad.md: failed while deriving: OverflowError: date value out of range")


def test_an_exception_while_rendering_is_the_accounts_problem(project_dir, monkeypatch):
    from generator.render import Renderer

    real = Renderer.dossier

    def dossier(self, d):
        if d.slug == "bad":
            raise OverflowError("date value out of range")
        return real(self, d)

    monkeypatch.setattr(Renderer, "dossier", dossier)
    write(project_dir / "content" / "accounts" / "bad.md", far_account())
    assert_alone_reported(build_beside_good(project_dir), project_dir,
                          "bad.md: failed while rendering: OverflowError")


# --- Markdown that would take long -------------------------------------------------------

SLOW = {  # each far slower to convert than its size suggests
    "open-links": "[a](" * 10_000,
}
TOO_BIG = {
    "nested-brackets": "[" * 100_000 + "x" + "]" * 100_000 + "(y)",
    "references": "&#x61;" * 300_000,
}


def slow_account(body: str) -> str:
    return front("""
        name: Slow
        status: active
    """, "\n## Why they signed\nPrice.\n\n## New needs\n") + body + "\n"


@pytest.mark.parametrize("kind", sorted(SLOW))
def test_markdown_past_the_time_limit_fails_alone_at_its_section(project_dir, kind):
    write(project_dir / "winback.yaml", "dossier_time_limit: 1\n")
    write(project_dir / "content" / "accounts" / "slow.md", slow_account(SLOW[kind]))
    result = build_beside_good(project_dir)
    assert_alone_reported(result, project_dir,
                          "slow.md:9:1: building the dossier used more than 1 s of CPU time and was stopped "
                          "while converting the Markdown here (shorten the section;")


@pytest.mark.parametrize("kind", sorted(TOO_BIG))
def test_a_section_over_the_size_limit_is_refused(project_dir, kind):
    write(project_dir / "content" / "accounts" / "big.md", slow_account(TOO_BIG[kind]))
    result = build_beside_good(project_dir)
    assert_alone_reported(result, project_dir, "big.md:9:1: New needs: section is ")
    assert "characters long; the limit is 100,000" in result.stderr


def test_deep_nesting_is_refused_at_its_line(project_dir):
    nested = "\n".join("    " * level + "- x" for level in range(400))
    write(project_dir / "content" / "accounts" / "deep.md", slow_account(nested))
    result = build_beside_good(project_dir)
    assert_alone_reported(result, project_dir,
                          "deep.md:31:1: New needs: nested 21 levels deep; the limit is 20")
    assert "_macros.html" not in result.stderr


def test_markdown_that_fails_to_convert_is_blamed_on_the_account(project_dir, monkeypatch):
    import markdown

    real = markdown.Markdown.convert

    def convert(self, text):
        if "Unconvertible" in text:
            raise RecursionError("maximum recursion depth exceeded")
        return real(self, text)

    monkeypatch.setattr(markdown.Markdown, "convert", convert)
    write(project_dir / "content" / "accounts" / "odd.md", slow_account("Unconvertible."))
    result = build_beside_good(project_dir)
    assert_alone_reported(result, project_dir, "odd.md:9:1: this Markdown cannot be converted "
                          "(RecursionError: maximum recursion depth exceeded)")
    assert "template" not in result.stderr


# --- what is said about a bad account stays small ----------------------------------------

def test_a_mistake_repeated_thousands_of_times_is_shown_a_few_times_then_counted(project_dir):
    write(project_dir / "content" / "accounts" / "tags.md",
          slow_account("<b onclick=x>" * 4000))  # 52 KB on one line
    reasons = ", ".join(["price"] * 19_000)  # 130 KB: once 155 s and 15 GB
    write(project_dir / "content" / "accounts" / "reasons.md",
          f"---\nname: Reasons\nstatus: lost\nlost: 2026-10-01\nloss_reasons: [{reasons}]\n---\n")
    undated = "- x\n" * 19_000  # 76 KB, within the section limit
    write(project_dir / "content" / "accounts" / "undated.md",
          front("name: Undated\nstatus: active\n") + "\n## History\n" + undated)
    result = run_cli(project_dir, "check")
    lines = result.stderr.splitlines()
    assert [line for line in lines if "onclick is removed" in line][0].endswith(
        "tags.md:10:4: warning: New needs: event handler attribute onclick is removed "
        "(write plain Markdown: links by http, https or mailto, images from the project's "
        "assets/ folder)")
    assert sum("onclick is removed" in line for line in lines) == 3
    assert any(line.endswith("tags.md:10:43: warning: New needs: ...and 3,997 more like this")
               for line in lines)
    assert any(line.endswith("reasons.md:5:15: loss_reasons: has 19,000 items; the limit is 20 "
                             "(keep the ones that matter)") for line in lines)
    assert sum("History: item has no date" in line for line in lines) == 3
    assert any(line.endswith("undated.md:10:3: warning: History: ...and 18,997 more like this")
               for line in lines)
    assert len(result.stderr) < 5_000
    assert max(len(line) for line in lines) < 300  # excerpts are cut around the column
    built = build_beside_good(project_dir)
    assert len(built.stderr) < 5_000
    assert (project_dir / "output" / "accounts" / "tags.html").is_file()
    assert (project_dir / "output" / "accounts" / "undated.html").is_file()


def test_a_long_excerpt_is_cut_around_the_column(project_dir):
    write(project_dir / "content" / "accounts" / "long.md",
          front("name: Long\nstatus: active\n") + "\n## Why they signed\n" + "x" * 5000
          + " <b onclick=y>b</b> " + "z" * 5000 + "\n")
    lines = run_cli(project_dir, "check").stderr.splitlines()
    (index,) = [i for i, line in enumerate(lines) if "onclick is removed" in line]
    assert lines[index].endswith("long.md:7:5005: warning: Why they signed: event handler "
                                 "attribute onclick is removed (write plain Markdown: links by "
                                 "http, https or mailto, images from the project's assets/ "
                                 "folder)")
    excerpt, caret = lines[index + 1], lines[index + 2]
    assert excerpt == "   7 | ..." + "x" * 46 + " <b onclick=y>b</b> " + "z" * 34 + "..."
    assert excerpt[caret.index("^")] == "o"


def test_long_lists_of_people_attendees_and_follow_ups_are_refused(project_dir):
    people = "".join(f"\n  - name: P{i}" for i in range(6000))
    attendees = ", ".join(f"Q{i}" for i in range(6000))
    write(project_dir / "content" / "accounts" / "crowd.md",
          f"---\nname: Crowd\nstatus: active\npeople:{people}\n"
          f"meeting:\n  when: 2026-12-01 10:00\n  with: [{attendees}]\n---\n")
    result = build_beside_good(project_dir)
    assert_alone_reported(result, project_dir,
                          "crowd.md:5:3: people: has 6,000 items; the limit is 200")
    assert "crowd.md:6007:9: meeting, with: has 6,000 items; the limit is 50" in result.stderr
    follow_ups = "".join(f"\n  - {{due: 2026-12-01 10:00, channel: email, what: Call, owner: O{i}}}"
                         for i in range(3000))
    write(project_dir / "content" / "accounts" / "crowd.md",
          f"---\nname: Crowd\nstatus: active\nfollow_ups:{follow_ups}\n---\n")
    result = build_beside_good(project_dir)
    assert_alone_reported(result, project_dir,
                          "crowd.md:5:3: follow_ups: has 3,000 items; the limit is 200")
    assert len(list((project_dir / "output" / "owners").iterdir())) == 2


# --- no account body can stall a build -------------------------------------------------

# Seconds of CPU time, this process's and its workers': generous, and counted in CPU time,
# so that it catches stalls and never a busy machine.
PER_ACCOUNT_BOUND = 10.0

# Runs of each of these, by kind. Counts spread over every order of magnitude up to past
# the section limit: the slow inputs are the long ones, which a uniform draw rarely reaches.
RUNS = {
    "brackets": ["[a](", "[", "![a](", "](", "[x][", "![", "]"],
    "references": ["&#x61;", "&amp;", "&#", "&", "&#1234567;"],
    "long lines": ["x", " ", "<", "<a ", "<!--", "*", "_", "`", "|", "\\", "\t", "#", "-->",
                   "<img src=", "http://", "!essential", "- [ ] 2026-01-01: ", "\n", "\n\n"],
}
COUNT = st.integers(4, 15).flatmap(lambda power: st.integers(2 ** power, 2 ** (power + 1)))


def cpu_seconds() -> float:
    """CPU time used so far by this process and the worker processes it has waited for."""
    own, workers = (resource.getrusage(who) for who in (resource.RUSAGE_SELF,
                                                        resource.RUSAGE_CHILDREN))
    return own.ru_utime + own.ru_stime + workers.ru_utime + workers.ru_stime


@st.composite
def pathological(draw) -> str:
    """One piece of a body: a long run of one construct, brackets nested deep, lists or
    quotes nested deep, or noise."""
    kind = draw(st.sampled_from([*RUNS, "balanced", "nest", "noise"]))
    if kind in RUNS:
        return draw(st.sampled_from(RUNS[kind])) * draw(COUNT)
    if kind == "balanced":
        depth = draw(COUNT) // 4
        return "[" * depth + "x" + "]" * depth + "(y)"
    if kind == "nest":
        depth = draw(st.integers(1, 60))
        marker = draw(st.sampled_from(["    - x", "    1. x", "\t* x"]))
        if draw(st.booleans()):
            return ">" * depth + " x"
        return "\n".join(marker[: len(marker) - len(marker.lstrip())] * level +
                         marker.lstrip() for level in range(depth))
    return draw(st.text(alphabet=st.sampled_from(list("[]()<>!&#;*_`~|>-+ \t\nax01:/\\=\"'")),
                        max_size=2_000))


@st.composite
def account_body(draw) -> str:
    headings = st.sampled_from(["", "## Why they signed", "## Wins", "## Complaints",
                                "## History", "## What we changed", "## Gossip"])
    parts = draw(st.lists(st.tuples(headings, st.lists(pathological(), min_size=1, max_size=3)),
                          min_size=1, max_size=3))
    return "".join(f"{heading}\n" + "".join(pieces) + "\n" for heading, pieces in parts)


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.data_too_large])
@given(body=account_body())
def test_no_account_body_can_stall_a_build(tmp_path_factory, body):
    project_dir = tmp_path_factory.mktemp("stall")
    write(project_dir / "content" / "accounts" / "bad.md",
          "---\nname: Generated\nstatus: active\n---\n" + body)
    started = cpu_seconds()
    result = build_beside_good(project_dir)
    used = cpu_seconds() - started  # the workers have ended: their time is counted
    assert used < PER_ACCOUNT_BOUND, f"one account held the build for {used:.1f} s of CPU"
    assert result.exit_code in (0, 1), result.output
    out = project_dir / "output"
    assert (out / "accounts" / "good.html").is_file() and (out / "index.html").is_file()
    if not (out / "accounts" / "bad.html").is_file():  # then it is said where, and why
        # at its line and column, or at the file for a limit of the whole file (its size)
        assert re.search(r"bad\.md(?::\d+:\d+)?: (?!warning)", result.stderr), result.stderr[-2000:]
