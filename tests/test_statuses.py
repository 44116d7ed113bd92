"""The status table: complete, the only list of statuses, and what the pages read."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import typing

import pytest
from pydantic import ValidationError

from conftest import REPO
from generator import letters
from generator.bank import load_bank
from generator.project import open_project
from generator.schema import Kits, words_of
from generator.schema import Status as StatusWord
from generator.statuses import STATUS_BY_KEY, STATUS_TABLE, STATUSES, TONES, Status

# The fields a status may leave empty, and what empty means there.
MAY_BE_EMPTY = {"on_accepted", "how_to_ask", "ready_words", "why_empty"}
FIELDS = typing.get_type_hints(Status)


@pytest.mark.parametrize("status", STATUS_TABLE, ids=lambda s: s.key)
def test_each_status_is_complete(status):
    for field in dataclasses.fields(Status):
        value = getattr(status, field.name)
        assert isinstance(value, FIELDS[field.name]), (status.key, field.name, value)
        if field.name not in MAY_BE_EMPTY and isinstance(value, str):
            assert value.strip(), (status.key, field.name)
    assert status.request in letters.REQUESTS
    assert not status.on_accepted or status.on_accepted in STATUS_BY_KEY
    if status.has_readiness:  # what we may ask decides page one and the outcome
        assert status.how_to_ask and status.ready_words and status.on_accepted


def test_no_field_has_a_default():
    """A status added to the table must say every field: none is filled in for it."""
    assert all(f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
               for f in dataclasses.fields(Status))


def test_keys_and_labels_are_unique():
    assert len({s.key for s in STATUS_TABLE}) == len(STATUS_TABLE)
    assert len({s.label for s in STATUS_TABLE}) == len(STATUS_TABLE)
    assert len({s.adjective for s in STATUS_TABLE}) == len(STATUS_TABLE)


def test_the_schema_accepts_exactly_the_table():
    assert words_of(StatusWord) == STATUSES


def test_the_bank_has_one_kit_per_status(project_dir):
    bank, problems = load_bank(project_dir, open_project(project_dir).config)
    assert problems == []
    assert {info.alias for info in type(bank.statuses).model_fields.values()} == set(STATUSES)
    for key in STATUSES:
        assert bank.statuses.of(key).purpose


def test_a_bank_without_a_status_kit_is_refused():
    with pytest.raises(ValidationError, match="won-back"):
        Kits.model_validate({"lost": {}, "at-risk": {}, "active": {}})


def test_the_portfolio_reads_the_order_from_the_table(built_samples):
    index = (built_samples / "index.html").read_text(encoding="utf-8")
    assert f'data-status-order="{" ".join(STATUSES)}"' in index
    script = (REPO / "templates" / "portfolio.js").read_text(encoding="utf-8")
    for key in STATUSES:  # no second copy of the table in the script
        assert f'"{key}"' not in script


def test_templates_never_name_a_status():
    """Templates read `d.kind` and `statuses`: a status key written in one is a rule the
    table does not hold."""
    names = "|".join(re.escape(key) for key in STATUSES)
    quoted = re.compile(rf"""["']({names})["']|is_({names.replace('-', '_')})\b""")
    for template in (REPO / "templates").glob("*.html"):
        assert not quoted.findall(template.read_text(encoding="utf-8")), template.name



def test_each_status_takes_a_colour_the_theme_has():
    """A new status picks a tone: the stylesheet has a rule for each, and none for a
    status by name."""
    css = (REPO / "templates" / "style.css").read_text(encoding="utf-8")
    assert {status.tone for status in STATUS_TABLE} <= set(TONES)
    for tone in TONES:
        assert f".badge.tone-{tone} {{" in css and f".totals > .tone-{tone} {{" in css
    assert not re.findall(r"\.status-[a-z]", css)


def test_a_new_account_is_prefilled_from_the_table(tmp_path):
    from generator.commands.new import new_account

    for status in STATUS_TABLE:
        text = new_account(tmp_path / status.key, "Acme", status.key, "", dt.date(2026, 11, 26)
                           ).read_text(encoding="utf-8")
        assert ("\nlost: 2026-11-26" in text) == status.was_lost, status.key
        assert ("\nwon_back: 2026-11-26" in text) == status.came_back, status.key
        assert ", ".join(STATUSES) in text
