"""The PDF briefs, opened and inspected: layout, fonts, structure, metadata, safety."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import signal
import struct
import subprocess
import sys
import time
import zlib
from pathlib import Path

import pikepdf
import pytest
from conftest import FULL_ACCOUNT, REPO, SAMPLES, TODAY, front, write

from generator.commands.build import BuildOptions, build
from generator.pdf import PdfJob, PdfSettings, RefusedURL, check_url, render_all
from generator.project import open_project

A4 = (595.28, 841.89)
LETTER = (612.0, 792.0)


def sample_copy(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    shutil.copytree(REPO / "content", root / "content")
    shutil.copy(REPO / "winback.yaml", root / "winback.yaml")
    return root


@pytest.fixture(scope="module")
def samples(built_samples) -> Path:
    """The sample accounts built once, with two PDF workers: their folder of briefs."""
    return built_samples / "accounts"


@pytest.fixture(scope="module")
def letter_samples(tmp_path_factory) -> Path:
    """The sample accounts on US Letter paper."""
    root = sample_copy(tmp_path_factory.mktemp("letter"))
    config = root / "winback.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "paper: Letter\n", encoding="utf-8")
    report = build(open_project(root), BuildOptions(today=TODAY, jobs=2))
    assert report.ok, report.problems
    return root / "output" / "accounts"


def text_of(pdf: Path, page: int | None = None) -> str:
    pages = ["-f", str(page), "-l", str(page)] if page else []
    return subprocess.run(["pdftotext", "-layout", *pages, str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout


def size(page: pikepdf.Page) -> tuple[float, float]:
    box = [float(v) for v in page.mediabox]
    return round(box[2] - box[0], 2), round(box[3] - box[1], 2)


def page_of(pdf: Path, words: str) -> list[int]:
    """The pages whose text has `words` at the start of a line."""
    with pikepdf.open(pdf) as document:
        count = len(document.pages)
    return [page for page in range(1, count + 1)
            if any(line.strip().startswith(words) for line in text_of(pdf, page).splitlines())]


@pytest.mark.parametrize("slug", SAMPLES)
def test_every_sample_is_a4_and_qpdf_clean(samples, slug):
    path = samples / f"{slug}.pdf"
    with pikepdf.open(path) as pdf:
        assert all(size(page) == A4 for page in pdf.pages)
    check = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "No syntax or stream encoding errors" in check.stdout


def pages_of(pdf: Path) -> int:
    with pikepdf.open(pdf) as document:
        return len(document.pages)


def filled(pdf: Path) -> list[float]:
    """How far down each page its body text reaches, as a share of the page's height
    (the running header and footer left out)."""
    bbox = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout
    shares = []
    for height, words in re.findall(r'<page width="[\d.]+" height="([\d.]+)">(.*?)</page>',
                                    bbox, re.S):
        bottoms = [float(y) for y in re.findall(r'yMax="([\d.]+)"', words)]
        body = [y for y in bottoms if 0.06 * float(height) < y < 0.94 * float(height)]
        shares.append(max(body, default=0) / float(height))
    return shares


def test_brief_lengths_at_a4_and_letter(samples, letter_samples):
    """At most four pages for the richest account, two for the nearly empty one; the
    letters are a PDF of their own."""
    for folder in (samples, letter_samples):
        lengths = {slug: pages_of(folder / f"{slug}.pdf") for slug in SAMPLES}
        assert max(lengths.values()) <= 4, lengths
        assert lengths["calloway-foodservice"] >= lengths["harlow-dental-group"]
        assert lengths["harlow-dental-group"] <= 2, lengths
        assert "Meeting request" not in text_of(folder / "calloway-foodservice.pdf")
        # The dossier's contents are for the screen: the brief keeps its own order.
        assert "Contents" not in text_of(folder / "calloway-foodservice.pdf")
        # Before its meeting, Calloway's letters wait for the record of it; Granite Peak's
        # are drafted from the one held.
        assert "Thank-you note: To draft after the meeting" in text_of(
            folder / "calloway-foodservice-letters.pdf")
        assert "Dear Monica and Ben," in text_of(folder / "granite-peak-industrial-letters.pdf")


def test_no_page_is_more_than_half_blank_but_the_last(samples, letter_samples):
    for folder in (samples, letter_samples):
        for slug in SAMPLES:
            shares = filled(folder / f"{slug}.pdf")
            assert all(share > 0.5 for share in shares[:-1]), (folder, slug, shares)


@pytest.mark.parametrize("slug", SAMPLES)
def test_every_font_is_embedded_and_subset(samples, slug):
    listing = subprocess.run(["pdffonts", str(samples / f"{slug}.pdf")], check=True,
                             capture_output=True, text=True).stdout.splitlines()[2:]
    assert listing, "no fonts listed"
    for row in listing:
        name, *_rest = row.split()
        columns = row[len(name):].split()
        emb, sub = columns[-5], columns[-4]
        assert (emb, sub) == ("yes", "yes"), row
        assert "Inter" in name, row  # the shipped font, never a system fallback


def test_structure_outline_and_metadata(samples):
    with pikepdf.open(samples / "calloway-foodservice.pdf") as pdf:
        assert "/StructTreeRoot" in pdf.Root
        assert bool(pdf.Root.MarkInfo.Marked)
        assert str(pdf.Root.Lang) == "en"
        info = pdf.docinfo
        assert str(info.Title) == "Calloway Foodservice Distribution: win-back meeting brief"
        assert str(info.Author) == "Dana Whitfield"
        assert str(info.Subject).startswith("Win-back meeting brief for Calloway Foodservice")
        assert "Ridgeline Cold Chain" in str(info.Keywords)
        assert str(info.CreationDate).startswith("D:20261126")
        with pdf.open_metadata() as xmp:
            assert "pdfuaid:part" in str(xmp) or xmp.get("pdfuaid:part") == "1"
        with pdf.open_outline() as outline:
            titles = [item.title for item in outline.root[0].children] if outline.root else []
    assert titles[:3] == ["Before you walk in", "Snapshot", "The win-back meeting: script"]
    assert "Our commitment" in titles and "If they say no" in titles


def test_page_one_is_before_you_walk_in(samples):
    path = samples / "calloway-foodservice.pdf"
    first = text_of(path, 1)
    assert f"Page 1 of {pages_of(path)}" in first
    assert "Prepared 26 Nov 2026 for Dana Whitfield · Win-back meeting" in first
    for words in ("Before you walk in", "Thu 3 Dec 2026, 10:00", "Samuel Okafor leads the questions",
                  "Listen-only meeting.", "Do not ask for the business before 12 Jan 2027",
                  "Clear these first", "Send Alicia the October reefer telemetry report",
                  "Do not bring up Ridgeline's driver turnover", "Open complaints",
                  "Ask these if nothing else", "Snapshot"):
        assert words in first, words
    second = text_of(path, 2)
    assert "Calloway Foodservice Distribution" in second.splitlines()[0]
    assert "Lost" in second.splitlines()[0]
    everything = text_of(path)
    for heading in ("Complaints", "People", "Why we lost them", "New needs", "History",
                    "What we changed: say it after listening", "Do not promise yet"):
        assert heading in everything


def test_one_date_on_every_page_of_every_brief(samples):
    for pdf in sorted(samples.glob("*.pdf")):
        if pdf.stem.endswith(("-letters", "-plan")):
            continue  # what the client reads: dated as a letter is, below
        dates = set(re.findall(r"Prepared (\d+ \w+ \d{4})", text_of(pdf)))
        assert dates == {"26 Nov 2026"}, (pdf.name, dates)
    for pdf in sorted(samples.glob("*-plan.pdf")):
        assert "Denver, 26 November 2026" in text_of(pdf), pdf.name
        assert "Prepared" not in text_of(pdf), pdf.name
    # A letter carries the day it is to be sent: the summary of a meeting, the day after it.
    assert "Denver, 26 November 2026" in text_of(samples / "granite-peak-industrial-letters.pdf")
    assert "57 days ago" in text_of(samples / "calloway-foodservice.pdf", 1)  # 30 Sep to 26 Nov
    portfolio = text_of(samples.parent / "portfolio.pdf")
    assert "Prepared 26 Nov 2026" in portfolio and "counted from 26 Nov 2026" in portfolio


def test_letter_paper_from_config(tmp_path):
    root = tmp_path / "p"
    write(root / "winback.yaml", "paper: Letter\n")
    write(root / "content" / "accounts" / "northwind.md", FULL_ACCOUNT)
    report = build(open_project(root), BuildOptions(today=TODAY, jobs=1))
    assert report.ok, report.problems
    with pikepdf.open(root / "output" / "accounts" / "northwind.pdf") as pdf:
        assert all(size(page) == LETTER for page in pdf.pages)


def test_pdf_a_variant_from_config(tmp_path):
    root = tmp_path / "p"
    write(root / "winback.yaml", "pdf_variant: pdf/a-3b\n")
    write(root / "content" / "accounts" / "northwind.md", FULL_ACCOUNT)
    assert build(open_project(root), BuildOptions(today=TODAY, jobs=1)).ok
    with pikepdf.open(root / "output" / "accounts" / "northwind.pdf") as pdf:
        with pdf.open_metadata() as xmp:
            assert xmp.get("pdfaid:part") == "3" and xmp.get("pdfaid:conformance") == "B"


def test_rebuild_is_byte_identical(tmp_path, built_samples):
    """A second build of the samples, in another folder, equals the shared one byte for byte."""
    root = sample_copy(tmp_path)
    out = tmp_path / "again"
    assert build(open_project(root, out), BuildOptions(today=TODAY, jobs=2)).ok
    # Each folder's mark names the project it belongs to: the one file meant to differ.
    outputs = [{p.relative_to(folder): p.read_bytes() for p in sorted(folder.rglob("*"))
                if p.is_file() and p.name != ".winback-output"} for folder in (built_samples, out)]
    assert outputs[0].keys() == outputs[1].keys()
    # a brief, its letters and the plan per account, the portfolio, and each owner's page
    pdfs = [p for p in outputs[0] if p.suffix == ".pdf"]
    owners = [p for p in outputs[0] if p.parts[0] == "owners" and p.suffix == ".html"]
    assert len(pdfs) == 3 * len(SAMPLES) + 1 + len(owners) and owners
    assert [p for p in outputs[0] if p.suffix == ".eml"]  # the letters' email drafts too
    assert outputs[0] == outputs[1]


def test_without_a_pinned_date_the_brief_is_dated_today(tmp_path, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    write(tmp_path / "content" / "accounts" / "northwind.md", FULL_ACCOUNT)
    before = dt.date.today()
    assert build(open_project(tmp_path), BuildOptions(jobs=1)).ok
    after = dt.date.today()
    pdf_path = tmp_path / "output" / "accounts" / "northwind.pdf"
    text = text_of(pdf_path, 1)
    assert any(f"Prepared {day:%-d %b %Y} for Dana Reyes" in text for day in {before, after})
    with pikepdf.open(pdf_path) as pdf:
        assert str(pdf.docinfo.CreationDate)[2:10] in {f"{before:%Y%m%d}", f"{after:%Y%m%d}"}


# --- safety --------------------------------------------------------------------


@pytest.fixture
def roots(tmp_path) -> tuple[Path, ...]:
    project = tmp_path / "project"
    (project / "assets").mkdir(parents=True)
    (project / "assets" / "logo.png").write_bytes(b"png")
    (tmp_path / "secret.txt").write_text("secret")
    (project / "assets" / "link.png").symlink_to(tmp_path / "secret.txt")
    return (project.resolve(),)


def test_fetcher_allows_files_inside_the_project(roots):
    logo = roots[0] / "assets" / "logo.png"
    assert check_url(logo.as_uri(), roots) == logo


@pytest.mark.parametrize("url, reason", [
    ("http://example.com/pixel.png", "'http:' URLs are not fetched"),
    ("https://example.com/font.woff2", "'https:' URLs are not fetched"),
    ("ftp://example.com/x", "'ftp:' URLs are not fetched"),
    ("file:///etc/passwd", "outside the project"),
    ("file://server/share/x.png", "remote file hosts"),
    ("file:///PROJECT/assets/../../secret.txt", "'..' in a path is refused"),
    ("file:///PROJECT/assets/link.png", "outside the project"),
    ("file:///PROJECT/assets/missing.png", "no such file"),
])
def test_fetcher_refuses(roots, url, reason):
    with pytest.raises(RefusedURL, match=reason):
        check_url(url.replace("/PROJECT", str(roots[0])), roots)


def tiny_png() -> bytes:
    """A real one-pixel PNG: were it fetched, the PDF would hold it as an image."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data)))
    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b""))


