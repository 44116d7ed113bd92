"""Program: each account's pages (its dossier, letters and plan pages, and its email
drafts), made and written by worker processes from the accounts whose inputs changed;
the others are taken from the state.

A bad account is reported and skipped, or shown from its last good version (see
`generator.pipeline`); every other account is still built."""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass, field
from pathlib import Path

from generator.derive import BuildDate
from generator.eml import email_draft
from generator.engine.keys import SHARED
from generator.engine.run import PdfNotes, Printable, Run, write_failure
from generator.engine.state import (
    InputRecord, problem_from_dict, problem_to_dict, stat_of, summary_shape)
from generator.ics import account_events
from generator.load import reads
from generator.outputs import Output, account_emails, account_pages, account_prints
from generator.pipeline import (
    AccountTask, account_tasks, compile_account, for_each_account, internal, last_good)
from generator.portfolio import Summary, summarise
from generator.problems import Problem
from generator.project import NotBuilt, Project
from generator.render import MarkdownError, Renderer, RenderError
from generator.schema import Account
from generator.workers import report_progress
from generator.write import OutputDir

log = logging.getLogger("winback")


@dataclass(frozen=True)
class _Made:
    """What a worker made of one account."""

    path: Path
    problems: list[Problem]
    summary: Summary | None  # None when the account did not build
    templates: list[str] = field(default_factory=list)  # what its pages loaded
    written: dict[str, list[int]] = field(default_factory=dict)  # page -> size and time
    write_failed: bool = False
    drafts: list[str] = field(default_factory=list)  # the letters with an email draft
    noted: list[str] = field(default_factory=list)  # pages that say a PDF is older or missing
    kept: bytes = b""  # the summary as the state keeps it: dumped here, in the worker
    read: dict[str, str] = field(default_factory=dict)  # file -> digest of the bytes read


