"""Words for counts and lists, shared by the command line and the templates.

Kept apart from `generator.render` so that a command that prints a count does not
load Jinja2, Markdown and the sanitiser to do it.
"""

from __future__ import annotations

import json
import re
import unicodedata

import yaml


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """'1 dossier', '2,000 dossiers', '3 essential fixes' (with the plural given)."""
    word = singular if count == 1 else (plural_form or singular + "s")
    return f"{count:,} {word}"


def joined(items: list[str], conjunction: str = "and") -> str:
    """'a', 'a and b', 'a, b and c' (or 'a, b or c')."""
    if len(items) == 1:
        return items[0]
    return f"{', '.join(items[:-1])} {conjunction} {items[-1]}"


NUMBER_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
                "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen",
                "seventeen", "eighteen", "nineteen", "twenty")


def number_words(count: int) -> str:
    """'thirteen', or digits past twenty: '1,204'."""
    return NUMBER_WORDS[count] if 0 <= count < len(NUMBER_WORDS) else f"{count:,}"


def months_in_words(months: int, the: bool = False) -> str:
    """A length of time as a letter would say it: 'a month', 'ten months', 'a year',
    'thirteen months', 'two years'; with `the`: 'the month', 'the thirteen months'.
    Months up to two years, so that fourteen months never reads as 'a year'."""
    if months <= 0:
        return "the past few weeks" if the else "a few weeks"
    if months == 12:
        count, unit = 1, "year"
    elif months < 24:
        count, unit = months, "month"
    else:
        count, unit = months // 12, "year"
    if count == 1:
        return f"the {unit}" if the else f"a {unit}"
    words = f"{number_words(count)} {unit}s"
    return f"the {words}" if the else words


# How a promise reaches them, as a sentence says it: 'by email', 'in person'.
CHANNEL_WORDS = {"email": "by email", "phone": "by phone", "video": "by video call",
                 "in-person": "in person", "letter": "by letter", "other": ""}


def channel_words(channel: str) -> str:
    return CHANNEL_WORDS.get(channel, "")


TITLES = {"dr", "dr.", "mr", "mr.", "mrs", "mrs.", "ms", "ms.", "prof", "prof.", "sir", "dame"}


def first_name(name: str) -> str:
    """The name to greet someone by; a titled name is kept whole ('Dr Ana Ruiz')."""
    first = name.split(" ", 1)[0]
    return name if first.lower() in TITLES else first


# Words that start a sentence and may start a clause in lower case; any other first
# word (a name, a product) keeps its capital.
COMMON_FIRST = {"the", "a", "an", "we", "you", "your", "our", "their", "his", "her", "it",
                "its", "this", "that", "these", "those", "there", "nobody", "no", "nothing",
                "one", "two", "three", "after", "before", "since", "when", "if", "every",
                "each", "all", "most", "some", "any", "once", "only", "even", "what", "how",
                "why"}


def clause(text: str) -> str:
    """A sentence as it reads inside another: 'The backorders forced you' -> 'the
    backorders forced you', while 'Ridgeline offered' keeps its capital."""
    first = text.split(" ", 1)[0]
    return text[0].lower() + text[1:] if first.lower() in COMMON_FIRST else text


def display_width(text: str) -> int:
    """How many cells a terminal gives the text: two for a wide (East Asian) character,
    none for a combining mark."""
    return sum(0 if unicodedata.combining(ch) else
               2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def pad(text: str, width: int, right: bool = False) -> str:
    """The text filled with spaces to `width` cells, on the left when `right`."""
    fill = " " * max(width - display_width(text), 0)
    return fill + text if right else text + fill


# Characters that change how a name is stored but not how it reads: format characters
# (zero-width space and joiners, soft hyphen, byte-order mark) and accents (the combining
# marks that Latin, Greek and Cyrillic letters take apart from themselves).
ACCENTS = range(0x0300, 0x0370)


def name_key(name: str) -> str:
    """One key for the ways one name gets written: 'Sam Ortíz', 'sam ortiz', 'Sam  Ortiz'
    and 'Sam\\u00a0Ortiz' are the same person."""
    apart = unicodedata.normalize("NFKD", name)  # a no-break space is a space, é is e + ´
    kept = "".join(char for char in apart if ord(char) not in ACCENTS
                   and unicodedata.category(char) != "Cf")
    return " ".join(kept.casefold().split())


def tidy_name(name: str) -> str:
    """A name as it should be written: its spaces single and plain, nothing invisible."""
    kept = "".join(char for char in name if unicodedata.category(char) != "Cf")
    return " ".join(unicodedata.normalize("NFC", kept).split())


def how_names_differ(written: str, shown: str) -> str:
    """What tells a spelling of a name from the one shown, in words: 'case', 'accents',
    'spacing', 'a special space', 'an invisible character', or some of them."""
    found = []
    if any(unicodedata.category(char) == "Cf" for char in written):
        found.append("an invisible character")
    if any(char.isspace() and char != " " for char in written):
        found.append("a special space")
    elif " ".join(written.split()) != written:
        found.append("spacing")
    plain = tidy_name(written)
    if plain.casefold() != shown.casefold():
        found.append("accents")
    elif plain != shown:
        found.append("case")
    return joined(found) if found else "spelling"


# What YAML reads back as the same text without quotes.
PLAIN_YAML = re.compile(r"^[A-Za-z0-9][\w .,&'()/+@-]*$")


def yaml_text(value: str) -> str:
    """Plain when YAML reads it back as the same text (not 'yes', '1.5' or '2026-01-02'),
    else double-quoted."""
    if PLAIN_YAML.match(value) and yaml.safe_load(value) == value:
        return value
    return json.dumps(value, ensure_ascii=False)


def aligned(rows: list[tuple], right: set[int] = frozenset()) -> str:
    """Rows as columns, each as wide as its widest cell as a terminal shows it (a Chinese
    or Japanese character takes two cells), a rule under the first row."""
    widths = [max(display_width(str(cell)) for cell in column)
              for column in zip(*rows, strict=True)]

    def line(cells) -> str:
        return "  ".join(pad(str(c), w, right=i in right)
                         for i, (c, w) in enumerate(zip(cells, widths, strict=True))).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(rows[0]), rule, *(line(cells) for cells in rows[1:])])
