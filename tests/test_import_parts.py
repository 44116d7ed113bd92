"""The parts of `winback import` on their own: cells and their places, values, rules, and
adding lines to an account file."""

from __future__ import annotations

import datetime as dt
import difflib
from pathlib import Path

import pytest

from generator.commands.import_ import ChangedMeanwhile, write_atomic
from generator.importer.csvfile import cell_places, decode, sniff
from generator.importer.edit import AccountText, CannotAdd
from generator.importer.rules import SHIPPED, laid_over, load_rules, shipped_path
from generator.importer.values import CellError, read_amount, read_when, shown_order
from generator.problems import ProblemLog
from generator.schema import LOSS_REASONS


@pytest.mark.parametrize(("header", "separator"), [
    ('"Name","City"', ","), ("Name;City;Owner", ";"), ("Name\tCity", "\t"),
    ('"Name, Inc";"City"', ";"), ("Name", ","),
])
def test_the_separator_is_found_from_the_header(header, separator):
    assert sniff(header) == separator


def test_cells_are_placed_as_an_editor_shows_them():
    lines = ['"a","say ""hi"", then\r\n', 'go",x"y,z\r\n']
    places, unclosed = cell_places(lines, 7, ",")
    assert places == [(7, 1), (7, 5), (8, 5), (8, 9)] and unclosed is None
    assert cell_places(['a,"open\n', "b,c\n"], 3, ",") == ([(3, 1), (3, 3)], (3, 3))


def test_encodings_are_read_as_the_tools_write_them():
    log = ProblemLog(Path("x.csv"))
    assert decode("é".encode("utf-8-sig"), "auto", log) == ("é", "UTF-8 with BOM")
    assert decode("é".encode("utf-16"), "auto", log) == ("é", "UTF-16")
    assert decode("é".encode("utf-8"), "auto", log) == ("é", "UTF-8")
    assert decode("é€".encode("cp1252"), "auto", log) == ("é€", "Windows-1252")
    assert decode("é".encode("latin-1"), "latin-1", log) == ("é", "latin-1")
    assert not log.problems


@pytest.mark.parametrize(("text", "order", "expected"), [
    ("2026-12-31", None, (dt.date(2026, 12, 31), None)),
    ("2026-12-31T14:03:00Z", None, (dt.date(2026, 12, 31), dt.time(14, 3))),
    ("12/31/2026", None, (dt.date(2026, 12, 31), None)),
    ("31/12/2026", None, (dt.date(2026, 12, 31), None)),
    ("05/05/2026", None, (dt.date(2026, 5, 5), None)),
    ("03/04/2026", "day-first", (dt.date(2026, 4, 3), None)),
    ("3/4/2026 12:30 PM", "month-first", (dt.date(2026, 3, 4), dt.time(12, 30))),
    ("3/4/2026 12:05 AM", "month-first", (dt.date(2026, 3, 4), dt.time(0, 5))),
    ("31.12.2026 23:59", None, (dt.date(2026, 12, 31), dt.time(23, 59))),
    ("Dec 31, 2026", None, (dt.date(2026, 12, 31), None)),
])
def test_dates_are_read_as_crms_write_them(text, order, expected):
    assert read_when(text, order) == expected


@pytest.mark.parametrize(("text", "order", "message"), [
    ("03/04/2026", None, "'03/04/2026' could be 4 March 2026 or 3 April 2026"),
    ("12/31/2026", "day-first", "'12/31/2026' is not a real date"),
    ("12/31/26", None, "'12/31/26' has a two-digit year"),
    ("2026-02-30", None, "'2026-02-30' is not a real date"),
    ("1/1/1899", None, "'1/1/1899' is outside 1900-01-01 to 2100-12-31"),
    ("1/13/2026 13:00 PM", None, "'1/13/2026 13:00 PM' has no such time"),
    ("soon", None, "'soon' is not a date"),
])
def test_dates_that_cannot_be_read_say_why(text, order, message):
    with pytest.raises(CellError) as error:
        read_when(text, order)
    assert error.value.message == message


def test_an_export_shows_its_order_of_day_and_month():
    assert shown_order(["3/4/2026", "12/31/2026"]) == "month-first"
    assert shown_order(["3/4/2026", "31/12/2026 10:00"]) == "day-first"
    assert shown_order(["3/4/2026", "2026-12-31"]) is None
    assert shown_order(["12/31/2026", "31/12/2026"]) is None  # both: nothing is shown


@pytest.mark.parametrize(("text", "decimal", "value"), [
    ("$1,200,000.00", ".", 1_200_000), ("USD 5200000", ".", 5_200_000),
    ("1.200.000,00 €", ",", 1_200_000), ("1 200 000,50", ",", 1_200_000.5),
    ("1234.5", ".", 1234.5),
])
def test_amounts_are_read_with_their_currency_and_separators(text, decimal, value):
    assert read_amount(text, decimal) == value


