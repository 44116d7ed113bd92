"""The tailored meeting script, the question bank and a project's changes to it."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from conftest import FULL_ACCOUNT, MINIMAL_ACCOUNT, TODAY, front, write

from generator.bank import fill
from generator.cli import main
from generator.derive import BuildDate, derive
from generator.project import open_project


def dossier_of(problems_of, project_dir, text, slug="acme"):
    account, problems = problems_of(text, slug)
    assert account is not None, problems
    project = open_project(project_dir)
    assert project.ok, project.problems
    return derive(account, project.config, project.bank, BuildDate(TODAY, True))


def script_of(problems_of, project_dir, text, slug="acme"):
    return dossier_of(problems_of, project_dir, text, slug).script


def said(script) -> dict[str, tuple[str, ...]]:
    """What is said aloud in each part."""
    return {part.key: tuple(line.say for line in part.lines if line.say) for part in script.parts}


def notes(script) -> dict[str, tuple[str, ...]]:
    """What each part gives the interviewer only."""
    return {part.key: tuple(c for line in part.lines for c in line.context)
            for part in script.parts}


def test_full_account_script_asks_from_the_bank_and_keeps_notes_beside(problems_of, project_dir):
    script = script_of(problems_of, project_dir, FULL_ACCOUNT)
    spoken, context = said(script), notes(script)
    assert spoken["open_complaints"] == ("Take me back to June. What was it like on your side?",)
    assert context["open_complaints"] == (
        "1 Jun 2026: Late deliveries three weeks running on the Denver lane.",)
    # The question about the open complaint covers what it cost them: the reason's own
    # cost question is not asked again.
    assert spoken["reason:service-failure"] == (
        "When something went wrong, how quickly did you hear from us, and from whom?",)
    # Why they chose Harbor Logistics is asked once, in the competitor's own words.
    assert spoken["competitor"] == ("What made Harbor Logistics the right choice for you?",)
    assert "In the end, what decided it?" not in spoken["hard_questions"]
    # What matters to them now is asked once, by the new decision maker's question, and
    # what Priya cares about stands beside it as a topic, not quoted grammar.
    assert spoken["reason:new-decision-maker"][0] == (
        "What do you look for in a supplier, in your own words?")
    assert "cares_about" not in spoken
    assert context["reason:new-decision-maker"] == (
        "Priya Natarajan (VP Operations, decision maker) cares about: on-time rate; one "
        "dashboard for all carriers.",)
    # Priya decides now: nobody is asked who owns the decision.
    assert "people_left" not in spoken or not spoken["people_left"]
    assert script.part("people_left").caution == (
        "Priya Natarajan decides now: do not ask who owns the decision.")
    assert context["wins"] == ("2 Nov 2019: Cleared a 300-pallet peak-season backlog in 48 hours.",)
    assert [(s.title, s.minutes, f"{s.start:%H:%M}") for s in script.agenda] == [
        ("Opening", 5, "10:00"), ("Questions, then listen", 40, "10:05"),
        ("Summarise back what you heard", 10, "10:45"), ("Before you leave", 5, "10:55")]


def test_questions_are_numbered_across_parts_and_five_are_picked(problems_of, project_dir):
    script = script_of(problems_of, project_dir, FULL_ACCOUNT)
    numbers = [line.number for part in script.parts for line in part.lines if line.number]
    assert numbers == list(range(1, len(numbers) + 1))
    key = script.key_questions
    assert len(key) == 5 and [q.number for q in key] == sorted(q.number for q in key)
    assert key[0].say == "Take me back to June. What was it like on your side?"
    assert "What happened, from your side?" in [q.say for q in key]
    # An essential fix is open and the meeting is booked: the ask is a review date.
    assert key[-1].say == ("Would you be open to a short review once our changes are in place, "
                           "so you can judge the changes for yourself?")


def test_a_decision_owner_question_only_when_nobody_decides_now(problems_of, project_dir):
    script = script_of(problems_of, project_dir, front("""
        name: Acme
        status: lost
        lost: 2026-01-01
        people:
          - name: Tom Ellis
            role: champion
            left: 2026-03-01
    """))
    assert said(script)["people_left"] == (
        "Since Tom Ellis moved on, who makes this decision, and what matters most to them?",)
    assert notes(script)["people_left"] == ("Tom Ellis (champion) left on 1 Mar 2026.",)


def test_a_complaint_can_carry_the_line_to_say_and_who_raised_it(problems_of, project_dir):
    script = script_of(problems_of, project_dir, front("""
        name: Acme
        status: lost
        lost: 2026-10-01
    """, """
        ## Complaints
        - [ ] 2026-06-01: Ruth's team logged six weeks of backorders on pipette tips.
          - by: Ruth Adeyemi
          - ask: Looking back at the spring, what was it like when orders came in short?
        - [ ] 2026-07-01 (OtherCo): Their courier lost two boxes.
    """))
    part = script.part("open_complaints")
    assert [line.say for line in part.lines] == [
        "Looking back at the spring, what was it like when orders came in short?", ""]
    assert part.lines[0].context == (
        "1 Jun 2026, Ruth Adeyemi: Ruth's team logged six weeks of backorders on pipette tips.",)
    assert part.lines[1].caution == "About OtherCo: let them bring it up, and never criticise."
    assert part.caution == "Listen. Do not explain or defend."


def test_changes_are_said_after_listening_with_what_they_answer(problems_of, project_dir):
    script = script_of(problems_of, project_dir, front("""
        name: Acme
        status: lost
        lost: 2026-10-01
        loss_reasons: [service-failure]
    """, """
        ## Complaints
        - [ ] 2026-06-30: Calls unanswered after the rep change.

        ## What we changed
        - [x] 2026-09-01: Named account manager with a weekly stock review.
          - answers: 2026-06-30, service-failure
          - evidence: the review template
          - say: Since then every account has a named manager and a weekly stock review.
        - [ ] 2027-01-15: Automatic escalation of old backorders. !essential
    """))
    keys = [part.key for part in script.parts]
    assert keys.index("after_listening") > keys.index("closing") > keys.index("open_complaints")
    line = script.part("after_listening").lines[1]
    assert line.say == "Since then every account has a named manager and a weekly stock review."
    assert line.context == ("1 Sep 2026: Named account manager with a weekly stock review.",
                            "Answers: the complaint of 30 Jun 2026; Service failure.",
                            "Bring: the review template")
    assert notes(script)["not_yet"] == ("Automatic escalation of old backorders. (due 15 Jan 2027)",)
    # Not ready, and no meeting booked: still no ask for the business, a review date only.
    assert said(script)["the_ask"] == (
        "Would you be open to a short review after 15 January, so you can judge the changes "
        "for yourself?",)


def test_each_status_gets_its_own_kit(problems_of, project_dir):
    kits = {
        "lost": "status: lost\nlost: 2026-09-30\nloss_reasons: [service-failure]",
        "at-risk": "status: at-risk\nloss_reasons: [service-failure]",
        "won-back": "status: won-back\nlost: 2025-03-31\nwon_back: 2026-02-01\n"
                    "loss_reasons: [service-failure]",
        "active": "status: active",
    }
    spoken = {}
    # The commitments kept are asked about only where the file records them.
    changes = "\n## What we changed\n- [x] 2026-02-01: Weekly stock review.\n"
    for status, lines in kits.items():
        script = script_of(problems_of, project_dir,
                           f"---\nname: Acme\ncompetitor: OtherCo\n{lines}\n---\n{changes}",
                           slug=status)
        spoken[status] = " ".join(s for part in said(script).values() for s in part)
    assert "What made OtherCo the right choice" in spoken["lost"]
    for status in ("at-risk", "won-back", "active"):
        assert "new supplier" not in spoken[status] and "right choice" not in spoken[status]
    assert "What would make you confident to stay with us?" in spoken["at-risk"]
    assert "What is not going as we promised?" in spoken["won-back"]
    assert "When you came back in February" in spoken["won-back"]
    assert "How are we doing for you?" in spoken["active"]
    assert "came back" not in spoken["lost"] + spoken["at-risk"] + spoken["active"]


def test_minimal_account_gets_the_generic_script(problems_of, project_dir):
    script = script_of(problems_of, project_dir, MINIMAL_ACCOUNT)
    assert [p.key for p in script.parts] == [
        "listening_rules", "never", "opening", "hard_questions", "cares_about", "closing",
        "the_ask"]
    assert all(slot.start is None for slot in script.agenda)


def test_script_is_deterministic(problems_of, project_dir):
    assert script_of(problems_of, project_dir, FULL_ACCOUNT) == script_of(
        problems_of, project_dir, FULL_ACCOUNT, "other")


def test_reason_without_bank_and_no_competitor(problems_of, project_dir):
    write(project_dir / "winback.yaml", "loss_reasons:\n  regulation: Regulatory change\n")
    script = script_of(problems_of, project_dir, front("""
        name: Acme
        status: lost
        lost: 2026-01-01
        loss_reasons: [regulation, price]
    """))
    keys = [p.key for p in script.parts]
    assert "reason:price" in keys and "reason:regulation" not in keys and "competitor" not in keys


def test_project_adds_and_replaces_parts_per_status(problems_of, project_dir):
    write(project_dir / "winback.yaml", "loss_reasons:\n  regulation: Regulatory change\n")
    write(project_dir / "content" / "questions.yaml", """\
        add:
          never: ["Talk about the weather."]
          statuses:
            lost:
              hard_questions: ["What would you tell a friend about us?"]
              by_reason:
                regulation: ["Which rule changed, and when?"]
                price: ["What budget do you have for this next year?"]
        replace:
          statuses:
            lost:
              opening: [Thank you.]
              open_complaint: ["What happened in {month}?"]
          agenda:
            meeting_minutes: 30
    """)
    script = script_of(problems_of, project_dir, front("""
        name: Acme
        status: lost
        lost: 2026-01-01
        loss_reasons: [regulation, price]
        meeting:
          when: 2026-12-01 09:00
    """, """
        ## Complaints
        - [ ] 2026-01-02: Late.
    """))
    spoken = said(script)
    everything = [line for lines in spoken.values() for line in lines]
    assert spoken["opening"] == ("Thank you.",)
    assert spoken["never"][-1] == "Talk about the weather."
    # Ten minutes of questions leave room for three numbered ones: the added questions are
    # asked if time allows.
    assert len(script.questions) == 3 == script.numbered_limit
    assert "What would you tell a friend about us?" in everything
    assert "Which rule changed, and when?" in everything
    assert "What budget do you have for this next year?" in everything
    assert spoken["open_complaints"] == ("What happened in January 2026?",)  # ten months ago
    assert [s.minutes for s in script.agenda] == [5, 10, 10, 5]
    # The other statuses keep the built-in kit.
    at_risk = script_of(problems_of, project_dir, front("""
        name: Beta
        status: at-risk
    """), slug="beta")
    assert said(at_risk)["opening"][0] == (
        "Thank you for meeting us, and for the time you have worked with us.")


def check_bank(project_dir, text):
    write(project_dir / "content" / "questions.yaml", text)
    project = open_project(project_dir)
    return [(p.line, p.column, p.field, p.message, p.hint) for p in project.problems]


def test_unknown_placeholder_is_located(project_dir):
    assert check_bank(project_dir, """\
        add:
          statuses:
            lost:
              competitor: ["Why {compettitor}?"]
              hard_questions: ["Hello {name}"]
    """) == [
        (4, 20, "add, statuses, lost, competitor item 1", "unknown placeholder {compettitor}",
         "did you mean 'competitor'?"),
        (5, 24, "add, statuses, lost, hard_questions item 1", "unknown placeholder {name}",
         "no placeholders are filled in here; write {{ and }} for braces"),
    ]


def test_placeholders_take_no_formats(project_dir):
    problems = check_bank(project_dir, """\
        replace:
          statuses:
            lost:
              open_complaint: ["In {month:%d %b}?", "In {month!r}?", "In {month:{x.__class__}}"]
    """)
    assert [(p[2], p[3]) for p in problems] == [
        ("replace, statuses, lost, open_complaint item 1", "placeholder {month} has a format ('%d %b')"),
        ("replace, statuses, lost, open_complaint item 2", "placeholder {month} has a format ('!r')"),
        ("replace, statuses, lost, open_complaint item 3",
         "placeholder {month} has a format ('{x.__class__}')"),
    ]
    assert problems[0][4] == "write just {month}: it is filled in as plain words"


def test_fill_never_formats_or_looks_up_attributes():
    # Checked wordings cannot hold these; if one did, it would be filled as plain words.
    assert fill("In {month}, {month.__class__}{month:_^99}", month="June") == "In June, June"


def test_bank_changes_are_validated_like_everything_else(project_dir):
    problems = check_bank(project_dir, """\
        add:
          statuses:
            lost:
              openning: [Hi]
              by_reason:
                pricee: ["Why?"]
    """)
    assert problems == [
        (4, 7, "add, statuses, lost, openning", "unknown field", "did you mean 'opening'?"),
        (6, 9, "add, statuses, lost, by_reason, pricee", "'pricee' is not a known loss reason",
         "did you mean 'price'?")]


def test_agenda_must_leave_time_for_questions(project_dir):
    (problem,) = check_bank(project_dir, "replace:\n  agenda:\n    meeting_minutes: 15\n")
    assert problem[2:4] == (
        "agenda", "opening, summary and ask take 20 of 15 minutes, leaving none for questions")


def test_broken_bank_stops_the_build(project_dir, add_account):
    add_account("northwind", FULL_ACCOUNT)
    write(project_dir / "content" / "questions.yaml", "add:\n  never: oops\n")
    result = CliRunner().invoke(main, ["-C", str(project_dir), "build", "--no-pdf"])
    assert result.exit_code == 1
    assert "questions.yaml:2:10: add, never: expected a list, got 'oops'" in result.stderr
    assert not (project_dir / "output").exists()


@pytest.mark.parametrize("wording, shown", [
    ("In {month:%d %b}?", "'%d %b'"),
    ("In {month:{complaint.__class__}}?", "'{complaint.__class__}'"),
    ("In {month:_^999999999}?", "'_^999999999'"),
    ("In {month!r}?", "'!r'"),
])
def test_format_specs_and_conversions_in_the_bank_are_refused(project_dir, wording, shown):
    """Through the command line: check names the place, and build stops before anything
    is written (a format would run code of the value's type, or ask for a gigabyte)."""
    write(project_dir / "content" / "accounts" / "northwind.md", FULL_ACCOUNT)
    write(project_dir / "content" / "questions.yaml",
          f'replace:\n  statuses:\n    lost:\n      open_complaint: ["{wording}"]\n')
    checked = CliRunner().invoke(main, ["-C", str(project_dir), "check"])
    assert checked.exit_code == 1
    assert (f"questions.yaml:4:24: replace, statuses, lost, open_complaint item 1: placeholder {{month}} "
            f"has a format ({shown}) (write just {{month}}: it is filled in as plain words)"
            ) in checked.stderr
    built = CliRunner().invoke(main, ["-C", str(project_dir), "build", "--no-pdf"])
    assert built.exit_code == 1 and isinstance(built.exception, SystemExit)
    assert "Build stopped" in built.stderr and "__class__'>" not in built.stderr
    assert not (project_dir / "output").exists()
