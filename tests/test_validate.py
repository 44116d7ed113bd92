"""Every kind of validation problem, with its position and hint."""

from __future__ import annotations

import pytest
from conftest import FULL_ACCOUNT, MINIMAL_ACCOUNT, front, write

from generator.project import open_project
from generator.validate import read_account


def located(problems):
    return [(p.line, p.column, p.field, p.message, p.hint) for p in problems]


def only_errors(problems):
    return [p for p in problems if p.is_error]


def test_full_account_is_clean(problems_of):
    account, problems = problems_of(FULL_ACCOUNT)
    assert problems == []
    assert account.facts.name == "Northwind Freight"
    assert account.facts.meeting.with_ == ["Priya Natarajan"]


def test_minimal_account_is_valid_with_a_warning_for_missing_reasons(problems_of):
    account, problems = problems_of(MINIMAL_ACCOUNT)
    assert account is not None
    assert [(p.field, p.is_error) for p in problems] == [("loss_reasons", False)]


def test_misspelt_status_names_line_column_and_suggestion(problems_of):
    account, problems = problems_of(front("""
        name: Acme
        status: lsot
        lost: 2026-01-02
    """))
    assert account is None
    assert located(only_errors(problems)) == [
        (3, 9, "status", "'lsot' is not one of lost, at-risk, won-back, active",
         "did you mean 'lost'?")]


def test_unknown_key_is_rejected_with_suggestion(problems_of):
    _, problems = problems_of(front("""
        name: Acme
        status: active
        ownr: Dana
    """))
    assert located(problems) == [(4, 1, "ownr", "unknown field", "did you mean 'owner'?")]


def test_unknown_nested_key_lists_the_allowed_ones(problems_of):
    _, problems = problems_of(front("""
        name: Acme
        status: active
        people:
          - name: Ann
            shoe_size: 9
    """))
    (problem,) = problems
    assert (problem.line, problem.column, problem.field) == (6, 5, "person 1, shoe_size")
    assert ("allowed fields: ask, cares_about, crm, email, left, name, notes, role, title"
            == problem.hint)


def test_missing_required_fields(problems_of):
    _, problems = problems_of(front("""
        owner: Dana
    """))
    assert sorted(p.field for p in problems) == ["name", "status"]
    assert all(p.message == "required field is missing" for p in problems)


def test_lost_account_needs_lost_date(problems_of):
    _, problems = problems_of(front("""
        name: Acme
        status: lost
        loss_reasons: [price]
    """))
    assert located(problems) == [
        (2, 1, "lost", "a lost account needs the date it was lost", "add 'lost: YYYY-MM-DD'")]


def test_won_back_needs_both_dates_and_order(problems_of):
    _, problems = problems_of(front("""
        name: Acme
        status: won-back
        signed: 2020-01-01
        lost: 2019-05-01
        loss_reasons: [price]
    """))
    assert sorted(p.field for p in problems) == ["lost", "won_back"]
    order = next(p for p in problems if p.field == "lost")
    assert (order.line, order.message) == (5, "2019-05-01 is before signed (2020-01-01)")


def test_at_risk_account_must_not_have_lost_date(problems_of):
    _, problems = problems_of(front("""
        name: Acme
        status: at-risk
        lost: 2026-01-01
    """))
    assert located(problems) == [(4, 7, "lost", "an at-risk account has no lost date",
                                  "set 'status: lost', or remove 'lost:'")]


def test_impossible_date_in_front_matter(problems_of):
    _, problems = problems_of(front("""
        name: Acme
        status: lost
        lost: 2026-02-30
        loss_reasons: [price]
    """))
    (problem,) = problems
    assert (problem.line, problem.column, problem.field) == (4, 7, "lost")
    assert problem.message.startswith("'2026-02-30' is not a valid date")
    assert "YYYY-MM-DD" in problem.hint


def test_impossible_date_in_follow_up_and_meeting(problems_of):
    _, problems = problems_of(front("""
        name: Acme
        status: active
        meeting:
          when: 2026-13-01 10:00
        follow_ups:
          - due: tomorrow
            channel: email
            what: Call
    """))
    assert [(p.line, p.field) for p in problems] == [(5, "meeting, when"), (7, "follow-up 1, due")]
    assert all("HH:MM" in p.hint for p in problems)


