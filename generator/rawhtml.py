"""What an account's Markdown keeps of HTML, decided in one place for the renderer (which
applies it) and for validation (which reports, at its line, each thing it removes).

The rule: raw HTML is text unless it is an allowed tag, so `use the <template> element`
shows as written instead of swallowing what follows. An allowed tag (`<b>`, `<a href>`,
`<img src>`, ...) is rebuilt with only its allowed attributes; each attribute dropped, each
link of another scheme than http, https or mailto and each image from outside the
project's assets/ folder is a removal, and nothing else is. Markdown's own links and
images are judged by the same rules. nh3 cleans the result again, as the last defence.
"""

from __future__ import annotations

import bisect
import html
import itertools
import math
import re
from collections import Counter
from dataclasses import dataclass

from generator import paths
from generator.urls import INSIDE_URL, SURROUNDING, image_name, image_refusal, published_image

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "dl", "dt", "em", "h3", "h4",
    "h5", "h6", "hr", "i", "img", "li", "ol", "p", "pre", "s", "strong", "sub", "sup", "table",
    "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"},
                      "td": {"align"}, "th": {"align"}, "abbr": {"title"}}
LINK_SCHEMES = ("http", "https", "mailto")

# A tag as Markdown passes it through as raw HTML: a name, then attributes, each a name
# with an optional quoted or bare value. Possessive, so a line of unclosed '<' or quotes
# is read once.
TAG = re.compile(r"""<(?P<end>/?+)(?P<name>[a-zA-Z][^\s"'<>@]*+)"""
                 r"""(?P<attrs>(?:\s++[^\s"'=<>]++(?:\s*+=\s*+(?:"[^"]*+"|'[^']*+'|[^\s"'=<>]++))?+)*+)"""
                 r"""\s*+/?>""")
ATTRIBUTE = re.compile(r"""\s++(?P<name>[^\s"'=<>]++)"""
                       r"""(?:\s*+=\s*+(?:"(?P<dq>[^"]*+)"|'(?P<sq>[^']*+)'|(?P<bare>[^\s"'=<>]++)))?+""")
AUTOLINK = re.compile(r"<([A-Za-z][A-Za-z0-9+.-]*+://[^<>]*+)>")
AUTOMAIL = re.compile(r"<[^<> !]++@[^@<> ]++>")
SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*+:")


# The most HTML one account's page (its dossier, its letters) may hold. A real dossier is
# tens of kilobytes; a short file can ask for far more (one link by reference written out
# 8,000 times), and every megabyte is more time and memory to print.
MAX_PAGE_BYTES = 8_000_000


@dataclass(frozen=True)
class Removal:
    start: int  # where it starts in the text it was found in
    message: str
    hint: str = ""  # when the usual one does not fit


@dataclass(frozen=True)
class Image:
    start: int
    source: str  # an allowed one: an image in the project's assets/


def link_refusal(href: str) -> str:
    """Why a link's address is removed, or ''. A scheme is read as a browser reads one
    (spaces and controls around it, tabs and line breaks in it, ignored)."""
    url = INSIDE_URL.sub("", href.strip(SURROUNDING))
    scheme = SCHEME.match(url)
    if scheme and scheme.group(0)[:-1].lower() not in LINK_SCHEMES:
        return f"'{scheme.group(0)}' links are removed (only http, https and mailto are kept)"
    return ""


def image_removal(src: str) -> str:
    why = image_refusal(src)
    return f"image '{src}' is removed: {why}" if why else ""


def clean_tag(match: re.Match[str], root: str = "") -> tuple[str, list[Removal], list[Image]]:
    """A raw tag as the page gets it: rebuilt if it is allowed, else shown as text; what
    it loses, and the images it keeps."""
    name = match.group("name").rstrip("/").lower()
    if name not in ALLOWED_TAGS or "/" in name:
        return "&lt;" + match.group(0)[1:], [], []
    if match.group("end"):
        return f"</{name}>", [], []
    kept, removed, seen, images = [], [], set(), []
    for attribute in ATTRIBUTE.finditer(match.group("attrs")):
        key = attribute.group("name").lower()
        given = next((g for g in ("dq", "sq", "bare") if attribute.group(g) is not None), "")
        value = html.unescape(attribute.group(given) if given else "")
        why = _attribute_removal(name, key, value, key in seen)
        seen.add(key)
        if why:  # said at the address when it is the address that is refused
            at = given if given and key in ALLOWED_ATTRIBUTES.get(name, ()) else "name"
            removed.append(Removal(match.start("attrs") + attribute.start(at), why))
            continue
        if (name, key) == ("img", "src"):
            images.append(Image(match.start("attrs") + attribute.start(given), value))
            value = published_image(value, root)
        kept.append(f' {key}="{html.escape(value)}"')
    return f"<{name}{''.join(kept)}>", removed, images


