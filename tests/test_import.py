"""`winback import`: Salesforce and HubSpot exports into a project that builds; a
re-import adds only lines; hand edits survive; bad cells are located; encodings and
separators as the export tools write them."""

from __future__ import annotations

import csv
import difflib
import io
import shutil
import stat
from pathlib import Path

import pytest
from conftest import REPO, TODAY, run_cli, write

DATA = REPO / "tests" / "data" / "import"
SALESFORCE = ("accounts", "contacts", "cases", "activities", "tasks", "opportunities")
HUBSPOT = ("companies", "contacts", "tickets", "calls", "tasks", "deals")


def export(tmp_path: Path, crm: str) -> Path:
    """A copy of a fixture export, to change as a later export would."""
    folder = tmp_path / f"{crm}-export"
    shutil.copytree(DATA / crm, folder)
    return folder


def csvs(folder: Path, names=SALESFORCE) -> list[str]:
    return [str(folder / f"{name}.csv") for name in names]


def accounts(project: Path) -> dict[str, str]:
    folder = project / "content" / "accounts"
    return {p.name: p.read_bytes().decode("utf-8") for p in sorted(folder.glob("*.md"))}


def add_rows(path: Path, *rows: str) -> None:
    """Rows appended as the CRM would export them (before any report footer)."""
    text = path.read_bytes().decode("utf-8-sig")
    newline = "\r\n" if "\r\n" in text else "\n"
    lines = text.split(newline)
    footer = lines.index('""') if '""' in lines else len(lines) - 1
    path.write_bytes(newline.join([*lines[:footer], *rows, *lines[footer:]]).encode("utf-8"))


def only_added(before: str, after: str) -> list[str]:
    """The lines a change added, asserting that it removed or changed none."""
    diff = list(difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0))
    changed = [line for line in diff[2:] if not line.startswith("@@")]
    assert all(line.startswith("+") for line in changed), "\n".join(diff)
    return [line[1:] for line in changed]


@pytest.fixture(autouse=True)
def inside_the_project(project_dir, monkeypatch):
    """Run as a team does, from the project's folder: paths are shown from there."""
    monkeypatch.chdir(project_dir)


@pytest.fixture
def imported(project_dir, tmp_path):
    """The Salesforce fixture imported into an empty project."""
    folder = export(tmp_path, "salesforce")
    result = run_cli(project_dir, "import", "--rules", "salesforce", *csvs(folder))
    assert result.exit_code == 0, result.stderr
    return folder


# --- a new team's first import ----------------------------------------------------------


def test_salesforce_export_becomes_accounts_that_check_and_build(project_dir, imported):
    files = accounts(project_dir)
    assert sorted(files) == ["calloway-foodservice.md", "harlow-dental-group.md",
                             "keystone-staffing.md", "northwind-freight.md"]  # not the prospect
    northwind = files["northwind-freight.md"]
    for line in ("status: lost", "lost: 2026-09-30", "signed: 2016-04-11", "value: 5200000",
                 "competitor: Harbor Logistics", "loss_reasons: [service-failure]",
                 "crm: 001Dn00000A1bCdEAF", "  - name: Priya Natarajan", "    title: VP Operations",
                 "  - due: 2026-12-04 17:00", "    channel: email",
                 "    what: Send the revised on-time SLA",
                 "- [ ] 2026-06-01: Late deliveries three weeks running on the Denver lane",
                 "  - crm: 00001026",
                 "- [x] 2025-01-20: Duplicate invoices in January (closed 2025-02-11)",
                 "- 2026-03-01: Call with Priya: Tom Ellis retiring; Priya takes over carrier "
                 "decisions.",
                 "- 2026-09-30: Closed lost in Salesforce: Northwind - renewal 2026, $5,400,000 "
                 "(Poor Service)."):
        assert line in northwind.splitlines(), line
    calloway = files["calloway-foodservice.md"]
    for line in ("status: won-back", "lost: 2021-06-30", "won_back: 2023-01-15",
                 "loss_reasons: [price]", "competitor: Ridgeline Cold Chain", "value: 3900000",
                 "    channel: phone", "- 2025-10-15: Quarterly review: OTIF 91% for the quarter. "
                 "Alicia wants lane-level data, not averages."):
        assert line in calloway.splitlines(), line
    harlow = files["harlow-dental-group.md"]
    assert "status: active" in harlow and "lost:" not in harlow
    assert "  - name: José Álvarez" in harlow and "Confirm the new hygienist" not in harlow
    keystone = files["keystone-staffing.md"]
    assert "loss_reasons: [other]" in keystone
    assert ("## Why we lost them\nSalesforce gives this loss reason for the opportunity "
            "'Keystone - renewal 2025' closed lost on 2025-12-15: Went dark after a budget "
            "freeze.") in keystone
    assert run_cli(project_dir, "check", "--strict").exit_code == 0
    built = run_cli(project_dir, "build", "--no-pdf", "--today", TODAY.isoformat())
    assert built.exit_code == 0, built.stderr
    page = (project_dir / "output" / "accounts" / "northwind-freight.html").read_text()
    assert "Late deliveries three weeks running" in page and "Harbor Logistics" in page


