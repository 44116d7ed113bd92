"""One build's shared state: what the last build left, what this one has made, the
output folder, the renderer and the fingerprints. Programs ask it what is current and
write through it; at the end it sweeps what no program made and saves the state."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from generator.derive import BuildDate
from generator.engine.keys import Fingerprints, PrintKey
from generator.engine.report import BuildOptions, BuildReport
from generator.engine.state import (
    OutputRecord, State, StateStore, problem_from_dict, problem_to_dict, stat_of, unchanged)
from generator.outputs import Output, account_pages, account_prints
from generator.pdfnotes import MISSING, STALE, with_notes, without_notes
from generator.problems import Problem, Severity
from generator.project import Project
from generator.render import Renderer, theme_files
from generator.write import OutputDir

log = logging.getLogger("winback")


@dataclass(frozen=True)
class Printable:
    """A page to print: its HTML (given, or read from the output folder) and its PDF."""

    pdf: Output
    html: str = ""
    page: str = ""  # the page in the output folder, when the HTML is not given


class Run:
    """One build: the state before and after it, the output folder, the renderer, the
    fingerprints and the report. The programs ask it what is current, write through it,
    and it records each output."""

    def __init__(self, project: Project, options: BuildOptions, when: BuildDate,
                 report: BuildReport) -> None:
        self.project, self.options, self.when, self.report = project, options, when, report
        self.renderer = Renderer(project)
        self.out = OutputDir(project.output_dir)
        self.store = StateStore(project)
        before = self.store.load()
        self.summaries: dict[str, bytes] = {}  # made by this build, as the state keeps them
        self.forgotten: set[str] = set()  # accounts whose kept summary no longer holds
        # What the PDFs on disk were printed from, even after --clean: a page must not
        # call a PDF current, or older, without knowing.
        self.printed_before = {path: record.key for path, record in before.outputs.items()
                               if path.endswith(".pdf")}
        # What the sweep may remove: files of ours, as written, and nothing else.
        self.made_before = {path: record.stat for path, record in before.outputs.items()}
        if options.clean:
            self.keep_state(self.store.clear)
            self.store.loaded = None  # nothing saved now: the next save must write
        self.previous = State() if options.clean else before
        if self.store.damaged and not options.clean:
            report.problems.append(Problem(
                self.store.state_file, 0, 0, "", f"the build state {self.store.damaged}",
                "nothing to do: this build starts afresh and saves a sound one",
                Severity.WARNING))
        # `winback pdf SLUG` redoes some accounts and leaves the rest of the state as it was.
        self.state = (State(dict(self.previous.accounts), self.previous.portfolio,
                            dict(self.previous.outputs)) if options.only else State())
        self.theme = theme_files(self.renderer)  # read once: fingerprinted, then written
        report.problems.extend(self.renderer.asset_problems)
        self.keys = Fingerprints(project, self.renderer.env, self.theme, when, options)
        self.printable: list[Printable] = []
        self.untracked: set[str] = set()  # outputs kept but not in the state: not swept

    def current(self, output: Output, key: str) -> bool:
        """Made before from the same inputs, and still there as it was written."""
        record = self.previous.outputs.get(output.path)
        return bool(record and key and record.key == key
                    and unchanged(self.out.root / output.path, record.stat))

    def reuse(self, output: Output) -> None:
        """Keep an output as the last build made it, and say again what it said."""
        record = self.previous.outputs[output.path]
        self.state.outputs[output.path] = record
        self.report.problems.extend(problem_from_dict(p) for p in record.problems)
        self._count(output)

    def carry(self, output: Output, stale: bool = False) -> None:
        """Keep tracking an output that this build neither remade nor checked (a brief
        under --no-pdf): it stays, and a later build decides whether it is current.
        `stale`: known to be out of date, so that no later build takes it as current."""
        record = self.previous.outputs.get(output.path)
        if record is not None:
            self.state.outputs[output.path] = (dataclasses.replace(record, key="") if stale
                                               else record)
        else:  # after --clean: left alone, untracked, and remade by the next build with PDFs
            self.untracked.add(output.path)

    def written(self, output: Output, key: str, stat: list[int],
                problems: list[Problem] = (), notes: bool = False) -> None:
        """Record an output written (here or by a worker) from inputs with this key."""
        self.state.outputs[output.path] = OutputRecord(
            key, stat, output.group, [problem_to_dict(p) for p in problems], notes)
        self.report.made[output.kind] += 1
        self._count(output)

    def write(self, output: Output, data: str | bytes, key: str,
              problems: list[Problem] = (), notes: bool = False) -> bool:
        """Write and record an output; a failure (disk full, permissions) is reported,
        not raised, and leaves the previous file as it was."""
        try:
            self.out.write(output.path, data)
            self.written(output, key, stat_of(self.out.root / output.path), problems, notes)
            return True
        except OSError as exc:
            self.report.problems.append(write_failure(self.out.root / output.path, exc))
            return False

    def pdf_notes(self) -> PdfNotes | None:
        """What the workers need to note PDFs older than their pages: only when this build
        does not print them (a build that prints makes every PDF current)."""
        if self.options.pdf:
            return None
        return PdfNotes(self.keys.printing(self.project.config.pdf_variant),
                        self.printed_before)

    def clear_pdf_notes(self) -> None:
        """Empty the notes of pages whose PDFs this build printed again."""
        for path, record in list(self.state.outputs.items()):
            if record.notes:
                page = self.out.root / path
                try:
                    self.out.write(path, without_notes(page.read_text(encoding="utf-8")))
                    self.state.outputs[path] = dataclasses.replace(
                        record, stat=stat_of(page), notes=False)
                except OSError as exc:
                    self.report.problems.append(write_failure(page, exc))

    def remove(self, path: str) -> None:
        self.out.remove(path)
        self.state.outputs.pop(path, None)

    def _count(self, output: Output) -> None:
        self.report.current.setdefault(output.kind, []).append(output.group)

    def finish(self) -> None:
        self.report.built.sort()
        self.report.failed = sorted(set(self.report.failed))
        try:
            self.out.remove_temporary()
            if not self.options.only:
                self._sweep()
        except OSError as exc:
            self.report.problems.append(Problem(
                self.out.root, 0, 0, "", f"cannot remove old outputs: {exc.strerror or exc}",
                "fix the folder's permissions; the next build tries again", Severity.WARNING))
        self.keep_state(self._save_state)

    def _save_state(self) -> None:
        # `winback pdf SLUG` keeps every other account's summary; a build keeps those of
        # the accounts it built.
        keep = None if self.options.only else set(self.report.built)
        self.store.save(self.state, self.summaries, keep, self.forgotten)

    def _sweep(self) -> None:
        """Remove what an earlier build of this project wrote and this one neither made nor
        kept: pages of accounts and owners that are gone, theme files the theme no longer
        has. A file the build state does not list as ours is never touched."""
        for name in sorted(set(self.made_before) - set(self.state.outputs) - self.untracked):
            if unchanged(self.out.root / name, self.made_before[name]):
                self.out.remove(name)
                log.debug("removed %s, which nothing makes any more", name)

    def keep_state(self, change: Callable[[], None]) -> None:
        """Change the build state; failing (a read-only project, say) costs only the speed
        of the next build, and is said once."""
        try:
            change()
        except OSError as exc:
            if not any(p.path == self.store.folder for p in self.report.problems):
                self.report.problems.append(Problem(
                    self.store.folder, 0, 0, "", "cannot write the build state: "
                    f"{exc.strerror or exc}", "built without it; the next build redoes "
                    "everything", Severity.WARNING))


@dataclass(frozen=True)
class PdfNotes:
    """For a build that does not print: what each PDF on disk was printed from, to note on
    an account's pages the PDFs that no longer match them, or that were never made."""

    key: PrintKey
    printed: dict[str, str]  # a PDF's path -> the key of the page it was printed from

    def fill(self, pages: dict[str, str | bytes], slug: str, source: Path,
             root: Path) -> tuple[dict[str, str | bytes], list[str]]:
        """The pages with their notes, and which pages have one."""
        notes = {}
        for page, pdf in zip(account_pages(slug, source), account_prints(slug, source),
                             strict=True):
            if not (root / pdf.path).exists():
                notes[pdf.path] = MISSING
            elif self.printed.get(pdf.path) != self.key.of(pages[page.path]):
                notes[pdf.path] = STALE
        if not notes:
            return pages, []
        filled = {path: with_notes(html, notes) if isinstance(html, str) else html
                  for path, html in pages.items()}
        return filled, [path for path, html in filled.items() if html != pages[path]]


def write_failure(path: Path, exc: OSError) -> Problem:
    return Problem(path, 0, 0, "", f"cannot write: {exc.strerror or exc}",
                   "free some space or fix the folder's permissions; the previous file is kept")
