"""Everything an account file says is used or reported, and no date or setting outside
the accounts breaks a build: each case through the command line, next to a good account
that must still build."""

from __future__ import annotations

import datetime as dt
from html.parser import HTMLParser

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from conftest import (
    FULL_ACCOUNT,
    TODAY,
    assert_alone_reported,
    build_beside_good,
    run_cli,
    write,
)

from generator.derive import BuildDate, derive
from generator.project import open_project
from generator.validate import read_account

WON_BACK = FULL_ACCOUNT.replace("status: lost\n", "status: won-back\nwon_back: 2026-10-20\n")
# Every kind of dated item, with one resolved complaint on 29 February.
LEAP = FULL_ACCOUNT.replace("- [x] 2025-02-11:", "- [x] 2024-02-29:")


def said(result, project_dir, words: str) -> list[str]:
    """The problem lines that hold `words`, with paths from the project's folder."""
    return [line.replace(f"{project_dir}/", "") for line in result.stderr.splitlines()
            if words in line and not line.startswith(" ")]


# --- dates --------------------------------------------------------------------------------


def test_every_day_of_a_leap_year_derives(project_dir, add_account):
    project = open_project(project_dir)
    accounts = [read_account(add_account(slug, text), project.config)[0]
                for slug, text in (("lost", LEAP), ("won", WON_BACK.replace(
                    "- [x] 2025-02-11:", "- [x] 2024-02-29:")))]
    day, seen = dt.date(2028, 1, 1), 0
    while day.year == 2028:
        for account in accounts:
            dossier = derive(account, project.config, project.bank, BuildDate(day, True))
            assert dossier.as_of == day
        seen += 1
        day += dt.timedelta(days=1)
    assert seen == 366


def test_29_february_builds_every_account(project_dir, add_account):
    add_account("leap", LEAP)
    result = build_beside_good(project_dir, "--today", "2028-02-29")
    assert result.exit_code == 0, result.stderr
    assert "2 dossiers" in result.stdout
    assert (project_dir / "output" / "accounts" / "leap.html").is_file()


@pytest.mark.parametrize("value", ["abc", "-5", "1.5e9", "17 95", "١٧٩٥٦٥١٢٠٠"])
def test_a_malformed_source_date_epoch_is_an_error_with_the_fix(project_dir, add_account,
                                                                 monkeypatch, value):
    add_account("good", FULL_ACCOUNT)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    for command in (("build", "--no-pdf"), ("list",)):
        result = run_cli(project_dir, *command)
        assert result.exit_code == 1, result.output
        assert (f"SOURCE_DATE_EPOCH={value} is not a whole number of seconds since 1970 "
                "(set SOURCE_DATE_EPOCH to seconds since 1970") in result.stderr, result.stderr
    assert not (project_dir / "output").exists()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795651200")  # 2026-11-26
    result = run_cli(project_dir, "build", "--no-pdf")
    assert result.exit_code == 0 and (project_dir / "output" / "accounts" / "good.html").is_file()


def test_an_empty_source_date_epoch_is_unset(project_dir, add_account, monkeypatch):
    add_account("good", FULL_ACCOUNT)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "")
    result = run_cli(project_dir, "list", "--format", "json")
    assert result.exit_code == 0 and '"slug": "good"' in result.stdout, result.output


# --- deep YAML ----------------------------------------------------------------------------

DEEP_FLOW = "notes: " + "[" * 1000 + "]" * 1000 + "\n"  # 2 KB
DEEP_BLOCK = "notes:\n" + "".join(" " * (level + 1) + "-\n" for level in range(600))
DEPTH = "YAML nests deeper than 40 levels (indent fields and lists less deeply)"


@pytest.mark.parametrize("nested, where", [(DEEP_FLOW, ":5:48: "), (DEEP_BLOCK, ":46:42: ")])
@pytest.mark.parametrize("libyaml", [True, False])
def test_deep_yaml_in_an_account_is_located(project_dir, add_account, monkeypatch, nested,
                                            where, libyaml):
    import yaml
    if not libyaml:  # the pure-Python composer alone, as without libyaml
        monkeypatch.delattr(yaml, "CSafeLoader", raising=False)
    add_account("deep", f"---\nname: X\nstatus: lost\nlost: 2026-01-01\n{nested}---\n")
    expected = f"content/accounts/deep.md{where}{DEPTH}"
    result = run_cli(project_dir, "check")
    assert result.exit_code == 1 and expected in result.stderr, result.stderr
    result = build_beside_good(project_dir)
    assert result.exit_code == 1 and expected in result.stderr, result.stderr
    assert result.stderr.splitlines()[-1].startswith("Built 1 of 2 dossiers"), result.stderr