def images_in(pdf_path: Path) -> int:
    with pikepdf.open(pdf_path) as pdf:
        return sum(len(page.get_images()) for page in pdf.pages)


def test_hostile_images_never_reach_html_or_pdf_and_are_reported(tmp_path):
    root = tmp_path / "p"
    (tmp_path / "outside.png").write_bytes(tiny_png())
    write(root / "content" / "accounts" / "sneaky.md", front("""
        name: Sneaky
        status: active
    """, """
        ## Why they signed
        ![a](../../../outside.png) ![b](file:///etc/hostname) ![c](http://tracker.example/p.png)
    """))
    report = build(open_project(root), BuildOptions(today=TODAY, jobs=1))
    assert report.pdfs == ["sneaky"]
    reported = [(p.line, p.column, p.message.split("'")[1]) for p in report.problems]
    assert sorted(reported) == [(7, 6, "../../../outside.png"), (7, 33, "file:///etc/hostname"),
                                (7, 60, "http://tracker.example/p.png")]
    page = (root / "output" / "accounts" / "sneaky.html").read_text()
    assert "outside.png" not in page and "hostname" not in page and "tracker" not in page
    assert images_in(root / "output" / "accounts" / "sneaky.pdf") == 0


def test_an_image_the_renderer_may_read_does_reach_the_pdf(tmp_path):
    """The check above can fail: the same image, from an allowed place, is drawn."""
    (tmp_path / "logo.png").write_bytes(tiny_png())
    html = '<html lang="en"><title>Logo</title><img src="logo.png" alt="Logo"></html>'
    results = []
    render_all([PdfJob("logo", html, tmp_path.as_uri() + "/")],
               PdfSettings(allowed_roots=(tmp_path,)), 1, results.append)
    (result,) = results
    (tmp_path / "logo.pdf").write_bytes(result.data)
    assert images_in(tmp_path / "logo.pdf") == 1


