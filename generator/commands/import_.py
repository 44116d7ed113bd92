"""`winback import`: CSV exports of a CRM in, account files out (`generator.importer`).

The run reads every file first, then decides each account's file: an existing one (found
by the CRM id it carries, or by its name) gets only the lines that are new, a new one is
made for an account the project does not have. Each new text is validated as `winback
check` would before anything is written; a file that would not pass is left as it is, and
said. Writes are atomic and keep the file's mode; `dry_run` writes nothing at all.
"""

from __future__ import annotations

import difflib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from generator import paths
from generator.importer.csvfile import read_table
from generator.importer.edit import CannotAdd
from generator.importer.merge import Existing, Merged, Writer, merged_text, new_text
from generator.importer.records import (
    CrmAccount,
    normal,
    Records,
    date_order,
    dates_of,
    read_records,
    recognise,
)
from generator.importer.rules import RULES_DIR, SHIPPED, Rules, load_rules, shipped_path
from generator.importer.status import standing
from generator.importer.targets import Target, find_targets
from generator.load import parse_account
from generator.problems import Problem, ProblemLog, Severity, display_path
from generator.project import Project
from generator.text import joined, plural
from generator.validate import validate_account
from generator.write import write_atomically

SAMPLE = shipped_path("sample")


class Refused(Exception):
    """Nothing can be imported; the message says why."""


@dataclass
class FileChange:
    path: Path
    old: str | None  # None: a new file
    new: str
    added: Counter

    def diff(self, root: Path) -> str:
        name = self.path.relative_to(root).as_posix()
        old = (self.old or "").splitlines(keepends=True)
        return "".join(difflib.unified_diff(old, self.new.splitlines(keepends=True),
                                            "/dev/null" if self.old is None else f"a/{name}",
                                            f"b/{name}"))

    def line(self, relative_to: Path) -> str:
        """'created content/accounts/acme.md: 2 people, 1 complaint'."""
        parts = [plural(self.added[noun], noun, plural_form)
                 for noun, plural_form in NOUNS.items() if self.added[noun]]
        what = joined(parts) if parts else "its facts"
        verb = "created" if self.old is None else "added to"
        return f"{verb} {display_path(self.path, relative_to)}: {what}"


NOUNS = {"fact": "facts", "person": "people", "follow-up": "follow-ups",
         "complaint": "complaints", "history item": "history items"}


@dataclass
class ReadFile:
    path: Path
    kind: str
    rows: int
    encoding: str


@dataclass
class ImportReport:
    rules: str  # which rules were used, in words
    problems: list[Problem] = field(default_factory=list)
    sources: dict[Path, str] = field(default_factory=dict)  # texts to quote problems from
    read: list[ReadFile] = field(default_factory=list)
    changes: list[FileChange] = field(default_factory=list)
    unchanged: int = 0
    skipped: int = 0  # accounts the rules leave out (never clients)
    sample: Path | None = None  # the rules file this run wrote (or would write)

    @property
    def ok(self) -> bool:
        return not any(p.is_error for p in self.problems)

    def summary(self, dry_run: bool) -> str:
        """The last line of a run."""
        made = sum(1 for c in self.changes if c.old is None)
        counts = [plural(made, "account file") + (" to create" if dry_run else " created"),
                  f"{len(self.changes) - made} to add to" if dry_run
                  else f"{len(self.changes) - made} added to", f"{self.unchanged} unchanged"]
        if self.skipped:
            counts.append(f"{plural(self.skipped, 'account')} left out (never a client)")
        errors = sum(1 for p in self.problems if p.is_error)
        rows = sum(f.rows for f in self.read)
        start = "Dry run, nothing written: " if dry_run else ""
        return (f"{start}read {plural(len(self.read), 'file')} ({plural(rows, 'row')}) with "
                f"{self.rules}: {', '.join(counts)}; {plural(errors, 'problem')}.")


def run_import(project: Project, files: list[Path], rules_spec: str | None = None,
               kind: str | None = None, dry_run: bool = False) -> ImportReport:
    reasons = project.config.reason_labels()
    rules_path, sample_base = _rules_path(project, files, rules_spec)
    report = ImportReport(rules=_rules_words(project, rules_path, sample_base))
    if sample_base:
        rules_path = shipped_path(sample_base)
        report.sample = project.root / paths.IMPORT_RULES
    rules, log = load_rules(rules_path, reasons)
    report.problems += log.problems
    if rules is None:
        return report
    records = _read_all(files, rules, kind, report)
    writer = Writer(rules.crm, project.config.currency)
    for target in find_targets(project.root, project.account_files(), records, rules,
                               report.problems):
        _merge(project, target, rules, writer, report, "opportunities" in records.kinds)
    if not dry_run:
        _write_all(project, report, sample_base)
    return report