@pytest.mark.parametrize("name", ["winback.yaml", "content/questions.yaml"])
def test_deep_yaml_in_the_project_files_is_located(project_dir, add_account, name):
    add_account("good", FULL_ACCOUNT)
    write(project_dir / name, "add:\n  " + DEEP_FLOW)
    expected = f"{name}:2:49: {DEPTH}"
    for command in (("check",), ("build", "--no-pdf"), ("list",)):
        result = run_cli(project_dir, *command)
        assert result.exit_code == 1 and expected in result.stderr, (command, result.stderr)


# --- ' #' in a plain value --------------------------------------------------------------

CUT = """\
---
name: Store #12 Supplies
status: lost   # a comment, set apart
lost: 2026-01-01
# a comment on its own line
owner: "Sam #2"  # after a quoted value
value: 5200000 # a number is never text cut short
competitor: Harbor #2
loss_reasons: [price]
people:
  - name: Tom # the buyer
---
"""


def test_a_plain_value_cut_by_a_comment_is_a_warning_with_the_fix(project_dir, add_account):
    add_account("store", CUT)
    result = build_beside_good(project_dir)
    assert result.exit_code == 0, result.stderr
    warned = said(result, project_dir, "is read as a comment")
    assert warned == [
        "content/accounts/store.md:2:13: warning: name: '#12 Supplies' is read as a comment, "
        "so the value is 'Store' (if it is part of the value, put the whole value in quotes "
        "(name: \"Store #12 Supplies\"); if it is a comment, put it on a line of its own)",
        "content/accounts/store.md:8:20: warning: competitor: '#2' is read as a comment, so "
        "the value is 'Harbor' (if it is part of the value, put the whole value in quotes "
        "(competitor: \"Harbor #2\"); if it is a comment, put it on a line of its own)",
        "content/accounts/store.md:11:15: warning: person 1, name: '# the buyer' is read as a "
        "comment, so the value is 'Tom' (if it is part of the value, put the whole value in "
        "quotes (name: \"Tom # the buyer\"); if it is a comment, put it on a line of its own)",
    ], result.stderr
    assert run_cli(project_dir, "check", "--strict").exit_code == 1
    add_account("store", CUT.replace("name: Store #12 Supplies", 'name: "Store #12 Supplies"')
                .replace("Harbor #2", "'Harbor #2'").replace("Tom # the", "Tom\n    # the"))
    result = run_cli(project_dir, "check", "--strict")
    assert result.exit_code == 0, result.stderr
    result = build_beside_good(project_dir)
    assert "Store #12 Supplies" in (project_dir / "output" / "accounts" / "store.html").read_text()


# --- headings that name a known section ---------------------------------------------------

BODY_START = FULL_ACCOUNT.index("\nIntro line")
ODD_HEADINGS = FULL_ACCOUNT[:BODY_START] + """
Why they signed:
Only carrier with refrigerated capacity.

### Wins
- 2019-11-02: Cleared a 300-pallet backlog in 48 hours.

# Complaints
- [ ] 2026-06-01: Late deliveries three weeks running on the Denver lane.

**Why we lost them:**
Three weeks of late deliveries.

 ## What we changed
- [x] 2026-10-15: Dedicated dispatch lead for the Denver lane. !essential

New needs
---------
One dashboard for all carriers.

##History
- 2026-03-01: Tom Ellis left.

```
# Complaints
```

# Gossip
"""
ODD = {  # line:column -> as written
    "40:1": "Why they signed:", "43:1": "### Wins", "46:1": "# Complaints",
    "49:1": "**Why we lost them:**", "52:2": " ## What we changed",
    "55:1": "New needs / ---------", "59:1": "##History"}
PROMPTS = ("why_signed", "wins", "complaints", "why_lost", "changes", "new_needs", "history")


