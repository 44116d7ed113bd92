"""The brief read as its reader would: one kit per status, spoken lines apart from our
notes, in the HTML and in the printed PDF."""

from __future__ import annotations

import html
import re
import subprocess
from pathlib import Path

import pytest
from conftest import TODAY, write

from generator.commands.build import BuildOptions, build
from generator.project import open_project

# One account, four situations: the facts stay, the status decides the meeting.
COMMON = """\
name: Leeds Lab Supplies
owner: Sara Mills
value: 480000
signed: 2019-03-01
competitor: Northlab Direct
interviewer: Tom Hale
sponsor:
  name: Jane Cole
  title: Sales Director
people:
  - name: Ruth Adeyemi
    title: Purchasing Director
    role: decision-maker
    cares_about: [fill rate above 98 percent, one monthly invoice]
    notes: Wants the numbers first; dislikes slides.
  - name: Dan Price
    title: Buyer
    role: champion
    left: 2026-06-15
meeting:
  when: 2026-12-08 10:00
  where: Their office, Leeds
  with: [Ruth Adeyemi]
  ours: [Tom Hale, Sara Mills]
follow_ups:
  - due: 2026-11-20 16:00
    channel: email
    what: Send Ruth the stock report
  - due: 2026-12-09 16:00
    channel: email
    what: Written summary and a thank-you note to Ruth
    letters: [summary, thank-you]
if_no:
  offer: [Small-volume consumables only]
"""
BODY = """
## Wins
- 2021-01-11: Kept every lab stocked through the January shortage. !recall
- 2024-05-02: Fill rate of 99.1 percent for the year.

## Complaints
- [ ] 2026-05-12: Ruth's team logged six weeks of backorders on pipette tips.
  - by: Ruth Adeyemi
- [ ] 2026-06-30: Calls unanswered after the rep change.

## What we changed
- [x] 2026-09-01: Named account manager with a weekly stock review.
  - answers: 2026-06-30
  - evidence: the review template
- [ ] 2027-01-15: Automatic escalation of old backorders. !essential

## Notes for the meeting
- Do not bring up Northlab Direct's delivery problems.
"""
STATUSES = {
    "lost": "status: lost\nlost: 2026-09-30\nloss_reasons: [service-failure, champion-left]\n",
    "at-risk": "status: at-risk\nloss_reasons: [service-failure]\n",
    "won-back": "status: won-back\nlost: 2025-03-31\nwon_back: 2026-02-01\n"
                "loss_reasons: [service-failure]\n",
    "active": "status: active\n",
}
# Words that belong to one kit and must never reach another status's brief.
KIT_WORDS = {
    "lost": ("Win-back meeting", "right choice for you", "accept their decision",
             "you worked with us"),
    "at-risk": ("Retention review", "What would make you confident to stay with us?",
                "what would make them stay"),
    "won-back": ("Stay-close review", "What is not going as we promised?", "came back",
                 "our next check-in"),
    "active": ("Account review", "How are we doing for you?"),
}
NEVER = ("Is that still a problem", "who now owns this decision", "you care about")


