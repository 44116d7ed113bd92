"""Words for counts and lists, shared by the command line and the templates.

Kept apart from `generator.render` so that a command that prints a count does not
load Jinja2, Markdown and the sanitiser to do it.
"""

from __future__ import annotations


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """'1 dossier', '2,000 dossiers', '3 essential fixes' (with the plural given)."""
    word = singular if count == 1 else (plural_form or singular + "s")
    return f"{count:,} {word}"


def joined(items: list[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"
