"""The portfolio on known numbers: totals, charts, owner pages, calendar, winback list."""

from __future__ import annotations

import csv
import html
import io
import json
import re

import icalendar
import pytest
from click.testing import CliRunner
from conftest import FULL_ACCOUNT, MINIMAL_ACCOUNT, TODAY, build_beside_good, front, run_cli, write

from generator.cli import main
from generator.commands.build import BuildOptions, build
from generator.project import open_project

ACCOUNTS = {
    "alpha": front("""
        name: Alpha
        status: lost
        owner: Dana Reyes
        value: 1000000
        signed: 2016-03-01
        lost: 2025-06-30
        loss_reasons: [price, service-failure]
        meeting:
          when: 2026-12-03 10:00
          where: Their office
        follow_ups:
          - due: 2026-11-20 16:00
            channel: email
            what: Send the SLA
          - due: 2026-12-05 09:00
            channel: phone
            owner: Sam Okafor
            what: Call the CFO
          - due: 2026-11-01 09:00
            channel: letter
            what: Letter sent
            done: true
    """, """
        ## What we changed
        - [ ] Credits on late deliveries. !essential
    """),
    "beta": front("""
        name: Beta
        status: lost
        owner: Sam Okafor
        value: 250000
        signed: 2025-09-01
        lost: 2026-02-01
        loss_reasons: [price]
    """),
    "gamma": front("""
        name: Gamma
        status: won-back
        owner: Dana Reyes
        value: 400000
        signed: 2019-01-15
        lost: 2024-05-01
        won_back: 2026-01-10
        loss_reasons: [delivery]
    """, """
        ## Meetings
        - 2026-11-10 10:00: Check-in call.
    """),
    "delta": front("""
        name: Delta
        status: at-risk
        owner: Dana Reyes
        value: 300000
        signed: 2023-04-01
        meeting:
          when: 2026-11-30 14:00
    """),
    "epsilon": front("""
        name: Epsilon
        status: active
        value: 50000
        signed: 2026-02-01
    """),
}


@pytest.fixture
def built(project_dir):
    for slug, text in ACCOUNTS.items():
        write(project_dir / "content" / "accounts" / f"{slug}.md", text)
    report = build(open_project(project_dir), BuildOptions(today=TODAY, pdf=False))
    assert report.ok, report.problems
    return project_dir / "output"


def flat(path) -> str:
    return re.sub(r"\s+", " ", path.read_text())


def test_totals_and_panels(built):
    index = flat(built / "index.html")
    assert "<dt>Lost</dt><dd>2 accounts</dd><dd class=\"value\">$1,250,000 a year</dd>" in index
    assert "<dt>At risk</dt><dd>1 account</dd><dd class=\"value\">$300,000 a year</dd>" in index
    assert ("<dt>Won back</dt><dd>1 account</dd><dd class=\"value\">$400,000 a year recovered"
            in index)
    meetings = re.search(r'id="meetings".*?</section>', index).group(0)
    assert re.findall(r'href="accounts/(\w+)\.html"', meetings) == ["delta", "alpha"]
    week = re.search(r'id="this-week".*?</section>', index).group(0)
    assert "Overdue since Fri 20 Nov 2026, 16:00</span> <a href=\"accounts/alpha.html\">" in week
    assert "Send the SLA" in week and "Call the CFO" not in week  # 5 Dec is after the week
    # Gamma's last check-in was on 10 Nov, and it checks in every 30 days: the next is due
    # on 10 Dec, after this week.
    assert "Gamma" not in week
    not_ready = re.search(r'id="not-ready".*?</section>', index).group(0)
    assert "Alpha</a>: 1 essential fix open. <strong>Listen-only meeting</strong>" in not_ready
    waiting = re.search(r'id="waiting".*?</section>', index).group(0)
    assert "No meeting request is waiting for an answer." in waiting


