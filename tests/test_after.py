"""After the meeting: the record of what was heard, the summary, the thank-you note and
the plan drafted from it, what each outcome leaves to do, check-ins kept and missed, and
dates that count from what the file records, never from the day of the build."""

from __future__ import annotations

import datetime as dt
import difflib
import email
import email.policy
import re
from pathlib import Path

import pytest
from conftest import run_cli, write
from test_brief import pdf_text, text

from generator.commands.build import BuildOptions, build
from generator.project import open_project

CONFIG = """\
company: Meridian Supplies
letterhead:
  address: [12 Park Row, Leeds LS1 5JL]
  city: Leeds
  email: hello@meridian.example
team:
  - name: Jane Cole
    title: Sales Director
    email: jane.cole@meridian.example
  - name: Tom Hale
    title: Head of Customer Operations
    email: tom.hale@meridian.example
  - name: Sara Mills
    title: Account Manager
    email: sara.mills@meridian.example
"""

# The made-up account of the field notes, the day after its meeting.
LEEDS = """\
---
name: Leeds Lab Supplies
status: lost
owner: Sara Mills
value: 480000
signed: 2017-03-01
lost: 2026-07-31
competitor: Northlab Direct
loss_reasons: [service-failure, champion-left]
interviewer: Tom Hale
people:
  - name: Ruth Adeyemi
    title: Purchasing Director
    role: decision-maker
    email: ruth.adeyemi@leedslab.example
    cares_about: [fill rate above 98 percent, one monthly invoice]
    notes: Was defensive about the cancelled trials; wants numbers first.
  - name: Dan Price
    title: Lab Manager
    role: influencer
    email: dan.price@leedslab.example
meeting:
  when: 2026-12-08 10:00
  where: their Leeds office
  with: [Ruth Adeyemi, Dan Price]
  ours: [Tom Hale, Sara Mills]
follow_ups:
  - due: 2026-12-09 16:00
    channel: email
    owner: Tom Hale
    what: Written summary and a thank-you note to Ruth and Dan
    letters: [summary, thank-you]
  - due: 2027-01-08 16:00
    channel: email
    owner: Sara Mills
    what: Send Ruth the January stock report
    say: Send you the January stock report
  - due: 2026-11-20 16:00
    channel: email
    owner: Sara Mills
    what: Send Ruth the October fill-rate figures
    done: 2026-11-19 15:00
---

## Wins
- 2021-01-11: Kept every lab stocked through the January shortage. !recall

## Complaints
- [ ] 2026-05-12: Six weeks of backorders on pipette tips.
- [x] 2019-04-02 (Labcraft): Their old supplier lost a cold-chain shipment.

## Why we lost them
Candidly: our rep change was handled badly and Ruth's team noticed it.

## What we changed
- [x] 2026-10-01: Named account manager with a weekly stock review. !essential
  - say: A named account manager now reviews your stock with you every week.
- [ ] 2027-01-15: Automatic escalation of backorders older than five days. !essential
  - confirm: email, 2027-01-15 16:00

## New needs
- A fill rate they can rely on, proven over time.

## Win-back plan
- cause: From May to June 2026 we left backorders unescalated for six weeks, and after the change of representative your calls went unanswered for nine days.

## Notes for the meeting
- Do not bring up Northlab Direct's delivery problems.

## Meetings
- 2026-12-08 10:00: Met Ruth Adeyemi and Dan Price at their Leeds office.
  - heard: The backorders forced them to cancel two customer trials in June.
  - heard: Nobody called back for nine days after the rep change; that hurt more than the shortage.
  - heard: They would look at us again once escalation is live and proven for a quarter.
  - needs: One invoice a month across both sites.
  - outcome: review
  - next: 2027-04-13 10:00
"""

TODAY = dt.date(2026, 12, 9)


def project_with(root: Path, accounts: dict[str, str], config: str = CONFIG) -> Path:
    write(root / "winback.yaml", config)
    for slug, body in accounts.items():
        write(root / "content" / "accounts" / f"{slug}.md", body)
    return root


def built(root: Path, today: dt.date = TODAY, pdf: bool = True) -> Path:
    report = build(open_project(root), BuildOptions(today=today, jobs=2, pdf=pdf))
    assert report.ok, [p.headline() for p in report.problems]
    return root / "output"


