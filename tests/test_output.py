"""The output folder: winback's alone, checked before anything is written."""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

import pytest
from conftest import FULL_ACCOUNT, TODAY, run_cli, site_files, write

STOPPED = "Build stopped: the output folder is refused."


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    write(root / "content" / "accounts" / "acme.md", FULL_ACCOUNT)
    write(root / "templates" / "print.css", "body { color: black; }\n")
    return root


def build(root: Path, *args: str):
    return run_cli(root, "build", "--no-pdf", "--today", TODAY.isoformat(), *args)


@pytest.mark.parametrize("out, expected", [
    (".", "the output folder is the project folder or holds it"),
    ("..", "the output folder is the project folder or holds it"),
    ("content", "the output folder overlaps {root}/content, which the build reads"),
    ("content/accounts/site", "the output folder overlaps {root}/content, which the build reads"),
    ("templates", "the output folder overlaps {root}/templates, which the build reads"),
    (".winback-cache", "the output folder overlaps {root}/.winback-cache, which the build reads"),
])
def test_an_output_folder_among_the_sources_is_refused(project, out, expected):
    write(project / "index.html", "<p>my own page</p>\n")
    write(project / "assets" / "style.css", "/* mine */\n")
    write(project / "winback.yaml", f'output_dir: "{out}"\n')
    before = site_files(project.parent)
    result = build(project)
    assert result.exit_code == 1
    assert expected.format(root=project) in result.stderr
    assert result.stderr.splitlines()[-1] == STOPPED
    assert site_files(project.parent) == before


def test_the_out_option_is_checked_too(project):
    write(project / "index.html", "<p>my own page</p>\n")
    before = site_files(project)
    result = build(project, "--out", str(project))
    assert result.exit_code == 1 and "is the project folder or holds it" in result.stderr
    assert site_files(project) == before


def test_a_home_folder_is_read_as_home_and_refused_for_its_files(project, tmp_path, monkeypatch):
    home = tmp_path / "home"
    write(home / "notes.txt", "mine\n")
    monkeypatch.setenv("HOME", str(home))
    write(project / "winback.yaml", 'output_dir: "~"\n')
    result = build(project)
    assert result.exit_code == 1
    assert (f"{home}: the output folder has files that no winback build made: notes.txt "
            "(build into an empty or new folder with --out, or give --force to build over it)"
            in result.stderr)
    assert not (project / "~").exists() and sorted(p.name for p in home.iterdir()) == ["notes.txt"]


def test_a_folder_of_someone_elses_files_is_refused_unless_forced(project, tmp_path):
    site = tmp_path / "site"
    write(site / "index.html", "<p>my own page</p>\n")
    write(site / "assets" / "style.css", "/* mine */\n")
    refused = build(project, "--out", str(site))
    assert refused.exit_code == 1
    assert "the output folder has files that no winback build made: assets, index.html" in (
        refused.stderr)
    assert site_files(site) == {"assets/style.css": b"/* mine */\n",
                           "index.html": b"<p>my own page</p>\n"}
    forced = build(project, "--out", str(site), "--force")
    assert forced.exit_code == 0, forced.stderr
    assert b"my own page" not in (site / "index.html").read_bytes()
    assert build(project, "--out", str(site)).exit_code == 0  # marked as ours now


def test_a_folder_an_earlier_build_made_is_still_ours(project):
    assert build(project).exit_code == 0
    (project / "output" / ".winback-output").unlink()  # made before folders were marked
    assert build(project).exit_code == 0