def test_refused_urls_are_reported_with_the_page(tmp_path):
    root = tmp_path / "p"
    (tmp_path / "outside.png").write_bytes(b"x")
    write(root / "content" / "accounts" / "plain.md", front("""
        name: Plain
        status: active
    """))
    outside = (tmp_path / "outside.png").as_uri()
    write(root / "templates" / "print.css",
          '@import url("https://fonts.example.com/x.css");\n'
          f'body {{ background: url("{outside}"); }}\n'
          # more levels up than any temporary folder is deep: it stops at /
          f'h1 {{ background: url("{"../" * 40}etc/hostname"); }}\n')
    report = build(open_project(root), BuildOptions(today=TODAY, jobs=1))
    assert report.pdfs == ["plain"]
    refused = sorted(p.message for p in report.problems if p.path.name == "plain.md")
    assert refused == [
        "refused to fetch 'file:///etc/hostname': the file is outside the project",
        f"refused to fetch '{outside}': the file is outside the project",
        "refused to fetch 'https://fonts.example.com/x.css': 'https:' URLs are not fetched; "
        "only files inside the project are",
    ]
    assert not any(p.is_error for p in report.problems)
    # the portfolio brief uses the same print.css, and says so against the accounts folder
    assert [p.path.name for p in report.problems if "fonts.example.com" in p.message] == [
        "plain.md", "accounts"]


