"""The output seam: every file a build makes, what kind it is, where it goes, what it
belongs to, and the fingerprint of what it is made from.

A build is a few programs over outputs (`generator.commands.build`): the account
pages (a dossier and its letters, made together in a worker), the portfolio pages
(the index, each owner's page, the calendar), the theme's files, and the printed
pages (the PDF of a page). A new output is a new kind here, and a place in one
program; the summary line and the build state follow from the kinds.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import jinja2

from generator import __version__, paths
from generator.cache import digest
from generator.derive import BuildDate
from generator.history import FileHistory
from generator.pdfnotes import without_notes
from generator.project import Project

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


# --- fingerprints ---------------------------------------------------------------------

# Build options that change what is written, and those that change only how much is
# built or how fast: every option is one or the other (tests/test_incremental.py checks),
# so that a new option cannot be forgotten in the fingerprints.
SHAPING_OPTIONS = ("strict", "today")
OTHER_OPTIONS = ("pdf", "jobs", "only", "clean", "force", "progress")


class Fingerprints:
    """The fingerprints of outputs' inputs; what every one shares is made once."""

    def __init__(self, project: Project, env: jinja2.Environment, assets: dict[str, bytes],
                 when: BuildDate, options) -> None:
        self.env = env
        shaping = {name: getattr(options, name) for name in SHAPING_OPTIONS}
        self.common = digest(
            __version__, project.config.model_dump_json(),
            project.bank.model_dump_json() if project.bank else "",
            when.day.isoformat(), str(when.pinned),
            *(f"{name}={value!r}" for name, value in sorted(shaping.items())))
        self.assets = digest(*(part for name, data in assets.items() for part in (name, data)))
        self.engine = metadata.version("weasyprint")
        self._sources: dict[str, str] = {}
        self._together: dict[tuple[str, ...], str] = {}

    def templates(self, names: list[str]) -> str:
        """The digest of these templates as they are now; '' when there are none to go
        by (nothing rendered yet), which matches no key."""
        if not names:
            return ""
        together = tuple(sorted(names))  # every dossier uses the same few: made once
        if together not in self._together:
            self._together[together] = digest(
                *(part for name in together for part in (name, self._source(name))))
        return self._together[together]

    def _source(self, name: str) -> str:
        if name not in self._sources:
            try:
                source, _filename, _uptodate = self.env.loader.get_source(self.env, name)
            except jinja2.TemplateNotFound:
                source = ""  # gone: whatever used it is made again, and says so
            self._sources[name] = digest(source)
        return self._sources[name]

    # A key is made in two steps: the inputs read before rendering, then the templates.
    # Which templates a page needs is known only once it is rendered, so a build compares
    # with the templates the last build recorded, and records the key with those it used.

    def account_inputs(self, data: bytes, history: FileHistory | None,
                       history_note: str) -> str:
        return digest(self.common, data, repr(history), history_note)

    def portfolio_inputs(self, accounts: dict[str, str], variant: str) -> str:
        """`accounts`: each account's key, by slug, with how it fared. The theme and the
        PDF engine count too: the portfolio's PDFs are kept only with its pages."""
        return digest(self.common, self.assets, variant, self.engine,
                      *(f"{slug}:{key}" for slug, key in sorted(accounts.items())))

    def key(self, inputs: str, templates: list[str]) -> str:
        """The key of outputs made from these inputs with these templates."""
        return digest(inputs, self.templates(templates))

    def printing(self, variant: str) -> PrintKey:
        return PrintKey(self.assets, variant, self.engine)

    def printed(self, html: str, variant: str) -> str:
        return self.printing(variant).of(html)


@dataclass(frozen=True)
class PrintKey:
    """What a PDF is made from besides its page: sent to the workers, which check whether
    the PDFs of the pages they make still match them (`generator.pdfnotes`)."""

    assets: str
    variant: str
    engine: str

    def of(self, html: str) -> str:
        """The key of the PDF of this page: the page without its notes on PDFs."""
        return digest(without_notes(html), self.assets, self.variant, self.engine)


def option_names(options) -> set[str]:
    return {f.name for f in dataclasses.fields(options)}
