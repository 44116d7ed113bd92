"""What the dossier and index pages carry, section by section."""

from __future__ import annotations

import re

import pytest
from conftest import FULL_ACCOUNT, MINIMAL_ACCOUNT, TODAY, front, write

from generator.commands.build import BuildOptions, build
from generator.project import open_project


def build_site(project_dir, **accounts):
    for slug, text in accounts.items():
        write(project_dir / "content" / "accounts" / f"{slug}.md", text)
    report = build(open_project(project_dir), BuildOptions(today=TODAY, pdf=False))
    return report, project_dir / "output"


def section(html: str, section_id: str) -> str:
    match = re.search(rf'<section id="{section_id}".*?</section>', html, re.S)
    assert match, f"no section {section_id}"
    return re.sub(r"\s+", " ", match.group(0))


@pytest.fixture
def full_page(project_dir):
    report, out = build_site(project_dir, northwind=FULL_ACCOUNT)
    assert report.ok, report.problems
    return (out / "accounts" / "northwind.html").read_text()


@pytest.fixture
def empty_page(project_dir):
    report, out = build_site(project_dir, harlow=MINIMAL_ACCOUNT)
    assert report.ok
    return (out / "accounts" / "harlow.html").read_text()


def test_snapshot(full_page):
    text = section(full_page, "snapshot")
    for fact in ("$5,200,000", "10 years 5 months (at loss)", "11 Apr 2016", "30 Sep 2026",
                 "57 days ago", "Dana Reyes", "Harbor Logistics",
                 "Service failure, New decision maker", "Thu 3 Dec 2026, 10:00",
                 "Address first: 1 open complaint."):
        assert fact in text


def test_why_signed_wins_why_lost_new_needs(full_page):
    assert "refrigerated capacity on the Chicago-Denver lane" in section(full_page, "why-signed")
    wins = section(full_page, "wins")
    assert '<time datetime="2019-11-02">2 Nov 2019</time> Cleared a 300-pallet' in wins
    assert "after the champion left" in section(full_page, "why-lost")
    assert "One dashboard for all carriers." in section(full_page, "new-needs")


def test_complaints_open_first_and_other_suppliers_told_apart(full_page):
    rows = re.findall(r"<tr class=\"(open|resolved)\">.*?</tr>", section(full_page, "complaints"))
    assert rows == ["open", "resolved", "resolved"]
    text = section(full_page, "complaints")
    assert text.index("Late deliveries") < text.index("Duplicate invoices") < text.index(
        "Lost shipment")
    assert "<td>Acme Carriers</td><td>Lost shipment" in text
    assert "<td>Us</td><td>Late deliveries" in text


def test_people(full_page):
    text = section(full_page, "people")
    assert "<strong>Priya Natarajan</strong>, VP Operations" in text
    assert "Decision maker" in text
    assert "Cares about: on-time rate; one dashboard for all carriers" in text
    departed = text[text.index("Who has left"):]
    assert "Tom Ellis" in departed and "left 1 Mar 2026" in departed


def test_changes_and_readiness(full_page):
    text = section(full_page, "changes")
    assert "Not ready to approach." in text
    assert '<li class="todo"><span class="check">Not done</span> Automatic SLA credits' in text
    assert text.count('badge essential') == 2
    assert "Not ready to approach" in full_page.split("</header>")[1]


def test_meeting_follow_ups_history_notes(full_page):
    meeting = section(full_page, "meeting")
    assert "Their Denver office" in meeting and "Sam Okafor" in meeting
    assert "Suggested interviewer: <strong>Lee Park</strong>" in meeting
    follow_ups = section(full_page, "follow-ups")
    assert '<tr class="overdue"><td>Fri 20 Nov 2026, 16:00</td><td>email</td><td>Dana Reyes</td>' in follow_ups
    assert '<tr class="due"><td>Sat 5 Dec 2026, 16:00</td><td>phone</td><td>Sam Okafor</td>' in follow_ups
    assert "Call to confirm the agenda" in follow_ups
    assert "Tom Ellis left; Priya took over" in section(full_page, "history")
    assert "<h2>Gossip</h2>" in full_page and "Free notes under a heading" in full_page