def _attribute_removal(tag: str, key: str, value: str, again: bool) -> str:
    if key not in ALLOWED_ATTRIBUTES.get(tag, ()):
        if key.startswith("on"):
            return f"event handler attribute {key} is removed"
        if key == "style":
            return "inline style attributes are removed"
        return f"attribute '{key}' of <{tag}> is removed"
    if again:
        return f"attribute '{key}' of <{tag}> is given twice: the second is removed"
    if (tag, key) == ("a", "href"):
        return link_refusal(value)
    if (tag, key) == ("img", "src"):
        return image_removal(value)
    return ""


def neutralise(raw: str, root: str = "") -> tuple[str, list[Removal]]:
    """Raw HTML from an account (a tag, or a block of them) as the page gets it: each
    allowed tag rebuilt, every other '<' text; and what was removed."""
    parts: list[str] = []
    removed: list[Removal] = []
    start = 0
    while (opening := raw.find("<", start)) != -1:
        parts.append(raw[start:opening])
        tag = TAG.match(raw, opening)
        if tag is None:
            parts.append("&lt;")
            start = opening + 1
            continue
        rebuilt, gone, _images = clean_tag(tag, root)
        parts.append(rebuilt)
        removed.extend(gone)
        start = tag.end()
    parts.append(raw[start:])
    return "".join(parts), removed


# --- what validation finds in an account's text, without converting it -------------------

# A Markdown link or image and its address: `[text](address)`, the text with one level of
# brackets, the address in <> or with one level of parentheses; or by reference,
# `[text][label]`, `[label][]` and `[label]`.
INLINE_LINK = re.compile(r"""\[(?:[^\[\]]|\[[^\[\]]*+\])*+\]\(\s*+
                         (?:<(?P<angled>[^<>\n]*+)>|(?P<plain>(?:[^\s()]|\([^\s()]*+\))*+))""",
                         re.X)
REFERENCE_LINK = re.compile(r"\[(?P<text>(?:[^\[\]]|\[[^\[\]]*+\])*+)\](?:\s?\[(?P<label>[^\[\]]*+)\])?")
DEFINITION = re.compile(r"^ {0,3}\[(?P<label>[^\[\]]*+)\]:[ ]*+\n?[ ]*+(?P<dest>\S+)", re.M)
FENCE = re.compile(r"^(`{3,}|~{3,})", re.M)
ABBREVIATION = re.compile(r"^[*]\[[^\]\n]*+\][ ]?:.*$", re.M)  # its text becomes a title
LIST_ITEM = re.compile(r"^\s*(?:[-*+:]|\d+[.)])\s")  # and a definition, ": text"


def removals_in(text: str, *, block: bool, references: bool | None = None,
                exists=None) -> list[Removal]:
    """What the renderer removes from this Markdown: a block (a section, the text before
    the first heading) or one inline text (an item, a field), each converted on its own;
    `references`, whether its reference definitions apply (those of a block by default).
    Code is left out, as Markdown leaves it: fenced and indented blocks, code spans; and
    Markdown's links in a raw HTML block, which Markdown leaves as they are. With `exists`
    (an image's name in assets/ -> whether it is there), an image that is kept but missing
    is said too."""
    masked = ABBREVIATION.sub(lambda m: _blank(m.group(0)), _mask_code_blocks(text)) if (
        block) else text
    raw = raw_blocks(masked) if block else []
    masked = _mask_code_spans(masked, raw)
    found: list[Removal] = []
    images: list[Image] = []
    start = 0
    while (opening := masked.find("<", start)) != -1:
        start = opening + 1
        in_raw = _inside(raw, opening)
        if not in_raw and (autolink := AUTOLINK.match(masked, opening)):
            why = link_refusal(html.unescape(autolink.group(1)))
            found += [Removal(autolink.start(1), why)] if why else []
            start = autolink.end()
        elif not in_raw and (mail := AUTOMAIL.match(masked, opening)):
            start = mail.end()
        elif tag := TAG.match(masked, opening):
            _html, removed, kept = clean_tag(tag)
            found += removed
            images += kept
            start = tag.end()
    references = block if references is None else references
    definitions = _definitions(masked, raw) if references else {}
    found += _link_removals(masked, definitions, images, raw)
    if exists is not None:
        found += [Removal(image.start, f"image '{image.source}': no such file in "
                          f"{paths.IMAGES}/", "add it there, or correct the name")
                  for image in images if not exists(image_name(image.source))]
    return sorted(found, key=lambda r: r.start)