def test_hubspot_export_becomes_accounts_that_build_with_pdfs(project_dir, tmp_path):
    folder = export(tmp_path, "hubspot")
    result = run_cli(project_dir, "import", "--rules", "hubspot", *csvs(folder, HUBSPOT))
    assert result.exit_code == 0, result.stderr
    assert result.stderr.strip().endswith("1 account left out (never a client); 0 problems.")
    files = accounts(project_dir)
    assert sorted(files) == ["copperline-brewing.md", "marlow-architects.md"]  # not the lead
    copperline = files["copperline-brewing.md"].splitlines()
    for line in ("status: lost", "lost: 2026-08-31", "loss_reasons: [competitor]",
                 'crm: "9120345001"', "  - name: Maya Chen", '    crm: "5101"',
                 "  - due: 2026-12-02 12:00",
                 "- [x] 2026-07-14: Kegs delivered warm twice in July (closed 2026-07-30)",
                 '- [ ] 2026-08-05: Invoice lists the wrong malt, "Pale Ale" instead of "Pilsner"',
                 "  - crm: 7302",
                 "- 2026-08-20: Renewal call: Maya says the new supplier is cheaper by 8%, and "
                 "they deliver cold."):
        assert line in copperline, line
    marlow = files["marlow-architects.md"]
    assert "status: active" in marlow and "  - due: 2026-12-15 17:00" in marlow
    built = run_cli(project_dir, "build", "--today", TODAY.isoformat())
    assert built.exit_code == 0, built.stderr
    for name in ("copperline-brewing.pdf", "marlow-architects.pdf"):
        assert (project_dir / "output" / "accounts" / name).stat().st_size > 1000


def test_the_first_import_without_rules_writes_a_sample_chosen_by_the_headers(project_dir,
                                                                              tmp_path):
    folder = export(tmp_path, "hubspot")
    first = run_cli(project_dir, "import", *csvs(folder, HUBSPOT))
    assert first.exit_code == 0, first.stderr
    sample = (project_dir / "import.yaml").read_text()
    assert "based_on: hubspot" in sample and "# date_order:" in sample
    assert "import.yaml: the rules of this project's imports, to edit" in first.stderr
    again = run_cli(project_dir, "import", *csvs(folder, HUBSPOT))
    assert "with import.yaml: 0 account files created, 0 added to, 2 unchanged" in again.stderr
    assert "wrote import.yaml" not in again.stderr


def test_dry_run_shows_the_diff_and_writes_nothing(project_dir, tmp_path):
    folder = export(tmp_path, "salesforce")
    result = run_cli(project_dir, "import", "--dry-run", *csvs(folder))
    assert result.exit_code == 0, result.stderr
    assert "--- /dev/null\n+++ b/content/accounts/northwind-freight.md\n" in result.stdout
    assert "+status: lost\n" in result.stdout
    assert "would write import.yaml" in result.stderr
    assert result.stderr.strip().endswith("Dry run, nothing written: read 6 files (29 rows) "
                                          "with a new import.yaml based on the salesforce "
                                          "rules: 4 account files to create, 0 to add to, 0 "
                                          "unchanged, 1 account left out (never a client); 0 "
                                          "problems.")
    assert not accounts(project_dir) and not (project_dir / "import.yaml").exists()


