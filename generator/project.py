"""The project: where its files are, its validated config and question bank."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import generator
from generator import paths
from generator.bank import load_bank
from generator.load import SLUG, load_yaml_file, suggest_slug
from generator.outputs import account_outputs, output_suffixes
from generator.problems import Problem, Severity
from generator.schema import Config, QuestionBank
from generator.text import plural
from generator.validate import validate_model

CONFIG_NAME = paths.CONFIG
PACKAGE_DIR = Path(generator.__file__).resolve().parent


def builtin_theme() -> Path:
    """The default theme: inside the installed package, or at the source root.

    The wheel carries a copy of the repository's `templates/`; a source
    checkout (editable install, tests) uses the folder itself.
    """
    packaged = PACKAGE_DIR / "templates"
    return packaged if packaged.is_dir() else PACKAGE_DIR.parent / "templates"


def find_root(start: Path) -> Path | None:
    """The project that holds `start`, as git finds its repository: the nearest folder,
    `start` itself or one above it, with a winback.yaml or a content/accounts/ folder."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if paths.holds_project(folder):
            return folder
    return None


def builtin_docs() -> Path:
    """The reference docs, which travel with the package like the theme."""
    packaged = PACKAGE_DIR / "docs"
    return packaged if packaged.is_dir() else PACKAGE_DIR.parent / "docs"


@dataclass
class Project:
    root: Path
    config: Config
    bank: QuestionBank | None  # None when the question bank has errors (the build stops)
    output_dir: Path
    problems: list[Problem] = field(default_factory=list)
    output_link: Path | None = None  # a symbolic link on the way to the output folder

    @property
    def accounts_dir(self) -> Path:
        return self.root / paths.ACCOUNTS

    @property
    def templates_dir(self) -> Path:
        return self.root / paths.TEMPLATES

    @property
    def ok(self) -> bool:
        return not any(p.is_error for p in self.problems)

    def missing_accounts(self) -> Problem | None:
        """An error when content/accounts/ is not there (moved, an unmounted share, a sparse
        checkout): building then would take every page for a deleted account's."""
        if self.accounts_dir.is_dir():
            return None
        return Problem(self.accounts_dir, 0, 0, "", "the accounts folder is missing",
                       "restore it with `git checkout -- content/accounts`, or run winback in "
                       "the project's folder or with -C; nothing was built or removed")

    def account_files(self) -> list[Path]:
        return self.scan_accounts().accounts

    def scan_accounts(self) -> AccountFolder:
        if not self.accounts_dir.is_dir() or _links_out(self.accounts_dir, self.root):
            return AccountFolder([], [])
        return scan_accounts(self.accounts_dir)


@dataclass(frozen=True)
class NotBuilt:
    """A file under content/accounts/ that is not built, and why: an error when it is an
    account someone wrote (it then counts as an account that failed), else a warning."""

    name: str  # its path from content/accounts/ without '.md': where a slug would name it
    problem: Problem

    @property
    def slug(self) -> str:
        """The slug it would have: 'x' for x.markdown, west/x.md and x.MD."""
        return self.name.rsplit("/", 1)[-1].split(".", 1)[0]


@dataclass(frozen=True)
class AccountFolder:
    """What content/accounts/ holds: the account files to build, and every other file.

    One rule for every command: the accounts are the files directly in the folder whose
    name ends in '.md'. A Markdown or text file named otherwise, or kept in a subfolder,
    is an error; any other file a warning; a name starting with '.' (.gitkeep, an editor's
    swap file) is not looked at. An account whose pages would be written where another's
    are (`x-letters.md` beside `x.md`) is an error too, and the shorter name keeps its pages.
    """

    accounts: list[Path]
    not_built: list[NotBuilt]

    def verdict(self, path: Path) -> NotBuilt | None:
        """Why this file (or a file in this folder) is not built, if it is not."""
        return next((n for n in self.not_built if n.problem.path == path), None)


# Suffixes of Markdown and text files: such a file in content/accounts/ is an account that
# someone wrote, which must not go unbuilt with a warning that scrolls past.
TEXT_SUFFIXES = {"", ".md", ".markdown", ".mdown", ".mkd", ".mkdn", ".mdwn", ".mdtext", ".mdtxt",
                 ".txt", ".text"}
NOT_AN_ACCOUNT_HINT = ("only .md files are accounts: keep other files outside content/accounts/; "
                       "images go in assets/")


def scan_accounts(folder: Path) -> AccountFolder:
    accounts: list[Path] = []
    not_built: list[NotBuilt] = []
    for entry in sorted(folder.iterdir()):
        if entry.name.startswith("."):
            continue
        if entry.suffix == ".md":  # a pipe or a folder so named too: loading says what it is
            accounts.append(entry)
        elif entry.is_dir() and not entry.is_symlink():
            not_built.extend(_in_subfolder(folder, entry))
        else:
            not_built.append(_misnamed(folder, entry))
    accounts, clashes = _without_clashes(accounts)
    return AccountFolder(accounts, sorted([*not_built, *clashes], key=lambda n: n.problem.path))


def _name(folder: Path, path: Path) -> str:
    name = path.relative_to(folder).as_posix()
    return name[:-3] if name.endswith(".md") else name


