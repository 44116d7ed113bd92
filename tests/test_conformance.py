"""Independent checkers on the built sample site: the pages and briefs judged by tools that
know nothing of winback.

- The Nu HTML checker (vnu.jar, the W3C validator) on every HTML page.
- axe-core in headless Chromium on the index, one dossier and one owner page.
- A link check: every relative href and src reaches a file, every #fragment an id.
- qpdf, pdffonts and page-validation (PDF/UA-1) on every PDF.

The tools are installed by `scripts/setup --test`: Debian's chromium, qpdf and
poppler-utils; vnu-jar, playwright-core and axe-core at pinned versions in .tools/
(.tools/package.json); page-validation from the `test` extra. A missing tool is a
failure with a hint, never a skip, so that CI cannot pass without running a checker.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import http.server
import json
import os
import re
import shutil
import subprocess
import sys
import threading
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from conftest import SAMPLES, TODAY

from generator.commands.build import BuildOptions, build
from generator.project import open_project

REPO = Path(__file__).resolve().parent.parent
TOOLS = REPO / ".tools" / "node_modules"
VNU_JAR = TOOLS / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_SCRIPT = REPO / "tests" / "axe_check.cjs"
CHROMIUM = Path("/usr/bin/chromium")
SETUP_HINT = "run scripts/setup --test to install the checkers"

# Everyone who owns an account or a follow-up in the samples has a page and a PDF.
OWNERS = ["ana-brooks", "dana-whitfield", "elena-sorensen", "kim-tran", "lucia-ferreira",
          "marcus-bell", "owen-gallagher", "peter-lindgren", "raj-patel", "renee-castillo"]
PDFS = ([f"accounts/{slug}.pdf" for slug in SAMPLES]
        + [f"accounts/{slug}-letters.pdf" for slug in SAMPLES]
        + [f"accounts/{slug}-plan.pdf" for slug in SAMPLES] + ["portfolio.pdf"]
        + [f"owners/{owner}.pdf" for owner in OWNERS])
# The pages axe-core opens: the portfolio, a rich dossier, letters drafted after a
# meeting, the plan for the client, and an owner page.
AXE_PAGES = ["index.html", "accounts/calloway-foodservice.html",
             "accounts/granite-peak-industrial-letters.html",
             "accounts/granite-peak-industrial-plan.html", "owners/dana-whitfield.html"]
BROWSER_SCRIPT = REPO / "tests" / "browser_check.cjs"
PHONE = 390
DESK = 1366
CORPUS = 60


def need(tool: Path | str) -> str:
    """The path of a checker, or a failure (not a skip) that says how to install it."""
    path = tool if isinstance(tool, Path) else shutil.which(tool)
    if path is None or not Path(path).exists():
        pytest.fail(f"{tool} is missing: {SETUP_HINT}", pytrace=False)
    return str(path)


@pytest.fixture(scope="module")
def site(built_samples) -> Path:
    """The sample accounts built once, HTML and PDF, as in `make demo`."""
    return built_samples


def html_pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def test_the_site_has_the_pages_the_checkers_expect(site):
    pages = {p.relative_to(site).as_posix() for p in html_pages(site)}
    assert (site / "assets" / "favicon.svg").is_file()
    assert '<link rel="icon" href="assets/favicon.svg"' in (site / "index.html").read_text()
    assert "index.html" in pages
    assert {f"accounts/{slug}.html" for slug in SAMPLES} <= pages
    assert {p for p in pages if p.startswith("owners/")} == {f"owners/{o}.html" for o in OWNERS}
    assert set(AXE_PAGES) <= pages
    assert sorted(p.relative_to(site).as_posix() for p in site.rglob("*.pdf")) == sorted(PDFS)


# --- Nu HTML checker -------------------------------------------------------------------

def test_nu_html_checker_finds_no_errors(site):
    """One JVM for every page: index, every dossier, every owner page."""
    java = need("java")
    jar = need(VNU_JAR)
    pages = html_pages(site)
    run = subprocess.run(
        [java, "-jar", jar, "--errors-only", "--format", "json", "--stdout",
         *map(str, pages)],
        capture_output=True, text=True, timeout=180)
    try:
        messages = json.loads(run.stdout)["messages"]
    except (ValueError, KeyError):
        pytest.fail(f"vnu gave no JSON report (exit {run.returncode}):\n{run.stdout}{run.stderr}")
    # Every message counts, errors and non-document errors (a file it could not read) alike.
    def where(message: dict) -> str:
        path = Path(unquote(urlsplit(message.get("url", "")).path))
        return path.relative_to(site).as_posix() if path.is_relative_to(site) else str(path)

    problems = [f"{where(m)}:{m.get('lastLine', '?')}:{m.get('firstColumn', '?')}: "
                f"{m.get('type')}: {m.get('message')}\n    {m.get('extract', '').strip()}"
                for m in messages]
    assert not problems, "\n".join(problems)
    assert run.returncode == 0, run.stdout + run.stderr


# --- axe-core in Chromium --------------------------------------------------------------

class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 (the standard library's name)
        pass


@contextlib.contextmanager
def serving(folder: Path):
    """A folder over HTTP on 127.0.0.1, as a browser would see a published site."""
    handler = functools.partial(QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="module")
def served(site):
    """The sample site, served."""
    with serving(site) as url:
        yield url


@pytest.fixture(scope="module")
def served_corpus(tmp_path_factory):
    """60 accounts of the benchmark corpus (bench/corpus.py), HTML only, served: lists
    longer than a page shows at once, every owner with many accounts."""
    sys.path.insert(0, str(REPO / "bench"))
    from corpus import write_corpus

    root = tmp_path_factory.mktemp("corpus") / "project"
    write_corpus(CORPUS, root)
    report = build(open_project(root), BuildOptions(today=TODAY, pdf=False))
    assert report.ok, [p.headline() for p in report.problems]
    with serving(root / "output") as url:
        yield url


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_violations(served, scheme):
    """axe-core's default rules (WCAG 2.0 to 2.2 A and AA, and its best practices), on the
    pages as a browser shows them, after portfolio.js has added its filters and buttons,
    in light and in dark mode (contrast is judged on the colours each shows)."""
    node = need("node")
    need(CHROMIUM)
    need(TOOLS / "playwright-core")
    need(TOOLS / "axe-core")
    urls = [served + page for page in AXE_PAGES]
    run = subprocess.run([node, str(AXE_SCRIPT), *urls], capture_output=True, text=True,
                         timeout=180, env={**os.environ, "WINBACK_COLOR_SCHEME": scheme})
    assert run.returncode == 0, run.stdout + run.stderr
    report = json.loads(run.stdout)
    assert sorted(report["pages"]) == sorted(urls)
    problems = [f"{url[len(served):]}: {v['id']} ({v['impact']}): {v['help']}\n"
                + "\n".join(f"    {' '.join(map(str, n['target']))}: {n['html'][:200]}"
                            for n in v["nodes"])
                for url, violations in report["pages"].items() for v in violations]
    assert not problems, f"axe-core {report['axe']}:\n" + "\n".join(problems)


# --- Phones and the table script, in Chromium ------------------------------------------

def browser(*args: str) -> dict:
    node = need("node")
    need(CHROMIUM)
    need(TOOLS / "playwright-core")
    run = subprocess.run([node, str(BROWSER_SCRIPT), *args], capture_output=True, text=True,
                         timeout=180)
    assert run.returncode == 0, run.stdout + run.stderr
    return json.loads(run.stdout)


def test_no_page_is_wider_than_a_phone(served):
    """At 390 px no page scrolls sideways (tables stack or scroll in their own box), and
    chart labels stay readable."""
    urls = [served + page for page in AXE_PAGES]
    pages = browser("layout", str(PHONE), *urls)
    for url, measured in pages.items():
        assert measured["innerWidth"] == PHONE
        assert measured["scrollWidth"] <= measured["innerWidth"], (url, measured)
    assert pages[served + "index.html"]["smallestChartText"] >= 12


CORPUS_PAGES = ["index.html", "owners/kim-tran.html", "accounts/account-00001.html"]


@pytest.mark.parametrize("width", [DESK, PHONE])
def test_the_account_table_at_a_desk_and_on_a_phone(served, served_corpus, width):
    """At 1366 px one line per name and every column in view; at 390 px one card per
    account; at either width no page scrolls sideways (the samples' long names, and 60
    accounts with every list full)."""
    urls = [served + "index.html", served + "owners/dana-whitfield.html",
            *(served_corpus + page for page in CORPUS_PAGES)]
    pages = browser("layout", str(width), *urls)
    for url, measured in pages.items():
        assert measured["scrollWidth"] <= measured["innerWidth"] == width, (url, measured)
        table = measured["accountTable"]
        if url.endswith("html") and "/accounts/" not in url:
            assert table["rows"] > 0 and table["wrappedNames"] == 0, (url, table)
            assert table["overflow"] <= 0, (url, table)
            assert table["display"] == ("table-row" if width == DESK else "grid"), url
    assert pages[served_corpus + "index.html"]["accountTable"]["rows"] == CORPUS


def test_the_account_table_script(served):
    result = browser("table", served + "index.html")
    assert result["labels"] == ["All", "Lost", "At risk", "Won back", "Active"]
    # Accounts with no meeting sort last both ways; meetings by their dates, as written.
    def when(text: str) -> dt.datetime | None:
        try:
            return dt.datetime.strptime(text, "%a %d %b %Y, %H:%M")
        except ValueError:
            return None

    for order in ("ascending", "descending"):
        dates = [when(text) for text in result[order]]
        meetings = [d for d in dates if d is not None]
        assert len(meetings) >= 3 and dates[:len(meetings)] == meetings  # none last
        assert meetings == sorted(meetings, reverse=order == "descending")
    assert not result["emptyBefore"] and result["emptyAfter"]
    assert result["message"].startswith("No account matches these filters.")
    assert result["dateCell"] == "nowrap"


def test_the_search_box_finds_accounts_as_you_type(served):
    """Two words, in any order and case, accents aside, from two columns (an owner and a
    loss reason); Enter on the one account left opens its dossier. Without JavaScript
    there is no box and every account is listed."""
    result = browser("search", served + "index.html", "billing SORENSEN")
    assert result["before"] == f"{len(SAMPLES)} of {len(SAMPLES)} accounts"
    assert result["after"] == f"1 of {len(SAMPLES)} accounts"
    assert result["names"] == ["Sterling Ridge Property Management"]
    assert result["opened"] == "/accounts/sterling-ridge-property.html"
    assert result["withoutScript"] == {"boxes": 0, "rows": len(SAMPLES)}
    competitor = browser("search", served + "index.html", "ridgeline")
    assert competitor["names"] == ["Calloway Foodservice Distribution"]


def test_long_lists_open_with_show_all_with_or_without_script(served_corpus):
    result = browser("details", served_corpus + "index.html", "#meetings")
    for measured in result.values():
        assert measured["before"] == 10
        assert measured["summary"].startswith("Show all ")
        assert measured["after"] == int(measured["summary"].split()[-1]) > 10


# --- Internal links ----------------------------------------------------------------------

class Links(HTMLParser):
    """The ids of a page, and every href and src in it with its line."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.refs: list[tuple[int, str]] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name == "id" and value:
                self.ids.add(value)
            if name in ("href", "src", "xlink:href") and value is not None:
                self.refs.append((self.getpos()[0], value))

    handle_startendtag = handle_starttag