# --- importing again ---------------------------------------------------------------------


def test_a_reimport_of_the_same_export_changes_no_byte(project_dir, imported):
    before = accounts(project_dir)
    again = run_cli(project_dir, "import", "--rules", "salesforce", *csvs(imported))
    assert again.exit_code == 0, again.stderr
    assert "0 account files created, 0 added to, 4 unchanged" in again.stderr
    assert accounts(project_dir) == before


def test_a_reimport_with_new_rows_only_adds_lines(project_dir, imported):
    before = accounts(project_dir)
    add_rows(imported / "accounts.csv", '"001Dn00000A1bCiEAF","Granite Peak Industrial",'
             '"Lee Park","Customer - Direct","Manufacturing","","Ogden","8/14/2020"')
    add_rows(imported / "opportunities.csv", '"Granite - tooling","Closed Won","8/14/2020",'
             '"$2,000,000.00","","","Granite Peak Industrial"')
    add_rows(imported / "cases.csv", '"00001040","Invoice for October sent twice","New",'
             '"11/3/2026 10:05 AM","","Northwind Freight"')
    add_rows(imported / "contacts.csv", '"Greg","Halloran","CFO","greg.halloran@calloway.example",'
             '"Calloway Foodservice"')
    add_rows(imported / "activities.csv", '"Call with José","11/20/2026","Asked for the 2027 '
             'price list.","Harlow Dental Group"')
    add_rows(imported / "tasks.csv", '"Send the 2027 price list","12/1/2026","Not Started",'
             '"Sam Okafor","Email","Harlow Dental Group"')
    result = run_cli(project_dir, "import", "--rules", "salesforce", *csvs(imported))
    assert result.exit_code == 0, result.stderr
    after = accounts(project_dir)
    assert "granite-peak-industrial.md" in after
    assert only_added(before["northwind-freight.md"], after["northwind-freight.md"]) == [
        "- [ ] 2026-11-03: Invoice for October sent twice", "  - crm: 00001040"]
    person = only_added(before["calloway-foodservice.md"], after["calloway-foodservice.md"])
    assert person[:3] == ["  - name: Greg Halloran", "    title: CFO",
                          "    email: greg.halloran@calloway.example"]
    harlow = only_added(before["harlow-dental-group.md"], after["harlow-dental-group.md"])
    assert "    what: Send the 2027 price list" in harlow
    assert "- 2026-11-20: Call with José: Asked for the 2027 price list." in harlow
    assert after["keystone-staffing.md"] == before["keystone-staffing.md"]
    assert "added to content/accounts/harlow-dental-group.md: 1 follow-up and 1 history " \
           "item" in result.stdout
    assert run_cli(project_dir, "check").exit_code == 0


def test_hand_edits_survive_a_reimport(project_dir, imported):
    path = project_dir / "content" / "accounts" / "northwind-freight.md"
    text = path.read_bytes().decode("utf-8")
    # A person rewrites an imported complaint, swaps the people, changes the owner's
    # spelling and adds notes of their own.
    text = text.replace("Late deliveries three weeks running on the Denver lane",
                        "Late deliveries, three weeks running, on the Denver lane (Priya "
                        "escalated)")
    priya = text[text.index("  - name: Priya"):text.index("  - name: Tom")]
    tom = text[text.index("  - name: Tom"):text.index("follow_ups:")]
    text = text.replace(priya + tom, tom + priya)
    text = text.replace("owner: Dana Reyes\nvalue", "owner: Dana R. Reyes\nvalue")
    text += "\n## Notes for the meeting\n- Do not bring up Harbor's driver shortage.\n"
    path.write_bytes(text.encode("utf-8"))
    add_rows(imported / "cases.csv", '"00001040","Invoice for October sent twice","New",'
             '"11/3/2026 10:05 AM","","Northwind Freight"')
    result = run_cli(project_dir, "import", "--rules", "salesforce", *csvs(imported))
    assert result.exit_code == 0, result.stderr
    after = path.read_bytes().decode("utf-8")
    added = only_added(text, after)
    assert added == ["- [ ] 2026-11-03: Invoice for October sent twice", "  - crm: 00001040"]
    assert after.count("crm: 00001026") == 1 and after.count("name: Priya Natarajan") == 1


