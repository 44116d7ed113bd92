"""Where the project's own files are: its settings, accounts, theme and cache.

Where each output goes is the output registry's (`generator.outputs`).
"""

from __future__ import annotations

from pathlib import Path

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


def account_file(root: Path, slug: str) -> Path:
    return root / ACCOUNTS / f"{slug}.md"


def holds_project(folder: Path) -> bool:
    """Whether a folder is a winback project: it has a winback.yaml or content/accounts/."""
    return (folder / CONFIG).is_file() or (folder / ACCOUNTS).is_dir()
