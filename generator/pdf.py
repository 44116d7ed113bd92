"""Render, print side: dossier HTML -> PDF briefs with WeasyPrint.

WeasyPrint costs about half a second to import and warm up, then a few
tenths of a second per brief, so briefs are rendered in long-lived worker
processes that each import it once and keep one font configuration.

Account files come from many hands, so every brief is rendered with a URL
fetcher that reads only files inside the allowed folders (the project, the
theme) and refuses the network, other `file://` paths and `..` escapes; each
refusal is reported. A brief that takes longer than its time limit fails
alone: the pool (`generator.workers`) ends its worker.
"""

from __future__ import annotations

import logging
import mimetypes
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from generator.platforms import pdf_engine_problem
from generator.workers import Failure, run_all

TIME_LIMIT_HINT = "shorten the account, or raise pdf_time_limit in winback.yaml"

@dataclass(frozen=True)
class PdfSettings:
    allowed_roots: tuple[Path, ...]
    variant: str = "pdf/ua-1"
    time_limit: float = 60.0


@dataclass(frozen=True)
class PdfJob:
    slug: str
    html: str
    base_url: str  # where the HTML's relative links resolve from (a file:// URL)


@dataclass
class PdfResult:
    slug: str
    data: bytes | None = None
    error: str = ""
    hint: str = ""
    refused: list[tuple[str, str]] = field(default_factory=list)  # (url, why)
    warnings: list[str] = field(default_factory=list)
    engine: str = ""  # the PDF engine cannot start on this machine: the one line to say


# Links between the site's pages would become file:// paths of the machine that built
# the PDF, useless to a reader and different in every output folder: print drops them.
LOCAL_LINK = re.compile(r'(<a\b[^>]*?)\s+href="(?![a-zA-Z][a-zA-Z0-9+.-]*:|#)[^"]*"', re.IGNORECASE)


def printable(html: str) -> str:
    return LOCAL_LINK.sub(r"\1", html)


class RefusedURL(ValueError):
    """Raised inside WeasyPrint so that it skips the resource."""


def check_url(url: str, allowed_roots: tuple[Path, ...]) -> Path:
    """The local file a URL may be read from, or RefusedURL saying why not."""
    parts = urlsplit(url)
    if parts.scheme != "file":
        raise RefusedURL(f"'{parts.scheme or 'relative'}:' URLs are not fetched; only files "
                         "inside the project are")
    if parts.netloc not in ("", "localhost"):
        raise RefusedURL("remote file hosts are not fetched")
    raw = unquote(parts.path)
    if ".." in Path(raw).parts:
        raise RefusedURL("'..' in a path is refused")
    path = Path(raw).resolve()  # follows symlinks: a link out of the project is refused too
    if not any(path.is_relative_to(root) for root in allowed_roots):
        raise RefusedURL("the file is outside the project")
    if not path.is_file():
        raise RefusedURL("no such file")
    return path


class _Worker:
    """One process's WeasyPrint state, created once, used for many briefs."""

    def __init__(self, settings: PdfSettings) -> None:
        import weasyprint
        from weasyprint.text.fonts import FontConfiguration

        self.weasyprint = weasyprint
        self.settings = settings
        self.fonts = FontConfiguration()
        self.roots = tuple(root.resolve() for root in settings.allowed_roots)
        self.log_records: list[logging.LogRecord] = []
        weasy_log = logging.getLogger("weasyprint")
        weasy_log.handlers[:] = [_ListHandler(self.log_records)]
        weasy_log.propagate = False
        weasy_log.setLevel(logging.WARNING)

    def run(self, job: PdfJob) -> PdfResult:
        result = PdfResult(job.slug)
        self.log_records.clear()
        fetcher = self._fetcher(result)
        try:
            document = self.weasyprint.HTML(
                string=printable(job.html), base_url=job.base_url, url_fetcher=fetcher,
            ).render(font_config=self.fonts, pdf_variant=self.settings.variant)
            # Everything the layout needs is fetched by now; what write_pdf
            # would still fetch are attachments, which a brief never embeds.
            fetcher.attachments_phase = True
            result.data = document.write_pdf(pdf_variant=self.settings.variant)
        except Exception as exc:  # noqa: BLE001 - a broken brief must not stop the others
            result.error = f"PDF rendering failed: {type(exc).__name__}: {exc}"
        refused = {url for url, _ in result.refused}
        result.warnings = sorted({
            record.getMessage() for record in self.log_records
            if not any(url in record.getMessage() for url in refused)})
        return result

    def _fetcher(self, result: PdfResult):
        roots = self.roots
        from weasyprint.urls import URLFetcher, URLFetcherResponse

        class ProjectFilesOnly(URLFetcher):
            attachments_phase = False

            def fetch(self, url, headers=None):
                if url.startswith("data:") and not self.attachments_phase:
                    return super().fetch(url, headers)
                try:
                    if self.attachments_phase:
                        raise RefusedURL("attachments are not embedded in briefs")
                    path = check_url(url, roots)
                except RefusedURL as refusal:
                    result.refused.append((url, str(refusal)))
                    raise
                kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                return URLFetcherResponse(path.as_uri(), path.read_bytes(),
                                          {"Content-Type": kind})

        return ProjectFilesOnly()


class _ListHandler(logging.Handler):
    def __init__(self, records: list[logging.LogRecord]) -> None:
        super().__init__(logging.WARNING)
        self.records = records

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def render_all(jobs: list[PdfJob], settings: PdfSettings, workers: int,
               on_done: Callable[[PdfResult], None]) -> None:
    """Render every job in worker processes, calling `on_done` here as each finishes."""
    run_all(jobs, _Worker, (settings,), workers, settings.time_limit, on_done, _failed,
            lambda job: job.slug)


def _failed(job: PdfJob, failure: Failure) -> PdfResult:
    if failure.kind == "timeout":
        return PdfResult(job.slug, error=f"rendering {failure.detail}", hint=TIME_LIMIT_HINT)
    if failure.kind == "died":
        return PdfResult(job.slug, error=f"rendering failed twice: {failure.detail}",
                         hint="see whether the machine ran out of memory")
    if failure.kind == "unstarted":
        return PdfResult(job.slug, engine=pdf_engine_problem(failure.detail))
    return PdfResult(job.slug, error=f"PDF rendering failed: {failure.detail}")