def test_waiting_for_an_answer_and_follow_ups_due_this_week(project_dir):
    write(project_dir / "content" / "accounts" / "zeta.md", front("""
        name: Zeta
        status: lost
        lost: 2026-08-31
        approaches:
          - date: 2026-11-02
            channel: letter
            to: Ann Lee
            outcome: declined
          - date: 2026-11-20
            channel: email
            to: Ann Lee
        follow_ups:
          - due: 2026-12-02 16:00
            channel: email
            what: Send the case study
    """))
    write(project_dir / "content" / "accounts" / "eta.md", front("""
        name: Eta
        status: won-back
        lost: 2026-03-31
        won_back: 2026-10-01
        loss_reasons: [price]
    """, """
        ## Meetings
        - 2026-10-15: Call.
        - 2026-10-29: Call.
        - 2026-11-12: Call.
    """))
    report = build(open_project(project_dir), BuildOptions(today=TODAY, pdf=False))
    assert report.ok, report.problems
    index = flat(project_dir / "output" / "index.html")
    waiting = re.search(r'id="waiting".*?</section>', index).group(0)
    assert ("Zeta</a>: asked by email on 20 Nov 2026 (Ann Lee). <strong>Next try 4 Dec 2026"
            in waiting)  # 14 days after the ask
    week = re.search(r'id="this-week".*?</section>', index).group(0)
    assert "Wed 2 Dec 2026, 16:00</time> <a href=\"accounts/zeta.html\">Zeta</a>: Send" in week
    # Back since 1 Oct, with close check-ins every 14 days, each held: one falls due today.
    assert "26 Nov 2026</time> <a href=\"accounts/eta.html\">Eta</a>: check-in" in week
    dossier = flat(project_dir / "output" / "accounts" / "zeta.html")
    assert "Next tactful try around 4 Dec 2026" in dossier


def meeting_account(number: int, when: str = "") -> str:
    when = when or f"2026-12-{1 + number % 28:02d} {8 + number // 28:02d}:00"
    return front(f"""
        name: Client {number:03d}
        status: lost
        owner: Dana Reyes
        lost: 2026-08-31
        loss_reasons: [price]
        meeting:
          when: {when}
    """)


def meeting_names(html: str) -> list[str]:
    return re.findall(r'<a href="[./]*accounts/m\d+\.html">Client (\d+)</a>', html)


def test_long_lists_show_ten_and_the_rest_behind_show_all(project_dir, add_account):
    """Twelve meetings beside a full account's (all of the same owner): the soonest ten,
    then the other three in a <details> that opens without JavaScript; the owner page
    bounds its meetings the same way."""
    for number in range(12):  # all before the full account's, on 3 December
        add_account(f"m{number:02d}", meeting_account(number, f"2026-11-27 {8 + number:02d}:00"))
    result = build_beside_good(project_dir)
    assert result.exit_code == 0, result.output
    index = flat(project_dir / "output" / "index.html")
    meetings = re.search(r'id="meetings".*?</section>', index).group(0)
    shown, rest = meetings.split('<details class="more">')
    assert meeting_names(shown) == [f"{n:03d}" for n in range(10)]
    assert "<summary>Show all 13</summary>" in rest
    assert meeting_names(rest) == ["010", "011"] and "Northwind Freight" in rest
    owner = flat(project_dir / "output" / "owners" / "dana-reyes.html")
    shown, rest = re.search(r'id="owner-meetings".*?</section>', owner).group(0).split(
        '<details class="more">')
    assert len(meeting_names(shown)) == 10 and "<summary>Show all 13</summary>" in rest


def test_a_page_lists_three_hundred_at_the_most_and_says_where_the_rest_are(project_dir,
                                                                          add_account):
    for number in range(305):
        add_account(f"m{number:03d}", meeting_account(number))
    result = run_cli(project_dir, "build", "--no-pdf", "--today", TODAY.isoformat())
    assert result.exit_code == 0, result.output
    index = html.unescape(flat(project_dir / "output" / "index.html"))
    meetings = re.search(r'id="meetings".*?</section>', index).group(0)
    assert "<summary>Show 290 more of 305</summary>" in meetings
    assert len(meeting_names(meetings)) == 300
    assert ("And 5 more: sort the account table by next meeting, or see each owner's page."
            in meetings)


def chart_rows(index: str, key: str) -> list[tuple[str, ...]]:
    figure = re.search(rf'id="chart-{key}-figure".*?</figure>', index).group(0)
    table = re.search(r"<tbody>(.*?)</tbody>", figure).group(1)
    return [tuple(re.findall(r">([^<>]+)</t[hd]>", row)) for row in re.findall(r"<tr>.*?</tr>", table)]


def test_every_chart_has_its_data(built):
    index = flat(built / "index.html")
    assert chart_rows(index, "reasons-count") == [
        ("Price", "2"), ("Delivery", "1"), ("Service failure", "1")]
    assert chart_rows(index, "reasons-value") == [
        ("Price", "$1,250,000"), ("Service failure", "$1,000,000"), ("Delivery", "$400,000")]
    assert chart_rows(index, "tenure") == [
        ("Under 1 year", "1"), ("1 to 2 years", "0"), ("2 to 5 years", "0"),
        ("5 to 10 years", "2"), ("10 years or more", "0")]
    assert chart_rows(index, "lost-won-back") == [("2024", "1", "0"), ("2025", "1", "0"),
                                                  ("2026", "1", "1")]
    # The tracked accounts' signing dates are not the number of new clients: without the
    # counts in winback.yaml the chart is left out, and the page says how to add them.
    assert 'id="chart-lost-signed-figure"' not in index
    assert "<code>new_clients: {2025: 31, 2026: 28}</code>" in index


