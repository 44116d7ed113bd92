"""The output registry: every kind of file a build makes, declared once.

A kind says where its files go (a path pattern in the output folder), what they belong
to (one per account, per owner, one for the project, or the theme's files), which PDF a
page prints as, and how the summary line names it. Paths for Python (`path_of`) and for
templates (`paths`, see `TemplatePaths`), the reverse lookup (`kind_of`), the top-level
names a build owns in its folder, and the endings that would make one account's output
another's all come from here. The fingerprint of what an output is made from is
`generator.engine.keys`; the programs that make them are `generator.engine`.

Adding an output is a declaration here and a producer in one program.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from generator import paths

PORTFOLIO = "portfolio"  # the group of the portfolio's outputs; an account's is its slug
THEME = "theme"

ACCOUNT, OWNER, PROJECT, THEME_FILES = "account", "owner", "project", "theme"
ACCOUNT_PAGES, OWNER_PAGES, ASSETS = "accounts", "owners", "assets"
# The letters that have an email draft beside the letters page.
EMAIL_LETTERS = ("meeting-request", "thank-you", "summary")


@dataclass(frozen=True)
class Kind:
    key: str
    pattern: str  # its path in the output folder: {slug} is the account's or owner's slug
    scope: str  # ACCOUNT, OWNER, PROJECT or THEME_FILES
    noun: str  # in the summary line
    plural: str
    counted: bool  # named in the summary line
    pdf: bool = False
    prints_as: str = ""  # the kind of the PDF this page is printed as

    def path(self, slug: str = "", **parts: str) -> str:
        return self.pattern.format(slug=slug, **parts)


KINDS: dict[str, Kind] = {kind.key: kind for kind in (
    Kind("dossier", f"{ACCOUNT_PAGES}/{{slug}}.html", ACCOUNT, "dossier", "dossiers", True,
         prints_as="brief"),
    Kind("letters", f"{ACCOUNT_PAGES}/{{slug}}-letters.html", ACCOUNT, "letters page",
         "letters pages", False, prints_as="letters-pdf"),
    Kind("brief", f"{ACCOUNT_PAGES}/{{slug}}.pdf", ACCOUNT, "PDF brief", "PDF briefs", True,
         pdf=True),
    Kind("letters-pdf", f"{ACCOUNT_PAGES}/{{slug}}-letters.pdf", ACCOUNT, "letters PDF",
         "letters PDFs", True, pdf=True),
    Kind("plan", f"{ACCOUNT_PAGES}/{{slug}}-plan.html", ACCOUNT, "plan page", "plan pages",
         False, prints_as="plan-pdf"),
    Kind("plan-pdf", f"{ACCOUNT_PAGES}/{{slug}}-plan.pdf", ACCOUNT, "plan PDF", "plan PDFs",
         True, pdf=True),
    Kind("email", f"{ACCOUNT_PAGES}/{{slug}}-{{letter}}.eml", ACCOUNT, "email draft",
         "email drafts", False),
    Kind("index", "index.html", PROJECT, "portfolio page", "portfolio pages", False),
    Kind("owner", f"{OWNER_PAGES}/{{slug}}.html", OWNER, "owner page", "owner pages", False,
         prints_as="owner-pdf"),
    Kind("calendar", "calendar.ics", PROJECT, "calendar", "calendars", False),
    Kind("portfolio-csv", "portfolio.csv", PROJECT, "spreadsheet", "spreadsheets", False),
    Kind("portfolio-pdf", "portfolio.pdf", PROJECT, "portfolio PDF", "portfolio PDFs", True,
         pdf=True),
    Kind("owner-pdf", f"{OWNER_PAGES}/{{slug}}.pdf", OWNER, "owner PDF", "owner PDFs", True,
         pdf=True),
    Kind("asset", f"{ASSETS}/{{slug}}", THEME_FILES, "theme file", "theme files", False),
)}


@dataclass(frozen=True)
class Output:
    """One file of the output folder."""

    path: str  # relative to the output folder
    kind: str  # a key of KINDS
    group: str  # an account's slug, PORTFOLIO or THEME
    source: Path  # where its problems are reported


def path_of(kind: str, slug: str = "", **parts: str) -> str:
    return KINDS[kind].path(slug, **parts)


def kind_of(path: str, *scopes: str) -> str | None:
    """The kind of an output of these scopes, from its path; None when no kind makes it
    (a file of an older version of winback, say)."""
    for scope in scopes:
        for kind, pattern in _patterns(scope):
            if pattern.fullmatch(path):
                return kind
    return None


@cache
def _patterns(scope: str) -> list[tuple[str, re.Pattern]]:
    found = []
    for kind in KINDS.values():
        if kind.scope == scope:
            parts = re.split(r"\{\w+\}", kind.pattern)
            found.append((kind.key, re.compile("[^/]+".join(map(re.escape, parts)))))
    # The longest fixed text first: 'x-letters.html' is a letters page, not a dossier.
    return sorted(found, key=lambda item: -len(item[1].pattern))


def owned_files() -> tuple[str, ...]:
    """The files a build writes at the top of its output folder."""
    return tuple(k.pattern for k in KINDS.values() if k.scope == PROJECT)


def owned_folders() -> tuple[str, ...]:
    """The folders a build writes in, at the top of its output folder."""
    return tuple(dict.fromkeys(k.pattern.split("/", 1)[0] for k in KINDS.values()
                               if k.scope != PROJECT))


def account_outputs(slug: str) -> list[str]:
    """Every path an account's outputs may take."""
    return [kind.path(slug, letter=letter) for kind in KINDS.values() if kind.scope == ACCOUNT
            for letter in (EMAIL_LETTERS if "{letter}" in kind.pattern else ("",))]


