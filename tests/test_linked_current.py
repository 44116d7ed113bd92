"""What a page links is current: a PDF older than its page is said so on the page, the
printouts outlive builds without PDFs, a failed write never shrinks the portfolio, and a
missing accounts folder deletes nothing."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import FULL_ACCOUNT, TODAY, run_cli, site_files

from generator.commands.build import BuildOptions, build
from generator.pdfnotes import MISSING, STALE
from generator.project import open_project

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

BETA = FULL_ACCOUNT.replace("Northwind Freight", "Beta Supplies").replace("Dana Reyes",
                                                                         "Sam Ortiz")
STALE_NOTE = STALE.split(":")[0]
MISSING_NOTE = MISSING.split(":")[0]


def make(project_dir: Path, **options) -> object:
    return build(open_project(project_dir), BuildOptions(today=TODAY, **options))


def text(out: Path, page: str) -> str:
    return (out / page).read_text(encoding="utf-8")


@pytest.fixture
def printed(project_dir, add_account) -> Path:
    """Two accounts of two owners built with every PDF: the output folder."""
    add_account("acme", FULL_ACCOUNT)
    add_account("beta", BETA)
    assert make(project_dir, pdf=True).ok
    return project_dir / "output"


def test_a_pdf_older_than_its_page_is_said_so_beside_its_link(printed, project_dir,
                                                             add_account):
    assert STALE_NOTE not in text(printed, "accounts/acme.html")
    brief = (printed / "accounts/acme.pdf").read_bytes()
    add_account("acme", FULL_ACCOUNT.replace("value: 5200000", "value: 1"))
    assert make(project_dir, pdf=False).ok
    dossier = text(printed, "accounts/acme.html")
    link = dossier.index("Print brief (PDF)</a>")
    assert dossier.index(STALE_NOTE, link) - link < 120, dossier[link:link + 300]
    assert STALE_NOTE in text(printed, "index.html")  # the portfolio changed too
    assert STALE_NOTE not in text(printed, "accounts/beta.html")  # its PDF is still its own
    assert (printed / "accounts/acme.pdf").read_bytes() == brief  # left as it was

    assert make(project_dir, pdf=True).ok
    for page in ("accounts/acme.html", "accounts/acme-letters.html", "index.html"):
        assert STALE_NOTE not in text(printed, page), page
    assert (printed / "accounts/acme.pdf").read_bytes() != brief
    clean = project_dir / "clean"
    assert build(open_project(project_dir, clean), BuildOptions(today=TODAY, clean=True)).ok
    assert text(printed, "accounts/acme.html") == text(clean, "accounts/acme.html")


def test_a_page_whose_pdf_was_never_printed_says_so(project_dir, add_account):
    add_account("acme", FULL_ACCOUNT)
    assert make(project_dir, pdf=False).ok
    out = project_dir / "output"
    assert MISSING_NOTE in text(out, "accounts/acme.html")
    assert MISSING_NOTE in text(out, "index.html")
    assert make(project_dir, pdf=True).ok
    assert MISSING_NOTE not in text(out, "accounts/acme.html")
    assert MISSING_NOTE not in text(out, "index.html")


@pytest.mark.parametrize("clean", [False, True])
def test_printouts_outlive_builds_without_pdfs(printed, project_dir, add_account, clean):
    pdfs = {name: data for name, data in site_files(printed).items() if name.endswith(".pdf")}
    owners = sum(name.startswith("owners/") for name in pdfs)
    assert owners >= 2, sorted(pdfs)
    add_account("beta", BETA.replace("value: 5200000", "value: 7"))  # the portfolio changes
    assert make(project_dir, pdf=False, clean=clean).ok
    after = site_files(printed)
    assert {name: after.get(name) for name in pdfs} == pdfs
    again = make(project_dir, pdf=True)
    assert again.ok and again.made["owner-pdf"] == owners and again.made["portfolio-pdf"] == 1


def test_a_failed_write_keeps_the_account_in_the_portfolio(printed, project_dir, add_account,
                                                         monkeypatch):
    before = site_files(printed)
    assert before["calendar.ics"].count(b"BEGIN:VEVENT") >= 2
    add_account("acme", FULL_ACCOUNT.replace("value: 5200000", "value: 1"))
    real_replace = os.replace

    def full(source, target):
        if Path(target).parent.name == "accounts":
            raise OSError(28, "No space left on device")
        return real_replace(source, target)

    monkeypatch.setattr(os, "replace", full)
    report = make(project_dir, pdf=True)
    monkeypatch.undo()
    assert not report.ok and "acme" in report.failed
    after = site_files(printed)
    assert after["calendar.ics"].count(b"BEGIN:VEVENT") == \
        before["calendar.ics"].count(b"BEGIN:VEVENT")
    assert [n for n in before if n.startswith("owners/")] == \
        [n for n in after if n.startswith("owners/")]
    assert after["accounts/acme.html"] == before["accounts/acme.html"]
    assert "Northwind Freight" in text(printed, "index.html")
    assert make(project_dir, pdf=False).ok  # and the next build writes it
    assert "$1" in text(printed, "accounts/acme.html")


def test_a_missing_accounts_folder_is_an_error_that_deletes_nothing(printed, project_dir):
    (project_dir / "winback.yaml").write_text("currency: USD\n", encoding="utf-8")
    before = site_files(printed)
    (project_dir / "content" / "accounts").rename(project_dir / "content" / "moved")
    for command in (("build",), ("build", "--no-pdf", "--clean"), ("check",), ("list",)):
        result = run_cli(project_dir, *command)
        assert result.exit_code == 1, (command, result.output)
        assert "content/accounts: the accounts folder is missing (restore it" in result.stderr
    assert site_files(printed) == before