def with_outcome(body: str, outcome: str, next_line: str = "") -> str:
    """The Leeds account with another outcome (and next contact) for its meeting."""
    body = body.replace("  - outcome: review\n  - next: 2027-04-13 10:00\n",
                        f"  - outcome: {outcome}\n" + (f"  - next: {next_line}\n" if next_line
                                                        else ""))
    return body


@pytest.fixture(scope="module")
def leeds(tmp_path_factory) -> Path:
    root = project_with(tmp_path_factory.mktemp("after") / "project", {
        "leeds": LEEDS,
        "refused": with_outcome(LEEDS, "refused"),
        "undecided": with_outcome(LEEDS, "undecided", "2026-12-18 11:00"),
        "accepted": with_outcome(LEEDS, "accepted", "2027-01-04"),
    })
    return built(root)


def page(out: Path, slug: str, kind: str = "") -> str:
    return text((out / "accounts" / f"{slug}{kind}.html").read_text(encoding="utf-8"))


def page_one(out: Path, slug: str) -> str:
    """The text of "Before you walk in", the brief's page one."""
    html = (out / "accounts" / f"{slug}.html").read_text(encoding="utf-8")
    return text(re.search(r'<section id="before".*?</section>', html, re.S).group(0))


def eml(out: Path, slug: str, letter: str):
    raw = (out / "accounts" / f"{slug}-{letter}.eml").read_bytes()
    return email.message_from_bytes(raw, policy=email.policy.default)


def test_the_summary_quotes_what_was_heard_and_lists_each_promise(leeds):
    for words in (page(leeds, "leeds", "-letters"), pdf_text(leeds / "accounts" /
                                                             "leeds-letters.pdf")):
        # The summary is the last letter: from its date line on (the note is dated alike).
        summary = words[words.rindex("Leeds, 9 December 2026"):]
        assert "Dear Ruth and Dan," in summary
        assert "The backorders forced you to cancel two customer trials in June." in summary
        assert ("You would look at us again once escalation is live and proven for a "
                "quarter.") in summary
        assert "What matters to you now: one invoice a month across both sites." in summary
        assert "Send you the January stock report by email by Friday 8 January, 16:00." in summary
        assert ("Automatic escalation of backorders older than five days, planned for 15 "
                "January: we will confirm it by email, by Friday 15 January, 16:00.") in summary
        assert ("Ask you for a short review on Tuesday 13 April, 10:00, if you are willing."
                in summary)
        assert re.search(r"With thanks, Tom Hale Head of Customer Operations Meridian Supplies",
                         summary)


def test_no_instruction_or_note_of_ours_is_printed_on_a_letter(leeds):
    letters = pdf_text(leeds / "accounts" / "leeds-letters.pdf")
    for ours in ("by hand", "Send it", "Fill in", "defensive", "Candidly", "For you",
                 "Confidential", "Lost"):
        assert ours not in letters, ours
    brief = page(leeds, "leeds")
    assert "Thank-you note: By hand on a card if you can" in brief  # the how is in the brief


def test_the_thank_you_note_is_to_everyone_who_met_us_and_says_something_heard(leeds):
    letters = page(leeds, "leeds", "-letters")
    note = letters[letters.index("Thank-you note to"):letters.index("Written summary to")]
    assert "Dear Ruth and Dan," in note
    assert "Thank you for meeting us on Tuesday" in note
    assert "the backorders forced you to cancel two customer trials in June." in note
    assert "Tom Hale" in note  # who was there; Jane Cole was not
    assert "Jane Cole" not in note


def test_each_letter_is_an_email_draft_addressed_to_the_client(leeds):
    summary = eml(leeds, "leeds", "summary")
    assert summary["To"] == ("Ruth Adeyemi <ruth.adeyemi@leedslab.example>, "
                             "Dan Price <dan.price@leedslab.example>")
    assert summary["From"] == "Tom Hale <tom.hale@meridian.example>"
    assert summary["X-Unsent"] == "1"
    assert summary["Subject"] == "What we heard at our meeting on 8 December"
    body = summary.get_content().replace("\r\n", "\n")  # RFC 5322 lines end in CRLF
    assert body.startswith("Leeds, 9 December 2026\n\nDear Ruth and Dan,\n")
    assert "- The backorders forced you to cancel two customer trials in June." in body
    assert "Send you the January stock report by email by Friday 8 January," in body
    assert eml(leeds, "leeds", "thank-you").get_content().count("Dear Ruth and Dan,") == 1
    # The meeting request went out long ago: it has no draft.
    assert not (leeds / "accounts" / "leeds-meeting-request.eml").exists()


