"""Render, print side: dossier HTML -> PDF briefs, through a PDF engine.

This module is what the build knows of printing: jobs in, results out, in
long-lived worker processes (an engine costs about half a second to import and
warm up, then a few tenths of a second per brief). The engine itself is one
module named in ENGINES, imported only inside the workers that print, so a
build that prints nothing runs without it installed. An engine module has a
`Worker(settings)` whose `run(job)` gives a PdfResult, and a `version()`
(part of every PDF's fingerprint, '' when it is not installed).

Account files come from many hands, so an engine must read only what
`check_url` allows: files inside the allowed folders (the project, the
theme), never the network, other `file://` paths or `..` escapes; each refusal
is reported. A brief that takes longer than its time limit fails alone: the
pool (`generator.workers`) ends its worker.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from generator.platforms import pdf_engine_problem
from generator.workers import Failure, run_all

TIME_LIMIT_HINT = "shorten the account, or raise pdf_time_limit in winback.yaml"
# The engines winback can print with, by name: the module that drives each.
ENGINES = {"weasyprint": "generator.pdf_weasyprint"}
ENGINE = "weasyprint"  # the one a build prints with

@dataclass(frozen=True)
class PdfSettings:
    allowed_roots: tuple[Path, ...]
    variant: str = "pdf/ua-1"
    time_limit: float = 60.0
    engine: str = ENGINE


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


def render_all(jobs: list[PdfJob], settings: PdfSettings, workers: int,
               on_done: Callable[[PdfResult], None]) -> None:
    """Render every job in worker processes, calling `on_done` here as each finishes."""
    run_all(jobs, engine_worker, (settings,), workers, settings.time_limit, on_done, _failed,
            lambda job: job.slug)


def engine_worker(settings: PdfSettings):
    """A worker process's engine, imported there and only there."""
    return importlib.import_module(ENGINES[settings.engine]).Worker(settings)


def engine_version(name: str = ENGINE) -> str:
    """The installed version of an engine, '' when it is not installed."""
    return importlib.import_module(ENGINES[name]).version()


def _failed(job: PdfJob, failure: Failure) -> PdfResult:
    if failure.kind == "timeout":
        return PdfResult(job.slug, error=f"rendering {failure.detail}", hint=TIME_LIMIT_HINT)
    if failure.kind == "died":
        return PdfResult(job.slug, error=f"rendering failed twice: {failure.detail}",
                         hint="see whether the machine ran out of memory")
    if failure.kind == "unstarted":
        return PdfResult(job.slug, engine=pdf_engine_problem(failure.detail))
    return PdfResult(job.slug, error=f"PDF rendering failed: {failure.detail}")
