"""Program: the PDF of every page to print, rendered by the PDF engine's workers
(`generator.pdf`), for the pages whose HTML, theme or engine changed."""

from __future__ import annotations

import logging
from pathlib import Path

from generator.engine.run import Run
from generator.outputs import Output
from generator.pdf import PdfJob, PdfResult, PdfSettings, render_all
from generator.pdfnotes import without_notes
from generator.problems import Problem, Severity
from generator.project import builtin_theme

log = logging.getLogger("winback")


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