def test_question_script_numbers_questions_across_parts(full_page):
    script = section(full_page, "script")
    headings = re.findall(r"<h3>(.*?)</h3>", script)
    assert headings == [
        "Opening", "Their open complaints, first", "The hard questions", "On service failure",
        "On new decision maker", "About Harbor Logistics", "What the decision maker cares about",
        "People who have left", "Wins worth recalling (if it helps, not as a boast)",
        "While they talk", "Never", "Summarise back", "The ask"]
    assert re.findall(r'<ol start="(\d+)">', script) == ["1", "2", "9", "11", "13", "16", "18"]
    assert "<td>10:00</td><td class=\"num\">5</td><td>Opening</td>" in script


def test_missing_sections_show_prompts(empty_page):
    for section_id in ("why-signed", "wins", "complaints", "people", "why-lost", "changes",
                       "new-needs", "follow-ups", "history"):
        assert 'class="prompt"' in section(empty_page, section_id), section_id
    assert "Not scheduled yet" in section(empty_page, "meeting")
    assert "not recorded: add <code>signed:</code>" in section(empty_page, "snapshot")


def test_hostile_markdown_is_sanitised(project_dir):
    hostile = front("""
        name: "<b>Evil</b> Corp"
        status: active
    """, """
        ## Why they signed
        <script>alert(1)</script>
        <img src="x.png" onerror="alert(2)"> [click](javascript:alert(3))
        ![remote](http://tracker.example/pixel.png) <iframe src="https://x"></iframe>
    """)
    report, out = build_site(project_dir, evil=hostile)
    page = (out / "accounts" / "evil.html").read_text()
    assert "<script>" not in page and "alert(1)" not in page
    assert "onerror" not in page and "javascript:" not in page and "<iframe" not in page
    assert "tracker.example" not in page
    assert "&lt;b&gt;Evil&lt;/b&gt; Corp" in page
    reported = sorted((p.line, p.column, p.message) for p in report.problems)
    assert reported == [
        (7, 1, "raw <script> is removed from dossiers and briefs"),
        (8, 18, "event handler attribute onerror is removed"),
        (8, 46, "'javascript:' URLs are removed"),
        (9, 11, "image 'http://tracker.example/pixel.png' is removed: it names a scheme, a "
                "drive or a host"),
        (9, 45, "raw <iframe> is removed from dossiers and briefs"),
    ]
    assert all(not p.is_error and p.field == "Why they signed" for p in report.problems)


def test_index_lists_every_account_with_its_facts(project_dir):
    other = front("""
        name: Beta Ltd
        status: at-risk
        owner: Sam
        value: 9000000
    """)
    report, out = build_site(project_dir, northwind=FULL_ACCOUNT, beta=other, harlow=MINIMAL_ACCOUNT)
    index = re.sub(r"\s+", " ", (out / "index.html").read_text())
    table = index[index.index('id="accounts"'):index.index('id="patterns"')]
    rows = re.findall(r'<a href="accounts/([a-z-]+)\.html">', table)
    assert rows == ["northwind", "harlow", "beta"]
    northwind = table[table.index("accounts/northwind.html"):table.index("accounts/harlow.html")]
    for fact in ("Dana Reyes", "$5,200,000", "30 Sep 2026", "Thu 3 Dec 2026, 10:00",
                 "Not ready to approach", "1 to fix"):
        assert fact in northwind


def test_project_template_overrides_builtin(project_dir):
    write(project_dir / "templates" / "index.html", "custom index for {{ p.dossiers | length }}\n")
    write(project_dir / "templates" / "style.css", "body { color: red }\n")
    report, out = build_site(project_dir, northwind=FULL_ACCOUNT)
    assert (out / "index.html").read_text() == "custom index for 1\n"
    assert (out / "assets" / "style.css").read_text() == "body { color: red }\n"
    assert "Snapshot" in (out / "accounts" / "northwind.html").read_text()


def test_broken_override_is_reported_at_its_line(project_dir):
    write(project_dir / "templates" / "dossier.html", "line one\n{{ d.no_such_thing }}\n")
    report, out = build_site(project_dir, northwind=FULL_ACCOUNT)
    assert not report.ok
    problem = report.problems[-1]
    assert (problem.path.name, problem.line, problem.field) == ("dossier.html", 2, "template")
    assert "no_such_thing" in problem.message
    assert not (out / "accounts" / "northwind.html").exists()
    assert "did not build" in (out / "index.html").read_text()


