"""`winback init` and `winback new`: start a dossier repository, add an account."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import jinja2

from generator import paths
from generator.load import SLUG, suggest_slug
from generator.project import CONFIG_NAME, PACKAGE_DIR
from generator.schema import MAX_NAME
from generator.statuses import REGISTRY
from generator.text import yaml_text

SCAFFOLD = PACKAGE_DIR / "scaffold"
ARCHETYPE = Path("archetypes") / "account.md"  # a project's own copy overrides the built-in one
INIT_FILES = {  # target in the new project -> file in generator/scaffold/
    CONFIG_NAME: "winback.yaml",
    ".gitignore": "gitignore",
    ".pre-commit-config.yaml": "pre-commit-config.yaml",
    "README.md": "README.md",
    "content/accounts/example-northwind-freight.md": "example-account.md",
}
EXAMPLE = "content/accounts/example-northwind-freight.md"


class Refused(Exception):
    """Nothing was written; the message says why."""


@dataclass(frozen=True)
class Created:
    paths: tuple[Path, ...]
    example: Path
    git: str  # what happened about version control, in a sentence


def init(directory: Path, today: dt.date) -> Created:
    """A new dossier repository; refuses, writing nothing, if any file exists. The folder
    becomes a git repository, so that dossiers show their history and the pre-commit
    hook can run. The example account's dates are set from `today`, so that it never
    shows a meeting long past or promises long overdue."""
    targets = {directory / name: SCAFFOLD / source for name, source in INIT_FILES.items()}
    existing = sorted(str(path) for path in targets if path.exists())
    if existing:
        raise Refused("would overwrite " + ", ".join(existing) +
                      "; move them away or choose an empty folder")
    for target, source in targets.items():
        target.parent.mkdir(parents=True, exist_ok=True)
        if target == directory / EXAMPLE:
            target.write_text(_dated(source.read_text(encoding="utf-8"), today),
                              encoding="utf-8")
        else:
            target.write_bytes(source.read_bytes())
    return Created(tuple(sorted(targets)), directory / EXAMPLE, _git_init(directory))


def _dated(template: str, today: dt.date) -> str:
    """The example with its dates counted from today: `day(-60)` is sixty days ago,
    `working_day(7)` a week on, moved off a weekend."""
    def day(offset: int) -> str:
        return (today + dt.timedelta(days=offset)).isoformat()

    def working_day(offset: int) -> str:
        date = today + dt.timedelta(days=offset)
        while date.weekday() >= 5:
            date += dt.timedelta(days=1)
        return date.isoformat()

    env = jinja2.Environment(undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    return env.from_string(template).render(day=day, working_day=working_day)


def _git_init(directory: Path) -> str:
    if shutil.which("git") is None:
        return ("git is not installed: install it and run `git init` here, so that each "
                "dossier shows its file's history and the pre-commit hook can run")
    inside = subprocess.run(["git", "-C", str(directory), "rev-parse", "--show-toplevel"],
                            capture_output=True, text=True)
    if inside.returncode == 0:
        return f"already in the git repository at {inside.stdout.strip()}"
    done = subprocess.run(["git", "init", "-q", str(directory)], capture_output=True, text=True)
    if done.returncode != 0:
        return f"git init failed: {done.stderr.strip()}; run it yourself"
    return "started a git repository (git init)"


def new_account(root: Path, name: str, status: str, owner: str, today: dt.date,
                slug: str = "") -> Path:
    """content/accounts/<slug>.md from the archetype; refuses to overwrite. The slug is
    made from the name unless given."""
    name = name.strip()
    if len(name) > MAX_NAME:
        raise Refused(f"the name is {len(name)} characters long; the limit is {MAX_NAME}")
    if slug and not SLUG.match(slug):
        raise Refused(f"--slug '{slug}' is not a file name winback accepts: use lowercase "
                      "letters, digits and single hyphens, e.g. "
                      f"'{suggest_slug(slug) or 'tokyo-shoji'}'")
    slug = slug or suggest_slug(name)
    if not slug:
        raise Refused(f"'{name}' has no Latin letters or digits to make a file name from; "
                      "choose one with --slug, e.g. --slug tokyo-shoji")
    target = paths.account_file(root, slug)
    if target.exists():
        raise Refused(f"{target} already exists; edit it, or give the new account another name")
    archetype = root / ARCHETYPE
    source = archetype if archetype.is_file() else SCAFFOLD / "account.md"
    env = jinja2.Environment(undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    env.filters["yaml"] = yaml_text
    text = env.from_string(source.read_text(encoding="utf-8")).render(
        name=yaml_text(name), status=status, owner=yaml_text(owner) if owner else '""',
        today=today.isoformat(), slug=slug, statuses=REGISTRY)
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("x", encoding="utf-8") as handle:  # "x": never replace a file
        handle.write(text)
    return target