def test_wrong_types_are_each_reported(problems_of):
    _, problems = problems_of(front("""
        name: yes
        status: active
        value: lots
        loss_reasons: price
        people: Ann
    """))
    by_field = {p.field: p for p in problems}
    assert by_field["name"].message == "expected text, got True"
    assert by_field["name"].hint == "put the text in quotes"
    assert by_field["value"].message == "expected a number, got 'lots'"
    assert by_field["loss_reasons"].message == "expected a list, got 'price'"
    assert by_field["people"].message == "expected a list, got 'Ann'"


def test_negative_value(problems_of):
    _, problems = problems_of(front("""
        name: Acme
        status: active
        value: -5
    """))
    assert located(problems) == [(4, 8, "value", "must be 0 or more, got -5", "")]


def test_unknown_loss_reason_with_suggestion(problems_of):
    _, problems = problems_of(front("""
        name: Acme
        status: lost
        lost: 2026-01-01
        loss_reasons: [price, servce-failure]
    """))
    assert located(problems) == [(5, 23, "loss reason 2", "'servce-failure' is not a known loss reason",
                                  "did you mean 'service-failure'?")]


def test_config_extends_loss_reasons(project_dir, add_account):
    write(project_dir / "winback.yaml", "loss_reasons:\n  regulation: Regulatory change\n")
    path = add_account("acme", front("""
        name: Acme
        status: lost
        lost: 2026-01-01
        loss_reasons: [regulation]
    """))
    account, log = read_account(path, open_project(project_dir).config)
    assert log.problems == []
    assert account.facts.loss_reasons == ["regulation"]


def test_every_problem_in_a_file_is_reported(problems_of):
    _, problems = problems_of(front("""
        name: Acme
        status: lost
        lost: 2026-01-01
        value: lots
        colour: red
        loss_reasons: [pricee]
    """, """
        ## Complaints
        - 2026-02-30: Impossible date.
        - No checkbox here.
    """))
    assert [(p.line, p.field) for p in only_errors(problems)] == [
        (5, "value"), (6, "colour"), (7, "loss reason 1"), (11, "Complaints"), (12, "Complaints")]


def test_body_item_with_impossible_date(problems_of):
    _, problems = problems_of(front("""
        name: Acme
        status: active
    """, """
        ## Wins
        - 2019-11-31: Did a thing.
        - [x] 2020-1-5: Short date.
    """))
    errors = only_errors(problems)
    assert [(p.line, p.column, p.field) for p in errors] == [(7, 3, "Wins"), (8, 7, "Wins")]
    assert errors[0].message == "'2019-11-31' is not a valid date: day is out of range for month"


def test_complaints_and_changes_need_checkboxes(problems_of):
    _, problems = problems_of(front("""
        name: Acme
        status: active
    """, """
        ## Complaints
        - 2026-01-01: Late.
        ## What we changed
        - Hired a dispatcher.
    """))
    assert [(p.line, p.field, p.hint) for p in only_errors(problems)] == [
        (7, "Complaints", "start it with '[ ] ' (open) or '[x] ' (resolved)"),
        (9, "What we changed", "start it with '[ ] ' (not done) or '[x] ' (done)"),
    ]


def test_near_miss_heading_is_a_warning_and_kept_as_notes(problems_of):
    account, problems = problems_of(front("""
        name: Acme
        status: active
    """, """
        ## Why they singed
        Because.
    """))
    (problem,) = problems
    assert not problem.is_error
    assert problem.hint == "did you mean 'why they signed'?"
    assert [n.title for n in account.notes] == ["Why they singed"]


def test_meeting_attendee_not_in_people_is_a_warning(problems_of):
    _, problems = problems_of(front("""
        name: Acme
        status: active
        people:
          - name: Priya Natarajan
        meeting:
          when: 2026-12-03 10:00
          with: [Priya Natarajn]
    """))
    (problem,) = problems
    assert (problem.line, problem.field, problem.is_error) == (8, "meeting, attendee 1", False)
    assert problem.hint == "did you mean 'Priya Natarajan'?"


def test_config_is_validated_by_the_same_mechanism(project_dir):
    write(project_dir / "winback.yaml", "title: Lost clients\ncurency: EUR\nloss_reasons:\n"
          "  Bad!Id: x\n  Red Tape: Regulation\n")
    project = open_project(project_dir)
    assert not project.ok
    assert [(p.line, p.column, p.field, p.hint) for p in sorted(project.problems)] == [
        (2, 1, "curency", "did you mean 'currency'?"),
        (4, 3, "loss_reasons, Bad!Id", "use lowercase letters, digits and hyphens"),
    ]