def test_time_limit_fails_one_brief_alone(tmp_path):
    root = tmp_path / "p"
    # generous for a normal brief, even on a busy machine, and far too short for 30,000 events
    # (whose HTML dossier is given all the time it needs)
    write(root / "winback.yaml", "pdf_time_limit: 6\ndossier_time_limit: 120\n")
    write(root / "content" / "accounts" / "small.md", front("""
        name: Small
        status: active
    """))
    events = [f"- 2020-01-01: Event number {i} with some words to lay out." for i in range(30000)]
    logs = "".join(f"\n## Log {n}\n" + "\n".join(events[n::20]) + "\n" for n in range(20))
    write(root / "content" / "accounts" / "huge.md", front("""
        name: Huge
        status: active
    """) + logs)
    report = build(open_project(root), BuildOptions(today=TODAY, jobs=2))
    assert report.pdfs == ["small"], [p.headline() for p in report.problems]
    (problem,) = [p for p in report.problems if p.is_error]
    assert problem.path.name == "huge.md"
    # Stopped by its CPU time, or on a machine too busy to give it 6 s of CPU within the
    # minute, by the backstop on the clock: either way it fails alone.
    assert problem.message in (
        "rendering used more than 6 s of CPU time and was stopped",
        "rendering took longer than 60 s on the clock (its limit is 6 s of CPU time) and was "
        "stopped")
    assert not (root / "output" / "accounts" / "huge.pdf").exists()
    assert (root / "output" / "accounts" / "huge.html").exists()