@functools.cache
def parse(page: Path) -> Links:
    links = Links()
    links.feed(page.read_text(encoding="utf-8"))
    links.close()
    return links


def check_reference(site: Path, page: Path, ref: str) -> str | None:
    """What is wrong with a reference from `page`, or None when it is fine. References
    with a scheme (https:, mailto:, data:) or a host leave the site and are not checked."""
    parts = urlsplit(ref)
    if parts.scheme or parts.netloc:
        return None
    target = (page.parent / unquote(parts.path)).resolve() if parts.path else page.resolve()
    if not target.is_relative_to(site.resolve()):
        return "points outside the output folder"
    if not target.is_file():
        return "no such file"
    fragment = unquote(parts.fragment)
    if fragment and target.suffix == ".html" and fragment not in parse(target).ids:
        return f"no id {fragment!r} in {target.relative_to(site.resolve()).as_posix()}"
    return None


def test_every_relative_link_and_fragment_resolves(site):
    problems = []
    checked = 0
    for page in html_pages(site):
        for line, ref in parse(page).refs:
            checked += 1
            if (error := check_reference(site, page, ref)) is not None:
                problems.append(f"{page.relative_to(site)}:{line}: {ref}: {error}")
    # The theme's stylesheets are part of every page: their url()s must resolve too.
    for sheet in sorted((site / "assets").glob("*.css")):
        for match in re.finditer(r"url\(\s*['\"]?([^'\")]+)", sheet.read_text()):
            checked += 1
            if (error := check_reference(site, sheet, match.group(1))) is not None:
                problems.append(f"{sheet.relative_to(site)}: {match.group(1)}: {error}")
    assert checked > 100, f"only {checked} references found: is the parser blind?"
    assert not problems, "\n".join(problems)