def test_headline_format(problems_of):
    _, problems = problems_of(front("""
        name: Acme
        status: lsot
    """))
    headline = problems[0].headline()
    assert headline.endswith(
        "acme.md:3:9: status: 'lsot' is not one of lost, at-risk, won-back, active "
        "(did you mean 'lost'?)")
    rendered = problems[0].render("---\nname: Acme\nstatus: lsot\n---\n")
    assert rendered.splitlines()[1:] == ["   3 | status: lsot", "     |         ^"]


def test_interviewer_should_not_be_the_owner(problems_of):
    _, problems = problems_of(front("""
        name: Acme
        status: active
        owner: Dana
        interviewer: Dana
    """))
    assert [(p.line, p.field, p.is_error) for p in problems] == [(5, "interviewer", False)]


def test_follow_up_needs_an_owner_somewhere(problems_of):
    _, problems = problems_of(front("""
        name: Acme
        status: active
        follow_ups:
          - due: 2026-12-01 10:00
            channel: email
            what: Send it
    """))
    assert [(p.line, p.field, p.message) for p in problems] == [
        (5, "follow-up 1", "follow-up has no owner")]


# --- messages a person who is not a programmer can act on ------------------------------


def test_fixed_words_are_read_in_any_case(problems_of):
    account, problems = problems_of(front("""
        name: Acme
        status: At Risk
        people:
          - name: Ann
            role: Champion
        follow_ups:
          - due: 2026-12-01 10:00
            channel: EMAIL
            what: Call
    """))
    assert account is not None, problems
    assert account.facts.status == "at-risk"
    assert account.facts.people[0].role == "champion"
    assert account.facts.follow_ups[0].channel == "email"


@pytest.mark.parametrize("written, message, hint", [
    ("08/31/2026", "'08/31/2026' is not written year-month-day", "write 2026-08-31"),
    ("31.08.2026", "'31.08.2026' is not written year-month-day", "write 2026-08-31"),
    ("2026/8/31", "'2026/8/31' is not written year-month-day", "write 2026-08-31"),
    ("31 Aug 2026", "'31 Aug 2026' is not written year-month-day", "write 2026-08-31"),
    ("08/09/2026", "'08/09/2026' could be 9 August or 8 September",
     "write 2026-08-09 or 2026-09-08: dates are year-month-day"),
])
def test_dates_written_other_ways_are_named_and_corrected(problems_of, written, message, hint):
    _, problems = problems_of(front(f"""
        name: Acme
        status: lost
        lost: {written}
    """))
    (problem,) = [p for p in problems if p.is_error]
    assert (problem.line, problem.field, problem.message, problem.hint) == (
        4, "lost", message, hint)


def test_item_dates_written_other_ways_are_corrected(problems_of):
    _, problems = problems_of(front("""
        name: Acme
        status: active
    """, """
        ## Wins
        - 08/31/2020: Shipped it.
        - 2020-8-31: Shipped it again.
    """))
    assert [(p.line, p.is_error, p.message, p.hint) for p in problems] == [
        (7, False, "'08/31/2020' is not written year-month-day, so this item has no date",
         "write 2020-08-31"),
        (8, True, "'2020-8-31' is not a valid date", "write 2020-08-31")]


def test_a_promise_needs_a_time_and_a_meeting_may_wait_for_one(problems_of):
    account, problems = problems_of(front("""
        name: Acme
        status: active
        meeting:
          when: 2026-12-10
        follow_ups:
          - due: 2026-12-01
            channel: email
            what: Send the report
    """))
    (problem,) = problems
    assert (problem.line, problem.field, problem.message, problem.hint) == (
        7, "follow-up 1, due", "2026-12-01 has a date but no time: every promise has a time",
        "add the time, e.g. 2026-12-01 17:00")
    _, fine = problems_of(front("""
        name: Acme
        status: active
        meeting:
          when: 2026-12-10
    """), slug="other")
    assert fine == []


def test_a_field_not_indented_under_its_parent_says_so(problems_of):
    _, problems = problems_of(front("""
        name: Acme
        status: active
        meeting:
        when: 2026-12-03 10:00
    """))
    (problem,) = problems
    assert (problem.line, problem.field, problem.message, problem.hint) == (
        5, "when", "unknown field", "it belongs under 'meeting:' on line 4: indent it by 2 spaces")


def test_positions_in_lists_are_counted_from_one(problems_of):
    _, problems = problems_of(front("""
        name: Acme
        status: active
        follow_ups:
          - due: 2026-12-01 10:00
            channel: email
            what: First
          - due: 2026-12-02 10:00
            channel: fax
            what: Second
    """))
    (problem,) = problems
    assert problem.field == "follow-up 2, channel"
