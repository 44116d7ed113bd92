"""Fingerprints: the key of each output's inputs, which the build state records.

An output is current when the key of what it would be made from equals the key it was
made with, and the file is as it was written. What it was made from is recorded as it
is read (see `Fingerprints`); what every output shares (the version, the config, the
question bank, the build date) is digested once.
"""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass
from pathlib import Path

import jinja2

from generator import __version__
from generator.derive import BuildDate
from generator.engine.state import digest
from generator.history import FileHistory
from generator.load import file_digest
from generator.pdf import engine_version
from generator.pdfnotes import without_notes
from generator.project import Project

# Build options that change what is written, and those that change only how much is
# built or how fast: every option is one or the other (tests/test_incremental.py checks),
# so that a new option cannot be forgotten in the fingerprints.
SHAPING_OPTIONS = ("strict", "today")
OTHER_OPTIONS = ("pdf", "jobs", "only", "clean", "force", "progress")


SHARED = "shared"  # what every output is made from: the version, config, bank, date, options


class Fingerprints:
    """The fingerprints of outputs' inputs; what every one shares is made once.

    What an output was made from is recorded as it is made, as names: the account file
    (`file:content/accounts/acme.md`, with the digest of the bytes the loader read), its
    git history (`git:...`), each template Jinja loaded (`template:dossier.html`) and
    what everything shares (`shared`). The key is the digest of those names with their
    digests; a later build takes the same names, asks each for its digest now (`of`),
    and the output is current when the key comes out the same.
    """

    def __init__(self, project: Project, env: jinja2.Environment, assets: dict[str, bytes],
                 when: BuildDate, options) -> None:
        self.root = project.root
        self.env = env
        shaping = {name: getattr(options, name) for name in SHAPING_OPTIONS}
        self.common = digest(
            __version__, project.config.model_dump_json(),
            project.bank.model_dump_json() if project.bank else "",
            when.day.isoformat(), str(when.pinned),
            *(f"{name}={value!r}" for name, value in sorted(shaping.items())))
        self.assets = digest(*(part for name, data in assets.items() for part in (name, data)))
        self._sources: dict[str, str] = {}
        self._files: dict[str, str] = {}
        self._histories: dict[str, str] = {}

    @functools.cached_property
    def engine(self) -> str:
        """The PDF engine's version, asked only by a build that prints or notes PDFs."""
        return engine_version()

    def read_history(self, path: Path, history: FileHistory | None, note: str) -> None:
        """Record an account file's git history, as read for this build."""
        self._histories[self.history_input(path)] = digest(repr(history), note)

    def file_input(self, path: Path) -> str:
        """The name that records a file read: `file:` and its path in the project."""
        return f"file:{self._name_of(path)}"

    def history_input(self, path: Path) -> str:
        """The name that records a file's git history."""
        return f"git:{self._name_of(path)}"

    def _name_of(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix() if path.is_relative_to(self.root) \
            else path.as_posix()

    def of(self, name: str) -> str:
        """The digest, as it is now, of one input recorded by that name; '' for one that
        is gone or unknown."""
        kind, _, what = name.partition(":")
        if kind == "template":
            return self._source(what)
        if kind == "file":
            if name not in self._files:
                self._files[name] = file_digest(self.root / what)
            return self._files[name]
        if kind == "git":
            return self._histories.get(name, "")
        return self.common if name == SHARED else ""

    def key(self, inputs: str, read: dict[str, str]) -> str:
        """The key of outputs made from `inputs` (what the program digested itself) and the
        recorded inputs `read`, by name, with the digest each had as it was read; '' when
        nothing was recorded (nothing rendered yet), which matches no key."""
        if not read:
            return ""
        return digest(inputs, *(f"{name}={value}" for name, value in sorted(read.items())))

    def key_now(self, inputs: str, names: list[str]) -> str:
        """The key of outputs made from these inputs as they are now."""
        return self.key(inputs, {name: self.of(name) for name in names})

    def templates(self, names: list[str]) -> dict[str, str]:
        """Templates loaded, as recorded inputs."""
        return {f"template:{name}": self._source(name) for name in names}

    def _source(self, name: str) -> str:
        if name not in self._sources:
            try:
                source, _filename, _uptodate = self.env.loader.get_source(self.env, name)
            except jinja2.TemplateNotFound:
                source = ""  # gone: whatever used it is made again, and says so
            self._sources[name] = digest(source)
        return self._sources[name]

    def listed_account_key(self, data: bytes, history: FileHistory | None,
                           history_note: str, templates: list[str]) -> str:
        """An account's key from its inputs listed by hand, as builds made it before they
        recorded what they read: kept as the tests' cross-check on the recorded key."""
        return digest(self.common, data, repr(history), history_note,
                      *(f"{name}={self._source(name)}" for name in sorted(templates)))

    def portfolio_inputs(self, accounts: dict[str, str], variant: str) -> str:
        """`accounts`: each account's key, by slug, with how it fared. The theme and the
        PDF engine count too: the portfolio's PDFs are kept only with its pages."""
        return digest(self.common, self.assets, variant, self.engine,
                      *(f"{slug}:{key}" for slug, key in sorted(accounts.items())))

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