def test_new_clients_per_year_come_from_the_config(project_dir):
    write(project_dir / "winback.yaml", "new_clients: {2023: 12, 2025: 9, 2026: 0}\n")
    for slug in ("alpha", "beta"):
        write(project_dir / "content" / "accounts" / f"{slug}.md", ACCOUNTS[slug])
    assert build(open_project(project_dir), BuildOptions(today=TODAY, pdf=False)).ok
    index = flat(project_dir / "output" / "index.html")
    # 2024 had nothing in either series and is left out.
    assert chart_rows(index, "lost-signed") == [("2023", "0", "12"), ("2025", "1", "9"),
                                                ("2026", "1", "0")]
    assert "new_clients:" not in index


def test_charts_are_accessible_svg(built):
    index = (built / "index.html").read_text()
    figure = re.search(r'id="chart-reasons-count-figure".*?</figure>', index, re.S).group(0)
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img"' in figure
    assert ('<title id="chart-reasons-count-title">Loss reasons by number of accounts</title>'
            in figure)
    assert '<desc id="chart-reasons-count-desc">Price leads.' in figure
    assert figure.count("<rect ") == 3


def test_owner_pages(built):
    assert sorted(p.name for p in (built / "owners").iterdir()) == [
        "dana-reyes.html", "sam-okafor.html"]
    dana = flat(built / "owners" / "dana-reyes.html")
    assert re.findall(r'<th scope="row"><a href="../accounts/(\w+).html">', dana) == ["alpha", "delta", "gamma"]
    assert "3 accounts, 2 upcoming meetings, 1 open follow-up" in dana
    assert "Send the SLA" in dana and "Call the CFO" not in dana
    sam = flat(built / "owners" / "sam-okafor.html")
    assert "Call the CFO" in sam and re.findall(r'<th scope="row"><a href="../accounts/(\w+).html">', sam) == ["beta"]


def test_calendar_events_and_stable_uids(built, project_dir):
    cal = icalendar.Calendar.from_ical((built / "calendar.ics").read_bytes())
    events = {str(e["uid"]): e for e in cal.walk("VEVENT")}
    assert sorted(events) == sorted([
        "meeting-alpha@winback", "meeting-delta@winback", "check-in-gamma-2026-12-10@winback",
        *(uid for uid in events if uid.startswith("follow-up-alpha-"))])
    assert len(events) == 6
    assert str(events["check-in-gamma-2026-12-10@winback"]["summary"]) == "Check-in due: Gamma"
    meeting = events["meeting-alpha@winback"]
    assert str(meeting["summary"]) == "Win-back meeting: Alpha"
    assert meeting.decoded("dtstart").isoformat() == "2026-12-03T10:00:00"
    assert meeting.decoded("duration").total_seconds() == 3600
    assert str(meeting["location"]) == "Their office"
    summaries = sorted(str(e["summary"]) for e in events.values() if "follow-up" in str(e["uid"]))
    assert summaries == ["Done: Follow-up by letter: Letter sent (Alpha)",
                         "Follow-up by email: Send the SLA (Alpha)",
                         "Follow-up by phone: Call the CFO (Alpha)"]
    # a rebuild after the follow-ups move keeps every UID
    alpha = project_dir / "content" / "accounts" / "alpha.md"
    alpha.write_text(alpha.read_text().replace("2026-12-05 09:00", "2026-12-07 11:00"))
    build(open_project(project_dir), BuildOptions(today=TODAY, pdf=False))
    again = icalendar.Calendar.from_ical((built / "calendar.ics").read_bytes())
    assert sorted(str(e["uid"]) for e in again.walk("VEVENT")) == sorted(events)


def run_list(project_dir, *args):
    result = CliRunner().invoke(main, ["-C", str(project_dir), "list", "--today", "2026-11-26",
                                       *args])
    return result