def test_an_output_subfolder_linked_out_of_the_folder_is_refused(project, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (project / "output").mkdir()
    (project / "output" / "accounts").symlink_to(elsewhere)
    result = build(project)
    assert result.exit_code == 1
    assert (f"{project}/output/accounts is a link to {elsewhere}, outside the output folder "
            "(remove the link: winback writes only inside the output folder)" in result.stderr)
    assert list(elsewhere.iterdir()) == []


def test_serve_refuses_an_output_folder_among_the_sources(project):
    result = run_cli(project, "serve", "--port", "0", "--out", str(project))
    assert result.exit_code == 1
    assert "is the project folder or holds it" in result.stderr
    assert "Error: nothing is served" in result.stderr


# --- the build state: never trusted blindly, never needed -------------------------------

def read_only(monkeypatch, folder: Path) -> None:
    """Writes under `folder` fail as they do on a read-only file system."""
    import os
    import shutil

    def refuse(real):
        def call(path, *args, **kwargs):
            if Path(path).resolve().is_relative_to(folder.resolve()):
                raise PermissionError(13, "Permission denied", str(path))
            return real(path, *args, **kwargs)
        return call

    for name in ("mkdir", "write_bytes", "write_text", "unlink"):
        monkeypatch.setattr(Path, name, refuse(getattr(Path, name)))
    monkeypatch.setattr(os, "replace", refuse(os.replace))
    monkeypatch.setattr(shutil, "rmtree", refuse(shutil.rmtree))


@pytest.mark.parametrize("clean", [(), ("--clean",)])
def test_a_read_only_project_builds_without_saving_its_state(project, tmp_path, monkeypatch,
                                                             clean):
    site = tmp_path / "site"
    if clean:
        assert build(project, "--out", str(site)).exit_code == 0  # a state to clear
    read_only(monkeypatch, project)
    result = build(project, "--out", str(site), *clean)
    assert result.exit_code == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if "build state" in line]
    assert len(warnings) == 1 and warnings[0].endswith(
        "warning: cannot write the build state: Permission denied (built without it; the "
        "next build redoes everything)")
    assert (site / "accounts" / "acme.html").is_file() and (site / "index.html").is_file()


@pytest.mark.parametrize("damage", [
    None,  # not a database at all
    "DROP TABLE outputs",
    "UPDATE inputs SET depends = '{}'",
    "UPDATE inputs SET problems = '[{}]'",
    "UPDATE outputs SET size = 'big'",
    "UPDATE inputs SET drafts = '[\"acc'",
])
def test_a_state_file_of_the_wrong_shape_is_set_aside(project, damage):
    from generator.engine.state import StateStore
    from generator.project import open_project

    assert build(project).exit_code == 0
    expected = site_files(project / "output")
    state_file = StateStore(open_project(project)).state_file
    if damage is None:
        state_file.write_text("[]")
    else:
        with contextlib.closing(sqlite3.connect(state_file)) as db, db:
            db.execute(damage)
    result = build(project)
    assert result.exit_code == 0, result.stderr
    assert "warning: the build state " in result.stderr
    assert "(nothing to do: this build starts afresh and saves a sound one)" in result.stderr
    assert site_files(project / "output") == expected
    assert "the build state" not in build(project).stderr  # saved sound again


def test_the_json_state_of_an_earlier_version_is_replaced(project):
    from generator.engine.state import StateStore
    from generator.project import open_project

    store = StateStore(open_project(project))
    old = [write(store.folder / "state.json", '{"format": 5}'),
           write(store.folder / "summaries" / "acme.json", "{}")]
    result = build(project)
    assert result.exit_code == 0 and "build state" not in result.stderr, result.stderr
    assert not any(path.exists() for path in old) and not (store.folder / "summaries").exists()
    assert sorted(p.name for p in store.folder.iterdir()) == ["state.sqlite"]


def test_a_damaged_kept_summary_never_reaches_the_calendar(project):
    from generator.engine.state import StateStore
    from generator.project import open_project

    write(project / "content" / "accounts" / "beta.md",
          FULL_ACCOUNT.replace("Northwind Freight", "Beta Freight"))
    assert build(project).exit_code == 0
    state_file = StateStore(open_project(project)).state_file
    with contextlib.closing(sqlite3.connect(state_file)) as db, db:
        (data,) = db.execute("SELECT data FROM summaries WHERE slug = 'acme'").fetchone()
        assert data.count(b"Win-back meeting: Northwind") == 1
        db.execute("UPDATE summaries SET data = ? WHERE slug = 'acme'", (data.replace(
            b"Win-back meeting: Northwind", b"Win-back meeting: Northwine"),))
    write(project / "content" / "accounts" / "beta.md",  # the portfolio is made again...
          FULL_ACCOUNT.replace("Northwind Freight", "Beta Freight").replace("5200000", "1"))
    assert build(project).exit_code == 0  # ...from the kept summary of acme, if trusted
    calendar = (project / "output" / "calendar.ics").read_text()
    assert "Northwine" not in calendar and "Win-back meeting: Northwind Freight" in calendar