def test_a_known_section_under_another_heading_is_read_with_a_warning(project_dir,
                                                                       add_account):
    from generator.schema import SECTION_BY_KEY

    add_account("odd", ODD_HEADINGS)
    for result in (run_cli(project_dir, "check"), build_beside_good(project_dir)):
        warned = said(result, project_dir, "is read as the section")
        assert warned == [
            f"content/accounts/odd.md:{where}: warning: heading: '{written}' is read as the "
            f"section {kind.title} (write it as '## {kind.title}' at the start of its line: "
            "sections are level-2 headings)"
            for (where, written), kind in zip(ODD.items(), (SECTION_BY_KEY[k] for k in PROMPTS),
                                              strict=True)], result.stderr
        assert result.exit_code == 0, result.stderr
    page = (project_dir / "output" / "accounts" / "odd.html").read_text()
    before = page[page.index('id="before"'):page.index('id="snapshot"')]
    assert "Late deliveries three weeks running" in before
    for key in PROMPTS:  # every section is there: none asks to be recorded
        assert SECTION_BY_KEY[key].prompt not in page, key
    assert "<code># Complaints" in page and "Gossip" in page  # fenced, and unknown: kept
    assert run_cli(project_dir, "check", "--strict").exit_code == 1


def test_a_section_written_twice_is_read_whole(project_dir, add_account):
    twice = FULL_ACCOUNT.replace("## History", "## Complaints\n- [ ] 2026-07-01: Wrong "
                                 "invoices again.\n\n## History")
    add_account("twice", twice)
    result = build_beside_good(project_dir)
    assert said(result, project_dir, "appears twice") == [
        "content/accounts/twice.md:64:4: warning: heading: 'Complaints' appears twice (first on "
        "line 48); both are read, as one (merge the two sections)"], result.stderr
    page = (project_dir / "output" / "accounts" / "twice.html").read_text()
    before = page[page.index('id="before"'):page.index('id="snapshot"')]
    assert "Wrong invoices again" in before and "Late deliveries three weeks" in before


# --- which files are accounts ---------------------------------------------------------------

NOT_BUILT = {  # file -> what every command says of it
    "x.markdown": "x.markdown: file name 'x.markdown' does not end in '.md' (rename it to "
                  "'x.md')",
    "notes.txt": "notes.txt: file name 'notes.txt' does not end in '.md' (rename it to "
                 "'notes.md')",
    "west/w.md": "west/w.md: accounts in subfolders of content/accounts/ are not read (move "
                 "it to content/accounts/ as 'w.md')",
    "west/deep/good.md": "west/deep/good.md: accounts in subfolders of content/accounts/ are "
                         "not read (content/accounts/good.md exists already: merge this file "
                         "into it, then delete this one)",
}
NOT_READ = {
    "logo.png": "logo.png: warning: 'logo.png' is not an account file, so it is not read "
                "(only .md files are accounts: keep other files outside content/accounts/; "
                "images go in assets/)",
    "west/map.pdf": "west: warning: 1 file in this folder is not read (only .md files are "
                    "accounts: keep other files outside content/accounts/; images go in assets/)",
}
IGNORED = (".gitkeep", ".good.md.swp", ".obsidian/x.md")


def said_of_files(result, project_dir) -> list[str]:
    prefix = "content/accounts/"
    return sorted(line[len(prefix):] for line in said(result, project_dir, prefix)
                  if line.startswith(prefix) and not line.startswith(prefix + "good.md"))


def test_files_that_are_not_accounts_are_said_alike_by_every_command(project_dir):
    accounts = project_dir / "content" / "accounts"
    write(accounts / "good.md", FULL_ACCOUNT)
    for name in (*NOT_BUILT, *NOT_READ, *IGNORED):
        write(accounts / name, FULL_ACCOUNT)
    expected = sorted([*NOT_BUILT.values(), *NOT_READ.values()])
    check = run_cli(project_dir, "check")
    assert check.exit_code == 1 and said_of_files(check, project_dir) == expected, check.stderr
    build = build_beside_good(project_dir)
    assert said_of_files(build, project_dir) == expected, build.stderr
    assert build.stderr.splitlines()[-1].startswith("Built 1 of 5 dossiers into "), build.stderr
    index = (project_dir / "output" / "index.html").read_text()
    assert index.count("content/accounts/west/") == 2 and "x.markdown" in index
    listed = run_cli(project_dir, "list")
    assert listed.exit_code == 1  # list prints errors only
    assert said_of_files(listed, project_dir) == sorted(NOT_BUILT.values()), listed.stderr
    assert "Northwind Freight" in listed.stdout
    # A folder or a file named alone is said of as the whole folder says of it.
    west = run_cli(project_dir, "check", str(accounts / "west"))
    assert said_of_files(west, project_dir) == [line for line in expected
                                                 if line.startswith("west")], west.stderr
    for name, words in NOT_BUILT.items():
        alone = run_cli(project_dir, "check", str(accounts / name))
        assert alone.exit_code == 1 and said_of_files(alone, project_dir) == [words]
    assert run_cli(project_dir, "check", str(accounts / ".gitkeep")).exit_code == 0
    pdf = run_cli(project_dir, "pdf", "x", "--today", TODAY.isoformat())
    assert pdf.exit_code == 1 and said_of_files(pdf, project_dir) == [NOT_BUILT["x.markdown"]]