@pytest.fixture(scope="module")
def briefs(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("briefs")
    for status, facts in STATUSES.items():
        write(root / "content" / "accounts" / f"{status}.md", f"---\n{COMMON}{facts}---\n{BODY}")
    report = build(open_project(root), BuildOptions(today=TODAY, jobs=2))
    assert report.ok, [p.headline() for p in report.problems]
    return root / "output" / "accounts"


BLOCK = re.compile(r"</?(?:p|li|ul|ol|h\d|td|th|tr|div|section|header|br|dl|dt|dd)\b[^>]*>")


def text(page: str) -> str:
    """A page's words as a reader sees them: blocks apart, inline tags gone."""
    words = re.sub(r"<[^>]+>", "", BLOCK.sub(" ", page))
    return re.sub(r"\s+", " ", html.unescape(words))


def pdf_text(path: Path) -> str:
    return re.sub(r"\s+", " ", subprocess.run(["pdftotext", str(path), "-"], check=True,
                                              capture_output=True, text=True).stdout)


def everything(briefs: Path, status: str) -> str:
    """The dossier and letters pages and both PDFs, as text."""
    return " ".join([text((briefs / f"{status}.html").read_text()),
                     text((briefs / f"{status}-letters.html").read_text()),
                     pdf_text(briefs / f"{status}.pdf"),
                     pdf_text(briefs / f"{status}-letters.pdf")])


@pytest.mark.parametrize("status", STATUSES)
def test_each_status_gets_its_kit_and_no_other(briefs, status):
    words = everything(briefs, status)
    for phrase in KIT_WORDS[status]:
        assert phrase in words, (status, phrase)
    for other, phrases in KIT_WORDS.items():
        for phrase in phrases if other != status else ():
            assert phrase not in words, (status, "has", other, phrase)
    for phrase in NEVER:
        assert phrase not in words


def spoken(page: str) -> list[str]:
    """Every line the brief gives to be said aloud: the script and page one's questions."""
    lines = re.findall(r'<p class="say">(.*?)</p>', page)
    key = re.search(r'<ul class="key-questions">(.*?)</ul>', page, re.S)
    lines += re.findall(r"<li>(.*?)</li>", key.group(1)) if key else []
    return [text(line) for line in lines]


@pytest.mark.parametrize("status", STATUSES)
def test_no_account_note_is_read_aloud(briefs, status):
    page = (briefs / f"{status}.html").read_text()
    said = spoken(page)
    assert len(said) >= 10
    notes = ["six weeks of backorders", "Calls unanswered", "fill rate above 98",
             "one monthly invoice", "Wants the numbers first", "weekly stock review",
             "Automatic escalation", "January shortage", "Northlab Direct's delivery"]
    for line in said:
        for note in notes:
            assert note not in line, (status, line)
    # ...but each stands beside its question, for the interviewer.
    mine = " ".join(text(c) for c in re.findall(r'<p class="for-you">(.*?)</p>', page))
    assert "12 May 2026, Ruth Adeyemi: Ruth's team logged six weeks of backorders" in mine
    assert "cares about: fill rate above 98 percent; one monthly invoice." in mine


def test_listen_only_meeting_while_an_essential_fix_is_open(briefs):
    page = text((briefs / "lost.html").read_text())
    assert "Listen-only meeting. Do not ask for the business before 15 Jan 2027." in page
    assert "Do not promise yet: Automatic escalation of old backorders (due 15 Jan 2027)." in page
    assert ("“Would you be open to a short review after 15 January, so you can judge the "
            "changes for yourself?”") in page
    assert "Would you be open to a small start" not in page
    assert "Tom Hale leads the questions (no part in the account). Sara Mills (owner) listens" in page
    assert "Do not bring up Northlab Direct's delivery problems." in page
    clear = page[page.index("Clear these first"):page.index("Notes for the meeting")]
    assert "Overdue Send Ruth the stock report" in clear


def test_a_past_decision_maker_is_not_asked_who_decides(briefs):
    page = text((briefs / "lost.html").read_text())
    assert "Ruth Adeyemi decides now: do not ask who owns the decision." in page
    assert "Dan Price (Buyer, champion) left on 15 Jun 2026." in page


def test_what_we_changed_follows_the_listening(briefs):
    page = (briefs / "lost.html").read_text()
    order = [page.index(f'id="script-{key}"') for key in (
        "open_complaints", "hard_questions", "closing", "after_listening", "not_yet", "the_ask")]
    assert order == sorted(order)
    part = text(page[order[3]:order[4]])
    assert "Answers: the complaint of 30 Jun 2026." in part and "Bring: the review template" in part


def test_commitment_and_if_they_say_no_are_filled_in(briefs):
    page = text((briefs / "lost.html").read_text())
    assert ("Written summary and a thank-you note to Ruth. By email, Wed 9 Dec 2026, 16:00; "
            "aim for Tue 8 Dec 2026, 14:00.") in page
    assert ("Bring in someone senior: ask Jane Cole (Sales Director), who has had no part in "
            "it yet, to call Ruth Adeyemi.") in page
    assert "Ask for something small: Small-volume consumables only." in page
    assert "Approach again around 7 Apr 2027" in page  # 120 days after the meeting
    assert "Leave gracefully:" in page


@pytest.mark.parametrize("status", STATUSES)
def test_letters_leave_the_brief_and_wait_for_the_meeting(briefs, status):
    assert "Write it by hand on a card" not in pdf_text(briefs / f"{status}.pdf")
    letters = pdf_text(briefs / f"{status}-letters.pdf")
    # Before the meeting, the note and the summary wait for what is heard in it.
    assert (f"Thank-you note: To draft after the meeting: run `winback debrief {status}`"
            in letters)
    assert "Meeting request: not needed, the meeting is booked." in letters
    assert "6 years" not in letters and "years 8 months" not in letters
