"""Load: read account and config files, keeping line and column of everything.

The loader turns bytes into plain Python data plus a map from each value's
path (`("people", 0, "name")`) to where it stands in the file, so that the
validator can point at the exact spot. It never raises for bad input: what
is wrong goes into the file's `ProblemLog`.
"""

from __future__ import annotations

import contextlib
import contextvars
import hashlib
import re
import stat
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from generator.problems import ProblemLog, clip
from generator.schema import section_kind

MAX_FILE_BYTES = 2 * 1024 * 1024
# A few hundred values is a large account; the limits only stop alias bombs
# and runaway nesting, which would otherwise take the whole build down.
MAX_YAML_VALUES = 20_000
MAX_YAML_DEPTH = 40

FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
HEADING = re.compile(r"^##[ \t]++(?P<title>.*\S)")
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

YamlPath = tuple[str | int, ...]


@dataclass(frozen=True)
class Position:
    line: int
    column: int


@dataclass
class YamlData:
    """Parsed YAML with the position of every key and value by path."""

    data: Any = None
    broken: bool = False  # unreadable YAML, already reported
    values: dict[YamlPath, Position] = field(default_factory=dict)
    keys: dict[YamlPath, Position] = field(default_factory=dict)

    def position(self, path: YamlPath, *, prefer_key: bool = False) -> Position:
        """Where `path` stands; falls back to the nearest enclosing value."""
        tables = (self.keys, self.values) if prefer_key else (self.values, self.keys)
        for depth in range(len(path), -1, -1):
            for table in tables:
                if path[:depth] in table:
                    return table[path[:depth]]
        return Position(1, 1)


@dataclass(frozen=True)
class BodyLine:
    number: int
    text: str


@dataclass
class RawSection:
    """A `## Heading` of the body and the lines under it. A known section's title written
    another way (`# Complaints`, `Why they signed:`) starts one too: `written` is then the
    line as written, and `column` where it starts."""

    title: str
    line: int
    lines: list[BodyLine]
    written: str = ""
    column: int = 4  # of the title, after '## '


@dataclass
class RawAccount:
    path: Path
    slug: str
    front: YamlData
    intro: list[BodyLine]
    sections: list[RawSection]


@dataclass
class SourceFile:
    """A file's text, or why it could not be read as text."""

    path: Path
    text: str | None
    log: ProblemLog


def is_regular(path: Path) -> bool:
    """A regular file (after links): reading a pipe or a device could wait for ever."""
    try:
        return stat.S_ISREG(path.stat().st_mode)
    except OSError:
        return False


def links_out(path: Path) -> bool:
    """The file is a link that leads outside its own folder."""
    return path.is_symlink() and not path.resolve().is_relative_to(path.parent.resolve())


# The files read while `reads()` records, with the digest of the bytes read: what a
# build made its pages from, recorded as it was read (not as it is when asked later).
_reading: contextvars.ContextVar[dict[Path, str] | None] = contextvars.ContextVar(
    "reading", default=None)


@contextlib.contextmanager
def reads() -> Iterator[dict[Path, str]]:
    """Record each file read inside the block, with the digest of what was read."""
    read: dict[Path, str] = {}
    token = _reading.set(read)
    try:
        yield read
    finally:
        _reading.reset(token)


def file_digest(path: Path) -> str:
    """The digest of the file as the loader would read it now (see `_digest`)."""
    return _digest(_read_bytes(path))


def _digest(raw: bytes | SourceFile | None) -> str:
    """The digest of a file's bytes; '' for one the loader does not read (not a regular
    file, too large, unreadable): the same for what was read and for what is there now."""
    return hashlib.sha256(raw).hexdigest() if isinstance(raw, bytes) else ""


def read_text(path: Path) -> SourceFile:
    """Read UTF-8 text, tolerating a byte-order mark and CRLF line endings."""
    raw: bytes | SourceFile | None = None
    try:
        return _decoded(path, raw := _read_bytes(path))
    finally:
        if (read := _reading.get()) is not None:
            read[path] = _digest(raw)