def output_suffixes() -> list[str]:
    """What an account's outputs add to its slug before an extension that another
    account's output of no suffix has too ('-letters' before '.html'): the endings that
    would make one account's output another's. Email drafts ('-summary.eml') meet none."""
    endings = [path.removeprefix(f"{ACCOUNT_PAGES}/x") for path in account_outputs("x")]
    split = [ending.rsplit(".", 1) for ending in endings]
    bare = {extension for suffix, extension in split if not suffix}
    return sorted({suffix for suffix, extension in split if suffix and extension in bare})


def account_pages(slug: str, source: Path) -> tuple[Output, ...]:
    """An account's pages that are printed, in order: the dossier, letters and plan."""
    return tuple(Output(kind.path(slug), kind.key, slug, source) for kind in KINDS.values()
                 if kind.scope == ACCOUNT and kind.prints_as)


def account_prints(slug: str, source: Path) -> tuple[Output, ...]:
    """The PDFs of an account's pages, in the order of `account_pages`."""
    printed = [KINDS[KINDS[page.kind].prints_as] for page in account_pages(slug, source)]
    return tuple(Output(kind.path(slug), kind.key, slug, source) for kind in printed)


def account_emails(slug: str, source: Path, letters: list[str]) -> tuple[Output, ...]:
    """The email drafts of these letters, made with the pages and never printed."""
    return tuple(Output(path_of("email", slug, letter=key), "email", slug, source)
                 for key in letters)


def account_source(slug: str) -> str:
    """An account file as the project's people name it: content/accounts/<slug>.md."""
    return (paths.ACCOUNTS / f"{slug}.md").as_posix()


class TemplatePaths:
    """The output paths, for templates (`{{ root }}{{ paths.dossier(d.slug) }}`): each
    kind by its key with '_' for '-'; the project's own files as plain names."""

    def __init__(self) -> None:
        for kind in KINDS.values():
            name = kind.key.replace("-", "_")
            if kind.scope == PROJECT:
                setattr(self, name, kind.pattern)
            elif kind.key == "email":
                setattr(self, name, lambda slug, letter: path_of("email", slug, letter=letter))
            else:
                setattr(self, name, kind.path)
        self.account_source = account_source


template_paths = TemplatePaths()
