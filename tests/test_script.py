"""A script true to the file: it asks only what the state allows, fits the cause, asks
one question per purpose, speaks to the room, and every fact it prints is the file's."""

from __future__ import annotations

import datetime as dt
import itertools
import re

import pytest
from conftest import TODAY, front, run_cli, write
from test_brief import pdf_text, text

from generator.commands.build import BuildOptions, build
from generator.derive import BuildDate, derive
from generator.project import open_project
from generator.render import in_words
from generator.text import months_in_words

STATUS_FACTS = {
    "lost": "status: lost\nlost: 2026-09-30\nloss_reasons: [service-failure]\n",
    "at-risk": "status: at-risk\nloss_reasons: [service-failure]\n",
    "won-back": "status: won-back\nlost: 2025-03-31\nwon_back: 2026-02-01\n"
                "loss_reasons: [service-failure]\n",
    "active": "status: active\n",
}
READINESS = {
    "ready": "## What we changed\n- [x] 2026-10-01: Named account manager. !essential\n",
    "not-ready": "## What we changed\n- [x] 2026-10-01: Named account manager. !essential\n"
                 "- [ ] 2027-01-15: Automatic escalation of backorders. !essential\n",
    "unknown": "",
}
MEETING = ("meeting:\n  when: 2026-12-08 10:00\n  with: [Ruth Adeyemi]\n"
           "  ours: [Tom Hale, Sara Mills]\n")
BASE = ("name: Leeds Lab Supplies\nowner: Sara Mills\nsigned: 2019-03-01\n"
        "interviewer: Tom Hale\npeople:\n  - name: Ruth Adeyemi\n    role: decision-maker\n"
        "    cares_about: [fill rate]\n")
# What asks for the business, a second chance, or speaks of fixes: only once ready.
ASKS = ("small start", "a trial", "single order", "renew", "second chance", "way back in")
FIX_TALK = ("fixes", "what we are fixing", "finish these", "the changes in practice",
            "judge the changes")


def dossier(project_dir, text_, slug="acme", today=TODAY):
    path = write(project_dir / "content" / "accounts" / f"{slug}.md", text_)
    from generator.validate import read_account

    project = open_project(project_dir)
    account, log = read_account(path, project.config)
    assert account is not None, [p.headline() for p in log.problems]
    return derive(account, project.config, project.bank, BuildDate(today, True))


def spoken(d) -> list[str]:
    lines = [line.say for part in d.script.parts if part.kind != "rule"
             for line in part.lines if line.say]
    return lines + list(d.script.exit_lines)


@pytest.mark.parametrize(("status", "readiness", "booked"), list(itertools.product(
    STATUS_FACTS, READINESS, (True, False))))
def test_no_line_asks_or_speaks_of_fixes_beyond_what_the_state_allows(
        project_dir, status, readiness, booked):
    d = dossier(project_dir, front(BASE + STATUS_FACTS[status] + (MEETING if booked else ""),
                                   READINESS[readiness]))
    said = " ".join(spoken(d)).lower()
    allowed = d.readiness.may_ask
    assert allowed == (status in ("won-back", "active") or readiness == "ready")
    if not allowed:
        for words in ASKS:
            assert words not in said, (status, readiness, booked, words)
    if readiness == "unknown":
        for words in FIX_TALK:
            assert words not in said, (status, readiness, booked, words)
    if status == "lost" and readiness == "ready":
        assert "small start" in said
    # the same rule on page one, and the same whether or not a meeting is booked
    ask = d.script.part("the_ask")
    assert ask is not None and ask.lines[0].number


@pytest.mark.parametrize("reasons", ["[relocated]", "[market-conditions]", "[changed-needs]",
                                     "[champion-left]", "[relocated, champion-left]"])