def test_the_pre_commit_hooks_pass_every_file_that_check_says_something_of():
    import re

    import yaml

    from conftest import REPO

    for hooks in (REPO / ".pre-commit-hooks.yaml",
                  REPO / "generator" / "scaffold" / "pre-commit-config.yaml"):
        data = yaml.safe_load(hooks.read_text())
        hook = data[0] if isinstance(data, list) else data["repos"][0]["hooks"][0]
        pattern = re.compile(hook["files"])
        for name in (*NOT_BUILT, *NOT_READ, "good.md"):
            assert pattern.search(f"content/accounts/{name}"), (hooks.name, name)
        assert not pattern.search("templates/dossier.html")


def test_accounts_whose_outputs_would_meet_are_refused_at_check_time(project_dir, add_account):
    add_account("good-letters", FULL_ACCOUNT.replace("Northwind Freight", "Other Client"))
    expected = ["good-letters.md: its pages would be written where 'good.md' writes its own "
                "(accounts/good-letters.html) (rename one of the two files: no account's name "
                "may be another's followed by '-letters' or '-plan')"]
    add_account("good", FULL_ACCOUNT)
    check = run_cli(project_dir, "check")
    assert check.exit_code == 1 and said_of_files(check, project_dir) == expected, check.stderr
    alone = run_cli(project_dir, "check", str(project_dir / "content/accounts/good-letters.md"))
    assert said_of_files(alone, project_dir) == expected
    letters = project_dir / "output" / "accounts" / "good-letters.html"
    for _ in range(2):  # the same page every time: the good account's letters
        build = build_beside_good(project_dir)
        assert said_of_files(build, project_dir) == expected, build.stderr
        assert build.stderr.splitlines()[-1].startswith("Built 1 of 2 dossiers"), build.stderr
        assert "Other Client" not in letters.read_text()
        assert "Northwind Freight" in letters.read_text()


def test_the_refusal_follows_the_table_of_account_outputs(project_dir, add_account,
                                                        monkeypatch):
    from generator.outputs import ACCOUNT, KINDS, Kind

    monkeypatch.setitem(KINDS, "notes", Kind("notes", "accounts/{slug}-notes.html", ACCOUNT,
                                             "notes page", "notes pages", False))
    add_account("good", FULL_ACCOUNT)
    add_account("good-notes", FULL_ACCOUNT)
    add_account("good-summary", FULL_ACCOUNT)  # its email draft is a '.eml': nothing meets it
    check = run_cli(project_dir, "check")
    assert said_of_files(check, project_dir) == [
        "good-notes.md: its pages would be written where 'good.md' writes its own "
        "(accounts/good-notes.html) (rename one of the two files: no account's name may be "
        "another's followed by '-letters' or '-notes' or '-plan')"], check.stderr


# --- one person, however written ------------------------------------------------------------

OWNERS = {"a": "Sam Ortiz", "b": "Sam Ortiz", "c": "Sam Ortíz", "d": "Sam  Ortiz",
          "e": '"Sam\u00a0Ortiz"', "f": '"Sam Ortiz\u200b"', "g": "sam ortiz"}
SPELT = {"c": ("'Sam Ortíz'", "accents"), "d": ("'Sam  Ortiz'", "spacing"),
         "e": ("'Sam\\xa0Ortiz'", "a special space"),
         "f": ("'Sam Ortiz\\u200b'", "an invisible character"), "g": ("'sam ortiz'", "case")}