def _read_bytes(path: Path) -> bytes | SourceFile:
    """The file's bytes, or the file with the error that kept it from being read."""
    log = ProblemLog(path)
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            log.error(0, 0, "", "not a regular file: a folder, a pipe or a device is not read",
                      "account files are Markdown text files")
            return SourceFile(path, None, log)
        size = info.st_size
        if size > MAX_FILE_BYTES:
            log.error(0, 0, "", f"file is {size:,} bytes; the limit is {MAX_FILE_BYTES:,} "
                      f"({MAX_FILE_BYTES // 1_048_576} MB)",
                      "shorten it: keep what matters for the next meeting, and archive older "
                      "history outside content/accounts/")
            return SourceFile(path, None, log)
        return path.read_bytes()
    except OSError as exc:
        log.error(0, 0, "", f"cannot read file: {exc.strerror or exc}")
        return SourceFile(path, None, log)


def _decoded(path: Path, raw: bytes | SourceFile) -> SourceFile:
    if isinstance(raw, SourceFile):
        return raw
    log = ProblemLog(path)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line, column = _byte_position(raw, exc.start)
        log.error(line, column, "", f"byte 0x{raw[exc.start]:02x} is not valid UTF-8",
                  "save the file as UTF-8")
        return SourceFile(path, None, log)
    if "\x00" in text:
        line, column = _text_position(text, text.index("\x00"))
        log.error(line, column, "", "file contains a NUL byte: it is not a text file",
                  "account files are Markdown text")
        return SourceFile(path, None, log)
    return SourceFile(path, text.replace("\r\n", "\n").replace("\r", "\n"), log)


def load_account(path: Path) -> tuple[RawAccount | None, ProblemLog]:
    """Split front matter from body and parse both; None when unusable.

    A file that is a link to somewhere outside its own folder is refused, unread: the
    build must not publish (or quote in a message) whatever a link points at, such as
    the project's .env.
    """
    if links_out(path):
        log = ProblemLog(path)
        log.error(0, 0, "", f"the file links to {path.resolve()}, outside its folder",
                  "copy the account into content/accounts/ instead of linking to it")
        return None, log
    source = read_text(path)
    if source.text is None:
        return None, source.log
    return parse_account(path, source.text, source.log)


def parse_account(path: Path, text: str, log: ProblemLog) -> tuple[RawAccount | None, ProblemLog]:
    """An account file's text, as `load_account` reads it: also the text of an earlier
    version of the file, taken from git."""
    slug = path.stem
    if path.suffix != ".md":
        log.error(0, 0, "", f"file name '{path.name}' does not end in '.md'",
                  f"rename it to '{slug}.md'")
    if not SLUG.match(slug):
        log.error(0, 0, "", f"file name '{path.name}' is not a valid slug", _rename_hint(path))
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        log.error(1, 1, "", "file does not start with front matter",
                  "begin the file with a line '---', the YAML facts, and another '---'")
        return None, log
    closing = _closing_line(lines)
    if closing is None:
        log.error(1, 1, "", "front matter is never closed",
                  "add a line '---' after the last YAML line")
        return None, log
    front = parse_yaml("\n".join(lines[1:closing]), log, first_line=2)
    body_lines = _without_comments("\n".join(lines[closing + 1:])).split("\n")
    body = [BodyLine(closing + 2 + n, line) for n, line in enumerate(body_lines)]
    intro, sections = split_sections(body)
    account = RawAccount(path, slug, front, intro, sections)
    return account, log


def _closing_line(lines: list[str]) -> int | None:
    """The line that closes the front matter opened by the first."""
    return next((i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), None)