def test_what_the_crm_now_says_otherwise_is_a_warning_never_a_change(project_dir, imported):
    add_rows(imported / "opportunities.csv", '"Harlow - renewal 2026","Closed Lost",'
             '"11/15/2026","$650,000.00","Price","Brightsmile Supply","Harlow Dental Group"')
    add_rows(imported / "cases.csv", '"00001026","Late deliveries three weeks running on the '
             'Denver lane","Closed","6/1/2026 8:14 AM","7/20/2026","Northwind Freight"')
    before = accounts(project_dir)
    result = run_cli(project_dir, "import", "--rules", "salesforce", *csvs(imported))
    assert result.exit_code == 0, result.stderr
    assert ("harlow-dental-group.md:3:9: warning: status: Salesforce makes it lost since "
            "2026-11-15; this file says active") in result.stderr
    assert ("northwind-freight.md:35:3: warning: Complaints: case 00001026 is closed in "
            "Salesforce since 2026-07-20; here it is open") in result.stderr
    after = accounts(project_dir)
    assert "status: active" in after["harlow-dental-group.md"]
    assert only_added(before["harlow-dental-group.md"], after["harlow-dental-group.md"]) == [
        "- 2026-11-15: Closed lost in Salesforce: Harlow - renewal 2026, $650,000 (Price).",
        f"  - crm: {after['harlow-dental-group.md'].split('crm: ')[-1].strip()}"]
    assert after["northwind-freight.md"] == before["northwind-freight.md"]


def test_a_file_people_wrote_gets_the_crm_records_it_lacks(project_dir, tmp_path):
    """A team that wrote a few accounts by hand before importing: matched by name, the id
    added, nothing of theirs changed."""
    path = write(project_dir / "content" / "accounts" / "northwind.md", """\
        ---
        name: Northwind Freight
        status: lost
        lost: 2026-09-30
        loss_reasons: [service-failure]
        people:
        - name: Priya Natarajan
          role: decision-maker
        ---

        ## History
        - 2026-03-01: Tom Ellis left; Priya took over carrier decisions.
        """)
    before = path.read_text()
    path.chmod(0o600)
    folder = export(tmp_path, "salesforce")
    result = run_cli(project_dir, "import", "--rules", "salesforce", *csvs(folder))
    assert result.exit_code == 0, result.stderr
    added = only_added(before, path.read_text())
    for line in ("owner: Dana Reyes", "value: 5200000", "signed: 2016-04-11",
                 "competitor: Harbor Logistics", "industry: Transportation",
                 "crm: 001Dn00000A1bCdEAF", "- name: Tom Ellis", "  - crm: 00001026"):
        assert line in added, line
    assert "- name: Priya Natarajan" not in added and "lost: 2026-09-30" not in added
    assert "northwind-freight.md" not in accounts(project_dir)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert run_cli(project_dir, "check").exit_code == 0


def test_a_file_that_cannot_take_the_lines_is_left_alone(project_dir, tmp_path):
    flow = write(project_dir / "content" / "accounts" / "northwind.md",
                 "---\nname: Northwind Freight\nstatus: lost\nlost: 2026-09-30\n"
                 "loss_reasons: [price]\npeople: [{name: Priya Natarajan}]\n---\n")
    broken = write(project_dir / "content" / "accounts" / "calloway.md",
                   "---\nname: Calloway Foodservice\nstatus: lsot\n---\n")
    texts = flow.read_text(), broken.read_text()
    folder = export(tmp_path, "salesforce")
    result = run_cli(project_dir, "import", "--rules", "salesforce", *csvs(folder))
    assert result.exit_code == 1
    assert "northwind.md: 'people' is written on one line ([{name: Priya Natarajan}])" \
        in result.stderr
    assert "calloway.md: has errors: nothing is imported into it (fix them first" \
        in result.stderr
    assert (flow.read_text(), broken.read_text()) == texts
    assert "harlow-dental-group.md" in accounts(project_dir)  # the others are imported


