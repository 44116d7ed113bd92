"""PDF brief throughput: the worker pool against one worker and the weasyprint command.

Run from the repository root after `make demo` (or any build, for the HTML):

    .venv/bin/python bench/pdf_throughput.py [--briefs 36] [--jobs N]

It builds the sample dossiers' HTML, then renders the same briefs three ways
and prints seconds, briefs per second and ratios. A script, not a test: the
machine is shared and noisy, so compare the ratios of one run.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from generator.commands.build import BuildOptions, build  # noqa: E402
from generator.pdf import PdfJob, PdfSettings, render_all  # noqa: E402
from generator.project import builtin_theme, open_project  # noqa: E402
from generator.workers import default_jobs  # noqa: E402


def sample_jobs(workdir: Path, count: int) -> tuple[list[PdfJob], PdfSettings]:
    shutil.copytree(REPO / "content", workdir / "content")
    project = open_project(workdir)
    build(project, BuildOptions(pdf=False))
    pages = sorted((project.output_dir / "accounts").glob("*.html"))
    jobs = [PdfJob(f"{pages[i % len(pages)].stem}-{i}", pages[i % len(pages)].read_text(),
                   pages[i % len(pages)].as_uri()) for i in range(count)]
    settings = PdfSettings(allowed_roots=(workdir.resolve(), builtin_theme().resolve()))
    return jobs, settings


def timed_pool(jobs: list[PdfJob], settings: PdfSettings, workers: int) -> float:
    done: list[int] = []
    started = time.perf_counter()
    render_all(jobs, settings, workers, lambda result: done.append(len(result.data or b"")))
    elapsed = time.perf_counter() - started
    assert len(done) == len(jobs) and all(done), "a brief failed"
    return elapsed


def timed_command(jobs: list[PdfJob], workdir: Path) -> float:
    """`weasyprint in.html out.pdf` once per brief: a fresh process each time."""
    command = Path(sys.executable).with_name("weasyprint")
    started = time.perf_counter()
    for job in jobs:
        source = Path(job.base_url.removeprefix("file://"))
        subprocess.run([str(command), "--quiet", str(source), str(workdir / f"{job.slug}.pdf")],
                       check=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--briefs", type=int, default=36, help="briefs per measurement")
    parser.add_argument("--jobs", type=int, default=default_jobs(), help="pool size")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temporary:
        workdir = Path(temporary)
        jobs, settings = sample_jobs(workdir, args.briefs)
        command_jobs = jobs[: max(1, args.briefs // 3)]
        one = timed_pool(jobs, settings, 1)
        pool = timed_pool(jobs, settings, args.jobs)
        command = timed_command(command_jobs, workdir) * len(jobs) / len(command_jobs)
    rate = len(jobs)
    print(f"{len(jobs)} briefs (the 9 sample dossiers, repeated), {args.jobs} pool workers")
    print(f"{'way':32} {'seconds':>8} {'briefs/s':>9} {'per brief':>10}")
    for name, seconds in ((f"pool, {args.jobs} workers", pool), ("one worker process", one),
                          ("weasyprint command per file*", command)):
        print(f"{name:32} {seconds:8.2f} {rate / seconds:9.2f} {seconds / rate:9.3f}s")
    print(f"pool vs one worker:        {one / pool:5.2f}x  (ideal {args.jobs}x; "
          f"{one / pool / args.jobs:.0%} of ideal)")
    print(f"pool vs command per file:  {command / pool:5.2f}x")
    print(f"one worker vs command:     {command / one:5.2f}x")
    print(f"* timed on {len(command_jobs)} briefs and scaled to {len(jobs)}")


if __name__ == "__main__":
    main()