def test_no_fault_is_assumed_where_the_cause_is_outside_what_we_did(tmp_path, reasons):
    body = front(BASE + f"status: lost\nlost: 2026-05-31\nloss_reasons: {reasons}\n")
    write(tmp_path / "content" / "accounts" / "moved.md", body)
    report = build(open_project(tmp_path), BuildOptions(today=TODAY, pdf=False))
    assert report.ok
    words = " ".join(text((tmp_path / "output" / "accounts" / f"moved{kind}.html").read_text())
                     for kind in ("", "-letters")).lower()
    for fault in ("letting you down", "fell short", "what went wrong", "not been good enough",
                  "made the difference", "where we", "failures"):
        assert fault not in words, (reasons, fault)
    assert "what would make us useful to you again" in words


def test_an_open_complaint_about_us_is_a_recorded_failure(project_dir):
    d = dossier(project_dir, front(BASE + "status: lost\nlost: 2026-05-31\n"
                                          "loss_reasons: [relocated]\n",
                                   "## Complaints\n- [ ] 2026-04-01: Two late deliveries.\n"))
    assert d.our_failure
    assert "We are here to understand what went wrong, in your words." in " ".join(spoken(d))


RICH = """\
name: Calloway Foodservice
status: lost
owner: Dana Whitfield
signed: 2013-05-01
lost: 2026-09-30
competitor: Ridgeline Cold Chain
loss_reasons: [service-failure, new-decision-maker, competitor, price, delivery]
interviewer: Samuel Okafor
people:
  - name: Alicia Moreno
    title: SVP Supply Chain
    role: decision-maker
    cares_about: [On-time-in-full at the restaurant door]
  - name: Teresa Vo
    title: Transportation Manager
    role: influencer
    cares_about: [Fewer late-night escalations]
  - name: Andre Whitaker
    title: Plant Manager
    role: influencer
    cares_about: [OEE from 71 to 78 percent]
    ask: Where does the OEE programme stand, and where could a supplier help?
meeting:
  when: 2026-12-08 14:00
  with: [Alicia Moreno, Teresa Vo, Andre Whitaker]
  ours: [Samuel Okafor, Dana Whitfield]
follow_ups:
  - due: 2026-12-09 16:00
    channel: email
    what: Written summary of the meeting
    letters: [summary]
  - due: 2026-12-08 17:00
    channel: other
    what: Send the lane data
  - due: 2026-12-14 11:30
    channel: in-person
    what: Bring the telemetry tablet
"""
RICH_BODY = """
## Complaints
- [ ] 2026-06-19: Late deliveries on the evening routes.
- [ ] 2026-07-08: Temperature excursion; a load was rejected.
- [ ] 2026-07-29: A second rejected load.
- [ ] 2026-08-26: The recovery plan described intentions, not evidence.
- [x] 2012-08-14 (Desert Express): Lost two reefer loads.
- [x] 2013-01-10 (Desert Express): No trailer tracking.
- [x] 2019-01-22: Fuel surcharge invoices used the wrong week.

## What we changed
- [x] 2026-08-25: Replaced the oldest reefer units. !essential
"""


@pytest.fixture
def rich(project_dir):
    return dossier(project_dir, front(RICH, RICH_BODY))


def test_one_question_per_purpose_and_at_most_twelve_numbered(rich):
    asked = [line for part in rich.script.parts for line in part.lines
             if part.kind in ("ask", "more") and line.say]
    purposes = [line.purpose for line in asked if line.purpose]
    assert len(purposes) == len(set(purposes)), purposes
    numbered = rich.script.questions
    assert 1 <= len(numbered) <= 12 == rich.script.numbered_limit
    assert [line.number for line in numbered] == list(range(1, len(numbered) + 1))
    said = [line.say for line in asked]
    # Why they chose the competitor, asked once; so is what they want now.
    decided = [s for s in said if "right choice" in s or "what decided it" in s.lower()
               or "have that ours did not" in s]
    assert len(decided) == 1, decided
    # Each complaint covers what it cost them: no separate cost question.
    assert not any("what did each one cost you" in s for s in said)
    extra = rich.script.part("time_allows")
    assert extra is not None and all(not line.number for line in extra.lines)


def test_every_attendee_with_interests_has_a_line_or_a_note(rich):
    part = rich.script.part("cares_about")
    context = " ".join(c for line in part.lines for c in line.context) + " ".join(
        c for p in rich.script.parts for line in p.lines for c in line.context)
    for name in ("Alicia Moreno", "Teresa Vo", "Andre Whitaker"):
        assert f"{name} (" in context and "cares about" in context, name
    said = [line.say for p in rich.script.parts for line in p.lines]
    assert "Where does the OEE programme stand, and where could a supplier help?" in said