# --- bad cells, encodings, separators ------------------------------------------------------


def test_every_bad_cell_is_located_and_costs_only_its_row(project_dir, tmp_path):
    folder = export(tmp_path, "salesforce")
    add_rows(folder / "cases.csv", '"00001050","Dock door damaged","New","13/45/2026",'
             '"","Northwind Freight"')
    add_rows(folder / "contacts.csv", '"Ana","Ruiz","Dock Lead","","Nothwind Freight"')
    opportunities = (folder / "opportunities.csv").read_bytes().decode("utf-8")
    (folder / "opportunities.csv").write_bytes(opportunities.replace(
        '"12/15/2025","$1,250,000.00"', '"12/32/2025","$1.250.000"').encode("utf-8"))
    result = run_cli(project_dir, "import", "--rules", "salesforce", *csvs(folder))
    assert result.exit_code == 1
    err = result.stderr
    assert ("salesforce-export/cases.csv:5:38: Date/Time Opened: '13/45/2026' is not a real date (check the day "
            "and the month)\n   5 | ") in err
    assert "     |                                      ^" in err
    assert ("contacts.csv:7:29: Account Name: no account 'Nothwind Freight' in the accounts "
            "file or in content/accounts/ (did you mean 'Northwind Freight'?)") in err
    assert "opportunities.csv:11:41: Close Date: '12/32/2025' is not a real date" in err
    assert ("opportunities.csv:11:54: Amount: '$1.250.000' is not an amount written with '.' "
            "for decimals") in err
    assert ("opportunities.csv:11:104: warning: 'Keystone Staffing' is left out of this "
            "import until its rows can be read") in err
    files = accounts(project_dir)
    assert "keystone-staffing.md" not in files  # its status depends on the bad row
    assert "Dock door damaged" not in files["northwind-freight.md"]
    assert "crm: 00001026" in files["northwind-freight.md"]  # the other rows are read
    assert err.strip().endswith("4 problems.")


def test_lines_count_the_line_breaks_inside_quoted_cells(project_dir, tmp_path):
    folder = export(tmp_path, "salesforce")
    add_rows(folder / "activities.csv", '"Lunch","31/31/2026","A long note,', "over three",
             'lines.","Harlow Dental Group"', '"Call","2/30/2026","","Harlow Dental Group"')
    result = run_cli(project_dir, "import", "--rules", "salesforce", *csvs(folder))
    assert "activities.csv:6:9: Date: '31/31/2026' is not a real date" in result.stderr
    assert "activities.csv:9:8: Date: '2/30/2026' is not a real date" in result.stderr


@pytest.mark.parametrize("encoding", ["utf-8-sig", "cp1252"])
def test_exports_in_each_encoding_read_alike(project_dir, tmp_path, encoding):
    """UTF-8 with a byte-order mark (Excel's 'CSV UTF-8') and Windows-1252 (Excel's 'CSV'
    on a Western Windows) give the same accounts as plain UTF-8."""
    plain = tmp_path / "plain"
    (plain / "content" / "accounts").mkdir(parents=True)
    run_cli(plain, "import", "--rules", "salesforce", *csvs(DATA / "salesforce"))
    folder = export(tmp_path, "salesforce")
    for path in folder.glob("*.csv"):
        path.write_bytes(path.read_bytes().decode("utf-8").encode(encoding))
    result = run_cli(project_dir, "import", "--rules", "salesforce", *csvs(folder))
    assert result.exit_code == 0, result.stderr
    assert accounts(project_dir) == accounts(plain)
    assert "  - name: José Álvarez" in accounts(project_dir)["harlow-dental-group.md"]


def test_semicolons_and_decimal_commas_read_alike(project_dir, tmp_path):
    """A European export: ';' between cells, amounts as 4.800.000,00 and dates day first."""
    plain = tmp_path / "plain"
    (plain / "content" / "accounts").mkdir(parents=True)
    run_cli(plain, "import", "--rules", "salesforce", *csvs(DATA / "salesforce"))
    folder = export(tmp_path, "salesforce")
    for path in folder.glob("*.csv"):
        rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
        out = io.StringIO()
        writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
        for row in rows:
            writer.writerow([_european(cell) for cell in row])
        path.write_text(out.getvalue(), encoding="utf-8", newline="")
    rules = write(tmp_path / "eu.yaml", "based_on: salesforce\ndecimal: \",\"\n"
                                        "date_order: day-first\n")
    result = run_cli(project_dir, "import", "--rules", str(rules), *csvs(folder))
    assert result.exit_code == 0, result.stderr
    assert accounts(project_dir) == accounts(plain)


