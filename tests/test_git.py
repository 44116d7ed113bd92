"""What comes from git: account files that are links, commit messages of any bytes,
repository-configured commands that must never run, and a repository git refuses."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import FULL_ACCOUNT, MINIMAL_ACCOUNT, TODAY, git, run_cli, write

from generator.commands.serve import DevServer, ServeOptions
from generator.history import read_history

LINKS = ("committed", "untracked", "dangling")
LINK_HINT = "outside its folder (copy the account into content/accounts/ instead of linking to it)"


@pytest.fixture
def linked(project_dir: Path, tmp_path_factory) -> Path:
    """A repository with a good account beside three links out of content/accounts/:
    one committed, one untracked and one leading nowhere."""
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    write(elsewhere / "client.md", MINIMAL_ACCOUNT)
    accounts = project_dir / "content" / "accounts"
    write(accounts / "good.md", FULL_ACCOUNT)
    git(project_dir, "init", "-q", "-b", "main")
    (accounts / "committed.md").symlink_to(elsewhere / "client.md")
    (accounts / "dangling.md").symlink_to(elsewhere / "gone.md")
    git(project_dir, "add", ".")
    git(project_dir, "commit", "-q", "-m", "Accounts")
    (accounts / "untracked.md").symlink_to(elsewhere / "client.md")
    return project_dir


def said_of_links(output: str) -> set[str]:
    return {name for name in LINKS if f"{name}.md: the file links to " in output
            and LINK_HINT in output}


DAY = ("--today", TODAY.isoformat())


@pytest.mark.parametrize(("command", "reported"), [
    (("build", "--no-pdf", *DAY), LINKS),
    (("pdf", "good", "committed", *DAY), ("committed",)),  # only the files it names
    (("list",), LINKS),
    (("check",), LINKS)])
def test_links_out_of_the_accounts_folder_are_reported_by_every_command(linked, command,
                                                                        reported):
    result = run_cli(linked, *command)
    assert result.exit_code == 1, result.output
    assert said_of_links(result.stderr) == set(reported), result.stderr
    if command[0] == "list":
        assert "Northwind Freight" in result.stdout
    elif command[0] != "check":
        assert (linked / "output" / "accounts" / "good.html").is_file()
        assert not (linked / "output" / "accounts" / "committed.html").exists()


def test_links_out_of_the_accounts_folder_are_reported_by_serve(linked):
    dev = DevServer(linked, ServeOptions(port=0, today=TODAY))
    problems = dev.rebuild()
    assert said_of_links("\n".join(p.headline(linked) for p in problems)) == set(LINKS)
    assert not any("fault in winback" in p.hint for p in problems)
    assert (linked / "output" / "accounts" / "good.html").is_file()


def test_a_link_within_the_accounts_folder_has_the_history_of_what_it_names(linked):
    accounts = linked / "content" / "accounts"
    (accounts / "alias.md").symlink_to("good.md")
    repo = read_history(accounts)
    assert repo.of(accounts / "alias.md") == repo.of(accounts / "good.md")
    assert repo.of(accounts / "good.md").last.subject == "Accounts"
    assert repo.of(accounts / "committed.md").name == "content/accounts/committed.md"


def test_commit_messages_of_any_bytes_are_read_as_they_are(project_dir, add_account):
    git(project_dir, "init", "-q", "-b", "main")
    add_account("northwind", FULL_ACCOUNT)
    git(project_dir, "add", ".")
    git(project_dir, "commit", "-q", "-m", "Split\x1eon\x1fthese\nand a second line")
    path = add_account("harlow", MINIMAL_ACCOUNT)
    git(project_dir, "add", ".")
    git(project_dir, "commit", "-q", "--allow-empty-message", "-m", "")
    path.write_text(path.read_text() + "\n## History\n- 2026-11-20: Called.\n")
    git(project_dir, "commit", "-q", "-am", "Harlow: called\x1e")
    result = run_cli(project_dir, "build", "--no-pdf", *DAY)
    assert result.exit_code == 0, result.output
    northwind = (project_dir / "output" / "accounts" / "northwind.html").read_text()
    assert "Dana Reyes: Split\x1eon\x1fthese and a second line <code>" in northwind
    harlow = (project_dir / "output" / "accounts" / "harlow.html").read_text()
    assert "Dana Reyes: Harlow: called\x1e <code>" in harlow
    assert "Dana Reyes:  <code>" in harlow  # the commit without a message


@pytest.fixture
def baited(project_dir: Path, add_account) -> Path:
    """A repository whose settings name programs for git to run, each leaving a mark in
    `marks/` when it runs: a file-system monitor, a clean filter and a text conversion
    that a committed .gitattributes gives to every account, and a pager. One account
    has uncommitted edits, another errors now but built when committed."""
    marks = project_dir / "marks"
    marks.mkdir()
    git(project_dir, "init", "-q", "-b", "main")
    write(project_dir / ".gitattributes", "*.md filter=mark diff=mark\n")
    add_account("northwind", FULL_ACCOUNT)
    broken = add_account("harlow", MINIMAL_ACCOUNT)
    git(project_dir, "add", ".")
    git(project_dir, "commit", "-q", "-m", "Accounts")
    monitor = write(project_dir / "monitor.sh", f"#!/bin/sh\ntouch {marks}/fsmonitor\n")
    monitor.chmod(0o755)
    for name, command in (("core.fsmonitor", str(monitor)),
                          ("filter.mark.clean", f"touch {marks}/clean; cat"),
                          ("filter.mark.smudge", f"touch {marks}/smudge; cat"),
                          ("diff.mark.textconv", f"touch {marks}/textconv; cat"),
                          ("core.pager", f"touch {marks}/pager; cat")):
        git(project_dir, "config", name, command)
    northwind = project_dir / "content" / "accounts" / "northwind.md"
    northwind.write_text(northwind.read_text().replace("5200000", "5300000"))
    broken.write_text(MINIMAL_ACCOUNT.replace("status: lost", "status: lsot"))
    return project_dir


def test_git_runs_none_of_the_programs_a_repository_names(baited):
    result = run_cli(baited, "build", "--no-pdf", *DAY)
    assert result.exit_code == 1
    assert "harlow.md:3:9: status: 'lsot' is not one of" in result.stderr
    harlow = (baited / "output" / "accounts" / "harlow.html").read_text()
    assert "Harlow Dental" in harlow  # kept from the version committed, read from git
    assert "with edits not yet committed" in (
        baited / "output" / "accounts" / "northwind.html").read_text()
    run_cli(baited, "check")
    run_cli(baited, "list")
    assert sorted(p.name for p in (baited / "marks").iterdir()) == []


def test_a_repository_git_distrusts_is_named_with_gits_fix_and_pages_are_kept(
        project_dir, add_account, monkeypatch, tmp_path_factory):
    git(project_dir, "init", "-q", "-b", "main")
    add_account("northwind", FULL_ACCOUNT)
    harlow = add_account("harlow", MINIMAL_ACCOUNT)
    git(project_dir, "add", ".")
    git(project_dir, "commit", "-q", "-m", "Accounts")
    assert run_cli(project_dir, "build", "--no-pdf", *DAY).exit_code == 0
    kept = (project_dir / "output" / "accounts" / "harlow.html").read_text()
    harlow.write_text(MINIMAL_ACCOUNT.replace("status: lost", "status: lsot"))
    # As when the repository belongs to another user (a container, a CI runner).
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path_factory.mktemp("home") / "gitconfig"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_TEST_ASSUME_DIFFERENT_OWNER", "1")
    fix = f"git config --global --add safe.directory {project_dir}"
    result = run_cli(project_dir, "build", "--no-pdf", *DAY)
    assert result.exit_code == 1, result.output
    said = [line for line in result.stderr.splitlines() if "dubious ownership" in line]
    assert len(said) == 1 and f"run `{fix}`" in said[0], result.stderr
    assert ": warning: " in said[0] and "not a git repository" not in result.output
    assert "harlow.md:3:9: status: 'lsot' is not one of" in result.stderr
    assert (project_dir / "output" / "accounts" / "harlow.html").read_text() == kept
    northwind = (project_dir / "output" / "accounts" / "northwind.html").read_text()
    assert "No file history: git refuses to read the repository" in northwind