def test_the_link_check_sees_broken_links(tmp_path):
    """The checker itself: a missing file, a missing id and an escape are all caught."""
    (tmp_path / "a.html").write_text('<p id="here"><a href="#here">ok</a>'
                                     '<a href="b.html#nowhere">x</a><img src="c.png" alt="">'
                                     '<a href="../../etc/passwd">y</a>')
    (tmp_path / "b.html").write_text('<p id="there">b</p>')
    page = tmp_path / "a.html"
    errors = [check_reference(tmp_path, page, ref) for _, ref in parse(page).refs]
    assert errors == [None, "no id 'nowhere' in b.html", "no such file",
                      "points outside the output folder"]


# --- PDFs ------------------------------------------------------------------------------

@pytest.mark.parametrize("name", PDFS)
def test_pdf_passes_qpdf_check(site, name):
    run = subprocess.run([need("qpdf"), "--check", str(site / name)], capture_output=True,
                         text=True)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "No syntax or stream encoding errors" in run.stdout


@pytest.mark.parametrize("name", PDFS)
def test_pdf_embeds_every_font(site, name):
    listing = subprocess.run([need("pdffonts"), str(site / name)], check=True,
                             capture_output=True, text=True).stdout.splitlines()
    fonts = listing[2:]
    assert fonts, "no fonts listed"
    # Columns: name type encoding emb sub uni object ID; a name may hold spaces, so count
    # from the right.
    not_embedded = [line for line in fonts if line.split()[-5] != "yes"]
    assert not not_embedded, "\n".join(listing[:2] + not_embedded)


@pytest.mark.parametrize("name", PDFS)
def test_pdf_conforms_to_pdf_ua_1(site, name):
    try:
        import page as pdf_checker  # page-validation, from the test extra
    except ImportError:
        pytest.fail(f"page-validation is missing: {SETUP_HINT}", pytrace=False)
    report = pdf_checker.validate_pdf(site / name, profile=pdf_checker.ValidationProfile.PDF_UA_1)
    failures = [f"{f.rule_id}: {f.message}"
                + (f" (object {f.object_id.object_number})" if f.object_id else "")
                for f in report.failures]
    assert not failures, "\n".join(failures)
    assert report.is_compliant
    assert report.rules.total > 50  # the UA-1 rule set really ran