def owner_names_in(path: Path) -> tuple[dict[YamlPath, str], dict[YamlPath, Position], bool]:
    """The owner names an account file's front matter gives ('owner', each follow-up's
    'owner') by path, where each stands, and whether it is an example: what comparing
    owners with the other files needs, read without building the rest. Nothing for a file
    that cannot be read (its own check says why) or links out of its folder."""
    nothing: tuple[dict, dict, bool] = ({}, {}, False)
    if links_out(path):
        return nothing
    source = read_text(path)
    lines = source.text.split("\n") if source.text is not None else []
    closing = _closing_line(lines) if lines and lines[0].rstrip() == "---" else None
    if closing is None:
        return nothing
    try:
        node = _compose("\n".join(lines[1:closing]))
    except (yaml.YAMLError, _TooLarge):
        return nothing
    fields = _fields(node)
    names, places = {}, {}
    follow_ups = fields.get("follow_ups")
    wanted = [(("owner",), fields.get("owner"))] + [
        (("follow_ups", index, "owner"), _fields(item).get("owner"))
        for index, item in enumerate(follow_ups.value if isinstance(follow_ups, SequenceNode)
                                     else ())]
    for where, value in wanted:
        if isinstance(value, ScalarNode) and value.tag == STR_TAG and value.value:
            names[where] = value.value
            places[where] = Position(value.start_mark.line + 2, value.start_mark.column + 1)
    example = fields.get("example")
    return names, places, isinstance(example, ScalarNode) and example.value.lower() == "true"


def _fields(node: Node | None) -> dict[str, Node]:
    if not isinstance(node, MappingNode):
        return {}
    return {key.value: value for key, value in node.value if isinstance(key, ScalarNode)}


def _rename_hint(path: Path) -> str:
    wanted = f"{suggest_slug(path.stem) or 'account'}.md"
    if (path.parent / wanted).exists():
        return f"'{wanted}' exists already: merge this file into it, then delete this one"
    return f"rename it to '{wanted}': lowercase letters, digits, hyphens"


def _without_comments(body: str) -> str:
    """HTML comments (hints for the writer) blanked out, keeping every line number.

    Searched for by hand: a pattern like <!--.*?--> would scan to the end of the body
    again from every '<!--' that is never closed."""
    parts, start = [], 0
    while (opening := body.find("<!--", start)) != -1:
        closing = body.find("-->", opening + 4)
        if closing == -1:
            break
        parts += [body[start:opening], "\n" * body.count("\n", opening, closing)]
        start = closing + 3
    parts.append(body[start:])
    return "".join(parts)


def load_yaml_file(path: Path) -> tuple[YamlData | None, ProblemLog]:
    """A whole-file YAML document (project config, question bank)."""
    source = read_text(path)
    if source.text is None:
        return None, source.log
    return parse_yaml(source.text, source.log, first_line=1), source.log


def parse_yaml(text: str, log: ProblemLog, first_line: int) -> YamlData:
    """Compose YAML into nodes, then build data while recording positions."""
    try:
        node = _compose(text)
    except yaml.MarkedYAMLError as exc:
        line, column, message, hint = _yaml_problem(exc, text.splitlines(), first_line)
        log.error(line, column, "", message, hint)
        return YamlData(broken=True)
    except yaml.YAMLError as exc:
        log.error(first_line, 1, "", f"YAML syntax: {exc}")
        return YamlData(broken=True)
    except _TooLarge as exc:
        log.error(exc.line + first_line, exc.column, "", str(exc), exc.hint)
        return YamlData(broken=True)
    builder = _Builder(log, first_line, text.split("\n"))
    result = YamlData(values=builder.values, keys=builder.keys)
    if node is not None:
        try:
            result.data = builder.build(node, ())
        except _TooLarge as exc:
            log.error(exc.line, exc.column, "", str(exc), exc.hint)
            result.data = None
            result.broken = True
    return result


def _compose(text: str) -> Node | None:
    """libyaml's composer when PyYAML has it (several times faster); on an error, the
    pure-Python one, whose messages say more (it names the tab character, for one)."""
    loader = getattr(yaml, "CSafeLoader", None)
    if loader is not None:
        try:
            return yaml.compose(text, Loader=loader)
        except yaml.YAMLError:
            pass
    _check_depth(text)
    return yaml.compose(text, Loader=yaml.SafeLoader)


