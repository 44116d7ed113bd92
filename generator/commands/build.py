"""`winback build` and `winback pdf`: the accounts, the portfolio, the theme and the
printed pages, each a program over outputs (`generator.outputs`).

A bad account is reported and skipped (or shown from its last good version, see
`generator.pipeline`); every other account is still built, and the portfolio
lists the accounts with errors so nobody mistakes silence for "nothing to see".
Rebuilds are incremental (`generator.cache`): only what has new inputs is redone.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import logging
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from generator import paths
from generator.cache import (
    Cache,
    InputRecord,
    OutputRecord,
    State,
    digest,
    problem_from_dict,
    problem_to_dict,
    stat_of,
    unchanged,
)
from generator.derive import BuildDate, BuildDateError, build_date
from generator.eml import email_draft
from generator.ics import account_events, calendar
from generator.load import is_regular
from generator.outputs import (
    KINDS,
    PORTFOLIO,
    THEME,
    Fingerprints,
    Output,
    account_emails,
    account_pages,
    account_prints,
    PrintKey,
)
from generator.pdfnotes import MISSING, STALE, linked, with_notes, without_notes
from generator.pdf import PdfJob, PdfResult, PdfSettings, render_all
from generator.pipeline import (
    AccountTask,
    account_tasks,
    compile_account,
    for_each_account,
    internal,
    last_good,
)
from generator.portfolio import (
    FailedAccount,
    Portfolio,
    Summary,
    owner_spelling_problems,
    portfolio,
    summarise,
)
from generator.problems import Problem, Severity, did_you_mean, display_path
from generator.project import NotBuilt, Project, builtin_theme, folder_link_problem
from generator.render import MarkdownError, Renderer, RenderError, theme_files
from generator.schema import Account
from generator.text import joined, plural
from generator.workers import report_progress
from generator.write import OutputDir, claimed, refusal

log = logging.getLogger("winback")

DATE_HINT = ("set SOURCE_DATE_EPOCH to seconds since 1970 (e.g. 1795651200), or give "
             "--today YYYY-MM-DD")


class Progress(Protocol):
    """Told how much a stage has to do, then once per item done (a terminal bar, say)."""

    def start(self, total: int, label: str) -> None: ...

    def advance(self) -> None: ...


@dataclass
class BuildOptions:
    strict: bool = False
    today: dt.date | None = None
    pdf: bool = True
    jobs: int = 1
    only: tuple[str, ...] = ()  # slugs; empty means every account, plus the portfolio
    clean: bool = False  # ignore the build state: rebuild everything
    force: bool = False  # build into an output folder that holds files no build of ours made
    progress: Progress | None = None


@dataclass
class BuildReport:
    output_dir: Path
    accounts: int = 0
    built: list[str] = field(default_factory=list)  # accounts with current pages
    kept: list[str] = field(default_factory=list)  # of the failed, those showing a last good one
    rebuilt: list[str] = field(default_factory=list)  # accounts whose pages were made this run
    failed: list[str] = field(default_factory=list)
    current: dict[str, list[str]] = field(default_factory=dict)  # kind -> groups, current
    made: Counter = field(default_factory=Counter)  # kind -> outputs made in this run
    problems: list[Problem] = field(default_factory=list)
    stopped: str = ""  # why nothing was built, when the build stopped before the accounts
    pdf_engine: str = ""  # why no PDF could be made at all (a missing system library)

    @property
    def pdfs(self) -> list[str]:
        return sorted(self.current.get("brief", []))

    @property
    def letter_pdfs(self) -> list[str]:
        return sorted(self.current.get("letters-pdf", []))

    @property
    def plan_pdfs(self) -> list[str]:
        return sorted(self.current.get("plan-pdf", []))

    @property
    def portfolio_pdf(self) -> bool:
        return bool(self.current.get("portfolio-pdf"))

    @property
    def warnings(self) -> int:
        return sum(1 for p in self.problems if not p.is_error)

    @property
    def ok(self) -> bool:
        return not self.failed and not any(p.is_error for p in self.problems)


def build(project: Project, options: BuildOptions | None = None) -> BuildReport:
    """The accounts, then the portfolio, the theme and the printed pages."""
    options = options or BuildOptions()
    report = BuildReport(project.output_dir, problems=list(project.problems))
    if not project.ok:
        report.stopped = "fix the project's settings first"  # every page would be wrong
        return report
    try:
        when = build_date(options.today)
    except BuildDateError as exc:
        return _stop(report, Problem(project.root, 0, 0, "", str(exc), DATE_HINT),
                     "no date to build for")
    missing = project.missing_accounts()
    if missing is not None:
        return _stop(report, missing, "the accounts folder is missing")
    refused = output_refusal(project, options.force)
    if refused is not None:
        return _stop(report, refused, "the output folder is refused")
    with _output_folder(project, report) as mine:
        if mine:
            run = Run(project, options, when, report)
            accounts = AccountPages(run)
            accounts.make(*_selected_files(project, options.only, report))
            if not options.only:
                PortfolioPages(run).make(accounts.summaries)
            ThemeFiles(run).make()
            if options.pdf:
                PrintedPages(run).make()
                run.clear_pdf_notes()
            run.finish()
    return report


def output_refusal(project: Project, force: bool = False) -> Problem | None:
    """Why the project must not build into (or serve) its output folder, if it must not."""
    linked = folder_link_problem(project)
    if linked is not None:
        return linked
    cache = Cache(project)
    sources = (project.root / paths.CONTENT, project.templates_dir,
               project.root / paths.ARCHETYPES, cache.folder.parent, builtin_theme())
    why = refusal(project.output_dir, project.root, [folder.resolve() for folder in sources],
                  cache.state_file.exists(), force)
    return Problem(project.output_dir, 0, 0, "", *why) if why else None


@contextlib.contextmanager
def _output_folder(project: Project, report: BuildReport) -> Iterator[bool]:
    """Hold the output folder for this build; False (and said) when it cannot be."""
    with contextlib.ExitStack() as stack:
        try:
            mine = stack.enter_context(claimed(project.output_dir, project.root))
        except OSError as exc:
            _stop(report, Problem(project.output_dir, 0, 0, "", "cannot write the output "
                                  f"folder: {exc.strerror or exc}", "choose a folder you can "
                                  "write to, with --out or output_dir in winback.yaml"),
                  "the output folder cannot be written")
            yield False
            return
        if not mine:
            _stop(report, Problem(project.output_dir, 0, 0, "", "another winback build is "
                                  "writing this folder", "wait for it to finish, or build "
                                  "into another folder with --out"), "the output folder is busy")
        yield mine


def _stop(report: BuildReport, problem: Problem, why: str) -> BuildReport:
    report.problems.append(problem)
    report.stopped = why
    return report


def _selected_files(project: Project, only: tuple[str, ...],
                    report: BuildReport) -> tuple[list[Path], list[NotBuilt]]:
    """The account files to build, and the files beside them that are not built; with
    `only`, those the slugs name."""
    folder = project.scan_accounts()
    if not only:
        return folder.accounts, folder.not_built
    by_slug = {path.stem: path for path in folder.accounts}
    not_built = [n for n in folder.not_built if n.problem.is_error and n.slug in only]
    for slug in only:
        if slug not in by_slug and all(n.slug != slug for n in not_built):
            report.problems.append(Problem(project.accounts_dir, 0, 0, "", f"no account '{slug}'",
                                           did_you_mean(slug, sorted(by_slug))))
    return [by_slug[slug] for slug in sorted(set(only)) if slug in by_slug], not_built


# --- what the programs share ---------------------------------------------------------


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
        self.cache = Cache(project)
        before = self.cache.load()
        # What the PDFs on disk were printed from, even after --clean: a page must not
        # call a PDF current, or older, without knowing.
        self.printed_before = {path: record.key for path, record in before.outputs.items()
                               if path.endswith(".pdf")}
        # What the sweep may remove: files of ours, as written, and nothing else.
        self.made_before = {path: record.stat for path, record in before.outputs.items()}
        if options.clean:
            self.keep_state(self.cache.clear)
            self.cache.loaded = None  # nothing saved now: the next save must write
        self.previous = State() if options.clean else before
        if self.cache.damaged and not options.clean:
            report.problems.append(Problem(
                self.cache.state_file, 0, 0, "", f"the build state {self.cache.damaged}",
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
        if not self.options.only:
            self.cache.sweep(set(self.report.built))
        self.cache.save(self.state)

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
            if not any(p.path == self.cache.folder for p in self.report.problems):
                self.report.problems.append(Problem(
                    self.cache.folder, 0, 0, "", "cannot write the build state: "
                    f"{exc.strerror or exc}", "built without it; the next build redoes "
                    "everything", Severity.WARNING))


# --- the account pages -----------------------------------------------------------------


@dataclass(frozen=True)
class _Made:
    """What a worker made of one account."""

    path: Path
    key: str  # the fingerprint of its inputs; with its templates once back from the worker
    problems: list[Problem]
    summary: Summary | None  # None when the account did not build
    templates: list[str] = field(default_factory=list)  # what its pages loaded
    written: dict[str, list[int]] = field(default_factory=dict)  # page -> size and time
    write_failed: bool = False
    drafts: list[str] = field(default_factory=list)  # the letters with an email draft
    noted: list[str] = field(default_factory=list)  # pages that say a PDF is older or missing


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
            previous = run.previous.accounts.get(task.path.stem)
            inputs = run.keys.account_inputs(_read_bytes(task.path), task.history,
                                             task.history_note)
            key = run.keys.key(inputs, previous.templates if previous else [])
            if not run.options.only and previous and previous.key == key and all(
                    run.current(page, key) for page in self._pages(task.path, previous)):
                self._reuse(task.path, previous)
            else:
                stale.append(AccountTask(task.path, task.history, task.history_note, inputs))
        if run.options.progress:
            run.options.progress.start(len(stale), "Dossiers")
        for_each_account(run.project, stale, _AccountWorker,
                         (run.project, run.when, run.options.strict, run.pdf_notes()),
                         run.options.jobs,
                         self._made, lambda task, problem: _Made(task.path, task.key, [problem],
                                                                 None))

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
        made = dataclasses.replace(made, key=run.keys.key(made.key, made.templates))
        record = InputRecord(made.key, made.templates,
                             [problem_to_dict(p) for p in made.problems], drafts=made.drafts)
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
            run.cache.forget(slug)
        else:
            if blocking:  # the pages show the last good version: said on them
                record.failed = blocking[0].headline(run.project.root)
                record.kept = True
                run.report.failed.append(slug)
                run.report.kept.append(slug)
            self._written(made)
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
        return InputRecord("", before.templates, [problem_to_dict(p) for p in made.problems],
                           failed, kept=True,
                           drafts=before.drafts)

    def _written(self, made: _Made) -> None:
        run, slug = self.run, made.path.stem
        for page in account_files(slug, made.path, made.drafts):
            run.written(page, made.key, made.written[page.path], notes=page.path in made.noted)
        for brief in account_prints(slug, made.path):
            run.carry(brief)  # until the printed pages decide
        self.fresh[slug] = made.summary
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
            summary = self.fresh.get(slug) or run.cache.load_summary(slug)
            if summary is None:
                summary = _summary_again(run, self.tasks[slug])
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
        self.cache = Cache(project)

    def run(self, task: AccountTask) -> _Made:
        report_progress(0)
        dossier, problems = compile_account(self.project, task.path, self.when, self.strict,
                                            task.history, task.history_note)
        if dossier is None:
            return _Made(task.path, task.key, problems, None)
        lines = markdown_lines(dossier.account)
        self.renderer.on_markdown = lambda text: report_progress(lines.get(text, 0))
        self.renderer.used()
        try:
            pages, events, drafted = self._pages(dossier, task.path)
        except RenderError as exc:  # made again when a template it loaded changes
            return _Made(task.path, task.key, [*problems, exc.problem], None,
                         self.renderer.used())
        except MarkdownError as exc:
            line = lines.get(exc.text) or next(  # or the account text it was made from
                (number for text, number in lines.items() if text and text in exc.text), 0)
            problem = Problem(task.path, line, 1 if line else 0, "", exc.message, exc.hint)
            problems = [*problems, problem]
            made = self._last_good_pages(task, problem)
            if made is None:
                return _Made(task.path, task.key, problems, None)
            dossier, (pages, events, drafted) = made
        except Exception as exc:  # noqa: BLE001 - one account's trouble must stay its own
            return _Made(task.path, task.key, [*problems, internal(task.path, "rendering", exc)],
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
                return _Made(task.path, task.key,
                             [*problems, write_failure(self.out.root / name, exc)], None,
                             write_failed=True)
        summary = summarise(dossier, events)
        with contextlib.suppress(OSError):  # without it the portfolio makes it again
            self.cache.save_summary(summary)
        return _Made(task.path, task.key, problems, summary, templates, written,
                     drafts=[letter.key for letter in drafted], noted=noted)

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


# --- the portfolio ------------------------------------------------------------------------


class PortfolioPages:
    """Program: the index, each owner's page, the calendar, and the printed portfolio's
    pages, from the accounts' summaries; all taken from the state when no account's
    inputs changed."""

    def __init__(self, run: Run) -> None:
        self.run = run

    def make(self, summaries: Callable[[], list[Summary]]) -> None:
        run = self.run
        accounts = {slug: f"{record.key}:{record.failed}:{record.kept}"
                    for slug, record in run.state.accounts.items()}
        previous = run.previous.portfolio
        inputs = run.keys.portfolio_inputs(accounts, run.project.config.pdf_variant)
        key = run.keys.key(inputs, previous.templates if previous else [])
        outputs = [Output(path, _kind(path), PORTFOLIO, run.project.accounts_dir)
                   for path in run.previous.of(PORTFOLIO)]
        if previous and previous.key == key and self._whole(outputs) and all(
                run.current(output, run.previous.outputs[output.path].key)
                for output in outputs):
            run.state.portfolio = previous
            run.report.problems.extend(problem_from_dict(p) for p in previous.problems)
            for output in outputs:
                if KINDS[output.kind].pdf and not run.options.pdf:
                    run.carry(output)
                else:
                    run.reuse(output)
            return
        try:
            summary = portfolio(summaries(), self._failed(), run.project.config, run.when)
        except Exception as exc:  # noqa: BLE001 - reported; the accounts' pages stand
            run.report.problems.append(internal(run.project.accounts_dir, "making the "
                                                "portfolio", exc))
            return
        self._make(summary, inputs)

    def _whole(self, outputs: list[Output]) -> bool:
        """Every page has its PDF, when PDFs are wanted: a build without them left none."""
        have = {output.path for output in outputs}
        pages = [o.path for o in outputs if o.kind == "owner"]
        return not self.run.options.pdf or (
            paths.PORTFOLIO_PDF in have
            and all(page[:-len(".html")] + ".pdf" in have for page in pages))

    def _make(self, summary: Portfolio, inputs: str) -> None:
        run = self.run
        record = InputRecord(inputs)  # the key, once the templates are known
        for problem in owner_spelling_problems(summary.accounts):
            record.problems.append(problem_to_dict(problem))
            run.report.problems.append(problem)
        run.renderer.used()
        source = run.project.accounts_dir
        # Each page is made and written on its own: one that fails is reported, the others
        # are still written, and the next build tries again.
        for output, make in self._pages(summary, source):
            if KINDS[output.kind].pdf and not run.options.pdf:
                run.carry(output, stale=True)  # kept as it is until a build with PDFs
                continue
            try:
                data = make()
            except RenderError as exc:
                run.report.problems.append(exc.problem)
                record.key = ""
                continue
            except Exception as exc:  # noqa: BLE001 - one page must not cost the others
                run.report.problems.append(internal(source, f"making {output.path}", exc))
                record.key = ""
                continue
            if KINDS[output.kind].pdf:
                run.printable.append(Printable(output, html=data))
                run.carry(output)
                continue
            notes = {} if run.options.pdf or not isinstance(data, str) else self._unprinted(data)
            if not run.write(output, with_notes(data, notes) if notes else data, inputs,
                             notes=bool(notes)):
                record.key = ""
        record.templates = run.renderer.used()
        if record.key:
            record.key = run.keys.key(inputs, record.templates)
        run.state.portfolio = record

    def _pages(self, summary: Portfolio, source: Path):
        run = self.run
        yield Output(paths.INDEX, "index", PORTFOLIO, source), lambda: run.renderer.index(summary)
        yield (Output(paths.CALENDAR, "calendar", PORTFOLIO, source),
               lambda: calendar(summary.title, [d.events for d in sorted(
                   summary.accounts, key=lambda d: d.slug)]))
        yield (Output(paths.PORTFOLIO_PDF, "portfolio-pdf", PORTFOLIO, source),
               lambda: run.renderer.portfolio_print(summary))
        for owner in summary.owners:
            yield (Output(paths.owner(owner.slug), "owner", PORTFOLIO, source),
                   lambda owner=owner: run.renderer.owner(owner, summary))
            yield (Output(paths.owner_pdf(owner.slug), "owner-pdf", PORTFOLIO, source),
                   lambda owner=owner: run.renderer.owner_print(owner, summary))

    def _unprinted(self, page: str) -> dict[str, str]:
        """The notes of a portfolio page made without its PDFs: every one it links is older
        than it (the PDFs are remade with the pages), or was never printed."""
        root = self.run.out.root
        return {pdf: STALE if (root / pdf).exists() else MISSING for pdf in linked(page)}

    def _failed(self) -> list[FailedAccount]:
        run = self.run
        return [FailedAccount(slug, str(display_path(paths.account_file(run.project.root, slug),
                                                     run.project.root)), record.failed,
                              record.kept)
                for slug, record in sorted(run.state.accounts.items()) if record.failed]


def _kind(path: str) -> str:
    """The kind of a portfolio output, from its path."""
    if path.startswith(f"{paths.OWNER_PAGES}/"):
        return "owner-pdf" if path.endswith(".pdf") else "owner"
    return {paths.INDEX: "index", paths.CALENDAR: "calendar",
            paths.PORTFOLIO_PDF: "portfolio-pdf"}[path]


# --- the theme, and the printed pages ---------------------------------------------------


class ThemeFiles:
    """Program: the theme's static files (CSS, script, fonts), copied to assets/."""

    def __init__(self, run: Run) -> None:
        self.run = run

    def make(self) -> None:
        for name, data in self.run.theme.items():
            output = Output(name, "asset", THEME, builtin_theme())
            key = digest(data)
            if self.run.current(output, key):
                self.run.reuse(output)
            else:
                self.run.write(output, data, key)


