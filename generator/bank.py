"""The question bank: the built-in meeting kits, and a project's changes to them.

The bank is data (`generator/questions.yaml`): wordings shared by every
meeting, and one kit per account status. A project's `content/questions.yaml`
adds to it or replaces parts of it, and is validated like every other file.
The shape of those changes is made from `QuestionBank` itself, so the bank is
described once.
"""

from __future__ import annotations

import string
import typing
from pathlib import Path

from pydantic import BaseModel, Field, create_model

from generator import paths
from generator.load import YamlData, field_label, load_yaml_file
from generator.problems import Problem, ProblemLog, did_you_mean
from generator.schema import Config, QuestionBank, Schema
from generator.validate import validate_model

BUILTIN_BANK = Path(__file__).resolve().parent / "questions.yaml"
PROJECT_BANK = paths.QUESTIONS

# The placeholders each part's wordings may use; any other is an error. They are
# filled with short facts (a month, a name), never with an account's notes.
PLACEHOLDERS: dict[str, frozenset[str]] = {
    "opening": frozenset({"tenure"}),
    "open_complaint": frozenset({"month"}),
    "commitments_kept": frozenset({"won_back"}),
    "competitor": frozenset({"competitor"}),
    "decision_owner": frozenset({"person"}),
    "listen_only_ask": frozenset({"after"}),
}