# --- the rules --------------------------------------------------------------------------


def _rules_path(project: Project, files: list[Path],
                spec: str | None) -> tuple[Path, str | None]:
    """The rules file to read, and the shipped rules a sample is to be based on when the
    project has none yet (then the first import writes one, as hledger does)."""
    if spec is not None:
        if spec.lower() in SHIPPED:
            return shipped_path(spec.lower()), None
        path = Path(spec)
        if not path.is_file():
            raise Refused(f"no rules '{spec}': name {' or '.join(SHIPPED)}, or a rules file")
        return path, None
    own = project.root / paths.IMPORT_RULES
    if own.is_file():
        return own, None
    return own, _best_shipped(files, project.config.reason_labels())


def _best_shipped(files: list[Path], reasons: dict[str, str]) -> str:
    """The shipped rules that recognise the most of these files (Salesforce's on a tie)."""
    def recognised(name: str) -> int:
        rules, _ = load_rules(shipped_path(name), reasons)
        count = 0
        for path in files:
            table = read_table(path, ProblemLog(path))
            count += bool(table and recognise(table, rules, None, ProblemLog(path)))
        return count

    return max(SHIPPED, key=lambda name: (recognised(name), name == SHIPPED[0]))


def _rules_words(project: Project, path: Path, sample_base: str | None) -> str:
    if sample_base:
        return f"a new {paths.IMPORT_RULES} based on the {sample_base} rules"
    if path.parent == RULES_DIR:
        return f"the {path.stem} rules"
    try:
        return str(path.resolve().relative_to(project.root))
    except ValueError:
        return str(path)


# --- reading ------------------------------------------------------------------------------


def _read_all(files: list[Path], rules: Rules, kind: str | None,
              report: ImportReport) -> Records:
    """Every file's records: first each file's kind, then its rows (the dates of the whole
    export may tell how its days and months are written)."""
    found = []
    for path in files:
        log = ProblemLog(path)
        table = read_table(path, log, rules.encoding, rules.separator)
        if table is not None:
            report.sources[path] = table.source
            fit = recognise(table, rules, kind, log)
            if fit:
                found.append((table, *fit))
        report.problems += log.problems
    export = [text for table, _kind, columns in found for text in dates_of(table, columns)]
    records = Records()
    for table, kind_found, columns in found:
        log = ProblemLog(table.path)
        order = date_order(rules, table, columns, export)
        rows = read_records(table, kind_found, columns, rules, order, records, log)
        report.read.append(ReadFile(table.path, kind_found, rows, table.encoding))
        report.problems += log.problems
    return records


# --- each account's new text --------------------------------------------------------------


def _merge(project: Project, target: Target, rules: Rules, writer: Writer,
           report: ImportReport, deals_read: bool) -> None:
    existing = _existing(target, project, report)
    if target.existing is not None and existing is None:
        return
    if not _decide(target, existing, rules, project.config.reason_labels(), report,
                   deals_read):
        return
    try:
        merged, problems = _checked(project, target, existing, rules, writer, report)
    except CannotAdd as exc:
        report.problems.append(Problem(target.path, 0, 0, "", str(exc)))
        return
    if any(p.is_error for p in problems):
        report.problems.append(Problem(target.path, 0, 0, "", "would not be a valid account "
                                       "file with what the import adds: it is left as it is",
                                       "see the problems below; a fault in winback if the "
                                       "CRM's data looks right"))
        report.problems += problems
        report.sources[target.path] = merged.text
        return
    report.problems += merged.notices
    if existing is None:  # a new file's warnings are news; an old file's are known
        report.problems += problems
        report.sources[target.path] = merged.text
    elif merged.text == existing.text:
        report.unchanged += 1
        return
    report.changes.append(FileChange(target.path, existing.text if existing else None,
                                     merged.text, merged.added))


