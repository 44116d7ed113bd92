"""Add lines to an account file, and change none: what a re-import may do to a file that
people edit by hand.

New front-matter keys go at the end of the front matter; new items of a list (`people`,
`follow_ups`) after its last item, indented as its items are; new section items after the
section's last line, or in a new section at the end of the file. The file's line endings
and byte-order mark are kept, so that the diff of an import is added lines only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

TOP_KEY = re.compile(r"^(?P<key>[A-Za-z_][\w-]*)[ \t]*:(?P<rest>.*)$")
ITEM_INDENT = re.compile(r"^(?P<indent>[ ]*)-[ \t]")


class CannotAdd(Exception):
    """The file is written so that lines cannot be added to it as they must be."""


@dataclass
class AccountText:
    """An account file's text, with the lines to add after each of its lines."""

    text: str
    lines: list[str] = field(init=False)
    closing: int = field(init=False)  # the index of the line that closes the front matter
    after: dict[int, list[str]] = field(init=False, default_factory=dict)
    # Lines that close off what is before them (top-level keys, new sections): after all
    # the others added after the same line, so that no item lands under them.
    after_last: dict[int, list[str]] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        self.bom = self.text.startswith("\ufeff")
        plain = self.text.removeprefix("\ufeff")
        self.newline = "\r\n" if "\r\n" in plain else "\n"
        self.lines = plain.replace("\r\n", "\n").split("\n")
        self.closing = next(i for i in range(1, len(self.lines))
                            if self.lines[i].rstrip() in ("---", "..."))

    def result(self) -> str:
        out: list[str] = []
        for index, line in enumerate(self.lines):
            out.append(line)
            out.extend(self.after.get(index, ()))
            out.extend(self.after_last.get(index, ()))
        return ("\ufeff" if self.bom else "") + self.newline.join(out)

    def _insert(self, index: int, lines: list[str], last: bool = False) -> None:
        (self.after_last if last else self.after).setdefault(index, []).extend(lines)

    # --- the front matter ----------------------------------------------------------

    def add_keys(self, lines: list[str]) -> None:
        """Top-level `key: value` lines, at the end of the front matter."""
        self._insert(self.closing - 1, lines, last=True)

    def add_items(self, key: str, items: list[list[str]]) -> None:
        """Items of a top-level list, each given as lines without indentation ('- name:
        X', 'title: Y'); the list is made at the end of the front matter if missing."""
        start = self._key_line(key)
        if start is None:
            self.add_keys([f"{key}:", *_indented(items, 2)])
            return
        rest = self.lines[start].split(":", 1)[1].split("#", 1)[0].strip()
        if rest:
            raise CannotAdd(f"'{key}' is written on one line ({rest[:40]}); write it as a "
                            "list of '- ' items, one per line, so that items can be added")
        end = start
        for index in range(start + 1, self.closing):
            line = self.lines[index]
            if line.strip() and line[0] not in " \t-#":
                break  # the next top-level key
            if line.strip() and not line.lstrip().startswith("#"):
                end = index
        first = next((ITEM_INDENT.match(self.lines[i]) for i in range(start + 1, end + 1)
                      if ITEM_INDENT.match(self.lines[i])), None)
        self._insert(end, _indented(items, len(first.group("indent")) if first else 2))

    def _key_line(self, key: str) -> int | None:
        for index in range(1, self.closing):
            found = TOP_KEY.match(self.lines[index])
            if found and found.group("key") == key:
                return index
        return None

    # --- the body ------------------------------------------------------------------

    def add_to_section(self, heading: int | None, next_heading: int | None, title: str,
                       lines: list[str], paragraph: bool = False) -> None:
        """Lines at the end of a section (its heading's line number, and the next
        heading's, 1-based), or a new section at the end of the file. A paragraph is set
        off by an empty line."""
        gap = [""] if paragraph else []
        if heading is None:
            self._insert(self._last_text(len(self.lines)), ["", f"## {title}", *lines],
                         last=True)
            return
        end = next_heading - 1 if next_heading else len(self.lines)
        last = self._last_text(end, heading - 1)
        self._insert(last, (gap if last != heading - 1 else []) + lines)

    def _last_text(self, end: int, floor: int = 0) -> int:
        """The last line before `end` that is not empty (never before `floor`)."""
        for index in range(end - 1, floor, -1):
            if self.lines[index].strip():
                return index
        return floor


def _indented(items: list[list[str]], indent: int) -> list[str]:
    pad = " " * indent
    out = []
    for item in items:
        out.append(pad + item[0])
        out.extend(pad + "  " + line for line in item[1:])
    return out
