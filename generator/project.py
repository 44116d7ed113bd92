"""The project: where its files are, its validated config and question bank."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import generator
from generator import paths
from generator.bank import load_bank
from generator.load import is_account_name, load_yaml_file
from generator.problems import Problem
from generator.schema import Config, QuestionBank
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
        if (folder / CONFIG_NAME).is_file() or (folder / paths.ACCOUNTS).is_dir():
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

    @property
    def accounts_dir(self) -> Path:
        return self.root / paths.ACCOUNTS

    @property
    def templates_dir(self) -> Path:
        return self.root / paths.TEMPLATES

    @property
    def ok(self) -> bool:
        return not any(p.is_error for p in self.problems)

    def account_files(self) -> list[Path]:
        if not self.accounts_dir.is_dir() or _links_out(self.accounts_dir, self.root):
            return []
        return sorted(p for p in self.accounts_dir.iterdir() if is_account_name(p))


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
    return Project(root, config, bank, out.expanduser().resolve(), problems)


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