def test_list_table(built, project_dir):
    result = run_list(project_dir)
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["Account", "Status", "Owner", "Value", "Lost", "Next", "meeting",
                                "Readiness"]
    assert [line.split()[0] for line in lines[2:]] == ["Alpha", "Beta", "Delta", "Gamma", "Epsilon"]
    assert "LISTEN ONLY (1 to fix), 1 overdue" in lines[2]
    assert lines[2].index("$1,000,000") + len("$1,000,000") == lines[3].index("$250,000") + len("$250,000")


def test_list_filters_and_formats(built, project_dir):
    raw = run_list(project_dir, "--format", "json", "--status", "lost").stdout
    assert '"value": 1000000,' in raw  # whole currency units, not 1000000.0
    rows = json.loads(raw)
    assert [r["slug"] for r in rows] == ["alpha", "beta"]
    assert rows[0] == {
        "slug": "alpha", "name": "Alpha", "status": "lost", "owner": "Dana Reyes",
        "value": 1000000, "lost": "2025-06-30", "next_meeting": "2026-12-03 10:00",
        "readiness": "not-ready", "listen_only": True, "open_essential_fixes": 1,
        "overdue_follow_ups": 1,
        "loss_reasons": ["price", "service-failure"]}
    table = csv.DictReader(io.StringIO(run_list(project_dir, "--format", "csv",
                                                "--owner", "dana reyes").stdout))
    assert [(r["slug"], r["value"], r["loss_reasons"]) for r in table] == [
        ("alpha", "1000000", "price service-failure"), ("delta", "300000", ""),
        ("gamma", "400000", "delivery")]
    assert [r["slug"] for r in json.loads(run_list(
        project_dir, "--format", "json", "--reason", "price").stdout)] == ["alpha", "beta"]
    assert [r["slug"] for r in json.loads(run_list(
        project_dir, "--format", "json", "--not-ready").stdout)] == ["alpha"]
    assert [r["slug"] for r in json.loads(run_list(
        project_dir, "--format", "json", "--status", "won-back", "--status", "active").stdout)] == [
        "gamma", "epsilon"]


def test_list_rejects_an_unknown_reason(built, project_dir):
    result = run_list(project_dir, "--reason", "prise")
    assert result.exit_code == 2
    assert "'prise' is not a loss reason. did you mean 'price'?" in result.output


# --- owner pages: one per owner, each its own ------------------------------------------

def owned_by(*owners: str) -> dict[str, str]:
    return {f"a{number}": front(f"""
        name: Account {number}
        status: active
        owner: "{owner}"
    """) for number, owner in enumerate(owners)}


def build_accounts(project_dir, accounts: dict[str, str]):
    for slug, text in accounts.items():
        write(project_dir / "content" / "accounts" / f"{slug}.md", text)
    return CliRunner().invoke(main, ["-C", str(project_dir), "build", "--no-pdf", "--today",
                                     TODAY.isoformat()])


def owner_pages(project_dir, accounts: dict[str, str], seed: str = "0") -> dict[str, str]:
    """Owner page name -> the owner named on it, from a build in a fresh process."""
    for slug, text in accounts.items():
        write(project_dir / "content" / "accounts" / f"{slug}.md", text)
    import os
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "generator", "-C", str(project_dir), "build",
                           "--no-pdf", "--today", TODAY.isoformat()], capture_output=True,
                          text=True, env={**os.environ, "PYTHONHASHSEED": seed})
    assert "Traceback" not in done.stderr
    pages = {}
    for page in sorted((project_dir / "output" / "owners").iterdir()):
        pages[page.name] = re.search(r"<h1>(.*?)</h1>", page.read_text(), re.S).group(1).strip()
    return pages


def test_owners_whose_names_slug_alike_get_pages_of_their_own(project_dir):
    pages = owner_pages(project_dir, owned_by("Ana Lee 2", "ana-lee", "Ana Lee", "日本", "中国",
                                              "Owner 2", "owner"))
    assert len(pages) == 7 and len(set(pages.values())) == 7
    assert pages["ana-lee-2.html"].endswith("Ana Lee 2")  # its own name's page, not a suffix
    assert pages["owner-2.html"].endswith("Owner 2")
    assert sorted(name for name in pages if name.startswith("owner-") and name != "owner-2.html"
                  ) == sorted(f"owner-{h}.html" for h in ("cf2abf0c", "f0e95216"))


