"""Read a CSV export as CRMs and spreadsheets write it, keeping where every cell stands.

Encodings: UTF-8 with or without a byte-order mark, UTF-16 with one, and Windows-1252
(what Excel writes as "CSV" on a Western Windows). The separator is ',' ';' or a tab,
found from the header row unless the rules name it. Cells in quotes may hold the separator,
quotes ("") and line breaks; a row's line is where it starts in an editor, counting every
line break, so a row after a cell with two line breaks is two lines further down.
"""

from __future__ import annotations

import codecs
import csv
import io
import stat
import sys
from dataclasses import dataclass, field
from pathlib import Path

from generator.problems import ProblemLog

MAX_CSV_BYTES = 100 * 1024 * 1024
SEPARATORS = {",": ",", ";": ";", "tab": "\t", "|": "|"}
ENCODING_HINT = ("save the export as 'CSV UTF-8', or name its encoding in the rules "
                 "(encoding: windows-1252)")
# Characters that end a line for Python's str.splitlines but not for an editor or the CSV
# reader: shown as spaces in excerpts, so that excerpt lines stay the file's lines.
NOT_LINE_BREAKS = str.maketrans({c: " " for c in "\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"})

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))  # a long note is one cell, not an error


@dataclass(frozen=True)
class Cell:
    text: str
    line: int
    column: int  # the character where the cell starts on its line, 1 for the first


@dataclass
class Row:
    line: int
    cells: list[Cell]


@dataclass
class Table:
    path: Path
    encoding: str  # as found: 'UTF-8', 'UTF-8 with BOM', 'UTF-16', 'Windows-1252'...
    separator: str
    header: list[Cell]
    rows: list[Row] = field(default_factory=list)
    source: str = ""  # the text with one '\n' per editor line, for excerpts


def read_table(path: Path, log: ProblemLog, encoding: str = "auto",
               separator: str = "auto") -> Table | None:
    """The file's header and rows; None (with the reason in `log`) when it cannot be read
    as CSV text at all. A bad row costs only itself."""
    raw = _read_bytes(path, log)
    if raw is None:
        return None
    decoded = decode(raw, encoding, log)
    if decoded is None:
        return None
    text, found = decoded
    if "\x00" in text:
        line, column = _text_position(text, text.index("\x00"))
        log.error(line, column, "", "the file has NUL bytes: it is not CSV text",
                  "export it again as CSV (a UTF-16 file needs its byte-order mark)")
        return None
    lines = list(io.StringIO(text, newline=""))
    delimiter = SEPARATORS.get(separator) or sniff(lines[0] if lines else "")
    table = Table(path, found, delimiter, [], source=_excerpt_source(lines))
    for row in _rows(lines, delimiter, log):
        if not table.header:
            table.header = row.cells
        else:
            table.rows.append(row)
    if not table.header:
        log.error(1, 1, "", "the file is empty", "export the report again, with its header row")
        return None
    return table


def _read_bytes(path: Path, log: ProblemLog) -> bytes | None:
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            log.error(0, 0, "", "not a regular file", "name the CSV file the CRM exported")
            return None
        if info.st_size > MAX_CSV_BYTES:
            log.error(0, 0, "", f"the file is {info.st_size:,} bytes; the limit is "
                      f"{MAX_CSV_BYTES:,}", "export fewer rows at a time")
            return None
        return path.read_bytes()
    except OSError as exc:
        log.error(0, 0, "", f"cannot read the file: {exc.strerror or exc}")
        return None


def decode(raw: bytes, encoding: str, log: ProblemLog) -> tuple[str, str] | None:
    """The text and the encoding it was read in; with 'auto', a byte-order mark decides,
    then UTF-8 if every byte fits, else Windows-1252."""
    if encoding != "auto":
        return _decode(raw, codecs.lookup(encoding).name, encoding, log, ENCODING_HINT)
    if raw.startswith(codecs.BOM_UTF8):
        return _decode(raw[3:], "utf-8", "UTF-8 with BOM", log, "save it as UTF-8 again")
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _decode(raw, "utf-16", "UTF-16", log, "save it as UTF-16 again")
    try:
        return raw.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError as exc:
        line, column = _byte_position(raw, exc.start)
        log.error(line, column, "", f"byte 0x{raw[exc.start]:02x} is neither UTF-8 nor "
                  "Windows-1252", ENCODING_HINT)
        return None


def _decode(raw: bytes, codec: str, name: str, log: ProblemLog,
            hint: str) -> tuple[str, str] | None:
    try:
        return raw.decode(codec).removeprefix("\ufeff"), name
    except UnicodeDecodeError as exc:
        line, column = _byte_position(raw, exc.start)
        log.error(line, column, "", f"byte 0x{raw[exc.start]:02x} is not valid {name}", hint)
        return None


def sniff(header: str) -> str:
    """The separator of a header row: whichever of ',' ';' and tab it has most of outside
    quotes (',' when none)."""
    counts = dict.fromkeys((",", ";", "\t"), 0)
    quoted = False
    for char in header:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    best = max(counts, key=lambda c: (counts[c], c == ","))
    return best if counts[best] else ","


def _rows(lines: list[str], delimiter: str, log: ProblemLog):
    """Each row that has a value, with where each of its cells starts. A row of empty
    cells is skipped; so is a report footer (rows of one value after an empty row, as
    Salesforce ends its exports with its copyright)."""
    reader = csv.reader(lines, delimiter=delimiter, quotechar='"', doublequote=True)
    end = 0
    after_blank = False
    for values in reader:
        start, end = end + 1, reader.line_num
        filled = sum(1 for value in values if value.strip())
        if not filled:
            after_blank = True
            continue
        places, unclosed = cell_places(lines[start - 1:end], start, delimiter)
        if unclosed:
            log.error(*unclosed, "", "this quote is never closed: the rest of the file "
                      "would be one cell", "close the quote, or remove it")
            return
        if after_blank and filled == 1 and values[0].strip():
            continue
        places += [places[-1]] * (len(values) - len(places))
        yield Row(start, [Cell(value, *place) for value, place in zip(values, places)])


def cell_places(lines: list[str], first_line: int,
                delimiter: str) -> tuple[list[tuple[int, int]], tuple[int, int] | None]:
    """Where each cell of one row starts (line, column), read as the CSV reader reads it:
    a quote opens a cell only at its start, and "" inside quotes is a quote. Also where a
    quote opens that is never closed, if one is."""
    places = [(first_line, 1)]
    quoted = closed = False  # closed: the last character closed a quote
    at_start = True
    opened: tuple[int, int] | None = None
    for offset, text in enumerate(lines):
        for column, char in enumerate(text, 1):
            if quoted:
                quoted = char != '"'
                closed = not quoted
            elif char == '"' and (at_start or closed):
                if at_start:
                    opened = (first_line + offset, column)
                quoted, at_start, closed = True, False, False
            elif char == delimiter:
                places.append((first_line + offset, column + 1))
                at_start, closed = True, False
            else:
                at_start = closed = False
    return places, opened if quoted else None


def _excerpt_source(lines: list[str]) -> str:
    return "\n".join(line.rstrip("\r\n").translate(NOT_LINE_BREAKS) for line in lines)


def _byte_position(raw: bytes, offset: int) -> tuple[int, int]:
    before = raw[:offset]
    line = before.count(b"\n") + 1
    return line, len(before) - (before.rfind(b"\n") + 1) + 1


def _text_position(text: str, offset: int) -> tuple[int, int]:
    before = text[:offset]
    return before.count("\n") + 1, offset - (before.rfind("\n") + 1) + 1
