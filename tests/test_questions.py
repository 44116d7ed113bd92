"""The tailored meeting script, the question bank and a project's changes to it."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from conftest import FULL_ACCOUNT, MINIMAL_ACCOUNT, TODAY, front, write

from generator.cli import main
from generator.derive import BuildDate, derive
from generator.project import open_project


def script_of(problems_of, project_dir, text, slug="acme"):
    account, problems = problems_of(text, slug)
    assert account is not None, problems
    project = open_project(project_dir)
    assert project.ok, project.problems
    return derive(account, project.config, project.bank, BuildDate(TODAY, True)).script


def parts(script):
    return {part.key: part.items for part in script.parts}


def test_full_account_script_is_tailored(problems_of, project_dir):
    script = script_of(problems_of, project_dir, FULL_ACCOUNT)
    by_key = parts(script)
    assert by_key["open_complaints"] == (
        "On 1 Jun 2026 you raised: “Late deliveries three weeks running on the Denver lane.” "
        "Is that still a problem, and what would put it right?",)
    assert by_key["reason:service-failure"] == (
        "Which failures hurt you most, and what did each cost you?",
        "When things went wrong, how quickly did you hear from us, and from whom?")
    assert by_key["reason:new-decision-maker"][0] == "What do you look for in a supplier, in your own words?"
    assert by_key["competitor"] == (
        "What made Harbor Logistics the right choice for you?",
        "How is it going with Harbor Logistics so far?",
        "What would you want from any supplier that you are not getting today?")
    assert by_key["cares_about"] == (
        "Priya Natarajan, you care about on-time rate: how is that going now, and how do you measure it?",
        "Priya Natarajan, you care about one dashboard for all carriers: how is that going now, "
        "and how do you measure it?")
    assert by_key["people_left"] == (
        "Tom Ellis (Logistics Manager, champion) left on 1 Mar 2026. Who now owns this decision, "
        "and what matters most to them?",)
    assert by_key["wins"] == (
        "2 Nov 2019: Cleared a 300-pallet peak-season backlog in 48 hours.",)
    assert script.questions == 1 + 7 + 2 + 2 + 3 + 2 + 1
    assert [(s.title, s.minutes, f"{s.start:%H:%M}") for s in script.agenda] == [
        ("Opening", 5, "10:00"), ("Questions, then listen", 40, "10:05"),
        ("Summarise back what you heard", 10, "10:45"), ("The ask and next step", 5, "10:55")]


def test_minimal_account_gets_the_generic_script(problems_of, project_dir):
    script = script_of(problems_of, project_dir, MINIMAL_ACCOUNT)
    assert [p.key for p in script.parts] == [
        "opening", "hard_questions", "listening_rules", "never", "closing", "the_ask"]
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


def test_project_adds_and_replaces_sections(problems_of, project_dir):
    write(project_dir / "winback.yaml", "loss_reasons:\n  regulation: Regulatory change\n")
    write(project_dir / "content" / "questions.yaml", """\
        add:
          hard_questions: ["What would you tell a friend about us?"]
          by_reason:
            regulation: ["Which rule changed, and when?"]
            price: ["What budget do you have for this next year?"]
        replace:
          opening: [Thank them.]
          tailored:
            open_complaint: "You raised on {date}: {complaint}"
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
    by_key = parts(script)
    assert by_key["opening"] == ("Thank them.",)
    assert by_key["hard_questions"][-1] == "What would you tell a friend about us?"
    assert len(by_key["hard_questions"]) == 8
    assert by_key["reason:regulation"] == ("Which rule changed, and when?",)
    assert by_key["reason:price"][-1] == "What budget do you have for this next year?"
    assert by_key["open_complaints"] == ("You raised on 2 Jan 2026: Late.",)
    assert [s.minutes for s in script.agenda] == [5, 10, 10, 5]


def check_bank(project_dir, text):
    write(project_dir / "content" / "questions.yaml", text)
    project = open_project(project_dir)
    return [(p.line, p.column, p.field, p.message, p.hint) for p in project.problems]


def test_unknown_placeholder_is_located(project_dir):
    assert check_bank(project_dir, """\
        add:
          competitor: ["Why {compettitor}?"]
          opening: ["Hello {name}"]
    """) == [
        (2, 16, "add.competitor[0]", "unknown placeholder {compettitor}", "did you mean 'competitor'?"),
        (3, 13, "add.opening[0]", "unknown placeholder {name}",
         "no placeholders are filled in here; write {{ and }} for braces"),
    ]


def test_bank_changes_are_validated_like_everything_else(project_dir):
    problems = check_bank(project_dir, """\
        add:
          openning: [Hi]
          by_reason:
            pricee: ["Why?"]
    """)
    assert problems == [
        (2, 3, "add.openning", "unknown field", "did you mean 'opening'?"),
        (4, 5, "add.by_reason.pricee", "'pricee' is not a known loss reason",
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
    assert "questions.yaml:2:10: add.never: expected a list, got 'oops'" in result.stderr
    assert not (project_dir / "output").exists()


@pytest.mark.parametrize("wording, written", [
    ("On {date:%d %b}: {complaint}", "{date:%d %b}"),
    ("On {date:{complaint.__class__}}: {complaint}", "{date:{complaint.__class__}}"),
    ("On {date:_^999999999}: {complaint}", "{date:_^999999999}"),
    ("On {date!r}: {complaint}", "{date!r}"),
])
def test_format_specs_and_conversions_in_the_bank_are_refused(project_dir, wording, written):
    write(project_dir / "content" / "accounts" / "northwind.md", FULL_ACCOUNT)
    write(project_dir / "content" / "questions.yaml",
          f'replace:\n  tailored:\n    open_complaint: "{wording}"\n')
    checked = CliRunner().invoke(main, ["-C", str(project_dir), "check"])
    assert checked.exit_code == 1
    assert (f"questions.yaml:3:21: replace.tailored.open_complaint: {written}: format specs and "
            "conversions are not allowed (write {date} alone; winback writes dates and names "
            "itself)") in checked.stderr
    built = CliRunner().invoke(main, ["-C", str(project_dir), "build", "--no-pdf"])
    assert built.exit_code == 1 and isinstance(built.exception, SystemExit)
    assert "Build stopped" in built.stderr and "__class__'>" not in built.stderr
    assert not (project_dir / "output").exists()