def _european(cell: str) -> str:
    """A cell as a day-first, decimal-comma locale writes it."""
    import re

    if found := re.fullmatch(r"\$([\d,]+)\.(\d\d)", cell):
        return found.group(1).replace(",", ".") + "," + found.group(2) + " $"
    if found := re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})(.*)", cell):
        month, day, year, rest = found.groups()
        return f"{day}/{month}/{year}{rest}"
    return cell


def test_ambiguous_dates_are_never_guessed(project_dir, tmp_path):
    folder = tmp_path / "export"
    write(folder / "accounts.csv", '"Account ID","Account Name","Created Date"\n'
                                   '"001A","Acme Supply","03/04/2021"\n')
    result = run_cli(project_dir, "import", "--rules", "salesforce", str(folder / "accounts.csv"))
    assert result.exit_code == 1
    assert ("accounts.csv:2:22: Created Date: '03/04/2021' could be 4 March 2021 or 3 April "
            "2021 (no date of the export tells which comes first: set date_order: "
            "month-first (12/31/2026) or day-first (31/12/2026) in the rules)") in result.stderr
    assert not accounts(project_dir)
    rules = write(tmp_path / "rules.yaml", "based_on: salesforce\ndate_order: day-first\n")
    again = run_cli(project_dir, "import", "--rules", str(rules), str(folder / "accounts.csv"))
    assert again.exit_code == 0, again.stderr
    assert "signed: 2021-04-03" in accounts(project_dir)["acme-supply.md"]


def test_a_header_that_fits_no_kind_names_what_it_lacks(project_dir, tmp_path):
    path = write(tmp_path / "report.csv", '"Subject","Status","Account Name"\n"x","New","A"\n')
    result = run_cli(project_dir, "import", "--rules", "salesforce", str(path))
    assert result.exit_code == 1
    assert "report.csv:1:1: the header row is not one of Salesforce's exports the rules " \
           "know: it looks most like" in result.stderr
    named = run_cli(project_dir, "import", "--rules", "salesforce", "--as", "tasks", str(path))
    assert ("report.csv:1:1: the header row is not one of Salesforce's exports the rules know: "
            "it is named with --as tasks, but has no column 'Due Date'") in named.stderr


def test_a_broken_rules_file_stops_before_anything_is_read(project_dir, tmp_path):
    write(project_dir / "import.yaml", "based_on: salesforce\ndate_ordre: day-first\n"
                                       "loss_reasons:\n  Too slow: slowness\n")
    folder = export(tmp_path, "salesforce")
    result = run_cli(project_dir, "import", *csvs(folder))
    assert result.exit_code == 1
    assert "import.yaml:2:1: date_ordre: unknown field (did you mean 'date_order'?)" \
        in result.stderr
    assert "import.yaml:4:13: loss_reasons, Too slow: 'slowness' is not a loss reason" \
        in result.stderr
    assert not accounts(project_dir)
    unknown = run_cli(project_dir, "import", "--rules", "pipedrive", *csvs(folder))
    assert unknown.exit_code == 1
    assert "no rules 'pipedrive': name salesforce or hubspot, or a rules file" in unknown.stderr