def test_owner_names_written_differently_are_one_owner_in_check_and_build(project_dir,
                                                                         add_account):
    for slug, owner in OWNERS.items():
        add_account(slug, FULL_ACCOUNT.replace("owner: Dana Reyes", f"owner: {owner}")
                    .replace("Northwind Freight", f"Client {slug.upper()}"))
    expected = [f"content/accounts/{slug}.md:4:8: warning: owner: {name} is written 'Sam "
                f"Ortiz' in other files (it differs in {how}); they are one owner (write 'Sam "
                "Ortiz' here too)" for slug, (name, how) in SPELT.items()]
    check = run_cli(project_dir, "check")
    assert said(check, project_dir, "they are one owner") == expected, check.stderr
    build = run_cli(project_dir, "build", "--no-pdf", "--today", TODAY.isoformat())
    assert said(build, project_dir, "they are one owner") == expected, build.stderr
    assert build.exit_code == 0, build.stderr
    pages = sorted(p.name for p in (project_dir / "output" / "owners").glob("sam-o*.html"))
    assert pages == ["sam-okafor.html", "sam-ortiz.html"]
    page = (project_dir / "output" / "owners" / "sam-ortiz.html").read_text()
    assert all(f"Client {slug.upper()}" in page for slug in OWNERS)
    # The pre-commit hook checks the changed file alone: it is still compared with the others.
    alone = run_cli(project_dir, "check", str(project_dir / "content/accounts/e.md"))
    assert said(alone, project_dir, "they are one owner") == [expected[2]], alone.stderr
    listed = run_cli(project_dir, "list", "--owner", "SAM ORTIZ", "--format", "csv")
    assert listed.stdout.count("Client ") == len(OWNERS), listed.stdout


def test_a_person_listed_twice_is_a_warning(project_dir, add_account):
    add_account("twice", FULL_ACCOUNT.replace(
        "  - name: Ana Ruiz", "  - name: Priya  natarajan\n  - name: Tom Ellis\n"
                              "  - name: Ana Ruiz"))
    expected = [
        "content/accounts/twice.md:22:11: warning: person 3, name: 'Priya  natarajan' is listed "
        "twice in people (first as 'Priya Natarajan' on line 14) (keep one entry for each "
        "person: merge the two)",
        "content/accounts/twice.md:23:11: warning: person 4, name: 'Tom Ellis' is listed twice "
        "in people (first on line 18) (keep one entry for each person: merge the two)"]
    for result in (run_cli(project_dir, "check"), build_beside_good(project_dir)):
        assert said(result, project_dir, "listed twice") == expected, result.stderr
        assert result.exit_code == 0
    assert run_cli(project_dir, "check", "--strict").exit_code == 1


# --- images from the project's assets/, and what the theme publishes ------------------------

WITH_IMAGES = FULL_ACCOUNT.replace("## Why they signed\n", """## Why they signed
![Their dock](../../assets/dock%20photo.png) and <img src="../../assets/site/map.jpg" alt="Map">
![nearby](photo.png) ![missing](../../assets/none.png)
""")


def test_images_from_the_projects_assets_are_published_and_printed(project_dir, add_account):
    from test_pdf import images_in, tiny_png

    write(project_dir / "assets" / "dock photo.png", "")
    (project_dir / "assets" / "dock photo.png").write_bytes(tiny_png())
    (project_dir / "assets" / "site").mkdir()
    from PIL import Image
    Image.new("RGB", (2, 2)).save(project_dir / "assets" / "site" / "map.jpg")
    (project_dir / "assets" / ".secret.png").write_bytes(tiny_png())
    (project_dir / "assets" / "notes.txt").write_text("not an image")
    (project_dir / "outside.png").write_bytes(tiny_png())
    (project_dir / "assets" / "link.png").symlink_to(project_dir / "outside.png")
    add_account("dock", WITH_IMAGES)
    result = build_beside_good(project_dir, pdf=True)
    assert result.exit_code == 0, result.stderr
    assert said(result, project_dir, "Why they signed: image") == [
        "content/accounts/dock.md:44:11: warning: Why they signed: image 'photo.png' is removed: "
        "it is not in the project's assets/ folder (write plain Markdown: links by http, https "
        "or mailto, images from the project's assets/ folder)",
        "content/accounts/dock.md:44:33: warning: Why they signed: image '../../assets/none.png':"
        " no such file in assets/ (add it there, or correct the name)"], result.stderr
    assert said(result, project_dir, "pdf:") == [  # the missing one, and nothing else
        "content/accounts/dock.md: warning: pdf: refused to fetch 'file://output/assets/none.png'"
        ": no such file (reference only files inside the project)"], result.stderr
    out = project_dir / "output"
    page = (out / "accounts" / "dock.html").read_text()
    assert '<img alt="Their dock" src="../assets/dock%20photo.png">' in page
    assert '<img src="../assets/site/map.jpg" alt="Map">' in page
    assert (out / "assets" / "dock photo.png").read_bytes() == tiny_png()
    assert (out / "assets" / "site" / "map.jpg").is_file()
    for unpublished in (".secret.png", "notes.txt", "link.png"):
        assert not (out / "assets" / unpublished).exists(), unpublished
    assert images_in(out / "accounts" / "dock.pdf") > 0  # fetched and drawn: the good
    assert images_in(out / "accounts" / "good.pdf") == 0  # account's brief has none
    again = build_beside_good(project_dir)  # kept, not swept, by the next build
    assert again.exit_code == 0 and (out / "assets" / "dock photo.png").is_file()