class AccountPages:
    """Program: each account's dossier and letters pages, made in workers from the
    accounts whose inputs changed; the others are taken from the state. Gives the
    summary of every account with pages, for the portfolio, when it is asked for."""

    def __init__(self, run: Run) -> None:
        self.run = run
        self.fresh: dict[str, Summary] = {}
        self.tasks: dict[str, AccountTask] = {}  # each with the history read once for all

    def make(self, files: list[Path], not_built: list[NotBuilt] = ()) -> None:
        run = self.run
        for file in not_built:
            self._not_built(file)
        stale: list[AccountTask] = []
        tasks, said = account_tasks(run.project, files)
        run.report.problems.extend(said)
        for task in tasks:
            self.tasks[task.path.stem] = task
            run.report.accounts += 1
            run.keys.read_history(task.path, task.history, task.history_note)
            previous = run.previous.accounts.get(task.path.stem)
            key = run.keys.key_now("", previous.depends) if previous else ""
            if not run.options.only and previous and previous.key == key and all(
                    run.current(page, key) for page in self._pages(task.path, previous)):
                self._reuse(task.path, previous)
            else:
                stale.append(task)
        if run.options.progress:
            run.options.progress.start(len(stale), "Dossiers")
        for_each_account(run.project, stale, _AccountWorker,
                         (run.project, run.when, run.options.strict, run.pdf_notes()),
                         run.options.jobs,
                         self._made, lambda task, problem: _Made(task.path, [problem], None))

    def _not_built(self, file: NotBuilt) -> None:
        """A file beside the accounts that is not built: said, and when it holds an account,
        that account failed (so the portfolio lists it), with nothing to keep or sweep."""
        run = self.run
        run.report.problems.append(file.problem)
        if file.problem.is_error:
            run.report.accounts += 1
            run.report.failed.append(file.name)
            run.state.accounts[file.name] = InputRecord(
                "", failed=file.problem.headline(run.project.root))

    def _pages(self, path: Path, record: InputRecord) -> tuple[Output, ...]:
        """The pages an account had: none when it failed without a last good version."""
        return () if record.failed and not record.kept else account_files(path.stem, path,
                                                                          record.drafts)

    def _reuse(self, path: Path, record: InputRecord) -> None:
        run, slug = self.run, path.stem
        run.state.accounts[slug] = record
        run.report.problems.extend(problem_from_dict(p) for p in record.problems)
        if record.failed:
            run.report.failed.append(slug)
        if record.kept:
            run.report.kept.append(slug)
        if not record.failed or record.kept:
            for page in account_files(slug, path, record.drafts):
                run.reuse(page)
            for brief in account_prints(slug, path):
                run.carry(brief)  # until the printed pages decide
            self._printable(slug, path)
            run.report.built.append(slug)

    def _made(self, made: _Made) -> None:
        run, slug = self.run, made.path.stem
        run.report.problems.extend(made.problems)
        blocking = [p for p in made.problems if p.is_error or run.options.strict]
        read = self._recorded(made)
        key = run.keys.key("", read)
        record = InputRecord(key, sorted(read), [problem_to_dict(p) for p in made.problems],
                             drafts=made.drafts)
        if made.write_failed:
            record = self._kept(made, made.problems[-1])
        elif made.summary is None and self.tasks[slug].history_refused:
            # git refuses the repository, so no last good version can be read: the last
            # build's pages stay rather than vanish.
            record = self._kept(made, (blocking or made.problems)[0])
        elif made.summary is None:
            # A dossier that no longer matches its file would mislead, and the build must
            # equal a clean one: its pages go (by the sweep), and its kept summary.
            record.failed = (blocking or made.problems)[0].headline(run.project.root)
            run.report.failed.append(slug)
            run.forgotten.add(slug)
        else:
            if blocking:  # the pages show the last good version: said on them
                record.failed = blocking[0].headline(run.project.root)
                record.kept = True
                run.report.failed.append(slug)
                run.report.kept.append(slug)
            self._written(made, key)
        run.state.accounts[slug] = record
        if run.options.progress:
            run.options.progress.advance()

    def _kept(self, made: _Made, why: Problem) -> InputRecord:
        """The account's pages as the last build left them (its pages could not be written,
        or made), tracked with a key that can never match: the next build tries again. The
        portfolio keeps listing the account from its kept summary, so that one full disk
        never empties the calendar."""
        run, slug = self.run, made.path.stem
        failed = why.headline(run.project.root)
        before = run.previous.accounts.get(slug)
        run.report.failed.append(slug)
        for output in account_prints(slug, made.path):
            run.carry(output)
        if before is None or (before.failed and not before.kept):
            return InputRecord("", failed=failed)
        for page in account_files(slug, made.path, before.drafts):
            if page.path in run.previous.outputs:
                run.reuse(page)
            else:
                run.carry(page)
        run.report.kept.append(slug)
        run.report.built.append(slug)
        self._printable(slug, made.path)
        return InputRecord("", before.depends, [problem_to_dict(p) for p in made.problems],
                           failed, kept=True,
                           drafts=before.drafts)

    def _recorded(self, made: _Made) -> dict[str, str]:
        """What the account's pages were made from, by name, with the digest of each as it
        was read: its file (as the worker's loader read it; as it is now when the worker
        died first), its git history, the templates, and what every output shares."""
        keys = self.run.keys
        files = {keys.file_input(path): value for path, value in made.read.items()}
        own = keys.file_input(made.path)
        if own not in files:
            files[own] = keys.of(own)
        history = keys.history_input(made.path)  # read for all as the build started
        return {SHARED: keys.of(SHARED), history: keys.of(history), **files,
                **keys.templates(made.templates)}

    def _written(self, made: _Made, key: str) -> None:
        run, slug = self.run, made.path.stem
        for page in account_files(slug, made.path, made.drafts):
            run.written(page, key, made.written[page.path], notes=page.path in made.noted)
        for brief in account_prints(slug, made.path):
            run.carry(brief)  # until the printed pages decide
        self.fresh[slug] = made.summary
        run.summaries[slug] = made.kept
        run.report.built.append(slug)
        run.report.rebuilt.append(slug)
        self._printable(slug, made.path)
        log.debug("wrote the pages of %s", slug)

    def _printable(self, slug: str, path: Path) -> None:
        for page, pdf in zip(account_pages(slug, path), account_prints(slug, path), strict=True):
            self.run.printable.append(Printable(pdf, page=page.path))

    def summaries(self) -> list[Summary]:
        """Every built account's summary: made now, kept from the last build, or, if the
        cache lost it, made again. Read only when the portfolio is remade."""
        run = self.run
        summaries = []
        for slug in run.report.built:
            summary = self.fresh.get(slug) or run.store.load_summary(slug)
            if summary is None:
                summary = _summary_again(run, self.tasks[slug])
                if summary is not None:
                    run.summaries[slug] = summary_shape().dump_json(summary)
            if summary is not None:
                summaries.append(summary)
        return summaries


def _summary_again(run: Run, task: AccountTask) -> Summary | None:
    dossier, _problems = compile_account(run.project, task.path, run.when, run.options.strict,
                                         task.history, task.history_note)
    if dossier is None:
        return None
    return summarise(dossier, account_events(dossier, run.project.bank.agenda.meeting_minutes))