def _check_depth(text: str) -> None:
    """_TooLarge where the text nests deeper than the limit. The pure-Python composer
    calls itself once per level and would run out of stack at a few hundred; its parser
    keeps a list instead, so reading the events first finds the place without recursing.
    A syntax error ends the look: the composer then reports it."""
    depth = 0  # collections around the next value: its path's length, as the builder counts
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.NodeEvent) and depth > MAX_YAML_DEPTH:
                mark = event.start_mark
                raise _TooLarge(TOO_DEEP, mark.line, mark.column + 1, DEPTH_HINT)
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.YAMLError:
        return


def split_sections(body: list[BodyLine]) -> tuple[list[BodyLine], list[RawSection]]:
    """Cut the body at level-2 headings, ignoring '#' inside code fences; and at a known
    section's title written as another heading or as a label (`section_heading`)."""
    intro: list[BodyLine] = []
    sections: list[RawSection] = []
    fence = ""
    after_blank = True
    skip_underline = False
    for index, line in enumerate(body):
        if skip_underline:  # the '---' or '===' under a title
            skip_underline = False
            continue
        marker = FENCE.match(line.text)
        if marker and (not fence or marker.group(1).startswith(fence)):
            fence = "" if fence else marker.group(1)[:3]
        heading = None if fence else HEADING.match(line.text)
        if heading:
            title = heading.group("title")
            sections.append(RawSection(title.rstrip(" \t#") or title, line.number, []))
        elif not fence and (found := section_heading(line.text, body, index, after_blank)):
            title, skip_underline = found
            written = line.text.rstrip() + (f" / {body[index + 1].text.strip()}"
                                           if skip_underline else "")
            sections.append(RawSection(title, line.number, [], written,
                                       len(line.text) - len(line.text.lstrip()) + 1))
        elif sections:
            sections[-1].lines.append(line)
        else:
            intro.append(line)
        after_blank = not line.text.strip()
    return intro, sections


# A known section's title as a heading of another level ('# Complaints', '### Wins'), as a
# level-2 heading without its space or indented ('##Wins', ' ## Wins'), as a label alone
# on its line ('Why they signed:', '**Why they signed:**') or underlined ('Wins' / '---').
OTHER_HEADING = re.compile(r"^ {0,3}#{1,6}(?P<title>[^#].*)$")
UNDERLINE = re.compile(r"^ {0,3}(?:=+|-+)[ \t]*$")
MAX_TITLE = 60  # longer lines are never a known title: not worth comparing


def section_heading(text: str, body: list[BodyLine], index: int,
                    after_blank: bool) -> tuple[str, bool] | None:
    """The title of the known section that a line starts although it is not written
    '## Title', and whether the next line is its underline; None when it starts none."""
    stripped = text.strip()
    if not stripped or len(stripped) > MAX_TITLE or len(text) - len(text.lstrip(" ")) > 3:
        return None
    if other := OTHER_HEADING.match(text):
        title = other.group("title").strip().rstrip("#").strip()
        return (title, False) if section_kind(title) else None
    if text[0] in " \t":  # an indented label or title belongs to the item above it
        return None
    plain = stripped.replace("**", "").replace("__", "").strip()
    if plain.endswith(":") and plain[0].isalpha():
        title = plain[:-1].strip()
        return (title, False) if section_kind(title, aliases=False) else None
    underlined = index + 1 < len(body) and UNDERLINE.match(body[index + 1].text)
    if underlined and after_blank and plain[0].isalpha() and section_kind(plain):
        return plain, True
    return None


def suggest_slug(name: str) -> str:
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")


TOO_DEEP = f"YAML nests deeper than {MAX_YAML_DEPTH} levels"
DEPTH_HINT = "indent fields and lists less deeply"


class _TooLarge(Exception):
    def __init__(self, message: str, line: int, column: int, hint: str) -> None:
        super().__init__(message)
        self.line, self.column, self.hint = line, column, hint