def _submodel(annotation: typing.Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return None


def _additions(model: type[BaseModel]) -> type[BaseModel]:
    """The model's lists and mappings, each optional: what a project may add to."""
    fields: dict[str, typing.Any] = {}
    for name, info in model.model_fields.items():
        inner = _submodel(info.annotation)
        origin = typing.get_origin(info.annotation)
        if inner is not None:
            part = _additions(inner)
            fields[name] = (part, Field(default=part(), alias=info.alias))
        elif origin in (list, dict):
            fields[name] = (info.annotation, Field(default=origin(), alias=info.alias))
    return create_model(f"{model.__name__}Additions", __base__=Schema, **fields)


def _replacements(model: type[BaseModel]) -> type[BaseModel]:
    """Every part of the model, each optional: what a project may replace."""
    fields: dict[str, typing.Any] = {}
    for name, info in model.model_fields.items():
        inner = _submodel(info.annotation)
        if inner is not None:
            part = _replacements(inner)
            fields[name] = (part, Field(default=part(), alias=info.alias))
        else:
            fields[name] = (info.annotation | None, Field(default=None, alias=info.alias))
    return create_model(f"{model.__name__}Replacements", __base__=Schema, **fields)


BankChanges = create_model(
    "BankChanges", __base__=Schema,
    add=(_additions(QuestionBank), Field(default=None)),
    replace=(_replacements(QuestionBank), Field(default=None)),
)


# --- loading ------------------------------------------------------------------


def load_bank(root: Path, config: Config) -> tuple[QuestionBank | None, list[Problem]]:
    """The built-in bank with the project's changes applied."""
    problems: list[Problem] = []
    bank = _read(BUILTIN_BANK, QuestionBank, config, problems)
    changes_path = root / PROJECT_BANK
    if bank is not None and changes_path.exists():
        changes = _read(changes_path, BankChanges, config, problems)
        if changes is not None:
            bank = merge(bank, changes)
    if bank is not None:
        _check_agenda(bank, changes_path if changes_path.exists() else BUILTIN_BANK, problems)
    return (bank if not any(p.is_error for p in problems) else None), problems


def _read(path: Path, model, config: Config, problems: list[Problem]):
    doc, log = load_yaml_file(path)
    result = validate_model(model, doc, log) if doc is not None else None
    if result is not None and doc is not None:
        _check_placeholders(doc, log)
        _check_reasons(doc, log, config)
    problems.extend(log.problems)
    return result if not log.has_errors else None


def merge(bank: QuestionBank, changes) -> QuestionBank:
    data = bank.model_dump(by_alias=True)
    if changes.add is not None:
        _add(data, changes.add.model_dump(by_alias=True))
    if changes.replace is not None:
        _replace(data, changes.replace.model_dump(by_alias=True, exclude_none=True))
    return QuestionBank.model_validate(data)


def _add(target: dict, added: dict) -> None:
    for key, value in added.items():
        if isinstance(value, dict):
            _add(target.setdefault(key, {}), value)
        elif isinstance(value, list):
            target[key] = [*target.get(key, []), *value]


def _replace(target: dict, replaced: dict) -> None:
    for key, value in replaced.items():
        if isinstance(value, dict) and isinstance(target.get(key), dict):
            _replace(target[key], value)
        else:
            target[key] = value


# --- checks ---------------------------------------------------------------------


def _strings(data, path=()):
    if isinstance(data, str):
        yield path, data
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from _strings(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _strings(value, (*path, index))


def _check_placeholders(doc: YamlData, log: ProblemLog) -> None:
    for path, text in _strings(doc.data):
        named = [part for part in path if isinstance(part, str)]
        allowed = next((PLACEHOLDERS[k] for k in reversed(named) if k in PLACEHOLDERS),
                       frozenset())
        problem = _placeholder_problem(text, allowed)
        if problem:
            where = doc.position(path)
            log.error(where.line, where.column, field_label(tuple(path)), *problem)


def _placeholder_problem(text: str, allowed: frozenset[str]) -> tuple[str, str] | None:
    """What is wrong with the braces of one wording, and the fix; None if nothing."""
    try:
        fields = [(name, spec, conversion)
                  for _, name, spec, conversion in string.Formatter().parse(text)
                  if name is not None]
    except ValueError as exc:
        return f"braces do not match: {exc}", "write {{ and }} for literal braces"
    for name, spec, conversion in fields:
        shown = "{" + name + "}"
        if name not in allowed:
            hint = (f"allowed here: {', '.join('{' + a + '}' for a in sorted(allowed))}"
                    if allowed else "no placeholders are filled in here; write {{ and }} for braces")
            return f"unknown placeholder {{{name}}}", did_you_mean(name, sorted(allowed)) or hint
        if spec or conversion:
            return (f"placeholder {shown} has a format ('{spec or '!' + conversion}')",
                    f"write just {shown}: it is filled in as plain words")
    return None


def fill(text: str, **values: str) -> str:
    """A wording with its placeholders filled in. Checked wordings only; formats and
    attribute lookups are never applied, whatever the text says."""
    parts = []
    for literal, name, _spec, _conversion in string.Formatter().parse(text):
        parts.append(literal)
        if name is not None:
            parts.append(values.get(name, ""))
    return "".join(parts)


def _check_reasons(doc: YamlData, log: ProblemLog, config: Config) -> None:
    """Loss reasons named in the bank, as keys of `by_reason` or in a question's `reasons`,
    must be the project's."""
    known = config.reason_labels()
    named = [((*path, reason), True) for path, reasons in _mappings_named("by_reason", doc.data)
             for reason in reasons]
    named += [((*path, index), False) for path, reasons in _values_named("reasons", doc.data)
              if isinstance(reasons, list) for index in range(len(reasons))]
    for place, is_key in named:
        reason = place[-1] if is_key else _at(doc.data, place)
        if isinstance(reason, str) and reason not in known:
            where = doc.position(place, prefer_key=is_key)
            log.error(where.line, where.column, field_label(place),
                      f"'{reason}' is not a known loss reason",
                      did_you_mean(str(reason), sorted(known)) or
                      "add it under loss_reasons: in winback.yaml")


def _values_named(name: str, data, path=()):
    if isinstance(data, dict):
        for key, value in data.items():
            if key == name:
                yield (*path, key), value
            else:
                yield from _values_named(name, value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _values_named(name, value, (*path, index))


def _at(data, path):
    for part in path:
        data = data[part]
    return data


def _mappings_named(name: str, data, path=()):
    if isinstance(data, dict):
        for key, value in data.items():
            if key == name and isinstance(value, dict):
                yield (*path, key), value
            else:
                yield from _mappings_named(name, value, (*path, key))


def _check_agenda(bank: QuestionBank, path: Path, problems: list[Problem]) -> None:
    agenda = bank.agenda
    fixed = agenda.opening + agenda.summary + agenda.ask
    if fixed >= agenda.meeting_minutes:
        problems.append(Problem(path, 0, 0, "agenda",
                                f"opening, summary and ask take {fixed} of "
                                f"{agenda.meeting_minutes} minutes, leaving none for questions",
                                "lengthen meeting_minutes or shorten the other parts"))