class _AccountWorker:
    """Loads, validates, derives, renders and writes one account at a time, in a worker
    process. Writing here, not in the parent, spreads the file creation (much of a cold
    build) over the workers too."""

    def __init__(self, project: Project, when: BuildDate, strict: bool,
                 notes: PdfNotes | None) -> None:
        self.project, self.when, self.strict, self.notes = project, when, strict, notes
        self.renderer = Renderer(project)
        self.out = OutputDir(project.output_dir)

    def run(self, task: AccountTask) -> _Made:
        report_progress(0)
        with reads() as read:  # what the pages are made from, as the loader reads it
            made = self._make(task)
        return dataclasses.replace(made, read=read)

    def _make(self, task: AccountTask) -> _Made:
        dossier, problems = compile_account(self.project, task.path, self.when, self.strict,
                                            task.history, task.history_note)
        if dossier is None:
            return _Made(task.path, problems, None)
        lines = markdown_lines(dossier.account)
        self.renderer.on_markdown = lambda text: report_progress(lines.get(text, 0))
        self.renderer.used()
        try:
            pages, events, drafted = self._pages(dossier, task.path)
        except RenderError as exc:  # made again when a template it loaded changes
            return _Made(task.path, [*problems, exc.problem], None,
                         self.renderer.used())
        except MarkdownError as exc:
            line = lines.get(exc.text) or next(  # or the account text it was made from
                (number for text, number in lines.items() if text and text in exc.text), 0)
            problem = Problem(task.path, line, 1 if line else 0, "", exc.message, exc.hint)
            problems = [*problems, problem]
            made = self._last_good_pages(task, problem)
            if made is None:
                return _Made(task.path, problems, None)
            dossier, (pages, events, drafted) = made
        except Exception as exc:  # noqa: BLE001 - one account's trouble must stay its own
            return _Made(task.path, [*problems, internal(task.path, "rendering", exc)],
                         None)
        templates = self.renderer.used()
        noted: list[str] = []
        if self.notes is not None:
            pages, noted = self.notes.fill(pages, dossier.slug, task.path, self.out.root)
        written: dict[str, list[int]] = {}
        for name, html in pages.items():
            try:
                self.out.write(name, html)
                written[name] = stat_of(self.out.root / name)
            except OSError as exc:
                return _Made(task.path, [*problems, write_failure(self.out.root / name, exc)],
                             None, templates, write_failed=True)
        summary = summarise(dossier, events)
        return _Made(task.path, problems, summary, templates, written,
                     drafts=[letter.key for letter in drafted], noted=noted,
                     kept=summary_shape().dump_json(summary))

    def _pages(self, dossier, source: Path) -> tuple[dict[str, str | bytes], list, list]:
        """An account's pages by output path, its calendar events and its drafted letters."""
        dossier_page, letters_page, plan_page = account_pages(dossier.slug, source)
        pages: dict[str, str | bytes] = {
            dossier_page.path: self.renderer.dossier(dossier),
            letters_page.path: self.renderer.letters(dossier),
            plan_page.path: self.renderer.plan(dossier)}
        drafted = [letter for letter in dossier.letters if letter.drafted]
        for output, letter in zip(account_emails(dossier.slug, source,
                                                 [x.key for x in drafted]), drafted, strict=True):
            pages[output.path] = email_draft(letter, self.project.config)
        return pages, account_events(dossier, self.project.bank.agenda.meeting_minutes), drafted

    def _last_good_pages(self, task: AccountTask, problem: Problem):
        """A file that only rendering finds wrong (a page past its size bound) keeps its
        pages as for any other error: the last committed good version's, marked out of
        date; None when git has none, or it cannot be rendered either."""
        older = last_good(self.project, task.path, self.when, self.strict, task.history,
                          problem)
        if older is None:
            return None
        try:
            return older, self._pages(older, task.path)
        except Exception:  # noqa: BLE001 - then there is no last good version to show
            return None


def account_files(slug: str, source: Path, drafts: list[str]) -> tuple[Output, ...]:
    """What a worker writes for an account: its pages, and the email drafts of the letters
    it has to send."""
    return (*account_pages(slug, source), *account_emails(slug, source, drafts))


def markdown_lines(account: Account) -> dict[str, int]:
    """Each Markdown text of an account, by the line it starts at."""
    lines: dict[str, int] = {account.intro: account.intro_line}
    for section in [*account.sections.values(), *account.notes]:
        lines.setdefault(section.markdown, section.line)
        for entry in section.entries:
            lines.setdefault(entry.text, entry.line)
    return lines
