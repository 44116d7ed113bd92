"""Bad input, crashes and concurrent builds: nothing crashes, leaks or is lost."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import (
    FULL_ACCOUNT,
    REPO,
    TODAY,
    assert_alone_reported,
    build_beside_good,
    run_cli,
    site_files,
    write,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.cli import main
from generator.commands.build import BuildOptions, build
from generator.project import open_project
from generator.schema import Config
from generator.validate import read_account
from generator.write import claimed

ALIAS_BOMB = "---\nname: Bomb\nstatus: active\na: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + n)}: &{chr(98 + n)} [{', '.join(['*' + chr(97 + n)] * 10)}]\n" for n in range(8)
) + "---\n"

BAD_FILES: dict[str, tuple[bytes, str]] = {
    "tabs": (b"---\nname: X\npeople:\n\t- name: A\n---\n", ":4:1: a tab is used to indent"),
    "indentation": (b"---\nname: X\n  status: lost\n---\n",
                    ":3:3: this line is indented more than 'name' on line 2"),
    "unclosed-quote": (b'---\nname: "X\nstatus: lost\n---\n',
                       ":2:7: this quote is never closed"),
    "never-closed": (b"---\nname: X\nstatus: lost\n", ":1:1: front matter is never closed"),
    "wrong-type": (b"---\nname: X\nstatus: active\nvalue: lots\n---\n",
                   ":4:8: value: expected a number"),
    "duplicate-key": (b"---\nname: X\nstatus: active\nname: Y\n---\n",
                      ":4:1: name: duplicate key (first set on line 2)"),
    "alias-bomb": (ALIAS_BOMB.encode(), "YAML expands to more than 20,000 values"),
    "impossible-date": (b"---\nname: X\nstatus: lost\nlost: 2026-02-30\n---\n",
                        ":4:7: lost: '2026-02-30' is not a valid date"),
    "empty": (b"", ":1:1: file does not start with front matter"),
    "not-utf8": (b"---\nname: Caf\xe9\n---\n", ":2:10: byte 0xe9 is not valid UTF-8"),
    "binary": (bytes(range(256)) * 4, ":2:118: byte 0x80 is not valid UTF-8"),
    "nul-bytes": (b"---\nname: X\x00\x01\x02\n---\n", ":2:8: file contains a NUL byte"),
    "huge": (b"---\nname: X\nstatus: active\n---\n" + b"x" * (20 * 1024 * 1024),
             "file is 20,971,551 bytes; the limit is 2,097,152 (2 MB)"),
}


@pytest.mark.parametrize("kind", sorted(BAD_FILES))
def test_each_bad_file_is_reported_and_the_others_still_build(project_dir, add_account, kind):
    add_account("good", FULL_ACCOUNT)
    data, expected = BAD_FILES[kind]
    (project_dir / "content" / "accounts" / f"{kind}.md").write_bytes(data)
    result = CliRunner().invoke(main, ["-C", str(project_dir), "build", "--no-pdf",
                                       "--today", "2026-11-26"])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    problems = result.stderr.splitlines()
    assert any(f"{kind}.md" in line and expected in line for line in problems), result.stderr
    assert problems[-1].startswith("Built 1 of 2 dossiers into ")
    assert (project_dir / "output" / "accounts" / "good.html").is_file()
    assert not (project_dir / "output" / "accounts" / f"{kind}.md").exists()


@pytest.mark.parametrize("data", [
    "\ufeff" + FULL_ACCOUNT,
    FULL_ACCOUNT.replace("\n", "\r\n"),
    ("\ufeff" + FULL_ACCOUNT).replace("\n", "\r\n"),
])
def test_byte_order_mark_and_crlf_build_like_plain_files(project_dir, data):
    path = project_dir / "content" / "accounts" / "good.md"
    path.write_bytes(data.encode("utf-8"))
    report = build(open_project(project_dir), BuildOptions(today=TODAY, pdf=False))
    assert report.ok and report.built == ["good"]


def test_names_differing_only_in_case(project_dir, add_account):
    add_account("acme", FULL_ACCOUNT)
    add_account("ACME", FULL_ACCOUNT)
    report = build(open_project(project_dir), BuildOptions(today=TODAY, pdf=False))
    assert report.built == ["acme"] and report.failed == ["ACME"]
    (problem,) = [p for p in report.problems if p.is_error]
    assert problem.hint == "'acme.md' exists already: merge this file into it, then delete this one"


def test_a_link_to_outside_the_project_is_refused(project_dir, tmp_path_factory):
    secret = tmp_path_factory.mktemp("elsewhere") / "secret.md"
    secret.write_text(FULL_ACCOUNT)
    (project_dir / "content" / "accounts" / "linked.md").symlink_to(secret)
    report = build(open_project(project_dir), BuildOptions(today=TODAY, pdf=False))
    assert report.failed == ["linked"]
    assert report.problems[0].message == f"the file links to {secret}, outside its folder"
    assert not (project_dir / "output" / "accounts" / "linked.html").exists()


def test_hostile_owner_name_stays_inside_the_output(project_dir, add_account):
    add_account("acme", FULL_ACCOUNT.replace("owner: Dana Reyes", 'owner: "../../../etc/x"'))
    build(open_project(project_dir), BuildOptions(today=TODAY, pdf=False))
    written = {p.resolve() for p in (project_dir / "output").rglob("*")}
    assert all(p.is_relative_to((project_dir / "output").resolve()) for p in written)
    assert (project_dir / "output" / "owners" / "etc-x.html").is_file()


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(
    st.text(max_size=400),
    st.builds(lambda front, body: f"---\n{front}\n---\n{body}",
              st.text(alphabet=st.sampled_from(list("abc:- \n\t[]{}&*!|>'\"#%@`0129.,")),
                      max_size=200),
              st.text(max_size=200)),
))
def test_fuzz_loader_and_validator_never_raise(tmp_path_factory, text):
    path = tmp_path_factory.getbasetemp() / "fuzz.md"
    path.write_text(text, encoding="utf-8")
    account, log = read_account(path, Config())
    assert (account is None) == log.has_errors
    assert all(p.line >= 0 and p.column >= 0 and p.message for p in log.problems)


# --- nothing lost ------------------------------------------------------------------------


def corpus(root: Path, count: int, value: int) -> None:
    sys.path.insert(0, str(REPO / "bench"))
    from corpus import write_corpus

    write_corpus(count, root)
    for path in (root / "content" / "accounts").glob("*.md"):
        path.write_text(path.read_text().replace("\nvalue: ", f"\nvalue: {value}"))


def test_kill_9_mid_build_keeps_good_output_and_the_next_build_is_right(tmp_path):
    root = tmp_path / "p"
    corpus(root, 300, 1)
    command = [sys.executable, "-m", "generator", "-C", str(root), "build", "--no-pdf",
               "--today", "2026-11-26", "-j", "2"]
    subprocess.run(command, check=True, capture_output=True)
    before = site_files(root / "output")
    corpus(root, 300, 2)  # every account changes
    started = time.time_ns()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    deadline = time.monotonic() + 120
    while not written_since(root / "output" / "accounts", started) and process.poll() is None:
        assert time.monotonic() < deadline, "the build wrote nothing"
        time.sleep(0.01)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    after = site_files(root / "output")
    for name, data in after.items():
        if name.endswith(".html"):
            assert data.rstrip().endswith(b"</html>"), name  # every page whole
    changed = [name for name in after if after[name] != before.get(name)]
    assert changed and process.returncode == -signal.SIGKILL, "the kill came too late"
    subprocess.run(command, check=True, capture_output=True)
    assert not [name for name in site_files(root / "output") if name.endswith(".tmp")]
    clean = tmp_path / "clean"
    subprocess.run([*command, "--out", str(clean), "--clean"], check=True, capture_output=True)
    assert site_files(root / "output") == site_files(clean)


KILLED_WHILE_SAVING = """
import os, signal, sys
from generator.engine import state

