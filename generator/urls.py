"""What an image in an account may point at: a file inside the project, by a plain
relative path. Shared by validation (which reports a refused image at its place) and
the sanitiser (which removes it), so that both decide alike.

A browser reads a URL generously: it trims spaces and control characters around
it, drops tabs and line breaks inside it, takes a backslash for a slash and
decodes percent-escapes before resolving '..'. So `\\\\host\\x.png`,
` //host/x.png` and `%2e%2e/x.png` reach another host or leave the folder
although they look relative. Each is decided on the URL as the browser will
read it.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

INSIDE_URL = re.compile(r"[\t\n\r]")
SURROUNDING = "".join(chr(code) for code in range(0x21))  # C0 controls and space


def image_refusal(source: str) -> str:
    """Why an image source is refused, or '' when it may stay."""
    url = as_browser_reads(source)
    if ":" in url:
        return "it names a scheme, a drive or a host"
    if url.startswith("/"):
        return "it is an absolute path or names another host"
    if ".." in url.split("/"):
        return "it leaves the folder with '..'"
    return ""


def as_browser_reads(source: str) -> str:
    url = INSIDE_URL.sub("", source.strip(SURROUNDING))
    # Decoded until it stops changing: a server may decode once more than the browser.
    for _ in range(4):
        decoded = unquote(url.replace("\\", "/")).strip(SURROUNDING)
        if decoded == url:
            break
        url = decoded
    return url
