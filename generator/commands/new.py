"""`winback init` and `winback new`: start a dossier repository, add an account."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from pathlib import Path

import jinja2

from generator.load import suggest_slug
from generator.project import CONFIG_NAME, PACKAGE_DIR
from generator.schema import MAX_NAME

SCAFFOLD = PACKAGE_DIR / "scaffold"
ARCHETYPE = Path("archetypes") / "account.md"  # a project's own copy overrides the built-in one
INIT_FILES = {  # target in the new project -> file in generator/scaffold/
    CONFIG_NAME: "winback.yaml",
    ".gitignore": "gitignore",
    ".pre-commit-config.yaml": "pre-commit-config.yaml",
    "README.md": "README.md",
    "content/accounts/northwind-freight.md": "example-account.md",
}
PLAIN_YAML = re.compile(r"^[A-Za-z0-9][\w .,&'()/+-]*$")


class Refused(Exception):
    """Nothing was written; the message says why."""


@dataclass(frozen=True)
class Created:
    paths: tuple[Path, ...]


def init(directory: Path) -> Created:
    """A new dossier repository; refuses, writing nothing, if any file exists."""
    targets = {directory / name: SCAFFOLD / source for name, source in INIT_FILES.items()}
    existing = sorted(str(path) for path in targets if path.exists())
    if existing:
        raise Refused("would overwrite " + ", ".join(existing) +
                      "; move them away or choose an empty folder")
    for target, source in targets.items():
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(source.read_bytes())
    return Created(tuple(sorted(targets)))


def new_account(root: Path, name: str, status: str, owner: str, today: dt.date) -> Path:
    """content/accounts/<slug>.md from the archetype; refuses to overwrite."""
    name = name.strip()
    if len(name) > MAX_NAME:
        raise Refused(f"the name is {len(name)} characters long; the limit is {MAX_NAME}")
    slug = suggest_slug(name)
    if not slug:
        raise Refused(f"'{name}' has no Latin letters or digits to make a file name from; "
                      "add some, e.g. a transliteration")
    target = root / "content" / "accounts" / f"{slug}.md"
    if target.exists():
        raise Refused(f"{target} already exists; edit it, or give the new account another name")
    archetype = root / ARCHETYPE
    source = archetype if archetype.is_file() else SCAFFOLD / "account.md"
    env = jinja2.Environment(undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    env.filters["yaml"] = _yaml_text
    text = env.from_string(source.read_text(encoding="utf-8")).render(
        name=_yaml_text(name), status=status, owner=_yaml_text(owner) if owner else '""',
        today=today.isoformat(), slug=slug)
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("x", encoding="utf-8") as handle:  # "x": never replace a file
        handle.write(text)
    return target


def _yaml_text(value: str) -> str:
    """Plain when YAML reads it back as the same text, else double-quoted."""
    if PLAIN_YAML.match(value) and value.lower() not in {"yes", "no", "true", "false", "on",
                                                         "off", "null", "y", "n"}:
        return value
    return json.dumps(value, ensure_ascii=False)