def torn(db, saved):  # the state half written, spilled to the file, then killed
    db.execute("PRAGMA cache_size = 1")
    real(db, saved)
    os.kill(os.getpid(), signal.SIGKILL)

real, state._write_state = state._write_state, torn
from generator.cli import main
main(sys.argv[1:])
"""


def test_a_build_killed_while_saving_its_state_leaves_the_last_one_whole(tmp_path):
    import sqlite3

    root = tmp_path / "p"
    corpus(root, 40, 1)
    command = ["-C", str(root), "build", "--no-pdf", "--today", "2026-11-26", "-j", "1"]
    subprocess.run([sys.executable, "-m", "generator", *command], check=True,
                   capture_output=True)
    (state_file,) = (root / ".winback-cache").rglob("state.sqlite")
    saved = sqlite3.connect(state_file)
    before = saved.execute("SELECT * FROM inputs ORDER BY name").fetchall()
    saved.close()
    corpus(root, 40, 2)  # every account changes: the save rewrites every row
    killed = subprocess.run([sys.executable, "-c", KILLED_WHILE_SAVING, *command],
                            capture_output=True)
    assert killed.returncode == -signal.SIGKILL
    assert list(state_file.parent.glob("state.sqlite-journal")), "nothing was half written"
    saved = sqlite3.connect(state_file)  # opening it rolls the torn save back
    assert saved.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert saved.execute("SELECT * FROM inputs ORDER BY name").fetchall() == before
    saved.close()
    again = subprocess.run([sys.executable, "-m", "generator", *command],
                           capture_output=True, text=True)
    assert again.returncode == 0 and "build state" not in again.stderr, again.stderr
    clean = tmp_path / "clean"
    subprocess.run([sys.executable, "-m", "generator", *command, "--out", str(clean),
                    "--clean"], check=True, capture_output=True)
    assert site_files(root / "output") == site_files(clean)


def written_since(folder: Path, since_ns: int) -> bool:
    try:
        return any(entry.stat().st_mtime_ns > since_ns for entry in os.scandir(folder))
    except FileNotFoundError:
        return False  # a file renamed while it was being looked at


def test_the_sweep_removes_only_what_a_build_of_ours_wrote(project_dir):
    accounts = project_dir / "content" / "accounts"
    gone = FULL_ACCOUNT.replace("Northwind Freight", "Gone Client").replace(
        "owner: Dana Reyes", "owner: Gone Owner")
    write(accounts / "gone.md", gone)
    write(accounts / "lost.md", gone.replace("Gone Client", "Lost Client"))
    assert build_beside_good(project_dir).exit_code == 0
    out = project_dir / "output"
    theirs = [write(out / "accounts" / "notes.html", "<p>ours, not the build's</p>\n"),
              write(out / "owners" / "team.pdf", "a printout someone keeps here\n"),
              write(out / "assets" / "old-theme.css", "/* kept by hand */\n")]
    edited = out / "accounts" / "lost-plan.html"
    write(edited, "<p>changed by hand since the build wrote it</p>\n")
    (accounts / "gone.md").unlink()
    (accounts / "lost.md").unlink()
    leftovers = [out / "accounts" / ".good.html.k9x2ab.tmp", out / ".index.html.3fj2.tmp",
                 out / "assets" / ".style.css.q1w2.tmp"]  # left by a build killed mid-write
    for path in leftovers:
        path.write_text("<html><body>half")
    result = build_beside_good(project_dir)
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in (out / "accounts").iterdir()) == [
        "good-letters.html", "good-plan.html", "good.html", "lost-plan.html", "notes.html"]
    assert sorted(p.name for p in (out / "owners").iterdir()) == [
        "dana-reyes.html", "sam-okafor.html", "team.pdf"]
    assert all(path.exists() for path in [*theirs, edited])
    assert not any(path.exists() for path in leftovers)
    assert "Gone Client" not in (out / "index.html").read_text()


def test_after_the_state_is_lost_pages_of_removed_accounts_stay(project_dir):
    gone = FULL_ACCOUNT.replace("Northwind Freight", "Gone Client")
    write(project_dir / "content" / "accounts" / "gone.md", gone)
    assert build_beside_good(project_dir).exit_code == 0
    (project_dir / "content" / "accounts" / "gone.md").unlink()
    shutil.rmtree(project_dir / ".winback-cache")  # nothing says the build wrote them
    assert build_beside_good(project_dir).exit_code == 0
    out = project_dir / "output"
    assert (out / "accounts" / "gone.html").exists()
    assert "Gone Client" not in (out / "index.html").read_text()


def test_clean_builds_sweep_too(project_dir):
    write(project_dir / "content" / "accounts" / "gone.md", FULL_ACCOUNT)
    assert build_beside_good(project_dir, pdf=True).exit_code == 0
    (project_dir / "content" / "accounts" / "gone.md").unlink()
    cleaned = build_beside_good(project_dir, "--clean")
    assert cleaned.exit_code == 0, cleaned.stderr
    names = sorted(p.name for p in (project_dir / "output" / "accounts").iterdir())
    # --no-pdf keeps the briefs of current accounts
    assert names == ["good-letters.html", "good-letters.pdf", "good-plan.html", "good-plan.pdf",
                     "good.html", "good.pdf"]


def test_one_build_at_a_time_per_output_folder_whichever_project(tmp_path):
    first, second, out = tmp_path / "first", tmp_path / "second", tmp_path / "site"
    write(first / "content" / "accounts" / "acme.md", FULL_ACCOUNT)
    write(second / "content" / "accounts" / "beta.md", FULL_ACCOUNT)
    with claimed(out, first.resolve()) as mine:  # the first project's build is writing
        assert mine
        busy = run_cli(second, "build", "--no-pdf", "--out", str(out), "--force")
    assert busy.exit_code == 1
    assert f"{out}: another winback build is writing this folder" in busy.stderr
    assert busy.stderr.splitlines()[-1] == "Build stopped: the output folder is busy."
    assert not (out / "accounts").exists()


def test_a_folder_built_by_another_project_is_refused_unless_forced(tmp_path):
    first, second, out = tmp_path / "first", tmp_path / "second", tmp_path / "site"
    write(first / "content" / "accounts" / "acme.md", FULL_ACCOUNT)
    write(second / "content" / "accounts" / "beta.md", FULL_ACCOUNT)
    assert run_cli(first, "build", "--no-pdf", "--out", str(out)).exit_code == 0
    refused = run_cli(second, "build", "--no-pdf", "--out", str(out))
    assert refused.exit_code == 1
    assert (f"{out}: the output folder holds the build of another project ({first}) (build "
            "into an empty or new folder with --out, or give --force to build over it)"
            in refused.stderr)
    assert sorted(p.name for p in (out / "accounts").iterdir()) == ["acme-letters.html",
                                                                    "acme-plan.html",
                                                                    "acme.html"]
    forced = run_cli(second, "build", "--no-pdf", "--out", str(out), "--force")
    assert forced.exit_code == 0, forced.stderr
    # --force writes over the folder; the first project's pages are not its own to remove
    assert sorted(p.name for p in (out / "accounts").iterdir()) == [
        "acme-letters.html", "acme-plan.html", "acme.html", "beta-letters.html",
        "beta-plan.html", "beta.html"]
    assert run_cli(second, "build", "--no-pdf", "--out", str(out)).exit_code == 0


def test_disk_full_is_reported_and_loses_nothing(project_dir, add_account, monkeypatch):
    add_account("acme", FULL_ACCOUNT)
    add_account("beta", FULL_ACCOUNT.replace("Northwind Freight", "Beta"))
    build(open_project(project_dir), BuildOptions(today=TODAY, pdf=False))
    out = project_dir / "output"
    before = site_files(out)
    add_account("acme", FULL_ACCOUNT.replace("value: 5200000", "value: 1"))
    real_replace = os.replace

    def full(source, target):
        if str(target).endswith("acme.html"):
            raise OSError(28, "No space left on device")
        return real_replace(source, target)

    monkeypatch.setattr(os, "replace", full)
    report = build(open_project(project_dir), BuildOptions(today=TODAY, pdf=False))
    monkeypatch.undo()
    assert not report.ok and "acme" in report.failed
    (problem,) = [p for p in report.problems if p.is_error]
    assert problem.message == "cannot write: No space left on device"
    assert problem.path == (out / "accounts" / "acme.html").resolve()
    assert site_files(out)["accounts/acme.html"] == before["accounts/acme.html"]
    assert not [p for p in out.rglob("*.tmp")]
    assert build(open_project(project_dir), BuildOptions(today=TODAY, pdf=False)).ok
    assert "$1" in (out / "accounts" / "acme.html").read_text()


IMAGE_BYPASSES = {  # each looks relative, but a browser reads it as another host or '..'
    "unc": ('<img src="\\\\127.0.0.2\\x.png">', 11,
            "it is an absolute path or names another host"),
    "leading-space": ('<img src=" //127.0.0.2/x.png">', 11,
                      "it is an absolute path or names another host"),
    "backslash-slash": ("![x](\\/127.0.0.2/x.png)", 6,
                        "it is an absolute path or names another host"),
    "percent-dots": ("![x](%2e%2e/%2e%2e/%2e%2e/x.png)", 6, "it leaves the project with '..'"),
    "backslash-dots": ('<img src="..\\..\\..\\x.png">', 11, "it leaves the project with '..'"),
    "encoded-twice": ("![x](%252e%252e/%252e%252e/%252e%252e/x.png)", 6,
                      "it leaves the project with '..'"),
    "assets-then-out": ("![x](../../assets/../.env)", 6,
                        "it is not in the project's assets/ folder"),
    "tab-inside": ('<img src="/\t/127.0.0.2/x.png">', 11,
                   "it is an absolute path or names another host"),
}


@pytest.mark.parametrize("kind", sorted(IMAGE_BYPASSES))
def test_an_image_that_reads_as_another_host_or_folder_is_removed_and_reported(project_dir, kind):
    image, column, why = IMAGE_BYPASSES[kind]
    write(project_dir / "content" / "accounts" / "pixel.md",
          "---\nname: Pixel\nstatus: active\n---\n## Why they signed\n" + image + "\n")
    result = build_beside_good(project_dir)
    assert result.exit_code == 0, result.stderr
    assert f"pixel.md:6:{column}: warning: Why they signed: image " in result.stderr
    assert f"is removed: {why} (write plain Markdown: links by http, https or mailto, images " \
           "from the project's assets/ folder)" in result.stderr
    page = (project_dir / "output" / "accounts" / "pixel.html").read_text()
    assert "127.0.0.2" not in page and "x.png" not in page and ".env" not in page
    assert (project_dir / "output" / "accounts" / "good.html").is_file()


# --- the output folder and the build state are folders of their own -------------------

@pytest.mark.parametrize("name", ["output", ".winback-cache"])
def test_an_output_or_state_folder_that_is_a_link_is_refused_before_anything_is_written(
        project_dir, tmp_path_factory, name):
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    link = project_dir / name
    link.symlink_to(elsewhere, target_is_directory=True)  # as a pull request could commit it
    for command in (("build", "--no-pdf"), ("build",), ("pdf", "good")):
        result = build_beside_good(project_dir) if command == ("build", "--no-pdf") else \
            run_cli(project_dir, *command, "--today", TODAY.isoformat())
        assert result.exit_code == 1, result.output
        what = "the output folder" if name == "output" else "the build state folder"
        assert (f"{name}: {what} is reached through a symbolic link ({link} -> {elsewhere}); "
                f"winback does not build through links (remove the link (rm {link}); the "
                "build makes a folder of its own there)") in result.stderr, result.stderr
        assert list(elsewhere.iterdir()) == [], command  # nothing written where it leads
    link.unlink()
    assert build_beside_good(project_dir).exit_code == 0


def test_an_output_folder_reached_through_a_linked_folder_of_the_project_is_refused(
        project_dir, tmp_path_factory):
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    (project_dir / "site").symlink_to(elsewhere, target_is_directory=True)
    write(project_dir / "winback.yaml", "output_dir: site/output\n")
    result = build_beside_good(project_dir)
    assert result.exit_code == 1
    assert "site: the output folder is reached through a symbolic link" in result.stderr
    assert list(elsewhere.iterdir()) == []


@pytest.mark.parametrize("gitignore", [REPO / ".gitignore",
                                       REPO / "generator" / "scaffold" / "gitignore"])
def test_the_shipped_gitignore_ignores_the_output_and_state_as_links_too(tmp_path, gitignore):
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    shutil.copy(gitignore, tmp_path / ".gitignore")
    for name in ("output", ".winback-cache"):
        (tmp_path / name).symlink_to("/tmp", target_is_directory=True)
    (tmp_path / "notes").mkdir()
    for name in ("output", ".winback-cache"):  # a folder of that name lower down is not ours
        (tmp_path / "notes" / name).write_text("kept\n")
    status = subprocess.run(["git", "-C", str(tmp_path), "status", "--porcelain",
                             "--untracked-files=all"], capture_output=True, text=True,
                            check=True).stdout.splitlines()
    assert sorted(status) == ["?? .gitignore", "?? notes/.winback-cache", "?? notes/output"]


# --- files that are not what they are named ------------------------------------------

def test_an_accounts_folder_linked_from_outside_the_project_is_refused(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    write(elsewhere / "secret.md", FULL_ACCOUNT.replace("Northwind Freight", "Secret Client"))
    root = tmp_path / "project"
    (root / "content").mkdir(parents=True)
    (root / "content" / "accounts").symlink_to(elsewhere)
    for command in (("check",), ("build", "--no-pdf"), ("list",)):
        result = run_cli(root, *command)
        assert result.exit_code == 1, command
        assert (f"accounts: the accounts folder links to {elsewhere}, outside the project (keep "
                "the account files inside the project)") in result.stderr
        assert "Secret Client" not in result.output
    assert not (root / "output").exists()


def test_an_account_linked_to_a_secret_inside_the_project_is_refused_unread(project_dir):
    write(project_dir / ".env", "API_TOKEN=s3cr3t-t0ken\n")
    (project_dir / "content" / "accounts" / "env.md").symlink_to(project_dir / ".env")
    result = build_beside_good(project_dir)
    assert_alone_reported(result, project_dir, f"env.md: the file links to {project_dir}/.env, "
                          "outside its folder")
    assert "s3cr3t" not in result.output
    assert "s3cr3t" not in "".join(p.read_text() for p in (project_dir / "output").rglob("*.html"))
    assert "s3cr3t" not in run_cli(project_dir, "check").output


def test_a_pipe_named_like_an_account_is_reported_not_waited_on(project_dir):
    os.mkfifo(project_dir / "content" / "accounts" / "pipe.md")
    write(project_dir / "content" / "accounts" / "good.md", FULL_ACCOUNT)
    for command in (["check"], ["build", "--no-pdf", "--today", TODAY.isoformat()]):
        done = subprocess.run([sys.executable, "-m", "generator", "-C", str(project_dir),
                               *command], capture_output=True, text=True, timeout=120)
        assert done.returncode == 1
        assert "pipe.md: not a regular file: a folder, a pipe or a device is not read" in (
            done.stderr)
    assert (project_dir / "output" / "accounts" / "good.html").is_file()


def test_an_account_named_with_an_upper_case_extension_is_reported(project_dir):
    write(project_dir / "content" / "accounts" / "shout.MD", FULL_ACCOUNT)
    result = build_beside_good(project_dir)
    assert_alone_reported(result, project_dir,
                          "shout.MD: file name 'shout.MD' does not end in '.md' (rename it to "
                          "'shout.md')")
    assert "shout.MD" in run_cli(project_dir, "check").stderr


def test_a_moved_project_builds_and_its_mark_holds_no_absolute_path(tmp_path):
    first = tmp_path / "first"
    write(first / "content" / "accounts" / "acme.md", FULL_ACCOUNT)
    assert run_cli(first, "build", "--no-pdf").exit_code == 0
    mark = (first / "output" / ".winback-output").read_text()
    assert str(tmp_path) not in mark and '"project": ".."' in mark
    moved = tmp_path / "renamed"
    first.rename(moved)
    again = run_cli(moved, "build", "--no-pdf")
    assert again.exit_code == 0, again.stderr
    assert "acme" in (moved / "output" / "index.html").read_text()


def test_a_project_moved_away_from_its_output_folder_still_builds_there(tmp_path):
    first, out = tmp_path / "first", tmp_path / "site"
    write(first / "content" / "accounts" / "acme.md", FULL_ACCOUNT)
    assert run_cli(first, "build", "--no-pdf", "--out", str(out)).exit_code == 0
    moved = tmp_path / "elsewhere" / "first"
    moved.parent.mkdir()
    first.rename(moved)
    again = run_cli(moved, "build", "--no-pdf", "--out", str(out))
    assert again.exit_code == 0, again.stderr
    # and a project that never built there is still refused while the owner is there
    other = tmp_path / "other"
    write(other / "content" / "accounts" / "beta.md", FULL_ACCOUNT)
    refused = run_cli(other, "build", "--no-pdf", "--out", str(out))
    assert refused.exit_code == 1
    assert f"holds the build of another project ({moved})" in refused.stderr
