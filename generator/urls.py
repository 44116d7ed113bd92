"""What an image in an account may point at: an image in the project's `assets/` folder,
by a plain relative path from the account file (`../../assets/logo.png`, as an editor's
preview shows it). Shared by validation (which reports a refused image at its place) and
the sanitiser (which removes it, or points it at the published copy), so that both
decide alike.

A browser reads a URL generously: it trims spaces and control characters around
it, drops tabs and line breaks inside it, takes a backslash for a slash and
decodes percent-escapes before resolving '..'. So `\\\\host\\x.png`,
` //host/x.png` and `%2e%2e/x.png` reach another host or leave the folder
although they look relative. Each is decided on the URL as the browser will
read it.
"""

from __future__ import annotations

import posixpath
import re
from urllib.parse import quote, unquote

from generator import paths
from generator.outputs import path_of

INSIDE_URL = re.compile(r"[\t\n\r]")
SURROUNDING = "".join(chr(code) for code in range(0x21))  # C0 controls and space
# What a browser shows as an image, and nothing that can hold a script (SVG can).
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp")
IMAGE_HINT = (f"images must be PNG, JPEG, GIF or WebP files in the project's {paths.IMAGES}/ "
              f"folder, written ../../{paths.IMAGES}/<file>")


def image_refusal(source: str) -> str:
    """Why an image source is refused, or '' when it may stay."""
    url = as_browser_reads(source)
    if ":" in url:
        return "it names a scheme, a drive or a host"
    if url.startswith("/"):
        return "it is an absolute path or names another host"
    name = image_name(source)
    if name is None:
        where = posixpath.normpath(posixpath.join(paths.ACCOUNTS.as_posix(), _file_part(url)))
        if where == ".." or where.startswith("../"):
            return "it leaves the project with '..'"
        return f"it is not in the project's {paths.IMAGES}/ folder"
    if not name.lower().endswith(IMAGE_SUFFIXES):
        return "it is not a PNG, JPEG, GIF or WebP image"
    return ""


def image_name(source: str) -> str | None:
    """The file an image source names in the project's assets/ folder ('logo.png' for
    '../../assets/logo.png'), read from the account file's folder; None when it names no
    file there."""
    url = _file_part(as_browser_reads(source))
    where = posixpath.normpath(posixpath.join(paths.ACCOUNTS.as_posix(), url))
    folder = f"{paths.IMAGES.as_posix()}/"
    return where[len(folder):] if where.startswith(folder) and len(where) > len(folder) else None


def published_image(source: str, root: str) -> str:
    """Where a page `root` away from the output's top finds the published copy."""
    return f"{root}{quote(path_of('asset', image_name(source) or ''))}"


def _file_part(url: str) -> str:
    return url.split("#", 1)[0].split("?", 1)[0]


def as_browser_reads(source: str) -> str:
    url = INSIDE_URL.sub("", source.strip(SURROUNDING))
    # Decoded until it stops changing: a server may decode once more than the browser.
    for _ in range(4):
        decoded = unquote(url.replace("\\", "/")).strip(SURROUNDING)
        if decoded == url:
            break
        url = decoded
    return url