def _misnamed(folder: Path, path: Path) -> NotBuilt:
    if path.is_dir():
        problem = Problem(path, 0, 0, "", "a link to a folder is not read",
                          "keep account files directly in content/accounts/",
                          Severity.WARNING)
    elif path.suffix.lower() in TEXT_SUFFIXES:
        problem = Problem(path, 0, 0, "", f"file name '{path.name}' does not end in '.md'",
                          _move_hint(folder, path, "rename it to"))
    else:
        problem = Problem(path, 0, 0, "", f"'{path.name}' is not an account file, so it is "
                          "not read", NOT_AN_ACCOUNT_HINT, Severity.WARNING)
    return NotBuilt(_name(folder, path), problem)


def _in_subfolder(folder: Path, subfolder: Path) -> list[NotBuilt]:
    """An error at each Markdown or text file anywhere in the subfolder, and one warning
    for the other files it holds."""
    found: list[NotBuilt] = []
    others = 0
    for top, folders, files in os.walk(subfolder):
        folders[:] = sorted(name for name in folders if not name.startswith("."))
        for name in sorted(files):
            path = Path(top, name)
            if name.startswith("."):
                continue
            if path.suffix.lower() not in TEXT_SUFFIXES:
                others += 1
                continue
            found.append(NotBuilt(_name(folder, path), Problem(
                path, 0, 0, "", "accounts in subfolders of content/accounts/ are not read",
                _move_hint(folder, path, "move it to content/accounts/ as"))))
    if others:
        found.append(NotBuilt(_name(folder, subfolder), Problem(
            subfolder, 0, 0, "", f"{plural(others, 'file')} in this folder "
            f"{'is' if others == 1 else 'are'} not read", NOT_AN_ACCOUNT_HINT,
            Severity.WARNING)))
    return found


def _move_hint(folder: Path, path: Path, how: str) -> str:
    wanted = f"{suggest_slug(path.stem) or 'account'}.md"
    if (folder / wanted).exists():
        return (f"content/accounts/{wanted} exists already: merge this file into it, then "
                "delete this one")
    return f"{how} '{wanted}'"


def _without_clashes(accounts: list[Path]) -> tuple[list[Path], list[NotBuilt]]:
    """The accounts whose outputs no other account's meet, and an error at each of the
    others. Shorter names are taken first: `x` keeps its pages, `x-letters` is refused."""
    claimed: dict[str, Path] = {}
    kept: list[Path] = []
    refused: list[NotBuilt] = []
    for path in sorted(accounts, key=lambda p: (len(p.stem), p.stem)):
        if not SLUG.match(path.stem):  # never built under its name: loading reports it
            kept.append(path)
            continue
        outputs = account_outputs(path.stem)
        taken = next((output for output in outputs if output in claimed), None)
        if taken is None:
            claimed.update(dict.fromkeys(outputs, path))
            kept.append(path)
            continue
        other = claimed[taken].name
        endings = " or ".join(f"'{suffix}'" for suffix in output_suffixes())
        refused.append(NotBuilt(path.stem, Problem(
            path, 0, 0, "", f"its pages would be written where '{other}' writes its own "
            f"({taken})", f"rename one of the two files: no account's name may be another's "
            f"followed by {endings}")))
    return sorted(kept), refused


def open_project(root: Path, output: Path | None = None) -> Project:
    """Read winback.yaml (optional) and the question bank with the project's changes
    (content/questions.yaml, optional); collect their problems."""
    root = root.resolve()
    problems: list[Problem] = []
    config = _load_config(root / CONFIG_NAME, problems)
    bank, bank_problems = load_bank(root, config)
    problems.extend(bank_problems)
    accounts = root / paths.ACCOUNTS
    if _links_out(accounts, root):
        problems.append(Problem(accounts, 0, 0, "", f"the accounts folder links to "
                                f"{accounts.resolve()}, outside the project",
                                "keep the account files inside the project"))
    # '~' is a home folder, as a shell would read it, never a folder named '~'.
    out = output if output is not None else root / Path(config.output_dir).expanduser()
    out = Path(os.path.abspath(out.expanduser()))
    return Project(root, config, bank, out.resolve(), problems, first_link(out, root))


def first_link(path: Path, root: Path) -> Path | None:
    """The first symbolic link on the way from the project to `path` (or `path` itself
    when it lies outside the project), if there is one. The layout of the machine above
    the project is not ours to judge; a link the project holds may have come in a commit."""
    if not path.is_relative_to(root):
        return path if path.is_symlink() else None
    parts = path.relative_to(root).parts
    on_the_way = (root.joinpath(*parts[:depth]) for depth in range(1, len(parts) + 1))
    return next((step for step in on_the_way if step.is_symlink()), None)


def folder_link_problem(project: Project) -> Problem | None:
    """The output folder and the build state must be folders of their own: through a link
    (which a pull request can commit) a build would write client data wherever it leads,
    and load the state kept there."""
    state = project.root / paths.CACHE
    for link, what in ((project.output_link, "the output folder"),
                       (state if state.is_symlink() else None, "the build state folder")):
        if link is not None:
            return Problem(link, 0, 0, "", f"{what} is reached through a symbolic link "
                           f"({link} -> {os.readlink(link)}); winback does not build through "
                           "links", f"remove the link (rm {link}); the build makes a folder of "
                           "its own there")
    return None


def _links_out(folder: Path, root: Path) -> bool:
    """The folder (or content/ above it) is a link that leads out of the project."""
    return folder.exists() and not folder.resolve().is_relative_to(root)


def _load_config(path: Path, problems: list[Problem]) -> Config:
    if not path.exists():
        return Config()
    doc, log = load_yaml_file(path)
    config = validate_model(Config, doc, log) if doc is not None else None
    problems.extend(log.problems)
    return config if config is not None and not log.has_errors else Config()

