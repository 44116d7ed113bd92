"""The sections table (`SECTIONS` in schema.py) drives both validation and the page: a
section added to it without a place in the dossier, or whose rules the reader ignores,
fails here."""

from __future__ import annotations

import pytest
from conftest import TODAY, front

from generator.commands.build import BuildOptions, build
from generator.project import open_project
from generator.schema import SECTIONS

FACTS = """
    name: Acme
    status: lost
    lost: 2026-09-30
    loss_reasons: [price]
"""


# A value each detail accepts.
SAMPLES = {"answers": "2026-01-05", "confirm": "email, 2027-01-01 10:00", "outcome": "review",
           "next": "2027-01-05", "channel": "phone"}


def sample(detail: str) -> str:
    return SAMPLES.get(detail, "a value")


def item(kind, words: str) -> str:
    """A list item this section accepts without a problem."""
    box = "[x] " if kind.checkbox else ""
    date = "2026-01-05: " if kind.dated or kind.checkbox else ""
    label = f"{kind.labels[0]}: " if kind.labels else ""
    outcome = "\n  - outcome: refused" if kind.key == "meetings" else ""
    return f"- {box}{date}{label}{words}{outcome}"


@pytest.mark.parametrize("kind", SECTIONS, ids=lambda k: k.key)
def test_every_section_in_the_table_reaches_the_dossier(project_dir, add_account, kind):
    words = f"Marker words for {kind.key}"
    body = item(kind, words) if kind.entries else words
    add_account("acme", front(FACTS, f"\n## {kind.title}\n{body}\n"))
    report = build(open_project(project_dir), BuildOptions(today=TODAY, pdf=False))
    assert report.ok, [p.headline() for p in report.problems]
    assert not [p for p in report.problems if p.field == kind.title]
    page = (project_dir / "output" / "accounts" / "acme.html").read_text()
    assert words in page, f"the {kind.title!r} section is read but never shown"


@pytest.mark.parametrize("kind", [k for k in SECTIONS if k.entries], ids=lambda k: k.key)
def test_the_table_decides_how_items_are_read(problems_of, kind):
    lines = ["- A plain item", "- [x] 2026-01-05 (Other Co): An item naming a supplier",
             "- [x] 2026-01-05: An item with a marker !nonsense",
             "- [x] 2026-01-05: An item with details", *(
                 f"  - {detail}: {sample(detail)}" for detail in kind.details)]
    account, problems = problems_of(front(FACTS, f"\n## {kind.title}\n" + "\n".join(lines) + "\n"))
    mine = [(p.line, p.is_error, p.message) for p in problems if p.field == kind.title]
    first = 9  # the line of the first item
    plain = [m for m in mine if m[0] == first]
    if kind.checkbox:
        assert (first, True, "item has no checkbox") in plain
    if kind.dated:
        assert (first, False, "item has no date") in plain
    assert any("names another supplier" in m[2] for m in mine if m[0] == first + 1) != kind.party
    assert (first + 2, False, f"'!nonsense' means nothing under {kind.title}") in mine
    if kind.checkbox:
        return  # an item without a checkbox is an error: the account is not read further
    details = {e.text: e.details for e in account.entries(kind.key)}
    assert dict(details["An item with details"]) == {d: sample(d) for d in kind.details}
