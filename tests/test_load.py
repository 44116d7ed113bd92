"""The loader: malformed files are reported with a position, never raised."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import FULL_ACCOUNT, MINIMAL_ACCOUNT, write

from generator.load import MAX_FILE_BYTES, BodyLine, load_account, split_sections
from generator.project import open_project
from generator.validate import read_account


def load_bytes(tmp_path: Path, data: bytes, name: str = "acme.md"):
    path = tmp_path / name
    path.write_bytes(data)
    return load_account(path)


def first(log):
    p = log.problems[0]
    return p.line, p.column, p.message, p.hint


def test_sections_and_line_numbers(tmp_path):
    raw, log = load_bytes(tmp_path, FULL_ACCOUNT.encode())
    assert log.problems == []
    titles = [(s.title, s.line) for s in raw.sections]
    assert titles[0] == ("Why they signed", 42)
    assert titles[-1] == ("Gossip", 67)
    assert raw.intro[1].text == "Intro line before any heading."
    assert raw.front.position(("people", 1, "left")).line == 21


def test_headings_inside_code_fences_are_not_sections():
    lines = ["## A", "```", "## not a heading", "```", "## B"]
    _, sections = split_sections([BodyLine(i + 1, t) for i, t in enumerate(lines)])
    assert [s.title for s in sections] == ["A", "B"]


def test_byte_order_mark_and_crlf_are_accepted(tmp_path):
    data = ("\ufeff" + MINIMAL_ACCOUNT).replace("\n", "\r\n").encode()
    raw, log = load_bytes(tmp_path, data)
    assert log.problems == []
    assert raw.front.data["name"] == "Harlow Dental"


def test_non_utf8_bytes_point_at_the_byte(tmp_path):
    raw, log = load_bytes(tmp_path, b"---\nname: Caf\xe9\n---\n")
    assert raw is None
    assert first(log) == (2, 10, "byte 0xe9 is not valid UTF-8", "save the file as UTF-8")


def test_binary_junk_is_not_a_text_file(tmp_path):
    raw, log = load_bytes(tmp_path, b"---\n\x00\x01\x02")
    assert raw is None
    assert first(log)[2] == "file contains a NUL byte: it is not a text file"


@pytest.mark.parametrize("data, expected", [
    (b"", (1, 1, "file does not start with front matter")),
    (b"name: Acme\n", (1, 1, "file does not start with front matter")),
    (b"---\nname: Acme\nstatus: lost\n", (1, 1, "front matter is never closed")),
])
def test_missing_or_unclosed_front_matter(tmp_path, data, expected):
    raw, log = load_bytes(tmp_path, data)
    assert raw is None
    assert first(log)[:3] == expected


def test_tab_indentation(tmp_path):
    _, log = load_bytes(tmp_path, b"---\nname: Acme\npeople:\n\t- name: Ann\n---\n")
    line, column, message, hint = first(log)
    assert (line, column) == (4, 1)
    assert message == "a tab is used to indent this line"
    assert hint == "indent with spaces, not tabs"


def test_unclosed_quote(tmp_path):
    _, log = load_bytes(tmp_path, b'---\nname: "Acme\nstatus: lost\n---\n')
    line, column, message, hint = first(log)
    assert (line, column) == (2, 7)
    assert len(log.problems) == 1
    assert message == "this quote is never closed"
    assert hint == "close the quote at the end of the text, or remove it"


def test_bad_indentation(tmp_path):
    """Said in words, at the line that is wrong, with the field to line up with."""
    _, log = load_bytes(tmp_path, b"---\nname: Acme\n  status: lost\n---\n")
    line, column, message, hint = first(log)
    assert (line, column) == (3, 3)
    assert message == "this line is indented more than 'name' on line 2"
    assert hint == ("if it belongs with 'name', start it at the beginning of the line, as that "
                    "line does")


@pytest.mark.parametrize("text, expected", [
    # under-indented inside a list item: YAML says "expected <block end>"
    (b"---\nname: Acme\npeople:\n  - name: Ann\n   title: Buyer\n---\n",
     (5, 4, "this line is indented differently from 'name' on line 4",
      "if it belongs with 'name', start it with 4 spaces, as that line does")),
    # over-indented: YAML says "mapping values are not allowed here", whose usual hint
    # (quote the text) would be wrong
    (b"---\nname: Acme\npeople:\n  - name: Ann\n     title: Buyer\n---\n",
     (5, 6, "this line is indented more than 'name' on line 4",
      "if it belongs with 'name', start it with 4 spaces, as that line does")),
    # a colon inside a value: there quoting is the fix
    (b"---\nname: Acme: the company\n---\n",
     (2, 11, "this text has ': ' in it, which YAML reads as the start of another field",
      'put the whole value in quotes, e.g. name: "Acme: the company"')),
    # a missing colon: YAML notices on the next line; the mistake is on this one
    (b"---\nname: Acme\npeople:\n  - name: Ann\n    title Buyer\n    role: user\n---\n",
     (5, 5, "this line has no ':' after its field name",
      "write it as 'field: value'; if it continues the text above, put that text in quotes")),
])
def test_yaml_mistakes_in_plain_words(tmp_path, text, expected):
    _, log = load_bytes(tmp_path, text)
    assert first(log) == expected


def test_duplicate_keys_are_errors(tmp_path):
    _, log = load_bytes(tmp_path, b"---\nname: Acme\nstatus: lost\nname: Other\n---\n")
    assert first(log) == (4, 1, "duplicate key (first set on line 2)",
                          "keep one of the two; YAML would silently use the last")
    assert log.problems[0].field == "name"


def test_alias_bomb_is_stopped(tmp_path):
    bomb = ["---", 'a: &a ["x","x","x","x","x","x","x","x","x","x"]']
    for level in range(1, 9):
        prev = chr(ord("a") + level - 1)
        name = chr(ord("a") + level)
        bomb.append(f"{name}: &{name} [{', '.join(['*' + prev] * 10)}]")
    bomb.append("---")
    raw, log = load_bytes(tmp_path, "\n".join(bomb).encode())
    assert raw.front.data is None
    assert "expands to more than 20,000 values" in log.problems[0].message


def test_file_too_large(tmp_path):
    data = b"---\nname: A\n---\n" + b"x" * MAX_FILE_BYTES
    raw, log = load_bytes(tmp_path, data)
    assert raw is None
    # a few bytes over: the sizes are exact, never both rounded to "2 MB"
    assert log.problems[0].message == (
        f"file is {len(data):,} bytes; the limit is 2,097,152 (2 MB)")


def test_file_name_must_be_a_slug(tmp_path):
    _, log = load_bytes(tmp_path, MINIMAL_ACCOUNT.encode(), name="Café Acme.md")
    assert log.problems[0].hint.startswith("rename it to 'cafe-acme.md'")


def test_unreadable_path_is_reported(project_dir):
    account, log = read_account(project_dir / "missing.md", open_project(project_dir).config)
    assert account is None
    assert log.problems[0].message.startswith("cannot read file")


def test_reads_records_each_file_with_the_digest_of_the_bytes_read(tmp_path):
    import hashlib

    from generator.load import file_digest, reads

    account = write(tmp_path / "acme.md", FULL_ACCOUNT)
    data = account.read_bytes()
    with reads() as read:
        load_account(account)
        account.write_text("edited after it was read\n")
        load_account(tmp_path / "gone.md")
    assert read == {account: hashlib.sha256(data).hexdigest(), tmp_path / "gone.md": ""}
    assert file_digest(account) == hashlib.sha256(b"edited after it was read\n").hexdigest()
    load_account(account)  # outside the block: nothing is recorded
    assert len(read) == 2


@pytest.mark.parametrize("data", [b"---\nname: A\n---\n" + b"x" * MAX_FILE_BYTES,  # too large
                                  b"---\nname: \xff\n---\n"])  # not UTF-8
def test_a_file_refused_as_read_has_the_digest_it_was_recorded_with(tmp_path, data):
    """What the loader records of a file it refuses is what asking for the file's digest
    later gives, so that an unchanged bad file counts as unchanged."""
    from generator.load import file_digest, reads

    account = tmp_path / "acme.md"
    account.write_bytes(data)
    with reads() as read:
        load_account(account)
    assert read == {account: file_digest(account)}
