"""`winback import` speed and memory on a synthetic Salesforce export.

    .venv/bin/python bench/import_export.py [--accounts 300]

Writes an export of N accounts (fixed seed): the accounts, two contacts, two cases, three
activities, one open task and two or three closed opportunities each, in Salesforce's
report columns. Then times, each as a separate `winback import --rules salesforce` process
into a fresh project: the first import; a re-import of the same export (nothing to add);
a re-import after one new case for every tenth account; then the HTML build of the result.
Peak memory is the largest resident set of the command. Prints the figures; asserts
nothing.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from builds import TODAY, WINBACK, timed  # noqa: E402
from corpus import COMPANIES, KINDS, OWNERS, PEOPLE, sentence  # noqa: E402

HEADERS = {
    "accounts": ["Account ID", "Account Name", "Account Owner", "Type", "Industry",
                 "Annual Revenue", "Billing City", "Created Date"],
    "contacts": ["First Name", "Last Name", "Title", "Email", "Account Name"],
    "cases": ["Case Number", "Subject", "Status", "Date/Time Opened", "Closed Date",
              "Account Name"],
    "activities": ["Subject", "Date", "Comments", "Account Name"],
    "tasks": ["Subject", "Due Date", "Status", "Assigned", "Task Subtype", "Account Name"],
    "opportunities": ["Opportunity Name", "Stage", "Close Date", "Amount", "Loss Reason",
                      "Competitor", "Account Name"],
}
LOSS = ("Price", "Poor Service", "Lost to Competitor", "Champion Left", "Went quiet")


def us_date(rng: random.Random, first: int, last: int) -> str:
    return f"{rng.randint(1, 12)}/{rng.randint(1, 28)}/{rng.randint(first, last)}"


def write_export(count: int, folder: Path) -> None:
    rng = random.Random(21)
    rows: dict[str, list[list[str]]] = {kind: [] for kind in HEADERS}
    for index in range(count):
        name = f"{rng.choice(COMPANIES)} {rng.choice(KINDS)} {index:04d}"
        owner = rng.choice(OWNERS)
        rows["accounts"].append([f"001Dn{index:010d}", name, owner, "Customer - Direct",
                                 rng.choice(KINDS), f"${rng.randint(1, 900) * 100_000:,}.00",
                                 "Denver", us_date(rng, 2010, 2018)])
        for person in rng.sample(PEOPLE, 2):
            first, last = person.split()
            rows["contacts"].append([first, last, "Director", f"{first}@x.example", name])
        for case in range(2):
            rows["cases"].append([f"{index * 10 + case:08d}", sentence(rng, 6), "Closed",
                                  us_date(rng, 2020, 2025), us_date(rng, 2025, 2025), name])
        for _ in range(3):
            rows["activities"].append([sentence(rng, 3), us_date(rng, 2021, 2026),
                                       sentence(rng, 20), name])
        rows["tasks"].append([sentence(rng, 4), "12/15/2026", "Not Started", owner, "Email",
                              name])
        rows["opportunities"].append([f"{name} contract", "Closed Won", "3/1/2019",
                                      f"${rng.randint(1, 90) * 10_000:,}.00", "", "", name])
        if rng.random() < 0.6:
            rows["opportunities"].append([f"{name} renewal", "Closed Lost", "9/30/2025",
                                          "$100,000.00", rng.choice(LOSS), "Harbor", name])
    for kind, table in rows.items():
        with (folder / f"{kind}.csv").open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
            writer.writerow(HEADERS[kind])
            writer.writerows(table)


def add_cases(folder: Path, count: int) -> None:
    with (folder / "cases.csv").open("a", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
        for index in range(0, count, 10):
            with (folder / "accounts.csv").open(encoding="utf-8") as accounts:
                name = list(csv.reader(accounts))[index + 1][1]
            writer.writerow([f"9{index:07d}", "A new case", "New", "11/20/2026", "", name])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--accounts", type=int, default=300)
    count = parser.parse_args().accounts
    with tempfile.TemporaryDirectory(prefix="winback-import-") as temporary:
        root = Path(temporary)
        export, project = root / "export", root / "project"
        export.mkdir()
        (project / "content" / "accounts").mkdir(parents=True)
        write_export(count, export)
        files = [str(p) for p in sorted(export.glob("*.csv"))]
        rows = sum(len(p.read_text(encoding="utf-8").splitlines()) - 1
                   for p in export.glob("*.csv"))

        def run(*args: str) -> tuple[float, float]:
            return timed([str(WINBACK), "-C", str(project), *args])

        figures = {
            f"first import, {count} accounts ({rows:,} rows)":
                run("import", "--rules", "salesforce", *files),
            "re-import of the same export": run("import", "--rules", "salesforce", *files),
        }
        add_cases(export, count)
        figures[f"re-import with {len(range(0, count, 10))} new cases"] = run(
            "import", "--rules", "salesforce", *files)
        figures["HTML build of the imported accounts"] = run("build", "--no-pdf", "--today",
                                                             TODAY)
        made = len(list((project / "content" / "accounts").glob("*.md")))
    width = max(len(label) for label in figures)
    print(f"{made} account files")
    for label, (seconds, megabytes) in figures.items():
        print(f"{label:<{width}}  {seconds:6.2f} s  {megabytes:6.0f} MB")


if __name__ == "__main__":
    main()