# HTML that Markdown passes through whole when it starts a line: a block-level element up
# to its closing tag (or the end of the text), script and style up to theirs, or one tag.
BLOCK_ELEMENTS = {
    "address", "article", "aside", "blockquote", "body", "canvas", "center", "colgroup", "dd",
    "details", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form",
    "group", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "html", "iframe",
    "legend", "li", "main", "map", "math", "menu", "nav", "noscript", "object", "ol",
    "option", "output", "p", "pre", "progress", "script", "section", "style", "summary",
    "table", "tbody", "td", "textarea", "tfoot", "th", "thead", "tr", "ul", "video"}
RAW_TEXT = {"script", "style"}
VOID = {"hr"}
BLOCK_START = re.compile(r"^ {0,3}<(?P<name>[A-Za-z][A-Za-z0-9]*+)(?=[\s/>])[^\n<>]*+>", re.M)


def raw_blocks(text: str) -> list[tuple[int, int]]:
    """Where the text holds raw HTML blocks, as (start, end) offsets."""
    blocks: list[tuple[int, int]] = []
    for start in BLOCK_START.finditer(text):
        name = start.group("name").lower()
        if name not in BLOCK_ELEMENTS or (blocks and start.start() < blocks[-1][1]):
            continue
        if name in VOID or start.group(0).endswith("/>"):
            blocks.append((start.start(), start.end()))
            continue
        blocks.append((start.start(), _closing(text, name, start.end())))
    return blocks


def _closing(text: str, name: str, position: int) -> int:
    """The end of the tag that closes `name` (nested ones counted), else of the text."""
    depth = 1
    pattern = re.compile(rf"<(/?){name}(?=[\s/>])[^<>]*+>", re.I)
    for tag in pattern.finditer(text, position):
        if name in RAW_TEXT and not tag.group(1):
            continue
        depth += -1 if tag.group(1) else 1
        if depth == 0:
            return tag.end()
    return len(text)


def _inside(blocks: list[tuple[int, int]], offset: int) -> bool:
    """Whether the offset falls in one of these (start, end) spans, in order."""
    index = bisect.bisect_right(blocks, (offset, math.inf)) - 1
    return index >= 0 and blocks[index][0] <= offset < blocks[index][1]


def reference_expansion(text: str) -> tuple[int, str, int]:
    """How many characters the links and images by reference add when Markdown writes each
    address out at every use; the label that adds most, and how often it is used."""
    definitions = _definitions(_mask_code_spans(_mask_code_blocks(text), []), [])
    if not definitions:
        return 0, "", 0
    uses: Counter[str] = Counter()
    start = 0
    while (bracket := text.find("[", start)) != -1:
        start = bracket + 1
        if reference := REFERENCE_LINK.match(text, bracket):
            label = _label(reference.group("label") or reference.group("text"))
            if label in definitions and text[reference.end():reference.end() + 1] != ":":
                uses[label] += 1
                start = reference.end()  # its label is no use of its own
    added = {label: count * len(definitions[label][1]) for label, count in uses.items()}
    if not added:
        return 0, "", 0
    most = max(added, key=added.get)
    return sum(added.values()), most, uses[most]


def _link_removals(text: str, definitions: dict[str, tuple[int, str]],
                   images: list[Image], raw: list[tuple[int, int]]) -> list[Removal]:
    found = []
    start = 0
    skip = {d.start("label") - 1 for d in DEFINITION.finditer(text)} if definitions else set()
    while (bracket := text.find("[", start)) != -1:
        start = bracket + 1
        if _escaped(text, bracket) or bracket in skip or _inside(raw, bracket):
            continue
        image = bracket > 0 and text[bracket - 1] == "!" and not _escaped(text, bracket - 1)
        if inline := INLINE_LINK.match(text, bracket):
            group = "angled" if inline.group("angled") is not None else "plain"
            where, address = inline.start(group), inline.group(group)
        elif definitions and (reference := REFERENCE_LINK.match(text, bracket)):
            label = reference.group("label") or reference.group("text")
            if _label(label) not in definitions:
                continue
            if reference.group("label") is not None:
                skip.add(reference.start("label") - 1)  # not a link of its own
            where, address = bracket - image, definitions[_label(label)][1]
        else:
            continue
        address = html.unescape(address)
        why = image_removal(address) if image else link_refusal(address)
        if why:
            found.append(Removal(where, why))
        elif image:
            images.append(Image(where, address))
    return found


def _definitions(text: str, raw: list[tuple[int, int]]) -> dict[str, tuple[int, str]]:
    found = {}
    for definition in DEFINITION.finditer(text):
        if _inside(raw, definition.start()):
            continue
        dest = definition.group("dest")
        dest = dest[1:-1] if dest.startswith("<") and dest.endswith(">") else dest
        found[_label(definition.group("label"))] = (definition.start("label") - 1, dest)  # the last
    return found


def _label(label: str) -> str:
    return " ".join(label.lower().split())