class PrintedPages:
    """Program: the PDF of every page to print whose HTML (or the theme, or WeasyPrint)
    changed since its PDF was made, rendered by workers."""

    def __init__(self, run: Run) -> None:
        self.run = run
        self.warned: set[str] = set()  # theme CSS warnings repeat for every PDF: said once
        self.refused: set[tuple[Path, str]] = set()

    def make(self) -> None:
        run = self.run
        variant = run.project.config.pdf_variant
        todo: dict[str, tuple[Output, str]] = {}
        jobs = []
        for printable in run.printable:
            html = printable.html or (run.out.root / printable.page).read_text(encoding="utf-8")
            key = run.keys.printed(html, variant)
            if run.current(printable.pdf, key):
                run.reuse(printable.pdf)
                continue
            base = run.out.target(printable.page or printable.pdf.path)
            todo[printable.pdf.path] = (printable.pdf, key)
            jobs.append(PdfJob(printable.pdf.path, without_notes(html), base.as_uri()))
        settings = PdfSettings(
            allowed_roots=(run.project.root, run.out.root, builtin_theme().resolve()),
            variant=variant, time_limit=run.project.config.pdf_time_limit)
        if run.options.progress:
            run.options.progress.start(len(jobs), "PDFs")
        render_all(jobs, settings, run.options.jobs,
                   lambda result: self._made(result, *todo[result.slug]))

    def _made(self, result: PdfResult, output: Output, key: str) -> None:
        run = self.run
        problems = self._warnings(result, output)
        run.report.problems.extend(problems)
        if result.engine:  # no page can be printed here: said once, not for each page
            run.report.pdf_engine = result.engine
            run.remove(output.path)
        elif result.data is None:
            run.report.problems.append(Problem(output.source, 0, 0, "pdf", result.error,
                                               result.hint))
            run.report.failed.append(output.group)
            run.remove(output.path)
        elif not run.write(output, result.data, key, problems):
            run.report.failed.append(output.group)
        else:
            log.debug("wrote %s", output.path)
        if run.options.progress:
            run.options.progress.advance()

    def _warnings(self, result: PdfResult, output: Output) -> list[Problem]:
        problems = []
        for url, why in result.refused:
            if (output.source, url) not in self.refused:  # a brief and its letters share it
                self.refused.add((output.source, url))
                problems.append(Problem(output.source, 0, 0, "pdf",
                                        f"refused to fetch '{url}': {why}",
                                        "reference only files inside the project",
                                        Severity.WARNING))
        for message in sorted(set(result.warnings) - self.warned):
            self.warned.add(message)
            problems.append(Problem(output.source, 0, 0, "pdf", f"WeasyPrint: {message}", "",
                                    Severity.WARNING))
        return problems


