"""Which account file each CRM account goes to, and the records that go with it.

An account goes to the project's file that carries its CRM id (`crm:`), else to the one
file of its name that carries none (a file a person wrote before the first import), else
to a new file named from it (`suggest_slug`, as `winback new` names one). A row of a
related file (a contact, a case...) goes to its account in this run, else to the project's
file of that name (or id). What cannot be told apart is a problem, never a guess.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from generator import paths
from generator.importer import KINDS
from generator.importer.merge import Bundle
from generator.importer.records import CrmAccount, Records, Ref, normal, one_line
from generator.importer.rules import Rules
from generator.load import RawAccount, load_account, suggest_slug
from generator.problems import Problem, Severity, did_you_mean


@dataclass
class Target:
    """One account file to make or add to, and what this run read for it."""

    path: Path
    existing: tuple[str, RawAccount] | None  # the file's text as read, when it has one
    bundle: Bundle



@dataclass
class Files:
    """The project's account files, by the CRM id each carries and by name."""

    root: Path
    texts: dict[Path, tuple[str, RawAccount]] = field(default_factory=dict)
    by_crm: dict[str, Path] = field(default_factory=dict)
    by_name: dict[str, list[Path]] = field(default_factory=lambda: defaultdict(list))
    slugs: set[str] = field(default_factory=set)

    @classmethod
    def of(cls, root: Path, account_files: list[Path]) -> Files:
        files = cls(root)
        for path in account_files:
            files.slugs.add(path.stem)
            raw, _log = load_account(path)
            if raw is None or not isinstance(raw.front.data, dict):
                continue  # unreadable: `winback check` says why; never written to
            files.texts[path] = (path.read_bytes().decode("utf-8"), raw)
            data = raw.front.data
            if data.get("example") is True:
                continue  # `winback init`'s example is no client of the CRM's
            if data.get("crm"):
                files.by_crm[str(data["crm"])] = path
            if isinstance(data.get("name"), str):
                files.by_name[normal(data["name"])].append(path)
        return files

    def find(self, crm_id: str, name: str) -> list[Path]:
        """The files a CRM account may go to: the one with its id, else those of its name
        that carry no id (one is the account's file; more cannot be told apart)."""
        if crm_id and crm_id in self.by_crm:
            return [self.by_crm[crm_id]]
        return [p for p in self.by_name.get(normal(name), [])
                if not self.texts[p][1].front.data.get("crm")]

    def named(self, key: str, match: str) -> list[Path]:
        """The files a related row may name, when this run has no accounts row for it."""
        if match == "id":
            return [self.by_crm[key]] if key in self.by_crm else []
        return self.by_name.get(key, [])

    def new_slug(self, account: CrmAccount) -> str:
        base = (suggest_slug(account.name) or
                f"account-{suggest_slug(account.id) or account.line}")
        slug, number = base, 1
        while slug in self.slugs:
            number += 1
            slug = f"{base}-{number}"
        self.slugs.add(slug)
        return slug


def find_targets(root: Path, account_files: list[Path], records: Records, rules: Rules,
                 problems: list[Problem]) -> list[Target]:
    """Each account file to make or add to, with the records that go into it."""
    files = Files.of(root, account_files)
    targets: dict[Path, Target] = {}
    by_ref: dict[str, list[CrmAccount]] = defaultdict(list)
    for account in records.accounts:
        by_ref[account.id if rules.match == "id" else normal(account.name)].append(account)
    left_out = set(records.broken)
    shown = {normal(cell.text): (path, cell) for path, cell in reversed(records.broken.values())}
    for path, cell in shown.values():
        problems.append(Problem(
            path, cell.line, cell.column, "", f"'{one_line(cell.text)}' is left out of this "
            "import until its rows can be read: its status depends on them",
            "fix the problems of its rows, then import again", Severity.WARNING))
    for account in records.accounts:
        key = account.id if rules.match == "id" else normal(account.name)
        if key in left_out:
            continue
        found = files.find(account.id, account.name)
        if len(found) > 1:
            _several(account.path, account.name_cell, "", account.name, found, root,
                     problems)
            left_out.add(key)
            continue
        path = found[0] if found else paths.account_file(root, files.new_slug(account))
        if path in targets and account.id and targets[path].bundle.crm.id == account.id:
            continue  # the same account twice in the export
        if path in targets:  # two CRM accounts, one file: neither can be told apart
            left_out.add(key)
            other = targets.pop(path).bundle.crm
            _ambiguous(account, other, path.relative_to(root).as_posix(), problems)
            continue
        targets[path] = Target(path, None, Bundle(account, None))
    for kind in KINDS[1:]:
        for record in records.related[kind]:
            target = _target_of(record.ref, by_ref, files, targets, left_out, rules, problems)
            if target is not None:
                getattr(target.bundle, "deals" if kind == "opportunities" else kind).append(record)
    for target in targets.values():
        if target.path in files.texts:
            text, raw = files.texts[target.path]
            target.existing = (text, raw)
    return list(targets.values())


def _ambiguous(account: CrmAccount, other: CrmAccount, name: str,
               problems: list[Problem]) -> None:
    problems.append(Problem(
        account.path, account.line, account.name_cell.column, "",
        f"'{account.name}' (line {account.line}) and '{other.name}' (line {other.line}) would "
        f"both go into {name}", f"add 'crm: <its id>' to {name} to say which it is, or tell "
        "the two apart in the CRM"))


def _target_of(ref: Ref, by_ref: dict[str, list[CrmAccount]], files: Files,
               targets: dict[Path, Target], left_out: set[str], rules: Rules,
               problems: list[Problem]) -> Target | None:
    """The target of a related row: its account in this run, else the project's file."""
    if ref.key in left_out:
        return None
    accounts = by_ref.get(ref.key, [])
    if len(accounts) > 1:
        problems.append(Problem(
            ref.path, ref.cell.line, ref.cell.column, ref.header,
            f"{len(accounts)} accounts are named '{one_line(ref.cell.text)}'",
            "tell them apart by id: match: id, with an account id column in every file"))
        return None
    if accounts:
        return next((t for t in targets.values() if t.bundle.crm is accounts[0]), None)
    found = files.named(ref.key, rules.match)
    if len(found) > 1:
        _several(ref.path, ref.cell, ref.header, one_line(ref.cell.text), found, files.root,
                 problems)
        return None
    if not found:
        known = sorted({a.name for group in by_ref.values() for a in group} |
                       {str(raw.front.data.get("name")) for _, raw in files.texts.values()})
        problems.append(Problem(
            ref.path, ref.cell.line, ref.cell.column, ref.header,
            f"no account '{one_line(ref.cell.text)}' in the accounts file or in "
            f"{paths.ACCOUNTS.as_posix()}/", did_you_mean(one_line(ref.cell.text), known)
            or "import the accounts file with it, or add the account first"))
        return None
    return targets.setdefault(found[0], Target(found[0], None, Bundle(None, None)))


def _several(path: Path, cell, header: str, name: str, files: list[Path], root: Path,
             problems: list[Problem]) -> None:
    """A CRM account that two or more files without an id could be."""
    names = ", ".join(f.relative_to(root).as_posix() for f in files)
    problems.append(Problem(path, cell.line, cell.column, header,
                            f"'{name}' could be any of {names}",
                            "add 'crm: <its id>' to the one it is, or rename the others"))
