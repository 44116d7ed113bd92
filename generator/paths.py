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
IMAGES = Path("assets")  # images that account files show, published to the output's assets/
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


# Every output of one account, by what follows its slug in accounts/: its pages and their
# PDFs. Each per-account path below is made from here, so that accounts whose outputs would
# meet (`x-letters.md` beside `x.md`) are found from this table alone, whatever is added.
ACCOUNT_OUTPUTS = {"dossier": ".html", "brief": ".pdf", "letters": "-letters.html",
                   "letters_pdf": "-letters.pdf", "plan": "-plan.html", "plan_pdf": "-plan.pdf",
                   **{f"email_{letter}": f"-{letter}.eml"
                      for letter in ("meeting-request", "thank-you", "summary")}}


def account_output(kind: str, slug: str) -> str:
    return f"{ACCOUNT_PAGES}/{slug}{ACCOUNT_OUTPUTS[kind]}"


def account_outputs(slug: str) -> list[str]:
    return [account_output(kind, slug) for kind in ACCOUNT_OUTPUTS]


def output_suffixes() -> list[str]:
    """What an account's outputs add to its slug before an extension that another
    account's output of no suffix has too ('-letters' before '.html'): the endings that
    would make one account's output another's. Email drafts ('-summary.eml') meet none."""
    split = [ending.rsplit(".", 1) for ending in ACCOUNT_OUTPUTS.values()]
    bare = {extension for suffix, extension in split if not suffix}
    return sorted({suffix for suffix, extension in split if suffix and extension in bare})


def dossier(slug: str) -> str:
    return account_output("dossier", slug)


def brief(slug: str) -> str:
    return account_output("brief", slug)


def letters(slug: str) -> str:
    return account_output("letters", slug)


def letters_pdf(slug: str) -> str:
    return account_output("letters_pdf", slug)


def plan(slug: str) -> str:
    return account_output("plan", slug)


def plan_pdf(slug: str) -> str:
    return account_output("plan_pdf", slug)


def email(slug: str, letter: str) -> str:
    """A letter's email draft: `accounts/<slug>-summary.eml`."""
    return account_output(f"email_{letter}", slug)


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