def test_the_plan_has_four_parts_and_none_of_our_notes(leeds):
    for plan in (page(leeds, "leeds", "-plan"), pdf_text(leeds / "accounts" / "leeds-plan.pdf")):
        order = [plan.index(part) for part in ("Our relationship", "What went wrong, as a fact",
                                               "What you need now", "Our commitment")]
        assert order == sorted(order)
        assert "from March 2017 to July 2026, nine years" in plan
        assert "Kept every lab stocked through the January shortage." in plan
        assert ("From May to June 2026 we left backorders unescalated for six weeks") in plan
        assert "One invoice a month across both sites." in plan
        assert "A fill rate they can rely on, proven over time." in plan
        assert ("A named account manager now reviews your stock with you every week "
                "(in place since October 2026).") in plan
        assert ("Automatic escalation of backorders older than five days (due 15 January 2027)"
                in plan)
        assert "Send you the January stock report: by email, Friday 8 January 2027, 16:00" in plan
        for note in ("Candidly", "defensive", "Northlab Direct's delivery", "For you",
                     "Confidential", "cares about"):
            assert note not in plan, note


def test_a_plan_without_a_cause_written_for_the_client_prompts_and_never_shows_our_notes(
        tmp_path):
    body = LEEDS.replace("## Win-back plan\n- cause: From May", "## Other\n- From May")
    out = built(project_with(tmp_path, {"leeds": body}), pdf=False)
    plan = page(out, "leeds", "-plan")
    assert "Not written yet: the cause, as you would tell them" in plan
    assert "Candidly" not in plan


def test_review_shows_the_date_and_what_must_be_done_by_then(leeds):
    before = page_one(leeds, "leeds")
    assert "Met Tue 8 Dec 2026, 10:00 with Ruth Adeyemi, Dan Price: open to looking again" in before
    assert "Review agreed for Tue 13 Apr 2027, 10:00. Ask for nothing before it." in before
    assert ("Done by then: Automatic escalation of backorders older than five days "
            "(due 15 Jan 2027).") in before


def test_refused_turns_the_if_no_plan_into_the_plan_dated_from_the_meeting(leeds):
    before = page_one(leeds, "refused")
    # Jane Cole, the most senior, was not in the room: Tom led and Sara listened.
    assert "They said no on 8 Dec 2026: follow the “if they say no” plan." in before
    assert "Ask Jane Cole (Sales Director), who was not in the meeting, to call." in before
    assert "a short note around 19 Jan 2027; approach again around 7 Apr 2027." in before


def test_undecided_gives_the_follow_up_date(leeds):
    assert "Nothing decided yet. Follow up on Fri 18 Dec 2026, 11:00, as agreed." in page(
        leeds, "undecided")


def test_accepted_tells_the_owner_to_set_the_account_won_back(leeds, tmp_path):
    assert ("They said yes on 8 Dec 2026. Set the account's status to won back with "
            "won_back: 2026-12-08") in page(leeds, "accepted")
    root = project_with(tmp_path, {"accepted": with_outcome(LEEDS, "accepted", "2027-01-04")})
    result = run_cli(root, "check")
    assert "they came back on 2026-12-08, but the status is still 'lost'" in result.stderr
    assert "set 'status: won-back' and 'won_back: 2026-12-08'" in result.stderr


WON_BACK = """\
---
name: Brook Street Bakery
status: won-back
owner: Sara Mills
value: 7000000
signed: 2018-01-01
lost: 2025-03-31
won_back: 2026-02-01
loss_reasons: [delivery]
check_in_every_days: 60
---

## Meetings
- 2026-02-13 10:00: Call with the buyer.
  - channel: phone
- 2026-02-27 10:00: Call with the buyer.
  - channel: phone
- 2026-03-30: Video call, after the one due on 13 March was missed.
  - channel: video
"""