def test_only_theme_files_meant_to_be_published_are_copied(project_dir, add_account):
    templates = project_dir / "templates"
    for name in (".env", ".style.css.swp", "style.css.bak", "style.css~", "notes.md",
                 "backup.orig", ".git/config", "fonts/.DS_Store"):
        write(templates / name, "SECRET=1\n")
    write(templates / "extra.css", "p { margin: 0 }\n")
    write(templates / "fonts" / "LICENSE.txt", "licence\n")
    (project_dir / "elsewhere.css").write_text("outside\n")
    (templates / "linked.css").symlink_to(project_dir / "elsewhere.css")
    add_account("good", FULL_ACCOUNT)
    result = build_beside_good(project_dir)
    assert result.exit_code == 0, result.stderr
    assets = project_dir / "output" / "assets"
    published = sorted(p.relative_to(assets).as_posix() for p in assets.rglob("*") if p.is_file())
    assert published == ["extra.css", "favicon.svg", "fonts/Inter-Bold.woff2", "fonts/Inter-BoldItalic.woff2",
                         "fonts/Inter-Italic.woff2", "fonts/Inter-Regular.woff2",
                         "fonts/LICENSE.txt", "fonts/OFL.txt", "portfolio.js", "print.css",
                         "style.css"]
    assert not any("SECRET" in p.read_text(errors="replace") for p in assets.rglob("*.css"))


# --- HTML mentioned in prose ------------------------------------------------------------------

MENTIONS = FULL_ACCOUNT.replace("## Why they signed\n", """## Why they signed
We use the <template> element for rows, and <style> and <script> are words too.
The data: table and `<script>` in a code span are prose.

Only carrier with refrigerated capacity.
""").replace("- [x] 2025-02-11: Duplicate invoices", "- [x] 2025-02-11: A <script> tag and duplicate invoices")


def test_html_mentioned_in_prose_shows_as_text_and_is_not_warned(project_dir, add_account):
    add_account("mentions", MENTIONS)
    result = build_beside_good(project_dir, "--strict")
    assert result.exit_code == 0, result.stderr
    page = (project_dir / "output" / "accounts" / "mentions.html").read_text()
    assert "We use the &lt;template&gt; element for rows, and &lt;style&gt; and &lt;script&gt; " \
           "are words too." in page
    assert "Only carrier with refrigerated capacity." in page  # what follows is kept
    assert "A &lt;script&gt; tag and duplicate invoices" in page
    assert "<code>&lt;script&gt;</code>" in page and "<template" not in page
    assert run_cli(project_dir, "check", "--strict").exit_code == 0


REMOVED = FULL_ACCOUNT.replace("## Why they signed\n", """## Why they signed
A chart: ![chart][remote] and <img src="&#x2F;&#x2F;host/x.png" alt="x">.
A <b onclick="steal()">bold</b> claim and [a link](&#106;avascript:alert(1)).

[remote]: http://tracker.example/pixel.png
""")


