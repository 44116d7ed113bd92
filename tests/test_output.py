"""The output folder: winback's alone, checked before anything is written."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import FULL_ACCOUNT, TODAY, run_cli, write

STOPPED = "Build stopped: the output folder is refused."


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    write(root / "content" / "accounts" / "acme.md", FULL_ACCOUNT)
    write(root / "templates" / "print.css", "body { color: black; }\n")
    return root


def build(root: Path, *args: str):
    return run_cli(root, "build", "--no-pdf", "--today", TODAY.isoformat(), *args)


def files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}


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
    before = files(project.parent)
    result = build(project)
    assert result.exit_code == 1
    assert expected.format(root=project) in result.stderr
    assert result.stderr.splitlines()[-1] == STOPPED
    assert files(project.parent) == before


def test_the_out_option_is_checked_too(project):
    write(project / "index.html", "<p>my own page</p>\n")
    before = files(project)
    result = build(project, "--out", str(project))
    assert result.exit_code == 1 and "is the project folder or holds it" in result.stderr
    assert files(project) == before


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
    assert files(site) == {"assets/style.css": b"/* mine */\n",
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