@pytest.fixture(scope="module")
def won_back(tmp_path_factory) -> Path:
    root = project_with(tmp_path_factory.mktemp("won-back") / "project", {"brook": WON_BACK})
    return built(root, dt.date(2026, 6, 1))


def test_check_ins_on_record_count_and_a_missed_one_is_flagged_everywhere(won_back):
    dossier = page(won_back, "brook")
    # Due every 14 days for three months from 1 Feb, then every 60: 13 and 27 March were
    # missed before the call of 30 March, and none is recorded since the one due 13 April.
    assert ("Missed 3 check-ins due since 13 Apr 2026 are not recorded: check in now, and "
            "record it under “Meetings”.") in dossier
    assert "Held: 13 Feb 2026, 27 Feb 2026, 30 Mar 2026." in dossier
    assert ("Missed: 13 Mar 2026, 27 Mar 2026, 13 Apr 2026, 27 Apr 2026, 11 May 2026."
            in dossier)
    index = text((won_back / "index.html").read_text())
    assert "Check-in missed since 13 Apr 2026 Brook Street Bakery" in index
    owner = text((won_back / "owners" / "sara-mills.html").read_text())
    assert "Missed since 13 Apr 2026 Brook Street Bakery" in owner
    assert "Check-in missed since 13 Apr 2026 · Brook Street Bakery" in pdf_text(
        won_back / "owners" / "sara-mills.pdf")
    assert "Check-in missed since 13 Apr 2026 · Brook Street Bakery" in pdf_text(
        won_back / "portfolio.pdf")
    calendar = (won_back / "calendar.ics").read_text()
    assert "SUMMARY:Missed check-in: Brook Street Bakery" in calendar
    assert "DTSTART;VALUE=DATE:20260413" in calendar


def test_the_same_dates_from_builds_a_week_apart(tmp_path):
    bodies = {"leeds": LEEDS, "refused": with_outcome(LEEDS, "refused"), "brook": WON_BACK}
    seen = []
    for offset in (0, 7):
        root = project_with(tmp_path / f"build-{offset}", bodies)
        out = built(root, TODAY + dt.timedelta(days=offset), pdf=False)
        refused = page(out, "refused")
        dates = re.findall(r"(?:note around|approach again around|Approach again around) "
                           r"(\d+ \w+ \d{4})", refused)
        brook = page(out, "brook")
        check_ins = re.findall(r"Missed: ([^.]*)\.", brook)
        seen.append((dates, check_ins))
    assert seen[0] == seen[1] and seen[0][0]


def test_a_promise_kept_early_shows_it(leeds):
    assert "Delivered Thu 19 Nov, 15:00 for Fri 20 Nov, 16:00" in page(leeds, "leeds")


def test_a_next_try_that_has_passed_is_overdue_not_still_to_come(tmp_path):
    body = LEEDS.replace("meeting:\n  when: 2026-12-08 10:00\n  where: their Leeds office\n"
                         "  with: [Ruth Adeyemi, Dan Price]\n  ours: [Tom Hale, Sara Mills]\n",
                         "approaches:\n  - date: 2026-11-16\n    channel: email\n"
                         "    to: Ruth Adeyemi\n")
    body = body[:body.index("## Meetings")]
    out = built(project_with(tmp_path, {"leeds": body}), dt.date(2026, 12, 2), pdf=False)
    before = page(out, "leeds")
    assert "The next tactful try was due around 30 Nov 2026: try again now." in before
    assert "Next tactful try around 30 Nov" not in before
    assert "Waiting for an answer" in text((out / "index.html").read_text())
    assert "The next try was due 30 Nov 2026" in text((out / "index.html").read_text())


# --- winback debrief --------------------------------------------------------------------

BOOKED = LEEDS[:LEEDS.index("## Meetings")]