def test_every_html_removal_is_warned_at_its_place(project_dir, add_account):
    add_account("removed", REMOVED)
    hint = ("(write plain Markdown: links by http, https or mailto, images from the project's "
            "assets/ folder)")
    expected = [
        "content/accounts/removed.md:43:10: warning: Why they signed: image "
        f"'http://tracker.example/pixel.png' is removed: it names a scheme, a drive or a host {hint}",
        "content/accounts/removed.md:43:41: warning: Why they signed: image '//host/x.png' is "
        f"removed: it is an absolute path or names another host {hint}",
        "content/accounts/removed.md:44:6: warning: Why they signed: event handler attribute "
        f"onclick is removed {hint}",
        "content/accounts/removed.md:44:52: warning: Why they signed: 'javascript:' links are "
        f"removed (only http, https and mailto are kept) {hint}"]
    for result in (run_cli(project_dir, "check"), build_beside_good(project_dir)):
        assert said(result, project_dir, "removed") == expected, result.stderr
    page = (project_dir / "output" / "accounts" / "removed.html").read_text()
    assert "tracker.example" not in page and "host/x.png" not in page
    assert "onclick" not in page and "javascript" not in page and "<b>bold</b> claim" in page


# What account texts are made of, HTML and Markdown that is kept, removed or shown as text.
# Left out, since validation reads them otherwise than Markdown does: a footnote defined
# twice, an abbreviation whose title holds HTML, and `![x][ref] [ref]`.
FRAGMENTS = [
    "Use the <template> element for rows. ", "Mention `<script>` in code. ", "The data: table. ",
    "See [the site](http://example.com). ", "![logo](../../assets/a.png) ", "![chart][c] ",
    "\n\n[c]: http://x/y.png\n\n", "\n\n[c]: ../../assets/c.png\n\n", "<b onclick=\"x\">b</b> ",
    "<a href=\"javascript:x\">y</a> ", "\n\n```\n<b onclick=x>\n```\n\n", "\n\n    <b onclick=x>\n\n",
    "\n- item <i>x</i>\n", "\n1. first [a](javascript:b)\n", "a <style>p{}</style> b. ",
    "<ftp://host/file> ", "<mail@example.com> ", "[ref link][c] text ", "&#106;avascript: text ",
    "[e](&#106;avascript:x) ", "<img src=\"http://t/p.png\" alt=\"x\"> ", "x < y and y > z. ",
    "<img src=\"../../assets/b.png\" style=\"w\"> ", "\n\n> quoted <b style=x>q</b>\n\n",
    "\n\n<div>\n[not a link](javascript:x) <b onclick=y>z</b>\n</div>\n\n", "**bold** _em_ ",
    "\n\n| a | b |\n|---|---|\n| <b onclick=1>x</b> | [l](tel:1) |\n\n", "<br> <hr> ",
    "``code with ` tick and <b onclick=z>`` ", "text\n", "\\[not a link](javascript:x) ",
    "[![img](http://x/i.png)](http://x) ", "<B ONCLICK=1>caps</B> ", "Term\n: defined <b onclick=2>d</b>\n\n",
]


class _Elements(HTMLParser):
    """The kinds of element and attribute a page holds (nh3 adds rel to links)."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.seen: set = set()
        self.feed(html)

    def handle_starttag(self, tag, attrs) -> None:
        self.seen.add((tag, tuple(sorted((k, v) for k, v in attrs if k != "rel"))))


@settings(max_examples=400, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(FRAGMENTS), min_size=1, max_size=8))
def test_validation_says_exactly_what_the_renderer_removes(project_dir, pieces):
    from collections import Counter

    from generator.rawhtml import removals_in
    from generator.render import Renderer, account_markdown, sanitise

    renderer = Renderer(open_project(project_dir))
    renderer.root = "../"
    text = "".join(pieces).strip("\n")
    html = account_markdown(renderer).convert(text)
    assert Counter(renderer.removed) == Counter(
        r.message for r in removals_in(text, block=True)), text
    # and nh3, the last defence, finds nothing more to remove
    assert _Elements(sanitise(html, "../")).seen == _Elements(html).seen, text


def marked(field: str) -> str:
    return f"'<i data-f=x>M-{field}</i>'"


EVERY_TEXT_FIELD = f"""\
---
name: {marked("name")}
status: lost
owner: {marked("owner")}
lost: 2026-10-01
signed: 2019-01-01
loss_reasons: [price]
competitor: {marked("competitor")}
industry: {marked("industry")}
location: {marked("location")}
interviewer: {marked("interviewer")}
sponsor: {{name: {marked("sponsor-name")}, title: {marked("sponsor-title")}}}
people:
  - name: {marked("people-name")}
    title: {marked("people-title")}
    role: decision-maker
    cares_about: [{marked("people-cares_about")}]
    notes: {marked("people-notes")}
approaches:
  - {{date: 2026-11-01, channel: email, to: {marked("approaches-to")}, note: {marked("approaches-note")}}}
