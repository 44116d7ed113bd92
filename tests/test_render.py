"""What the dossier and index pages carry, section by section."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from conftest import FULL_ACCOUNT, MINIMAL_ACCOUNT, TODAY, front, site_files, write

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
    for fact in ("$5,200,000", "10 years 5 months (at loss), since Apr 2016", "30 Sep 2026",
                 "57 days ago", "Dana Reyes", "Harbor Logistics",
                 "Service failure, New decision maker", "Freight, Denver, CO"):
        assert fact in text


def test_page_one_before_you_walk_in(full_page):
    text = section(full_page, "before")
    assert "<strong>Thu 3 Dec 2026, 10:00</strong>, Their Denver office." in text
    assert "With:</strong> Priya Natarajan (VP Operations, decision maker)." in text
    # Lee Park is named to lead but does not attend: the one of ours who does leads.
    assert "Sam Okafor leads the questions.</p>" in text
    assert "Lee Park, named to lead the questions, is not among our attendees." in text
    assert "Listen-only meeting.</strong> Do not ask for the business before the open fixes are done." in text
    assert "Do not promise yet:</strong> Automatic SLA credits on late deliveries." in text
    clear = text[text.index("Clear these first"):text.index("Open complaints")]
    assert "Overdue</span> Send the revised on-time SLA" in clear
    assert "Call to confirm the agenda" not in clear  # due after the meeting
    assert "1 Jun 2026</time>: Late deliveries three weeks running on the Denver lane." in text
    assert text.count('<span class="qn">') == 5


def test_why_signed_wins_why_lost_new_needs(full_page):
    assert "refrigerated capacity on the Chicago-Denver lane" in section(full_page, "why-signed")
    wins = section(full_page, "wins")
    assert '<time datetime="2019-11-02">2 Nov 2019</time> Cleared a 300-pallet' in wins
    assert "after the champion left" in section(full_page, "why-lost")
    assert "One dashboard for all carriers." in section(full_page, "new-needs")


def test_complaints_open_first_and_other_suppliers_told_apart(full_page):
    rows = re.findall(r"<tr class=\"(open|resolved)[^\"]*\">.*?</tr>", section(full_page, "complaints"))
    assert rows == ["open", "resolved", "resolved"]
    text = section(full_page, "complaints")
    assert text.index("Late deliveries") < text.index("Duplicate invoices") < text.index(
        "Lost shipment")
    assert '<td data-label="About">Acme Carriers</td><td data-label="Complaint">Lost shipment' in text
    assert '<td data-label="About">Us</td><td data-label="Complaint">Late deliveries' in text


def test_other_suppliers_old_complaints_never_fold_in_print(full_page):
    text = section(full_page, "complaints")
    # 2023, resolved, but another supplier's: often why they chose us, so it always prints.
    assert '<tr class="resolved"><td data-label="State">Resolved</td><td class="date" ' \
           'data-label="Date"><time datetime="2023-08-09">' in text
    assert '<tr class="resolved old">' not in text and "older resolved complaint" not in text


def test_people(full_page):
    text = section(full_page, "people")
    assert "<strong>Priya Natarajan</strong>, VP Operations" in text
    assert "Decision maker" in text
    assert "Cares about: on-time rate; one dashboard for all carriers" in text
    departed = text[text.index("Who has left"):]
    assert "Tom Ellis" in departed and "left 1 Mar 2026" in departed


def test_changes_and_readiness(full_page):
    text = section(full_page, "changes")
    assert '<li class="todo"><span class="check">Not done</span> Automatic SLA credits' in text
    assert text.count('badge essential') == 2
    head = full_page[full_page.index('<header class="dossier-head">'):]
    assert "Listen-only meeting" in head[:head.index("</header>")]


def test_follow_ups_history_notes(full_page):
    follow_ups = section(full_page, "follow-ups")
    assert ('<tr class="overdue"><td data-label="Due">Fri 20 Nov 2026, 16:00</td>'
            '<td data-label="Channel">Email</td><td data-label="Owner">Dana Reyes</td>') in follow_ups
    assert ('<tr class="due"><td data-label="Due">Sat 5 Dec 2026, 16:00</td>'
            '<td data-label="Channel">Phone</td><td data-label="Owner">Sam Okafor</td>') in follow_ups
    assert "Call to confirm the agenda" in follow_ups
    assert "Tom Ellis left; Priya took over" in section(full_page, "history")
    assert "<h2 id=\"notes-1-h\">Gossip</h2>" in full_page and "Free notes under a heading" in full_page


def test_script_sets_spoken_lines_apart_from_our_notes(full_page):
    script = section(full_page, "script")
    headings = re.findall(r"<h3>(.*?)</h3>", script)
    assert headings == [
        "While they talk", "Never", "Opening", "Their complaints, first", "The hard questions",
        "Loss reason: Service failure", "Loss reason: New decision maker",
        "About Harbor Logistics", "People who have left",
        "Wins to recall, if it helps (never as a boast)", "Summarise back",
        "What we changed: say it after listening", "Do not promise yet", "Before you leave"]
    spoken = re.findall(r'<p class="say">(.*?)</p>', script)
    mine = re.findall(r'<p class="for-you"><span class="tag">For you</span> (.*?)</p>', script)
    assert '<span class="qn">1.</span> “Take me back to June. What was it like on your side?”' in spoken
    assert "1 Jun 2026: Late deliveries three weeks running on the Denver lane." in mine
    assert not any("Late deliveries" in line for line in spoken)
    assert "10:00 Opening (5 min) → 10:05 Questions, then listen (40 min)" in re.sub(
        r"<[^>]+>", "", script)


def test_commitment_and_if_they_say_no(full_page):
    text = section(full_page, "commitment")
    assert ("<strong>Send the revised on-time SLA</strong>. By email, Fri 20 Nov 2026, 16:00." in text)
    assert ("<strong>Call to confirm the agenda</strong>. By phone, Sat 5 Dec 2026, 16:00; "
            '<span class="aim">aim for Fri 4 Dec 2026, 14:00</span>.') in text
    assert "Automatic SLA credits on late deliveries</strong>. <span class=\"missing\">no date yet" in text
    no = section(full_page, "if-no")
    assert "no one senior is recorded who has not already had a part in it" in no
    assert "Dates counted from the meeting of 3 Dec 2026." in no
    assert "how are things going” note around 14 Jan 2027" in no  # six weeks on
    assert "Approach again</strong> around 2 Apr 2027" in no  # 120 days on


def test_missing_sections_show_prompts(empty_page):
    for section_id in ("why-signed", "wins", "complaints", "people", "why-lost", "changes",
                       "new-needs", "follow-ups", "history", "getting", "commitment"):
        assert 'class="prompt"' in section(empty_page, section_id), section_id
    before = section(empty_page, "before")
    assert "No win-back meeting booked yet." in before
    assert "Readiness unknown: listen only, and ask for nothing." in before
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
    assert "<script" not in page and "<iframe" not in page and "<img src" not in page
    # Tags that are not allowed are text: shown as written, never run.
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert '&lt;iframe src="https://x"&gt;&lt;/iframe&gt;' in page
    assert "onerror" not in page and "javascript:" not in page
    assert "tracker.example" not in page
    assert "&lt;b&gt;Evil&lt;/b&gt; Corp" in page
    reported = sorted((p.line, p.column, p.message) for p in report.problems)
    assert reported == [
        (8, 11, "image 'x.png' is removed: it is not in the project's assets/ folder"),
        (8, 18, "event handler attribute onerror is removed"),
        (8, 46, "'javascript:' links are removed (only http, https and mailto are kept)"),
        (9, 11, "image 'http://tracker.example/pixel.png' is removed: it names a scheme, a "
                "drive or a host"),
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
                 "Listen-only meeting", "1 to fix"):
        assert fact in northwind


def test_project_template_overrides_builtin(project_dir):
    write(project_dir / "templates" / "index.html", "custom index for {{ p.accounts | length }}\n")
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
    assert "Accounts with errors" in (out / "index.html").read_text()


def test_same_input_gives_identical_output(project_dir):
    """Two builds that share nothing (the second into another folder, from no state) make
    the same files, byte for byte."""
    _, out = build_site(project_dir, northwind=FULL_ACCOUNT, harlow=MINIMAL_ACCOUNT)
    again = project_dir / "again"
    report = build(open_project(project_dir, again),
                   BuildOptions(today=TODAY, pdf=False, clean=True))
    assert report.ok and report.rebuilt == ["harlow", "northwind"]

    first, second = site_files(out), site_files(again)
    assert "accounts/northwind.html" in first and "index.html" in first
    assert first.keys() == second.keys()
    assert [name for name in first if first[name] != second[name]] == []


def test_the_plan_for_the_client_is_a_page_of_its_own(full_page, project_dir):
    plan = section(full_page, "plan")
    assert 'href="../accounts/northwind-plan.html"' in plan
    assert 'href="../accounts/northwind-plan.pdf"' in plan
    assert "It lacks the cause, told as a fact for them" in plan
    page = re.sub(r"\s+", " ", (project_dir / "output" / "accounts" /
                                "northwind-plan.html").read_text())
    assert "Northwind Freight has worked with us from April 2016 to September 2026, ten years." in page
    assert "One dashboard for all carriers." in page  # their needs, from the file
    assert "after the champion left" not in page  # our own account of why we lost them
    assert "Confidential" not in page


def letter(html: str, ident: str) -> str:
    return re.sub(r"\s+", " ", re.search(rf'id="{ident}".*?</section>', html, re.S).group(0))


def test_letters_are_addressed_and_signed(project_dir):
    write(project_dir / "winback.yaml", "company: Acme Freight\nsponsor:\n  name: Jane Cole\n"
          "  title: Sales Director\n")
    unbooked = FULL_ACCOUNT.replace("meeting:\n  when: 2026-12-03 10:00", "meeting_was:\n  when:")
    unbooked = re.sub(r"meeting_was:.*?(?=follow_ups:)", "", unbooked, flags=re.S)
    report, out = build_site(project_dir, northwind=FULL_ACCOUNT, unbooked=unbooked)
    assert report.ok, report.problems
    page = (out / "accounts" / "northwind-letters.html").read_text()
    assert 'id="letter-meeting-request"' not in page  # the meeting is booked
    request = letter((out / "accounts" / "unbooked-letters.html").read_text(),
                     "letter-meeting-request")
    assert "Dear Priya," in request
    assert "<p class=\"dateline\">26 November 2026</p>" in request  # sent the day it is made
    assert ("Thank you for the ten years Northwind Freight worked with us. We understand your "
            "decision to move to Harbor Logistics, and we accept it") in request
    assert "where we fell short" in request  # a service failure is recorded
    assert "Jane Cole<br>Sales Director<br>Acme Freight" in request
    # Before the meeting is held, the summary and the note wait for its record.
    sent = re.sub(r"<[^>]+>", "", page)
    assert "Thank-you note: To draft after the meeting: run `winback debrief northwind`" in sent
    assert 'href="../accounts/northwind-letters.pdf"' in (out / "accounts" / "northwind.html").read_text()


def test_letters_without_people_or_for_an_at_risk_account(project_dir):
    _, out = build_site(project_dir, harlow=MINIMAL_ACCOUNT, risk=front("""
        name: Risky
        status: at-risk
        owner: Sam
        signed: 2020-01-01
        people:
          - name: Ann Lee
            role: champion
    """))
    request = letter((out / "accounts" / "harlow-letters.html").read_text(),
                     "letter-meeting-request")
    assert "Dear [name]," in request
    assert "<p class=\"signature\"><span class=\"missing\">[name]</span>" in request
    assert "fell short" not in request  # nothing in the file says we failed them
    page = re.sub(r"\s+", " ", (out / "accounts" / "risk-letters.html").read_text())
    assert "Dear Ann," in page
    assert "how things look on your side, and what you need from us next" in page
    assert "not been up to the standard" not in page and "fixing" not in page
    assert "accept it" not in page and "move" not in page
    assert "<p class=\"signature\">Sam" in page


def test_a_sent_letter_is_not_printed_again(project_dir):
    _, out = build_site(project_dir, acme=front("""
        name: Acme
        status: lost
        owner: Kim
        lost: 2026-09-30
        follow_ups:
          - due: 2026-10-20 12:00
            channel: letter
            what: Letter asking for a meeting
            letters: [meeting-request]
            done: true
          - due: 2026-12-04 16:00
            channel: email
            what: Summary and thanks
            letters: [summary, thank-you]
    """))
    page = re.sub(r"\s+", " ", (out / "accounts" / "acme-letters.html").read_text())
    assert 'id="letter-meeting-request"' not in page
    assert "<strong>Meeting request:</strong> sent 20 Oct 2026; not printed again." in page
    assert not (out / "accounts" / "acme-meeting-request.eml").exists()


def test_won_back_check_ins_are_close_at_first_then_settle(project_dir):
    write(project_dir / "winback.yaml", "check_in_every_days: 45\n")
    back = """
        name: Back Again
        status: won-back
        lost: 2025-03-31
        won_back: {won_back}
        loss_reasons: [delivery]
    """
    held = """
        ## Meetings
        - 2026-02-14: Call.
        - 2026-02-28: Call.
        - 2026-03-14: Call.
        - 2026-03-28: Call.
        - 2026-04-11: Call.
        - 2026-04-25: Call.
        - 2026-06-08: Call.
        - 2026-07-23: Call.
        - 2026-09-06: Call.
        - 2026-10-21: Call.
    """
    _, out = build_site(project_dir, back=front(back.format(won_back="2026-02-01"), held),
                        fresh=front(back.format(won_back="2026-10-01")))
    text = section((out / "accounts" / "back.html").read_text(), "check-ins")
    # Every 14 days until 1 May, then every 45 days from the last one held (21 Oct).
    assert "Check in every 45 days" in text
    assert "Next check-in due 5 Dec 2026." in text
    assert "Missed: 9 May 2026." in text  # 14 days after 25 Apr, with none until 8 Jun
    fresh = section((out / "accounts" / "fresh.html").read_text(), "check-ins")
    # Back since 1 Oct, none held: due 15 Oct, 29 Oct, 12 Nov, 26 Nov (today, not yet missed).
    assert "Close check-ins every 14 days until 1 Jan 2027" in fresh
    assert "3 check-ins not recorded since 15 Oct 2026." in fresh


def test_account_field_sets_the_check_in_rhythm(problems_of, project_dir):
    from generator.derive import BuildDate, derive

    account, _ = problems_of(front("""
        name: Back Again
        status: won-back
        lost: 2024-06-30
        won_back: 2025-01-01
        check_in_every_days: 90
        loss_reasons: [delivery]
    """, """
        ## Meetings
        - 2026-10-01: Quarterly call.
    """))
    project = open_project(project_dir)
    check_ins = derive(account, project.config, project.bank, BuildDate(TODAY, True)).check_ins
    # Long past the close months: every 90 days, from the last check-in held.
    assert check_ins.every_days == 90 and check_ins.next_due == dt.date(2026, 12, 30)
    assert not check_ins.overdue


def test_index_shows_what_stands_between_us_and_approaching(project_dir):
    _, out = build_site(project_dir, northwind=FULL_ACCOUNT)
    index = re.sub(r"\s+", " ", (out / "index.html").read_text())
    assert "Not ready to ask" in index and "Listen-only meeting" in index
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
    rows = re.findall(r'<tr class="([a-z-]+)"><td data-label="Due">[^<]*</td>'
                      r'<td data-label="Channel">[A-Za-z ]+</td><td data-label="Owner">([^<]*)</td>',
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


def test_a_meeting_whose_time_is_not_set_is_shown_so_and_is_all_day(project_dir):
    import icalendar

    _, out = build_site(project_dir, acme=front("""
        name: Acme
        status: active
        meeting:
          when: 2026-12-10
    """))
    before = section((out / "accounts" / "acme.html").read_text(), "before")
    assert "<strong>Thu 10 Dec 2026, time not set</strong>" in before
    assert "00:00" not in before
    (event,) = icalendar.Calendar.from_ical((out / "calendar.ics").read_bytes()).walk("VEVENT")
    assert event.decoded("dtstart") == dt.date(2026, 12, 10)
    assert event.decoded("dtend") == dt.date(2026, 12, 11)


def test_the_dossier_has_contents_linking_every_section_in_order(project_dir):
    """Every section with a heading, in the page's order, the file's own headings
    ("Gossip") among them; a won-back client's check-ins only where there are some."""
    _, out = build_site(project_dir, northwind=FULL_ACCOUNT, back=front("""
        name: Back Again
        status: won-back
        signed: 2019-01-15
        lost: 2024-05-01
        won_back: 2026-10-01
        loss_reasons: [price]
    """))
    page = (out / "accounts" / "northwind.html").read_text()
    toc = re.search(r'<nav class="toc".*?</nav>', page, re.S).group(0)
    links = re.findall(r'<a href="#([^"]+)">([^<]+)</a>', toc)
    sections = re.findall(r'<section id="([^"]+)"', page)
    assert [anchor for anchor, _ in links] == sections
    assert links[0] == ("before", "Before you walk in")
    assert ("notes-1", "Gossip") in links and links[-1] == ("file-history",
                                                          "Changes to this file")
    assert "check-ins" not in dict(links)
    back = (out / "accounts" / "back.html").read_text()
    assert '<a href="#check-ins">Check-ins</a>' in back


def test_every_outcome_a_page_shows_has_its_words():
    """The words for how an ask or a meeting went are Python's: a new outcome in the
    schema without them fails here, not as a KeyError in a template."""
    from generator.render import APPROACH_WORDS, OUTCOME_WORDS
    from generator.schema import MeetingOutcome, Outcome, words_of

    assert tuple(APPROACH_WORDS) == words_of(Outcome)
    assert tuple(OUTCOME_WORDS) == words_of(MeetingOutcome)