class _Builder:
    """Turns composed YAML nodes into data, checking what PyYAML lets pass."""

    def __init__(self, log: ProblemLog, first_line: int, lines: list[str]) -> None:
        self.log = log
        self.first_line = first_line
        self.lines = lines
        self.values: dict[YamlPath, Position] = {}
        self.keys: dict[YamlPath, Position] = {}
        self.constructor = SafeConstructor()
        self.count = 0

    def position(self, node: Node) -> Position:
        return Position(node.start_mark.line + self.first_line, node.start_mark.column + 1)

    def build(self, node: Node, path: YamlPath) -> Any:
        self.count += 1
        where = self.position(node)
        if self.count > MAX_YAML_VALUES:
            raise _TooLarge(f"YAML expands to more than {MAX_YAML_VALUES:,} values", where.line,
                            where.column, "remove YAML aliases ('*name') that repeat large blocks")
        if len(path) > MAX_YAML_DEPTH:
            raise _TooLarge(TOO_DEEP, where.line, where.column, DEPTH_HINT)
        self.values.setdefault(path, where)
        if isinstance(node, MappingNode):
            return self.build_mapping(node, path)
        if isinstance(node, SequenceNode):
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        self.check_cut(node, path)
        return self.build_scalar(node)

    def check_cut(self, node: ScalarNode, path: YamlPath) -> None:
        """A warning where a plain value is cut short by what YAML reads as a comment:
        `name: Store #12 Supplies` is 'Store'. A comment set apart by two spaces or more
        and starting '# ' is taken as meant; one on its own line, or after a quoted
        value, is never in question."""
        if node.style or not node.value or node.tag != STR_TAG:  # libyaml: "" for plain
            return  # a number, date or true is never text cut short
        end = node.end_mark
        rest = self.lines[end.line][end.column:] if end.line < len(self.lines) else ""
        comment = CUT_BY_COMMENT.match(rest)
        if comment is None or (len(comment.group("space")) > 1
                               and comment.group("after") in ("", " ", "#")):
            return
        whole = f"{node.value}{rest.rstrip()}".replace('"', '\\"')
        key = next((part for part in reversed(path) if isinstance(part, str)), "field")
        where = self.first_line + end.line, end.column + comment.start("hash") + 1
        self.log.warn(*where, field_label(path),
                      f"'{clip(rest.strip(), 60)}' is read as a comment, so the value is "
                      f"'{clip(node.value, 60)}'",
                      f"if it is part of the value, put the whole value in quotes "
                      f"({key}: \"{clip(whole, 80)}\"); if it is a comment, put it on a line "
                      "of its own")

    def build_mapping(self, node: MappingNode, path: YamlPath) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                where = self.position(key_node)
                self.log.error(where.line, where.column, field_label(path), "a key must be plain text")
                continue
            key = str(self.build_scalar(key_node))
            key_path = (*path, key)
            where = self.position(key_node)
            if key in result:
                first = self.keys[key_path]
                self.log.error(where.line, where.column, field_label(key_path),
                               f"duplicate key (first set on line {first.line})",
                               "keep one of the two; YAML would silently use the last")
                continue
            self.keys[key_path] = where
            result[key] = self.build(value_node, key_path)
        return result

    def build_scalar(self, node: ScalarNode) -> Any:
        try:
            return self.constructor.construct_object(node, deep=True)
        except (ValueError, yaml.constructor.ConstructorError):
            # An impossible timestamp such as 2026-02-30: keep the text so the
            # schema reports it as a bad date at this position.
            return node.value


# What one item of a list is called in messages: "follow-up 2", not "follow_ups[1]".
ITEM_NAMES = {"follow_ups": "follow-up", "people": "person", "loss_reasons": "loss reason",
              "approaches": "approach", "with": "attendee", "ours": "our attendee",
              "letters": "letter", "offer": "offer", "cares_about": "care"}


