"""Where everything is: the project's own files, and the place of each output.

One owner for every path. Python asks here; templates get the same functions as
`paths` (`{{ root }}{{ paths.dossier(d.slug) }}`). Output paths are relative to
the output folder, with '/', so they are also the pages' addresses from the
site's root.
"""

from __future__ import annotations

from pathlib import Path

# --- the project -----------------------------------------------------------------

CONFIG = "winback.yaml"
CONTENT = Path("content")
ACCOUNTS = CONTENT / "accounts"
QUESTIONS = CONTENT / "questions.yaml"
TEMPLATES = Path("templates")
ARCHETYPES = Path("archetypes")
ARCHETYPE = ARCHETYPES / "account.md"
CACHE = ".winback-cache"
IMPORT_RULES = "import.yaml"  # how `winback import` reads this project's CRM exports
OUTPUT = "output"  # the default output folder

# --- the outputs -----------------------------------------------------------------

INDEX = "index.html"
PORTFOLIO_PDF = "portfolio.pdf"
CALENDAR = "calendar.ics"
ACCOUNT_PAGES = "accounts"
OWNER_PAGES = "owners"
ASSETS = "assets"
# What a build writes at the top of its output folder, and nothing else.
OWNED_FOLDERS = (ACCOUNT_PAGES, OWNER_PAGES, ASSETS)
OWNED_FILES = (INDEX, PORTFOLIO_PDF, CALENDAR)


def dossier(slug: str) -> str:
    return f"{ACCOUNT_PAGES}/{slug}.html"


def brief(slug: str) -> str:
    return f"{ACCOUNT_PAGES}/{slug}.pdf"


def letters(slug: str) -> str:
    return f"{ACCOUNT_PAGES}/{slug}-letters.html"


def letters_pdf(slug: str) -> str:
    return f"{ACCOUNT_PAGES}/{slug}-letters.pdf"


def plan(slug: str) -> str:
    return f"{ACCOUNT_PAGES}/{slug}-plan.html"


def plan_pdf(slug: str) -> str:
    return f"{ACCOUNT_PAGES}/{slug}-plan.pdf"


def email(slug: str, letter: str) -> str:
    """A letter's email draft: `accounts/<slug>-summary.eml`."""
    return f"{ACCOUNT_PAGES}/{slug}-{letter}.eml"


def owner(slug: str) -> str:
    return f"{OWNER_PAGES}/{slug}.html"


def owner_pdf(slug: str) -> str:
    return f"{OWNER_PAGES}/{slug}.pdf"


def asset(name: str) -> str:
    return f"{ASSETS}/{name}"


def account_file(root: Path, slug: str) -> Path:
    return root / ACCOUNTS / f"{slug}.md"


def account_source(slug: str) -> str:
    """An account file as the project's people name it: content/accounts/<slug>.md."""
    return (ACCOUNTS / f"{slug}.md").as_posix()


class Paths:
    """The output paths, for templates."""

    index = INDEX
    portfolio_pdf = PORTFOLIO_PDF
    calendar = CALENDAR
    dossier = staticmethod(dossier)
    brief = staticmethod(brief)
    letters = staticmethod(letters)
    letters_pdf = staticmethod(letters_pdf)
    plan = staticmethod(plan)
    plan_pdf = staticmethod(plan_pdf)
    email = staticmethod(email)
    owner = staticmethod(owner)
    owner_pdf = staticmethod(owner_pdf)
    asset = staticmethod(asset)
    account_source = staticmethod(account_source)