def test_a_killed_pdf_worker_costs_no_brief(tmp_path):
    root = tmp_path / "p"
    for number in range(10):
        write(root / "content" / "accounts" / f"a{number}.md",
              FULL_ACCOUNT.replace("Northwind Freight", f"Account {number}"))
    build = subprocess.Popen([sys.executable, "-m", "generator", "-C", str(root), "build",
                              "-j", "2", "--today", TODAY.isoformat()],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    briefs = root / "output" / "accounts"
    deadline = time.monotonic() + 300
    while not list(briefs.glob("*.pdf")) and build.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    busy = busy_child(build.pid, deadline)
    assert busy, "the build ended before a busy worker could be killed"
    os.kill(busy, signal.SIGKILL)
    out, err = build.communicate(timeout=300)
    assert build.returncode == 0, err
    # the brief it was printing was lost with it, and made again: it was not idle
    assert re.search(r"^accounts/a\d(-letters|-plan)?\.pdf: its worker process died \(exit code -9\); "
                     "it is tried again in a fresh one$", err, re.M), err
    owners = len(list((root / "output" / "owners").glob("*.html")))
    assert out.startswith("Built 10 dossiers, 10 PDF briefs with their letters and plans, the "
                          f"portfolio PDF and {owners} owner PDFs")
    assert sorted(p.stem for p in briefs.glob("*.pdf")) == sorted(
        name for n in range(10) for name in (f"a{n}", f"a{n}-letters", f"a{n}-plan"))


def busy_child(pid: int, deadline: float) -> int | None:
    """A worker of `pid` seen using the CPU (so in the middle of a brief), or None."""
    while time.monotonic() < deadline:
        used = {child: cpu_ticks(child) for child in children(pid)}
        if not used:
            return None
        time.sleep(0.05)  # polling /proc: there is no event for "is computing"
        for child, before in used.items():
            if before is not None and (cpu_ticks(child) or 0) > before:
                return child
    return None


def cpu_ticks(pid: int) -> int | None:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return int(fields[11]) + int(fields[12])  # utime + stime


def children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # ended meanwhile
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def test_pool_reports_every_result(tmp_path):
    jobs = [PdfJob(f"doc{i}", f"<html lang=en><title>{i}</title><p>Brief {i}</p></html>",
                   tmp_path.as_uri() + "/") for i in range(4)]
    results = []
    render_all(jobs, PdfSettings(allowed_roots=(tmp_path,)), 2, results.append)
    assert sorted(r.slug for r in results) == ["doc0", "doc1", "doc2", "doc3"]
    assert all(r.data.startswith(b"%PDF-") for r in results)


def test_attachments_are_refused_even_from_inside_the_project(tmp_path):
    (tmp_path / "notes.txt").write_text("internal notes")
    notes = (tmp_path / "notes.txt").as_uri()
    html = ('<html lang=en><head><title>x</title><link rel="attachment" href="notes.txt"></head>'
            f'<body><a rel="attachment" href="{notes}">notes</a></body></html>')
    results = []
    render_all([PdfJob("x", html, tmp_path.as_uri() + "/")],
               PdfSettings(allowed_roots=(tmp_path,)), 1, results.append)
    (result,) = results
    assert result.data.startswith(b"%PDF-")
    assert result.refused == [(notes, "attachments are not embedded in briefs")] * 2
    assert b"internal notes" not in result.data and b"/EmbeddedFile" not in result.data


def test_links_between_pages_are_dropped_from_print():
    from generator.pdf import printable

    html = ('<a href="accounts/a.html">A</a> <a class="x" href="../index.html">up</a> '
            '<a href="https://example.com/">web</a> <a href="#script">script</a> '
            '<a href="mailto:dana@example.com">mail</a>')
    assert printable(html) == (
        '<a>A</a> <a class="x">up</a> <a href="https://example.com/">web</a> '
        '<a href="#script">script</a> <a href="mailto:dana@example.com">mail</a>')


def test_portfolio_pdf(samples):
    path = samples.parent / "portfolio.pdf"
    text = text_of(path)
    for words in ("At a glance", "Upcoming meetings", "Due this week", "Waiting for an answer",
                  "Not ready to ask", "Loss reasons by number of accounts",
                  "Loss reasons by annual value", "Tenure at loss", "Lost and won back, per year",
                  "Calloway Foodservice Distribution", "Page 1 of"):
        assert words in text, words
    fonts = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True,
                           text=True).stdout.splitlines()[2:]
    assert fonts and all("Inter" in row.split()[0] for row in fonts)
    with pikepdf.open(path) as pdf:
        assert "/StructTreeRoot" in pdf.Root
        assert not any("/Annots" in page for page in pdf.pages)  # no links to local files
