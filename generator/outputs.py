"""The output seam: every file a build makes, what kind it is, where it goes and what
it belongs to (the fingerprint of what it is made from is `generator.engine.keys`).

A build is a few programs over outputs (`generator.engine`): the account pages (a
dossier and its letters, made together in a worker), the portfolio pages (the index,
each owner's page, the calendar), the theme's files, and the printed pages (the PDF
of a page). A new output is a new kind here, and a place in one program; the summary
line and the build state follow from the kinds.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


from generator import paths

PORTFOLIO = "portfolio"  # the group of the portfolio's outputs; an account's is its slug
THEME = "theme"


@dataclass(frozen=True)
class Kind:
    key: str
    noun: str  # in the summary line
    plural: str
    counted: bool  # named in the summary line
    pdf: bool = False


KINDS: dict[str, Kind] = {kind.key: kind for kind in (
    Kind("dossier", "dossier", "dossiers", True),
    Kind("letters", "letters page", "letters pages", False),
    Kind("brief", "PDF brief", "PDF briefs", True, pdf=True),
    Kind("letters-pdf", "letters PDF", "letters PDFs", True, pdf=True),
    Kind("plan", "plan page", "plan pages", False),
    Kind("plan-pdf", "plan PDF", "plan PDFs", True, pdf=True),
    Kind("email", "email draft", "email drafts", False),
    Kind("index", "portfolio page", "portfolio pages", False),
    Kind("owner", "owner page", "owner pages", False),
    Kind("calendar", "calendar", "calendars", False),
    Kind("portfolio-pdf", "portfolio PDF", "portfolio PDFs", True, pdf=True),
    Kind("owner-pdf", "owner PDF", "owner PDFs", True, pdf=True),
    Kind("asset", "theme file", "theme files", False),
)}


@dataclass(frozen=True)
class Output:
    """One file of the output folder."""

    path: str  # relative to the output folder (paths.py)
    kind: str  # a key of KINDS
    group: str  # an account's slug, PORTFOLIO or THEME
    source: Path  # where its problems are reported


def account_pages(slug: str, source: Path) -> tuple[Output, ...]:
    return (Output(paths.dossier(slug), "dossier", slug, source),
            Output(paths.letters(slug), "letters", slug, source),
            Output(paths.plan(slug), "plan", slug, source))


def account_prints(slug: str, source: Path) -> tuple[Output, ...]:
    """The PDFs of an account's pages, in the order of `account_pages`."""
    return (Output(paths.brief(slug), "brief", slug, source),
            Output(paths.letters_pdf(slug), "letters-pdf", slug, source),
            Output(paths.plan_pdf(slug), "plan-pdf", slug, source))


def account_emails(slug: str, source: Path, letters: list[str]) -> tuple[Output, ...]:
    """The email drafts of these letters, made with the pages and never printed."""
    return tuple(Output(paths.email(slug, key), "email", slug, source) for key in letters)