def test_same_input_gives_identical_output(project_dir):
    _, out = build_site(project_dir, northwind=FULL_ACCOUNT, harlow=MINIMAL_ACCOUNT)
    first = {p: p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}
    build(open_project(project_dir), BuildOptions(today=TODAY, pdf=False))
    assert first == {p: p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def test_win_back_plan_shows_each_part_or_a_prompt(full_page, empty_page):
    plan = section(full_page, "plan")
    assert "Client since 11 Apr 2016 (10 years 5 months until the loss), worth $5,200,000 a year." in plan
    assert "after the champion left" in plan and "One dashboard for all carriers." in plan
    assert plan.count('class="prompt"') == 1 and "What do we commit to" in plan
    empty = section(empty_page, "plan")
    assert empty.count('class="prompt"') == 4
    for question in ("When did they sign, and why?", "Why did we lose them?",
                     "What do they need now", "What do we commit to"):
        assert question in empty


def test_letters_are_addressed_and_signed(full_page):
    request = re.sub(r"\s+", " ", re.search(r'id="letter-request".*?</section>', full_page, re.S).group(0))
    assert "Dear Priya Natarajan," in request
    assert ("Thank you for the 10 years 5 months that Northwind Freight worked with us. We understand "
            "your decision to move to Harbor Logistics and we accept it") in request
    assert "<p>Dana Reyes</p>" in request and "26 Nov 2026" in request
    thanks = re.search(r'id="letter-thanks".*?</section>', full_page, re.S).group(0)
    assert "Thank you for meeting with us on Thu 3 Dec 2026, 10:00" in re.sub(r"\s+", " ", thanks)
    summary = re.search(r'id="letter-summary".*?</section>', full_page, re.S).group(0)
    assert "meeting of Thu 3 Dec 2026, 10:00 with Priya Natarajan." in re.sub(r"\s+", " ", summary)
    assert summary.count("<tr><td>&nbsp;</td>") == 3


def test_letters_without_people_or_for_an_at_risk_account(project_dir, empty_page):
    request = re.sub(r"\s+", " ", re.search(r'id="letter-request".*?</section>', empty_page, re.S).group(0))
    assert "Dear [name of the most senior person involved]," in request
    assert "No one is recorded under people" in request and "[account owner]" in request
    _, out = build_site(project_dir, risk=front("""
        name: Risky
        status: at-risk
        owner: Sam
        signed: 2020-01-01
        people:
          - name: Ann Lee
            role: champion
    """))
    page = re.sub(r"\s+", " ", (out / "accounts" / "risk.html").read_text())
    assert "Dear Ann Lee," in page
    assert "We know that recent months have not met the standard you expect of us." in page
    assert "accept it" not in page


def test_won_back_check_ins(project_dir):
    write(project_dir / "winback.yaml", "check_in_every_days: 45\n")
    _, out = build_site(project_dir, back=front("""
        name: Back Again
        status: won-back
        lost: 2025-03-31
        won_back: 2026-02-01
        loss_reasons: [delivery]
    """))
    text = section((out / "accounts" / "back.html").read_text(), "check-ins")
    assert "check in every 45 days" in text
    # 2026-02-01 + 45 * 7 = 2026-12-13 is the first on or after 26 Nov 2026
    assert "Next check-in due 13 Dec 2026." in text
    assert "Earlier check-ins were due 31 Jul 2026, 14 Sep 2026, 29 Oct 2026." in text


def test_index_shows_what_stands_between_us_and_approaching(project_dir):
    _, out = build_site(project_dir, northwind=FULL_ACCOUNT)
    index = re.sub(r"\s+", " ", (out / "index.html").read_text())
    assert "Not ready to approach" in index
    assert "Automatic SLA credits on late deliveries." in index


def test_due_today_and_owner_fallback(project_dir):
    _, out = build_site(project_dir, acme=front("""
        name: Acme
        status: active
        owner: Kim
        follow_ups:
          - due: 2026-11-26 09:00
            channel: phone
            what: Call back
          - due: 2026-11-20 09:00
            channel: email
            what: Send the deck
            done: true
    """))
    rows = re.findall(r'<tr class="([a-z-]+)"><td>[^<]*</td><td>[a-z]+</td><td>([^<]*)</td>',
                      section((out / "accounts" / "acme.html").read_text(), "follow-ups"))
    assert rows == [("due-today", "Kim"), ("done", "Kim")]


def test_an_image_leaving_the_folder_is_reported_on_its_own(problems_of):
    _, problems = problems_of(front("""
        name: Acme
        status: active
    """, """
        ## Why they signed
        See ![plan](../../plan.png) for the layout.
    """))
    assert [(p.line, p.column, p.is_error) for p in problems] == [(7, 13, False)]