def test_a_file_the_import_would_make_invalid_is_left_as_it_is(project_dir, imported):
    """What the import adds is checked as `winback check` would, before anything is written:
    a history past the size limit of a section is refused, and said where."""
    before = accounts(project_dir)
    note = "Notes of a long call. " * 2800  # about 61,600 characters each
    add_rows(imported / "activities.csv", f'"Call one","11/20/2026","{note}","Harlow Dental Group"',
             f'"Call two","11/21/2026","{note}","Harlow Dental Group"')
    add_rows(imported / "cases.csv", '"00001040","Invoice for October sent twice","New",'
             '"11/3/2026 10:05 AM","","Northwind Freight"')
    result = run_cli(project_dir, "import", "--rules", "salesforce", *csvs(imported))
    assert result.exit_code == 1
    assert ("content/accounts/harlow-dental-group.md: would not be a valid account file with "
            "what the import adds: it is left as it is") in result.stderr
    assert ("content/accounts/harlow-dental-group.md:17:1: History: section is 123,431 "
            "characters long; the limit is 100,000") in result.stderr
    after = accounts(project_dir)
    assert after["harlow-dental-group.md"] == before["harlow-dental-group.md"]
    assert "crm: 00001040" in after["northwind-freight.md"]  # the others are written


def test_facts_that_would_not_fit_a_file_are_left_out_and_said(project_dir, tmp_path):
    path = write(project_dir / "content" / "accounts" / "northwind.md",
                 "---\nname: Northwind Freight\nstatus: lost\nlost: 2015-06-30\n"
                 "loss_reasons: [price]\n---\n")
    folder = export(tmp_path, "salesforce")
    result = run_cli(project_dir, "import", "--rules", "salesforce", *csvs(folder))
    assert result.exit_code == 0, result.stderr
    assert ("northwind.md: warning: Salesforce's facts are not added: with them the file would "
            "not be valid (2015-06-30 is before signed (2016-04-11))") in result.stderr
    text = path.read_text()
    assert "\nsigned:" not in text and "\nowner:" not in text
    assert "  - name: Priya Natarajan" in text and "  - crm: 00001026" in text


def test_rows_can_find_their_account_by_id(project_dir, tmp_path):
    rules = write(tmp_path / "rules.yaml", """\
        based_on: hubspot
        match: id
        contacts:
          columns:
            account_id: Associated Company IDs
        """)
    companies = export(tmp_path, "hubspot") / "companies.csv"
    contacts = write(tmp_path / "contacts.csv",
                     "Record ID,First Name,Last Name,Associated Company IDs\n"
                     "5201,Ruth,Okafor,9120345002\n5202,Nils,Berg,9120345999\n")
    result = run_cli(project_dir, "import", "--rules", str(rules), str(companies), str(contacts))
    assert "contacts.csv:3:16: Associated Company IDs: no account '9120345999'" in result.stderr
    assert "  - name: Ruth Okafor" in accounts(project_dir)["marlow-architects.md"]


def test_bytes_that_are_no_text_are_located(project_dir, tmp_path):
    path = tmp_path / "accounts.csv"
    path.write_bytes(b'"Account ID","Account Name","Type"\r\n"001A","Caf\xe9 L\x81on","x"\r\n')
    result = run_cli(project_dir, "import", "--rules", "salesforce", str(path))
    assert result.exit_code == 1
    assert ("accounts.csv:2:15: byte 0x81 is neither UTF-8 nor Windows-1252 (save the export "
            "as 'CSV UTF-8', or name its encoding in the rules (encoding: windows-1252))") \
        in result.stderr
    assert not accounts(project_dir)


def test_help_import_is_the_rules_reference(project_dir):
    shown = run_cli(project_dir, "help", "import")
    assert shown.exit_code == 0 and shown.output.startswith("# Importing from a CRM")
    for name in ("salesforce", "hubspot"):
        assert (DATA.parent.parent.parent / "generator" / "importer" / "rules" /
                f"{name}.yaml").read_text() in shown.output


def test_a_projects_rules_can_say_the_status_otherwise(project_dir, tmp_path):
    """A Type of 'Former Customer' and a churn date column: lost without any deal."""
    rules = write(tmp_path / "rules.yaml", """\
        based_on: salesforce
        accounts:
          columns:
            lost: Churn Date
        status:
          by_type:
            Former Customer: lost
            At Risk: at-risk
        """)
    path = write(tmp_path / "accounts.csv", '"Account ID","Account Name","Type","Churn Date"\n'
                 '"001A","Acme Supply","Former Customer","10/31/2026"\n'
                 '"001B","Bolt Works","At Risk",""\n'
                 '"001C","Crane Co","Former Customer",""\n')
    result = run_cli(project_dir, "import", "--rules", str(rules), str(path))
    files = accounts(project_dir)
    assert "status: lost\nlost: 2026-10-31\n" in files["acme-supply.md"]
    assert "status: at-risk\n" in files["bolt-works.md"]
    assert ("accounts.csv:4:8: 'Crane Co' would be lost, but no lost opportunity or churn date "
            "gives the date it was lost") in result.stderr
    assert "crane-co.md" not in files and result.exit_code == 1