def test_no_question_about_colleagues_with_them_in_the_room(rich, project_dir):
    said = " ".join(spoken(rich))
    assert "What did you hear about us when you arrived" not in said
    alone = dossier(project_dir, front(RICH.replace(
        "  with: [Alicia Moreno, Teresa Vo, Andre Whitaker]", "  with: [Alicia Moreno]"),
        RICH_BODY), slug="alone")
    everything = [line.say for p in alone.script.parts for line in p.lines]
    assert "What did you hear about us when you arrived, and from whom?" in everything


def test_every_aim_is_after_the_meeting_it_follows_and_keeps_its_minutes(rich):
    start, end = dt.datetime(2026, 12, 8, 14), dt.datetime(2026, 12, 8, 15)
    aims = {c.what: c.aim for c in rich.commitments}
    assert aims["Written summary of the meeting"] > end
    assert aims["Written summary of the meeting"] == dt.datetime(2026, 12, 8, 16, 0)
    assert aims["Send the lane data"] == dt.datetime(2026, 12, 8, 16, 0)  # an hour after it
    assert aims["Bring the telemetry tablet"] == dt.datetime(2026, 12, 11, 9, 30)
    for commitment in rich.commitments:
        due = commitment.due if isinstance(commitment.due, dt.datetime) else None
        if commitment.aim and due and due > start:
            assert commitment.aim > end, commitment


def test_channel_words_read_as_english(tmp_path):
    write(tmp_path / "content" / "accounts" / "rich.md", front(RICH, RICH_BODY))
    build(open_project(tmp_path), BuildOptions(today=TODAY, pdf=False))
    page = text((tmp_path / "output" / "accounts" / "rich.html").read_text())
    assert "By other" not in page and "By in-person" not in page and "by in-person" not in page
    assert "In person, Mon 14 Dec 2026, 11:30" in page


@pytest.mark.parametrize(("months", "words"), [
    (0, "a few weeks"), (1, "a month"), (11, "eleven months"), (12, "a year"),
    (13, "thirteen months"), (23, "twenty-three months"), (24, "two years"),
    (160, "thirteen years")])
def test_periods_read_well_in_words(months, words):
    expected = words.replace("twenty-three", "23")  # past twenty, digits
    assert months_in_words(months) == expected
    assert months_in_words(1, the=True) == "the month"
    assert months_in_words(12, the=True) == "the year"


def test_a_one_year_client_is_thanked_for_the_year(project_dir):
    d = dossier(project_dir, front("name: Marlow Architects\nstatus: lost\nsigned: 2025-03-03\n"
                                   "lost: 2026-03-31\nloss_reasons: [relocated]\n"))
    assert in_words(d.tenure, the=True) == "the year"
    assert "Thank you for meeting us, and for the year you worked with us." in spoken(d)
    d = dossier(project_dir, front("name: Marlow Architects\nstatus: lost\nsigned: 2025-03-03\n"
                                   "lost: 2026-05-31\nloss_reasons: [relocated]\n"), "fourteen")
    assert "Thank you for meeting us, and for the fourteen months you worked with us." in spoken(d)


def test_won_back_tenure_leaves_out_the_time_away(project_dir):
    d = dossier(project_dir, front(BASE + STATUS_FACTS["won-back"]))
    # 2019-03 to 2025-03 with us (72 months), away to 2026-02, back to 2026-11 (9 months)
    assert d.tenure.total_months == 72 + 9


def test_an_interviewer_who_met_them_before_has_a_part_in_the_account(project_dir):
    d = dossier(project_dir, front(BASE + STATUS_FACTS["lost"] + MEETING,
                                   "## History\n- 2025-05-14: Tom Hale interviewed Ruth.\n"))
    assert not d.meeting_plan.independent_lead
    assert d.meeting_plan.lead_met_them == "named in the history on 14 May 2025"