def test_debrief_appends_only_and_is_idempotent(tmp_path):
    root = project_with(tmp_path, {"leeds": BOOKED})
    path = root / "content" / "accounts" / "leeds.md"
    before = path.read_text(encoding="utf-8")
    result = run_cli(root, "debrief", "leeds", "--today", "2026-12-08")
    assert result.exit_code == 0, result.output
    assert f"Recorded the meeting of Tue 8 Dec 2026, 10:00 at {path}:" in result.stdout or \
        "Recorded the meeting of Tue 8 Dec 2026, 10:00 at" in result.stdout
    after = path.read_text(encoding="utf-8")
    diff = [line for line in difflib.unified_diff(before.splitlines(), after.splitlines(),
                                                  lineterm="", n=0)
            if line[:1] in "+-" and not line.startswith(("+++", "---"))]
    assert diff and all(line.startswith("+") for line in diff), diff
    assert "+## Meetings" in diff
    assert "+- 2026-12-08 10:00: Met Ruth Adeyemi and Dan Price at their Leeds office." in diff
    assert {"+  - heard:", "+  - needs:", "+  - outcome:", "+  - next:"} <= set(diff)
    assert any("What happened, from your side?" in line for line in diff)  # page one's
    again = run_cli(root, "debrief", "leeds", "--today", "2026-12-08")
    assert again.exit_code == 0 and "is recorded already" in again.stdout
    assert path.read_text(encoding="utf-8") == after
    check = run_cli(root, "check")
    assert check.exit_code == 0, check.stderr
    assert "the meeting of 8 Dec 2026 has no outcome yet" in check.stderr


def test_debrief_keeps_line_endings_and_adds_to_an_existing_section(tmp_path):
    body = LEEDS.replace("2026-12-08 10:00: Met", "2026-09-01 10:00: Met").replace(
        "\n", "\r\n")
    root = project_with(tmp_path, {})
    path = root / "content" / "accounts" / "leeds.md"
    path.parent.mkdir(parents=True)
    path.write_bytes(body.encode("utf-8"))
    before = path.read_bytes()
    result = run_cli(root, "debrief", "leeds", "--today", "2026-12-08")
    assert result.exit_code == 0, result.output
    after = path.read_bytes()
    assert after.startswith(before.rstrip(b"\r\n")) and b"\n" not in after.replace(b"\r\n", b"")
    assert after.count(b"## Meetings") == 1
    assert b"- 2026-12-08 10:00: Met Ruth" in after


def test_debrief_of_an_unbooked_call_names_who_was_there(tmp_path):
    root = project_with(tmp_path, {"brook": WON_BACK})
    result = run_cli(root, "debrief", "brook", "--when", "2026-06-02 09:30", "--with",
                     "Ana Lee", "--ours", "Sara Mills")
    assert result.exit_code == 0, result.output
    text_now = (root / "content" / "accounts" / "brook.md").read_text()
    assert "- 2026-06-02 09:30: Met Ana Lee.\n  - with: Ana Lee\n  - ours: Sara Mills\n" in text_now


def test_debrief_refuses_a_file_with_an_error_and_writes_nothing(tmp_path):
    root = project_with(tmp_path, {"leeds": BOOKED.replace("status: lost", "status: lsot")})
    path = root / "content" / "accounts" / "leeds.md"
    before = path.read_bytes()
    result = run_cli(root, "debrief", "leeds")
    assert result.exit_code == 1
    assert "leeds.md:3:9: status: the file has an error, so nothing is added" in result.stderr
    assert path.read_bytes() == before
    assert list(path.parent.iterdir()) == [path]  # no temporary file left


@pytest.mark.parametrize(("line", "where", "message"), [
    ("  - outcome: maybe", "76:14",
     "outcome: 'maybe' is not one of accepted, review, refused, undecided"),
    ("  - next: 2027-13-01", "76:11", "next: '2027-13-01' is not a date"),
])
def test_a_malformed_record_is_located_at_its_line_and_column(tmp_path, line, where, message):
    body = LEEDS.replace("  - outcome: review\n  - next: 2027-04-13 10:00\n", line + "\n")
    root = project_with(tmp_path, {"leeds": body})
    assert body.split("\n")[75] == line
    result = run_cli(root, "check")
    assert result.exit_code == 1
    assert f"leeds.md:{where}: Meetings: {message}" in result.stderr


def test_a_time_that_is_not_one_is_located(tmp_path):
    body = LEEDS.replace("- 2026-12-08 10:00: Met", "- 2026-12-08 25:00: Met")
    result = run_cli(project_with(tmp_path, {"leeds": body}), "check")
    assert result.exit_code == 1
    assert "leeds.md:71:14: Meetings: '25:00' is not a time of day" in result.stderr