def field_label(path: YamlPath) -> str:
    """Where a value stands, as a person counts: ("follow_ups", 1, "due") reads
    "follow-up 2, due"; ("meeting", "with", 0) reads "meeting, attendee 1"."""
    words: list[str] = []
    for part in path:
        if isinstance(part, int):
            listed = words.pop() if words else "item"
            words.append(f"{ITEM_NAMES.get(listed, listed + ' item')} {part + 1}")
        else:
            words.append(str(part))
    return ", ".join(words)


STR_TAG = "tag:yaml.org,2002:str"
# What follows a plain value on its line when YAML reads a comment there.
CUT_BY_COMMENT = re.compile(r"^(?P<space>[ \t]+)(?P<hash>#)(?P<after>.?)")
KEY_AT = re.compile(r"^(?P<lead>[ ]*(?:-[ ]+)*)(?P<key>[^\s:#'\"][^:]*?):(?:[ \t]|$)")


def _yaml_problem(exc: yaml.MarkedYAMLError, lines: list[str],
                  first_line: int) -> tuple[int, int, str, str]:
    """A YAML error as someone who is not a programmer can act on it: the file line and
    column where the mistake is, what is wrong in plain words, and the fix."""
    problem = f"{exc.problem or ''} {exc.context or ''}"
    mark = exc.problem_mark or exc.context_mark
    index, column = (mark.line, mark.column + 1) if mark else (0, 1)
    text = lines[index] if 0 <= index < len(lines) else ""
    if exc.context and "quoted scalar" in exc.context and exc.context_mark:
        # An unclosed quote is found at the end of the file; its start is the useful spot.
        return (exc.context_mark.line + first_line, exc.context_mark.column + 1,
                "this quote is never closed",
                "close the quote at the end of the text, or remove it")
    if "\\t" in problem or "\t" in problem or "tab" in problem:
        return index + first_line, column, "a tab is used to indent this line", (
            "indent with spaces, not tabs")
    if "could not find expected ':'" in problem and exc.context_mark:
        # Found on the line after; the line that lacks the ':' is where the field began.
        return (exc.context_mark.line + first_line, exc.context_mark.column + 1,
                "this line has no ':' after its field name",
                "write it as 'field: value'; if it continues the text above, put that text "
                "in quotes")
    if "mapping values are not allowed" in problem:
        if ": " not in text[:column - 1] and KEY_AT.match(text):
            return (index + first_line, _indent(text) + 1,
                    *_misaligned(lines, index, first_line, "more than"))
        return (index + first_line, column, "this text has ': ' in it, which YAML reads as the "
                "start of another field", "put the whole value in quotes, e.g. "
                "name: \"Acme: the company\"")
    if "expected <block end>" in problem or "indentation" in problem:
        return (index + first_line, _indent(text) + 1,
                *_misaligned(lines, index, first_line, "differently from"))
    return index + first_line, column, f"YAML syntax: {exc.problem or exc.context}", (
        "check the punctuation and indentation of this line")


def _misaligned(lines: list[str], index: int, first_line: int, how: str) -> tuple[str, str]:
    """What to say of a line indented wrongly: the field above it to line up with."""
    for number in range(index - 1, -1, -1):
        above = KEY_AT.match(lines[number])
        if above:
            spaces, key = len(above.group("lead")), above.group("key")
            start = (f"with {spaces} space{'' if spaces == 1 else 's'}" if spaces
                     else "at the beginning of the line")
            return (f"this line is indented {how} '{key}' on line {number + first_line}",
                    f"if it belongs with '{key}', start it {start}, as that line does")
    return "this line is indented wrongly", "check its indentation against the lines above"


def _indent(text: str) -> int:
    return len(text) - len(text.lstrip(" "))


def _byte_position(raw: bytes, offset: int) -> tuple[int, int]:
    before = raw[:offset]
    line = before.count(b"\n") + 1
    column = len(before) - (before.rfind(b"\n") + 1) + 1
    return line, column


def _text_position(text: str, offset: int) -> tuple[int, int]:
    before = text[:offset]
    return before.count("\n") + 1, offset - (before.rfind("\n") + 1) + 1