def test_owners_differing_only_in_case_are_one_owner_with_a_warning(project_dir):
    accounts = owned_by("Dana Reyes", "dana reyes", "Dana Reyes", "DANA REYES")
    first = owner_pages(project_dir, accounts, seed="1")
    again = owner_pages(project_dir, accounts, seed="2")
    assert first == again and list(first) == ["dana-reyes.html"]
    assert first["dana-reyes.html"].endswith("Dana Reyes")
    result = build_accounts(project_dir, {})
    warnings = [line for line in result.stderr.splitlines() if "one owner" in line]
    assert [w.split("/content/accounts/")[1] for w in warnings] == [
        "a1.md:4:8: warning: owner: 'dana reyes' is written 'Dana Reyes' in other files (it "
        "differs in case); they are one owner (write 'Dana Reyes' here too)",
        "a3.md:4:8: warning: owner: 'DANA REYES' is written 'Dana Reyes' in other files (it "
        "differs in case); they are one owner (write 'Dana Reyes' here too)"]
    index = (project_dir / "output" / "index.html").read_text()
    links = re.findall(r'href="owners/([^"]+)"', index)
    assert set(links) == {"dana-reyes.html"} and len(links) == 5  # four rows and the owner list
    again = build_accounts(project_dir, {})
    assert again.stderr.count("are one owner") == 2  # said again by a build that redoes nothing


def test_a_name_too_long_for_a_file_is_refused_and_the_portfolio_is_whole(project_dir):
    accounts = owned_by(*(f"Owner {n}" for n in range(10)))
    accounts["long"] = front(f"""
        name: Long
        status: active
        owner: "{'A' * 301}"
    """)
    result = build_accounts(project_dir, accounts)
    assert result.exit_code == 1
    assert "long.md:4:8: owner: is 301 characters long; the limit is 120 (shorten it)" in (
        result.stderr)
    assert len(list((project_dir / "output" / "owners").iterdir())) == 10
    assert (project_dir / "output" / "calendar.ics").is_file()


def test_one_portfolio_page_that_fails_costs_no_other(project_dir, monkeypatch):
    from generator.render import Renderer

    real = Renderer.owner

    def owner(self, who, summary):
        if who.name == "Owner 3":
            raise OSError(36, "File name too long")
        return real(self, who, summary)

    monkeypatch.setattr(Renderer, "owner", owner)
    result = build_accounts(project_dir, owned_by(*(f"Owner {n}" for n in range(10))))
    assert result.exit_code == 1
    assert "failed while making owners/owner-3.html: OSError: [Errno 36] File name too long" in (
        result.stderr)
    assert len(list((project_dir / "output" / "owners").iterdir())) == 9
    assert (project_dir / "output" / "calendar.ics").is_file()
    assert (project_dir / "output" / "index.html").is_file()
    monkeypatch.undo()
    fixed = build_accounts(project_dir, {})
    assert fixed.exit_code == 0, fixed.stderr  # the next build made the missing page
    assert len(list((project_dir / "output" / "owners").iterdir())) == 10


def test_an_infinite_value_is_refused(project_dir):
    write(project_dir / "content" / "accounts" / "inf.md", front("""
        name: Infinite
        status: active
        value: .inf
    """))
    result = CliRunner().invoke(main, ["-C", str(project_dir), "check"])
    assert "inf.md:4:8: value: must be a finite number, got inf" in result.stderr


def test_the_portfolio_spreadsheet_is_what_list_gives_and_is_kept_while_current(project_dir,
                                                                               add_account):
    """The output added by one declaration and one producer: made, kept, swept alike."""
    add_account("northwind", FULL_ACCOUNT)
    add_account("harlow", MINIMAL_ACCOUNT)
    first = run_cli(project_dir, "build", "--no-pdf", "--today", TODAY.isoformat())
    assert first.exit_code == 0, first.stderr
    sheet = project_dir / "output" / "portfolio.csv"
    listed = run_cli(project_dir, "list", "--format", "csv", "--today", TODAY.isoformat())
    assert sheet.read_text(encoding="utf-8") == listed.stdout
    assert listed.stdout.splitlines()[1].startswith("northwind,Northwind Freight,lost,")
    index = (project_dir / "output" / "index.html").read_text(encoding="utf-8")
    assert '<a href="portfolio.csv">Spreadsheet of the accounts (.csv)</a>' in index
    made = sheet.stat().st_mtime_ns
    again = run_cli(project_dir, "build", "--no-pdf", "--today", TODAY.isoformat())
    assert "(no dossier or PDF remade)" in again.stdout and sheet.stat().st_mtime_ns == made
    sheet.unlink()  # deleted by hand: the build puts it back
    assert run_cli(project_dir, "build", "--no-pdf", "--today", TODAY.isoformat()).exit_code == 0
    assert sheet.read_text(encoding="utf-8") == listed.stdout