def test_a_header_that_fits_two_kinds_is_named_with_as(project_dir, tmp_path):
    path = write(tmp_path / "activities.csv",
                 '"Subject","Date","Due Date","Status","Comments","Account Name"\n'
                 '"Send the price list","11/20/2026","12/15/2026","Not Started","","Acme Supply"\n')
    write(tmp_path / "accounts.csv", '"Account ID","Account Name"\n"001A","Acme Supply"\n')
    both = run_cli(project_dir, "import", "--rules", "salesforce", str(path))
    assert "activities.csv:1:1: the header row fits both activities and tasks (name the " \
           "kind: --as activities)" in both.stderr
    run_cli(project_dir, "import", "--rules", "salesforce", str(tmp_path / "accounts.csv"))
    named = run_cli(project_dir, "import", "--rules", "salesforce", "--as", "tasks", str(path))
    assert named.exit_code == 0, named.stderr
    assert "    what: Send the price list" in accounts(project_dir)["acme-supply.md"]


def test_a_broken_winback_yaml_stops_the_import(project_dir, tmp_path):
    write(project_dir / "winback.yaml", "paper: A5\n")
    result = run_cli(project_dir, "import", "--rules", "salesforce",
                     *csvs(export(tmp_path, "salesforce")))
    assert result.exit_code == 1
    assert "winback.yaml:1:8: paper:" in result.stderr
    assert "fix winback.yaml first: each imported file is checked with it" in result.stderr
    assert not accounts(project_dir)


def test_the_example_is_no_client_and_two_files_of_one_name_are_a_problem(tmp_path,
                                                                          monkeypatch):
    project = tmp_path / "dossiers"
    run_cli(tmp_path, "init", str(project))
    monkeypatch.chdir(project)
    made = run_cli(project, "new", "Northwind Freight", "--status", "lost", "--today",
                   "2026-10-01")
    example = (project / "content" / "accounts" / "example-northwind-freight.md").read_text()
    write(project / "content" / "accounts" / "calloway.md",
          "---\nname: Calloway Foodservice\nstatus: active\n---\n")
    write(project / "content" / "accounts" / "calloway-2.md",
          "---\nname: calloway  foodservice\nstatus: active\n---\n")
    folder = export(tmp_path, "salesforce")
    result = run_cli(project, "import", "--rules", "salesforce", *csvs(folder))
    assert made.exit_code == 0 and result.exit_code == 1
    assert "added to content/accounts/northwind-freight.md: 7 facts, 2 people" in result.stdout
    assert (project / "content" / "accounts" / "example-northwind-freight.md").read_text() \
        == example
    assert ("accounts.csv:3:22: 'Calloway Foodservice' could be any of "
            "content/accounts/calloway-2.md, content/accounts/calloway.md (add 'crm: <its "
            "id>' to the one it is, or rename the others)") in result.stderr
    assert "contacts.csv:4:" not in result.stderr  # its rows are left out with it, unsaid
    assert "calloway-foodservice.md" not in accounts(project)


def test_without_the_opportunities_nothing_is_said_of_a_files_status(project_dir, tmp_path):
    path = write(project_dir / "content" / "accounts" / "northwind.md",
                 "---\nname: Northwind Freight\nstatus: lost\nlost: 2026-09-30\n"
                 "loss_reasons: [price]\n---\n")
    folder = export(tmp_path, "salesforce")
    result = run_cli(project_dir, "import", "--rules", "salesforce",
                     *csvs(folder, ("accounts", "cases")))
    assert result.exit_code == 0, result.stderr
    assert "warning" not in result.stderr
    assert "status: lost\n" in path.read_text() and "crm: 00001026" in path.read_text()
    assert "status: active\n" in accounts(project_dir)["harlow-dental-group.md"]
