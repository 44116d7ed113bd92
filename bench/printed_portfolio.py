"""The printed portfolio at scale: how long its pages take to make and print at N accounts.

    .venv/bin/python bench/printed_portfolio.py [--accounts 1000 10000]

(after `make test`, which installs pikepdf, used here to count the pages)

For each N it writes the synthetic corpus (bench/corpus.py, fixed seed), builds it
HTML-only with the `winback` command (which keeps each account's summary in the build
state), then, in this process, makes the portfolio from those summaries and renders
`portfolio.pdf` and the largest owner's PDF exactly as a build does: the print
template, then one PDF worker under the project's time limit. A whole build with
PDFs at 10,000 accounts would spend most of an hour on the 20,000 briefs and letters;
their throughput is measured by bench/builds.py and bench/pdf_throughput.py. Prints
the figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import pikepdf  # noqa: E402
from builds import TODAY, winback  # noqa: E402
from corpus import write_corpus  # noqa: E402

from generator.derive import build_date  # noqa: E402
from generator.engine.state import StateStore  # noqa: E402
from generator.pdf import PdfJob, PdfResult, PdfSettings, render_all  # noqa: E402
from generator.portfolio import portfolio  # noqa: E402
from generator.project import builtin_theme, open_project  # noqa: E402
from generator.render import Renderer  # noqa: E402


def printed(html: str, project_root: Path, out: Path, limit: float) -> tuple[float, int]:
    """Seconds to print one page in a worker, and its page count."""
    results: list[PdfResult] = []
    settings = PdfSettings(allowed_roots=(project_root, out, builtin_theme().resolve()),
                           time_limit=limit)
    started = time.perf_counter()
    render_all([PdfJob("page", html, (out / "index.html").as_uri())], settings, 1,
               results.append)
    seconds = time.perf_counter() - started
    (result,) = results
    if result.data is None:
        raise SystemExit(f"printing failed: {result.error}")
    target = out / "bench-page.pdf"
    target.write_bytes(result.data)
    with pikepdf.open(target) as pdf:
        return seconds, len(pdf.pages)


def at_scale(count: int, folder: Path) -> list[tuple[str, float, str]]:
    project_dir = folder / f"project-{count}"
    write_corpus(count, project_dir)
    cold, megabytes = winback(project_dir, "--no-pdf", "--clean")
    project = open_project(project_dir)
    started = time.perf_counter()
    cache = StateStore(project)
    state = cache.load()
    summaries = [cache.load_summary(slug) for slug in sorted(state.accounts)]
    loaded = time.perf_counter() - started
    started = time.perf_counter()
    whole = portfolio([s for s in summaries if s], [], project.config, build_date(
        dt.date.fromisoformat(TODAY)))
    made = time.perf_counter() - started
    renderer = Renderer(project)
    started = time.perf_counter()
    html = renderer.portfolio_print(whole)
    templated = time.perf_counter() - started
    limit = project.config.pdf_time_limit
    seconds, pages = printed(html, project_dir, project.output_dir, limit)
    owner = max(whole.owners, key=lambda o: len(o.accounts))
    owner_html = renderer.owner_print(owner, whole)
    owner_seconds, owner_pages = printed(owner_html, project_dir, project.output_dir, limit)
    return [
        (f"cold HTML-only build, {count} accounts (peak {megabytes:.0f} MB)", cold, ""),
        ("  load the summaries from the build state", loaded, f"{len(summaries)} summaries"),
        ("  make the portfolio from them", made, f"{len(whole.owners)} owners"),
        ("  portfolio-print template", templated, f"{len(html) / 1000:.0f} KB of HTML"),
        ("  print portfolio.pdf, one worker", seconds, f"{pages} pages; limit {limit:.0f} s"),
        (f"  print the largest owner's PDF ({len(owner.accounts)} accounts)", owner_seconds,
         f"{owner_pages} pages"),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, nargs="+", default=[1000, 10000])
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as temporary:
        for count in args.accounts:
            rows += at_scale(count, Path(temporary))
    print(f"{'measurement':62} {'seconds':>8}  note")
    for name, seconds, note in rows:
        print(f"{name:62} {seconds:8.2f}  {note}")


if __name__ == "__main__":
    main()