def _checked(project: Project, target: Target, existing: Existing | None, rules: Rules,
             writer: Writer, report: ImportReport) -> tuple[Merged, list[Problem]]:
    """The new text and what `winback check` would say of it. When only the facts to add
    would make an existing file invalid, the text without them (and a warning)."""
    if existing is None:
        merged = new_text(target.bundle, writer)
        return merged, check_text(target.path, merged.text, project.config)
    merged = merged_text(existing, target.bundle, writer, target.path)
    problems = check_text(target.path, merged.text, project.config)
    errors = [p for p in problems if p.is_error]
    if errors and merged.added["fact"]:
        without = merged_text(existing, target.bundle, writer, target.path, with_facts=False)
        if not any(p.is_error for p in check_text(target.path, without.text, project.config)):
            report.problems.append(Problem(
                target.path, 0, 0, "", f"{rules.crm}'s facts are not added: with them the "
                f"file would not be valid ({errors[0].message})", "add them by hand, if right",
                Severity.WARNING))
            return without, []
    return merged, problems


def _existing(target: Target, project: Project, report: ImportReport) -> Existing | None:
    """The target's file as it is, if it has one that is valid; a file with errors is not
    added to (said)."""
    if target.existing is None:
        return None
    text, raw = target.existing
    log = ProblemLog(target.path)
    account = validate_account(raw, log, project.config)
    if account is None or log.has_errors:
        report.problems.append(Problem(target.path, 0, 0, "", "has errors: nothing is "
                                       "imported into it", "fix them first (winback check), "
                                       "then import again"))
        return None
    return Existing(text, raw, account)


def _decide(target: Target, existing: Existing | None, rules: Rules, reasons: dict[str, str],
            report: ImportReport, deals_read: bool) -> bool:
    """Settle the account's standing; False when nothing is to be written for it. A file
    that has a status keeps it, and is told of the CRM's only when this run read what
    decides it (the opportunities, or a churn date or type the rules map)."""
    bundle = target.bundle
    account = bundle.crm
    if account is None and bundle.deals and existing is not None:
        account = CrmAccount(bundle.deals[0].ref.path, 0, existing.account.facts.name,
                             bundle.deals[0].ref.cell)
    by_type = {normal(word) for word in rules.status.by_type}
    if account is None or (existing is not None and not deals_read and not account.churned
                           and normal(account.type) not in by_type):
        return True
    found = standing(account, bundle.deals, rules, reasons)
    if found.status == "skip":
        if existing is None:
            report.skipped += 1
            return False
        return True  # the file's own status stands; its new records are added
    if found.missing:
        cell = account.name_cell
        report.problems.append(Problem(
            account.path, cell.line, cell.column, "", f"'{account.name}' would be "
            f"{found.status}, but {found.missing}", "map a churn date column (accounts: "
            "columns: lost:), or say otherwise in status: by_type:"))
        return False
    bundle.standing = found
    return True


def check_text(path: Path, text: str, config) -> list[Problem]:
    """What `winback check` would say of the file with this text."""
    plain = text.removeprefix("\ufeff").replace("\r\n", "\n")
    raw, log = parse_account(path, plain, ProblemLog(path))
    if raw is not None:
        validate_account(raw, log, config)
    return log.problems


# --- writing ------------------------------------------------------------------------------


def _write_all(project: Project, report: ImportReport, sample_base: str | None) -> None:
    if sample_base and report.sample is not None:
        text = SAMPLE.read_text(encoding="utf-8").replace("{base}", sample_base)
        _try_write(report.sample, text, None, report)
    report.changes = [change for change in report.changes
                      if _try_write(change.path, change.new, change.old, report)]


def _try_write(path: Path, text: str, expected: str | None, report: ImportReport) -> bool:
    try:
        write_atomic(path, text, expected)
        return True
    except OSError as exc:
        report.problems.append(Problem(path, 0, 0, "", f"cannot write: {exc.strerror or exc}",
                                       "nothing else was changed in it; import again"))
        return False


class ChangedMeanwhile(OSError):
    pass


def write_atomic(path: Path, text: str, expected: str | None) -> None:
    """Write `text` over the file as it was read (`expected`; None: a new file), through a
    temporary file renamed over it, keeping the file's mode."""
    if expected is None:
        if path.exists():
            raise ChangedMeanwhile(0, "it was created while the import ran")
        mode = 0o644
    else:
        if path.read_bytes().decode("utf-8", errors="replace") != expected:
            raise ChangedMeanwhile(0, "it changed while the import ran")
        mode = path.stat().st_mode & 0o7777
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(path, text.encode("utf-8"), mode)
