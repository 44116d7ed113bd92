"""Build speed and memory on a synthetic corpus, side by side with MkDocs and Pelican.

    .venv/bin/python bench/builds.py [--accounts 1000] [--pdf-accounts 60] [--peers]
                                     [--pdf-at-scale 1000]

Generates N accounts (bench/corpus.py, fixed seed) in a temporary folder and
times, each as a separate `winback` process: a cold HTML-only build; a no-op
rebuild; the first build of a new day (every page carries the build date); a
rebuild after editing one account; a rebuild after editing one template; and a
cold full build with PDF briefs on the first --pdf-accounts accounts, against
one worker, then its first build of a new day. With --pdf-at-scale N it also
builds N accounts with every PDF (briefs, letters, owners, the portfolio) and
rebuilds them after editing one account. Peak memory is the largest resident set of the
command or any of its worker processes. With --peers it also builds the same
Markdown bodies with MkDocs and Pelican (installed into bench/.peers-venv on
first use) and renders the same dossier HTML with the `weasyprint` command,
one process per file. Every command runs with its Python bytecode, as an installed
package has it (winback's is compiled first, into generator/__pycache__/). Prints the
figures and ratios; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from corpus import write_corpus  # noqa: E402

WINBACK = Path(sys.executable).with_name("winback")
PEERS_VENV = HERE / ".peers-venv"
TODAY = "2026-11-26"
NEXT_DAY = "2026-11-27"  # every page is dated by the build date: a new day remakes them all
YARDSTICK = "one dossier alone, HTML and PDF, in a fresh process"


# Each command runs with its Python bytecode, as an installed package has it: pip wrote
# it beside MkDocs, Pelican and every dependency, but an editable winback under
# PYTHONDONTWRITEBYTECODE (as CI sets it) has none, and would be timed compiling itself.
# (PYTHONPYCACHEPREFIX would not do: it hides the bytecode pip wrote.)
ENV = {name: value for name, value in os.environ.items()
       if name not in ("PYTHONDONTWRITEBYTECODE", "PYTHONPYCACHEPREFIX")}


def compile_bytecode() -> None:
    """Into generator/__pycache__/, which git ignores."""
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(HERE.parent / "generator")],
                   env=ENV, check=True, stdout=subprocess.DEVNULL)


def timed(command: list[str], cwd: Path | None = None) -> tuple[float, float]:
    """Wall seconds, and the peak resident set in MB of the command or its children."""
    script = ("import resource, subprocess, sys, time\n"
              "t = time.perf_counter()\n"
              "done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, "
              "stderr=subprocess.DEVNULL)\n"
              "print(time.perf_counter() - t, "
              "resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, done.returncode)")
    out = subprocess.run([sys.executable, "-c", script, *command], cwd=cwd, check=True,
                         capture_output=True, text=True, env=ENV).stdout.split()
    seconds, megabytes, code = float(out[0]), float(out[1]), int(out[2])
    if code not in (0, 1):
        raise SystemExit(f"{command[0]} failed with exit code {code}")
    return seconds, megabytes


def winback(project: Path, *args: str, today: str = TODAY) -> tuple[float, float]:
    return timed([str(WINBACK), "-C", str(project), "build", "--today", today, *args])


def our_figures(project: Path, pdf_accounts: int, jobs: int) -> dict[str, tuple[float, float]]:
    quarter = project.parent / "quarter"
    count = len(list((project / "content" / "accounts").glob("*.md")))
    write_corpus(count // 4, quarter)
    figures = {
        f"cold HTML-only build, {count // 4} accounts": winback(quarter, "--no-pdf", "--clean"),
        "cold HTML-only build, 1 worker": winback(project, "--no-pdf", "--clean", "-j", "1"),
        "cold HTML-only build": winback(project, "--no-pdf", "--clean"),
        "no-op rebuild": winback(project, "--no-pdf"),
        "first build of a new day, HTML only": winback(project, "--no-pdf", today=NEXT_DAY),
    }
    winback(project, "--no-pdf")  # back to the measured day
    account = project / "content" / "accounts" / "account-00500.md"
    account.write_text(account.read_text().replace("## New needs", "## New needs\nMore.\n"))
    figures["rebuild after editing one account"] = winback(project, "--no-pdf")
    theme = project / "templates"
    theme.mkdir(exist_ok=True)
    shutil.copy(HERE.parent / "templates" / "dossier.html", theme / "dossier.html")
    with (theme / "dossier.html").open("a") as handle:
        handle.write("{# edited #}\n")
    figures["rebuild after editing one template"] = winback(project, "--no-pdf")
    shutil.rmtree(theme)

    small = project.parent / "pdf-project"
    write_corpus(pdf_accounts, small)
    figures[f"cold full build with PDFs ({pdf_accounts} accounts, {jobs} workers)"] = winback(
        small, "--clean", "-j", str(jobs))
    figures[f"cold full build with PDFs ({pdf_accounts} accounts, 1 worker)"] = winback(
        small, "--clean", "-j", "1")
    one = small / "content" / "accounts" / "account-00010.md"
    one.write_text(one.read_text().replace("## New needs", "## New needs\nMore.\n"))
    figures["rebuild after editing one account, with PDFs"] = winback(small, "-j", str(jobs))
    figures[f"first build of a new day, with PDFs ({pdf_accounts} accounts)"] = winback(
        small, "-j", str(jobs), today=NEXT_DAY)
    return figures


def pdfs_at_scale(folder: Path, count: int, jobs: int) -> tuple[dict[str, tuple[float, float]],
                                                                 int]:
    """Every PDF of N accounts, then the rebuild after one edit: the portfolio and owner
    PDFs are remade with it."""
    big = folder / "pdf-scale"
    write_corpus(count, big)
    cold = f"cold full build with every PDF ({count} accounts, {jobs} workers)"
    figures = {cold: winback(big, "--clean", "-j", str(jobs))}
    printed = len(list((big / "output").rglob("*.pdf")))
    one = big / "content" / "accounts" / "account-00500.md"
    one.write_text(one.read_text().replace("## New needs", "## New needs\nMore.\n"))
    figures[f"rebuild after editing one account, with PDFs ({count} accounts)"] = winback(
        big, "-j", str(jobs))
    return figures, printed


def one_dossier(project: Path) -> tuple[float, float]:
    """The cost the one-account edit is measured against: that dossier, HTML and PDF."""
    single = project.parent / "single"
    (single / "content" / "accounts").mkdir(parents=True)
    shutil.copy(project / "content" / "accounts" / "account-00500.md",
                single / "content" / "accounts")
    return timed([str(WINBACK), "-C", str(single), "pdf", "account-00500", "--today", TODAY,
                  "-j", "1"])


def peers(project: Path, count: int) -> dict[str, tuple[float, float]]:
    if not (PEERS_VENV / "bin" / "mkdocs").exists():
        subprocess.run([sys.executable, "-m", "venv", str(PEERS_VENV)], check=True)
        subprocess.run([str(PEERS_VENV / "bin" / "pip"), "install", "--quiet", "mkdocs==1.6.1",
                        "pelican[markdown]==4.12.0"], check=True)
    bodies = [re.sub(r"\A---\n.*?\n---\n", "", p.read_text(), flags=re.S)
              for p in sorted((project / "content" / "accounts").glob("*.md"))][:count]
    mkdocs = project.parent / "mkdocs"
    (mkdocs / "docs").mkdir(parents=True)
    (mkdocs / "mkdocs.yml").write_text("site_name: Accounts\n")
    pelican = project.parent / "pelican"
    (pelican / "content").mkdir(parents=True)
    (pelican / "pelicanconf.py").write_text(
        "SITENAME = 'Accounts'\nTIMEZONE = 'UTC'\nFEED_ALL_ATOM = None\nCATEGORY_FEED_ATOM = None\n"
        "RELATIVE_URLS = True\nCACHE_CONTENT = False\nLOAD_CONTENT_CACHE = False\n")
    for number, body in enumerate(bodies):
        (mkdocs / "docs" / f"account-{number:05d}.md").write_text(f"# Account {number}\n{body}")
        (pelican / "content" / f"account-{number:05d}.md").write_text(
            f"Title: Account {number}\nDate: 2026-01-01\n\n{body}")
    bin_dir = PEERS_VENV / "bin"
    return {
        "MkDocs 1.6 build": timed([str(bin_dir / "mkdocs"), "build", "-q"], cwd=mkdocs),
        "Pelican 4.12 build": timed([str(bin_dir / "pelican"), "content", "-o", "output", "-s",
                                     "pelicanconf.py", "-q"], cwd=pelican),
    }


def weasyprint_command(project: Path, count: int) -> tuple[float, float]:
    pages = sorted((project.parent / "pdf-project" / "output" / "accounts").glob("*.html"))[:count]
    command = str(Path(sys.executable).with_name("weasyprint"))
    started = time.perf_counter()
    for page in pages:
        subprocess.run([command, "--quiet", str(page), str(page.with_suffix(".cmd.pdf"))],
                       check=True, env=ENV)
    return time.perf_counter() - started, 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=1000)
    parser.add_argument("--pdf-accounts", type=int, default=60)
    parser.add_argument("--jobs", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--peers", action="store_true", help="also time MkDocs and Pelican")
    parser.add_argument("--pdf-at-scale", type=int, default=0, metavar="N",
                        help="also build N accounts with every PDF")
    args = parser.parse_args()
    compile_bytecode()
    with tempfile.TemporaryDirectory() as temporary:
        project = Path(temporary) / "project"
        write_corpus(args.accounts, project)
        size = sum(p.stat().st_size for p in (project / "content" / "accounts").glob("*.md"))
        print(f"{args.accounts} accounts, {size / args.accounts / 1000:.1f} KB each on average; "
              f"{args.jobs} workers")
        figures = our_figures(project, args.pdf_accounts, args.jobs)
        figures[YARDSTICK] = one_dossier(project)
        if args.pdf_at_scale:
            scaled, printed = pdfs_at_scale(Path(temporary), args.pdf_at_scale, args.jobs)
            figures.update(scaled)
            small_printed = len(list((Path(temporary) / "pdf-project" / "output").rglob("*.pdf")))
        if args.peers:
            figures.update(peers(project, args.accounts))
            sample = min(args.pdf_accounts, 20)
            seconds, _ = weasyprint_command(project, sample)
            figures[f"weasyprint command, per file (x{args.pdf_accounts}, timed on {sample})"] = (
                seconds * args.pdf_accounts / sample, 0.0)
    print(f"{'measurement':66} {'seconds':>8} {'peak MB':>8}")
    for name, (seconds, megabytes) in figures.items():
        print(f"{name:66} {seconds:8.2f} {megabytes:8.0f}")
    cold = figures["cold HTML-only build"][0]
    print(f"first build of a new day / cold, HTML only: "
          f"{figures['first build of a new day, HTML only'][0] / cold:.2f}x")
    print(f"cold HTML-only, {args.jobs} workers vs 1: "
          f"{figures['cold HTML-only build, 1 worker'][0] / cold:.2f}x")
    edit = figures["rebuild after editing one account, with PDFs"][0]
    print(f"\nrebuild after one edit (with PDFs) / one dossier alone: "
          f"{edit / figures[YARDSTICK][0]:.2f}x")
    pdf_pool = figures[f"cold full build with PDFs ({args.pdf_accounts} accounts, "
                       f"{args.jobs} workers)"][0]
    pdf_one = figures[f"cold full build with PDFs ({args.pdf_accounts} accounts, 1 worker)"][0]
    print(f"PDF build, {args.jobs} workers vs 1: {pdf_one / pdf_pool:.2f}x "
          f"({pdf_one / pdf_pool / args.jobs:.0%} of the ideal {args.jobs}x)")
    if args.pdf_at_scale:
        n = args.pdf_at_scale
        edit = figures[f"rebuild after editing one account, with PDFs ({n} accounts)"][0]
        print(f"rebuild after one edit with PDFs, {n} accounts / one dossier alone: "
              f"{edit / figures[YARDSTICK][0]:.2f}x")
        scale_cold = figures[f"cold full build with every PDF ({n} accounts, "
                             f"{args.jobs} workers)"][0]
        one_rate = small_printed / pdf_one
        rate = printed / scale_cold
        print(f"{n} accounts with every PDF: {printed} PDFs, {rate:.2f} per second; one worker "
              f"made {one_rate:.2f} per second ({args.pdf_accounts} accounts): "
              f"{rate / (args.jobs * one_rate):.0%} of {args.jobs} x that")
    for peer in ("MkDocs 1.6 build", "Pelican 4.12 build"):
        if peer in figures:
            print(f"{peer} / winback cold HTML-only: {figures[peer][0] / cold:.2f}x")


if __name__ == "__main__":
    main()