@pytest.mark.parametrize(("text", "decimal"), [("1,5", "."), ("1.200.000", "."), ("-5", "."),
                                               ("(1,200)", "."), ("1,200.50", ",")])
def test_amounts_that_cannot_be_read_are_problems(text, decimal):
    with pytest.raises(CellError):
        read_amount(text, decimal)


def test_the_shipped_rules_are_valid_and_a_project_can_change_them(tmp_path):
    for name in SHIPPED:
        rules, log = load_rules(shipped_path(name), LOSS_REASONS)
        assert rules is not None and not log.problems, name
    own = tmp_path / "import.yaml"
    own.write_text("based_on: salesforce\ndate_order: day-first\ntasks:\n  due_time: 09:30\n"
                   "status:\n  by_type:\n    Former Customer: lost\n")
    rules, log = load_rules(own, LOSS_REASONS)
    assert not log.problems
    assert rules.date_order == "day-first" and rules.tasks.due_time == "09:30"
    assert rules.tasks.done == ["Completed"]  # the rest of tasks is Salesforce's
    assert rules.status.by_type == {"Prospect": "skip", "Former Customer": "lost"}
    assert laid_over({"a": {"b": 1, "c": 2}, "d": [1]}, {"a": {"c": 3}, "d": [2]}) == {
        "a": {"b": 1, "c": 3}, "d": [2]}


ACCOUNT = """\
---
name: Acme
status: lost
lost: 2026-01-31
people:
- name: Ann
  role: champion
# a comment about follow-ups
follow_ups:
    - due: 2026-02-01 10:00
      channel: email
      what: x
---

## Complaints
- [ ] 2025-01-01: Late.

Some words after the items.

## History
- 2025-02-02: Met.
"""


def test_lines_are_added_where_they_belong_and_nothing_else_changes():
    text = AccountText(ACCOUNT.replace("\n", "\r\n"))
    text.add_keys(["crm: A1"])
    text.add_items("people", [["- name: Bo", "title: CFO"]])
    text.add_items("follow_ups", [["- due: 2026-03-01 17:00", "channel: phone", "what: y"]])
    text.add_items("approaches", [["- date: 2026-01-02", "channel: letter"]])
    text.add_to_section(15, 20, "Complaints", ["- [ ] 2025-03-03: Again."])
    text.add_to_section(None, None, "Why we lost them", ["Price."])
    text.add_to_section(20, None, "History", ["- 2025-04-04: Called."])
    result = text.result()
    assert result.count("\r\n") == result.count("\n")  # the file's line endings are kept
    old, new = ACCOUNT.splitlines(), result.replace("\r\n", "\n").splitlines()
    steps = difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes()
    inserted = [(old[i - 1], new[j:k]) for op, i, _, j, k in steps if op != "equal"]
    assert {op for op, *_ in steps} == {"equal", "insert"}  # nothing changed or removed
    assert inserted == [
        ("  role: champion", ["- name: Bo", "  title: CFO"]),
        ("      what: x", ["    - due: 2026-03-01 17:00", "      channel: phone", "      what: y",
                           "crm: A1", "approaches:", "  - date: 2026-01-02",
                           "    channel: letter"]),
        ("Some words after the items.", ["- [ ] 2025-03-03: Again."]),
        ("- 2025-02-02: Met.", ["- 2025-04-04: Called.", "", "## Why we lost them", "Price."]),
    ]


def test_a_list_on_one_line_cannot_be_added_to():
    text = AccountText("---\nname: A\npeople: [{name: Ann}]\n---\n")
    with pytest.raises(CannotAdd, match="'people' is written on one line"):
        text.add_items("people", [["- name: Bo"]])


def test_a_write_never_replaces_what_changed_since_it_was_read(tmp_path):
    path = tmp_path / "acme.md"
    path.write_text("old\n")
    path.chmod(0o640)
    write_atomic(path, "new\n", "old\n")
    assert path.read_text() == "new\n" and (path.stat().st_mode & 0o777) == 0o640
    with pytest.raises(ChangedMeanwhile):
        write_atomic(path, "newer\n", "old\n")
    with pytest.raises(ChangedMeanwhile):
        write_atomic(path, "x\n", None)
    assert path.read_text() == "new\n"
    assert [p.name for p in tmp_path.iterdir()] == ["acme.md"]  # no temporary file left


def test_cell_text_is_one_line_without_control_characters():
    from generator.importer.records import one_line

    assert one_line("Late\r\n  deliveries\x1b[31m\tagain\x00") == "Late deliveries [31m again"
