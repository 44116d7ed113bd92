"""The WeasyPrint engine for `generator.pdf`: HTML and CSS laid out as tagged PDF.

Each worker process imports WeasyPrint once and keeps one font configuration
for all the briefs it prints. Every resource a brief names is fetched through
`check_url`, so a brief reads only files of the project and the theme.
"""

from __future__ import annotations

import logging
import mimetypes
from importlib import metadata

from generator.pdf import PdfJob, PdfResult, PdfSettings, RefusedURL, check_url, printable


def version() -> str:
    try:
        return metadata.version("weasyprint")
    except metadata.PackageNotFoundError:
        return ""


class Worker:
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