def _escaped(text: str, index: int) -> bool:
    backslashes = len(text[:index]) - len(text[:index].rstrip("\\"))
    return backslashes % 2 == 1


def _blank(text: str) -> str:
    return "".join(char if char == "\n" else " " for char in text)


def _mask_code_blocks(text: str) -> str:
    """Fenced code, and indented code: four columns in after a blank line, eight inside a
    list (which starts at the text's start or after a blank line, and ends at a line that
    is not indented after a blank one)."""
    lines = text.split("\n")
    fence_ends = _fence_ends(lines)
    inside_until = -1
    after_blank, in_list = True, False
    for index, line in enumerate(lines):
        if index in fence_ends:
            inside_until = fence_ends[index]
        indent = _indent(line)
        if index <= inside_until:
            lines[index] = _blank(line)
        elif line.strip() and after_blank and indent >= (8 if in_list else 4):
            lines[index] = _blank(line)
            continue
        if DEFINITION.match(line):
            continue  # taken out before the blocks are read: it ends nothing
        if line.strip():
            if LIST_ITEM.match(line) and (after_blank or in_list or line.startswith(":")):
                in_list = True
            elif after_blank and indent == 0:
                in_list = False
        after_blank = not line.strip()
    return "\n".join(lines)


def _fence_ends(lines: list[str]) -> dict[int, int]:
    """Fenced code blocks, by the line each opens on, with the line it closes on: a fence
    at the start of a line, closed by the same fence alone on a later line (an unclosed
    one is text, as Markdown reads it)."""
    blocks: dict[int, int] = {}
    index = 0
    while index < len(lines):
        opening = FENCE.match(lines[index])
        if opening and "`" not in lines[index][len(opening.group(1)):].strip("~"):
            fence = opening.group(1)
            closing = next((k for k in range(index + 1, len(lines))
                            if lines[k].rstrip(" ") == fence), None)
            if closing is not None:
                blocks[index] = closing
                index = closing
        index += 1
    return blocks


def _indent(line: str) -> int:
    width = 0
    for char in line:
        if char == " ":
            width += 1
        elif char == "\t":
            width += 4 - width % 4
        else:
            break
    return width


def _mask_code_spans(text: str, raw: list[tuple[int, int]]) -> str:
    """Blank each `code span` (but in raw HTML), paired as Markdown pairs backticks: a run
    closes at the next run of as many, else at the first longest shorter run after it,
    which then takes as many of the opening's last backticks. Each text Markdown converts
    on its own (a paragraph, a list item) is paired alone."""
    chars = list(text)
    for start, end in _inline_texts(text):
        runs = [(m.start(), m.end() - m.start()) for m in BACKTICKS.finditer(text, start, end)]
        for opening, closing in _code_spans(text, runs, raw):
            chars[opening:closing] = _blank(text[opening:closing])
    return "".join(chars)


BACKTICKS = re.compile(r"`+")


def _inline_texts(text: str) -> list[tuple[int, int]]:
    """Where each paragraph or list item starts and ends."""
    cuts = [0]
    for line in re.finditer(r"\n(?=[ \t]*(?:\n|(?:[-*+]|\d+[.)])[ \t]))", text):
        cuts.append(line.start() + 1)
    cuts.append(len(text))
    return list(itertools.pairwise(cuts))


def _code_spans(text: str, runs: list[tuple[int, int]],
                raw: list[tuple[int, int]]) -> list[tuple[int, int]]:
    by_length: dict[int, list[int]] = {}
    for index, (_start, length) in enumerate(runs):
        by_length.setdefault(length, []).append(index)
    longest = [0] * (len(runs) + 1)  # from each run on: the index of the first longest run
    longest[len(runs)] = -1
    for index in range(len(runs) - 1, -1, -1):
        after = longest[index + 1]
        longest[index] = index if after == -1 or runs[index][1] >= runs[after][1] else after
    spans = []
    index = 0
    while index < len(runs):
        start, length = runs[index]
        escaped = _escaped(text, start)
        if escaped or _inside(raw, start):  # an escaped tick opens nothing; the others may
            start, length = start + 1, length - 1
            if escaped and length == 0:
                index += 1
                continue
        same = by_length.get(runs[index][1], [])
        exact = next((j for j in same[bisect.bisect_right(same, index):]), None) if (
            not escaped) else None
        fallback = longest[index + 1] if index + 1 < len(runs) else -1
        if exact is not None:
            spans.append((start, runs[exact][0] + runs[exact][1]))
            index = exact + 1
        elif fallback != -1 and 0 < runs[fallback][1] < length:
            spans.append((start + length - runs[fallback][1], runs[fallback][0] + runs[fallback][1]))
            index = fallback + 1
        else:
            index += 1
    return spans