meeting:
  when: 2026-12-03 10:00
  where: {marked("meeting-where")}
  with: [{marked("meeting-with")}]
  ours: [{marked("meeting-ours")}]
follow_ups:
  - {{due: 2026-12-05 16:00, channel: email, what: {marked("follow_ups-what")}, owner: {marked("follow_ups-owner")}}}
if_no:
  offer: [{marked("if_no-offer")}]
  keep_in_touch: [{marked("if_no-keep_in_touch")}]
---
"""


def test_the_fields_validation_reads_as_markdown_are_those_the_pages_convert(project_dir,
                                                                           add_account):
    import re

    from generator.validate import MARKDOWN_FIELDS

    add_account("fields", EVERY_TEXT_FIELD)
    result = run_cli(project_dir, "build", "--no-pdf", "--today", TODAY.isoformat())
    assert "Traceback" not in result.output
    pages = "".join(p.read_text() for p in (project_dir / "output").rglob("*.html"))
    converted = set(re.findall(r"<i>M-([a-z_-]+)</i>", pages))
    assert converted == {f"{field}-{key}" for field, key in MARKDOWN_FIELDS}, converted


# --- the size of an account's pages ------------------------------------------------------------

def amplified(body: str) -> str:
    return ("---\nname: Amplified\nstatus: active\n---\n\n## Why they signed\n" + body
            + "\n\n## New needs\nOne dashboard.\n")


def test_a_short_file_asking_for_a_huge_dossier_is_an_error_at_its_section(project_dir,
                                                                           add_account):
    path = add_account("amp", amplified("[x][r]" * 8000 + "\n\n[r]: http://example.com/"
                                        + "a" * 4000))
    assert path.stat().st_size < 53_000  # once an 80 MB dossier and a 1 GB PDF
    expected = ("content/accounts/amp.md:6:1: Why they signed: this section would make more "
                "than 32,152,000 bytes of HTML (the link '[r]' is written out 8,000 times); a "
                "page may hold 8,000,000 (8 MB) (use the link fewer times, or shorten its "
                "address)")
    check = run_cli(project_dir, "check")
    assert check.exit_code == 1 and said(check, project_dir, "bytes of HTML") == [expected]
    result = build_beside_good(project_dir, pdf=True)
    assert said(result, project_dir, "bytes of HTML") == [expected], result.stderr
    assert_alone_reported(result, project_dir, "amp.md:6:1: Why they signed")
    assert not (project_dir / "output" / "accounts" / "amp.html").exists()
    assert (project_dir / "output" / "accounts" / "good.pdf").is_file()


def test_a_page_made_large_otherwise_is_stopped_at_the_section_that_makes_it(project_dir,
                                                                            add_account):
    from generator.rawhtml import MAX_PAGE_BYTES

    add_account("abbr", amplified("XY " * 8000 + "\n\n*[XY]: " + "long title " * 100))
    result = build_beside_good(project_dir)
    assert_alone_reported(result, project_dir, "abbr.md:6:1: the dossier would be more than ")
    assert f"bytes of HTML; the limit is {MAX_PAGE_BYTES:,} (8 MB), and most of it comes from " \
           "here (what Markdown writes out at each use" in result.stderr
    assert not (project_dir / "output" / "accounts" / "abbr.html").exists()


@pytest.mark.parametrize("body", [
    "[x][r]" * 8000 + "\n\n[r]: http://example.com/" + "a" * 4000,  # refused by check
    "XY " * 8000 + "\n\n*[XY]: " + "long title " * 100,  # stopped while rendering
], ids=["by-reference", "abbreviation"])
def test_a_page_grown_past_the_bound_keeps_the_last_good_pages(project_dir, add_account,
                                                               body):
    from test_incremental import git_commit

    import subprocess

    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=project_dir, check=True)
    path = add_account("amp", amplified("One good reason."))
    git_commit(project_dir, "Amplified", "2026-11-01T10:00:00")
    assert build_beside_good(project_dir, pdf=True).exit_code == 0
    path.write_text(amplified(body))
    result = build_beside_good(project_dir, pdf=True)
    assert_alone_reported(result, project_dir, "amp.md:6:1: ")
    accounts = project_dir / "output" / "accounts"
    page = (accounts / "amp.html").read_text()
    assert "One good reason." in page and "Out of date:" in page  # the last good version
    assert len(page) < 200_000 and (accounts / "amp.pdf").is_file()
