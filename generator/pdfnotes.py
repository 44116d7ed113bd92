"""The note beside a link to a PDF that is older than its page, or not printed yet.

A build without PDFs (`--no-pdf`, `serve`) remakes pages and leaves their PDFs as they
were: a person who prints from the page must see that the PDF holds older facts. Each
template puts an empty marker after a PDF link (`pdf_note(path)`); the build fills in the
markers of the PDFs that do not match their page, and empties them once they do. What a
PDF is printed from is the page without its notes, so a note never makes a PDF stale.
"""

from __future__ import annotations

import re

from markupsafe import Markup, escape

MARK = re.compile(r"<!--pdf:([^<>]*?)-->(.*?)<!--/pdf-->", re.S)
STALE = "printed before the latest changes: <code>winback build</code> prints it again"
MISSING = "not printed yet: <code>winback build</code> prints it"


def marker(path: str) -> Markup:
    """Where the note on the PDF at `path` goes: empty until the build fills it."""
    return Markup(f"<!--pdf:{escape(path)}--><!--/pdf-->")


def without_notes(html: str) -> str:
    return MARK.sub(lambda m: f"<!--pdf:{m[1]}--><!--/pdf-->", html)


def linked(html: str) -> list[str]:
    """The PDFs this page links with a marker, in their order."""
    return list(dict.fromkeys(m[1] for m in MARK.finditer(html)))


def with_notes(html: str, notes: dict[str, str]) -> str:
    """The page with these notes (a PDF's path -> STALE or MISSING) and no others."""
    def note(match: re.Match) -> str:
        text = notes.get(match[1], "")
        shown = f' <span class="stale-pdf">({text})</span>' if text else ""
        return f"<!--pdf:{match[1]}-->{shown}<!--/pdf-->"
    return MARK.sub(note, html)
