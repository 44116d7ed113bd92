"""The project: where its files are, its validated config and question bank."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import generator
from generator.load import load_yaml_file
from generator.problems import Problem
from generator.schema import Config, QuestionBank
from generator.validate import validate_model

CONFIG_NAME = "winback.yaml"
PACKAGE_DIR = Path(generator.__file__).resolve().parent


def builtin_theme() -> Path:
    """The default theme: inside the installed package, or at the source root.

    The wheel carries a copy of the repository's `templates/`; a source
    checkout (editable install, tests) uses the folder itself.
    """
    packaged = PACKAGE_DIR / "templates"
    return packaged if packaged.is_dir() else PACKAGE_DIR.parent / "templates"


@dataclass
class Project:
    root: Path
    config: Config
    bank: QuestionBank
    output_dir: Path
    problems: list[Problem] = field(default_factory=list)

    @property
    def accounts_dir(self) -> Path:
        return self.root / "content" / "accounts"

    @property
    def templates_dir(self) -> Path:
        return self.root / "templates"

    @property
    def ok(self) -> bool:
        return not any(p.is_error for p in self.problems)

    def account_files(self) -> list[Path]:
        if not self.accounts_dir.is_dir():
            return []
        return sorted(p for p in self.accounts_dir.iterdir() if p.suffix == ".md")


def open_project(root: Path, output: Path | None = None) -> Project:
    """Read winback.yaml (optional) and the question bank; collect their problems."""
    root = root.resolve()
    problems: list[Problem] = []
    config = _load(root / CONFIG_NAME, Config, problems, optional=True) or Config()
    bank = _load(PACKAGE_DIR / "questions.yaml", QuestionBank, problems, optional=False)
    out = output if output is not None else root / config.output_dir
    return Project(root, config, bank or _EMPTY_BANK, out.resolve(), problems)


def _load(path: Path, model, problems: list[Problem], *, optional: bool):
    if optional and not path.exists():
        return None
    doc, _text, log = load_yaml_file(path)
    result = validate_model(model, doc, log) if doc is not None else None
    problems.extend(log.problems)
    return result if not log.has_errors else None


_EMPTY_BANK = QuestionBank(opening=[], hard_questions=[], listening_rules=[], never=[],
                           closing=[], the_ask=[])