def test_the_senior_person_to_bring_in_was_not_in_the_meeting(project_dir):
    write(project_dir / "winback.yaml", "team:\n  - name: Jane Cole\n    title: Sales Director\n"
          "  - name: Gwen Hollister\n    title: VP\n")
    text_ = front(BASE + STATUS_FACTS["lost"] + "sponsor:\n  name: Gwen Hollister\n"
                  + MEETING.replace("[Tom Hale, Sara Mills]", "[Tom Hale, Gwen Hollister]"))
    d = dossier(project_dir, text_)
    assert d.if_no.escalate_to.name == "Jane Cole"


def test_page_one_of_a_won_back_client_never_asks_for_a_meeting_in_writing(tmp_path):
    write(tmp_path / "content" / "accounts" / "back.md", front(BASE + STATUS_FACTS["won-back"]))
    build(open_project(tmp_path), BuildOptions(today=TODAY, pdf=False))
    page = (tmp_path / "output" / "accounts" / "back.html").read_text()
    before = text(re.search(r'<section id="before".*?</section>', page, re.S).group(0))
    assert "ask in writing" not in before.lower()
    assert "Book the next check-in" in before


@pytest.fixture(scope="module")
def rich_pdf(tmp_path_factory):
    root = tmp_path_factory.mktemp("rich")
    write(root / "content" / "accounts" / "rich.md", front(
        RICH + "contract_end: 2026-12-31\nextra_mile: [Bring Alicia the Q3 figures "
        "laid out like her board pack]\n",
        RICH_BODY + "\n## History\n- 2026-12-19: RFP responses due. !deadline\n"
                    "- 2027-06-01: Too far off to matter now. !deadline\n"))
    report = build(open_project(root), BuildOptions(today=TODAY, jobs=1))
    assert report.ok, [p.headline() for p in report.problems]
    return root / "output" / "accounts"


def test_other_suppliers_complaints_always_print_and_only_ours_fold(rich_pdf):
    printed = pdf_text(rich_pdf / "rich.pdf")
    assert "Lost two reefer loads." in printed and "No trailer tracking." in printed
    assert "Fuel surcharge invoices" not in printed
    assert "1 older resolved complaint about us (2019) in the web dossier." in printed


def test_deadlines_near_enough_and_the_extra_mile_reach_page_one(rich_pdf):
    page_one = re.split(r"Page 1 of \d+", pdf_text(rich_pdf / "rich.pdf"))[0]
    assert "Dates that decide" in page_one
    assert "19 Dec 2026 (in 23 days): RFP responses due." in page_one
    assert "31 Dec 2026 (in 35 days): Contract ends or renews." in page_one
    assert "Too far off" not in page_one
    assert "The extra mile: Bring Alicia the Q3 figures laid out like her board pack." in page_one


def test_prompts_are_sentences_not_file_syntax(tmp_path):
    write(tmp_path / "content" / "accounts" / "bare.md", front(
        "name: Bare\nstatus: lost\nlost: 2026-10-31\n"))
    result = run_cli(tmp_path, "build", "--no-pdf", "--today", TODAY.isoformat())
    assert result.exit_code == 0
    for kind in ("", "-letters", "-plan"):
        page = (tmp_path / "output" / "accounts" / f"bare{kind}.html").read_text()
        assert not re.search(r"\{\w+: \[", page), kind
        assert "[...]" not in text(page), kind


def test_a_bank_question_that_echoes_the_files_own_line_is_not_asked(project_dir):
    d = dossier(project_dir, front(BASE + "status: lost\nlost: 2026-04-30\n"
                                          "loss_reasons: [billing-error]\n", """
## Complaints
- [ ] 2026-02-10: Invoices for the wrong sites, three months running.
  - ask: What would a monthly invoice look like that your team never has to check or chase?
"""))
    said = [line.say for p in d.script.parts for line in p.lines if line.say]
    own = "What would a monthly invoice look like that your team never has to check or chase?"
    assert own in said
    assert "What would an invoice you never have to check look like to you?" not in said
    # ...while the questions that ask something else are still asked.
    assert "What happened, from your side?" in said
