"""Fingerprints: the key of each output's inputs, which the build state records.

An output is current when the key of what it would be made from equals the key it was
made with, and the file is as it was written. What every output shares (the version,
the config, the question bank, the build date) is digested once.
"""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass

import jinja2

from generator import __version__
from generator.derive import BuildDate
from generator.engine.state import digest
from generator.history import FileHistory
from generator.pdf import engine_version
from generator.pdfnotes import without_notes
from generator.project import Project

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
        self._sources: dict[str, str] = {}
        self._together: dict[tuple[str, ...], str] = {}

    @functools.cached_property
    def engine(self) -> str:
        """The PDF engine's version, asked only by a build that prints or notes PDFs."""
        return engine_version()

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
