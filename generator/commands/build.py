"""`winback build` and `winback pdf`: load -> validate -> derive -> render -> write.

A bad account is reported and skipped; every other account is still built,
and the portfolio lists the skipped ones so nobody mistakes silence for
"nothing to see". Rebuilds are incremental (`generator.cache`): only what has
new inputs is redone. Dossiers and then PDF briefs are made by workers
(`generator.workers`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from generator.cache import (
    Cache,
    Fingerprints,
    Record,
    State,
    problem_from_dict,
    problem_to_dict,
    stat_of,
    unchanged,
)
from generator.derive import BuildDate, BuildDateError, Dossier, build_date
from generator.history import FileHistory, RepoHistory, read_history
from generator.ics import account_events, calendar
from generator.load import is_regular
from generator.pdf import PdfJob, PdfResult, PdfSettings, render_all
from generator.portfolio import FailedAccount, owner_spelling_problems, portfolio
from generator.problems import Problem, Severity, did_you_mean, display_path
from generator.project import Project, builtin_theme
from generator.render import MarkdownError, RenderError, Renderer, theme_files
from generator.pipeline import INTERNAL_HINT, compile_account, internal
from generator.schema import Account
from generator.workers import Failure, report_progress, run_all
from generator.write import OutputDir, claimed, refusal

log = logging.getLogger("winback")

PORTFOLIO = "portfolio"  # the portfolio's key among the pages; account slugs are the others
LETTERS_PDF = "-letters.pdf"
DATE_HINT = ("set SOURCE_DATE_EPOCH to seconds since 1970 (e.g. 1795651200), or give "
             "--today YYYY-MM-DD")
POOL_THRESHOLD = 40  # fewer dossiers than this share one worker: starting more costs more
SLOW_HINT = ("shorten the section; look for long runs of brackets, '&#...;' references or deep "
             "nesting; or raise dossier_time_limit in winback.yaml")


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
    built: list[str] = field(default_factory=list)  # slugs with a current dossier
    kept: list[str] = field(default_factory=list)  # of the failed, those showing a last good one
    rebuilt: list[str] = field(default_factory=list)  # of those, made in this run
    pdfs: list[str] = field(default_factory=list)  # slugs with a current brief
    letter_pdfs: list[str] = field(default_factory=list)  # slugs with current letters
    pdfs_made: int = 0  # briefs (the portfolio's included) rendered in this run
    portfolio_pdf: bool = False
    failed: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    stopped: str = ""  # why nothing was built, when the build stopped before the accounts

    @property
    def warnings(self) -> int:
        return sum(1 for p in self.problems if not p.is_error)

    @property
    def ok(self) -> bool:
        return not self.failed and not any(p.is_error for p in self.problems)


@dataclass(frozen=True)
class PrintPage:
    """A page to print as PDF, the record it belongs to (an account's slug, or the
    portfolio's), and the file its problems are reported against."""

    record: str
    source: Path
    html_path: str
    pdf_path: str

    @property
    def is_letters(self) -> bool:
        return self.pdf_path.endswith(LETTERS_PDF)


def account_outputs(slug: str) -> dict[str, str]:
    """An account's pages and their PDFs, by the name of the page."""
    return {f"accounts/{slug}.html": f"accounts/{slug}.pdf",
            f"accounts/{slug}-letters.html": f"accounts/{slug}{LETTERS_PDF}"}


def build(project: Project, options: BuildOptions | None = None) -> BuildReport:
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
    refused = output_refusal(project, options.force)
    if refused is not None:
        return _stop(report, refused, "the output folder is refused")
    with contextlib.ExitStack() as stack:
        try:
            mine = stack.enter_context(claimed(project.output_dir, project.root))
        except OSError as exc:
            return _stop(report, Problem(
                project.output_dir, 0, 0, "", "cannot write the output folder: "
                f"{exc.strerror or exc}", "choose a folder you can write to, with --out or "
                "output_dir in winback.yaml"), "the output folder cannot be written")
        if not mine:
            return _stop(report, Problem(
                project.output_dir, 0, 0, "", "another winback build is writing this folder",
                "wait for it to finish, or build into another folder with --out"),
                "the output folder is busy")
        run = _Run(project, options, when, report)
        run.accounts(_selected_files(project, options.only, report))
        if not options.only:
            run.remove_deleted()
            run.portfolio()
        run.assets()
        if options.pdf:
            run.pdfs()
        run.finish()
    return report


def output_refusal(project: Project, force: bool = False) -> Problem | None:
    """Why the project must not build into (or serve) its output folder, if it must not."""
    cache = Cache(project)
    sources = (project.root / "content", project.templates_dir, project.root / "archetypes",
               cache.folder.parent, builtin_theme())
    why = refusal(project.output_dir, project.root, [folder.resolve() for folder in sources],
                  cache.state_file.exists(), force)
    return Problem(project.output_dir, 0, 0, "", *why) if why else None


def _stop(report: BuildReport, problem: Problem, why: str) -> BuildReport:
    report.problems.append(problem)
    report.stopped = why
    return report


def _selected_files(project: Project, only: tuple[str, ...], report: BuildReport) -> list[Path]:
    files = project.account_files()
    if not only:
        return files
    by_slug = {path.stem: path for path in files}
    for slug in only:
        if slug not in by_slug:
            report.problems.append(Problem(project.accounts_dir, 0, 0, "", f"no account '{slug}'",
                                           did_you_mean(slug, sorted(by_slug))))
    return [by_slug[slug] for slug in sorted(set(only)) if slug in by_slug]


class _Run:
    """One build: what is stale is redone, what is not is taken from the state."""

    def __init__(self, project: Project, options: BuildOptions, when: BuildDate,
                 report: BuildReport) -> None:
        self.project, self.options, self.report = project, options, report
        self.when = when
        self.renderer = Renderer(project)
        self.out = OutputDir(project.output_dir)
        self.cache = Cache(project)
        if options.clean:
            self._keep(self.cache.clear)
        self.previous = State() if options.clean else self.cache.load()
        if self.cache.damaged:
            self.report.problems.append(Problem(
                self.cache.state_file, 0, 0, "", f"the build state {self.cache.damaged}",
                "nothing to do: this build starts afresh and saves a sound one",
                Severity.WARNING))
        # `winback pdf SLUG` redoes some accounts and leaves the rest of the state as it was.
        self.state = (State(dict(self.previous.accounts), self.previous.portfolio)
                      if options.only else State())
        self.theme = theme_files(self.renderer)  # read once: fingerprinted, then written
        self.keys = Fingerprints(project, self.renderer.env, self.theme, self.when,
                                 options.strict)
        self.repo: RepoHistory | None = None
        self.fresh: dict[str, Dossier] = {}
        self.fresh_events: dict[str, bytes] = {}
        self.print_pages: list[PrintPage] = []

    # --- accounts ---------------------------------------------------------------

    def accounts(self, paths: list[Path]) -> None:
        self.repo = repo = read_history(self.project.accounts_dir) if paths else None
        stale: list[_AccountTask] = []
        for path in paths:
            self.report.accounts += 1
            history = repo.of(path) if repo else None
            note = repo.reason if repo else ""
            key = self.keys.account(_read_bytes(path), history, note)
            record = self.previous.accounts.get(path.stem)
            if (not self.options.only and record and record.key == key
                    and unchanged(record.outputs, self.out.root)):
                self._reuse(path, record)
            else:
                stale.append(_AccountTask(path, key, history, note))
        workers = self.options.jobs if len(stale) >= POOL_THRESHOLD else 1
        if self.options.progress:
            self.options.progress.start(len(stale), "Dossiers")
        run_all(stale, _AccountWorker, (self.project, self.when, self.options.strict), workers,
                self.project.config.dossier_time_limit, self._made, _account_failed)

    def _reuse(self, path: Path, record: Record) -> None:
        self.state.accounts[path.stem] = record
        self.report.problems.extend(problem_from_dict(p) for p in record.problems)
        if record.failed:
            self.report.failed.append(path.stem)
        if record.kept:
            self.report.kept.append(path.stem)
        if not record.failed or record.kept:
            self.report.built.append(path.stem)
            self._print(path.stem, path)

    def _made(self, result: _AccountResult) -> None:
        slug = result.path.stem
        self.report.problems.extend(result.problems)
        blocking = [p for p in result.problems if p.is_error or self.options.strict]
        record = Record(result.key, problems=[problem_to_dict(p) for p in result.problems])
        if result.write_failed:
            # Keep tracking the old pages, and a key that can never match, so the next
            # build tries again.
            old = self.previous.accounts.get(slug, Record(""))
            record = Record("", dict(old.outputs), failed=result.problems[-1].headline(
                self.project.root))
            self.report.failed.append(slug)
        elif result.dossier is None:
            record.failed = (blocking or result.problems)[0].headline(self.project.root)
            self.report.failed.append(slug)
            self.cache.forget(slug)
            # Its old pages go too: a dossier that no longer matches its file would
            # mislead, and the build must equal a clean one.
            for name in self.previous.accounts.get(slug, Record("")).outputs:
                self.out.remove(name)
        else:
            if blocking:  # the pages show the last good version: said on them
                record.failed = blocking[0].headline(self.project.root)
                record.kept = True
                self.report.failed.append(slug)
                self.report.kept.append(slug)
            self._made_pages(slug, result, record)
        self.state.accounts[slug] = record
        if self.options.progress:
            self.options.progress.advance()

    def _made_pages(self, slug: str, result: _AccountResult, record: Record) -> None:
        record.outputs.update(result.written)
        old = self.previous.accounts.get(slug)
        for pdf_name in account_outputs(slug).values():
            if old and pdf_name in old.outputs:  # kept until remade or removed
                record.outputs[pdf_name] = old.outputs[pdf_name]
                if pdf_name in old.pdf_keys:
                    record.pdf_keys[pdf_name] = old.pdf_keys[pdf_name]
        self.fresh[slug] = result.dossier
        self.fresh_events[slug] = result.events
        self.report.built.append(slug)
        self.report.rebuilt.append(slug)
        self._print(slug, result.path)
        log.debug("wrote the pages of %s", slug)

    def _print(self, slug: str, source: Path) -> None:
        for html_name, pdf_name in account_outputs(slug).items():
            self.print_pages.append(PrintPage(slug, source, html_name, pdf_name))

    def remove_deleted(self) -> None:
        for slug in sorted(set(self.previous.accounts) - set(self.state.accounts)):
            for name in self.previous.accounts[slug].outputs:
                self.out.remove(name)
            self.cache.forget(slug)
            log.debug("removed the outputs of deleted account %s", slug)

    # --- the portfolio ----------------------------------------------------------

    def portfolio(self) -> None:
        key = self.keys.portfolio(self.state.accounts)
        previous = self.previous.portfolio
        if previous and previous.key == key and unchanged(previous.outputs, self.out.root):
            self.state.portfolio = previous
            self.report.problems.extend(problem_from_dict(p) for p in previous.problems)
            self._print_portfolio()
            return
        dossiers = self._dossiers()
        try:
            summary = portfolio(dossiers, self._failed(), self.project.config, self.when)
        except Exception as exc:  # noqa: BLE001 - reported; the accounts' pages stand
            self.report.problems.append(internal(self.project.accounts_dir, "making the "
                                                  "portfolio", exc))
            self.state.portfolio = None
            return
        record = Record(key)
        for problem in owner_spelling_problems(summary.dossiers):
            self._problem(record, problem)
        # Each page is made and written on its own: one that fails is reported, the others
        # are still written, and the next build tries again.
        pages = {"index.html": lambda: self.renderer.index(summary),
                 **{f"owners/{owner.slug}.html": functools.partial(self.renderer.owner, owner,
                                                                   summary)
                    for owner in summary.owners},
                 "calendar.ics": lambda: calendar(summary.title, self._events(summary.dossiers))}
        for name, make in pages.items():
            written = self._make(name, make)
            if written is None:
                record.key = ""
            else:
                record.outputs[name] = written
        for name in set(previous.outputs if previous else ()) - set(pages):
            if name == "portfolio.pdf" and previous:
                record.outputs[name] = previous.outputs[name]
                if name in previous.pdf_keys:
                    record.pdf_keys[name] = previous.pdf_keys[name]
            else:
                self.out.remove(name)  # an owner with no accounts left
        self.state.portfolio = record
        if "index.html" in record.outputs:
            self._print_portfolio()

    def _make(self, name: str, make: Callable[[], str | bytes]) -> list[int] | None:
        """Render and write one portfolio output; a failure is reported, not raised."""
        try:
            data = make()
        except RenderError as exc:
            self.report.problems.append(exc.problem)
            return None
        except Exception as exc:  # noqa: BLE001 - one page must not cost the others
            self.report.problems.append(internal(self.project.accounts_dir, f"making {name}",
                                                  exc))
            return None
        return self._write(name, data)

    def _print_portfolio(self) -> None:
        self.print_pages.append(PrintPage(PORTFOLIO, self.project.accounts_dir, "index.html",
                                          "portfolio.pdf"))

    def _dossiers(self) -> list[Dossier]:
        dossiers = []
        for slug in self.report.built:
            kept = self.cache.load_dossier(slug) if slug not in self.fresh else None
            dossier = self.fresh.get(slug) or (kept[0] if kept else None)
            if kept:
                self.fresh_events[slug] = kept[1]
            if dossier is None:  # the cache lost it: make it again
                path = self.project.accounts_dir / f"{slug}.md"
                repo = self.repo
                dossier, _problems = compile_account(
                    self.project, path, self.when, self.options.strict,
                    repo.of(path) if repo else None, repo.reason if repo else "")
                if dossier is None:
                    continue
            dossiers.append(dossier)
        return dossiers

    def _events(self, dossiers: tuple[Dossier, ...]) -> list[bytes]:
        minutes = self.project.bank.agenda.meeting_minutes
        return [self.fresh_events.get(d.slug) or account_events(d, minutes)
                for d in sorted(dossiers, key=lambda d: d.slug)]

    def _failed(self) -> list[FailedAccount]:
        return [FailedAccount(slug, str(display_path(self.project.accounts_dir / f"{slug}.md",
                                                     self.project.root)), record.failed,
                              record.kept)
                for slug, record in sorted(self.state.accounts.items()) if record.failed]

    # --- theme assets and PDF briefs ---------------------------------------------

    def assets(self) -> None:
        for name, data in self.theme.items():
            self._write(name, data)

    def _write(self, name: str, data: str | bytes) -> list[int] | None:
        """Write one output; a failure (disk full, permissions) is reported, not raised,
        and leaves the previous file as it was."""
        try:
            self.out.write(name, data)
            return stat_of(self.out.root / name)
        except OSError as exc:
            self.report.problems.append(_write_failure(self.out.root / name, exc))
            return None

    def pdfs(self) -> None:
        variant = self.project.config.pdf_variant
        todo: list[tuple[PrintPage, str, str]] = []
        for page in self.print_pages:
            record = self._record(page.record)
            if record is None:
                continue
            html = (self.out.root / page.html_path).read_text(encoding="utf-8")
            key = self.keys.pdf(html, variant)
            if (record.pdf_keys.get(page.pdf_path) == key and page.pdf_path in record.outputs
                    and unchanged({page.pdf_path: record.outputs[page.pdf_path]}, self.out.root)):
                self._current_pdf(page)
                continue
            todo.append((page, html, key))
        self._render_pdfs(todo)

    def _record(self, key: str) -> Record | None:
        return self.state.portfolio if key == PORTFOLIO else self.state.accounts.get(key)

    def _render_pdfs(self, todo: list[tuple[PrintPage, str, str]]) -> None:
        settings = PdfSettings(
            allowed_roots=(self.project.root, self.out.root, builtin_theme().resolve()),
            variant=self.project.config.pdf_variant,
            time_limit=self.project.config.pdf_time_limit,
        )
        pages = {page.pdf_path: (page, key) for page, _html, key in todo}
        jobs = [PdfJob(page.pdf_path, html, self.out.target(page.html_path).as_uri())
                for page, html, _key in todo]
        if self.options.progress:
            self.options.progress.start(len(jobs), "PDF briefs")
        seen_warnings: set[str] = set()  # theme CSS warnings repeat for every brief: say them once
        seen_refusals: set[tuple[Path, str]] = set()

        def finished(result: PdfResult) -> None:
            page, key = pages[result.slug]
            record = self._record(page.record)
            for url, why in result.refused:
                if (page.source, url) in seen_refusals:
                    continue  # a brief and its letters share the theme: say it once
                seen_refusals.add((page.source, url))
                self._problem(record, Problem(page.source, 0, 0, "pdf",
                                              f"refused to fetch '{url}': {why}",
                                              "reference only files inside the project",
                                              Severity.WARNING))
            for message in sorted(set(result.warnings) - seen_warnings):
                seen_warnings.add(message)
                self._problem(record, Problem(page.source, 0, 0, "pdf", f"WeasyPrint: {message}",
                                              "", Severity.WARNING))
            if result.data is None:
                self._problem(record, Problem(page.source, 0, 0, "pdf", result.error,
                                              result.hint))
                self.report.failed.append(page.record)
                record.outputs.pop(page.pdf_path, None)
                record.pdf_keys.pop(page.pdf_path, None)
                self.out.remove(page.pdf_path)
            elif (written := self._write(page.pdf_path, result.data)) is None:
                self.report.failed.append(page.record)
            else:
                record.outputs[page.pdf_path] = written
                record.pdf_keys[page.pdf_path] = key
                self._current_pdf(page)
                self.report.pdfs_made += 1
                log.debug("wrote %s", page.pdf_path)
            if self.options.progress:
                self.options.progress.advance()

        render_all(jobs, settings, self.options.jobs, finished)
        self.report.pdfs.sort()
        self.report.letter_pdfs.sort()

    def _current_pdf(self, page: PrintPage) -> None:
        if page.record == PORTFOLIO:
            self.report.portfolio_pdf = True
        elif page.is_letters:
            self.report.letter_pdfs.append(page.record)
        else:
            self.report.pdfs.append(page.record)

    def _problem(self, record: Record | None, problem: Problem) -> None:
        """A warning kept with its record: reported now, and again by rebuilds that reuse it."""
        self.report.problems.append(problem)
        if record is not None and problem.severity is Severity.WARNING:
            record.problems.append(problem_to_dict(problem))

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
        self._keep(self._save_state)

    def _save_state(self) -> None:
        if not self.options.only:
            self.cache.sweep(set(self.report.built))
        self.cache.save(self.state)

    def _sweep(self) -> None:
        """Remove, by their names, outputs this build would make but did not: pages of
        accounts that are gone (even when the state that listed them was lost), of owners
        with no accounts left, and theme files the theme no longer has."""
        tracked = {name for record in self.state.accounts.values() for name in record.outputs}
        current = {name for slug in self.report.built
                   for page, brief in account_outputs(slug).items() for name in (page, brief)}
        stale = [name for name in self.out.files("accounts")
                 if name not in tracked and name not in current]
        if self.state.portfolio is not None:
            stale += [name for name in self.out.files("owners")
                      if name not in self.state.portfolio.outputs]
        stale += [name for name in self.out.files("assets") if name not in self.theme]
        for name in stale:
            self.out.remove(name)
            log.debug("removed %s, which no account makes any more", name)

    def _keep(self, change: Callable[[], None]) -> None:
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


# --- the dossier worker -------------------------------------------------------------


@dataclass(frozen=True)
class _AccountTask:
    path: Path
    key: str
    history: FileHistory | None
    history_note: str


@dataclass(frozen=True)
class _AccountResult:
    path: Path
    key: str
    problems: list[Problem]
    dossier: Dossier | None  # None when the account did not build
    events: bytes = b""  # the account's calendar events
    written: dict[str, list[int]] = field(default_factory=dict)  # size and time of each page
    write_failed: bool = False


class _AccountWorker:
    """Loads, validates, derives, renders and writes one account at a time, in any process.

    Writing here, not in the parent, spreads the file creation (much of a cold
    build) over the workers too.
    """

    def __init__(self, project: Project, when: BuildDate, strict: bool) -> None:
        self.project, self.when, self.strict = project, when, strict
        self.renderer = Renderer(project)
        self.out = OutputDir(project.output_dir)
        self.cache = Cache(project)

    def run(self, task: _AccountTask) -> _AccountResult:
        report_progress(0)
        dossier, problems = compile_account(self.project, task.path, self.when, self.strict,
                                            task.history, task.history_note)
        if dossier is None:
            return _AccountResult(task.path, task.key, problems, None)
        lines = markdown_lines(dossier.account)
        self.renderer.on_markdown = lambda text: report_progress(lines.get(text, 0))
        dossier_page, letters_page = account_outputs(dossier.slug)
        try:
            pages = {dossier_page: self.renderer.dossier(dossier),
                     letters_page: self.renderer.letters(dossier)}
            events = account_events(dossier, self.project.bank.agenda.meeting_minutes)
        except RenderError as exc:
            return _AccountResult(task.path, task.key, [*problems, exc.problem], None)
        except MarkdownError as exc:
            problem = Problem(task.path, lines.get(exc.text, 0), 1, "",
                              f"this Markdown cannot be converted ({exc})",
                              "nest lists and quotes less deeply, or simplify the section")
            return _AccountResult(task.path, task.key, [*problems, problem], None)
        except Exception as exc:  # noqa: BLE001 - one account's trouble must stay its own
            return _AccountResult(task.path, task.key,
                                  [*problems, internal(task.path, "rendering", exc)], None)
        written: dict[str, list[int]] = {}
        for name, html in pages.items():
            try:
                self.out.write(name, html)
                written[name] = stat_of(self.out.root / name)
            except OSError as exc:
                return _AccountResult(task.path, task.key,
                                      [*problems, _write_failure(self.out.root / name, exc)],
                                      None, write_failed=True)
        try:
            self.cache.save_dossier(dossier, events)
        except OSError:
            pass  # without it the portfolio makes the dossier again, more slowly
        return _AccountResult(task.path, task.key, problems, dossier, events, written)


def _account_failed(task: _AccountTask, failure: Failure) -> _AccountResult:
    """The stand-in result of an account whose worker was stopped or died."""
    if failure.kind == "timeout":
        where = "while converting the Markdown here" if failure.progress else ""
        problem = Problem(task.path, failure.progress, 1 if failure.progress else 0, "",
                          f"building the dossier {failure.detail} {where}".strip(), SLOW_HINT)
    elif failure.kind == "died":
        problem = Problem(task.path, 0, 0, "",
                          f"building the dossier failed twice: {failure.detail}",
                          "see whether the machine ran out of memory")
    else:
        problem = Problem(task.path, 0, 0, "", f"the dossier could not be built: "
                          f"{failure.detail}", INTERNAL_HINT)
    return _AccountResult(task.path, task.key, [problem], None)


def markdown_lines(account: Account) -> dict[str, int]:
    """Each Markdown text of an account, by the line it starts at."""
    lines: dict[str, int] = {account.intro: account.intro_line}
    for section in [*account.sections.values(), *account.notes]:
        lines.setdefault(section.markdown, section.line)
        for entry in section.entries:
            lines.setdefault(entry.text, entry.line)
    return lines


def _write_failure(path: Path, exc: OSError) -> Problem:
    return Problem(path, 0, 0, "", f"cannot write: {exc.strerror or exc}",
                   "free some space or fix the folder's permissions; the previous file is kept")


def _read_bytes(path: Path) -> bytes:
    if not is_regular(path):
        return b""  # a pipe would never end; loading reports what the file is
    try:
        return path.read_bytes()
    except OSError:
        return b""
