"""Programs: the portfolio's pages (the index, each owner's page, the calendar and the
printed portfolio's pages), from the accounts' summaries; and the theme's static files.
The portfolio lists the accounts with errors too, so nobody mistakes silence for
"nothing to see"."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from generator import paths
from generator.engine.run import Printable, Run
from generator.engine.state import InputRecord, digest, problem_from_dict, problem_to_dict
from generator.ics import calendar
from generator.outputs import (
    KINDS, OWNER, OWNER_PAGES, PORTFOLIO, PROJECT, THEME, Output, kind_of, path_of)
from generator.pdfnotes import MISSING, STALE, linked, with_notes
from generator.pipeline import internal
from generator.portfolio import (
    FailedAccount, Portfolio, Summary, owner_spelling_problems, portfolio)
from generator.problems import display_path
from generator.project import builtin_theme
from generator.render import RenderError
from generator.rows import as_csv, row_of


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
        key = run.keys.key_now(inputs, previous.depends) if previous else ""
        outputs = [Output(path, kind, PORTFOLIO, run.project.accounts_dir)
                   for path in run.previous.of(PORTFOLIO)
                   if (kind := kind_of(path, PROJECT, OWNER)) is not None]
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
        owners = [o.path.removeprefix(f"{OWNER_PAGES}/").removesuffix(".html")
                  for o in outputs if o.kind == "owner"]
        return not self.run.options.pdf or (
            path_of("portfolio-pdf") in have
            and all(path_of("owner-pdf", owner) in have for owner in owners))

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
        read = run.keys.templates(run.renderer.used())
        record.depends = sorted(read)
        if record.key:
            record.key = run.keys.key(inputs, read)
        run.state.portfolio = record

    def _pages(self, summary: Portfolio, source: Path):
        run = self.run
        def output(kind: str, slug: str = "") -> Output:
            return Output(path_of(kind, slug), kind, PORTFOLIO, source)

        yield output("index"), lambda: run.renderer.index(summary)
        yield output("calendar"), lambda: calendar(summary.title, [
            d.events for d in sorted(summary.accounts, key=lambda d: d.slug)])
        yield output("portfolio-pdf"), lambda: run.renderer.portfolio_print(summary)
        yield output("portfolio-csv"), lambda: as_csv([row_of(d) for d in summary.accounts])
        for owner in summary.owners:
            yield output("owner", owner.slug), lambda owner=owner: run.renderer.owner(owner,
                                                                                      summary)
            yield (output("owner-pdf", owner.slug),
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