def write_failure(path: Path, exc: OSError) -> Problem:
    return Problem(path, 0, 0, "", f"cannot write: {exc.strerror or exc}",
                   "free some space or fix the folder's permissions; the previous file is kept")


def _read_bytes(path: Path) -> bytes:
    if not is_regular(path):
        return b""  # a pipe would never end; loading reports what the file is
    try:
        return path.read_bytes()
    except OSError:
        return b""


def summary_line(report: BuildReport) -> str:
    """What is built, from the outputs: '10 dossiers, 10 PDF briefs with their letters and
    plans, the portfolio PDF and 10 owner PDFs'."""
    current = {kind: len(groups) for kind, groups in report.current.items()}
    dossiers = current.get("dossier", 0) - len(report.kept)
    parts = [f"{dossiers:,} of {report.accounts:,} dossiers" if not report.ok
             else plural(dossiers, KINDS["dossier"].noun, KINDS["dossier"].plural)]
    briefs = current.get("brief", 0)
    together = briefs and current.get("letters-pdf") == current.get("plan-pdf") == briefs
    for kind in KINDS.values():
        if not (kind.counted and kind.pdf and current.get(kind.key)):
            continue
        if kind.key == "portfolio-pdf":
            parts.append("the portfolio PDF")
        elif kind.key == "brief" and together:
            parts.append(plural(briefs, kind.noun, kind.plural) + " with their letters and plans")
        elif not (together and kind.key in ("letters-pdf", "plan-pdf")):
            parts.append(plural(current[kind.key], kind.noun, kind.plural))
    return joined(parts)


def remade_line(report: BuildReport) -> str:
    """' (2 dossiers and 3 PDFs remade)' when the build kept some of what it had made."""
    pdfs_made = sum(n for kind, n in report.made.items() if KINDS[kind].pdf)
    pdfs = sum(len(groups) for kind, groups in report.current.items() if KINDS[kind].pdf)
    if len(report.rebuilt) == len(report.built) and pdfs_made == pdfs:
        return ""
    if not report.rebuilt and not pdfs_made:
        return " (no dossier or PDF remade)"
    return f" ({plural(len(report.rebuilt), 'dossier')} and {plural(pdfs_made, 'PDF')} remade)"
